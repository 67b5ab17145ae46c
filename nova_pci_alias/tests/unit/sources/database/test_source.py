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

"""Tests of the database source inside the registry, on every backend.

The registry loads the sources by name, ``config`` then ``database``, as a
deployer configures them.
"""

import json

import fixtures
import sqlalchemy as sa

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base


class RegistryTestCase(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.registry'))
        self.conf_fixture.config(group='pci_alias',
                                 sources=['config', 'database'],
                                 refresh_interval=0)
        self.registry = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, self.registry)

    def config_aliases(self, *entries):
        self.conf_fixture.config(group='pci', alias=[
            json.dumps(e) for e in entries])

    def product_ids(self, name):
        return [spec['product_id']
                for spec in self.registry.get_table()[name].specs]

    def statements_during(self, func):
        """Run ``func``; return the SQL statements it sent."""
        statements = []

        def record(conn, cursor, statement, *args):
            if statement != 'BEGIN':   # pysqlite's, sent by oslo.db
                statements.append(statement)

        sa.event.listen(self.engine, 'before_cursor_execute', record)
        try:
            func()
        finally:
            sa.event.remove(self.engine, 'before_cursor_execute', record)
        return statements


class TestMerge(RegistryTestCase):

    def test_database_entries_are_served(self):
        queries.import_entries([entry('a')], 'test')
        self.assertEqual(['a'], list(self.registry.get_table()))

    def test_both_sources_are_merged(self):
        self.config_aliases(entry('a'))
        queries.import_entries([entry('b')], 'test')
        self.assertEqual(['a', 'b'], list(self.registry.get_table()))

    def test_config_shadows_the_database(self):
        self.config_aliases(entry('a', '0001'))
        queries.import_entries([entry('a', '0002')], 'test')
        self.assertEqual(['0001'], self.product_ids('a'))

    def test_shadowing_is_logged(self):
        self.config_aliases(entry('a', '0001'))
        queries.import_entries([entry('a', '0002')], 'test')
        self.registry.get_table()
        self.assertIn("PCI alias 'a' from source 'database' is shadowed by "
                      "the definition from source 'config'",
                      self.logger.output)


class TestChangeDetection(RegistryTestCase):

    def test_a_write_is_seen_on_the_next_refresh(self):
        queries.import_entries([entry('a')], 'test')
        self.registry.get_table()
        queries.create_entry(entry('b'))
        self.assertEqual(['a', 'b'],
                         list(fakes.table_after_check(self.registry)))

    def test_a_delete_is_seen_on_the_next_refresh(self):
        queries.import_entries([entry('a'), entry('b')], 'test')
        self.registry.get_table()
        queries.delete_alias('a')
        self.assertEqual(['b'],
                         list(fakes.table_after_check(self.registry)))

    def test_no_write_no_reload(self):
        queries.import_entries([entry('a')], 'test')
        self.registry.get_table()
        self.assertFalse(self.registry.refresh())

    def test_no_write_keeps_the_same_table(self):
        queries.import_entries([entry('a')], 'test')
        first = self.registry.get_table()
        self.assertIs(first, fakes.table_after_check(self.registry))

    def test_a_check_without_write_is_one_query(self):
        queries.import_entries([entry('a')], 'test')
        self.registry.get_table()
        statements = self.statements_during(self.registry.refresh)
        self.assertEqual(1, len(statements), statements)


class TestFailures(RegistryTestCase):
    """Failures of a database that still answers.

    The outage here is a real one every backend can have: the schema goes
    missing (a database restored from an empty dump, say). A server that
    stops answering is in test_unreachable.
    """

    def drop(self, table):
        with self.engine.begin() as connection:
            connection.execute(sa.text('DROP TABLE %s' % table))

    def loaded_then_schema_gone(self):
        """A good table is loaded; then the schema disappears."""
        queries.import_entries([entry('a')], 'test')
        good = self.registry.get_table()
        self.drop('pci_alias_revision')
        return good

    def test_schema_gone_keeps_the_last_good_table(self):
        good = self.loaded_then_schema_gone()
        self.assertIs(good, fakes.table_after_check(self.registry))

    def test_schema_gone_is_logged_once(self):
        self.loaded_then_schema_gone()
        for _ in range(3):
            fakes.table_after_check(self.registry)
        self.assertEqual(1, self.logger.output.count(
            "PCI alias source 'database' is not ready"))

    def test_recovery_is_logged(self):
        self.loaded_then_schema_gone()
        fakes.table_after_check(self.registry)
        self.drop('pci_alias_version')
        self.drop('pci_alias_entries')
        self.drop('pci_alias_history')
        self.drop('pci_alias_consumers')
        queries.sync_schema()
        fakes.table_after_check(self.registry)
        self.assertIn('works again', self.logger.output)

    def test_never_loaded_unsynced_database_raises(self):
        self.drop('pci_alias_revision')
        self.assertRaises(exception.AliasSourceNotReady,
                          self.registry.get_table)

    def test_invalid_hand_written_row_is_refused(self):
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO pci_alias_entries (position, name, vendor_id, "
                "product_id) VALUES (0, 'a', 'zz', '1db6')"))
        exc = self.assertRaises(exception.PciInvalidAlias,
                                self.registry.get_table)
        self.assertIn("[alias source 'database' at %s, entry 1]"
                      % queries.database_location(), str(exc))


class TestMergeMySQL(TestMerge):
    FIXTURE = base.MySQLFixture


class TestMergePostgreSQL(TestMerge):
    FIXTURE = base.PostgreSQLFixture


class TestChangeDetectionMySQL(TestChangeDetection):
    FIXTURE = base.MySQLFixture


class TestChangeDetectionPostgreSQL(TestChangeDetection):
    FIXTURE = base.PostgreSQLFixture


class TestFailuresMySQL(TestFailures):
    FIXTURE = base.MySQLFixture


class TestFailuresPostgreSQL(TestFailures):
    FIXTURE = base.PostgreSQLFixture
