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

"""Data access functions of the alias database.

Every function runs in a transaction of :data:`context_manager`, an oslo.db
enginefacade transaction context of this package's own (not oslo.db's
global one, which belongs to the process the source runs in, Nova for
instance).  :func:`configure` sets it up from ``[pci_alias_database]``
once per process: the first configuration to reach the database wins, as a
process talks to one alias database.  oslo.db's test fixtures plug their
test databases into :data:`context_manager` the same way.

Operations are retried the oslo.db way (:func:`oslo_db.api.wrap_db_retry`)
when the connection drops or a deadlock is detected, within the bounds of
``[pci_alias_database] db_max_retries``, but not when a deadline passed
(``connect_timeout``, ``statement_timeout``, ``sqlite_busy_timeout``): a
server that did not answer in time would make every attempt wait for the
whole deadline again.  Database errors leave this module as the package's
own errors (:mod:`~nova_pci_alias.sources.database.errors`), naming the
database with its password masked; the schema missing or older than this
package's is :class:`~nova_pci_alias.exception.AliasSourceNotReady` (run
``nova-pci-alias-manage db sync``).

Writes bump the revision counter, validate the whole resulting alias
table and record their change in ``pci_alias_history`` (who, when, the
whole table before and after) in the same transaction, so the database
never holds a table that fails to load, readers see a new revision exactly
when entries changed, and every committed table can be restored.  A write
given ETags (``if_match``) compares them with the current table's, under
the writers' lock, and writes nothing when none matches.
An entry is stored field by field, one column each
(:data:`~nova_pci_alias.sources.database.models.ENTRY_FIELDS`): a write
holding a key without a column is refused whole, never stored without it.
"""

import collections.abc
import datetime
import functools

from oslo_db import api as oslo_db_api
from oslo_db.sqlalchemy import enginefacade
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_pci_alias import bounds
from nova_pci_alias import exception
from nova_pci_alias.sources.database import errors
from nova_pci_alias.sources.database import history
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import preconditions
from nova_pci_alias.sources.database import validation

#: The source name used in the errors raised here.
SOURCE_NAME = errors.SOURCE_NAME

#: The transaction context of the alias database.
context_manager = enginefacade.transaction_context()


class _Settings:
    """What :func:`configure` was last given."""

    url = options.DEFAULT_CONNECTION
    retry = options.retry_settings()
    deadlines = options.deadlines()
    # The URL parameters this package added, left out of messages.
    added_parameters: frozenset[str] = frozenset()


@enginefacade.transaction_context_provider
class _Context:
    """The holder of one transaction's state (no request context here)."""


def configure(conf):
    """Set the alias database up from ``[pci_alias_database]``.

    Registers the options, configures :data:`context_manager` unless it
    is already connected to a database, and installs the filter that keeps
    oslo.db from logging the failures this module raises
    (:func:`~nova_pci_alias.sources.database.errors.install_log_filter`).

    :param conf: a :class:`oslo_config.cfg.ConfigOpts`.
    """
    options.register_opts(conf)
    errors.install_log_filter()
    _Settings.url = conf[options.GROUP].connection
    _Settings.retry = options.retry_settings(conf)
    if not context_manager.is_started:
        _Settings.deadlines = options.deadlines(conf)
        _Settings.added_parameters = frozenset(
            options.added_parameters(conf))
        context_manager.configure(**options.engine_settings(conf))
        context_manager.append_on_engine_create(_on_engine_create)


def _on_engine_create(engine):
    """Give PostgreSQL connections the client-side deadline they lack."""
    if engine.dialect.name == 'postgresql':
        from nova_pci_alias.sources.database import deadline
        deadline.watch_engine(
            engine, _Settings.deadlines['statement_timeout']
            + options.PG_CLIENT_GRACE)


def _url():
    """The URL in use: the engine's once started, else the configured one.

    Without the parameters that carry this package's deadlines: messages
    name the database as the operator configured it.
    """
    if context_manager.is_started:
        return context_manager.writer.get_engine().url.difference_update_query(
            _Settings.added_parameters)
    try:
        return sa.engine.make_url(_Settings.url)
    except Exception:
        return None


