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

"""Tests of extra spec translation and the seed API."""

import gc
import json
import tracemalloc
import uuid

import fixtures
from oslotest import base
import testscenarios

import nova_pci_alias
from nova_pci_alias import bounds
from nova_pci_alias import exception
from nova_pci_alias import request
from nova_pci_alias.tests import adversarial

ALIASES = nova_pci_alias.parse_aliases([
    {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
     'numa_policy': 'preferred'},
    {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
     'device_type': 'type-VF'},
    {'name': 'nic', 'vendor_id': '8086', 'product_id': '1889',
     'device_type': 'type-VF'},
    {'name': 'big gpu', 'vendor_id': '10de', 'product_id': '2330'},
    {'name': 'GPU', 'vendor_id': '1002', 'product_id': '740f'},
])


def translate(alias_spec, affinity_policy=None):
    return request.translate_alias_to_requests(
        alias_spec, affinity_policy, aliases=ALIASES)


def summary(requests):
    """(alias_name, count) of each request."""
    return [(r['alias_name'], r['count']) for r in requests]


class Flavor:
    """A flavor object with attribute access only."""

    def __init__(self, extra_specs):
        self.extra_specs = extra_specs


class Image:
    """An image meta object whose properties are an object too."""

    def __init__(self, **properties):
        self.properties = type('Props', (), properties)()


class TestGrammar(base.BaseTestCase):

    def test_items_in_order(self):
        self.assertEqual([('nic', 1), ('gpu', 2)],
                         summary(translate('nic:1,gpu:2')))

    def test_whitespace_around_names_and_counts_is_ignored(self):
        self.assertEqual([('gpu', 2), ('nic', 3)],
                         summary(translate(' gpu : 2 ,\tnic:3 ')))

    def test_inner_spaces_in_a_name_are_kept(self):
        self.assertEqual([('big gpu', 1)], summary(translate('big gpu:1')))

    def test_names_are_case_sensitive(self):
        self.assertEqual(['1002'], [s['vendor_id'] for s in
                                    translate('GPU:1')[0]['spec']])

    def test_leading_zeros_are_fine(self):
        self.assertEqual([('gpu', 1)], summary(translate('gpu:01')))

    def test_repeated_name_gives_two_requests(self):
        self.assertEqual([('gpu', 1), ('gpu', 2)],
                         summary(translate('gpu:1,gpu:2')))

    def test_unknown_name(self):
        exc = self.assertRaises(exception.PciRequestAliasNotDefined,
                                translate, 'tpu:1')
        self.assertEqual('PCI alias tpu is not defined', str(exc))

    def test_wrong_case_name_is_unknown(self):
        self.assertRaises(exception.PciRequestAliasNotDefined,
                          translate, 'Gpu:1')


class TestMalformed(base.BaseTestCase):

    def assertMalformed(self, alias_spec, item):
        exc = self.assertRaises(exception.InvalidAliasSpec, translate,
                                alias_spec)
        self.assertIn(repr(item), str(exc))

    def test_malformed_is_a_value_error(self):
        self.assertRaises(ValueError, translate, 'gpu')

    def test_message_names_the_expected_form(self):
        exc = self.assertRaises(exception.InvalidAliasSpec, translate, 'gpu')
        self.assertIn('NAME:COUNT', str(exc))

    def test_no_colon(self):
        self.assertMalformed('gpu', 'gpu')

    def test_two_colons(self):
        self.assertMalformed('gpu:1:2', 'gpu:1:2')

    def test_empty_item(self):
        self.assertMalformed('gpu:1,,nic:1', '')

    def test_trailing_comma(self):
        self.assertMalformed('gpu:1,', '')

    def test_empty_spec(self):
        self.assertMalformed('', '')

    def test_empty_name(self):
        self.assertMalformed(' :1', ' :1')

    def test_bad_counts(self):
        bad = ['0', '-1', '+1', '1.5', '1_0', 'x', '', ' ', '\u0661', '١٢']
        failures = [count for count in bad
                    if not isinstance(self._error('gpu:' + count),
                                      exception.InvalidAliasSpec)]
        self.assertEqual([], failures)

    def _error(self, alias_spec):
        try:
            translate(alias_spec)
        except Exception as exc:
            return exc
        return None

    def test_first_bad_item_decides_unknown_name_first(self):
        self.assertIsInstance(self._error('tpu:1,gpu'),
                              exception.PciRequestAliasNotDefined)

    def test_first_bad_item_decides_malformed_first(self):
        self.assertIsInstance(self._error('gpu,tpu:1'),
                              exception.InvalidAliasSpec)

    def test_name_is_checked_before_count(self):
        self.assertIsInstance(self._error('tpu:0'),
                              exception.PciRequestAliasNotDefined)

    def test_shape_is_checked_before_name(self):
        self.assertIsInstance(self._error('tpu:1:1'),
                              exception.InvalidAliasSpec)

    def test_non_string_spec(self):
        self.assertIsInstance(self._error(None), exception.InvalidAliasSpec)


