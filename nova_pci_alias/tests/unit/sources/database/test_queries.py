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

"""Tests of the alias database's data access functions, on every backend."""

import sqlalchemy as sa

from nova_pci_alias import exception
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base


class TestReads(base.DatabaseTestCase):

    def test_new_database_has_no_entries(self):
        self.assertEqual([], queries.get_entries())

    def test_new_database_is_at_revision_zero(self):
        self.assertEqual(0, queries.get_revision())

    def test_entries_keep_their_order(self):
        queries.import_entries([entry('b'), entry('a'), entry('b', '0002')],
                               'test')
        self.assertEqual(['b', 'a', 'b'],
                         [e['name'] for e in queries.get_entries()])

    def test_unset_fields_are_left_out(self):
        queries.import_entries([entry('a')], 'test')
        self.assertEqual([entry('a')], queries.get_entries())

    def test_every_field_round_trips(self):
        full = entry('a', device_type='type-VF', numa_policy='socket',
                     capability_type='pci', resource_class='CUSTOM_X',
                     traits='A,B', live_migratable='false')
        queries.import_entries([full], 'test')
        self.assertEqual([full], queries.get_entries())

    def test_entries_of_one_name(self):
        queries.import_entries([entry('a'), entry('b'), entry('a', '0002')],
                               'test')
        self.assertEqual(['1db6', '0002'], [
            e['product_id'] for e in queries.get_entries(name='a')])

    def test_names_are_case_sensitive(self):
        queries.import_entries([entry('gpu'), entry('GPU', '0002')], 'test')
        self.assertEqual(['0002'], [
            e['product_id'] for e in queries.get_entries(name='GPU')])

    def test_records_of_a_name_are_case_sensitive(self):
        queries.import_entries([entry('gpu'), entry('GPU', '0002')], 'test')
        self.assertEqual(['1db6'], [r['entry']['product_id']
                                    for r in queries.get_entry_records('gpu')])

    def test_records_have_a_creation_time(self):
        queries.import_entries([entry('a')], 'test')
        self.assertIsNotNone(queries.get_entry_records('a')[0]['created_at'])

    def test_schema_revision(self):
        self.assertIsNotNone(queries.schema_revision())