def database_location():
    """Return the connection URL in use, its password masked."""
    url = _url()
    if url is None:
        return options.masked_url(_Settings.url)
    return url.render_as_string(hide_password=True)


def _password():
    url = _url()
    return str(url.password) if url is not None and url.password else None


def _schema_missing():
    """Return True if the database lacks one of the alias tables.

    oslo.db recognises a missing table on SQLite only; on MySQL and
    PostgreSQL the error of a SELECT is generic, so ask the database.
    """
    try:
        with context_manager.reader.connection.using(
                _Context()) as connection:
            inspector = sa.inspect(connection)
            return not all(inspector.has_table(table) for table in (
                models.VERSION_TABLE, models.entries_table.name,
                models.AliasRevision.__tablename__,
                models.AliasChange.__tablename__,
                models.AliasConsumer.__tablename__))
    except Exception:
        return False


def _not_ready(why):
    return errors.not_ready(database_location(), why)


def _translate_errors(func):
    """Turn database errors into the package's errors, naming the URL."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with errors.quiet_oslo_db():
            try:
                return func(*args, **kwargs)
            except errors.DATABASE_ERRORS as exc:
                raise errors.translate(
                    exc, database_location(), password=_password(),
                    deadlines=_Settings.deadlines,
                    schema_missing=_schema_missing) from None
    return wrapper


def _retrying(func):
    """Retry ``func`` on disconnects and deadlocks, as configured."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return oslo_db_api.wrap_db_retry(
            exception_checker=errors.worth_retrying, **_Settings.retry)(func)(
                *args, **kwargs)
    return wrapper


def _check_schema(connection):
    """Raise AliasSourceNotReady unless the schema is at this release's."""
    current = connection.execute(
        sa.select(models.version_table.c.version_num)).scalar()
    if current is None:
        raise _not_ready('has no PCI alias tables')
    if current != models.SCHEMA_HEAD and current in models.SCHEMA_REVISIONS:
        raise _not_ready('holds the PCI alias schema at revision %s, older '
                         'than this release\'s %s' % (
                             current, models.SCHEMA_HEAD))
    # An unknown revision is a newer release's: migrations only add, so
    # the tables this release reads are still there.


@_translate_errors
def sync_schema():
    """Create the schema, or upgrade it to this release's.

    Not retried: a migration is not safe to run twice after a failure in
    the middle.

    :returns: the schema revision reached.
    :raises nova_pci_alias.exception.AliasSourceError: the database cannot
        be reached, or a migration failed.
    """
    # alembic is imported only by the commands that run it, not by the
    # source's reads.
    from nova_pci_alias.sources.database import migration
    migration.upgrade(context_manager.writer.get_engine())
    return models.SCHEMA_HEAD


@_translate_errors
@_retrying
def schema_revision():
    """Return the schema revision of the database, None before any sync.

    :raises nova_pci_alias.exception.AliasSourceError: the database cannot
        be reached.
    """
    from nova_pci_alias.sources.database import migration
    with context_manager.reader.connection.using(_Context()) as connection:
        return migration.current_revision(connection)


_ENTRY_COLUMNS = [getattr(models.AliasEntry, field)
                  for field in models.ENTRY_FIELDS]


def _entries_of(rows):
    return [{field: value for field, value in zip(models.ENTRY_FIELDS, row)
             if value is not None} for row in rows]


def _select_entries(connection):
    return _entries_of(connection.execute(
        sa.select(*_ENTRY_COLUMNS).order_by(models.AliasEntry.position)))


_REVISION_QUERY = sa.select(models.AliasRevision.revision).where(
    models.AliasRevision.id == models.REVISION_ROW_ID)


@_translate_errors
@_retrying
def get_revision():
    """Return the revision counter: it changes whenever the entries do.

    One query of one row.

    :returns: an int.
    :raises nova_pci_alias.exception.AliasSourceNotReady: no schema.
    :raises nova_pci_alias.exception.AliasSourceError: the database cannot
        be reached.
    """
    with context_manager.reader.connection.using(_Context()) as connection:
        revision = connection.execute(_REVISION_QUERY).scalar()
    if revision is None:
        raise _not_ready('has no PCI alias revision row')
    return revision


