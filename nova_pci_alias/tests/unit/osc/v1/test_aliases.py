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


"""Tests of ``openstack pci alias list``, ``show``, ``set`` and ``delete``."""

import json

from nova_pci_alias.tests.unit.osc import base
from nova_pci_alias.tests.unit.osc.base import GPU
from nova_pci_alias.tests.unit.osc.base import NIC
from nova_pci_alias.tests.unit.osc.base import NIC_PF

GPU_ENTRY = json.dumps({'vendor_id': '10de', 'product_id': '1db7'})


class TestList(base.CommandTestCase):

    ENTRIES = (GPU, NIC, NIC_PF)

    def test_json_has_one_object_per_entry_with_every_field(self):
        listed = self.json_of('pci', 'alias', 'list', '--long')
        self.assertEqual(
            [{'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
              'device_type': None, 'numa_policy': None,
              'capability_type': None, 'resource_class': None,
              'traits': None, 'live_migratable': None},
             {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
              'device_type': 'type-VF', 'numa_policy': None,
              'capability_type': None, 'resource_class': None,
              'traits': None, 'live_migratable': None},
             {'name': 'nic', 'vendor_id': '8086', 'product_id': '1572',
              'device_type': 'type-VF', 'numa_policy': None,
              'capability_type': None, 'resource_class': None,
              'traits': None, 'live_migratable': None}],
            listed)

    def test_value_prints_the_short_columns_one_line_per_entry(self):
        result = self.openstack('pci', 'alias', 'list', '-f', 'value')
        self.assertEqual(
            (0, 'gpu 10de 1db6 None None\n'
                'nic 8086 154c type-VF None\n'
                'nic 8086 1572 type-VF None\n'),
            (result.returncode, result.stdout))

    def test_table_has_the_entry_fields_as_headings(self):
        result = self.openstack('pci', 'alias', 'list')
        heading = result.stdout.splitlines()[1]
        self.assertEqual(
            ['name', 'vendor_id', 'product_id', 'device_type',
             'numa_policy'],
            [cell.strip() for cell in heading.strip('|').split('|')])

    def test_reads_the_document_under_v1(self):
        self.openstack('pci', 'alias', 'list')
        self.assertEqual([('GET', '/v1/aliases')],
                         [r[:2] for r in self.api.requests])


class TestShow(base.CommandTestCase):

    def test_json_has_the_entries_and_the_table_etag(self):
        shown = self.json_of('pci', 'alias', 'show', 'gpu')
        self.assertEqual(
            {'name': 'gpu', 'entries': [GPU], 'etag': self.api.etag()},
            shown)

    def test_value_prints_the_etag_for_if_match(self):
        result = self.openstack('pci', 'alias', 'show', 'gpu',
                                '-c', 'etag', '-f', 'value')
        self.assertEqual(self.api.etag() + '\n', result.stdout)

    def test_unknown_alias_fails_naming_the_status_and_detail(self):
        result = self.openstack('pci', 'alias', 'show', 'tpu')
        self.assertEqual(
            (1, 'The PCI alias service answered 404 Not Found: No PCI '
                'alias is named "tpu" in the table this service serves.\n'),
            (result.returncode, base.without_request_id(result.stderr)))

    def test_error_names_the_request_id(self):
        result = self.openstack('pci', 'alias', 'show', 'tpu')
        self.assertRegex(result.stderr, r' \(request req-[0-9a-f-]{36}\)\n$')


class TestShowOfANameWithASpace(base.CommandTestCase):

    ENTRIES = (GPU, {'name': 'gpu a100', 'vendor_id': '10de',
                     'product_id': '20b0'})

    def test_name_is_quoted_in_the_path(self):
        shown = self.json_of('pci', 'alias', 'show', 'gpu a100')
        self.assertEqual('gpu a100', shown['name'])


