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

"""The SQLAlchemy models of the alias database.

Two tables:

``pci_alias_entries``
    one row per alias entry, in the order of ``position``.  An alias with
    several (OR-ed) specs has one row per spec, sharing the ``name``.  Each
    field of an entry has a column of its own, NULL when the entry does not
    set it, so that the table reads naturally in SQL.  The rows hold the
    entries as validated and normalised by
    :func:`nova_pci_alias.parse_aliases` (name stripped, ``live_migratable``
    as ``true``/``false``).
``pci_alias_revision``
    a single row (``id`` 1) whose ``revision`` every write increments in the
    same transaction: the source's change token.

The schema itself is created by the alembic migrations in ``migrations/``;
these models must agree with them (a test checks it).
"""

from oslo_db.sqlalchemy import models as oslo_models
import sqlalchemy as sa
from sqlalchemy import orm

#: The entry fields, in the order of the columns that hold them.
ENTRY_FIELDS = ('name', 'vendor_id', 'product_id', 'device_type',
                'numa_policy', 'capability_type', 'resource_class',
                'traits', 'live_migratable')

#: The id of the one row of ``pci_alias_revision``.
REVISION_ROW_ID = 1

#: The table the migrations keep the schema revision in.  A name of its own
#: lets the alias tables share a database with another alembic-managed
#: schema (Nova's API database, say) without either seeing the other's
#: version.
VERSION_TABLE = 'pci_alias_version'
#: The revisions of the shipped migrations, oldest first; the last one is
#: the schema these models describe.  Listed here so that reading the
#: database never loads alembic (a test checks it against the scripts).
SCHEMA_REVISIONS = ('4f2b7c1d9e30',)
#: The schema revision this release reads and writes.
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]

#: The version table as alembic creates it, for a plain SELECT.  Not part
#: of :attr:`Base.metadata`: the migrations own it.
version_table = sa.Table(
    VERSION_TABLE, sa.MetaData(),
    sa.Column('version_num', sa.String(32), primary_key=True))

_TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


class Base(orm.DeclarativeBase):
    """The declarative base of the alias database models."""


class AliasEntry(oslo_models.TimestampMixin, Base):
    """One alias entry: one spec of an alias."""

    __tablename__ = 'pci_alias_entries'
    __table_args__ = (
        sa.UniqueConstraint('position',
                            name='uniq_pci_alias_entries0position'),
        sa.Index('pci_alias_entries_name_idx', 'name'),
        _TABLE_ARGS,
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    position = sa.Column(sa.Integer, nullable=False)
    name = sa.Column(sa.String(256), nullable=False)
    vendor_id = sa.Column(sa.String(16))
    product_id = sa.Column(sa.String(16))
    device_type = sa.Column(sa.String(16))
    numa_policy = sa.Column(sa.String(16))
    capability_type = sa.Column(sa.String(16))
    resource_class = sa.Column(sa.Text)
    traits = sa.Column(sa.Text)
    live_migratable = sa.Column(sa.String(16))

    def to_entry(self):
        """Return the alias entry of this row: a dict without NULL fields."""
        entry = {}
        for field in ENTRY_FIELDS:
            value = getattr(self, field)
            if value is not None:
                entry[field] = value
        return entry


class AliasRevision(Base):
    """The revision counter, bumped by every write."""

    __tablename__ = 'pci_alias_revision'
    __table_args__ = (_TABLE_ARGS,)

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    revision = sa.Column(sa.BigInteger, nullable=False)
    updated_at = sa.Column(sa.DateTime)
