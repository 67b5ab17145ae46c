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

"""The alias service as the API tests see it: served on 127.0.0.1.

:class:`APITestCase` serves the application of a fresh configuration over
real HTTP, with keystonemiddleware's ``auth_token`` in front (its own test
fixture, :class:`keystonemiddleware.fixture.AuthTokenFixture`, stands for
Keystone: the tokens it knows are valid, any other is not) and the
default policy. :class:`DatabaseAPITestCase` serves the ``database``
source of a migrated SQLite file, so that writes and history are real.
"""

import http.client
import json
import urllib.parse
import uuid

import fixtures
from keystoneauth1 import loading as ks_loading
from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
from oslo_middleware import opts as middleware_opts
from oslo_policy import opts as policy_opts
from oslotest import base

from nova_pci_alias import registry
from nova_pci_alias.service import app
from nova_pci_alias.service import options
from nova_pci_alias.sources import config
from nova_pci_alias.sources.database import options as database_options
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.sources.database import base as db_base

#: What auth_token sends in WWW-Authenticate: the configured Keystone.
KEYSTONE_URI = 'https://keystone.example/identity'

GPU = fakes.entry('gpu')
NIC = fakes.entry('nic', '154c', vendor_id='8086', device_type='type-VF')


class Response:
    """What a request got: ``status``, ``headers``, ``body`` (bytes)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def error(self):
        """The one API-SIG error of the body."""
        error, = self.json['errors']
        return error


def send(url, method='GET', path='/v1/aliases', body=None, headers=None,
         token=None):
    """Send one request to the service at ``url``; return a Response.

    :param body: bytes to send as they are, or any other value to send as
        JSON (with ``Content-Type: application/json``).
    :param token: the X-Auth-Token to send.
    """
    headers = dict(headers or {})
    if token is not None:
        headers['X-Auth-Token'] = token
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
        headers.setdefault('Content-Type', 'application/json')
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, urllib.parse.quote(path, safe='/?=&'),
                     body=body, headers=headers)
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


class APITestCase(base.BaseTestCase):
    """The service with ``auth_strategy = keystone``, on 127.0.0.1.

    Its aliases are ``[pci] alias`` (GPU and NIC), read through the
    ``config`` source; tokens of the personas are :attr:`reader`,
    :attr:`admin` (who has the reader role too, as Keystone's implied
    roles give it), :attr:`service` and :attr:`member`, whose user id is
    ``<persona>-user`` and project id ``<persona>-project``.
    """

    #: The sources of the service.
    sources = ['config']
    #: Whether keystonemiddleware's fixture stands for Keystone.
    keystone_fixture = True

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        # What auth_token and keystoneauth log (the in-process token cache,
        # a Keystone that cannot be reached), kept off the console.
        for name in ('keystonemiddleware', 'keystoneauth'):
            self.useFixture(fixtures.FakeLogger(name=name))
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        options.register_opts(self.conf)
        self.conf.register_opt(config.alias_opt, group=config.GROUP)
        listed = (middleware_opts.list_opts_healthcheck()
                  + middleware_opts.list_opts_http_proxy_to_wsgi()
                  + auth_token.list_opts() + policy_opts.list_opts())
        for group, group_opts in listed:
            self.conf.register_opts(group_opts, group=group)
        self.conf_fixture.config(group='pci_alias', refresh_interval=0,
                                 sources=self.sources)
        # The service's own Keystone user, without which it refuses to
        # start; the fixture below answers in Keystone's stead.
        self.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('password'),
            group='keystone_authtoken')
        ks_loading.register_auth_conf_options(self.conf, 'keystone_authtoken')
        self.conf_fixture.config(
            group='keystone_authtoken', www_authenticate_uri=KEYSTONE_URI,
            auth_type='password', auth_url=KEYSTONE_URI + '/v3',
            username='pci-alias', password='SECRET', user_domain_id='default',
            project_name='service', project_domain_id='default')
        self.conf.set_override('alias', [json.dumps(GPU), json.dumps(NIC)],
                               group='pci')
        if not self.keystone_fixture:
            return
        self.keystone = self.useFixture(ksm_fixture.AuthTokenFixture())
        self.reader = self.token('reader', ['reader'])
        self.admin = self.token('admin', ['admin', 'member', 'reader'])
        self.service = self.token('service', ['service'])
        self.member = self.token('member', ['member'])

    def token(self, persona, roles, **kwargs):
        """Return a new token that the fixture's Keystone knows."""
        token_id = uuid.uuid4().hex
        self.keystone.add_token_data(
            token_id=token_id, user_id=persona + '-user',
            project_id=persona + '-project', role_list=roles, **kwargs)
        return token_id

    def serve(self):
        """Serve the application; return its base URL."""
        self.registry = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, self.registry)
        application = app.build_app(self.conf, self.registry)
        self.url = self.useFixture(
            httpserver.WSGIServerFixture(application)).url
        return self.url

    def send(self, method='GET', path='/v1/aliases', token=None, **kwargs):
        """Send a request to the served application (serving it first)."""
        if getattr(self, 'url', None) is None:
            self.serve()
        return send(self.url, method=method, path=path, token=token,
                    **kwargs)


class DatabaseAPITestCase(APITestCase):
    """The service of a migrated SQLite file: it can write, with history.

    The database holds GPU and NIC when the test starts.
    """

    sources = ['database']

    def setUp(self):
        super().setUp()
        self.useFixture(db_base.IsolatedContextFixture())
        database_options.register_opts(self.conf)
        path = self.useFixture(fixtures.TempDir()).join('aliases.db')
        self.conf_fixture.config(group='pci_alias_database',
                                 connection='sqlite:///' + path)
        queries.configure(self.conf)
        queries.sync_schema()
        queries.import_entries([GPU, NIC], 'the test')

    def etag(self):
        """The ETag of the alias document the service serves now."""
        return self.send(token=self.reader).headers['ETag']
