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

"""Tests of the migrations: empty to head on every backend, models in sync.
"""

import os
import subprocess
import sys

import fixtures
from oslo_db.sqlalchemy import test_migrations
import sqlalchemy as sa

from nova_pci_alias import alias
from nova_pci_alias.sources.database import migration
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.sources.database import base


class TestUpgrade(base.DatabaseTestCase):

    FIXTURE = base.EmptySQLiteFixture

    def test_empty_database_has_no_revision(self):
        with self.engine.connect() as connection:
            self.assertIsNone(migration.current_revision(connection))

    def test_runs_on_the_backend_of_its_fixture(self):
        self.assertEqual(self.FIXTURE.DRIVER, self.engine.name)

    def test_upgrade_reaches_the_head(self):
        migration.upgrade(self.engine)
        with self.engine.connect() as connection:
            self.assertEqual(models.SCHEMA_HEAD,
                             migration.current_revision(connection))

    def test_upgrade_creates_the_tables(self):
        migration.upgrade(self.engine)
        self.assertLessEqual(
            {'pci_alias_entries', 'pci_alias_revision', 'pci_alias_history',
             'pci_alias_consumers', migration.VERSION_TABLE},
            set(sa.inspect(self.engine).get_table_names()))

    def test_upgrade_creates_a_column_per_entry_field(self):
        # Read from the database, not from the models: a field added to the
        # schema without its migration fails here.
        migration.upgrade(self.engine)
        columns = [c['name'] for c in sa.inspect(self.engine).get_columns(
            'pci_alias_entries')]
        self.assertEqual([], [field for field in alias.ENTRY_FIELDS
                              if field not in columns])

    def test_revision_counter_starts_at_zero(self):
        migration.upgrade(self.engine)
        with self.engine.connect() as connection:
            self.assertEqual([(1, 0)], connection.execute(sa.text(
                'SELECT id, revision FROM pci_alias_revision')).all())

    def test_upgrade_twice_changes_nothing(self):
        migration.upgrade(self.engine)
        migration.upgrade(self.engine)
        with self.engine.connect() as connection:
            self.assertEqual(1, connection.execute(sa.text(
                'SELECT COUNT(*) FROM pci_alias_revision')).scalar())


class TestUpgradeFromTheInitialSchema(base.DatabaseTestCase):
    """A database of the release before the history, holding entries."""

    FIXTURE = base.EmptySQLiteFixture

    def setUp(self):
        super().setUp()
        migration.upgrade(self.engine, models.SCHEMA_REVISIONS[0])
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO pci_alias_entries (position, name, vendor_id, "
                "product_id) VALUES (0, 'gpu', '10de', '1db6')"))
            connection.execute(sa.text(
                'UPDATE pci_alias_revision SET revision = 5'))
        migration.upgrade(self.engine)

    def test_creates_the_consumers_table(self):
        self.assertIn('pci_alias_consumers',
                      sa.inspect(self.engine).get_table_names())

    def test_creates_the_history_table(self):
        self.assertIn('pci_alias_history',
                      sa.inspect(self.engine).get_table_names())

    def test_keeps_the_entries(self):
        self.assertEqual([{'name': 'gpu', 'vendor_id': '10de',
                           'product_id': '1db6'}], queries.get_entries())

    def test_keeps_the_revision(self):
        self.assertEqual(5, queries.get_revision())

    def test_history_starts_empty(self):
        self.assertEqual([], queries.get_history())

    def test_the_table_before_the_upgrade_can_be_restored(self):
        queries.delete_alias('gpu')
        queries.restore_revision(5)
        self.assertEqual(['gpu'], [e['name'] for e in queries.get_entries()])


class TestUpgradeFromTheInitialSchemaMySQL(TestUpgradeFromTheInitialSchema):
    FIXTURE = base.EmptyMySQLFixture


class TestUpgradeFromTheInitialSchemaPostgreSQL(
        TestUpgradeFromTheInitialSchema):
    FIXTURE = base.EmptyPostgreSQLFixture


class TestUpgradeMySQL(TestUpgrade):
    FIXTURE = base.EmptyMySQLFixture


class TestUpgradePostgreSQL(TestUpgrade):
    FIXTURE = base.EmptyPostgreSQLFixture


class TestAlembicCommand(base.DatabaseTestCase):
    """The ``alembic -x url=...`` command that writes new migrations."""

    FIXTURE = base.EmptySQLiteFixture

    def test_upgrade_of_the_database_given_by_url(self):
        directory = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(directory, 'alembic.ini'), 'w') as ini:
            ini.write('[alembic]\nscript_location = %s\n'
                      % migration.SCRIPT_LOCATION)
        subprocess.run([sys.executable, '-m', 'alembic', '-x',
                        'url=sqlite:///dev.sqlite', 'upgrade', 'head'],
                       cwd=directory, check=True, capture_output=True,
                       timeout=120)
        engine = sa.create_engine('sqlite:///%s' % os.path.join(
            directory, 'dev.sqlite'))
        self.addCleanup(engine.dispose)
        with engine.connect() as connection:
            self.assertEqual(models.SCHEMA_HEAD,
                             migration.current_revision(connection))


class TestRevisionList(base.DatabaseTestCase):

    FIXTURE = base.EmptySQLiteFixture

    def test_models_list_the_shipped_revisions(self):
        self.assertEqual(migration.script_revisions(),
                         models.SCHEMA_REVISIONS)


class TestModelsMigrationsSync(test_migrations.ModelsMigrationsSync,
                               base.DatabaseTestCase):

    FIXTURE = base.EmptySQLiteFixture

    def db_sync(self, engine):
        migration.upgrade(engine)

    def get_engine(self):
        return self.engine

    def get_metadata(self):
        return models.Base.metadata

    def include_object(self, object_, name, type_, reflected, compare_to):
        # The version table belongs to alembic, not to the models.
        return not (type_ == 'table' and name == migration.VERSION_TABLE)


class TestModelsMigrationsSyncMySQL(TestModelsMigrationsSync):
    FIXTURE = base.EmptyMySQLFixture


class TestModelsMigrationsSyncPostgreSQL(TestModelsMigrationsSync):
    FIXTURE = base.EmptyPostgreSQLFixture
