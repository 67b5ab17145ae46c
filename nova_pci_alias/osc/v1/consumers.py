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

"""``openstack pci alias consumers``: the fleet view of the alias service.

Lists what ``GET /v1/consumers`` gives: every process that reads the
alias database, and every remote client of the alias services, with the
revision of the table it holds, whether it is behind the current table,
behind for longer than the threshold ("overdue"), and not heard from.
With ``--behind-after SECONDS`` the command exits with status
:data:`EXIT_OVERDUE` (as ``nova-pci-alias-manage status`` does) when a
process has been behind for longer than that, so that a script or a
monitoring check can ask; without it, a listing exits 0.
"""

from osc_lib.command import command

from nova_pci_alias.cmd import common

#: The exit status of ``--behind-after`` when a process is overdue: that
#: of ``nova-pci-alias-manage status``.
EXIT_OVERDUE = common.EXIT_BEHIND

#: The fields of a process, as the service gives them, in display order.
CONSUMER_FIELDS = ('host', 'service', 'pid', 'revision', 'loaded_at',
                   'checked_at', 'reported_at', 'behind', 'behind_since',
                   'overdue', 'not_heard_from', 'last_error')
#: The columns without ``--long``.
SHORT_FIELDS = ('host', 'service', 'pid', 'revision', 'behind', 'overdue',
                'not_heard_from', 'last_error')


_seconds = common.counting(0, 'a number of seconds')


class ListConsumers(command.Lister):
    """List the processes that serve PCI aliases, and which are behind.

    The processes that read the alias database (Nova services, the alias
    service, the tools) and the compute nodes reading the alias service,
    as each last reported: the table revision it holds, whether it is
    behind the current one and for how long, and its last error.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--behind-after', metavar='<seconds>', type=_seconds,
            help='Count a process as overdue once it has been behind the '
                 'current table for longer than <seconds> (default: the '
                 'service\'s, twice its refresh interval), and exit with '
                 'status %d when one is' % EXIT_OVERDUE)
        parser.add_argument(
            '--long', action='store_true', default=False,
            help='List every field: also when each process loaded its '
                 'table, last checked and last reported, and since when it '
                 'is behind')
        return parser

    def take_action(self, parsed_args):
        view = self.app.client_manager.pci_alias.get_consumers(
            behind_after=parsed_args.behind_after).body
        self._overdue = view.get('overdue', 0)
        fields = CONSUMER_FIELDS if parsed_args.long else SHORT_FIELDS
        return fields, [tuple(consumer.get(field) for field in fields)
                        for consumer in view.get('consumers', ())]

    def run(self, parsed_args):
        self._overdue = 0
        result = super().run(parsed_args)
        if parsed_args.behind_after is not None and self._overdue:
            return EXIT_OVERDUE
        return result
