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

"""The alembic environment of the alias database.

Run by :mod:`nova_pci_alias.sources.database.migration`, which hands over
an open connection in ``config.attributes['connection']``.  A developer
writing a new migration gives a URL instead, ``alembic -x url=...`` (see
:mod:`nova_pci_alias.sources.database.migration`).
Migrations are upgrade-only and additive, so that nodes still running the
previous release keep reading the tables during an upgrade.
"""

from alembic import context
import sqlalchemy as sa

from nova_pci_alias.sources.database import migration
from nova_pci_alias.sources.database import models


def _run(connection):
    context.configure(
        connection=connection,
        target_metadata=models.Base.metadata,
        version_table=migration.VERSION_TABLE,
        render_as_batch=connection.dialect.name == 'sqlite')
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations on the connection given, or on ``-x url=``."""
    connection = context.config.attributes.get('connection')
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get('url')
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


run_migrations_online()
