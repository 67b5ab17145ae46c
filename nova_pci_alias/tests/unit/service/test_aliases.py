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

"""``/v1/aliases/{name}``: one alias, read from the served table, written
to the alias database."""

import sqlalchemy as sa

from nova_pci_alias import document
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.service import base

GPU_ENTRIES = [{'vendor_id': '10de', 'product_id': '1db6'}]
FPGA_ENTRIES = [{'vendor_id': '1172', 'product_id': '0b30',
                 'numa_policy': 'preferred'}]


class TestShow(base.APITestCase):

    def test_entries_of_one_alias(self):
        self.assertEqual({'name': 'nic', 'entries': [base.NIC]},
                         self.send(path='/v1/aliases/nic',
                                   token=self.reader).json)

    def test_etag_is_the_served_tables(self):
        self.assertEqual(
            self.send(token=self.reader).headers['ETag'],
            self.send(path='/v1/aliases/nic',
                      token=self.reader).headers['ETag'])

    def test_unknown_alias_is_not_found(self):
        response = self.send(path='/v1/aliases/fpga', token=self.reader)
        self.assertEqual((404, 'nova_pci_alias.not_found'),
                         (response.status, response.error['code']))

    def test_name_is_matched_exactly(self):
        self.assertEqual(404, self.send(path='/v1/aliases/GPU',
                                        token=self.reader).status)

    def test_unavailable_table_is_503(self):
        self.conf.set_override('alias', ['{"name": "x"}'], group='pci')
        self.assertEqual(503, self.send(path='/v1/aliases/gpu',
                                        token=self.reader).status)

    def test_read_only_service_refuses_put(self):
        response = self.send('PUT', '/v1/aliases/gpu', token=self.admin,
                             body={'entries': GPU_ENTRIES})
        self.assertEqual((405, 'GET, HEAD', 'nova_pci_alias.read_only'),
                         (response.status, response.headers['Allow'],
                          response.error['code']))

    def test_read_only_service_refuses_delete(self):
        response = self.send('DELETE', '/v1/aliases/gpu', token=self.admin)
        self.assertEqual((405, 'GET, HEAD'),
                         (response.status, response.headers['Allow']))

    def test_collection_allows_reads_only(self):
        response = self.send('POST', token=self.admin, body={})
        self.assertEqual((405, 'GET, HEAD'),
                         (response.status, response.headers['Allow']))


