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

"""Tests of list_opts(), the oslo-config-generator entry points."""

import os

from oslo_config import cfg
from oslotest import base
import stevedore

import nova_pci_alias
from nova_pci_alias import opts

GENERATOR_CONF = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(
        nova_pci_alias.__file__))),
    'etc', 'nova-pci-alias', 'nova-pci-alias-config-generator.conf')


class TestListOpts(base.BaseTestCase):

    def options(self):
        return {(str(group), opt.name) for group, group_opts
                in opts.list_opts() for opt in group_opts}

    def test_registry_options(self):
        expected = {('pci_alias', 'sources'),
                    ('pci_alias', 'refresh_interval'),
                    ('pci_alias', 'pci_in_placement')}
        self.assertEqual(set(), expected - self.options())

    def test_service_options_are_not_listed_here(self):
        # The service's options have an entry point of their own.
        self.assertNotIn('pci_alias_api',
                         {group for group, _ in self.options()})

    def test_installed_config_source_options(self):
        self.assertIn(('pci', 'alias'), self.options())

    def test_installed_database_source_options(self):
        self.assertIn(('pci_alias_database', 'connection'), self.options())

    def test_sample_driver_group(self):
        self.assertEqual(
            {('pci_alias_driver', 'driver'), ('pci_alias_driver', 'sources'),
             ('pci_alias_driver', 'live_refresh')},
            {(group, name) for group, name in self.options()
             if group == opts.SAMPLE_DRIVER_GROUP})

    def test_groups_are_new_objects_at_each_call(self):
        first, second = opts.list_opts(), opts.list_opts()
        self.assertIsNot(first[0][0], second[0][0])


class TestEntryPoints(base.BaseTestCase):
    """The ``oslo.config.opts`` entry points that the sample is made of."""

    def listed(self, namespace):
        manager = stevedore.NamedExtensionManager(
            'oslo.config.opts', [namespace],
            on_missing_entrypoints_callback=self.fail)
        return {(str(group), opt.name) for ext in manager
                for group, group_opts in ext.plugin() for opt in group_opts}

    def test_service_options_have_their_own_entry_point(self):
        self.assertEqual({('pci_alias_api', 'cache_max_age'),
                          ('pci_alias_api', 'retry_after'),
                          ('pci_alias_api', 'auth_strategy'),
                          ('pci_alias_api', 'max_request_body_size')},
                         self.listed('nova_pci_alias.service'))

    def test_package_entry_point_lists_pci_alias(self):
        self.assertIn(('pci_alias', 'sources'),
                      self.listed('nova_pci_alias'))

    def test_generator_reads_both_namespaces(self):
        with open(GENERATOR_CONF) as f:
            namespaces = [line.split('=', 1)[1].strip() for line in f
                          if line.startswith('namespace')]
        self.assertLess(namespaces.index('nova_pci_alias'),
                        namespaces.index('nova_pci_alias.service'))


class TestRegisterOpts(base.BaseTestCase):

    def test_overrides_stay_in_their_configuration(self):
        first, second = cfg.ConfigOpts(), cfg.ConfigOpts()
        for conf in (first, second):
            opts.register_opts(conf)
            conf([], default_config_files=[], default_config_dirs=[])
        first.set_override('refresh_interval', 5, group='pci_alias')
        self.assertEqual(60, second.pci_alias.refresh_interval)

    def test_nova_definition_of_pci_in_placement_is_kept(self):
        conf = cfg.ConfigOpts()
        conf.register_opt(cfg.BoolOpt('pci_in_placement', default=True),
                          group=opts.NOVA_PLACEMENT_GROUP)
        opts.register_nova_opts(conf)
        conf([], default_config_files=[], default_config_dirs=[])
        self.assertTrue(conf[opts.NOVA_PLACEMENT_GROUP].pci_in_placement)


class TestDriverGroups(base.BaseTestCase):

    def test_config_source_group_never_loaded_is_skipped(self):
        # config_source set after the files were read: oslo.config never
        # registered the group's driver option.
        conf = cfg.ConfigOpts()
        conf([], default_config_files=[], default_config_dirs=[])
        conf.set_override('config_source', ['never_loaded'])
        self.assertEqual([], opts.driver_groups(conf))