@_translate_errors
@_retrying
def get_entries(name=None):
    """Return the stored alias entries, in order.

    :param name: only the entries of this alias name.
    :returns: a list of entry dicts; fields that are NULL are left out.
    :raises nova_pci_alias.exception.AliasSourceNotReady: the schema is
        missing or out of date.
    :raises nova_pci_alias.exception.AliasSourceError: the database cannot
        be reached.
    """
    with context_manager.reader.connection.using(_Context()) as connection:
        _check_schema(connection)
        entries = _select_entries(connection)
    # Names are compared here, not in SQL: MySQL's default collations
    # ignore case and trailing spaces, alias names do not.
    return [e for e in entries if name is None or e['name'] == name]


@_translate_errors
@_retrying
def get_entry_records(name):
    """Return the stored entries of one alias with their timestamps.

    :param name: the alias name.
    :returns: a list of ``{"entry": dict, "created_at": datetime,
        "updated_at": datetime or None}``, in order; empty when no entry has
        that name.
    """
    with context_manager.reader.using(_Context()) as session:
        _check_schema(session.connection())
        rows = session.scalars(
            sa.select(models.AliasEntry)
            .where(models.AliasEntry.name == name)
            .order_by(models.AliasEntry.position)).all()
        # The WHERE narrows the rows down; this comparison decides, as
        # MySQL's default collations ignore case and trailing spaces.
        return [{'entry': row.to_entry(), 'created_at': row.created_at,
                 'updated_at': row.updated_at}
                for row in rows if row.name == name]


def _lock_for_writing(connection):
    """Lock out other writers and bump the revision.

    The UPDATE of the revision row is the first statement of every write
    transaction, before any read: it waits for the writers' lock (the row
    lock on MySQL and PostgreSQL, the database's write lock on SQLite) and
    holds it until commit, so concurrent writes queue up and each one
    reads, validates and extends the table that the previous one committed.

    Nothing may be read before it:

    * on MySQL (InnoDB, REPEATABLE READ) the first plain read fixes the
      transaction's snapshot; a read before the lock would let this write
      validate a table that another writer has since replaced, and commit
      a table that no node can load;
    * on SQLite a transaction that has read and then wants to write is
      refused at once ("database is locked") when another writer is
      committing, without waiting for the busy timeout; a transaction
      whose first statement writes waits for the lock, as one opened with
      ``BEGIN IMMEDIATE`` does;
    * on PostgreSQL (READ COMMITTED) each statement sees what was committed
      before it started, so the reads that follow see the previous writer's
      table once the UPDATE got the lock.
    """
    result = connection.execute(
        sa.update(models.AliasRevision)
        .where(models.AliasRevision.id == models.REVISION_ROW_ID)
        .values(revision=models.AliasRevision.revision + 1,
                updated_at=timeutils.utcnow()))
    if result.rowcount != 1:
        raise _not_ready('has no PCI alias revision row')
    _check_schema(connection)


def _begin_write(connection, if_match=None):
    """Lock out other writers (:func:`_lock_for_writing`); return the entries.

    :param if_match: the write's ETags, checked against the table read
        under the lock (:func:`~nova_pci_alias.sources.database.
        preconditions.check`).
    """
    _lock_for_writing(connection)
    current = _select_entries(connection)
    preconditions.check(if_match, current)
    return current


class _Row:
    """A stored entry with its row id and position."""

    __slots__ = ('id', 'position', 'entry')

    def __init__(self, row_id, position, entry):
        self.id = row_id
        self.position = position
        self.entry = entry


def _begin_write_rows(connection, if_match=None):
    """As :func:`_begin_write`, returning :class:`_Row` objects."""
    _lock_for_writing(connection)
    rows = connection.execute(
        sa.select(models.AliasEntry.id, models.AliasEntry.position,
                  *_ENTRY_COLUMNS)
        .order_by(models.AliasEntry.position)).all()
    entries = _entries_of(row[2:] for row in rows)
    preconditions.check(if_match, entries)
    return [_Row(row[0], row[1], entry) for row, entry in zip(rows, entries)]


def _dicts(entries):
    """Entries as a list of dicts, for JSON: copied only when they are not.

    The entries as read are dicts already; a validated table's are
    read-only mappings, which JSON cannot encode.
    """
    if isinstance(entries, list) and all(type(e) is dict for e in entries):
        return entries
    return [dict(e) for e in entries]


