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

"""The change history: one row per committed write.

Only adds a table: nodes of the previous release keep reading the entries
during an upgrade.  The table starts empty; the first write after the
upgrade records the table as it was (its ``before``).

Revision ID: 8c3d5e7f9a1b
Revises: 4f2b7c1d9e30
Create Date: 2026-12-01 14:30:00
"""

from alembic import op
from oslo_db.sqlalchemy import types as oslo_types
import sqlalchemy as sa

revision = '8c3d5e7f9a1b'
down_revision = '4f2b7c1d9e30'
branch_labels = None
depends_on = None

_TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    op.create_table(
        'pci_alias_history',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('revision', sa.BigInteger, nullable=False),
        sa.Column('created_at', sa.DateTime, nullable=False),
        sa.Column('operation', sa.String(16), nullable=False),
        sa.Column('alias', sa.String(256)),
        sa.Column('restored_revision', sa.BigInteger),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Column('request_id', sa.String(255)),
        sa.Column('os_user', sa.String(255)),
        sa.Column('host', sa.String(255)),
        sa.Column('before', oslo_types.JsonEncodedList(mysql_as_long=True),
                  nullable=False),
        sa.Column('after', oslo_types.JsonEncodedList(mysql_as_long=True),
                  nullable=False),
        sa.UniqueConstraint('revision',
                            name='uniq_pci_alias_history0revision'),
        **_TABLE_ARGS)
