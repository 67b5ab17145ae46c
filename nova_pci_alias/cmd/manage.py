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

"""``nova-pci-alias-manage``: set up and edit the PCI alias database.

Sub-commands::

    nova-pci-alias-manage [--config-file F] db sync
    nova-pci-alias-manage [--config-file F] db version
    nova-pci-alias-manage [--config-file F] alias create JSON
    nova-pci-alias-manage [--config-file F] alias delete NAME
    nova-pci-alias-manage [--config-file F] alias list
    nova-pci-alias-manage [--config-file F] alias show NAME
    nova-pci-alias-manage [--config-file F] alias import FILE [--replace] \
        [--allow-empty]
    nova-pci-alias-manage [--config-file F] alias import \
        --from-config NOVA_CONF [--replace] [--allow-empty]
    nova-pci-alias-manage [--config-file F] alias export [FILE] \
        [--format document|nova-conf]
    nova-pci-alias-manage [--config-file F] alias history [--limit N]
    nova-pci-alias-manage [--config-file F] alias history REVISION [--full]
    nova-pci-alias-manage [--config-file F] alias history --prune KEEP
    nova-pci-alias-manage [--config-file F] alias restore REVISION \
        [--allow-empty]
    nova-pci-alias-manage [--config-file F] status [--behind-after SECONDS]

The database is the one of ``[pci_alias_database] connection``.  Every write
validates the whole resulting alias table, as the registry would load it
(with ``[pci_alias] pci_in_placement``), bumps the revision counter and
records its change in the history, naming the operating-system user and the
host (:func:`~nova_pci_alias.sources.database.history.local_actor`), in the
same transaction.

Exit codes: those of :data:`nova_pci_alias.cmd.common.EXIT_CODES`; 2 is
also an import into a non-empty table without ``--replace``, 4 an unknown
revision, and 7 an import, or a restore, of no entries without
``--allow-empty``, and 8 (``status``) a process that has held an older
table than the current one for longer than ``--behind-after``.  Connection
URLs in errors
have their password masked.
"""

import logging as py_logging
import os
import sys

from oslo_config import cfg
from oslo_serialization import jsonutils

from nova_pci_alias import alias
from nova_pci_alias.cmd import common
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias.sources import config as config_source
from nova_pci_alias.sources.database import fleet_view
from nova_pci_alias.sources.database import history
from nova_pci_alias.sources.database import queries
from nova_pci_alias.sources.database import validation

PROG = 'nova-pci-alias-manage'


def _placement(conf):
    return opts.pci_in_placement(conf)


def _dump(value):
    return jsonutils.dumps(value, indent=2, sort_keys=True)


def do_db_sync(conf, out):
    revision = queries.sync_schema()
    out.write('The PCI alias database %s is at schema revision %s.\n' % (
        queries.database_location(), revision))


def do_db_version(conf, out):
    out.write('%s\n' % (queries.schema_revision() or 'None'))


def do_alias_create(conf, out):
    stored = queries.create_entry(conf.category.entry,
                                  actor=history.local_actor(),
                                  pci_in_placement=_placement(conf))
    out.write(jsonutils.dumps(stored, sort_keys=True) + '\n')


def do_alias_delete(conf, out):
    # Stored names are stripped, as flavors' references to them are.
    name = conf.category.alias_name.strip()
    count = queries.delete_alias(name, actor=history.local_actor(),
                                 pci_in_placement=_placement(conf))
    out.write('Deleted %d entries of alias %r.\n' % (count, name))


def do_alias_list(conf, out):
    entries = queries.get_entries()
    table = validation.validated_table(
        entries, 'the PCI alias database %s' % queries.database_location(),
        pci_in_placement=_placement(conf))
    for name, (numa_policy, specs) in table.items():
        out.write('%s\t%s\t%s\n' % (
            name, numa_policy,
            jsonutils.dumps([dict(s) for s in specs], sort_keys=True)))


def do_alias_show(conf, out):
    name = conf.category.alias_name.strip()
    records = queries.get_entry_records(name)
    if not records:
        raise exception.PciRequestAliasNotDefined(alias=name)
    out.write(_dump({'name': name, 'entries': records}) + '\n')


def _read_file(path):
    try:
        if path == '-':
            return sys.stdin.buffer.read()
        with open(path, 'rb') as f:
            return f.read()
    except OSError as exc:
        raise common.UsageError('cannot read %s: %s'
                                % (path, exc.strerror))


def _entries_from_nova_conf(path):
    """The ``[pci] alias`` entries of a nova.conf, read on their own."""
    if not os.path.isfile(path):
        raise common.UsageError('cannot read %s: no such file' % path)
    nova_conf = cfg.ConfigOpts()
    source = config_source.ConfigSource(nova_conf)
    nova_conf([], project='nova', default_config_files=[path],
              default_config_dirs=[])
    return source.entries()


