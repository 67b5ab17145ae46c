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


"""The real ``openstack`` command, run against a real server on 127.0.0.1.

Each command runs in a process of its own, as an operator runs it, with
keystoneauth's ``none`` auth plugin and the server's root as
``--os-endpoint``; no ``clouds.yaml`` or ``OS_*`` variable of the machine
reaches it.
"""

import json
import os
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias import opts
from nova_pci_alias import registry
from nova_pci_alias.service import app
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.osc import contract

GPU = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6'}
NIC = {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
       'device_type': 'type-VF'}
NIC_PF = {'name': 'nic', 'vendor_id': '8086', 'product_id': '1572',
          'device_type': 'type-VF'}

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')


def no_auth(url):
    """The options of keystoneauth's ``none`` plugin, with ``url``."""
    return ['--os-auth-type', 'none', '--os-endpoint', url]


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


class AliasServiceFixture(fixtures.Fixture):
    """This package's alias service on 127.0.0.1, configured by a file.

    :param entries: the entries of its ``[pci] alias`` (the ``config``
        source).

    The file sets ``[pci_alias_api] auth_strategy = noauth``, as a
    development deployment does, so that the commands need no Keystone.
    ``self.url`` is the service root.
    """

    def __init__(self, entries):
        super().__init__()
        self.entries = entries

    def _setUp(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'nova-pci-alias.conf')
        lines = ['[pci_alias]', 'sources = config',
                 '[pci_alias_api]', 'auth_strategy = noauth', '[pci]']
        lines += ['alias = %s' % json.dumps(entry) for entry in self.entries]
        with open(path, 'w') as conf_file:
            conf_file.write('\n'.join(lines) + '\n')
        conf = cfg.ConfigOpts()
        opts.register_opts(conf)
        conf(['--config-file', path], default_config_files=[],
             default_config_dirs=[])
        reg = registry.AliasRegistry.from_config(conf)
        self.addCleanup(fakes.wait_for_check, reg)
        application = app.build_app(conf, reg)
        self.url = self.useFixture(
            httpserver.WSGIServerFixture(application)).url


class CommandTestCase(base.BaseTestCase):
    """Serves the alias API's contract; runs ``openstack`` against it.

    ``self.app`` is the :class:`~.contract.ContractApp`, holding ``GPU``
    and ``NIC`` to begin with.
    """

    ENTRIES = (GPU, NIC)

    def setUp(self):
        super().setUp()
        if not os.path.exists(OPENSTACK):
            self.skipTest('python-openstackclient is not installed')
        self.app = contract.ContractApp(self.ENTRIES)
        server = self.useFixture(httpserver.WSGIServerFixture(self.app))
        self.command = self.useFixture(OpenStackCommandFixture(server.url))

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