def _record(connection, operation, before, after, actor, alias=None,
            restored_revision=None):
    """Record the change of this write; return the revision it commits.

    Called once per write, after its last change to the entries, in the
    write's transaction: the change is committed with the table, or not
    at all.
    """
    revision = connection.execute(_REVISION_QUERY).scalar()
    # Cut to the columns' length: who made a change never fails it.
    actor = history.Actor(*(
        None if value is None else str(value)[:models.ACTOR_STRING]
        for value in (actor or history.Actor())))
    connection.execute(sa.insert(models.AliasChange).values(
        revision=revision, created_at=timeutils.utcnow(),
        operation=operation, alias=alias,
        restored_revision=restored_revision,
        user_id=actor.user_id, project_id=actor.project_id,
        request_id=actor.request_id, os_user=actor.os_user,
        host=actor.host, before=_dicts(before), after=_dicts(after)))
    return revision


def _refuse_unstorable(entries):
    """Refuse entries holding a key that the table has no column for.

    Every field of the entry schema has a column (a test checks it): this
    stops an entry from losing a field it was validated with, should one
    ever lack its column.
    """
    for entry in entries:
        for key in entry:
            if key not in models.ENTRY_FIELDS:
                raise exception.AliasSourceError(
                    source=SOURCE_NAME, reason='%s cannot store the alias '
                    'entry key %s: the table %s has no column for it; '
                    'nothing was written' % (
                        database_location(), bounds.shown(key),
                        models.entries_table.name))


def _insert(connection, entries, first_position):
    _refuse_unstorable(entries)
    if not entries:
        return
    now = timeutils.utcnow()
    # Every row names every column: an executemany takes its columns from
    # the first row.
    connection.execute(sa.insert(models.AliasEntry), [
        dict({field: entry.get(field) for field in models.ENTRY_FIELDS},
             position=first_position + index, created_at=now)
        for index, entry in enumerate(entries)])


def _next_position(connection):
    last = connection.execute(
        sa.select(sa.func.max(models.AliasEntry.position))).scalar()
    return 0 if last is None else last + 1


def _shift_after(connection, position, by):
    """Move every row after ``position`` ``by`` places further down.

    In two statements, through negative positions, so that no row ever
    takes a position another row still holds: the unique constraint on
    ``position`` is checked row by row on MySQL and PostgreSQL.
    """
    column = models.AliasEntry.position
    connection.execute(sa.update(models.AliasEntry)
                       .where(column > position)
                       .values(position=-(column + by)))
    connection.execute(sa.update(models.AliasEntry)
                       .where(column < 0)
                       .values(position=-column))


@_translate_errors
@_retrying
def create_entry(entry, *, actor=None, if_match=None,
                 pci_in_placement=False):
    """Append one alias entry, if the resulting table is valid.

    :param entry: an alias entry (mapping or JSON text).
    :param actor: the :class:`~nova_pci_alias.sources.database.history.
        Actor` recorded in the history (None: unknown).
    :param if_match: None, or the ETags (strings, quoted or not, ``*`` for
        any) of which the current table's document ETag must be one,
        checked under the writers' lock.
    :param pci_in_placement: validate with the rules of PCI in Placement.
    :returns: the normalised entry as stored (a dict).
    :raises nova_pci_alias.exception.PciInvalidAlias: the entry, or the
        table with it, is invalid; nothing is written.
    :raises nova_pci_alias.exception.AliasTableChanged: ``if_match`` does
        not match; nothing is written.
    """
    with context_manager.writer.connection.using(_Context()) as connection:
        current = _begin_write(connection, if_match)
        table = validation.validated_table(
            current + [entry], 'the alias table with the new entry',
            pci_in_placement=pci_in_placement)
        stored = dict(table.entries[-1])
        _insert(connection, [stored], _next_position(connection))
        _record(connection, 'create', current, table.entries, actor,
                alias=stored['name'])
        return stored


