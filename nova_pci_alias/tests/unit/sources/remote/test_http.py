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

"""Tests of :mod:`nova_pci_alias.sources.remote.http`.

The request, its failures, TLS, Keystone discovery, and URLs that never
show their secrets.
"""

import logging

import fixtures
from keystoneauth1 import loading as ks_loading
from testtools import matchers

from nova_pci_alias import exception
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit.sources.remote import base as remote_base
from nova_pci_alias.tests.unit import tls


TEN_MIB = 10 * 1024 * 1024


class TestRequest(remote_base.RemoteTestCase):
    """The request that the client sends, and redirects."""

    def test_redirect_is_followed(self):
        src = self.source(url=self.server.url + '/moved')
        self.assertEqual(['a', 'b'], self.names(src))

    def test_user_agent_names_the_package(self):
        self.source().entries()
        self.assertThat(self.app.last_headers()['User-Agent'],
                        matchers.StartsWith('nova_pci_alias/'))

    def test_asks_for_json(self):
        self.source().entries()
        self.assertEqual('application/json',
                         self.app.last_headers()['Accept'])


class TestFailedRequests(remote_base.RemoteTestCase):
    """A download that fails says why; a body is never read past the limit."""

    def test_timeout(self):
        silent = self.useFixture(remote_servers.SilentServerFixture())
        src = self.source(url=silent.url + '/aliases.json', timeout=0.3)
        self.assertIn('timed out', self.first_load_error(src))

    def test_server_stalls_in_the_body(self):
        self.app.stall = 1
        src = self.source(timeout=0.3)
        self.assertIn('timed out: no complete answer within 0.3 seconds',
                      self.first_load_error(src))

    def test_truncated_body(self):
        self.app.truncated = True
        self.assertIn('reading the response failed',
                      self.first_load_error(self.source()))

    def test_connection_refused(self):
        src = self.source(url='http://127.0.0.1:%d/aliases.json'
                          % remote_servers.closed_port())
        self.assertIn('Connection refused', self.first_load_error(src))

    def test_error_names_the_url(self):
        self.app.status = '500 Internal Server Error'
        self.assertIn("PCI alias source 'remote' failed: %s: " % self.url,
                      self.first_load_error(self.source()))

    def test_server_error(self):
        self.app.status = '500 Internal Server Error'
        self.assertIn('HTTP 500 Internal Server Error',
                      self.first_load_error(self.source()))

    def test_not_found(self):
        src = self.source(url=self.server.url + '/nothing')
        self.assertIn('HTTP 404 Not Found', self.first_load_error(src))

    def test_large_body_refused_by_content_length(self):
        self.app.body = b' ' * TEN_MIB
        self.assertIn('larger than [pci_alias_remote] max_payload_bytes '
                      '(1048576 bytes): Content-Length is %d' % TEN_MIB,
                      self.first_load_error(self.source()))

    def test_large_body_without_length_refused_while_reading(self):
        self.app.body = b' ' * TEN_MIB
        self.app.streamed = True
        self.assertIn('larger than [pci_alias_remote] max_payload_bytes '
                      '(1048576 bytes);',
                      self.first_load_error(self.source()))

    def test_body_at_the_limit_is_read(self):
        body = self.app.body
        self.app.body = body + b' ' * (1000 - len(body))
        self.app.streamed = True
        src = self.source(max_payload_bytes=1000)
        self.assertEqual(['a', 'b'], self.names(src))


class TestSecurity(remote_base.RemoteTestCase):

    def test_plain_http_is_logged(self):
        self.source(allow_insecure_http=False).entries()
        self.assertIn('over plain HTTP', self.logger.output)

    def test_plain_http_allowed_explicitly(self):
        self.source(allow_insecure_http=True).entries()
        self.assertNotIn('over plain HTTP', self.logger.output)

    def test_credentials_are_never_logged_nor_raised(self):
        # urllib3 logs each request's path and query at DEBUG; oslo.log
        # keeps it at WARN by default, as the deployer guide says.
        self.useFixture(fixtures.FakeLogger(name='urllib3',
                                            level=logging.WARNING))
        self.app.status = '500 Internal Server Error'
        reg = self.registry(
            url='http://nova:s3cret@127.0.0.1:%d/aliases.json?sig=t0ken'
            % self.server.port)
        error = str(self.assertRaises(exception.AliasSourceError,
                                      reg.get_table))
        self.assertEqual([], [secret for secret in ('s3cret', 't0ken')
                              if secret in error + self.logger.output])

    def secret_url(self, base):
        return base.replace('//', '//nova:s3cret@') + (
            remote_servers.DOCUMENT_PATH + '?sig=t0ken')

    def secrets_shown(self, text):
        return [secret for secret in ('s3cret', 't0ken')
                if secret in text + self.logger.output]

    def test_timeout_does_not_show_credentials(self):
        self.useFixture(fixtures.FakeLogger(name='urllib3',
                                            level=logging.WARNING))
        silent = self.useFixture(remote_servers.SilentServerFixture())
        src = self.source(url=self.secret_url(silent.url), timeout=0.5)
        self.assertEqual([], self.secrets_shown(self.first_load_error(src)))

    def test_empty_document_warning_does_not_show_credentials(self):
        self.useFixture(fixtures.FakeLogger(name='urllib3',
                                            level=logging.WARNING))
        self.app.set_entries([])
        reg = self.registry(url=self.secret_url(self.server.url))
        reg.get_table()
        self.assertEqual([], self.secrets_shown(''))

    def test_refused_connection_does_not_show_the_query(self):
        src = self.source(url='http://127.0.0.1:%d/aliases.json?sig=t0ken'
                          % remote_servers.closed_port())
        self.assertNotIn('t0ken', self.first_load_error(src))