class TestRequests(base.BaseTestCase):

    def test_request_shape(self):
        (req,) = translate('gpu:2')
        req.pop('request_id')
        self.assertEqual({'count': 2, 'alias_name': 'gpu',
                          'numa_policy': 'preferred',
                          'spec': [{'vendor_id': '10de',
                                    'product_id': '1db6'}]}, req)

    def test_request_id_is_a_uuid4(self):
        (req,) = translate('gpu:1')
        self.assertEqual(4, uuid.UUID(req['request_id']).version)

    def test_request_ids_are_fresh(self):
        ids = {r['request_id'] for r in translate('gpu:1,gpu:1')
               + translate('gpu:1')}
        self.assertEqual(3, len(ids))

    def test_ored_specs_in_order(self):
        (req,) = translate('nic:1')
        self.assertEqual(['154c', '1889'],
                         [s['product_id'] for s in req['spec']])

    def test_changing_a_request_leaves_the_table_alone(self):
        (req,) = translate('nic:1')
        req['spec'][0]['vendor_id'] = 'ffff'
        req['spec'].append({'x': 'y'})
        self.assertEqual(['8086', '8086'],
                         [s['vendor_id'] for s in ALIASES['nic'].specs])

    def test_alias_policy_is_used_by_default(self):
        self.assertEqual(['preferred', 'legacy'],
                         [r['numa_policy'] for r in translate('gpu:1,nic:1')])

    def test_affinity_policy_overrides(self):
        self.assertEqual(['socket', 'socket'],
                         [r['numa_policy']
                          for r in translate('gpu:1,nic:1', 'socket')])

    def test_invalid_affinity_policy(self):
        exc = self.assertRaises(exception.InvalidPCINUMAAffinity,
                                translate, 'gpu:1', 'strict')
        self.assertEqual('Invalid PCI NUMA affinity configured: strict',
                         str(exc))


