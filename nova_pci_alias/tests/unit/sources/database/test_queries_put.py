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

"""Tests of ``put_alias``: one alias replaced in its place, or created.

On every backend.
"""

from nova_pci_alias import alias
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base


def _spec(product_id):
    return {'vendor_id': '10de', 'product_id': product_id}


def _products():
    return [(e['name'], e['product_id']) for e in queries.get_entries()]


class TestPutAlias(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        queries.import_entries(
            [entry('a', '000a'), entry('b', '000b'), entry('c', '000c')],
            'test')

    def test_replaces_in_place(self):
        queries.put_alias('b', [_spec('0001')])
        self.assertEqual([('a', '000a'), ('b', '0001'), ('c', '000c')],
                         _products())

    def test_more_entries_keep_the_place(self):
        queries.put_alias('b', [_spec('0001'), _spec('0002'), _spec('0003')])
        self.assertEqual([('a', '000a'), ('b', '0001'), ('b', '0002'),
                          ('b', '0003'), ('c', '000c')], _products())

    def test_fewer_entries_keep_the_place(self):
        queries.put_alias('b', [_spec('0001'), _spec('0002')])
        queries.put_alias('b', [_spec('0003')])
        self.assertEqual([('a', '000a'), ('b', '0003'), ('c', '000c')],
                         _products())

    def test_first_alias_grows(self):
        queries.put_alias('a', [_spec('0001'), _spec('0002')])
        self.assertEqual([('a', '0001'), ('a', '0002'), ('b', '000b'),
                          ('c', '000c')], _products())

    def test_scattered_entries_gather_at_the_first(self):
        queries.create_entry(entry('a', '001a'))
        queries.put_alias('a', [_spec('0001'), _spec('0002')])
        self.assertEqual([('a', '0001'), ('a', '0002'), ('b', '000b'),
                          ('c', '000c')], _products())

    def test_repeated_growth_keeps_the_order(self):
        for count in range(1, 5):
            queries.put_alias('a', [_spec('%04d' % n) for n in range(count)])
            queries.put_alias('b', [_spec('1%03d' % n) for n in range(count)])
        self.assertEqual(['a'] * 4 + ['b'] * 4 + ['c'],
                         [e['name'] for e in queries.get_entries()])

    def test_new_alias_goes_last(self):
        queries.put_alias('d', [_spec('0001')])
        self.assertEqual(['a', 'b', 'c', 'd'],
                         [e['name'] for e in queries.get_entries()])

    def test_creates_into_an_empty_table(self):
        queries.import_entries([], 'test', replace=True)
        queries.put_alias('d', [_spec('0001')])
        self.assertEqual([('d', '0001')], _products())

    def test_says_it_created(self):
        self.assertTrue(queries.put_alias('d', [_spec('0001')])['created'])

    def test_says_it_replaced(self):
        self.assertFalse(queries.put_alias('b', [_spec('0001')])['created'])

    def test_returns_the_stored_entries(self):
        result = queries.put_alias(
            ' b ', [dict(_spec('0001'), live_migratable='Yes')])
        self.assertEqual([entry('b', '0001', live_migratable='true')],
                         result['entries'])

    def test_returns_the_revision(self):
        self.assertEqual(2, queries.put_alias('b', [_spec('0001')])[
            'revision'])

    def test_returns_the_etag_the_service_serves(self):
        etag = queries.put_alias('b', [_spec('0001')])['etag']
        table = alias.parse_aliases(queries.get_entries())
        self.assertEqual(document.etag_of(document.encode_document(
            table.entries)), etag)

    def test_entry_may_repeat_the_name(self):
        queries.put_alias('b', [entry('b', '0001')])
        self.assertEqual([('a', '000a'), ('b', '0001'), ('c', '000c')],
                         _products())

    def test_other_name_is_refused_naming_both(self):
        exc = self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                                'b', [entry('x', '0001')])
        self.assertIn("entry 1 is named 'x', not 'b'", str(exc))

    def test_no_entries_is_refused(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', [])

    def test_an_entry_that_is_not_an_object_is_refused(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', ['{"vendor_id": "10de"}'])

    def test_invalid_entry_is_refused(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', [_spec('xyz')])

    def test_validates_the_whole_table(self):
        # Two specs of one alias must share the NUMA policy.
        exc = self.assertRaises(
            exception.PciInvalidAlias, queries.put_alias, 'b',
            [dict(_spec('0001'), numa_policy='required'),
             dict(_spec('0002'), numa_policy='legacy')])
        self.assertIn("NUMA policy mismatch for alias 'b'", str(exc))

    def test_invalid_table_writes_nothing(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', [_spec('0001'), dict(_spec('0002'),
                                                    device_type='type-PF')])
        self.assertEqual(
            ([('a', '000a'), ('b', '000b'), ('c', '000c')], 1, [1]),
            (_products(), queries.get_revision(),
             [c['revision'] for c in queries.get_history()]))

    def test_follows_pci_in_placement_rules(self):
        queries.put_alias('r', [{'resource_class': 'CUSTOM_R'}],
                          pci_in_placement=True)
        self.assertEqual({'name': 'r', 'resource_class': 'CUSTOM_R'},
                         queries.get_entries('r')[0])

    def test_keeps_the_other_entries_timestamps(self):
        before = queries.get_entry_records('c')[0]['created_at']
        queries.put_alias('a', [_spec('0001'), _spec('0002')])
        self.assertEqual(before,
                         queries.get_entry_records('c')[0]['created_at'])

    def test_name_is_case_sensitive(self):
        queries.put_alias('B', [_spec('0001')])
        self.assertEqual(['a', 'b', 'c', 'B'],
                         [e['name'] for e in queries.get_entries()])


class TestPutAliasArguments(base.DatabaseTestCase):
    """Arguments of the wrong type get the package's error, on SQLite."""

    def test_name_that_is_not_a_string(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          42, [_spec('0001')])

    def test_entries_that_are_not_a_list(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', {'vendor_id': '10de', 'product_id': '0001'})

    def test_entry_that_is_a_list(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', [['vendor_id', '10de']])

    def test_entry_named_with_a_number(self):
        self.assertRaises(exception.PciInvalidAlias, queries.put_alias,
                          'b', [dict(_spec('0001'), name=7)])


class TestPutAliasMySQL(TestPutAlias):
    FIXTURE = base.MySQLFixture


class TestPutAliasPostgreSQL(TestPutAlias):
    FIXTURE = base.PostgreSQLFixture