class TestWrites(base.DatabaseTestCase):

    def test_create_appends(self):
        queries.import_entries([entry('a')], 'test')
        queries.create_entry(entry('b'))
        self.assertEqual(['a', 'b'], [e['name']
                         for e in queries.get_entries()])

    def test_create_stores_the_normalised_entry(self):
        queries.create_entry('{"name": " a ", "vendor_id": "10de", '
                             '"product_id": "1db6", "live_migratable": "Yes"}')
        self.assertEqual([entry('a', live_migratable='true')],
                         queries.get_entries())

    def test_create_bumps_the_revision(self):
        queries.create_entry(entry('a'))
        self.assertEqual(1, queries.get_revision())

    def test_create_refuses_an_invalid_entry(self):
        self.assertRaises(exception.PciInvalidAlias, queries.create_entry,
                          entry('a', vendor_id='x'))

    def test_create_validates_the_whole_table(self):
        queries.create_entry(entry('a', numa_policy='required'))
        exc = self.assertRaises(exception.PciInvalidAlias,
                                queries.create_entry, entry('a', '0002'))
        self.assertIn("NUMA policy mismatch for alias 'a'", str(exc))

    def test_refused_write_leaves_the_revision(self):
        queries.create_entry(entry('a'))
        self.assertRaises(exception.PciInvalidAlias, queries.create_entry,
                          entry('b', colour='red'))
        self.assertEqual(1, queries.get_revision())

    def test_create_follows_pci_in_placement_rules(self):
        queries.create_entry({'name': 'a', 'resource_class': 'CUSTOM_A'},
                             pci_in_placement=True)
        self.assertEqual([{'name': 'a', 'resource_class': 'CUSTOM_A'}],
                         queries.get_entries())

    def test_delete_removes_every_entry_of_the_alias(self):
        queries.import_entries([entry('a'), entry('b'), entry('a', '0002')],
                               'test')
        queries.delete_alias('a')
        self.assertEqual(['b'], [e['name'] for e in queries.get_entries()])

    def test_delete_is_case_sensitive(self):
        queries.import_entries([entry('gpu'), entry('GPU', '0002')], 'test')
        queries.delete_alias('GPU')
        self.assertEqual(['gpu'], [e['name'] for e in queries.get_entries()])

    def test_delete_counts_the_entries(self):
        queries.import_entries([entry('a'), entry('a', '0002')], 'test')
        self.assertEqual(2, queries.delete_alias('a'))

    def test_delete_unknown_name(self):
        self.assertRaises(exception.PciRequestAliasNotDefined,
                          queries.delete_alias, 'nosuch')

    def test_delete_bumps_the_revision(self):
        queries.create_entry(entry('a'))
        queries.delete_alias('a')
        self.assertEqual(2, queries.get_revision())

    def test_import_returns_count_and_revision(self):
        self.assertEqual((2, 1), queries.import_entries(
            [entry('a'), entry('b')], 'test'))

    def test_import_into_a_non_empty_table_is_refused(self):
        queries.create_entry(entry('a'))
        self.assertRaises(exception.AliasTableNotEmpty, queries.import_entries,
                          [entry('b')], 'test')

    def test_import_replace(self):
        queries.import_entries([entry('a'), entry('b')], 'test')
        queries.import_entries([entry('c')], 'test', replace=True)
        self.assertEqual(['c'], [e['name'] for e in queries.get_entries()])

    def test_invalid_import_names_every_invalid_entry(self):
        exc = self.assertRaises(
            exception.PciInvalidAliasEntries, queries.import_entries,
            [entry('a', vendor_id='x'), entry('b'), {'name': 'c'}],
            'aliases.json')
        self.assertEqual([0, 2], [position for position, _ in exc.errors])

    def test_invalid_import_leaves_the_table_unchanged(self):
        queries.import_entries([entry('a')], 'test')
        self.assertRaises(exception.PciInvalidAlias, queries.import_entries,
                          [entry('b'), entry('c', colour='red')], 'test',
                          replace=True)
        self.assertEqual(([entry('a')], 1),
                         (queries.get_entries(), queries.get_revision()))

    def test_import_validates_the_whole_table(self):
        exc = self.assertRaises(
            exception.PciInvalidAliasEntries, queries.import_entries,
            [entry('a'), entry('a', device_type='type-PF')], 'test')
        self.assertEqual([1], [position for position, _ in exc.errors])

    def test_create_refuses_a_key_without_a_column(self):
        self.useFixture(_NoColumnFor('traits'))
        exc = self.assertRaises(exception.AliasSourceError,
                                queries.create_entry, entry('a', traits='T'))
        self.assertIn("cannot store the alias entry key 'traits'", str(exc))

    def test_refused_key_writes_nothing(self):
        queries.create_entry(entry('a'))
        self.useFixture(_NoColumnFor('traits'))
        self.assertRaises(exception.AliasSourceError,
                          queries.create_entry, entry('b', traits='T'))
        self.assertEqual(([entry('a')], 1),
                         (queries.get_entries(), queries.get_revision()))

    def test_import_refuses_a_key_without_a_column(self):
        queries.import_entries([entry('a')], 'test')
        self.useFixture(_NoColumnFor('traits'))
        exc = self.assertRaises(
            exception.AliasSourceError, queries.import_entries,
            [entry('b'), entry('c', traits='T')], 'test', replace=True)
        self.assertIn("key 'traits'", str(exc))
        self.assertEqual(([entry('a')], 1),
                         (queries.get_entries(), queries.get_revision()))

    def test_entries_without_the_key_are_still_stored(self):
        self.useFixture(_NoColumnFor('traits'))
        queries.create_entry(entry('a'))
        self.assertEqual([entry('a')], queries.get_entries())


