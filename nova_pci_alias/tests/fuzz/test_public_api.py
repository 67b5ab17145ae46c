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

"""The public API under fuzzing: only the package's errors, for any input.

Every function of the public API (``parse_aliases``,
``nova_pci_alias.request``, ``nova_pci_alias.placement``, the document
decoder) is called with hostile arguments: huge counts, deep nesting, wrong
container types, NUL and lone surrogates, bytes, floats, None, objects whose
reads raise.  Any exception that is not a
:class:`~nova_pci_alias.exception.NovaPciAliasException` fails the test.

Each test runs ``NOVA_PCI_ALIAS_TEST_FUZZ_EXAMPLES`` examples (10000 by
default; ``tox -e fuzz`` runs the 11 tests, 110000 examples).  When
``NOVA_PCI_ALIAS_TEST_FUZZ_REPORT`` names a file, one line per test is
appended to it: the test, the examples run and the seconds taken.
"""

import json
import os
import time

import hypothesis
from hypothesis import strategies as st
from oslotest import base

import nova_pci_alias
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import placement
from nova_pci_alias import request
from nova_pci_alias.tests import adversarial

EXAMPLES = int(os.environ.get('NOVA_PCI_ALIAS_TEST_FUZZ_EXAMPLES', 10000))
REPORT = os.environ.get('NOVA_PCI_ALIAS_TEST_FUZZ_REPORT')

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(hypothesis.HealthCheck))

TABLE = nova_pci_alias.parse_aliases([
    {'name': 'a', 'vendor_id': '10de', 'product_id': '1db6'},
    {'name': 'b', 'vendor_id': '8086', 'product_id': '154c',
     'numa_policy': 'socket', 'resource_class': 'gpu', 'traits': 'x, y'},
])


def one_of_list(values):
    """Draw from ``values`` by index, so that Hypothesis never prints them.

    Some cannot be printed, others are megabytes long.
    """
    return st.integers(0, len(values) - 1).map(lambda index: values[index])


def to_json(value):
    """JSON text of a drawn value, or a stand-in when it has none.

    Some drawn values cannot be written (too deep, a number too long to
    print, a mapping that raises); that is a limit of the test's own
    encoding, not an input to fuzz with.
    """
    try:
        return json.dumps(value,
                          default=lambda other: '<%s>' % type(other).__name__)
    except Exception:
        return '"unencodable"'


# Built once: making a value 100000 levels deep for each example would
# cost more than the call under test.
DEEP_TEXTS = [adversarial.nested_text(depth, opening)
              for depth in (33, 990, 1200, 100000) for opening in '[{']
DEEP_VALUES = [adversarial.nested_value(depth) for depth in (33, 990, 3000)]
HUGE_TEXTS = [
    'a:1,' * 100000, 'a:' + '1' * 4301, 'a:' + '9' * 20, 'x' * 1000000,
    ',' * 100000, '[' + '{},' * 100000 + '{}]',
    '{"version": 1, "aliases": [' + '{},' * 20000 + '{}]}',
    json.dumps([{'count': 1, 'spec': [], 'alias_name': 'x' * 1100000}]),
]
ODD_CHARACTERS = st.sampled_from(['\x00', '\ud800', '\udfff', '\u0661',
                                  ',', ':', ' ', '\n', 'a', 'b', '1', '0'])
ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(ODD_CHARACTERS, st.text(max_size=3)),
             max_size=30).map(''.join),
    one_of_list(HUGE_TEXTS), one_of_list(DEEP_TEXTS))
ODD_BYTES = ODD_TEXT.map(lambda text: text.encode('utf-8', 'surrogatepass'))
HOSTILE_OBJECTS = [
    adversarial.RaisingMapping(), adversarial.RaisingDict(),
    adversarial.Unprintable(), adversarial.RaisingAttributes(), object(),
    frozenset({1}), {1, 2}, 10 ** 5000, -(10 ** 400), float('nan'),
    float('inf'), range(10 ** 9), b'\xff\xfe', bytearray(b'a:1'),
    memoryview(b'a:1')] + DEEP_VALUES


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(),
                    st.floats(), st.binary(max_size=20), ODD_TEXT,
                    one_of_list(HOSTILE_OBJECTS))
HOSTILE = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.tuples(children, children),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()),
                        children, max_size=4)),
    max_leaves=8)

