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


"""``openstack pci alias list``, ``show``, ``set`` and ``delete``.

``list`` shows one row per alias entry, not one per alias: an alias may
have several entries (their device specs are OR-ed), and a row per entry
shows each of them whole, in the order of the table, with the entry's own
field names as columns, so ``-f json`` gives entries back in the form that
``set --entry`` takes (with ``null`` for a field the entry does not have).

``set`` creates or replaces one alias with the entries given, and shows
what the service stored, the table's new revision and its new ETag.
``--if-match ETAG`` (on ``set`` and ``delete``) makes the change
conditional: the service refuses it (412) when the table is no longer the
one of that ETag, which ``show`` and ``set`` print.
"""

import argparse

from osc_lib.cli import format_columns
from osc_lib.command import command

from nova_pci_alias import alias

#: The columns of ``list``: the fields of an alias entry, in schema order.
ENTRY_COLUMNS = alias.ENTRY_FIELDS
#: The columns ``list`` shows without ``--long``.
SHORT_COLUMNS = ('name', 'vendor_id', 'product_id', 'device_type',
                 'numa_policy')


def add_if_match(parser):
    """Add ``--if-match`` to the parser of a command that writes."""
    parser.add_argument(
        '--if-match', metavar='<etag>',
        help='Change the alias table only if its ETag is still <etag> (as '
             '"show" or "set" printed it); otherwise nothing is changed '
             'and the command fails')


def parse_entry(text):
    """Return the alias entry of one ``--entry`` value.

    The argument parser's ``type``: an error is a usage error (exit code
    2), the value quoted in the message.

    :param text: a JSON object (strict JSON, as in ``[pci] alias``).
    :raises argparse.ArgumentTypeError: not a JSON object.
    """
    try:
        entry = alias.strict_json_loads(text)
    except (ValueError, RecursionError) as exc:
        raise argparse.ArgumentTypeError(
            '%s is not JSON: %s' % (text, exc)) from None
    if not isinstance(entry, dict):
        raise argparse.ArgumentTypeError(
            '%s is not a JSON object: an alias entry is an object such as '
            '{"vendor_id": "10de", "product_id": "1db6"}' % text)
    return entry


def _alias_columns(body, etag):
    """The ``(columns, values)`` of one alias for a ShowOne command."""
    columns = ('name', 'entries', 'etag')
    values = (body.get('name'),
              format_columns.ListDictColumn(body.get('entries')), etag)
    return columns, values


class ListAliases(command.Lister):
    """List the entries of the PCI alias table, one row per entry."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--long', action='store_true', default=False,
            help='Show every field of the entries, not only the name, the '
                 'device IDs, the device type and the NUMA policy')
        return parser

    def take_action(self, parsed_args):
        reply = self.app.client_manager.pci_alias.get_entries()
        columns = ENTRY_COLUMNS if parsed_args.long else SHORT_COLUMNS
        rows = [tuple(entry.get(column) for column in columns)
                for entry in reply.body]
        return columns, rows


class ShowAlias(command.ShowOne):
    """Show the entries of one PCI alias and the ETag of the table."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Alias name')
        return parser

    def take_action(self, parsed_args):
        reply = self.app.client_manager.pci_alias.get_alias(parsed_args.name)
        return _alias_columns(reply.body, reply.etag)


class SetAlias(command.ShowOne):
    """Create a PCI alias, or replace all of its entries.

    The whole resulting table is validated by the service: nothing is
    stored unless every node could load it.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Alias name')
        parser.add_argument(
            '--entry', metavar='<json>', action='append', required=True,
            dest='entries', type=parse_entry,
            help='One entry of the alias, a JSON object with the fields of '
                 'a [pci] alias value; its "name" may be left out. Repeat '
                 'the option for an alias of several entries (their device '
                 'specs are OR-ed); the alias gets these entries only')
        add_if_match(parser)
        return parser

    def take_action(self, parsed_args):
        reply = self.app.client_manager.pci_alias.put_alias(
            parsed_args.name, parsed_args.entries,
            if_match=parsed_args.if_match)
        columns, values = _alias_columns(reply.body, reply.etag)
        return (columns + ('revision', 'created'),
                values + (reply.body.get('revision'), reply.status == 201))


class DeleteAlias(command.Command):
    """Delete a PCI alias: all of its entries."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Alias name')
        add_if_match(parser)
        return parser

    def take_action(self, parsed_args):
        self.app.client_manager.pci_alias.delete_alias(
            parsed_args.name, if_match=parsed_args.if_match)
