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

"""The remote source of a compute, reading through the service's auth_token.

The compute authenticates with a keystoneauth1 plugin from
``[pci_alias_remote]``; here the ``admin_token`` plugin sends a token that
keystonemiddleware's fixture knows, as a service user's would be after it
logged in.
"""

from keystoneauth1 import loading as ks_loading

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.service import base


class TestComputeReads(base.APITestCase):

    def compute(self, token):
        """A compute's registry reading this service with ``token``."""
        client = self.useFixture(fakes.ConfFixture())
        client.config(group='pci_alias', sources=['remote'],
                      refresh_interval=0)
        reg = registry.AliasRegistry.from_config(client.conf)
        self.addCleanup(fakes.wait_for_check, reg)
        client.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('admin_token'),
            group='pci_alias_remote')
        client.config(group='pci_alias_remote',
                      url=self.serve() + '/v1/aliases',
                      allow_insecure_http=True, timeout=5,
                      auth_type='admin_token', endpoint=self.url,
                      token=token)
        return reg

    def test_service_user_reads_the_aliases(self):
        reg = self.compute(self.service)
        self.assertEqual(['gpu', 'nic'], list(reg.get_table()))

    def refusal(self, token):
        reg = self.compute(token)
        return str(self.assertRaises(exception.AliasSourceError,
                                     reg.get_table))

    def test_invalid_token_is_unauthorized(self):
        self.assertIn('HTTP 401 Unauthorized',
                      self.refusal('expired-or-unknown'))

    def test_member_without_reader_is_forbidden(self):
        self.assertIn('HTTP 403 Forbidden', self.refusal(self.member))