class TestNumaConstraint(base.BaseTestCase):

    def flavor(self, policy=None):
        specs = {} if policy is None else {
            'hw:pci_numa_affinity_policy': policy}
        return {'extra_specs': specs}

    def image(self, policy=None):
        props = {} if policy is None else {
            'hw_pci_numa_affinity_policy': policy}
        return {'properties': props}

    def test_neither_gives_none(self):
        self.assertIsNone(request.get_pci_numa_policy_constraint(
            self.flavor(), self.image()))

    def test_flavor_policy(self):
        self.assertEqual('required', request.get_pci_numa_policy_constraint(
            self.flavor('required'), self.image()))

    def test_image_policy(self):
        self.assertEqual('socket', request.get_pci_numa_policy_constraint(
            self.flavor(), self.image('socket')))

    def test_image_policy_from_objects(self):
        self.assertEqual('preferred', request.get_pci_numa_policy_constraint(
            Flavor({}), Image(hw_pci_numa_affinity_policy='preferred')))

    def test_no_image_meta(self):
        self.assertEqual('legacy', request.get_pci_numa_policy_constraint(
            Flavor({'hw:pci_numa_affinity_policy': 'legacy'}), None))

    def test_same_policy_on_both(self):
        self.assertEqual('legacy', request.get_pci_numa_policy_constraint(
            self.flavor('legacy'), self.image('legacy')))

    def test_different_policies(self):
        exc = self.assertRaises(exception.ImagePCINUMAPolicyForbidden,
                                request.get_pci_numa_policy_constraint,
                                self.flavor('legacy'), self.image('socket'))
        self.assertEqual(
            "Image property 'hw_pci_numa_affinity_policy' is not permitted "
            "to override the 'hw:pci_numa_affinity_policy' flavor extra "
            "spec.", str(exc))

    def test_invalid_policy(self):
        exc = self.assertRaises(exception.InvalidPCINUMAAffinity,
                                request.get_pci_numa_policy_constraint,
                                self.flavor('nope'), self.image())
        self.assertEqual('Invalid PCI NUMA affinity configured: nope',
                         str(exc))


class TestFlavor(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        # Without aliases=, the configured sources would be used: these
        # tests prove they are not even asked.
        self.loader = self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.request._get_alias_from_config',
            side_effect=AssertionError('the alias table was loaded'))).mock

    def test_dict_flavor(self):
        flavor = {'extra_specs': {'pci_passthrough:alias': 'gpu:2'}}
        self.assertEqual([('gpu', 2)], summary(
            request.get_pci_requests_from_flavor(flavor, aliases=ALIASES)))

    def test_object_flavor(self):
        flavor = Flavor({'pci_passthrough:alias': 'nic:1'})
        self.assertEqual([('nic', 1)], summary(
            request.get_pci_requests_from_flavor(flavor, aliases=ALIASES)))

    def test_object_flavor_with_another_get_method(self):
        # An API resource whose get() fetches it: its attributes are read.
        class Resource(Flavor):
            def get(self):
                raise AssertionError('get() was called without arguments')

        flavor = Resource({'pci_passthrough:alias': 'nic:1'})
        self.assertEqual([('nic', 1)], summary(
            request.get_pci_requests_from_flavor(flavor, aliases=ALIASES)))

    def test_affinity_policy_is_passed_on(self):
        flavor = {'extra_specs': {'pci_passthrough:alias': 'gpu:1'}}
        (req,) = request.get_pci_requests_from_flavor(
            flavor, 'required', aliases=ALIASES)
        self.assertEqual('required', req['numa_policy'])

    def test_no_extra_specs_without_loading_the_table(self):
        self.assertEqual([], request.get_pci_requests_from_flavor({}))

    def test_empty_extra_specs_without_loading_the_table(self):
        self.assertEqual([], request.get_pci_requests_from_flavor(
            Flavor({})))

    def test_no_alias_spec_without_loading_the_table(self):
        self.assertEqual([], request.get_pci_requests_from_flavor(
            {'extra_specs': {'hw:cpu_policy': 'dedicated'}}))

    def test_table_is_loaded_when_needed(self):
        self.loader.side_effect = None
        self.loader.return_value = ALIASES
        flavor = {'extra_specs': {'pci_passthrough:alias': 'gpu:1'}}
        self.assertEqual([('gpu', 1)], summary(
            request.get_pci_requests_from_flavor(flavor)))


def stored(*requests):
    return json.dumps(list(requests))