ENTRY_KEYS = st.sampled_from(
    sorted(nova_pci_alias.alias.ALIAS_ENTRY_SCHEMA['properties'])
    + ['dev_type', ''])
VALID_ENTRY = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6'}
ENTRY = st.one_of(
    HOSTILE,
    st.dictionaries(ENTRY_KEYS, HOSTILE, max_size=5),
    st.tuples(ENTRY_KEYS, HOSTILE).map(
        lambda kv: dict(VALID_ENTRY, **{kv[0]: kv[1]})),
    st.tuples(ENTRY_KEYS, st.one_of(ODD_TEXT, st.integers(), st.none()))
    .map(lambda kv: json.dumps(dict(VALID_ENTRY, **{kv[0]: kv[1]}))),
    one_of_list(DEEP_TEXTS).map(
        lambda deep: '{"name": "x", "traits": %s}' % deep))
DEFINITIONS = st.one_of(
    st.lists(ENTRY, max_size=4), HOSTILE,
    st.integers(0, 3).map(adversarial.raising_iterable))

SPEC_ITEMS = st.lists(
    st.tuples(st.sampled_from(['a', 'b', ' a ', 'c', '', '\x00', '\ud800']),
              st.one_of(st.sampled_from(['1', '01', '0', '-1', '', '1.5',
                                         '1_0', '\u0661', '1024', '1025']),
                        st.integers(0, 10 ** 30).map(str),
                        st.integers(1, 5000).map(lambda n: '1' * n))),
    min_size=1, max_size=6).map(
        lambda items: ','.join('%s:%s' % item for item in items))
ALIAS_SPEC = st.one_of(SPEC_ITEMS, ODD_TEXT, HOSTILE)
POLICY = st.one_of(st.none(), st.sampled_from(
    nova_pci_alias.alias.NUMA_POLICIES), HOSTILE)
# Not None: that reads the configured sources, which is not what is fuzzed.
ALIASES = st.one_of(st.just(TABLE), st.just(TABLE),
                    HOSTILE.filter(lambda value: value is not None),
                    st.dictionaries(st.sampled_from(['a', 'b']), HOSTILE))

EXTRA_SPECS = st.one_of(
    HOSTILE,
    st.fixed_dictionaries({}, optional={
        'pci_passthrough:alias': ALIAS_SPEC,
        'hw:pci_numa_affinity_policy': POLICY}))
FLAVOR = st.one_of(HOSTILE, st.builds(dict, extra_specs=EXTRA_SPECS))
IMAGE = st.one_of(HOSTILE, st.builds(
    dict, properties=st.one_of(HOSTILE, st.fixed_dictionaries(
        {}, optional={'hw_pci_numa_affinity_policy': POLICY}))))

STORED = st.one_of(
    ODD_TEXT, HOSTILE, ODD_BYTES,
    st.lists(st.one_of(HOSTILE, st.fixed_dictionaries({}, optional={
        'count': HOSTILE, 'spec': HOSTILE, 'alias_name': HOSTILE})),
        max_size=3).map(to_json))
SYSTEM_METADATA = st.one_of(
    HOSTILE,
    st.builds(dict, pci_requests=STORED),
    st.lists(st.one_of(HOSTILE, st.builds(dict, key=st.just('pci_requests'),
                                          value=STORED)), max_size=3))
INSTANCE = st.one_of(HOSTILE, st.builds(dict,
                                        system_metadata=SYSTEM_METADATA))
PREFIX = st.one_of(st.sampled_from(['', 'old_', 'new_']), HOSTILE)

DEVICE_SPEC = st.one_of(HOSTILE, st.fixed_dictionaries({}, optional={
    'resource_class': st.one_of(ODD_TEXT, HOSTILE),
    'traits': st.one_of(ODD_TEXT, HOSTILE),
    'vendor_id': st.one_of(st.just('10de'), HOSTILE),
    'product_id': st.one_of(st.just('1db6'), HOSTILE)}))
PCI_REQUEST = st.one_of(HOSTILE, st.fixed_dictionaries({}, optional={
    'alias_name': st.one_of(st.just('a'), HOSTILE),
    'count': st.one_of(st.integers(), st.just(10 ** 9), HOSTILE),
    'request_id': st.one_of(st.just('r'), HOSTILE),
    'spec': st.one_of(st.lists(DEVICE_SPEC, max_size=2), HOSTILE)}))
