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

"""Tests of the whole-table validation done before every write."""

from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias.sources.database import validation
from nova_pci_alias.tests.unit.fakes import entry


class TestFindErrors(base.BaseTestCase):

    def positions(self, entries, **kwargs):
        return [position for position, _ in
                validation.find_errors(entries, **kwargs)]

    def test_valid_list(self):
        self.assertEqual([], self.positions([entry('a'), entry('b')]))

    def test_every_invalid_entry_is_found(self):
        self.assertEqual([0, 2], self.positions(
            [entry('a', vendor_id='x'), entry('b'), {'name': 'c'}]))

    def test_conflict_between_entries(self):
        self.assertEqual([1], self.positions(
            [entry('a'), entry('a', numa_policy='required')]))

    def test_whole_table_rule(self):
        self.assertEqual([None], self.positions(
            [entry('a'), entry('a', '0002')], pci_in_placement=True))


class TestValidatedTable(base.BaseTestCase):

    def test_returns_the_normalised_entries(self):
        table = validation.validated_table(
            [entry(' a ', live_migratable='YES')], 'test')
        self.assertEqual([entry('a', live_migratable='true')],
                         [dict(e) for e in table.entries])

    def test_error_names_the_origin_and_each_entry(self):
        exc = self.assertRaises(
            exception.PciInvalidAliasEntries, validation.validated_table,
            [entry('a', vendor_id='x'), {'name': 'c'}], 'aliases.json')
        self.assertIn('2 invalid PCI alias entries in aliases.json: entry 1: '
                      'Invalid PCI alias definition:', str(exc))

    def test_error_is_an_invalid_alias(self):
        self.assertRaises(exception.PciInvalidAlias,
                          validation.validated_table, [{'name': 'c'}], 'x')
