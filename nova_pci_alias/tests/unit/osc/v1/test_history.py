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


"""Tests of ``openstack pci alias history`` and ``restore``."""

from nova_pci_alias.tests.unit.osc import base
from nova_pci_alias.tests.unit.osc.base import GPU
from nova_pci_alias.tests.unit.osc.base import NIC

GPU_B = {'vendor_id': '10de', 'product_id': '1db7'}


class HistoryTestCase(base.CommandTestCase):
    """The table starts at revision 1; revisions 2 and 3 each replace gpu."""

    def setUp(self):
        super().setUp()
        self.app.replace('gpu', [GPU_B])
        self.app.replace('gpu', [{'vendor_id': '10de',
                                  'product_id': '2236'}])


class TestHistory(HistoryTestCase):

    def test_lists_the_changes_newest_first(self):
        listed = self.json_of('pci', 'alias', 'history')
        self.assertEqual([3, 2], [change['revision'] for change in listed])

    def test_list_has_the_short_fields(self):
        listed = self.json_of('pci', 'alias', 'history')
        self.assertEqual(
            {'revision': 3, 'created_at': '2026-12-01T14:03:00Z',
             'operation': 'put', 'alias': 'gpu', 'user_id': 'noauth',
             'project_id': 'noauth'}, listed[0])

    def test_long_adds_the_request_id_and_the_manage_tools_fields(self):
        listed = self.json_of('pci', 'alias', 'history', '--long')
        self.assertEqual(
            ['revision', 'created_at', 'operation', 'alias',
             'restored_revision', 'user_id', 'project_id', 'request_id',
             'os_user', 'host'], list(listed[0]))

    def test_limit_and_marker_go_to_the_query(self):
        self.openstack('pci', 'alias', 'history', '--limit', '1',
                       '--marker', '3')
        self.assertEqual('/v1/history?limit=1&marker=3',
                         self.app.requests[-1][1])

    def test_marker_pages_to_older_changes(self):
        listed = self.json_of('pci', 'alias', 'history', '--marker', '3')
        self.assertEqual([2], [change['revision'] for change in listed])

    def test_revision_shows_the_tables_before_and_after(self):
        shown = self.json_of('pci', 'alias', 'history', '2')
        self.assertEqual(
            ([GPU, NIC], [dict(GPU_B, name='gpu'), NIC]),
            (shown['before'], shown['after']))

    def test_revision_shows_every_field_of_the_change(self):
        shown = self.json_of('pci', 'alias', 'history', '2')
        self.assertEqual(
            ['revision', 'created_at', 'operation', 'alias',
             'restored_revision', 'user_id', 'project_id', 'request_id',
             'os_user', 'host', 'before', 'after'], list(shown))

    def test_revision_value_prints_one_field_per_line(self):
        result = self.openstack('pci', 'alias', 'history', '2',
                                '-c', 'revision', '-c', 'operation',
                                '-f', 'value')
        self.assertEqual('2\nput\n', result.stdout)

    def test_revision_in_csv_fails_saying_which_formats_show_one(self):
        result = self.openstack('pci', 'alias', 'history', '2', '-f', 'csv')
        self.assertEqual(
            (1, 'The csv format lists; one change is shown in the table, '
                'json, value or yaml format\n'),
            (result.returncode, result.stderr))

    def test_revision_with_limit_fails_sending_nothing(self):
        result = self.openstack('pci', 'alias', 'history', '2',
                                '--limit', '1')
        self.assertEqual((1, []), (result.returncode, self.app.requests))

    def test_unknown_revision_fails_naming_it(self):
        result = self.openstack('pci', 'alias', 'history', '9')
        self.assertEqual(
            (1, 'The PCI alias service answered 404 Not Found: no PCI alias '
                'table revision 9 is recorded in the history (request %s)\n'
                % base.contract.REQUEST_ID),
            (result.returncode, result.stderr))

    def test_revision_zero_is_a_usage_error(self):
        result = self.openstack('pci', 'alias', 'history', '0')
        self.assertEqual(2, result.returncode)


class TestRestore(HistoryTestCase):

    def test_prints_the_new_revision(self):
        shown = self.json_of('pci', 'alias', 'restore', '2')
        self.assertEqual(
            {'revision': 4, 'restored_revision': 2,
             'etag': self.app.etag().strip('"')}, shown)

    def test_brings_back_the_table_of_the_revision(self):
        self.openstack('pci', 'alias', 'restore', '2')
        self.assertEqual([dict(GPU_B, name='gpu'), NIC], self.app.entries)

    def test_posts_to_the_restore_resource(self):
        self.openstack('pci', 'alias', 'restore', '2')
        self.assertEqual(('POST', '/v1/history/2/restore'),
                         self.app.requests[-1][:2])

    def test_stale_if_match_changes_nothing(self):
        result = self.openstack('pci', 'alias', 'restore', '2',
                                '--if-match', 'abc')
        self.assertEqual((1, 3), (result.returncode, self.app.revision))
