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

"""Tests of the ``[pci_alias_remote]`` options (``options.py``)."""

from oslotest import base

from nova_pci_alias import opts
from nova_pci_alias.sources.remote import options as remote_opts
from nova_pci_alias.sources.remote import source as remote
from nova_pci_alias.tests.unit import fakes


class TestOptions(base.BaseTestCase):

    def test_list_opts(self):
        names = {opt.dest for _, group_opts in remote.RemoteSource.list_opts()
                 for opt in group_opts}
        expected = {'url', 'path', 'min_refresh_interval',
                    'max_refresh_interval', 'max_payload_bytes',
                    'cache_file', 'allow_insecure_http', 'cafile',
                    'certfile', 'keyfile', 'insecure', 'timeout',
                    'auth_type', 'auth_section', 'service_type',
                    'region_name', 'valid_interfaces', 'endpoint_override',
                    'connect_retries', 'status_code_retries'}
        self.assertEqual(set(), expected - names)

    def test_generator_lists_the_remote_options(self):
        self.assertIn(('pci_alias_remote', 'url'), {
            (str(group), opt.dest) for group, group_opts in opts.list_opts()
            for opt in group_opts})

    def test_timeout_has_a_default(self):
        conf = self.useFixture(fakes.ConfFixture()).conf
        remote_opts.register_opts(conf)
        self.assertEqual(remote_opts.DEFAULT_TIMEOUT,
                         conf.pci_alias_remote.timeout)

    def test_overrides_stay_in_their_configuration(self):
        first = self.useFixture(fakes.ConfFixture())
        second = self.useFixture(fakes.ConfFixture()).conf
        remote_opts.register_opts(first.conf)
        remote_opts.register_opts(second)
        first.config(group='pci_alias_remote', url='https://a.example/')
        self.assertIsNone(second.pci_alias_remote.url)
