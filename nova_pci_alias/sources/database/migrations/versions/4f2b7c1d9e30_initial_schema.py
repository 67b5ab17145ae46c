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

"""The alias entries and the revision counter.

Revision ID: 4f2b7c1d9e30
Revises:
Create Date: 2026-11-25 04:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '4f2b7c1d9e30'
down_revision = None
branch_labels = None
depends_on = None

_TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    op.create_table(
        'pci_alias_entries',
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('position', sa.Integer, nullable=False),
        sa.Column('name', sa.String(256), nullable=False),
        sa.Column('vendor_id', sa.String(16)),
        sa.Column('product_id', sa.String(16)),
        sa.Column('device_type', sa.String(16)),
        sa.Column('numa_policy', sa.String(16)),
        sa.Column('capability_type', sa.String(16)),
        sa.Column('resource_class', sa.Text),
        sa.Column('traits', sa.Text),
        sa.Column('live_migratable', sa.String(16)),
        sa.UniqueConstraint('position',
                            name='uniq_pci_alias_entries0position'),
        **_TABLE_ARGS)
    op.create_index('pci_alias_entries_name_idx', 'pci_alias_entries',
                    ['name'])
    revision_table = op.create_table(
        'pci_alias_revision',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=False),
        sa.Column('revision', sa.BigInteger, nullable=False),
        sa.Column('updated_at', sa.DateTime),
        **_TABLE_ARGS)
    op.bulk_insert(revision_table, [{'id': 1, 'revision': 0}])
