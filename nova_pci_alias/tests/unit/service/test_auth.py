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

"""Authentication in front of the alias service: auth_token, or noauth."""

import datetime
import logging

import fixtures
from keystoneauth1 import loading as ks_loading
from oslo_utils import timeutils

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.service import app
from nova_pci_alias.service import auth
from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit.service import base


class TestKeystone(base.APITestCase):
    """``auth_strategy = keystone``, the default."""

    def test_reader_token_is_let_in(self):
        self.assertEqual(200, self.send(token=self.reader).status)

    def test_conditional_get_with_a_token_is_not_modified(self):
        etag = self.send(token=self.reader).headers['ETag']
        self.assertEqual(304, self.send(token=self.reader, headers={
            'If-None-Match': etag}).status)

    def test_missing_token_is_unauthorized(self):
        self.assertEqual(401, self.send().status)

    def test_invalid_token_is_unauthorized(self):
        self.assertEqual(401, self.send(token='not-a-token').status)

    def test_expired_token_is_unauthorized(self):
        expired = self.token('reader', ['reader'], expires=(
            timeutils.utcnow() - datetime.timedelta(minutes=1)))
        self.assertEqual(401, self.send(token=expired).status)

    def test_unauthorized_names_keystone(self):
        response = self.send()
        self.assertEqual('Keystone uri="%s"' % base.KEYSTONE_URI,
                         response.headers['WWW-Authenticate'])

    def test_unauthorized_is_an_api_sig_error(self):
        response = self.send(token='not-a-token')
        self.assertEqual({
            'status': 401, 'title': 'Unauthorized',
            'code': 'nova_pci_alias.unauthorized',
            'detail': auth.UNAUTHORIZED_DETAIL,
            'request_id': response.headers['X-OpenStack-Request-Id']},
            response.error)

    def test_every_resource_needs_a_token(self):
        paths = [('GET', '/v1/aliases'), ('HEAD', '/v1/aliases'),
                 ('GET', '/v1/aliases/gpu'), ('PUT', '/v1/aliases/gpu'),
                 ('DELETE', '/v1/aliases/gpu'), ('GET', '/v1/history'),
                 ('GET', '/v1/history/1'),
                 ('POST', '/v1/history/1/restore')]
        self.assertEqual([401] * len(paths), [
            self.send(method, path).status for method, path in paths])

    def test_unknown_path_needs_a_token_first(self):
        self.assertEqual(401, self.send(path='/v1/nowhere').status)

    def test_unknown_path_with_a_token_is_not_found(self):
        self.assertEqual(404, self.send(path='/v1/nowhere',
                                        token=self.reader).status)

    def test_version_document_needs_no_token(self):
        self.assertEqual(200, self.send(path='/').status)

    def test_healthcheck_needs_no_token(self):
        self.assertEqual(200, self.send(path='/healthcheck').status)

    def test_client_identity_headers_are_not_believed(self):
        # auth_token drops X-Roles and friends that the client sent.
        response = self.send(method='DELETE', path='/v1/aliases/gpu',
                             token=self.reader,
                             headers={'X-Roles': 'admin'})
        self.assertEqual(403, response.status)


class TestKeystoneUnreachable(base.APITestCase):
    """auth_token cannot ask Keystone about a token: 503."""

    keystone_fixture = False

    def setUp(self):
        super().setUp()
        # The service's own user authenticates at a port nobody listens on.
        self.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('password'),
            group='keystone_authtoken')
        self.conf_fixture.config(
            group='keystone_authtoken', auth_type='password',
            auth_url='http://127.0.0.1:%d/identity'
                     % remote_servers.closed_port(),
            username='pci-alias', password='SECRET', user_domain_id='default',
            project_name='service', project_domain_id='default',
            http_request_max_retries=0, http_connect_timeout=2)
        self.response = self.send(token='some-token')

    def test_unavailable(self):
        self.assertEqual(503, self.response.status)

    def test_unavailable_is_an_api_sig_error(self):
        self.assertEqual(
            ('nova_pci_alias.identity_unavailable',
             auth.IDENTITY_UNAVAILABLE_DETAIL),
            (self.response.error['code'], self.response.error['detail']))

    def test_unavailable_tells_nothing_of_keystone(self):
        self.assertNotIn(b'127.0.0.1', self.response.body)