@_translate_errors
@_retrying
def delete_alias(name, *, actor=None, if_match=None, pci_in_placement=False):
    """Delete every entry of one alias, if the remaining table is valid.

    :param name: the alias name.
    :param actor: the :class:`~nova_pci_alias.sources.database.history.
        Actor` recorded in the history (None: unknown).
    :param if_match: None, or the ETags (strings, quoted or not, ``*`` for
        any) of which the current table's document ETag must be one,
        checked under the writers' lock.
    :param pci_in_placement: validate with the rules of PCI in Placement.
    :returns: how many entries were deleted.
    :raises nova_pci_alias.exception.PciRequestAliasNotDefined: no entry has
        that name.
    :raises nova_pci_alias.exception.AliasTableChanged: ``if_match`` does
        not match; nothing is written.
    """
    with context_manager.writer.connection.using(_Context()) as connection:
        rows = _begin_write_rows(connection, if_match)
        # Matched here, not in SQL: MySQL's default collations ignore case
        # and trailing spaces, alias names do not.
        doomed = [row.id for row in rows if row.entry['name'] == name]
        if not doomed:
            raise exception.PciRequestAliasNotDefined(alias=name)
        table = validation.validated_table(
            [row.entry for row in rows if row.entry['name'] != name],
            'the alias table without %r' % name,
            pci_in_placement=pci_in_placement)
        connection.execute(sa.delete(models.AliasEntry).where(
            models.AliasEntry.id.in_(doomed)))
        _record(connection, 'delete', [row.entry for row in rows],
                table.entries, actor, alias=name)
        return len(doomed)


@_translate_errors
@_retrying
def import_entries(entries, origin, *, replace=False, actor=None,
                   if_match=None, pci_in_placement=False):
    """Store a whole alias list, all or nothing, in one transaction.

    :param entries: alias entries (mappings or JSON text), in order.
    :param origin: where they come from, for error messages.
    :param replace: replace every stored entry; without it, an import into
        a table that holds entries is refused.
    :param actor: the :class:`~nova_pci_alias.sources.database.history.
        Actor` recorded in the history (None: unknown).
    :param if_match: None, or the ETags (strings, quoted or not, ``*`` for
        any) of which the current table's document ETag must be one,
        checked under the writers' lock.
    :param pci_in_placement: validate with the rules of PCI in Placement.
    :returns: ``(number of entries stored, new revision)``.
    :raises nova_pci_alias.exception.PciInvalidAliasEntries: naming every
        invalid entry; nothing is written.
    :raises nova_pci_alias.exception.AliasTableNotEmpty: entries exist and
        ``replace`` is false.
    :raises nova_pci_alias.exception.AliasTableChanged: ``if_match`` does
        not match; nothing is written.
    """
    entries = list(entries)
    with context_manager.writer.connection.using(_Context()) as connection:
        current = _begin_write(connection, if_match)
        if current and not replace:
            raise exception.AliasTableNotEmpty(count=len(current))
        table = validation.validated_table(
            entries, origin, pci_in_placement=pci_in_placement)
        connection.execute(sa.delete(models.AliasEntry))
        _insert(connection, [dict(e) for e in table.entries], 0)
        revision = _record(connection, 'import', current, table.entries,
                           actor)
        return len(table.entries), revision


def _named_entries(name, entries):
    """The entries of ``put_alias``, each named ``name``.

    Messages count the entries from 1, as those of an import do.

    :raises nova_pci_alias.exception.PciInvalidAlias: no entries, an entry
        that is not a mapping, or one named otherwise.
    """
    if not isinstance(name, str):
        raise exception.PciInvalidAlias(
            reason='an alias name is a string, not %s' % bounds.shown(name))
    if not isinstance(entries, (list, tuple)):
        raise exception.PciInvalidAlias(
            reason='the entries of alias %s are a list, not %s' % (
                bounds.shown(name), bounds.shown(entries)))
    if not entries:
        raise exception.PciInvalidAlias(
            reason='alias %s needs at least one entry' % bounds.shown(name))
    named = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, collections.abc.Mapping):
            raise exception.PciInvalidAlias(
                reason='entry %d of alias %s is not a JSON object' % (
                    position + 1, bounds.shown(name)))
        given = entry.get('name', name)
        if not isinstance(given, str) or given.strip() != name.strip():
            raise exception.PciInvalidAlias(
                reason='entry %d is named %s, not %s, the alias it is '
                       'given for' % (position + 1, bounds.shown(given),
                                      bounds.shown(name)))
        named.append(dict(entry, name=name))
    return named


