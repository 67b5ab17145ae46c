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

"""Tests of Placement request groups (doc/source/reference/placement.rst)."""

import json

from oslotest import base

import nova_pci_alias
from nova_pci_alias import bounds
from nova_pci_alias import exception
from nova_pci_alias import placement
from nova_pci_alias import request
from nova_pci_alias.tests import adversarial

#: (resource_class, the class Nova 34 gives for it), worked out with
#: nova.compute.pci_placement_translator.get_resource_class.
NOVA_RESOURCE_CLASSES = [
    ('PGPU', 'PGPU'),
    ('pgpu', 'PGPU'),
    ('VGPU', 'VGPU'),
    ('CUSTOM_GPU', 'CUSTOM_GPU'),
    ('custom_gpu', 'CUSTOM_GPU'),
    ('CUSTOM_CUSTOM_X', 'CUSTOM_CUSTOM_X'),
    ('custom-x', 'CUSTOM_CUSTOM_X'),
    ('my-gpu', 'CUSTOM_MY_GPU'),
    ('gpu a100', 'CUSTOM_GPU_A100'),
    ('A100', 'CUSTOM_A100'),
    ('a..b', 'CUSTOM_A_B'),
    ('_x_', 'CUSTOM__X_'),
    ('straße', 'CUSTOM_STRASSE'),
    ('Ärger', 'CUSTOM__RGER'),
    ('CUSTOM_ x', 'CUSTOM_ X'),
]

#: (traits, the set Nova 34 gives for it), worked out with
#: nova.compute.pci_placement_translator.get_traits, for inputs where no
#: item has surrounding spaces and none is empty.
NOVA_TRAITS = [
    ('', set()),
    ('HW_GPU_API_VULKAN', {'HW_GPU_API_VULKAN'}),
    ('hw_gpu_api_vulkan', {'CUSTOM_HW_GPU_API_VULKAN'}),
    ('CUSTOM_FAST', {'CUSTOM_FAST'}),
    ('custom_fast', {'CUSTOM_FAST'}),
    ('blue,big', {'CUSTOM_BLUE', 'CUSTOM_BIG'}),
    ('HW_CPU_X86_AVX,my-trait', {'HW_CPU_X86_AVX', 'CUSTOM_MY_TRAIT'}),
    ('a.b-c', {'CUSTOM_A_B_C'}),
    ('straße', {'CUSTOM_STRASSE'}),
    ('blue,blue', {'CUSTOM_BLUE'}),
]

TABLE = nova_pci_alias.parse_aliases([
    {'name': 'gpu', 'resource_class': 'pgpu',
     'traits': 'HW_GPU_API_VULKAN, fast'},
    {'name': 'nic', 'vendor_id': '8086', 'product_id': '15b3',
     'device_type': 'type-VF'},
], pci_in_placement=True)


def req(count=1, spec=None, alias_name='gpu', request_id='r1'):
    """A request dict as nova_pci_alias.request makes them."""
    if spec is None:
        spec = [{'vendor_id': '10de', 'product_id': '1db6'}]
    return {'count': count, 'spec': spec, 'alias_name': alias_name,
            'numa_policy': 'legacy', 'request_id': request_id}


def rc_of(**spec):
    return placement.resource_class(spec)


def traits_of(traits):
    return placement.required_traits({'traits': traits})


