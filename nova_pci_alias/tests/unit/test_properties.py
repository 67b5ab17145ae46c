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

"""Property-based tests: random input gives a table, requests or our error.

Whatever alias entries or extra specs come in, only the package's documented
exceptions come out, and a valid table never changes.
"""

import copy
import json

import hypothesis
from hypothesis import strategies as st
import jsonschema
from oslotest import base

import nova_pci_alias
from nova_pci_alias import alias
from nova_pci_alias import exception
from nova_pci_alias import request

SETTINGS = hypothesis.settings(max_examples=300, deadline=None,
                               derandomize=True, database=None)

KEYS = st.sampled_from(sorted(alias.ALIAS_ENTRY_SCHEMA['properties'])
                       + ['dev_type', 'colour', ''])
ODD_TEXT = st.one_of(st.text(max_size=20), st.text(min_size=250,
                                                   max_size=300),
                     st.sampled_from(['8086\n', ' gpu ', 'a:b', 'a,b',
                                      'type-PF', 'vdpa', 'yes', 'legacy',
                                      '\x00', '\u0661']))
VALUES = st.one_of(ODD_TEXT, st.integers(), st.booleans(), st.none(),
                   st.floats(allow_nan=False),
                   st.lists(st.integers(), max_size=3),
                   st.dictionaries(st.text(max_size=3), st.integers(),
                                   max_size=2))
RANDOM_ENTRY = st.dictionaries(KEYS, VALUES, max_size=6)
# What a database can store: no NUL, no lone surrogate (both refused).
STORABLE_TEXT = st.text(st.characters(exclude_characters='\x00',
                                      exclude_categories=('Cs',)),
                        max_size=10)
HEX4 = st.text(alphabet='0123456789abcdefABCDEF', min_size=4, max_size=4)
VALID_ENTRY = st.fixed_dictionaries(
    {'name': st.text(alphabet='abcdefgh -_', min_size=1,
                     max_size=8).filter(str.strip),
     'vendor_id': HEX4, 'product_id': HEX4},
    optional={'device_type': st.sampled_from(alias.DEVICE_TYPES),
              'numa_policy': st.sampled_from(alias.NUMA_POLICIES),
              'capability_type': st.just('pci'),
              'resource_class': STORABLE_TEXT,
              'traits': STORABLE_TEXT,
              'live_migratable': st.sampled_from(['yes', 'No', ' off '])})
DEFINITION = st.one_of(RANDOM_ENTRY, RANDOM_ENTRY.map(json.dumps),
                       VALID_ENTRY, VALID_ENTRY.map(json.dumps),
                       st.text(max_size=40), st.binary(max_size=20),
                       st.integers(), st.none())
EXTRA_SPEC = st.one_of(
    st.text(alphabet='ab:, 0123456789-+_.\u0661x\t', max_size=30),
    st.text(max_size=50),
    st.lists(st.tuples(st.sampled_from(['a', 'b', ' a ', 'c', '']),
                       st.sampled_from(['1', '2', '01', '0', '-1', ''])),
             min_size=1, max_size=4).map(
                 lambda items: ','.join('%s:%s' % i for i in items)))
POLICY = st.one_of(st.none(), st.sampled_from(alias.NUMA_POLICIES),
                   st.text(max_size=8))

TABLE = nova_pci_alias.parse_aliases([
    {'name': 'a', 'vendor_id': '10de', 'product_id': '1db6'},
    {'name': 'a', 'vendor_id': '10de', 'product_id': '1db7'},
    {'name': 'b', 'vendor_id': '8086', 'product_id': '154c',
     'numa_policy': 'socket'},
])


def snapshot(table):
    return {name: (a.numa_policy, copy.deepcopy([dict(s) for s in a.specs]))
            for name, a in table.items()}


class TestProperties(base.BaseTestCase):

    @SETTINGS
    @hypothesis.given(st.lists(DEFINITION, max_size=5), st.booleans())
    def test_parse_gives_a_table_or_our_error(self, definitions, placement):
        try:
            table = nova_pci_alias.parse_aliases(
                definitions, pci_in_placement=placement)
        except exception.PciInvalidAlias:
            return
        self.assertIsInstance(table, alias.AliasTable)

    @SETTINGS
    @hypothesis.given(st.one_of(RANDOM_ENTRY, VALID_ENTRY,
                                RANDOM_ENTRY.map(lambda e: dict(e,
                                                                name='x'))))
    def test_only_entries_valid_by_the_schema_parse(self, entry):
        reference = jsonschema.Draft7Validator(
            copy.deepcopy(dict(alias.ALIAS_ENTRY_SCHEMA)))
        try:
            nova_pci_alias.parse_aliases([entry])
            parsed = True
        except exception.PciInvalidAlias:
            parsed = False
        self.assertFalse(parsed and not reference.is_valid(entry))

    @SETTINGS
    @hypothesis.given(st.lists(VALID_ENTRY, min_size=1, max_size=5))
    def test_valid_entries_always_parse(self, entries):
        # Same names must agree on policy and type to be valid together.
        for item in entries:
            item['name'] = item['name'] + str(id(item))
        table = nova_pci_alias.parse_aliases(entries)
        self.assertEqual(len(entries), len(table))

    @SETTINGS
    @hypothesis.given(EXTRA_SPEC, POLICY)
    def test_translate_gives_requests_or_our_error(self, spec, policy):
        try:
            requests = request.translate_alias_to_requests(
                spec, policy, aliases=TABLE)
        except exception.NovaPciAliasException:
            return
        self.assertEqual(len(spec.split(',')), len(requests))

    @SETTINGS
    @hypothesis.given(EXTRA_SPEC, POLICY)
    def test_table_never_changes(self, spec, policy):
        before = snapshot(TABLE)
        try:
            for req in request.translate_alias_to_requests(
                    spec, policy, aliases=TABLE):
                req['spec'][0]['vendor_id'] = 'ffff'
                req['spec'].clear()
        except exception.NovaPciAliasException:
            pass
        self.assertEqual(before, snapshot(TABLE))