def do_alias_import(conf, out):
    command = conf.category
    if (command.file is None) == (command.from_config is None):
        raise common.UsageError('alias import needs exactly one of FILE '
                                'and --from-config NOVA_CONF')
    if command.from_config is not None:
        origin = '[pci] alias of %s' % command.from_config
        entries = _entries_from_nova_conf(command.from_config)
    else:
        origin = ('standard input' if command.file == '-'
                  else command.file)
        entries = document.decode_document(_read_file(command.file), origin)
    entries = list(entries)
    if not entries and not command.allow_empty:
        raise exception.EmptyAliasImport(origin=origin)
    count, revision = queries.import_entries(
        entries, origin, replace=command.replace,
        actor=history.local_actor(), pci_in_placement=_placement(conf))
    out.write('Imported %d entries from %s; the alias database is at '
              'revision %d.\n' % (count, origin, revision))


def _subject(change):
    """What a change was about: its alias, or the revision it restored."""
    if change['restored_revision'] is not None:
        return 'revision %d' % change['restored_revision']
    return change['alias'] if change['alias'] is not None else '-'


def _who(change):
    """Who made a change: Keystone user and project, or OS user and host."""
    if change['user_id'] or change['project_id']:
        return '%s/%s' % (change['user_id'] or '-',
                          change['project_id'] or '-')
    if change['os_user'] or change['host']:
        return '%s@%s' % (change['os_user'] or '-', change['host'] or '-')
    return '-'


def _changed_aliases(before, after):
    """The entries before and after of each alias that a change changed."""
    def by_name(entries):
        aliases = {}
        for entry in entries:
            aliases.setdefault(entry['name'], []).append(entry)
        return aliases

    old, new = by_name(before), by_name(after)
    names = list(old) + [name for name in new if name not in old]
    return {name: {'before': old.get(name, []), 'after': new.get(name, [])}
            for name in names if old.get(name) != new.get(name)}


def _show_change(conf, out, revision):
    change = queries.get_change(revision)
    change['created_at'] = history.isotime(change['created_at'])
    if not conf.category.full:
        change['aliases'] = _changed_aliases(change.pop('before'),
                                             change.pop('after'))
    out.write(_dump(change) + '\n')


def _prune(out, keep):
    deleted, oldest = queries.prune_history(keep)
    if oldest is None:
        out.write('The history holds no change.\n')
        return
    out.write('Deleted %d changes; the oldest change kept is revision %d, '
              'so revisions %d and later can still be restored.\n' % (
                  deleted, oldest, oldest - 1))


def do_alias_history(conf, out):
    command = conf.category
    if command.prune is not None:
        if command.revision is not None or command.full or command.limit:
            raise common.UsageError('alias history --prune takes no '
                                    'REVISION, --full or --limit')
        _prune(out, command.prune)
        return
    if command.revision is not None:
        _show_change(conf, out, command.revision)
        return
    if command.full:
        raise common.UsageError('alias history --full needs a REVISION')
    for change in queries.get_history(limit=command.limit):
        out.write('%d\t%s\t%s\t%s\t%s\n' % (
            change['revision'], history.isotime(change['created_at']),
            change['operation'], _subject(change), _who(change)))


def do_alias_restore(conf, out):
    command = conf.category
    if not queries.get_table_at(command.revision) and not command.allow_empty:
        raise common.CommandError(
            'the alias table of revision %d is empty: restoring it would '
            'leave the PCI alias database empty; pass --allow-empty if '
            'that is what you want' % command.revision,
            code=common.EXIT_EMPTY)
    result = queries.restore_revision(command.revision,
                                      actor=history.local_actor(),
                                      pci_in_placement=_placement(conf))
    out.write('Restored the alias table of revision %d (%d entries); the '
              'alias database is at revision %d.\n' % (
                  command.revision, len(result['entries']),
                  result['revision']))


#: The default of ``status --behind-after``, in refresh intervals.
BEHIND_AFTER_INTERVALS = fleet_view.BEHIND_AFTER_INTERVALS

_STATUS_COLUMNS = ('HOST', 'SERVICE', 'PID', 'REVISION', 'LOADED AT',
                   'CHECKED AT', 'REPORTED AT', 'STATE', 'LAST ERROR')


def _maybe_time(moment):
    return '-' if moment is None else history.isotime(moment)