class TestSet(base.CommandTestCase):

    def test_creates_an_alias(self):
        shown = self.json_of('pci', 'alias', 'set', 'tpu',
                             '--entry', GPU_ENTRY)
        self.assertEqual(
            {'name': 'tpu', 'created': True, 'revision': self.start + 1,
             'entries': [{'name': 'tpu', 'vendor_id': '10de',
                          'product_id': '1db7'}],
             'etag': self.api.etag()}, shown)

    def test_replaces_the_entries_of_an_alias(self):
        self.openstack('pci', 'alias', 'set', 'gpu', '--entry', GPU_ENTRY)
        self.assertEqual(
            [{'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db7'},
             NIC], self.api.entries)

    def test_says_an_existing_alias_was_not_created(self):
        shown = self.json_of('pci', 'alias', 'set', 'gpu',
                             '--entry', GPU_ENTRY)
        self.assertFalse(shown['created'])

    def test_sends_each_entry_as_given(self):
        second = json.dumps({'name': 'gpu', 'vendor_id': '10de',
                             'product_id': '2236'})
        self.openstack('pci', 'alias', 'set', 'gpu', '--entry', GPU_ENTRY,
                       '--entry', second)
        self.assertEqual(
            {'entries': [json.loads(GPU_ENTRY), json.loads(second)]},
            json.loads(self.api.requests[-1][3]))

    def test_if_match_with_the_current_etag_writes(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu', '--entry',
                                GPU_ENTRY, '--if-match', self.api.etag())
        self.assertEqual((0, self.start + 1),
                         (result.returncode, self.api.revision))

    def test_if_match_is_sent_quoted(self):
        self.openstack('pci', 'alias', 'set', 'gpu', '--entry', GPU_ENTRY,
                       '--if-match', 'abc')
        self.assertEqual('"abc"', self.api.requests[-1][2]['If-Match'])

    def test_stale_if_match_fails_with_the_services_reason(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu', '--entry',
                                GPU_ENTRY, '--if-match', 'abc')
        self.assertEqual(
            (1, 'The PCI alias service answered 412 Precondition Failed: '
                'the PCI alias table has changed since ETag abc (it is now '
                '"%s"): nothing was written; read the table again and '
                'retry\n' % self.api.etag()),
            (result.returncode, base.without_request_id(result.stderr)))

    def test_stale_if_match_changes_nothing(self):
        self.openstack('pci', 'alias', 'set', 'gpu', '--entry', GPU_ENTRY,
                       '--if-match', 'abc')
        self.assertEqual([GPU, NIC], self.api.entries)

    def test_invalid_table_fails_with_the_validation_error(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu', '--entry',
                                '{"vendor_id": "10de"}')
        self.assertEqual(
            (1, 'The PCI alias service answered 400 Bad Request: 1 invalid '
                'PCI alias entries in the alias table with alias \'gpu\' '
                'set: entry 1: The PCI alias(es) gpu does not have '
                'vendor_id and product_id fields set.\n'),
            (result.returncode, base.without_request_id(result.stderr)))

    def test_entry_of_another_name_is_refused(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu', '--entry',
                                json.dumps(NIC))
        self.assertEqual(
            (1, 'The PCI alias service answered 400 Bad Request: '
                'entries[0] has the name \'nic\', not the alias \'gpu\' of '
                'the path; leave "name" out or give the same one.\n'),
            (result.returncode, base.without_request_id(result.stderr)))

    def test_entry_that_is_not_json_is_a_usage_error(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu', '--entry',
                                "{'vendor_id': '10de'}")
        self.assertEqual(
            (2, "openstack pci alias set: error: argument --entry: "
                "{'vendor_id': '10de'} is not JSON: Expecting property name "
                "enclosed in double quotes: line 1 column 2 (char 1)"),
            (result.returncode, result.stderr.splitlines()[-1]))

    def test_entry_that_is_not_an_object_is_a_usage_error(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu', '--entry',
                                '["10de"]')
        self.assertIn('argument --entry: ["10de"] is not a JSON object',
                      result.stderr)

    def test_no_entry_is_a_usage_error_sending_nothing(self):
        result = self.openstack('pci', 'alias', 'set', 'gpu')
        self.assertEqual((2, []), (result.returncode, self.api.requests))


class TestDelete(base.CommandTestCase):

    def test_removes_the_alias_printing_nothing(self):
        result = self.openstack('pci', 'alias', 'delete', 'gpu')
        self.assertEqual((0, '', [NIC]),
                         (result.returncode, result.stdout, self.api.entries))

    def test_unknown_alias_fails(self):
        result = self.openstack('pci', 'alias', 'delete', 'tpu')
        self.assertEqual(
            (1, 'The PCI alias service answered 404 Not Found: PCI alias '
                'tpu is not defined\n'),
            (result.returncode, base.without_request_id(result.stderr)))

    def test_stale_if_match_keeps_the_alias(self):
        result = self.openstack('pci', 'alias', 'delete', 'gpu',
                                '--if-match', 'abc')
        self.assertEqual((1, [GPU, NIC]),
                         (result.returncode, self.api.entries))

    def test_if_match_with_the_current_etag_deletes(self):
        self.openstack('pci', 'alias', 'delete', 'gpu', '--if-match',
                       self.api.etag())
        self.assertEqual([NIC], self.api.entries)
