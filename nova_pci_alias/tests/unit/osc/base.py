# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.


"""The real ``openstack`` command, run against the real alias service.

Each command runs in a process of its own, as an operator runs it; no
``clouds.yaml`` or ``OS_*`` variable of the machine reaches it. The
service is this package's, on 127.0.0.1, over a migrated SQLite file
(:class:`AliasAPIFixture`), so it writes and keeps a history; by default
with ``auth_strategy = noauth`` and the commands with keystoneauth's
``none`` auth plugin and the service root as ``--os-endpoint``.
"""

import json
import os
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslotest import base
import webob

from nova_pci_alias import document
from nova_pci_alias import opts
from nova_pci_alias import registry
from nova_pci_alias.service import app
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.sources.database import base as db_base

GPU = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6'}
NIC = {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
       'device_type': 'type-VF'}
NIC_PF = {'name': 'nic', 'vendor_id': '8086', 'product_id': '1572',
          'device_type': 'type-VF'}

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')


def no_auth(url):
    """The options of keystoneauth's ``none`` plugin, with ``url``."""
    return ['--os-auth-type', 'none', '--os-endpoint', url]


def without_request_id(message):
    """An error line of a command, without its ``(request req-...)``."""
    head, sep, tail = message.rpartition(' (request req-')
    return head + '\n' if sep and tail.endswith(')\n') else message


class OpenStackCommandFixture(fixtures.Fixture):
    """Runs ``openstack`` with the same auth options each time.

    :param url: the service root given as ``--os-endpoint`` with the
        ``none`` auth type (:func:`no_auth`); or None, with ``auth_args``.
    :param auth_args: the auth options, when ``url`` is None.
    """

    def __init__(self, url=None, auth_args=()):
        super().__init__()
        self.auth_args = no_auth(url) if url else list(auth_args)

    def _setUp(self):
        self.home = self.useFixture(fixtures.TempDir()).path
        # The machine's clouds.yaml and OS_* settings stay out; the rest
        # (PATH, coverage's variables) is kept.
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith('OS_')}
        self.env.update(HOME=self.home, LC_ALL='C.UTF-8')

    def run(self, *args):
        """Run ``openstack AUTH_OPTIONS ARGS``.

        :returns: the :class:`subprocess.CompletedProcess`, its output as
            text.
        """
        return subprocess.run(
            [OPENSTACK] + self.auth_args + list(args), capture_output=True,
            text=True, timeout=60, cwd=self.home, env=self.env)


class Recorder:
    """WSGI middleware that keeps what each request asked.

    ``self.requests``: ``(method, path_qs, headers, body)`` of each.
    """

    def __init__(self, application):
        self.application = application
        self.requests = []

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        self.requests.append((req.method, req.path_qs, dict(req.headers),
                              req.body))
        return self.application(environ, start_response)


class AliasAPIFixture(fixtures.Fixture):
    """This package's alias service over a migrated SQLite file.

    :param entries: the entries the database holds when the test starts
        (one ``import`` in the history).
    :param auth_strategy: ``noauth``, or ``keystone`` (then
        ``[keystone_authtoken]`` is for keystonemiddleware's own test
        fixture, which the test sets up).

    Configured by a file, as a deployer does (``[pci_alias] sources =
    database``). ``self.url`` is the service root, ``self.requests`` what
    it was asked (:class:`Recorder`); :attr:`entries`, :meth:`etag`,
    :attr:`revision` and :meth:`replace` look at or change the database
    directly.
    """

    def __init__(self, entries, auth_strategy='noauth'):
        super().__init__()
        self.initial = [dict(entry) for entry in entries]
        self.auth_strategy = auth_strategy

    def _setUp(self):
        self.useFixture(db_base.IsolatedContextFixture())
        tmp = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(tmp, 'nova-pci-alias.conf')
        with open(path, 'w') as conf_file:
            conf_file.write('\n'.join([
                '[pci_alias]', 'sources = database', 'refresh_interval = 0',
                '[pci_alias_database]',
                'connection = sqlite:///%s' % os.path.join(tmp, 'aliases.db'),
                '[pci_alias_api]', 'auth_strategy = %s' % self.auth_strategy,
                # The service's own Keystone user, as a deployer gives it;
                # keystonemiddleware's fixture answers in Keystone's place.
                '[keystone_authtoken]',
                'www_authenticate_uri = http://keystone.example/identity',
                'auth_type = password',
                'auth_url = http://keystone.example/identity/v3',
                'username = pci-alias', 'password = SECRET',
                'user_domain_id = default', 'project_name = service',
                'project_domain_id = default',
            ]) + '\n')
        conf = cfg.ConfigOpts()
        opts.register_opts(conf)
        conf(['--config-file', path], default_config_files=[],
             default_config_dirs=[])
        queries.configure(conf)
        queries.sync_schema()
        queries.import_entries(self.initial, 'the test')
        reg = registry.AliasRegistry.from_config(conf)
        self.addCleanup(fakes.wait_for_check, reg)
        recorder = Recorder(app.build_app(conf, reg))
        self.requests = recorder.requests
        self.url = self.useFixture(
            httpserver.WSGIServerFixture(recorder)).url + '/'

    @property
    def entries(self):
        """The entries of the database now."""
        return queries.get_entries()

    @property
    def revision(self):
        """The revision of the database's table now."""
        return queries.get_revision()

    def etag(self):
        """The ETag of the table now, as the commands print it."""
        return document.etag_of(
            document.encode_document(queries.get_entries())).strip('"')

    def replace(self, name, entries):
        """Create or replace an alias in the database, as a ``PUT`` does.

        Straight in the database: the history and the writes see it at
        once, the served table only after the service's next check (a
        reader never waits for one), so a test reads it back through the
        history, not ``list`` or ``show``.

        :returns: what :func:`~nova_pci_alias.sources.database.queries.
            put_alias` returns (``revision`` ...).
        """
        return queries.put_alias(name, entries)


class CommandTestCase(base.BaseTestCase):
    """Serves the alias API; runs ``openstack`` against it.

    ``self.api`` is the :class:`AliasAPIFixture`, holding :attr:`ENTRIES`
    to begin with; ``self.start`` its revision then.
    """

    ENTRIES = (GPU, NIC)

    def setUp(self):
        super().setUp()
        if not os.path.exists(OPENSTACK):
            self.skipTest('python-openstackclient is not installed')
        self.api = self.useFixture(AliasAPIFixture(self.ENTRIES))
        self.start = self.api.revision
        self.command = self.useFixture(OpenStackCommandFixture(self.api.url))

    def openstack(self, *args):
        """Run ``openstack ARGS``; return the CompletedProcess."""
        return self.command.run(*args)

    def json_of(self, *args):
        """Run ``openstack ARGS -f json``; return the JSON it printed.

        The test fails with the command's error output if it fails.
        """
        result = self.openstack(*(args + ('-f', 'json')))
        self.assertEqual(0, result.returncode, result.stderr)
        return json.loads(result.stdout)
