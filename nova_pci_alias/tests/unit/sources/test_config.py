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

"""Tests of the ``config`` alias source."""

import os

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias import alias
from nova_pci_alias.sources import config as config_source

ALIAS_A = '{"name": "a", "vendor_id": "10de", "product_id": "1db6"}'
ALIAS_B = '{"name": "b", "vendor_id": "8086", "product_id": "154c"}'


class TestConfigSource(base.BaseTestCase):

    def load(self, text, conf=None):
        """A ConfigSource reading a config file holding ``text``."""
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'nova.conf')
        with open(path, 'w') as f:
            f.write(text)
        conf = cfg.ConfigOpts() if conf is None else conf
        source = config_source.ConfigSource(conf)
        conf(['--config-file', path])
        return source

    def test_values_in_order(self):
        source = self.load('[pci]\nalias = %s\nalias = %s\n'
                           % (ALIAS_B, ALIAS_A))
        self.assertEqual([ALIAS_B, ALIAS_A], source.entries())

    def test_deprecated_name(self):
        source = self.load('[DEFAULT]\npci_alias = %s\n' % ALIAS_A)
        self.assertEqual([ALIAS_A], source.entries())

    def test_no_value_gives_no_entries(self):
        self.assertEqual([], self.load('[pci]\n').entries())

    def test_option_registered_by_someone_else_is_read(self):
        conf = cfg.ConfigOpts()
        conf.register_opt(cfg.MultiStrOpt('alias', default=[],
                                          help='Somebody else\'s help.'),
                          group='pci')
        source = self.load('[pci]\nalias = %s\n' % ALIAS_A, conf)
        self.assertEqual([ALIAS_A], source.entries())

    def test_change_token_follows_the_values(self):
        source = self.load('[pci]\nalias = %s\n' % ALIAS_A)
        before = source.change_token()
        source.conf.set_override('alias', [ALIAS_B], group='pci')
        self.assertNotEqual(before, source.change_token())

    def test_change_token_is_stable(self):
        source = self.load('[pci]\nalias = %s\n' % ALIAS_A)
        self.assertEqual(source.change_token(), source.change_token())

    def test_list_opts_names_pci_alias(self):
        self.assertEqual([('pci', ['alias'])],
                         [(group, [o.name for o in group_opts])
                          for group, group_opts
                          in config_source.ConfigSource.list_opts()])

    def test_help_names_every_field_of_the_schema(self):
        # Written by hand, as each key has its own rule: a field added to
        # the schema must be described here too.
        for field in alias.ENTRY_FIELDS:
            self.assertIn('``%s``' % field, config_source.alias_opt.help)