class TestResourceClass(base.BaseTestCase):

    def test_standard_class_is_kept(self):
        self.assertEqual('PGPU', rc_of(resource_class='PGPU'))

    def test_custom_class_is_kept(self):
        self.assertEqual('CUSTOM_A100', rc_of(resource_class='CUSTOM_A100'))

    def test_standard_class_in_lower_case_is_upper_cased(self):
        self.assertEqual('VGPU', rc_of(resource_class='vgpu'))

    def test_other_names_become_custom_with_underscores(self):
        self.assertEqual('CUSTOM_NVIDIA_A100_80G',
                         rc_of(resource_class='nvidia a100/80g'))

    def test_resource_class_wins_over_ids(self):
        self.assertEqual('CUSTOM_GPU', rc_of(resource_class='gpu',
                                             vendor_id='10de',
                                             product_id='1db6'))

    def test_absent_class_is_made_from_ids_in_upper_case(self):
        self.assertEqual('CUSTOM_PCI_8086_15B3',
                         rc_of(vendor_id='8086', product_id='15b3'))

    def test_empty_class_is_made_from_ids(self):
        self.assertEqual('CUSTOM_PCI_10DE_1DB6',
                         rc_of(resource_class='', vendor_id='10de',
                               product_id='1db6'))

    def test_same_classes_as_nova(self):
        differ = [(given, expected, rc_of(resource_class=given))
                  for given, expected in NOVA_RESOURCE_CLASSES
                  if rc_of(resource_class=given) != expected]
        self.assertEqual([], differ)

    def test_missing_product_id_is_an_error(self):
        self.assertRaises(exception.PciPlacementNoResourceClass,
                          rc_of, vendor_id='8086')

    def test_missing_ids_error_names_what_is_missing(self):
        exc = self.assertRaises(exception.PciPlacementNoResourceClass,
                                rc_of, capability_type='pci')
        self.assertIn('no vendor_id or product_id', str(exc))

    def test_missing_ids_error_names_only_the_missing_id(self):
        exc = self.assertRaises(exception.PciPlacementNoResourceClass,
                                rc_of, product_id='15b3')
        self.assertIn('no vendor_id, so', str(exc))

    def test_missing_ids_error_is_a_value_error(self):
        self.assertRaises(ValueError, rc_of)

    def test_error_is_a_package_error(self):
        self.assertRaises(exception.NovaPciAliasException, rc_of)


class TestRequiredTraits(base.BaseTestCase):

    def test_standard_trait_is_kept(self):
        self.assertEqual({'HW_GPU_API_VULKAN'},
                         traits_of('HW_GPU_API_VULKAN'))

    def test_custom_trait_is_kept(self):
        self.assertEqual({'CUSTOM_FAST'}, traits_of('CUSTOM_FAST'))

    def test_other_trait_is_normalised_to_custom(self):
        self.assertEqual({'CUSTOM_MY_TRAIT'}, traits_of('my-trait'))

    def test_spaces_around_items_are_stripped(self):
        self.assertEqual({'CUSTOM_BLUE', 'CUSTOM_BIG'},
                         traits_of('blue, big'))

    def test_spaces_around_a_standard_trait_are_stripped(self):
        self.assertEqual({'HW_GPU_API_VULKAN'},
                         traits_of(' HW_GPU_API_VULKAN '))

    def test_empty_items_are_dropped(self):
        self.assertEqual({'CUSTOM_A', 'CUSTOM_B'}, traits_of(',a,, ,b,'))

    def test_absent_traits_give_an_empty_set(self):
        self.assertEqual(set(), placement.required_traits({}))

    def test_blank_traits_give_an_empty_set(self):
        self.assertEqual(set(), traits_of(' , '))

    def test_same_traits_as_nova(self):
        differ = [(given, expected, traits_of(given))
                  for given, expected in NOVA_TRAITS
                  if traits_of(given) != expected]
        self.assertEqual([], differ)


