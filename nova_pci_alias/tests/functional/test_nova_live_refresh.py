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

"""Alias changes reach Nova's running services, with live refresh on.

Nova's API, conductor, scheduler and a libvirt compute on a fake libvirt
run in this process (``nova.tests.functional.libvirt.base``), in Nova's
native threading mode, with the aliases only in our SQLite database.  The
operator changes them with ``nova-pci-alias-manage``, as a separate
process; no service restarts.  The refresh interval is one second, and a
test waits for Nova to follow for a few intervals at most.
"""

import json
import os
import sqlite3
import subprocess
import time

from nova.pci import request as nova_request
from nova.tests.fixtures import libvirt as fakelibvirt

from nova_pci_alias import live_refresh
from nova_pci_alias.tests.functional import nova_config
from nova_pci_alias.tests.functional import test_nova_services

#: The refresh interval of the tests, in seconds.
INTERVAL = 1

#: How long a test waits for Nova to follow a change, at most.
DEADLINE = 5 * INTERVAL + 5

#: The fake host's PCI devices, under another name.
OTHER = dict(test_nova_services.NIC, name='other')


class LiveRefreshTestCase(test_nova_services.NovaServicesTestCase):

    LIVE_REFRESH = True

    def setUp(self):
        # Before Nova's services start: stop this test's live refresh last.
        self.addCleanup(self.stop_live_refreshes)
        super().setUp()
        self.start_compute(pci_info=fakelibvirt.HostPCIDevicesInfo(
            num_pci=2))
        self.other_flavor_id = self._create_flavor(
            extra_spec={'pci_passthrough:alias': 'other:1'})

    def open_alias_driver(self):
        if not getattr(self, 'live_lines_written', False):
            self.live_lines_written = True
            self.write_live_lines()
        super().open_alias_driver()

    def write_live_lines(self):
        with open(self.conf_file, 'a') as f:
            f.write('\n[pci_alias_driver]\nlive_refresh = %s\n'
                    '[pci_alias]\nrefresh_interval = %d\n'
                    % (self.LIVE_REFRESH, INTERVAL))

    @staticmethod
    def stop_live_refreshes():
        for refresh in live_refresh.active():
            refresh.stop()

    def manage_output(self, *args):
        result = subprocess.run(
            [nova_config.MANAGE, '--config-file', self.conf_file] + list(args),
            capture_output=True, text=True, timeout=60)
        return result.stdout

    def replace_nic_with_other(self):
        """Add ``other`` and remove ``nic``, with our tool."""
        self.manage('alias', 'create', json.dumps(OTHER))
        self.manage('alias', 'delete', 'nic')

    def nova_alias_names(self):
        return sorted(nova_request.get_alias_from_config())

    def wait_for_nova(self, names, deadline=DEADLINE):
        """Wait until Nova's aliases are ``names``; return Nova's names."""
        until = time.monotonic() + deadline
        while time.monotonic() < until:
            if self.nova_alias_names() == names:
                break
            time.sleep(0.1)
        return self.nova_alias_names()

    def boot(self, flavor_id):
        server = self._create_server(flavor_id=flavor_id, networks='none')
        return server['status']

    def post(self, flavor_id):
        """Ask Nova's API for a server; return its status and message."""
        self.flavor_id = flavor_id
        return self.post_server_status()


class TestLiveRefresh(LiveRefreshTestCase):

    def test_server_boots_with_alias_added_while_running(self):
        self.assertEqual('ACTIVE', self.boot(self.flavor_id))
        self.replace_nic_with_other()
        self.wait_for_nova(['other'])
        self.assertEqual('ACTIVE', self.boot(self.other_flavor_id))

    def test_removed_alias_is_refused_while_running(self):
        self.assertEqual('ACTIVE', self.boot(self.flavor_id))
        self.replace_nic_with_other()
        self.wait_for_nova(['other'])
        self.assertEqual(
            (400, 'PCI alias nic is not defined'), self.post(self.flavor_id))

    def test_nova_follows_within_a_few_intervals(self):
        self.replace_nic_with_other()
        self.assertEqual(['other'], self.wait_for_nova(['other']))

    def test_status_lists_this_process_with_the_revision_it_holds(self):
        # Nova's API and compute run in this one process here; in a
        # deployment each service is a process with a row of its own.
        self.replace_nic_with_other()
        self.wait_for_nova(['other'])
        rows = [line.split('\t') for line in
                self.manage_output('status').splitlines()[1:-1]]
        self.assertEqual(
            [(str(self.current_revision()), 'current')],
            [(row[3], row[7]) for row in rows if row[2] == str(os.getpid())])

    def current_revision(self):
        with sqlite3.connect(self.database) as connection:
            (revision,), = connection.execute(
                'SELECT revision FROM pci_alias_revision')
        return revision


class TestInvalidChange(LiveRefreshTestCase):

    def break_table_and_count_it(self):
        """A hand-written invalid row, counted as a write."""
        self.break_table()
        with sqlite3.connect(self.database) as connection:
            connection.execute(
                'UPDATE pci_alias_revision SET revision = revision + 1')

    def wait_for_failed_checks(self, count=3):
        until = time.monotonic() + DEADLINE
        while (self.stdlog.logger.output.count('Refreshing the PCI alias')
               == 0 and time.monotonic() < until):
            time.sleep(0.1)
        time.sleep(count * INTERVAL)

    def test_services_keep_the_previous_table(self):
        self.break_table_and_count_it()
        self.wait_for_failed_checks()
        self.assertEqual('ACTIVE', self.boot(self.flavor_id))

    def test_failure_is_logged_once(self):
        self.break_table_and_count_it()
        self.wait_for_failed_checks()
        self.assertEqual(1, self.stdlog.logger.output.count(
            'Refreshing the PCI alias table failed; still serving the last '
            'good table of 1 aliases'))


class TestLiveRefreshOff(LiveRefreshTestCase):

    LIVE_REFRESH = False

    def test_nova_keeps_its_table_until_a_restart(self):
        self.replace_nic_with_other()
        time.sleep(3 * INTERVAL)
        self.assertEqual(
            (400, 'PCI alias other is not defined'),
            self.post(self.other_flavor_id))

    def test_restart_reads_the_new_table(self):
        self.replace_nic_with_other()
        self.open_alias_driver()    # what a restart does
        self.assertEqual(['other'], self.nova_alias_names())
