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

GPU_B = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db7'}
GPU_C = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '2236'}


class HistoryTestCase(base.CommandTestCase):
    """The import of GPU and NIC, then two changes that each replace gpu.

    ``self.first`` and ``self.second`` are the revisions of the two.
    """

    def setUp(self):
        super().setUp()
        self.first = self.api.replace('gpu', [GPU_B])['revision']
        self.second = self.api.replace('gpu', [GPU_C])['revision']


class TestHistory(HistoryTestCase):

    def test_lists_the_changes_newest_first(self):
        listed = self.json_of('pci', 'alias', 'history')
        self.assertEqual([self.second, self.first, self.start],
                         [change['revision'] for change in listed])

    def test_list_has_the_short_fields(self):
        listed = self.json_of('pci', 'alias', 'history')
        self.assertEqual(
            ['revision', 'created_at', 'operation', 'alias', 'user_id',
             'project_id'], list(listed[0]))

    def test_list_tells_what_changed(self):
        listed = self.json_of('pci', 'alias', 'history')
        self.assertEqual(
            [('put', 'gpu'), ('put', 'gpu'), ('import', None)],
            [(change['operation'], change['alias']) for change in listed])

    def test_times_are_iso_8601_utc(self):
        listed = self.json_of('pci', 'alias', 'history')
        self.assertRegex(listed[0]['created_at'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')

    def test_long_adds_the_request_id_and_the_manage_tools_fields(self):
        listed = self.json_of('pci', 'alias', 'history', '--long')
        self.assertEqual(
            ['revision', 'created_at', 'operation', 'alias',
             'restored_revision', 'user_id', 'project_id', 'request_id',
             'os_user', 'host'], list(listed[0]))

    def test_limit_and_marker_go_to_the_query(self):
        self.openstack('pci', 'alias', 'history', '--limit', '1',
                       '--marker', str(self.second))
        self.assertEqual('/v1/history?limit=1&marker=%d' % self.second,
                         self.api.requests[-1][1])

    def test_marker_pages_to_older_changes(self):
        listed = self.json_of('pci', 'alias', 'history', '--marker',
                              str(self.second), '--limit', '1')
        self.assertEqual([self.first],
                         [change['revision'] for change in listed])

    def test_revision_zero_is_refused_saying_what_is_wanted(self):
        result = self.openstack('pci', 'alias', 'history', '0')
        self.assertEqual((2, True), (
            result.returncode, "a revision must be an integer of at least "
            "1, not '0'" in result.stderr))

    def test_revision_shows_the_tables_before_and_after(self):
        shown = self.json_of('pci', 'alias', 'history', str(self.first))
        self.assertEqual(([GPU, NIC], [GPU_B, NIC]),
                         (shown['before'], shown['after']))

    def test_revision_shows_every_field_of_the_change(self):
        shown = self.json_of('pci', 'alias', 'history', str(self.first))
        self.assertEqual(
            ['revision', 'created_at', 'operation', 'alias',
             'restored_revision', 'user_id', 'project_id', 'request_id',
             'os_user', 'host', 'before', 'after'], list(shown))

    def test_revision_value_prints_one_field_per_line(self):
        result = self.openstack('pci', 'alias', 'history', str(self.first),
                                '-c', 'revision', '-c', 'operation',
                                '-f', 'value')
        self.assertEqual('%d\nput\n' % self.first, result.stdout)

    def test_revision_in_csv_fails_saying_which_formats_show_one(self):
        result = self.openstack('pci', 'alias', 'history', str(self.first),
                                '-f', 'csv')
        self.assertEqual(
            (1, 'The csv format lists; one change is shown in the table, '
                'json, value or yaml format\n'),
            (result.returncode, result.stderr))

    def test_revision_with_limit_fails_sending_nothing(self):
        result = self.openstack('pci', 'alias', 'history', str(self.first),
                                '--limit', '1')
        self.assertEqual((1, []), (result.returncode, self.api.requests))

    def test_unknown_revision_fails_naming_it(self):
        result = self.openstack('pci', 'alias', 'history', '99')
        self.assertEqual(
            (1, 'The PCI alias service answered 404 Not Found: no PCI alias '
                'table revision 99 is recorded in the history (no change '
                'committed that revision)\n'),
            (result.returncode, base.without_request_id(result.stderr)))

    def test_revision_zero_is_a_usage_error(self):
        result = self.openstack('pci', 'alias', 'history', '0')
        self.assertEqual(2, result.returncode)


class TestRestore(HistoryTestCase):

    def test_prints_the_new_revision(self):
        shown = self.json_of('pci', 'alias', 'restore', str(self.first))
        self.assertEqual(
            {'revision': self.second + 1, 'restored_revision': self.first,
             'etag': self.api.etag()}, shown)

    def test_brings_back_the_table_of_the_revision(self):
        self.openstack('pci', 'alias', 'restore', str(self.first))
        self.assertEqual([GPU_B, NIC], self.api.entries)

    def test_is_a_change_of_its_own_in_the_history(self):
        self.openstack('pci', 'alias', 'restore', str(self.first))
        listed = self.json_of('pci', 'alias', 'history', '--long',
                              '--limit', '1')
        self.assertEqual(
            [('restore', self.first)],
            [(c['operation'], c['restored_revision']) for c in listed])

    def test_posts_to_the_restore_resource(self):
        self.openstack('pci', 'alias', 'restore', str(self.first))
        self.assertEqual(('POST', '/v1/history/%d/restore' % self.first),
                         self.api.requests[-1][:2])

    def test_stale_if_match_changes_nothing(self):
        result = self.openstack('pci', 'alias', 'restore', str(self.first),
                                '--if-match', 'abc')
        self.assertEqual((1, self.second),
                         (result.returncode, self.api.revision))