class TestTLS(remote_base.RemoteTestCase):

    def setUp(self):
        super().setUp()
        self.tls = self.useFixture(tls.TLSFixture())

    def https_url(self, require_client_cert=False):
        server = self.useFixture(httpserver.WSGIServerFixture(
            self.app, self.tls.server_context(require_client_cert)))
        return server.url + remote_servers.DOCUMENT_PATH

    def test_verified_with_the_ca_file(self):
        src = self.source(url=self.https_url(), cafile=self.tls.ca_file)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_refused_without_the_ca_file(self):
        src = self.source(url=self.https_url())
        self.assertIn('CERTIFICATE_VERIFY_FAILED', self.first_load_error(src))

    def test_insecure_skips_verification(self):
        # urllib3 warns of every unverified request, as it should; the
        # test asks for one on purpose.
        self.useFixture(fixtures.WarningsFilter([
            {'action': 'ignore', 'message': 'Unverified HTTPS request'}]))
        src = self.source(url=self.https_url(), insecure=True)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_client_certificate(self):
        src = self.source(url=self.https_url(require_client_cert=True),
                          cafile=self.tls.ca_file,
                          certfile=self.tls.client_cert,
                          keyfile=self.tls.client_key)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_refused_without_a_client_certificate(self):
        src = self.source(url=self.https_url(require_client_cert=True),
                          cafile=self.tls.ca_file)
        self.assertIn('SSL exception', self.first_load_error(src))

    def test_https_is_not_warned_about(self):
        self.source(url=self.https_url(), cafile=self.tls.ca_file,
                    allow_insecure_http=False).entries()
        self.assertNotIn('over plain HTTP', self.logger.output)


class TestDiscovery(remote_base.RemoteTestCase):

    def discover(self, **options):
        return self.source(url=None, service_type='pci-alias',
                           path=remote_servers.DOCUMENT_PATH, **options)

    def keystone(self):
        app = remote_servers.KeystoneApp('pci-alias', self.server.url)
        server = self.useFixture(httpserver.WSGIServerFixture(app))
        self.conf_fixture.config(group='pci_alias_remote',
                                 auth_type='v3password')
        # The source registers the plugin's options when it loads it; they
        # are registered here first to be set.
        self.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('v3password'),
            group='pci_alias_remote')
        return server

    def test_wrong_password(self):
        self.login(password='wrong')
        self.assertIn('HTTP 401', self.first_load_error(self.discover()))

    def test_unknown_auth_plugin(self):
        self.assertIn('invalid [pci_alias_remote] options',
                      self.first_load_error(self.source(auth_type='nope')))

    def test_endpoint_override_and_path(self):
        src = self.discover(endpoint_override=self.server.url)
        self.assertEqual(['a', 'b'], self.names(src))

    def login(self, password=remote_servers.KeystoneApp.PASSWORD):
        keystone = self.keystone()
        self.conf_fixture.config(
            group='pci_alias_remote', auth_url=keystone.url + '/v3',
            username='nova', password=password, user_domain_id='default',
            project_name='service', project_domain_id='default')

    def test_service_catalog(self):
        self.login()
        self.assertEqual(['a', 'b'], self.names(self.discover()))

    def test_token_is_sent(self):
        self.login()
        self.discover().entries()
        self.assertEqual(remote_servers.KeystoneApp.TOKEN,
                         self.app.last_headers()['X-Auth-Token'])

    def test_location_after_discovery(self):
        src = self.discover(endpoint_override=self.server.url)
        src.entries()
        self.assertEqual(self.url, src.location())

    def test_location_of_an_endpoint_override(self):
        src = self.discover(endpoint_override=self.server.url + '/')
        self.assertEqual(self.url, src.location())

    def test_location_before_discovery(self):
        self.assertEqual("the 'pci-alias' endpoint of the service catalog",
                         self.discover().location())