@_translate_errors
@_retrying
def put_alias(name, entries, *, actor=None, if_match=None,
              pci_in_placement=False):
    """Replace the entries of one alias, or create it, if the table is valid.

    The alias keeps its place in the table (the position of its first
    entry); a new alias goes last.

    :param name: the alias name.
    :param entries: the alias's entries (mappings), each with no ``name``
        or this one; at least one.
    :param actor: the :class:`~nova_pci_alias.sources.database.history.
        Actor` recorded in the history (None: unknown).
    :param if_match: None, or the ETags (strings, quoted or not, ``*`` for
        any) of which the current table's document ETag
        (:func:`nova_pci_alias.document.etag_of`) must be one, checked
        under the writers' lock.
    :param pci_in_placement: validate with the rules of PCI in Placement.
    :returns: a ``dict`` ``{"revision": int, "created": bool, "entries":
        [entry, ...] as stored, "etag": the new table's document ETag}``.
    :raises nova_pci_alias.exception.PciInvalidAlias: the entries, or the
        table with them, are invalid; nothing is written.
    :raises nova_pci_alias.exception.AliasTableChanged: ``if_match`` does
        not match; nothing is written.
    :raises nova_pci_alias.exception.InvalidInput: ``if_match`` is neither
        a string nor a list.
    """
    named = _named_entries(name, entries)
    with context_manager.writer.connection.using(_Context()) as connection:
        rows = _begin_write_rows(connection, if_match)
        # Stored names are normalised (stripped): compare with the name
        # the new entries will be stored under.
        key = name.strip()
        own = [row for row in rows if row.entry['name'] == key]
        kept = [row for row in rows if row.entry['name'] != key]
        # No entry of the alias comes before its first one: its index in
        # the whole table is its index among the kept rows too.
        place = rows.index(own[0]) if own else len(rows)
        table = validation.validated_table(
            [row.entry for row in kept[:place]] + named +
            [row.entry for row in kept[place:]],
            'the alias table with alias %s set' % bounds.shown(key),
            pci_in_placement=pci_in_placement)
        stored = [dict(e) for e in table.entries[place:place + len(named)]]
        if own:
            connection.execute(sa.delete(models.AliasEntry).where(
                models.AliasEntry.id.in_([row.id for row in own])))
            first = own[0].position
            room = (kept[place].position - first if place < len(kept)
                    else len(stored))
            if room < len(stored):
                _shift_after(connection, first, len(stored) - room)
        else:
            first = rows[-1].position + 1 if rows else 0
        _insert(connection, stored, first)
        after = _dicts(table.entries)
        revision = _record(connection, 'put', [row.entry for row in rows],
                           after, actor, alias=key)
        return {'revision': revision, 'created': not own, 'entries': stored,
                'etag': preconditions.table_etag(after)}


_SUMMARY_COLUMNS = (
    models.AliasChange.revision, models.AliasChange.created_at,
    models.AliasChange.operation, models.AliasChange.alias,
    models.AliasChange.restored_revision, models.AliasChange.user_id,
    models.AliasChange.project_id, models.AliasChange.request_id,
    models.AliasChange.os_user, models.AliasChange.host)
_SUMMARY_FIELDS = tuple(column.key for column in _SUMMARY_COLUMNS)


def _summary(row):
    return dict(zip(_SUMMARY_FIELDS, row))


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) \
        and value >= 0


def _checked_revision(revision):
    """Refuse a revision that is not a count: no change could have it."""
    if not _is_count(revision):
        raise exception.AliasRevisionNotFound(
            revision=bounds.shown(revision),
            reason='a revision is an integer of at least 0')
    return revision