class TestPut(base.DatabaseAPITestCase):

    def put(self, name, entries=None, token=None, **kwargs):
        if entries is not None:
            kwargs['body'] = {'entries': entries}
        return self.send('PUT', '/v1/aliases/' + name,
                         token=token or self.admin, **kwargs)

    def test_new_alias_is_created(self):
        self.assertEqual(201, self.put('fpga', FPGA_ENTRIES).status)

    def test_existing_alias_is_replaced(self):
        self.assertEqual(200, self.put('gpu', GPU_ENTRIES).status)

    def test_body_names_the_stored_entries_and_the_revision(self):
        body = self.put('fpga', FPGA_ENTRIES).json
        self.assertEqual(
            (['fpga'], 'fpga', True),
            ([e['name'] for e in body['entries']], body['name'],
             isinstance(body['revision'], int)))

    def test_etag_is_the_new_documents(self):
        etag = self.put('fpga', FPGA_ENTRIES).headers['ETag']
        self.assertEqual(self.etag(), etag)

    def test_next_read_serves_the_new_table(self):
        self.put('fpga', FPGA_ENTRIES)
        self.assertEqual(200, self.send(path='/v1/aliases/fpga',
                                        token=self.reader).status)

    def test_alias_keeps_its_place(self):
        self.put('gpu', [dict(GPU_ENTRIES[0], product_id='2204')])
        names = [e['name'] for e in document.decode_document(
            self.send(token=self.reader).body, 'test')]
        self.assertEqual(['gpu', 'nic'], names)

    def test_invalid_entry_is_bad_request(self):
        response = self.put('gpu', [{'vendor_id': 'nvidia',
                                     'product_id': '1db6'}])
        self.assertEqual((400, 'nova_pci_alias.invalid_alias'),
                         (response.status, response.error['code']))

    def test_invalid_entry_writes_nothing(self):
        etag = self.etag()
        self.put('gpu', [{'vendor_id': 'nvidia', 'product_id': '1db6'}])
        self.assertEqual(etag, self.etag())

    def test_table_rules_apply_to_the_whole_table(self):
        # Two specs for one alias are refused with PCI in Placement.
        self.conf_fixture.config(group='pci_alias', pci_in_placement=True)
        response = self.put('gpu', GPU_ENTRIES * 2)
        self.assertEqual(400, response.status)

    def test_name_of_another_alias_is_bad_request(self):
        response = self.put('gpu', [fakes.entry('nic')])
        self.assertEqual(400, response.status)

    def test_not_json_is_bad_request(self):
        response = self.put('gpu', body=b'{"entries": [',
                            headers={'Content-Type': 'application/json'})
        self.assertEqual((400, 'nova_pci_alias.bad_request'),
                         (response.status, response.error['code']))

    def test_deep_nesting_is_bad_request(self):
        response = self.put('gpu', body=b'[' * 100000 + b']' * 100000,
                            headers={'Content-Type': 'application/json'})
        self.assertEqual(400, response.status)

    def test_no_body_is_bad_request(self):
        response = self.put('gpu', body=b'',
                            headers={'Content-Type': 'application/json'})
        self.assertEqual(400, response.status)

    def test_other_media_type_is_unsupported(self):
        response = self.put('gpu', body=b'entries=1',
                            headers={'Content-Type': 'text/plain'})
        self.assertEqual((415, 'nova_pci_alias.unsupported_media_type'),
                         (response.status, response.error['code']))

    def test_json_with_a_charset_is_json(self):
        response = self.put(
            'gpu', body=b'{"entries": [{"vendor_id": "10de", '
                        b'"product_id": "1db6"}]}',
            headers={'Content-Type': 'application/json; charset=utf-8'})
        self.assertEqual(200, response.status)

    def test_body_over_the_limit_is_too_large(self):
        self.conf_fixture.config(group='pci_alias_api',
                                 max_request_body_size=64)
        response = self.put('gpu', GPU_ENTRIES * 4)
        self.assertEqual((413, 'nova_pci_alias.request_too_large'),
                         (response.status, response.error['code']))

    def test_matching_if_match_writes(self):
        response = self.put('fpga', FPGA_ENTRIES,
                            headers={'If-Match': self.etag()})
        self.assertEqual(201, response.status)

    def test_stale_if_match_is_precondition_failed(self):
        response = self.put('fpga', FPGA_ENTRIES,
                            headers={'If-Match': '"stale"'})
        self.assertEqual((412, 'nova_pci_alias.table_changed'),
                         (response.status, response.error['code']))

    def test_stale_if_match_writes_nothing(self):
        etag = self.etag()
        self.put('fpga', FPGA_ENTRIES, headers={'If-Match': '"stale"'})
        self.assertEqual(etag, self.etag())

    def test_if_match_star_writes(self):
        response = self.put('fpga', FPGA_ENTRIES, headers={'If-Match': '*'})
        self.assertEqual(201, response.status)

    def test_second_writer_with_the_same_etag_is_refused(self):
        etag = self.etag()
        self.put('fpga', FPGA_ENTRIES, headers={'If-Match': etag})
        response = self.put('gpu', GPU_ENTRIES, headers={'If-Match': etag})
        self.assertEqual(412, response.status)


class TestDelete(base.DatabaseAPITestCase):

    def delete(self, name, **kwargs):
        return self.send('DELETE', '/v1/aliases/' + name, token=self.admin,
                         **kwargs)

    def test_deleted(self):
        self.assertEqual(204, self.delete('nic').status)

    def test_no_body(self):
        self.assertEqual(b'', self.delete('nic').body)

    def test_etag_is_the_new_documents(self):
        etag = self.delete('nic').headers['ETag']
        self.assertEqual(self.etag(), etag)

    def test_deleted_alias_is_gone(self):
        self.delete('nic')
        self.assertEqual(404, self.send(path='/v1/aliases/nic',
                                        token=self.reader).status)

    def test_unknown_alias_is_not_found(self):
        self.assertEqual(404, self.delete('fpga').status)

    def test_stale_if_match_is_precondition_failed(self):
        response = self.delete('nic', headers={'If-Match': '"stale"'})
        self.assertEqual(412, response.status)

    def test_matching_if_match_deletes(self):
        response = self.delete('nic', headers={'If-Match': self.etag()})
        self.assertEqual(204, response.status)


class TestDatabaseUnavailable(base.DatabaseAPITestCase):

    def setUp(self):
        super().setUp()
        self.serve()
        # The schema goes away under the running service: every write
        # then fails, as with a database that was never synced.
        with queries.context_manager.writer.get_engine().begin() as conn:
            conn.execute(sa.text('DROP TABLE %s' % models.VERSION_TABLE))

    def test_write_is_unavailable(self):
        response = self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        self.assertEqual((503, 'nova_pci_alias.table_unavailable'),
                         (response.status, response.error['code']))

    def test_unavailable_tells_the_client_nothing_of_the_database(self):
        response = self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        self.assertNotIn(b'sqlite', response.body)

    def test_reads_go_on_from_the_last_good_table(self):
        self.assertEqual(200, self.send(token=self.reader).status)
