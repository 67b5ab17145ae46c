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

"""Tests of :mod:`nova_pci_alias.sources.remote.deadline`.

One deadline for a whole exchange, against servers that trickle or say
nothing.
"""

from keystoneauth1 import loading as ks_loading

from nova_pci_alias import exception
from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit.sources.remote import base as remote_base
from nova_pci_alias.tests.unit import tls


class TestDeadline(remote_base.RemoteTestCase):
    """``timeout`` bounds a request as a whole, not each socket read.

    The servers send a byte every 0.1 s, far within the 1 s timeout of any
    one read, and give up after 3 s (so that a client without a deadline
    fails instead of hanging the test, but with another error).
    """

    TIMEOUT = 1
    EXPECTED = 'timed out: no complete answer within 1 seconds'

    def trickle(self, part, ssl_context=None):
        return self.trickle_server(part, ssl_context).url + (
            remote_servers.DOCUMENT_PATH)

    def trickle_server(self, part, ssl_context=None):
        return self.useFixture(remote_servers.TrickleServerFixture(
            self.app.body, part, interval=0.1,
            give_up_after=3 * self.TIMEOUT, ssl_context=ssl_context))

    def error(self, url, **options):
        return self.first_load_error(self.source(
            url=url, timeout=self.TIMEOUT, **options))

    def test_trickled_status_line_and_headers(self):
        self.assertIn(self.EXPECTED, self.error(self.trickle('head')))

    def test_trickled_body(self):
        self.assertIn(self.EXPECTED, self.error(self.trickle('body')))

    def test_trickled_body_over_https(self):
        certificates = self.useFixture(tls.TLSFixture())
        url = self.trickle('body', certificates.server_context())
        self.assertIn(self.EXPECTED,
                      self.error(url, cafile=certificates.ca_file))

    def test_silent_server(self):
        silent = self.useFixture(remote_servers.SilentServerFixture())
        self.assertIn(self.EXPECTED,
                      self.error(silent.url + remote_servers.DOCUMENT_PATH))

    def test_silent_server_with_connect_retries(self):
        # Retrying after the deadline would start a new wait.
        silent = self.useFixture(remote_servers.SilentServerFixture())
        self.assertIn(self.EXPECTED, self.error(
            silent.url + remote_servers.DOCUMENT_PATH, connect_retries=3))

    def test_error_names_the_masked_url(self):
        base = self.trickle_server('head').url
        url = base.replace('//', '//nova:s3cret@') + '/aliases.json?sig=t0k'
        masked = base.replace('//', '//***@') + '/aliases.json?***'
        self.assertIn("PCI alias source 'remote' failed: %s: timed out"
                      % masked, self.error(url))

    def test_trickling_keystone(self):
        # Finding the endpoint authenticates first: within the same time.
        keystone = self.trickle_server('head')
        self.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('v3password'),
            group='pci_alias_remote')
        self.assertIn(self.EXPECTED, self.first_load_error(self.source(
            url=None, service_type='pci-alias', timeout=self.TIMEOUT,
            auth_type='v3password', auth_url=keystone.url + '/v3',
            username='nova', password='secret', user_domain_id='default',
            project_name='service', project_domain_id='default')))

    def test_next_check_works_after_a_deadline(self):
        self.app.stall = 3 * self.TIMEOUT
        src = self.source(timeout=self.TIMEOUT)
        self.assertRaises(exception.AliasSourceError, src.change_token)
        self.app.stall = 0
        self.assertEqual(['a', 'b'], self.names(src))
