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

"""Tests of ``openstack pci alias consumers``."""

import os
import socket
import time

from nova_pci_alias import client_report
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.osc import base
from nova_pci_alias.tests.unit.service import base as service_base

#: Seconds to wait for the service to write a client's row.
ROW_WAIT = 10


class ConsumersTestCase(base.CommandTestCase):
    """The service's own process reads the database and has its row."""

    def behind_client(self):
        """Make a remote client that holds a table the service never had."""
        service_base.send(self.api.url.rstrip('/'), headers={
            client_report.HEADER: client_report.encode(
                'compute-1', 'nova-compute', 4242, '"%s"' % ('0' * 64),
                1.8e9, 1.8e9, None)})
        deadline = time.monotonic() + ROW_WAIT
        while 'compute-1' not in [row['host'] for row in
                                  queries.get_consumers(86400)]:
            if time.monotonic() > deadline:
                raise AssertionError('The client\'s row was not written.')
            time.sleep(0.05)


class TestConsumers(ConsumersTestCase):

    def test_lists_the_process_reading_the_database(self):
        listed = self.json_of('pci', 'alias', 'consumers')
        self.assertIn((socket.gethostname(), os.getpid()),
                      [(row['host'], row['pid']) for row in listed])

    def test_list_has_the_short_fields(self):
        listed = self.json_of('pci', 'alias', 'consumers')
        self.assertEqual(
            ['host', 'service', 'pid', 'revision', 'behind', 'overdue',
             'not_heard_from', 'last_error'], list(listed[0]))

    def test_long_adds_the_times(self):
        listed = self.json_of('pci', 'alias', 'consumers', '--long')
        self.assertEqual(
            ['host', 'service', 'pid', 'revision', 'loaded_at',
             'checked_at', 'reported_at', 'behind', 'behind_since',
             'overdue', 'not_heard_from', 'last_error'], list(listed[0]))

    def test_value_format(self):
        result = self.openstack('pci', 'alias', 'consumers', '-f', 'value',
                                '-c', 'pid')
        self.assertIn(str(os.getpid()), result.stdout.split())

    def test_behind_after_goes_to_the_query(self):
        self.openstack('pci', 'alias', 'consumers', '--behind-after', '30')
        self.assertEqual('/v1/consumers?behind_after=30',
                         self.api.requests[-1][1])

    def test_negative_behind_after_is_refused(self):
        result = self.openstack('pci', 'alias', 'consumers',
                                '--behind-after', '-1')
        self.assertEqual(2, result.returncode)

    def test_negative_behind_after_error_says_what_is_wanted(self):
        result = self.openstack('pci', 'alias', 'consumers',
                                '--behind-after', '-1')
        self.assertIn("a number of seconds must be an integer of at least "
                      "0, not '-1'", result.stderr)


class TestExitStatus(ConsumersTestCase):

    def test_overdue_process_exits_8(self):
        self.behind_client()
        result = self.openstack('pci', 'alias', 'consumers',
                                '--behind-after', '0')
        self.assertEqual(8, result.returncode, result.stderr)

    def test_behind_for_less_than_behind_after_exits_0(self):
        self.behind_client()
        result = self.openstack('pci', 'alias', 'consumers',
                                '--behind-after', '86400')
        self.assertEqual(0, result.returncode, result.stderr)

    def test_without_behind_after_a_listing_exits_0(self):
        self.behind_client()
        result = self.openstack('pci', 'alias', 'consumers')
        self.assertEqual(0, result.returncode, result.stderr)
