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

"""Run the alias database's alembic migrations, with no alembic.ini.

The migration scripts ship inside this package (``migrations/``) and are
found through the package, wherever it is installed.  Their version is kept
in a table of its own, ``pci_alias_version``, so the alias tables may share
a database with another alembic-managed schema (Nova's API database, say)
without either one seeing the other's version.

To write a new migration, change the models (a new field of the alias
entry schema changes them by itself: its column is derived from the
schema), then let alembic compare them with a database at the current
head, from a scratch directory::

    $ printf '[alembic]\nscript_location = %s\n' \
        nova_pci_alias.sources.database:migrations > alembic.ini
    $ alembic -x url=sqlite:///dev.sqlite upgrade head
    $ alembic -x url=sqlite:///dev.sqlite revision --autogenerate -m "..."

then review the script written in ``migrations/versions/`` (upgrade only,
adding, never dropping: nodes of the previous release keep reading during an
upgrade) and append its revision to
:data:`~nova_pci_alias.sources.database.models.SCHEMA_REVISIONS`.
"""

import alembic.command
import alembic.config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

from nova_pci_alias.sources.database import models

#: Where alembic finds the migration scripts (a package resource).
SCRIPT_LOCATION = 'nova_pci_alias.sources.database:migrations'
#: The table alembic keeps the schema version in.
VERSION_TABLE = models.VERSION_TABLE


def _config(connection=None):
    config = alembic.config.Config()
    config.set_main_option('script_location', SCRIPT_LOCATION)
    config.attributes['connection'] = connection
    return config


def script_revisions():
    """Return the revisions of the migration scripts, oldest first.

    Reads the scripts: :data:`~.models.SCHEMA_REVISIONS` must list them.
    """
    scripts = alembic_script.ScriptDirectory.from_config(_config())
    return tuple(reversed([script.revision
                           for script in scripts.walk_revisions()]))


def current_revision(connection):
    """Return the schema revision of a database.

    :param connection: a SQLAlchemy connection to the database.
    :returns: the revision id, or None when the schema was never created.
    """
    context = alembic_migration.MigrationContext.configure(
        connection, opts={'version_table': VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine, revision='head'):
    """Upgrade a database's schema, creating it if it does not exist.

    The whole upgrade runs in one transaction (which makes it atomic where
    the database has transactional DDL, as PostgreSQL and SQLite do).

    :param engine: a SQLAlchemy engine of the database.
    :param revision: the revision to upgrade to; the newest by default.
    """
    with engine.begin() as connection:
        alembic.command.upgrade(_config(connection), revision)
