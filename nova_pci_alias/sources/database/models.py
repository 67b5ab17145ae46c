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

Four tables:

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
``pci_alias_history``
    one row per committed write: the revision it committed, when, which
    operation on which alias, who made it (:class:`~nova_pci_alias.sources.
    database.history.Actor`), and the whole table before and after it as
    JSON lists of entries, from which any recorded revision can be
    restored.
``pci_alias_consumers``
    one row per process reading the database (a Nova service through the
    driver, the alias service, a tool): where it runs, which revision of
    the table it holds and how its last check went, as the process last
    reported it (:mod:`~nova_pci_alias.sources.database.consumers`).

The entry columns are derived from the alias entry schema
(:data:`nova_pci_alias.alias.ALIAS_ENTRY_SCHEMA`), one per property, by
:func:`column_of`: a field added to the schema gets its column here without
a word.  The schema itself is created by the alembic migrations in
``migrations/``, which are written by hand; these models must agree with
them, and a test compares the two on every backend, so a field added
without its migration fails that test.
"""

from oslo_db.sqlalchemy import types as oslo_types
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from nova_pci_alias import alias

#: The shortest string column of an entry field: room for the values of a
#: short enumeration or a four-digit ID, and for a longer one later.
SHORT_STRING = 16

# The values a field is stored as when they differ from what the schema
# accepts: normalised by alias.parse_aliases before any write.
_STORED_VALUES = {'live_migratable': ('true', 'false')}


def column_of(field, rule, required=False):
    """Return the column of one entry field, or None if none fits.

    :param field: the field's name, also the column's.
    :param rule: the field's JSON schema.
    :param required: whether the schema requires the field (NOT NULL).
    :returns: a :class:`sqlalchemy.Column`: a string of
        :data:`SHORT_STRING` characters, or of the longest value the
        schema allows (``maxLength``, the longest ``enum`` value), or a
        ``TEXT`` when the schema sets no bound.  None for a field that is
        not a string: the table cannot hold it, and a test says so.
    """
    if rule.get('type') != 'string':
        return None
    values = _STORED_VALUES.get(field, rule.get('enum'))
    longest = (max(len(value) for value in values) if values
               else rule.get('maxLength'))
    kind = sa.Text() if longest is None else sa.String(
        max(longest, SHORT_STRING))
    return sa.Column(field, kind, nullable=not required)


def _entry_columns():
    schema = alias.ALIAS_ENTRY_SCHEMA
    required = set(schema['required'])
    columns = (column_of(field, rule, field in required)
               for field, rule in schema['properties'].items())
    return [column for column in columns if column is not None]


_FIELD_COLUMNS = _entry_columns()

#: The entry fields that have a column, in the order of the schema (and of
#: the columns).  Every field of the schema should be one of them; the
#: queries refuse to store an entry holding any other key.
# Plain strs, not SQLAlchemy's quoted names: they become the keys of the
# entries read, which are plain JSON-like dicts.
ENTRY_FIELDS = tuple(str(column.name) for column in _FIELD_COLUMNS)

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
SCHEMA_REVISIONS = ('4f2b7c1d9e30', '8c3d5e7f9a1b', '5d1e8b3f6a27')
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


#: ``pci_alias_entries``, the entry columns derived from the schema.
entries_table = sa.Table(
    'pci_alias_entries', Base.metadata,
    sa.Column('created_at', sa.DateTime, default=lambda: timeutils.utcnow()),
    sa.Column('updated_at', sa.DateTime,
              onupdate=lambda: timeutils.utcnow()),
    sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('position', sa.Integer, nullable=False),
    *_FIELD_COLUMNS,
    sa.UniqueConstraint('position', name='uniq_pci_alias_entries0position'),
    sa.Index('pci_alias_entries_name_idx', 'name'),
    **_TABLE_ARGS)


class AliasEntry(Base):
    """One alias entry: one spec of an alias."""

    __table__ = entries_table

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


#: The operations a history row records, as ``operation`` holds them.
OPERATIONS = ('create', 'put', 'delete', 'import', 'restore')

#: The length of the string columns naming who made a change: room for a
#: Keystone id (64), a ``req-UUID`` (40) and a fully qualified host name.
ACTOR_STRING = 255
#: The length of ``alias``: the longest alias name the schema allows.
ALIAS_NAME_LENGTH = alias.ALIAS_ENTRY_SCHEMA['properties']['name'][
    'maxLength']


class AliasChange(Base):
    """One committed write: what it did, who did it, the table around it.

    ``before`` and ``after`` are the whole table's entry lists (JSON; long
    text on MySQL, where a 10,000-alias table takes about a megabyte).
    """

    __tablename__ = 'pci_alias_history'
    __table_args__ = (
        sa.UniqueConstraint('revision',
                            name='uniq_pci_alias_history0revision'),
        _TABLE_ARGS)

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    revision = sa.Column(sa.BigInteger, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False)
    operation = sa.Column(sa.String(SHORT_STRING), nullable=False)
    alias = sa.Column(sa.String(ALIAS_NAME_LENGTH))
    restored_revision = sa.Column(sa.BigInteger)
    user_id = sa.Column(sa.String(ACTOR_STRING))
    project_id = sa.Column(sa.String(ACTOR_STRING))
    request_id = sa.Column(sa.String(ACTOR_STRING))
    os_user = sa.Column(sa.String(ACTOR_STRING))
    host = sa.Column(sa.String(ACTOR_STRING))
    before = sa.Column(oslo_types.JsonEncodedList(mysql_as_long=True),
                       nullable=False)
    after = sa.Column(oslo_types.JsonEncodedList(mysql_as_long=True),
                      nullable=False)


#: The length of ``service``: a program's name.
SERVICE_NAME_LENGTH = 64
#: The length of ``last_error``: a reported error is cut to fit.
CONSUMER_ERROR_LENGTH = 255


class AliasConsumer(Base):
    """One process that reads the alias database, as it last reported.

    ``revision`` is the revision of the table it serves (NULL before its
    first load), ``loaded_at`` when that table was swapped in,
    ``checked_at`` when it last checked the database, ``last_error`` what
    that check said when it failed (NULL when it worked), ``reported_at``
    when the process last wrote its row.  Times are UTC.
    """

    __tablename__ = 'pci_alias_consumers'
    __table_args__ = (
        sa.UniqueConstraint(
            'host', 'service', 'pid',
            name='uniq_pci_alias_consumers0host0service0pid'),
        _TABLE_ARGS)

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    host = sa.Column(sa.String(ACTOR_STRING), nullable=False)
    service = sa.Column(sa.String(SERVICE_NAME_LENGTH), nullable=False)
    pid = sa.Column(sa.Integer, nullable=False)
    revision = sa.Column(sa.BigInteger)
    loaded_at = sa.Column(sa.DateTime)
    checked_at = sa.Column(sa.DateTime)
    last_error = sa.Column(sa.String(CONSUMER_ERROR_LENGTH))
    reported_at = sa.Column(sa.DateTime, nullable=False)