class TestRequestGroups(base.BaseTestCase):

    def test_group_shape(self):
        self.assertEqual(
            [{'requester_id': 'r1-0',
              'resources': {'CUSTOM_PCI_10DE_1DB6': 1},
              'required_traits': set(),
              'use_same_provider': True}],
            placement.request_groups([req()]))

    def test_one_group_per_device_numbered_from_zero(self):
        self.assertEqual(
            ['ID-0', 'ID-1', 'ID-2'],
            [g['requester_id'] for g in
             placement.request_groups([req(count=3, request_id='ID')])])

    def test_each_group_asks_for_one_device(self):
        self.assertEqual(
            [{'CUSTOM_PCI_10DE_1DB6': 1}] * 3,
            [g['resources']
             for g in placement.request_groups([req(count=3)])])

    def test_groups_carry_the_spec_traits(self):
        spec = [{'resource_class': 'PGPU', 'traits': 'blue, big'}]
        self.assertEqual(
            [{'CUSTOM_BLUE', 'CUSTOM_BIG'}],
            [g['required_traits']
             for g in placement.request_groups([req(spec=spec)])])

    def test_groups_do_not_share_their_trait_sets(self):
        spec = [{'resource_class': 'PGPU', 'traits': 'blue'}]
        first, second = placement.request_groups([req(count=2, spec=spec)])
        first['required_traits'].add('CUSTOM_RED')
        self.assertEqual({'CUSTOM_BLUE'}, second['required_traits'])

    def test_request_order_then_device_order(self):
        groups = placement.request_groups([
            req(count=2, request_id='a'), req(count=1, request_id='b'),
            req(count=2, request_id='c')])
        self.assertEqual(['a-0', 'a-1', 'b-0', 'c-0', 'c-1'],
                         [g['requester_id'] for g in groups])

    def test_no_requests_give_no_groups(self):
        self.assertEqual([], placement.request_groups([]))

    def test_requests_without_alias_are_left_out(self):
        port = req(alias_name=None, request_id='port',
                   spec=[{'physical_network': 'physnet1'}])
        self.assertEqual(
            ['r1-0'],
            [g['requester_id']
             for g in placement.request_groups([port, req()])])

    def test_requests_are_not_modified(self):
        requests = [req(count=2)]
        before = json.dumps(requests, sort_keys=True)
        placement.request_groups(requests)
        self.assertEqual(before, json.dumps(requests, sort_keys=True))

    def test_multi_spec_request_is_an_error(self):
        two = [{'vendor_id': '8086', 'product_id': '154c'},
               {'vendor_id': '8086', 'product_id': '1889'}]
        self.assertRaises(exception.PciPlacementMultipleSpecs,
                          placement.request_groups,
                          [req(alias_name='nic', spec=two)])

    def test_multi_spec_error_names_the_alias(self):
        two = [{'vendor_id': '8086', 'product_id': '154c'},
               {'vendor_id': '8086', 'product_id': '1889'}]
        exc = self.assertRaises(exception.PciPlacementMultipleSpecs,
                                placement.request_groups,
                                [req(alias_name='nic', spec=two)])
        self.assertIn('alias nic has 2 device specs', str(exc))

    def test_multi_spec_error_is_a_value_error_as_in_nova(self):
        two = [{'vendor_id': '8086', 'product_id': '154c'}] * 2
        self.assertRaises(ValueError, placement.request_groups,
                          [req(spec=two)])

    def test_request_without_specs_is_an_error(self):
        self.assertRaises(exception.PciPlacementMultipleSpecs,
                          placement.request_groups, [req(spec=[])])

    def test_first_bad_request_decides_the_error(self):
        bad_rc = req(alias_name='odd', spec=[{'vendor_id': '8086'}])
        two = req(alias_name='nic', spec=[{'vendor_id': '8086'}] * 2)
        self.assertRaises(exception.PciPlacementNoResourceClass,
                          placement.request_groups, [bad_rc, two])

    def test_missing_ids_error_names_the_alias(self):
        bad = req(alias_name='odd', spec=[{'vendor_id': '8086'}])
        exc = self.assertRaises(exception.PciPlacementNoResourceClass,
                                placement.request_groups, [bad])
        self.assertTrue(str(exc).startswith('PCI alias odd: '))

    def test_request_without_request_id_is_an_error(self):
        exc = self.assertRaises(exception.PciPlacementError,
                                placement.request_groups,
                                [req(request_id=None)])
        self.assertIn('no request_id', str(exc))