@_translate_errors
@_retrying
def get_history(limit=None, marker=None):
    """Return recorded changes, newest first, without their entries.

    Reads the summary columns only, not the tables before and after.

    :param limit: at most this many.
    :param marker: only changes older than this revision.
    :raises nova_pci_alias.exception.InvalidInput: ``limit`` or ``marker``
        is not an integer of at least 0.
    :returns: a list of dicts ``{"revision", "created_at" (datetime),
        "operation" ("create", "put", "delete", "import", "restore"),
        "alias" (name or None), "restored_revision" (int or None),
        "user_id", "project_id", "request_id", "os_user", "host"}``.
    """
    for what, value in (('history limit', limit),
                        ('history marker', marker)):
        if value is not None and not _is_count(value):
            raise exception.InvalidInput(
                what=what, reason='%s is not an integer of at least 0' %
                bounds.shown(value))
    query = sa.select(*_SUMMARY_COLUMNS).order_by(
        models.AliasChange.revision.desc())
    if marker is not None:
        query = query.where(models.AliasChange.revision < marker)
    if limit is not None:
        query = query.limit(limit)
    with context_manager.reader.connection.using(_Context()) as connection:
        _check_schema(connection)
        return [_summary(row) for row in connection.execute(query)]


def _select_change(connection, revision):
    row = connection.execute(
        sa.select(*_SUMMARY_COLUMNS, models.AliasChange.before,
                  models.AliasChange.after)
        .where(models.AliasChange.revision == revision)).first()
    if row is None:
        return None
    change = _summary(row)
    change['before'], change['after'] = row[-2], row[-1]
    return change


@_translate_errors
@_retrying
def get_change(revision):
    """Return one recorded change with the whole table before and after.

    :returns: the dict of :func:`get_history`, plus ``"before"`` and
        ``"after"``: the entry lists of the whole table.
    :raises nova_pci_alias.exception.AliasRevisionNotFound: no such change.
    """
    _checked_revision(revision)
    with context_manager.reader.connection.using(_Context()) as connection:
        _check_schema(connection)
        change = _select_change(connection, revision)
    if change is None:
        raise exception.AliasRevisionNotFound(
            revision=revision, reason='no change committed that revision')
    return change


def _table_at(connection, revision):
    """The entries of the table at ``revision``, from the history.

    :raises nova_pci_alias.exception.AliasRevisionNotFound: the history
        does not give it.
    """
    change = _select_change(connection, revision)
    if change is not None:
        return change['after']
    following = connection.execute(
        sa.select(sa.func.min(models.AliasChange.revision))
        .where(models.AliasChange.revision > revision)).scalar()
    if following is not None and following == revision + 1:
        return _select_change(connection, following)['before']
    raise exception.AliasRevisionNotFound(
        revision=revision,
        reason='no change committed it, and the change after it is not '
               'recorded either')


@_translate_errors
@_retrying
def prune_history(keep):
    """Delete the recorded changes but the ``keep`` newest.

    The entries and the revision counter are left as they are: readers see
    no change.  The revisions left can still be restored, and so can the
    one just before the oldest left (its ``before``).

    :param keep: how many of the newest changes to keep, at least 1.
    :returns: ``(number of changes deleted, oldest revision kept or None)``.
    :raises nova_pci_alias.exception.InvalidInput: ``keep`` is not an
        integer of at least 1.
    """
    if not _is_count(keep) or keep < 1:
        raise exception.InvalidInput(
            what='number of changes to keep',
            reason='%s is not an integer of at least 1' % bounds.shown(keep))
    revision = models.AliasChange.revision
    with context_manager.writer.connection.using(_Context()) as connection:
        _check_schema(connection)
        oldest = connection.execute(
            sa.select(revision).order_by(revision.desc())
            .offset(keep - 1).limit(1)).scalar()
        if oldest is None:
            return 0, connection.execute(
                sa.select(sa.func.min(revision))).scalar()
        deleted = connection.execute(
            sa.delete(models.AliasChange).where(revision < oldest)).rowcount
        return deleted, oldest


@_translate_errors
@_retrying
def get_table_at(revision):
    """Return the entries of the table at ``revision``, from the history.

    The table that :func:`restore_revision` would bring back (before its
    validation under the current rules).

    :raises nova_pci_alias.exception.AliasRevisionNotFound: the history
        does not give it.
    """
    _checked_revision(revision)
    with context_manager.reader.connection.using(_Context()) as connection:
        _check_schema(connection)
        return _table_at(connection, revision)


