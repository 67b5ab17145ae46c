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

"""The shape of a ``PUT /v1/aliases/{name}`` body."""

from oslotest import base

from nova_pci_alias.service import body
from nova_pci_alias.service import errors


class TestEntriesBody(base.BaseTestCase):

    def refusal(self, value, name='gpu'):
        exc = self.assertRaises(errors.APIError, body.entries_body, value,
                                name)
        return exc.status, exc.detail

    def test_entries_are_returned(self):
        entries = [{'vendor_id': '10de', 'product_id': '1db6'}]
        self.assertEqual(entries, body.entries_body({'entries': entries},
                                                    'gpu'))

    def test_same_name_is_accepted(self):
        entries = [{'name': 'gpu', 'vendor_id': '10de'}]
        self.assertEqual(entries, body.entries_body({'entries': entries},
                                                    'gpu'))

    def test_list_body_is_refused(self):
        self.assertEqual((400, 'The body must be a JSON object {"entries": '
                               '[ENTRY, ...]}; it is a list.'),
                         self.refusal([]))

    def test_missing_entries_is_refused(self):
        self.assertEqual((400, 'The body has no "entries": send '
                               '{"entries": [ENTRY, ...]}.'),
                         self.refusal({}))

    def test_other_key_is_refused(self):
        self.assertEqual((400, "The body has the key 'name'; it may only "
                               "have \"entries\"."),
                         self.refusal({'entries': [{}], 'name': 'gpu'}))

    def test_entries_not_a_list_is_refused(self):
        self.assertEqual((400, '"entries" must be a list of alias entries; '
                               'it is an object.'),
                         self.refusal({'entries': {}}))

    def test_empty_entries_are_refused(self):
        self.assertEqual(400, self.refusal({'entries': []})[0])

    def test_entry_not_an_object_is_refused(self):
        self.assertEqual((400, 'entries[1] must be a JSON object (an alias '
                               'entry); it is a string.'),
                         self.refusal({'entries': [{}, 'gpu']}))

    def test_other_name_is_refused(self):
        self.assertEqual((400, "entries[0] has the name 'nic', not the "
                               "alias 'gpu' of the path; leave \"name\" out "
                               "or give the same one."),
                         self.refusal({'entries': [{'name': 'nic'}]}))