class TestBounds(base.BaseTestCase):
    """PciPlacementError for every input, within the limits."""

    def groups_error(self, requests):
        return self.assertRaises(exception.PciPlacementError,
                                 placement.request_groups, requests)

    def test_spec_that_is_not_a_mapping(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.resource_class, 'PGPU')

    def test_resource_class_that_is_not_a_string(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.resource_class, {'resource_class': 42})

    def test_vendor_id_that_is_not_a_string(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.resource_class,
                          {'vendor_id': 0x10de, 'product_id': '1db6'})

    def test_resource_class_longer_than_placement_allows(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.resource_class,
                          {'resource_class': 'x' * 250})

    def test_spec_whose_get_raises(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.resource_class,
                          adversarial.RaisingMapping())

    def test_traits_that_are_not_a_string(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.required_traits, {'traits': ['a']})

    def test_traits_longer_than_an_entry_may_be(self):
        self.assertRaises(exception.PciPlacementError,
                          placement.required_traits,
                          {'traits': 'a,' * bounds.MAX_ENTRY_SIZE})

    def test_count_above_the_limit(self):
        self.groups_error([req(count=bounds.MAX_DEVICE_COUNT + 1)])

    def test_counts_above_the_limit_in_all(self):
        self.groups_error([req(count=1000), req(count=25)])

    def test_count_that_is_not_a_number(self):
        self.groups_error([req(count='2')])

    def test_count_that_is_a_boolean(self):
        self.groups_error([req(count=True)])

    def test_request_that_is_not_a_mapping(self):
        self.groups_error([['gpu']])

    def test_requests_that_are_not_a_list(self):
        self.groups_error(42)

    def test_requests_that_raise_when_iterated(self):
        self.groups_error(adversarial.raising_iterable(after=0))

    def test_request_whose_get_raises(self):
        self.groups_error([adversarial.RaisingMapping()])

    def test_spec_list_that_is_not_a_list(self):
        self.groups_error([req(spec='x')])

    def test_request_id_whose_truth_raises(self):
        self.groups_error([req(request_id=adversarial.Unprintable())])

    def test_more_requests_than_the_limit(self):
        self.groups_error([req(alias_name=None)] * (bounds.MAX_REQUESTS + 1))


class TestFromAliasTable(base.BaseTestCase):

    def groups(self, alias_spec):
        requests = request.translate_alias_to_requests(alias_spec,
                                                       aliases=TABLE)
        return requests, placement.request_groups(requests)

    def test_end_to_end(self):
        requests, groups = self.groups('gpu:2,nic:1')
        gpu_id, nic_id = (r['request_id'] for r in requests)
        self.assertEqual(
            [{'requester_id': gpu_id + '-0',
              'resources': {'PGPU': 1},
              'required_traits': {'HW_GPU_API_VULKAN', 'CUSTOM_FAST'},
              'use_same_provider': True},
             {'requester_id': gpu_id + '-1',
              'resources': {'PGPU': 1},
              'required_traits': {'HW_GPU_API_VULKAN', 'CUSTOM_FAST'},
              'use_same_provider': True},
             {'requester_id': nic_id + '-0',
              'resources': {'CUSTOM_PCI_8086_15B3': 1},
              'required_traits': set(),
              'use_same_provider': True}],
            groups)

    def test_requests_read_back_from_metadata(self):
        metadata = {}
        request.save_flavor_pci_info(
            metadata, {'extra_specs': {'pci_passthrough:alias': 'nic:2'}},
            aliases=TABLE)
        requests = request.get_instance_pci_requests(
            {'system_metadata': metadata})
        self.assertEqual(
            [requests[0]['request_id'] + '-0',
             requests[0]['request_id'] + '-1'],
            [g['requester_id'] for g in placement.request_groups(requests)])

    def test_multi_spec_alias_of_a_non_placement_table_is_refused(self):
        table = nova_pci_alias.parse_aliases([
            {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c'},
            {'name': 'nic', 'vendor_id': '8086', 'product_id': '1889'}])
        requests = request.translate_alias_to_requests('nic:1',
                                                       aliases=table)
        self.assertRaises(exception.PciPlacementMultipleSpecs,
                          placement.request_groups, requests)