class TestInstanceRequests(base.BaseTestCase):

    REQUEST = {'count': 1, 'spec': [{'vendor_id': '10de'}],
               'alias_name': 'gpu', 'numa_policy': 'socket',
               'request_id': '5e8f3e2a-0cf6-4b7c-9d3e-3ad2b8c1a111'}

    def test_dict_system_metadata(self):
        instance = {'system_metadata': {'pci_requests':
                                        stored(self.REQUEST)}}
        self.assertEqual([self.REQUEST],
                         request.get_instance_pci_requests(instance))

    def test_rows_system_metadata(self):
        instance = {'system_metadata': [
            {'key': 'other', 'value': '1'},
            {'key': 'new_pci_requests', 'value': stored(self.REQUEST)}]}
        self.assertEqual([self.REQUEST], request.get_instance_pci_requests(
            instance, prefix='new_'))

    def test_object_instance(self):
        instance = type('Instance', (), {'system_metadata': {
            'old_pci_requests': stored(self.REQUEST)}})()
        self.assertEqual([self.REQUEST], request.get_instance_pci_requests(
            instance, 'old_'))

    def test_prefix_selects_the_key(self):
        instance = {'system_metadata': {'pci_requests': stored(self.REQUEST)}}
        self.assertEqual([], request.get_instance_pci_requests(instance,
                                                               'old_'))

    def test_empty_value(self):
        instance = {'system_metadata': {'pci_requests': ''}}
        self.assertEqual([], request.get_instance_pci_requests(instance))

    def test_no_system_metadata(self):
        self.assertEqual([], request.get_instance_pci_requests({}))

    def test_old_entries_get_defaults(self):
        old = {'count': 1, 'spec': [{'vendor_id': '10de'}],
               'alias_name': 'gpu'}
        instance = {'system_metadata': {'pci_requests': stored(old)}}
        (req,) = request.get_instance_pci_requests(instance)
        self.assertEqual(('legacy', None),
                         (req['numa_policy'], req['request_id']))

    def test_invalid_json(self):
        instance = {'system_metadata': {'pci_requests': '[{'}}
        exc = self.assertRaises(exception.InvalidStashedRequests,
                                request.get_instance_pci_requests, instance)
        self.assertIn("'pci_requests'", str(exc))

    def test_not_a_list(self):
        instance = {'system_metadata': {'pci_requests': '{"count": 1}'}}
        self.assertRaises(exception.InvalidStashedRequests,
                          request.get_instance_pci_requests, instance)


class TestStash(base.BaseTestCase):

    FLAVOR = {'extra_specs': {'pci_passthrough:alias': 'gpu:1,nic:2'}}

    def test_save_then_read_back(self):
        metadata = {}
        request.save_flavor_pci_info(metadata, self.FLAVOR, 'new_',
                                     aliases=ALIASES)
        self.assertEqual([('gpu', 1), ('nic', 2)], summary(
            request.get_instance_pci_requests(
                {'system_metadata': metadata}, 'new_')))

    def test_save_stores_json(self):
        metadata = {}
        request.save_flavor_pci_info(metadata, self.FLAVOR, aliases=ALIASES)
        self.assertEqual(2, len(json.loads(metadata['pci_requests'])))

    def test_save_stores_nothing_without_requests(self):
        metadata = {}
        request.save_flavor_pci_info(metadata, {'extra_specs': {}}, 'old_')
        self.assertEqual({}, metadata)

    def test_delete_removes_each_prefix(self):
        metadata = {'old_pci_requests': '[]', 'new_pci_requests': '[]',
                    'pci_requests': '[]'}
        request.delete_flavor_pci_info(metadata, 'old_', 'new_')
        self.assertEqual({'pci_requests': '[]'}, metadata)

    def test_delete_of_an_absent_key_is_fine(self):
        metadata = {'other': 'x'}
        request.delete_flavor_pci_info(metadata, 'old_')
        self.assertEqual({'other': 'x'}, metadata)