class TestSchemaState(base.DatabaseTestCase):

    def drop(self, table):
        with self.engine.begin() as connection:
            connection.execute(sa.text('DROP TABLE %s' % table))

    def test_missing_tables(self):
        self.drop('pci_alias_revision')
        exc = self.assertRaises(exception.AliasSourceNotReady,
                                queries.get_revision)
        self.assertIn('nova-pci-alias-manage db sync', str(exc))

    def test_missing_history_table_for_reads(self):
        self.drop('pci_alias_history')
        self.assertRaises(exception.AliasSourceNotReady, queries.get_history)

    def test_missing_history_table_for_writes(self):
        self.drop('pci_alias_history')
        self.assertRaises(exception.AliasSourceNotReady, queries.create_entry,
                          entry('a'))

    def test_missing_version_table(self):
        self.drop('pci_alias_version')
        self.assertRaises(exception.AliasSourceNotReady, queries.get_entries)

    def test_older_schema(self):
        # A schema stamped with a known, older revision: this release has
        # one revision only, so pretend it has two.
        self.useFixture(_OlderRevision())
        exc = self.assertRaises(exception.AliasSourceNotReady,
                                queries.get_entries)
        self.assertIn('older than this release', str(exc))

    def test_newer_schema_is_read(self):
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "UPDATE pci_alias_version SET version_num = 'fffffffffff0'"))
        self.assertEqual([], queries.get_entries())

    def delete_rows(self, table):
        with self.engine.begin() as connection:
            connection.execute(sa.text('DELETE FROM %s' % table))

    def test_empty_version_table(self):
        # As a "db sync" interrupted before alembic stamped the schema.
        self.delete_rows('pci_alias_version')
        exc = self.assertRaises(exception.AliasSourceNotReady,
                                queries.get_entries)
        self.assertIn('has no PCI alias tables', str(exc))

    def test_revision_row_missing_for_reads(self):
        self.delete_rows('pci_alias_revision')
        exc = self.assertRaises(exception.AliasSourceNotReady,
                                queries.get_revision)
        self.assertIn('has no PCI alias revision row', str(exc))

    def test_revision_row_missing_for_writes(self):
        self.delete_rows('pci_alias_revision')
        exc = self.assertRaises(exception.AliasSourceNotReady,
                                queries.create_entry, entry('a'))
        self.assertIn('has no PCI alias revision row', str(exc))

    def test_writes_need_the_schema(self):
        self.drop('pci_alias_version')
        self.assertRaises(exception.AliasSourceNotReady, queries.create_entry,
                          entry('a'))


class _OlderRevision(base.fixtures.Fixture):
    """Make the stored revision a known revision older than the head."""

    def _setUp(self):
        from nova_pci_alias.sources.database import models
        revisions = models.SCHEMA_REVISIONS + ('fffffffffff1',)
        self.useFixture(base.fixtures.MonkeyPatch(
            'nova_pci_alias.sources.database.models.SCHEMA_REVISIONS',
            revisions))
        self.useFixture(base.fixtures.MonkeyPatch(
            'nova_pci_alias.sources.database.models.SCHEMA_HEAD',
            revisions[-1]))


class _NoColumnFor(base.fixtures.Fixture):
    """Make one field of the entry schema a field the table does not hold.

    As if the schema had gained a field that the models give no column.
    """

    def __init__(self, field):
        self.field = field

    def _setUp(self):
        from nova_pci_alias.sources.database import models
        self.useFixture(base.fixtures.MonkeyPatch(
            'nova_pci_alias.sources.database.models.ENTRY_FIELDS',
            tuple(f for f in models.ENTRY_FIELDS if f != self.field)))


class TestReadsMySQL(TestReads):
    FIXTURE = base.MySQLFixture


class TestReadsPostgreSQL(TestReads):
    FIXTURE = base.PostgreSQLFixture


class TestWritesMySQL(TestWrites):
    FIXTURE = base.MySQLFixture


class TestWritesPostgreSQL(TestWrites):
    FIXTURE = base.PostgreSQLFixture


class TestSchemaStateMySQL(TestSchemaState):
    FIXTURE = base.MySQLFixture


class TestSchemaStatePostgreSQL(TestSchemaState):
    FIXTURE = base.PostgreSQLFixture
