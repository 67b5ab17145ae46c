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

"""Fixtures and base classes of the database tests.

oslo.db's opportunistic fixtures provision a database per backend and plug
it into :data:`nova_pci_alias.sources.database.queries.context_manager`, the
alias database's own transaction context, so the code under test talks to
the test database exactly as it would to a configured one.
"""

import fixtures
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
from oslotest import base

from nova_pci_alias.sources.database import migration
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes


class _AliasContext:
    """Point a fixture at the alias database's transaction context.

    The database is provisioned through a pristine context of its own:
    oslo.db copies the configuration of the context it is given, and a test
    that configured the alias context (a PostgreSQL URL, say) would
    otherwise hand its driver parameters to every database provisioned
    after it in that process.
    """

    def get_enginefacade(self):
        return queries.context_manager

    def _generate_database_resource(self, _enginefacade):
        return super()._generate_database_resource(
            enginefacade.transaction_context())


class _MigratedSchema(_AliasContext,
                      test_fixtures.GeneratesSchemaFromMigrations):
    """Build the schema the way deployers do: with the migrations."""

    def generate_schema_migrations(self, engine):
        migration.upgrade(engine)


class SQLiteFixture(_MigratedSchema, test_fixtures.OpportunisticDbFixture):
    """A migrated in-memory SQLite database."""


class MySQLFixture(_MigratedSchema, test_fixtures.MySQLOpportunisticFixture):
    """A migrated MySQL/MariaDB database, when one is reachable."""


class PostgreSQLFixture(_MigratedSchema,
                        test_fixtures.PostgresqlOpportunisticFixture):
    """A migrated PostgreSQL database, when one is reachable."""


class EmptySQLiteFixture(_AliasContext, test_fixtures.OpportunisticDbFixture):
    """An in-memory SQLite database without any schema."""


class EmptyMySQLFixture(_AliasContext,
                        test_fixtures.MySQLOpportunisticFixture):
    """A MySQL/MariaDB database without any schema."""


class EmptyPostgreSQLFixture(_AliasContext,
                             test_fixtures.PostgresqlOpportunisticFixture):
    """A PostgreSQL database without any schema."""


class IsolatedContextFixture(fixtures.Fixture):
    """Give the alias database's transaction context a fresh factory.

    For tests that configure the context themselves (an unreachable URL,
    a file of their own): what they start is thrown away afterwards and
    never leaks into another test.
    """

    def _setUp(self):
        fresh = enginefacade.transaction_context()
        self.addCleanup(fresh.dispose_pool)
        self.addCleanup(queries.context_manager.patch_factory(fresh))


class DatabaseTestCase(test_fixtures.OpportunisticDBTestMixin,
                       base.BaseTestCase):
    """A test on a migrated database: SQLite here, see the subclasses.

    ``self.engine`` is the test database's engine; ``self.conf`` a fresh
    configuration with the registry's options.
    """

    FIXTURE = SQLiteFixture

    def setUp(self):
        super().setUp()
        self.engine = self._db_default.engine
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