class TestSpecBounds(base.BaseTestCase):
    """Extra specs: the package's errors, within the limits."""

    def test_count_with_more_digits_than_int_takes(self):
        # int('1' * 4301) itself raises a bare ValueError.
        self.assertRaises(exception.InvalidAliasSpec, translate,
                          'gpu:' + '1' * 4301)

    def test_count_above_the_limit(self):
        exc = self.assertRaises(exception.InvalidAliasSpec, translate,
                                'gpu:%d' % (bounds.MAX_DEVICE_COUNT + 1))
        self.assertIn('more than 1024 devices', str(exc))

    def test_count_at_the_limit(self):
        self.assertEqual([('gpu', 1024)], summary(translate('gpu:1024')))

    def test_leading_zeros_do_not_count_as_digits(self):
        self.assertEqual([('gpu', 2)], summary(translate('gpu:' + '0' * 50
                                                         + '2')))

    def test_total_count_above_the_limit(self):
        exc = self.assertRaises(exception.InvalidAliasSpec, translate,
                                'gpu:1000,nic:25')
        self.assertIn("'nic:25'", str(exc))

    def test_value_longer_than_the_limit(self):
        exc = self.assertRaises(
            exception.InvalidAliasSpec, translate,
            'gpu:1,' + ' ' * bounds.MAX_ALIAS_SPEC_LENGTH + 'nic:1')
        self.assertIn('at most 4096 are allowed', str(exc))

    def test_more_items_than_the_limit(self):
        exc = self.assertRaises(exception.InvalidAliasSpec, translate,
                                ','.join(['gpu:1'] * 257))
        self.assertIn('it has 257 items', str(exc))

    def test_str_subclass_is_read_as_a_str(self):
        class Spec(str):
            def split(self, sep=None):
                raise adversarial.Boom('split')

        self.assertEqual([('gpu', 1)], summary(translate(Spec('gpu:1'))))

    def test_affinity_policy_that_is_not_a_string(self):
        self.assertRaises(exception.InvalidPCINUMAAffinity, translate,
                          'gpu:1', adversarial.Unprintable())

    def test_aliases_that_are_not_a_table(self):
        self.assertRaises(exception.InvalidInput,
                          request.translate_alias_to_requests, 'gpu:1',
                          aliases=['gpu'])

    def test_aliases_whose_lookup_raises(self):
        self.assertRaises(exception.InvalidInput,
                          request.translate_alias_to_requests, 'gpu:1',
                          aliases=adversarial.RaisingMapping())

    def test_alias_of_the_wrong_shape(self):
        self.assertRaises(exception.InvalidInput,
                          request.translate_alias_to_requests, 'gpu:1',
                          aliases={'gpu': 'legacy'})


class TestSpecCache(base.BaseTestCase):

    def test_cache_keeps_little_memory_after_long_values(self):
        # 300 different values of 1020 characters and 255 items each: a
        # cache of parsed values would keep some 30 MiB of them.
        request._parse_alias_spec.cache_clear()
        self.addCleanup(request._parse_alias_spec.cache_clear)
        values = [' ' * i + ','.join(['gpu:1'] * 255) for i in range(300)]
        gc.collect()
        tracemalloc.start()
        self.addCleanup(tracemalloc.stop)
        before = tracemalloc.get_traced_memory()[0]
        for value in values:
            translate(value)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
        self.assertLess(kept, 1024 * 1024)


class TestFlavorInputs(testscenarios.WithScenarios, base.BaseTestCase):
    """Extra specs that are not a mapping are the package's error."""

    scenarios = [
        ('str', {'extra_specs': 'pci_passthrough:alias'}),
        ('list', {'extra_specs': ['pci_passthrough:alias']}),
        ('int', {'extra_specs': 42}),
        ('bytes', {'extra_specs': b'pci_passthrough:alias'}),
        ('raising', {'extra_specs': adversarial.RaisingMapping()}),
        ('raising dict', {'extra_specs': adversarial.RaisingDict()}),
    ]

    def test_requests_from_flavor(self):
        self.assertRaises(exception.InvalidInput,
                          request.get_pci_requests_from_flavor,
                          {'extra_specs': self.extra_specs}, aliases=ALIASES)

    def test_numa_policy_constraint(self):
        self.assertRaises(exception.InvalidInput,
                          request.get_pci_numa_policy_constraint,
                          {'extra_specs': self.extra_specs}, None)


