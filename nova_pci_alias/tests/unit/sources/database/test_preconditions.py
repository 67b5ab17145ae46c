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

"""Tests of the ETag condition of a write."""

from oslotest import base

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias.sources.database import preconditions
from nova_pci_alias.tests.unit.fakes import entry

ENTRIES = [entry('a'), entry('b', '0002')]
ETAG = document.etag_of(document.encode_document(ENTRIES))


class TestTableEtag(base.BaseTestCase):

    def test_is_the_etag_of_the_document(self):
        self.assertEqual(ETAG, preconditions.table_etag(ENTRIES))

    def test_is_quoted(self):
        self.assertTrue(ETAG.startswith('"') and ETAG.endswith('"'))


class TestCheck(base.BaseTestCase):

    def test_no_condition(self):
        self.assertIsNone(preconditions.check(None, ENTRIES))

    def test_quoted_etag_matches(self):
        self.assertIsNone(preconditions.check([ETAG], ENTRIES))

    def test_unquoted_etag_matches(self):
        self.assertIsNone(preconditions.check([ETAG.strip('"')], ENTRIES))

    def test_one_of_several_matches(self):
        self.assertIsNone(preconditions.check(['"other"', ETAG], ENTRIES))

    def test_star_matches_any_table(self):
        self.assertIsNone(preconditions.check(['*'], []))

    def test_single_string_is_one_etag(self):
        self.assertIsNone(preconditions.check(ETAG, ENTRIES))

    def test_other_etag_is_refused(self):
        self.assertRaises(exception.AliasTableChanged, preconditions.check,
                          ['"other"'], ENTRIES)

    def test_weak_etag_never_matches(self):
        self.assertRaises(exception.AliasTableChanged, preconditions.check,
                          ['W/' + ETAG], ENTRIES)

    def test_no_etag_at_all_is_refused(self):
        self.assertRaises(exception.AliasTableChanged, preconditions.check,
                          [], ENTRIES)

    def test_etag_that_is_not_a_string_matches_nothing(self):
        self.assertRaises(exception.AliasTableChanged, preconditions.check,
                          [None, 42], ENTRIES)

    def test_condition_that_is_not_a_list(self):
        self.assertRaises(exception.InvalidInput, preconditions.check,
                          42, ENTRIES)

    def test_error_names_both_etags(self):
        exc = self.assertRaises(exception.AliasTableChanged,
                                preconditions.check, ['"old"'], ENTRIES)
        self.assertEqual(('"old"', ETAG),
                         (exc.kwargs['expected'], exc.kwargs['current']))