@_translate_errors
@_retrying
def restore_revision(revision, *, actor=None, if_match=None,
                     pci_in_placement=False):
    """Make the table what it was at ``revision``, as a new change.

    The table at a revision is the ``after`` of the change that made it, or
    the ``before`` of the change that followed it (the table as it was
    before the first recorded change).

    :returns: the dict of :func:`put_alias`, ``created`` False.
    :raises nova_pci_alias.exception.AliasRevisionNotFound: the history
        does not give the table at that revision.
    :raises nova_pci_alias.exception.PciInvalidAlias: that table is not
        valid under the current rules; nothing is written.
    :raises nova_pci_alias.exception.AliasTableChanged: as for
        :func:`put_alias`.
    """
    _checked_revision(revision)
    with context_manager.writer.connection.using(_Context()) as connection:
        current = _begin_write(connection, if_match)
        table = validation.validated_table(
            _table_at(connection, revision),
            'the alias table of revision %d' % revision,
            pci_in_placement=pci_in_placement)
        after = _dicts(table.entries)
        connection.execute(sa.delete(models.AliasEntry))
        _insert(connection, after, 0)
        new_revision = _record(connection, 'restore', current, after, actor,
                               restored_revision=revision)
        return {'revision': new_revision, 'created': False,
                'entries': after, 'etag': preconditions.table_etag(after)}


def _delete_expired_consumers(connection, expiry):
    """Delete the rows of processes silent for more than ``expiry`` s."""
    oldest = timeutils.utcnow() - datetime.timedelta(seconds=expiry)
    return connection.execute(sa.delete(models.AliasConsumer).where(
        models.AliasConsumer.reported_at < oldest)).rowcount


@_translate_errors
def report_consumer(host, service, pid, *, revision, loaded_at, checked_at,
                    last_error, expiry):
    """Write the row of one process reading the database.

    One UPDATE of the process's row; the first report of a process (no row
    yet) INSERTs it instead, and deletes the rows of processes silent for
    longer than ``expiry`` seconds.  Not retried: the next report writes
    again.

    :param host: the host name.
    :param service: the program's name (``nova-compute``).
    :param pid: the process id.
    :param revision: the revision of the table it serves, or None.
    :param loaded_at: when it was loaded (naive UTC datetime), or None.
    :param checked_at: when the database was last checked, or None.
    :param last_error: the error of the last check, or None.
    :param expiry: seconds of silence after which a row goes.
    :returns: the number of expired rows deleted.
    """
    values = {'revision': revision, 'loaded_at': loaded_at,
              'checked_at': checked_at, 'last_error': last_error,
              'reported_at': timeutils.utcnow()}
    key = {'host': host, 'service': service, 'pid': pid}
    consumer = models.AliasConsumer
    with context_manager.writer.connection.using(_Context()) as connection:
        updated = connection.execute(
            sa.update(consumer).where(
                consumer.host == host, consumer.service == service,
                consumer.pid == pid).values(**values)).rowcount
        if updated:
            return 0
        deleted = _delete_expired_consumers(connection, expiry)
        connection.execute(sa.insert(consumer).values(**key, **values))
        return deleted


_CONSUMER_FIELDS = ('host', 'service', 'pid', 'revision', 'loaded_at',
                    'checked_at', 'last_error', 'reported_at')


@_translate_errors
@_retrying
def get_consumers(expiry):
    """Delete the expired rows of processes, and return the others.

    :param expiry: seconds of silence after which a row goes.
    :returns: a list of dicts with the keys ``host``, ``service``, ``pid``,
        ``revision``, ``loaded_at``, ``checked_at``, ``last_error`` and
        ``reported_at`` (naive UTC datetimes), ordered by host, service
        and pid.
    """
    consumer = models.AliasConsumer
    columns = [getattr(consumer, field) for field in _CONSUMER_FIELDS]
    with context_manager.writer.connection.using(_Context()) as connection:
        # The DELETE first: on SQLite a transaction that has read and then
        # writes is refused at once while another writer (a process's
        # report) holds the lock; one whose first statement writes waits
        # for it (see _lock_for_writing).
        _delete_expired_consumers(connection, expiry)
        _check_schema(connection)
        rows = connection.execute(sa.select(*columns).order_by(
            consumer.host, consumer.service, consumer.pid)).all()
    return [dict(zip(_CONSUMER_FIELDS, row)) for row in rows]