def _state(judged):
    if not judged.behind:
        words = ['current']
    elif judged.behind_since is None:
        words = ['behind (since unknown)']
    else:
        words = ['behind since %s' % history.isotime(judged.behind_since)]
    if judged.silent:
        words.append('not heard from')
    return ', '.join(words)


def do_status(conf, out):
    view = fleet_view.read(conf, behind_after=conf.category.behind_after)
    judged, current, behind_after = view
    out.write('\t'.join(_STATUS_COLUMNS) + '\n')
    for one in judged:
        row = one.consumer
        out.write('\t'.join((
            row['host'], row['service'], str(row['pid']),
            '-' if row['revision'] is None else str(row['revision']),
            _maybe_time(row['loaded_at']), _maybe_time(row['checked_at']),
            history.isotime(row['reported_at']), _state(one),
            row['last_error'] or '-')) + '\n')
    overdue = sum(one.overdue for one in judged)
    counts = (len(judged), current, sum(one.behind for one in judged),
              overdue, behind_after, sum(one.silent for one in judged))
    out.write('%d %s; the alias database is at revision %d; %d '
              'behind, %d of them for longer than %d seconds; %d not heard '
              'from.\n' % ((counts[0], 'process' if counts[0] == 1
                            else 'processes') + counts[1:]))
    return common.EXIT_BEHIND if overdue else None


def _write_bytes(out, body):
    """Write bytes as they are to a text stream's buffer, if it has one."""
    buffer = getattr(out, 'buffer', None)
    if buffer is None:
        out.write(body.decode('utf-8'))
    else:
        out.flush()
        buffer.write(body)
        buffer.flush()


def do_alias_export(conf, out):
    entries = queries.get_entries()
    if conf.category.format == 'nova-conf':
        body = document.nova_conf_lines(entries)
    else:
        body = document.encode_document(entries, pretty=True)
    path = conf.category.file
    if path is None or path == '-':
        _write_bytes(out, body)
        return
    try:
        with open(path, 'wb') as f:
            f.write(body)
    except OSError as exc:
        raise common.UsageError('cannot write %s: %s'
                                % (path, exc.strerror))


_revision = common.counting(0, 'a revision')
_seconds = common.counting(0, 'a number of seconds')
_positive = common.counting(1, 'a number of changes')


