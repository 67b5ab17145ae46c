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

"""``/v1/history``: who changed the alias table, and bringing it back."""

from nova_pci_alias import document
from nova_pci_alias.tests.unit.service import base

FPGA_ENTRIES = [{'vendor_id': '1172', 'product_id': '0b30'}]
ISO_UTC = r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'


class HistoryTestCase(base.DatabaseAPITestCase):
    """The table holds GPU and NIC; the admin then adds FPGA."""

    def setUp(self):
        super().setUp()
        self.put_response = self.send(
            'PUT', '/v1/aliases/fpga', token=self.admin,
            body={'entries': FPGA_ENTRIES})

    def changes(self, query=''):
        return self.send(path='/v1/history' + query,
                         token=self.admin).json['history']

    def names(self):
        return [e['name'] for e in document.decode_document(
            self.send(token=self.reader).body, 'test')]


class TestList(HistoryTestCase):

    def test_newest_first(self):
        self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        self.assertEqual(['delete', 'put'],
                         [c['operation'] for c in self.changes()][:2])

    def test_change_names_the_tokens_user_and_project(self):
        change = self.changes()[0]
        self.assertEqual(('admin-user', 'admin-project'),
                         (change['user_id'], change['project_id']))

    def test_change_names_the_request(self):
        self.assertEqual(
            self.put_response.headers['X-OpenStack-Request-Id'],
            self.changes()[0]['request_id'])

    def test_change_names_the_alias_and_revision(self):
        change = self.changes()[0]
        self.assertEqual(('fpga', self.put_response.json['revision']),
                         (change['alias'], change['revision']))

    def test_time_is_iso_8601_utc(self):
        self.assertRegex(self.changes()[0]['created_at'], ISO_UTC)

    def test_summary_has_no_entries(self):
        self.assertNotIn('after', self.changes()[0])

    def test_limit(self):
        self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        self.assertEqual(1, len(self.changes('?limit=1')))

    def test_marker_gives_older_changes(self):
        self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        newest = self.changes()[0]['revision']
        self.assertEqual(
            [c['revision'] for c in self.changes()[1:]],
            [c['revision'] for c in self.changes('?marker=%d' % newest)])

    def test_bad_limit_is_bad_request(self):
        response = self.send(path='/v1/history?limit=many',
                             token=self.admin)
        self.assertEqual((400, 'nova_pci_alias.bad_request'),
                         (response.status, response.error['code']))

    def test_zero_limit_is_bad_request(self):
        self.assertEqual(400, self.send(path='/v1/history?limit=0',
                                        token=self.admin).status)

    def test_negative_marker_is_bad_request(self):
        self.assertEqual(400, self.send(path='/v1/history?marker=-1',
                                        token=self.admin).status)


class TestShow(HistoryTestCase):

    def change(self):
        revision = self.put_response.json['revision']
        return self.send(path='/v1/history/%d' % revision,
                         token=self.admin).json

    def test_before_is_the_whole_table(self):
        self.assertEqual(['gpu', 'nic'],
                         [e['name'] for e in self.change()['before']])

    def test_after_is_the_whole_table(self):
        self.assertEqual(['gpu', 'nic', 'fpga'],
                         [e['name'] for e in self.change()['after']])

    def test_unknown_revision_is_not_found(self):
        response = self.send(path='/v1/history/999999', token=self.admin)
        self.assertEqual((404, 'nova_pci_alias.not_found'),
                         (response.status, response.error['code']))

    def test_revision_must_be_a_number(self):
        self.assertEqual(404, self.send(path='/v1/history/latest',
                                        token=self.admin).status)


class TestRestore(HistoryTestCase):

    def restore(self, revision, **kwargs):
        return self.send('POST', '/v1/history/%d/restore' % revision,
                         token=self.admin, **kwargs)

    def before_fpga(self):
        return self.put_response.json['revision'] - 1

    def test_restore_brings_the_old_table_back(self):
        self.restore(self.before_fpga())
        self.assertEqual(['gpu', 'nic'], self.names())

    def test_restore_is_a_new_revision(self):
        response = self.restore(self.before_fpga())
        self.assertGreater(response.json['revision'],
                           self.put_response.json['revision'])

    def test_restore_gives_the_new_etag(self):
        etag = self.restore(self.before_fpga()).headers['ETag']
        self.assertEqual(self.etag(), etag)

    def test_restore_is_recorded(self):
        self.restore(self.before_fpga())
        self.assertEqual('restore', self.changes()[0]['operation'])

    def test_unknown_revision_is_not_found(self):
        self.assertEqual(404, self.restore(999999).status)

    def test_stale_if_match_is_precondition_failed(self):
        response = self.restore(self.before_fpga(),
                                headers={'If-Match': '"stale"'})
        self.assertEqual(412, response.status)

    def test_get_is_not_allowed(self):
        response = self.send(path='/v1/history/1/restore', token=self.admin)
        self.assertEqual((405, 'POST'),
                         (response.status, response.headers['Allow']))