PCI_REQUESTS = st.one_of(st.lists(PCI_REQUEST, max_size=4), HOSTILE)

BODY = st.one_of(
    ODD_TEXT, HOSTILE, ODD_BYTES,
    one_of_list(DEEP_TEXTS).map(
        lambda deep: '{"version": 1, "aliases": [%s]}' % deep),
    st.lists(ENTRY, max_size=3).map(
        lambda entries: {'version': 1, 'aliases': entries}).map(
            to_json))


def _ours_or_nothing(call, *args, **kwargs):
    """Call; let only the package's own errors through (and swallow)."""
    try:
        call(*args, **kwargs)
    except exception.NovaPciAliasException:
        pass


class FuzzTestCase(base.BaseTestCase):

    def fuzz(self, strategy, call):
        """Run ``call`` on EXAMPLES examples drawn from ``strategy``."""
        examples = []

        @SETTINGS
        @hypothesis.given(strategy)
        def run(args):
            examples.append(None)
            call(*args)

        start = time.monotonic()
        run()
        if REPORT:
            with open(REPORT, 'a') as f:
                f.write('%s %d examples %.1f s\n' % (
                    self.id(), len(examples), time.monotonic() - start))


class TestPublicApi(FuzzTestCase):

    def test_parse_aliases(self):
        self.fuzz(st.tuples(DEFINITIONS, st.one_of(st.booleans(), HOSTILE)),
                  lambda definitions, placement_rules: _ours_or_nothing(
                      nova_pci_alias.parse_aliases, definitions,
                      pci_in_placement=placement_rules))

    def test_translate_alias_to_requests(self):
        self.fuzz(st.tuples(ALIAS_SPEC, POLICY, ALIASES),
                  lambda spec, policy, aliases: _ours_or_nothing(
                      request.translate_alias_to_requests, spec, policy,
                      aliases=aliases))

    def test_seed_name_of_translate(self):
        self.fuzz(st.tuples(ALIAS_SPEC, POLICY),
                  lambda spec, policy: _ours_or_nothing(
                      request._translate_alias_to_requests, spec, policy,
                      aliases=TABLE))

    def test_get_pci_requests_from_flavor(self):
        self.fuzz(st.tuples(FLAVOR, POLICY, ALIASES),
                  lambda flavor, policy, aliases: _ours_or_nothing(
                      request.get_pci_requests_from_flavor, flavor, policy,
                      aliases=aliases))

    def test_get_pci_numa_policy_constraint(self):
        self.fuzz(st.tuples(FLAVOR, IMAGE),
                  lambda flavor, image: _ours_or_nothing(
                      request.get_pci_numa_policy_constraint, flavor,
                      image))

    def test_get_instance_pci_requests(self):
        self.fuzz(st.tuples(INSTANCE, PREFIX),
                  lambda instance, prefix: _ours_or_nothing(
                      request.get_instance_pci_requests, instance, prefix))

    def test_save_and_delete_flavor_pci_info(self):
        def call(metadata, flavor, prefix):
            _ours_or_nothing(request.save_flavor_pci_info, metadata,
                             flavor, prefix, aliases=TABLE)
            _ours_or_nothing(request.delete_flavor_pci_info, metadata,
                             prefix, 'old_')

        self.fuzz(st.tuples(st.one_of(st.builds(dict), HOSTILE), FLAVOR,
                            PREFIX), call)

    def test_resource_class(self):
        self.fuzz(st.tuples(DEVICE_SPEC),
                  lambda spec: _ours_or_nothing(placement.resource_class,
                                                spec))

    def test_required_traits(self):
        self.fuzz(st.tuples(DEVICE_SPEC),
                  lambda spec: _ours_or_nothing(placement.required_traits,
                                                spec))

    def test_request_groups(self):
        self.fuzz(st.tuples(PCI_REQUESTS),
                  lambda requests: _ours_or_nothing(
                      placement.request_groups, requests))

    def test_decode_document(self):
        self.fuzz(st.tuples(BODY, st.one_of(st.just('file'), HOSTILE)),
                  lambda body, origin: _ours_or_nothing(
                      document.decode_document, body, origin))
