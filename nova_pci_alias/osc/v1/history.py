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


"""``openstack pci alias history [REVISION]`` and ``restore REVISION``.

``history`` lists the recorded changes of the alias table, newest first;
``history REVISION`` shows one change, with the whole table before and
after it.  It is one command, as ``nova-pci-alias-manage alias history
[REVISION]`` is: a :class:`~osc_lib.command.command.Lister` that, given a
revision, emits one record the way a ``ShowOne`` does (the table, JSON,
value and YAML formatters of cliff format both; CSV formats lists only).

``restore REVISION`` makes the table what it was at that revision, as a new
change of its own, and prints the new revision.
"""

from osc_lib.cli import format_columns
from osc_lib.command import command
from osc_lib import exceptions

from nova_pci_alias.cmd import common
from nova_pci_alias.osc.v1 import aliases

#: The fields of a change, as the service gives them, in display order.
CHANGE_FIELDS = ('revision', 'created_at', 'operation', 'alias',
                 'restored_revision', 'user_id', 'project_id', 'request_id',
                 'os_user', 'host')
#: The columns of the list without ``--long``.
SHORT_FIELDS = ('revision', 'created_at', 'operation', 'alias', 'user_id',
                'project_id')
#: The whole tables of one change.
TABLE_FIELDS = ('before', 'after')


_revision = common.counting(1, 'a revision')
_count = common.counting(1, 'a number of changes')


class History(command.Lister):
    """List the changes of the PCI alias table, or show one change."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'revision', metavar='<revision>', nargs='?', type=_revision,
            help='Show this change, with the whole table before and after '
                 'it, instead of the list')
        parser.add_argument(
            '--limit', metavar='<limit>', type=_count,
            help='List at most <limit> changes')
        parser.add_argument(
            '--marker', metavar='<revision>', type=_revision,
            help='List only the changes older than <revision> (the last '
                 'revision of the previous page)')
        parser.add_argument(
            '--long', action='store_true', default=False,
            help='List every field of the changes: also the restored '
                 'revision, the request id, and the OS user and host of '
                 'nova-pci-alias-manage')
        return parser

    def take_action(self, parsed_args):
        pci_alias = self.app.client_manager.pci_alias
        if parsed_args.revision is None:
            changes = pci_alias.get_history(
                limit=parsed_args.limit,
                marker=parsed_args.marker).body['history']
            fields = CHANGE_FIELDS if parsed_args.long else SHORT_FIELDS
            return fields, [tuple(change.get(field) for field in fields)
                            for change in changes]
        if parsed_args.limit is not None or parsed_args.marker is not None:
            raise exceptions.CommandError(
                '--limit and --marker page the list of changes; they do not '
                'go with a <revision>')
        change = pci_alias.get_change(parsed_args.revision).body
        values = tuple(change.get(field) for field in CHANGE_FIELDS)
        tables = tuple(format_columns.ListDictColumn(change.get(field))
                       for field in TABLE_FIELDS)
        return CHANGE_FIELDS + TABLE_FIELDS, values + tables

    def produce_output(self, parsed_args, column_names, data):
        if parsed_args.revision is None:
            return super().produce_output(parsed_args, column_names, data)
        if not hasattr(self.formatter, 'emit_one'):
            raise exceptions.CommandError(
                'The %s format lists; one change is shown in the table, '
                'json, value or yaml format' % parsed_args.formatter)
        return command.ShowOne.produce_output(
            self, parsed_args, column_names, data)


class Restore(command.ShowOne):
    """Make the PCI alias table what it was at a revision of its history.

    The restore is a change of its own, with a new revision: the history
    keeps what it replaced.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'revision', metavar='<revision>', type=_revision,
            help='The revision whose table to restore (see "openstack pci '
                 'alias history")')
        aliases.add_if_match(parser)
        return parser

    def take_action(self, parsed_args):
        reply = self.app.client_manager.pci_alias.restore(
            parsed_args.revision, if_match=parsed_args.if_match)
        return (('revision', 'restored_revision', 'etag'),
                (reply.body.get('revision'), parsed_args.revision,
                 reply.etag))