class TestKeystoneNotConfigured(base.APITestCase):
    """auth_token without the service's own Keystone user: no start."""

    keystone_fixture = False

    def build(self):
        return app.build_app(
            self.conf, registry.AliasRegistry.from_config(self.conf))

    def test_no_auth_type_refuses_to_start(self):
        self.conf_fixture.config(group='keystone_authtoken', auth_type=None)
        error = self.assertRaises(exception.AuthNotConfigured, self.build)
        self.assertIn('[keystone_authtoken] sets no auth_type', str(error))

    def test_unknown_auth_type_refuses_to_start(self):
        self.conf_fixture.config(group='keystone_authtoken',
                                 auth_type='no-such-plugin')
        error = self.assertRaises(exception.AuthNotConfigured, self.build)
        self.assertIn('auth_type = no-such-plugin, which no installed',
                      str(error))

    def test_auth_section_is_followed(self):
        ks_loading.register_auth_conf_options(self.conf, 'service_user')
        self.conf_fixture.config(group='keystone_authtoken', auth_type=None,
                                 auth_section='service_user')
        error = self.assertRaises(exception.AuthNotConfigured, self.build)
        self.assertIn('[service_user] sets no auth_type', str(error))

    def test_an_auth_plugin_is_enough_to_start(self):
        self.conf_fixture.config(group='keystone_authtoken',
                                 www_authenticate_uri=None)
        self.assertTrue(self.serve().startswith('http://127.0.0.1:'))

    def test_noauth_needs_no_keystone_user(self):
        self.conf_fixture.config(group='keystone_authtoken', auth_type=None)
        self.conf_fixture.config(group='pci_alias_api',
                                 auth_strategy='noauth')
        self.assertIsNotNone(self.build())


class TestNoAuth(base.APITestCase):
    """``auth_strategy = noauth``: everyone is an admin."""

    def setUp(self):
        super().setUp()
        self.conf_fixture.config(group='pci_alias_api',
                                 auth_strategy='noauth')

    def test_no_token_is_needed(self):
        self.assertEqual(200, self.send().status)

    def test_requests_act_as_admin(self):
        # The history rule (admin) passes; this service has no history.
        response = self.send(path='/v1/history')
        self.assertEqual('nova_pci_alias.not_found', response.error['code'])

    def test_start_is_a_warning(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.service.auth', level=logging.WARNING))
        self.serve()
        self.assertIn('auth_strategy is noauth', logger.output)

    def test_keystone_start_is_not_a_warning(self):
        self.conf_fixture.config(group='pci_alias_api',
                                 auth_strategy='keystone')
        logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.service.auth', level=logging.WARNING))
        self.serve()
        self.assertEqual('', logger.output)


class TestNoAuthActor(base.DatabaseAPITestCase):
    """Under ``noauth`` the history names ``noauth`` or the headers' ids."""

    def setUp(self):
        super().setUp()
        self.conf_fixture.config(group='pci_alias_api',
                                 auth_strategy='noauth')

    def latest_change(self):
        return self.send(path='/v1/history').json['history'][0]

    def test_actor_is_noauth(self):
        self.send(method='DELETE', path='/v1/aliases/nic')
        change = self.latest_change()
        self.assertEqual(('noauth', 'noauth'),
                         (change['user_id'], change['project_id']))

    def test_actor_from_the_headers(self):
        self.send(method='DELETE', path='/v1/aliases/nic',
                  headers={'X-User-Id': 'alice', 'X-Project-Id': 'ops'})
        change = self.latest_change()
        self.assertEqual(('alice', 'ops'),
                         (change['user_id'], change['project_id']))
