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

"""Tests of the models: one column per field of the alias entry schema."""

from oslotest import base
import sqlalchemy as sa

from nova_pci_alias import alias
from nova_pci_alias.sources.database import models


class TestEntryColumns(base.BaseTestCase):

    def test_every_schema_field_has_a_column(self):
        # A field whose schema column_of cannot store (not a string) fails
        # here: give it a column rule, or store it differently.
        self.assertEqual(alias.ENTRY_FIELDS, models.ENTRY_FIELDS)

    def test_the_table_holds_the_entry_columns(self):
        self.assertLessEqual(set(alias.ENTRY_FIELDS),
                             set(models.entries_table.c.keys()))

    def test_only_required_fields_are_not_null(self):
        self.assertEqual(
            ['name'], [field for field in models.ENTRY_FIELDS
                       if not models.entries_table.c[field].nullable])

    def test_row_gives_back_its_entry(self):
        row = models.AliasEntry(name='a', vendor_id='10de', traits=None)
        self.assertEqual({'name': 'a', 'vendor_id': '10de'}, row.to_entry())


class TestColumnOf(base.BaseTestCase):

    def kind(self, rule, field='x'):
        return models.column_of(field, rule).type

    def test_unbounded_string_is_text(self):
        self.assertIsInstance(self.kind({'type': 'string'}), sa.Text)

    def test_short_string_gets_the_shortest_column(self):
        self.assertEqual(models.SHORT_STRING, self.kind(
            {'type': 'string', 'maxLength': 4}).length)

    def test_long_string_gets_its_length(self):
        self.assertEqual(256, self.kind(
            {'type': 'string', 'maxLength': 256}).length)

    def test_enumeration_gets_its_longest_value(self):
        self.assertEqual(40, self.kind(
            {'type': 'string', 'enum': ['a', 'b' * 40]}).length)

    def test_normalised_field_gets_the_length_of_its_stored_values(self):
        self.assertEqual(models.SHORT_STRING, self.kind(
            {'type': 'string'}, field='live_migratable').length)

    def test_required_field_is_not_null(self):
        self.assertFalse(models.column_of(
            'x', {'type': 'string'}, required=True).nullable)

    def test_field_that_is_not_a_string_has_no_column(self):
        self.assertIsNone(models.column_of('x', {'type': 'integer'}))
