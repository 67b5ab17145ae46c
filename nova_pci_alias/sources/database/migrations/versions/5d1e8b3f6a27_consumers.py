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

"""The processes that read the alias database, as each last reported.

Only adds a table: nodes of the previous release keep reading the entries
during an upgrade (they do not report, and are not listed).

Revision ID: 5d1e8b3f6a27
Revises: 8c3d5e7f9a1b
Create Date: 2026-12-01 16:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '5d1e8b3f6a27'
down_revision = '8c3d5e7f9a1b'
branch_labels = None
depends_on = None

_TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    op.create_table(
        'pci_alias_consumers',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('service', sa.String(64), nullable=False),
        sa.Column('pid', sa.Integer, nullable=False),
        sa.Column('revision', sa.BigInteger),
        sa.Column('loaded_at', sa.DateTime),
        sa.Column('checked_at', sa.DateTime),
        sa.Column('last_error', sa.String(255)),
        sa.Column('reported_at', sa.DateTime, nullable=False),
        sa.UniqueConstraint(
            'host', 'service', 'pid',
            name='uniq_pci_alias_consumers0host0service0pid'),
        **_TABLE_ARGS)
