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

"""Tests of list_opts(), the oslo-config-generator entry point."""

from oslo_config import cfg
from oslotest import base

from nova_pci_alias import opts


class TestListOpts(base.BaseTestCase):

    def options(self):
        return {(str(group), opt.name) for group, group_opts
                in opts.list_opts() for opt in group_opts}

    def test_registry_options(self):
        expected = {('pci_alias', 'sources'),
                    ('pci_alias', 'refresh_interval'),
                    ('pci_alias', 'pci_in_placement')}
        self.assertEqual(set(), expected - self.options())

    def test_service_options(self):
        self.assertIn(('pci_alias_api', 'cache_max_age'), self.options())

    def test_installed_config_source_options(self):
        self.assertIn(('pci', 'alias'), self.options())


class TestRegisterOpts(base.BaseTestCase):

    def test_overrides_stay_in_their_configuration(self):
        first, second = cfg.ConfigOpts(), cfg.ConfigOpts()
        for conf in (first, second):
            opts.register_opts(conf)
            conf([], default_config_files=[], default_config_dirs=[])
        first.set_override('refresh_interval', 5, group='pci_alias')
        self.assertEqual(60, second.pci_alias.refresh_interval)
