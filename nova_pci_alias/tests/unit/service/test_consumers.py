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

"""``GET /v1/consumers``: the fleet view, as ``nova-pci-alias-manage
status`` judges it."""

import os
import socket

from nova_pci_alias import client_report
from nova_pci_alias.tests.unit.service import base
from nova_pci_alias.tests.unit.service import test_clients

ISO_UTC = r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'


class TestList(test_clients.ClientsTestCase):

    def view(self, query=''):
        return self.send(path='/v1/consumers' + query, token=self.admin)

    def own_row(self):
        """The row of the service itself: it reads the database."""
        key = (socket.gethostname(), client_report.service_name(),
               os.getpid())
        rows = [r for r in self.view().json['consumers']
                if (r['host'], r['service'], r['pid']) == key]
        return rows[0] if rows else None

    def behind_client(self):
        """A remote client that holds the table before a change."""
        etag = self.etag()
        self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        self.report(etag=etag)
        self.row()

    def test_lists_the_service_reading_the_database(self):
        self.assertIsNotNone(self.own_row())

    def test_row_has_the_fields_of_the_status_command(self):
        self.assertEqual(
            {'host', 'service', 'pid', 'revision', 'loaded_at', 'checked_at',
             'reported_at', 'last_error', 'behind', 'behind_since',
             'overdue', 'not_heard_from'}, set(self.own_row()))

    def test_times_are_iso_8601_utc(self):
        self.assertRegex(self.own_row()['reported_at'], ISO_UTC)

    def test_gives_the_current_revision(self):
        put = self.send('PUT', '/v1/aliases/fpga', token=self.admin, body={
            'entries': [{'vendor_id': '1172', 'product_id': '0b30'}]})
        self.assertEqual(put.json['revision'], self.view().json['revision'])

    def test_counts_the_processes_behind(self):
        self.behind_client()
        self.assertEqual(1, self.view().json['behind'])

    def test_behind_longer_than_behind_after_is_overdue(self):
        self.behind_client()
        self.assertEqual(1, self.view('?behind_after=0').json['overdue'])

    def test_behind_for_less_than_behind_after_is_not_overdue(self):
        self.behind_client()
        self.assertEqual(
            0, self.view('?behind_after=86400').json['overdue'])

    def test_behind_after_defaults_to_two_refresh_intervals(self):
        self.conf_fixture.config(group='pci_alias', refresh_interval=30)
        self.assertEqual(60, self.view().json['behind_after'])

    def test_bad_behind_after_is_bad_request(self):
        self.assertEqual(400, self.view('?behind_after=soon').status)

    def test_answer_is_not_cached(self):
        self.assertEqual('no-store', self.view().headers['Cache-Control'])


class TestWithoutDatabase(base.APITestCase):

    def test_no_fleet_view_is_not_found(self):
        response = self.send(path='/v1/consumers', token=self.admin)
        self.assertEqual('This service keeps no fleet view: its '
                         '[pci_alias] sources do not include database.',
                         response.error['detail'])