class TestOtherFlavorAndImageInputs(base.BaseTestCase):

    def test_flavor_whose_attributes_raise(self):
        self.assertRaises(exception.InvalidInput,
                          request.get_pci_requests_from_flavor,
                          adversarial.RaisingAttributes(), aliases=ALIASES)

    def test_image_whose_attributes_raise(self):
        self.assertRaises(exception.InvalidInput,
                          request.get_pci_numa_policy_constraint,
                          {}, adversarial.RaisingAttributes())

    def test_image_policy_that_is_not_a_string(self):
        self.assertRaises(
            exception.InvalidPCINUMAAffinity,
            request.get_pci_numa_policy_constraint,
            {}, {'properties': {'hw_pci_numa_affinity_policy':
                                adversarial.Unprintable()}})

    def test_flavor_policy_whose_comparison_raises(self):
        self.assertRaises(
            exception.InvalidPCINUMAAffinity,
            request.get_pci_numa_policy_constraint,
            {'extra_specs': {'hw:pci_numa_affinity_policy':
                             adversarial.Unprintable()}}, None)


class TestStoredBounds(base.BaseTestCase):
    """Stored requests: the package's errors, within the limits."""

    def read(self, system_metadata, prefix=''):
        return request.get_instance_pci_requests(
            {'system_metadata': system_metadata}, prefix)

    def test_deeply_nested_value(self):
        self.assertRaises(exception.InvalidStashedRequests, self.read,
                          {'pci_requests': '[' * 100000})

    def test_value_nested_past_the_limit(self):
        exc = self.assertRaises(
            exception.InvalidStashedRequests, self.read,
            {'pci_requests': adversarial.nested_text(40)})
        self.assertIn('nested more than 32 levels deep', str(exc))

    def test_value_longer_than_the_limit(self):
        value = json.dumps([{'count': 1, 'spec': [],
                             'alias_name': 'x' * (1024 * 1024)}])
        exc = self.assertRaises(exception.InvalidStashedRequests, self.read,
                                {'pci_requests': value})
        self.assertIn('at most 1048576 are read', str(exc))

    def test_value_that_is_not_text(self):
        self.assertRaises(exception.InvalidStashedRequests, self.read,
                          {'pci_requests': adversarial.Unprintable()})

    def test_system_metadata_that_is_not_iterable(self):
        self.assertRaises(exception.InvalidInput, self.read, 42)

    def test_system_metadata_that_is_a_string(self):
        self.assertRaises(exception.InvalidInput, self.read, 'pci_requests')

    def test_system_metadata_whose_get_raises(self):
        self.assertRaises(exception.InvalidInput, self.read,
                          adversarial.RaisingDict())

    def test_row_whose_reads_raise(self):
        self.assertRaises(exception.InvalidInput, self.read,
                          [adversarial.RaisingAttributes()])

    def test_more_rows_than_the_limit(self):
        rows = [{'key': 'k%d' % i, 'value': ''}
                for i in range(bounds.MAX_SYSTEM_METADATA_ROWS + 1)]
        self.assertRaises(exception.InvalidInput, self.read, rows)

    def test_prefix_none(self):
        self.assertRaises(exception.InvalidInput, self.read, {}, None)


class TestStashInputs(base.BaseTestCase):

    FLAVOR = {'extra_specs': {'pci_passthrough:alias': 'gpu:1'}}

    def test_save_into_something_that_is_not_a_dict(self):
        self.assertRaises(exception.InvalidInput,
                          request.save_flavor_pci_info, 'metadata',
                          self.FLAVOR, aliases=ALIASES)

    def test_save_with_prefix_none(self):
        self.assertRaises(exception.InvalidInput,
                          request.save_flavor_pci_info, {}, self.FLAVOR,
                          None, aliases=ALIASES)

    def test_delete_from_something_that_is_not_a_dict(self):
        self.assertRaises(exception.InvalidInput,
                          request.delete_flavor_pci_info, 42, 'old_')

    def test_delete_with_prefix_none(self):
        self.assertRaises(exception.InvalidInput,
                          request.delete_flavor_pci_info, {}, None)