def _add_parsers(subparsers):
    db = subparsers.add_parser('db', help='The database schema.')
    db_actions = db.add_subparsers(dest='action', metavar='ACTION')
    db_actions.required = True
    parser = db_actions.add_parser(
        'sync', help='Create the schema, or upgrade it to this release\'s.')
    parser.set_defaults(func=do_db_sync)
    parser = db_actions.add_parser(
        'version', help='Print the schema revision ("None" before sync).')
    parser.set_defaults(func=do_db_version)

    aliases = subparsers.add_parser('alias', help='The alias entries.')
    alias_actions = aliases.add_subparsers(dest='action', metavar='ACTION')
    alias_actions.required = True
    parser = alias_actions.add_parser(
        'create', help='Add one alias entry, given as a JSON object.')
    parser.add_argument('entry', metavar='JSON',
                        help='The entry, a JSON object with the keys %s, '
                             'e.g. \'{"name": "gpu", "vendor_id": "10de", '
                             '"product_id": "1db6"}\'.'
                             % ', '.join(alias.ENTRY_FIELDS))
    parser.set_defaults(func=do_alias_create)

    parser = alias_actions.add_parser(
        'delete', help='Delete every entry of an alias.')
    parser.add_argument('alias_name', metavar='NAME', help='The alias name.')
    parser.set_defaults(func=do_alias_delete)

    parser = alias_actions.add_parser(
        'list', help='List every alias: name, NUMA policy and specs.')
    parser.set_defaults(func=do_alias_list)

    parser = alias_actions.add_parser(
        'show', help='Show the entries of one alias, with their timestamps.')
    parser.add_argument('alias_name', metavar='NAME', help='The alias name.')
    parser.set_defaults(func=do_alias_show)

    parser = alias_actions.add_parser(
        'import',
        help='Store a whole alias document (or a nova.conf\'s [pci] alias), '
             'all or nothing.')
    parser.add_argument('file', metavar='FILE', nargs='?',
                        help='An alias document; "-" reads standard input.')
    parser.add_argument('--from-config', dest='from_config',
                        metavar='NOVA_CONF',
                        help='Import the [pci] alias entries (or the '
                             'deprecated [DEFAULT] pci_alias) of this '
                             'nova.conf instead of a document.')
    parser.add_argument('--replace', action='store_true',
                        help='Replace every stored entry. Without it, an '
                             'import into a table that holds entries is '
                             'refused.')
    parser.add_argument('--allow-empty', dest='allow_empty',
                        action='store_true',
                        help='Import even when the document (or nova.conf) '
                             'holds no entry, which with --replace empties '
                             'the alias database. Without it, such an '
                             'import is refused with exit code 7.')
    parser.set_defaults(func=do_alias_import)

    parser = alias_actions.add_parser(
        'export', help='Write every entry as an alias document, or as the '
                       '[pci] alias lines of a nova.conf.')
    parser.add_argument('file', metavar='FILE', nargs='?',
                        help='Where to write it; standard output by '
                             'default.')
    parser.add_argument('--format', dest='format',
                        choices=('document', 'nova-conf'),
                        default='document',
                        help='"document" (the default) writes a versioned '
                             'alias document, which "alias import" reads; '
                             '"nova-conf" writes a [pci] section with one '
                             'alias line per entry, for going back to '
                             'aliases in nova.conf.')
    parser.set_defaults(func=do_alias_export)

    parser = alias_actions.add_parser(
        'history',
        help='List the recorded changes, newest first, one line each: '
             'revision, time (UTC), operation, alias (or the revision '
             'restored), and who (user/project, or OS user@host); or show '
             'one change as JSON.')
    parser.add_argument('revision', metavar='REVISION', nargs='?',
                        type=_revision,
                        help='Show this change: who, when, and the entries '
                             'before and after of each alias it changed.')
    parser.add_argument('--limit', type=_positive, metavar='N',
                        help='List the N newest changes only.')
    parser.add_argument('--full', action='store_true',
                        help='With REVISION: show the whole table before '
                             'and after the change instead.')
    parser.add_argument('--prune', type=_positive, metavar='KEEP',
                        help='Delete the recorded changes but the KEEP '
                             'newest (the entries are left as they are). '
                             'The revisions older than the oldest change '
                             'kept, but the one just before it, can no '
                             'longer be restored.')
    parser.set_defaults(func=do_alias_history)

    parser = alias_actions.add_parser(
        'restore',
        help='Make the alias table what it was at a revision of the '
             'history, as a new change (validated and recorded like any '
             'write).')
    parser.add_argument('revision', metavar='REVISION', type=_revision,
                        help='The revision whose table to bring back.')
    parser.add_argument('--allow-empty', dest='allow_empty',
                        action='store_true',
                        help='Restore even a table without entries, which '
                             'empties the alias database. Without it, such '
                             'a restore is refused with exit code 7.')
    parser.set_defaults(func=do_alias_restore)

    parser = subparsers.add_parser(
        'status',
        help='List the processes that read the alias database, one line '
             'each (tab-separated, after a header): host, program, process '
             'id, the revision of the table it holds, when it loaded it, '
             'when it last checked the database, when it last reported, '
             'whether it is behind the current revision (since the first '
             'change after the one it holds) or not heard from, and its '
             'last error. Exit code 8 when one has been behind for longer '
             'than --behind-after.')
    parser.add_argument('--behind-after', dest='behind_after',
                        type=_seconds, metavar='SECONDS',
                        help='Seconds a process may hold an older table '
                             'than the current one before the command '
                             'fails; default %d times [pci_alias] '
                             'refresh_interval.' % BEHIND_AFTER_INTERVALS)
    parser.set_defaults(func=do_status)


category_opt = cfg.SubCommandOpt('category', title='Commands',
                                 handler=_add_parsers,
                                 help='What to manage.')


def _register(conf):
    conf.register_cli_opt(category_opt)
    opts.register_opts(conf)
    opts.register_nova_opts(conf)


def _run(conf, out, err):
    if not conf.debug:
        # alembic says which dialect it uses and which migrations it runs:
        # the one-line result of each command says all a user needs.
        py_logging.getLogger('alembic').setLevel(py_logging.WARNING)
    queries.configure(conf)
    return conf.category.func(conf, out)


COMMAND = common.Command(
    prog=PROG,
    description='Set up the PCI alias database of [pci_alias_database] '
                'connection and edit its alias entries: create or upgrade '
                'the schema, create, delete, list and show entries, '
                'import or export the whole table as an alias document or '
                'as the [pci] alias lines of a nova.conf, and read the '
                'history of changes or restore a table from it. Every write '
                'validates the whole resulting table first, and changes '
                'nothing if it is invalid; it is recorded in the history '
                'with the OS user and host. "status" lists the processes '
                'reading the database and the table each holds.',
    exit_codes=common.TABLE_EXIT_CODES + (common.EXIT_BEHIND,),
    register=_register,
    action=_run)


#: The console script: ``main(argv=None, conf=None, out=None, err=None)``
#: returns the exit code (see :func:`common.run`).
main = COMMAND.main


if __name__ == '__main__':
    sys.exit(main())
