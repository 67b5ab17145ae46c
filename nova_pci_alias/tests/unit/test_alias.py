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

"""Tests of the alias schema and parse_aliases().

The format is doc/source/reference/alias-format.rst.
"""

import json
import operator

from oslotest import base

import nova_pci_alias
from nova_pci_alias import bounds
from nova_pci_alias import exception
from nova_pci_alias.tests import adversarial


def entry(**fields):
    """A valid alias entry as a dict, with ``fields`` changed."""
    value = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6'}
    value.update(fields)
    return {k: v for k, v in value.items() if v is not None}


def text(**fields):
    """A valid alias entry as JSON text, with ``fields`` changed."""
    return json.dumps(entry(**fields))


class ParseTestCase(base.BaseTestCase):

    def parse(self, *definitions, **kwargs):
        return nova_pci_alias.parse_aliases(definitions, **kwargs)

    def spec(self, **fields):
        """The only spec of the only alias made from one entry."""
        table = self.parse(entry(**fields))
        (alias,) = table.values()
        (spec,) = alias.specs
        return dict(spec)

    def assertInvalid(self, message, *definitions, **kwargs):
        exc = self.assertRaises(exception.PciInvalidAlias, self.parse,
                                *definitions, **kwargs)
        self.assertEqual(message, str(exc))

    def assertInvalidContaining(self, fragment, *definitions, **kwargs):
        exc = self.assertRaises(exception.PciInvalidAlias, self.parse,
                                *definitions, **kwargs)
        self.assertIn(fragment, str(exc))
        return exc


class TestName(ParseTestCase):

    def test_json_text_and_dict_give_the_same_table(self):
        self.assertEqual(self.parse(text()), self.parse(entry()))

    def test_name_is_stripped(self):
        self.assertEqual(['gpu'], list(self.parse(entry(name='  gpu\t'))))

    def test_inner_spaces_are_kept(self):
        self.assertEqual(['big gpu'], list(self.parse(entry(name='big gpu'))))

    def test_name_of_256_characters_is_accepted(self):
        self.assertEqual(1, len(self.parse(entry(name='n' * 256))))

    def test_name_of_257_characters_is_rejected(self):
        self.assertInvalidContaining('is too long', entry(name='n' * 257))

    def test_empty_name_is_rejected(self):
        self.assertInvalidContaining('Invalid PCI alias definition: ',
                                     entry(name=''))

    def test_blank_name_is_rejected(self):
        self.assertInvalidContaining('is empty', entry(name='   '))

    def test_name_with_colon_is_rejected(self):
        self.assertInvalidContaining("contains ':' or ','",
                                     entry(name='a:b'))

    def test_name_with_comma_is_rejected(self):
        self.assertInvalidContaining("contains ':' or ','",
                                     entry(name='a,b'))

    def test_missing_name_is_rejected(self):
        self.assertInvalidContaining("'name' is a required property",
                                     {'vendor_id': '10de',
                                      'product_id': '1db6'})

    def test_name_that_is_a_number_is_rejected(self):
        self.assertInvalidContaining("is not of type 'string'",
                                     entry(name=7))


class TestIds(ParseTestCase):

    def test_ids_are_kept_verbatim(self):
        self.assertEqual({'vendor_id': '10DE', 'product_id': 'a1b2'},
                         self.spec(vendor_id='10DE', product_id='a1b2'))

    def test_vendor_id_with_trailing_newline_is_rejected(self):
        self.assertInvalidContaining("(field 'vendor_id')",
                                     entry(vendor_id='8086\n'))

    def test_product_id_with_trailing_newline_is_rejected(self):
        self.assertInvalidContaining("(field 'product_id')",
                                     entry(product_id='1db6\n'))

    def test_five_digit_id_is_rejected(self):
        self.assertInvalidContaining("(field 'vendor_id')",
                                     entry(vendor_id='80861'))

    def test_three_digit_id_is_rejected(self):
        self.assertInvalidContaining("(field 'product_id')",
                                     entry(product_id='1db'))

    def test_non_hex_id_is_rejected(self):
        self.assertInvalidContaining("(field 'vendor_id')",
                                     entry(vendor_id='80g6'))

    def test_numeric_id_is_rejected(self):
        self.assertInvalidContaining("is not of type 'string'",
                                     '{"name": "a", "vendor_id": 8086, '
                                     '"product_id": "1234"}')


class TestDeviceType(ParseTestCase):

    def test_device_type_is_stored_as_dev_type(self):
        self.assertEqual('type-PF', self.spec(device_type='type-PF')
                         ['dev_type'])

    def test_device_type_key_is_not_in_the_spec(self):
        self.assertNotIn('device_type', self.spec(device_type='type-VF'))

    def test_every_device_type_is_accepted(self):
        types = ['type-PCI', 'type-PF', 'type-VF']
        table = self.parse(*[entry(name=t, device_type=t) for t in types])
        self.assertEqual(types, [table[t].specs[0]['dev_type']
                                 for t in types])

    def test_vdpa_is_rejected(self):
        self.assertInvalidContaining("(field 'device_type')",
                                     entry(device_type='vdpa'))

    def test_device_type_is_case_sensitive(self):
        self.assertInvalidContaining("(field 'device_type')",
                                     entry(device_type='TYPE-PF'))


class TestNumaPolicy(ParseTestCase):

    def test_default_policy_is_legacy(self):
        self.assertEqual('legacy', self.parse(entry())['gpu'].numa_policy)

    def test_every_policy_is_accepted(self):
        policies = ['required', 'legacy', 'preferred', 'socket']
        table = self.parse(*[entry(name=p, numa_policy=p)
                             for p in policies])
        self.assertEqual(policies, [table[p].numa_policy for p in policies])

    def test_policy_is_not_in_the_spec(self):
        self.assertNotIn('numa_policy', self.spec(numa_policy='required'))

    def test_unknown_policy_is_rejected(self):
        self.assertInvalidContaining("(field 'numa_policy')",
                                     entry(numa_policy='strict'))


class TestOtherKeys(ParseTestCase):

    def test_capability_type_pci_is_kept(self):
        self.assertEqual('pci', self.spec(capability_type='pci')
                         ['capability_type'])

    def test_other_capability_type_is_rejected(self):
        self.assertInvalidContaining("(field 'capability_type')",
                                     entry(capability_type='usb'))

    def test_resource_class_and_traits_are_kept_verbatim(self):
        spec = self.spec(resource_class=' my-gpu ', traits='blue, big')
        self.assertEqual((' my-gpu ', 'blue, big'),
                         (spec['resource_class'], spec['traits']))

    def test_unknown_key_is_rejected(self):
        self.assertInvalidContaining('Additional properties are not allowed',
                                     entry(colour='red'))

    def test_null_value_is_rejected(self):
        self.assertInvalidContaining("is not of type 'string'",
                                     '{"name": "a", "vendor_id": null, '
                                     '"product_id": "1234"}')


class TestLiveMigratable(ParseTestCase):

    def test_yes_words_become_true(self):
        words = ['1', 't', 'TRUE', 'On', ' y ', 'yes']
        specs = [self.spec(live_migratable=w)['live_migratable']
                 for w in words]
        self.assertEqual(['true'] * len(words), specs)

    def test_no_words_become_false(self):
        words = ['0', 'F', 'false', 'OFF', 'n', ' No ']
        specs = [self.spec(live_migratable=w)['live_migratable']
                 for w in words]
        self.assertEqual(['false'] * len(words), specs)

    def test_json_boolean_is_rejected(self):
        self.assertInvalidContaining("is not of type 'string'",
                                     entry(live_migratable=True))

    def test_unknown_word_is_rejected(self):
        self.assertInvalidContaining("(field 'live_migratable')",
                                     entry(live_migratable='maybe'))


class TestJson(ParseTestCase):

    def test_broken_json_is_rejected(self):
        self.assertInvalidContaining('Invalid PCI alias definition: ',
                                     '{"name": "a",}')

    def test_single_quotes_are_rejected(self):
        self.assertInvalidContaining('Invalid PCI alias definition: ',
                                     "{'name': 'a'}")

    def test_json_array_is_rejected(self):
        self.assertInvalidContaining("is not of type 'object'", '[]')

    def test_nan_is_rejected(self):
        self.assertInvalidContaining('NaN is not valid JSON',
                                     '{"name": "a", "vendor_id": NaN}')

    def test_entry_that_is_neither_text_nor_mapping_is_rejected(self):
        self.assertInvalidContaining('not int', 42)

    def test_bytes_are_accepted(self):
        self.assertEqual(['gpu'], list(self.parse(text().encode())))

    def test_input_dict_is_not_modified(self):
        original = entry(name=' gpu ', device_type='type-PF',
                         live_migratable='yes')
        snapshot = dict(original)
        self.parse(original)
        self.assertEqual(snapshot, original)

    def test_no_definitions_give_an_empty_table(self):
        self.assertEqual({}, dict(self.parse()))


class TestOrEntries(ParseTestCase):

    def test_same_name_entries_are_ored_in_order(self):
        table = self.parse(entry(product_id='0001'),
                           entry(name=' gpu', product_id='0002'))
        self.assertEqual(['0001', '0002'],
                         [s['product_id'] for s in table['gpu'].specs])

    def test_numa_policy_mismatch(self):
        self.assertInvalid("Invalid PCI alias definition: NUMA policy "
                           "mismatch for alias 'gpu'",
                           entry(numa_policy='required'), entry())

    def test_explicit_legacy_matches_the_default(self):
        table = self.parse(entry(numa_policy='legacy'), entry())
        self.assertEqual(2, len(table['gpu'].specs))

    def test_device_type_mismatch(self):
        self.assertInvalid("Invalid PCI alias definition: Device type "
                           "mismatch for alias 'gpu'",
                           entry(device_type='type-PF'),
                           entry(device_type='type-VF'))

    def test_device_type_missing_on_the_first_entry(self):
        self.assertInvalid("Invalid PCI alias definition: Device type "
                           "mismatch for alias 'gpu'",
                           entry(), entry(device_type='type-VF'))

    def test_device_type_missing_on_the_later_entry(self):
        self.assertInvalid("Invalid PCI alias definition: Device type "
                           "mismatch for alias 'gpu'",
                           entry(device_type='type-VF'), entry())

    def test_numa_policy_is_checked_before_device_type(self):
        self.assertInvalidContaining(
            'NUMA policy mismatch',
            entry(device_type='type-PF'),
            entry(device_type='type-VF', numa_policy='socket'))

    def test_first_bad_entry_wins(self):
        self.assertInvalidContaining(
            "(field 'vendor_id')",
            entry(), entry(vendor_id='x'), entry(colour='red'))

    def test_position_of_the_bad_entry(self):
        exc = self.assertRaises(exception.PciInvalidAlias, self.parse,
                                entry(), entry(name='b'), '{')
        self.assertEqual(2, exc.position)

    def test_position_of_a_whole_table_error_is_none(self):
        exc = self.assertRaises(exception.PciInvalidAlias, self.parse,
                                entry(vendor_id=None))
        self.assertIsNone(exc.position)


class TestWholeTable(ParseTestCase):

    def test_missing_ids(self):
        self.assertInvalid(
            'The PCI alias(es) a,b does not have vendor_id and product_id '
            'fields set.',
            entry(name='b', vendor_id=None), entry(name='a',
                                                   product_id=None),
            entry(name='c'), entry(name='b', vendor_id=None))

    def test_resource_class_does_not_replace_ids_without_placement(self):
        self.assertInvalidContaining(
            'does not have vendor_id and product_id fields set.',
            entry(vendor_id=None, product_id=None, resource_class='CUSTOM_X'))

    def test_resource_class_replaces_ids_with_placement(self):
        table = self.parse(
            entry(vendor_id=None, product_id=None, resource_class='X'),
            pci_in_placement=True)
        self.assertEqual({'resource_class': 'X'}, dict(table['gpu'].specs[0]))

    def test_missing_ids_and_resource_class_with_placement(self):
        self.assertInvalid(
            'The PCI alias(es) gpu does not have vendor_id and product_id '
            'fields set or resource_class field set.',
            entry(vendor_id=None), pci_in_placement=True)

    def test_multiple_specs_with_placement(self):
        self.assertInvalid(
            'The PCI alias(es) z,a have multiple specs but '
            '[filter_scheduler]pci_in_placement is True. The PCI in '
            'Placement feature only supports one spec per alias. You can '
            'assign the same resource_class to multiple [pci]device_spec '
            'matchers to allow using different devices for the same alias.',
            entry(name='z'), entry(name='a'), entry(name='m'),
            entry(name='a'), entry(name='z'), pci_in_placement=True)

    def test_multiple_specs_are_fine_without_placement(self):
        self.assertEqual(2, len(self.parse(entry(), entry())['gpu'].specs))

    def test_multiple_specs_checked_before_missing_ids(self):
        self.assertInvalidContaining(
            'have multiple specs', entry(name='b', vendor_id=None),
            entry(name='a'), entry(name='a'), pci_in_placement=True)

    def test_entry_errors_come_before_whole_table_checks(self):
        self.assertInvalidContaining(
            'Additional properties', entry(vendor_id=None),
            entry(name='b', colour='red'))


class TestTable(ParseTestCase):

    def test_table_is_read_only(self):
        table = self.parse(entry())
        self.assertRaises(TypeError, operator.setitem, table, 'x', None)

    def test_specs_are_read_only(self):
        spec = self.parse(entry())['gpu'].specs[0]
        self.assertRaises(TypeError, operator.setitem, spec, 'vendor_id',
                          'ffff')

    def test_alias_is_a_named_pair(self):
        policy, specs = self.parse(entry(numa_policy='socket'))['gpu']
        self.assertEqual(('socket', [{'vendor_id': '10de',
                                      'product_id': '1db6'}]),
                         (policy, [dict(s) for s in specs]))

    def test_entries_keep_the_stripped_input_in_order(self):
        table = self.parse(entry(name=' b '), entry(name='a'))
        self.assertEqual(['b', 'a'], [e['name'] for e in table.entries])

    def test_unknown_name_is_not_in_the_table(self):
        self.assertNotIn('nic', self.parse(entry()))


class TestBounds(ParseTestCase):
    """A table or PciInvalidAlias, and the limits hold.

    Never another exception, whatever the input.
    """

    def test_json_text_nested_990_deep(self):
        # Loads, but a schema message about it would recurse too deeply.
        self.assertInvalidContaining(
            'nested more than 32 levels deep',
            '{"name": "x", "traits": %s}' % adversarial.nested_text(990))

    def test_mapping_with_a_nested_value(self):
        self.assertInvalidContaining(
            'nested more than 32 levels deep',
            entry(traits=adversarial.nested_value(3000)))

    def test_json_text_longer_than_the_limit(self):
        self.assertInvalidContaining(
            'at most 65536 are allowed',
            text(traits='x' * bounds.MAX_ENTRY_SIZE))

    def test_mapping_larger_than_the_limit(self):
        self.assertInvalidContaining(
            'larger than 65536 characters',
            entry(traits='x' * (bounds.MAX_ENTRY_SIZE + 1)))

    def test_more_entries_than_the_limit(self):
        definitions = (entry(name='n%d' % i)
                       for i in range(bounds.MAX_ENTRIES + 1))
        exc = self.assertRaises(exception.PciInvalidAlias,
                                nova_pci_alias.parse_aliases, definitions)
        self.assertEqual(bounds.MAX_ENTRIES, exc.position)

    def test_entries_up_to_the_limit_parse(self):
        definitions = [entry(name='n%d' % i)
                       for i in range(bounds.MAX_ENTRIES)]
        self.assertEqual(bounds.MAX_ENTRIES, len(self.parse(*definitions)))

    def test_mapping_that_raises_when_read(self):
        self.assertInvalidContaining('cannot be read',
                                     adversarial.RaisingMapping())

    def test_dict_that_raises_when_read(self):
        self.assertInvalidContaining('cannot be read',
                                     adversarial.RaisingDict(name='x'))

    def test_nested_mapping_that_raises_when_read(self):
        self.assertInvalidContaining(
            'cannot be read', entry(traits=adversarial.RaisingMapping()))

    def test_definitions_that_raise_while_iterated(self):
        exc = self.assertRaises(exception.PciInvalidAlias,
                                nova_pci_alias.parse_aliases,
                                adversarial.raising_iterable(after=2))
        self.assertEqual(2, exc.position)

    def test_definitions_that_are_not_iterable(self):
        self.assertRaises(exception.PciInvalidAlias,
                          nova_pci_alias.parse_aliases, 42)

    def test_one_entry_instead_of_a_list(self):
        exc = self.assertRaises(exception.PciInvalidAlias,
                                nova_pci_alias.parse_aliases, text())
        self.assertIn('must be a list of entries, not one str', str(exc))

    def test_value_whose_repr_raises(self):
        self.assertInvalidContaining(
            'which JSON does not have',
            entry(vendor_id=adversarial.Unprintable()))

    def test_str_subclass_whose_repr_raises(self):
        class Evil(str):
            def __repr__(self):
                raise adversarial.Boom('__repr__')

        self.assertInvalidContaining("is not one of",
                                     entry(device_type=Evil('type-X')))

    def test_integer_too_large_to_print(self):
        self.assertInvalidContaining('more than 1024 bits',
                                     entry(vendor_id=10 ** 5000))

    def test_key_that_is_not_a_string(self):
        self.assertInvalidContaining('JSON keys are strings',
                                     {**entry(), 1: 'x'})

    def test_nul_in_a_name(self):
        self.assertInvalidContaining('a NUL character in',
                                     entry(name='gpu\x00'))

    def test_lone_surrogate_in_a_name(self):
        self.assertInvalidContaining('a lone surrogate',
                                     entry(name='gpu\ud800'))

    def test_lone_surrogate_escaped_in_json_text(self):
        self.assertInvalidContaining(
            'a lone surrogate', '{"name": "gpu", "traits": "\\ud800"}')

    def test_long_schema_message_is_cut(self):
        exc = self.assertInvalidContaining(
            'characters)', entry(vendor_id='x' * 20000))
        self.assertLess(len(str(exc)), 1200)


class TestTableParsedAgain(base.BaseTestCase):
    """The entries of the table just built are given that table again."""

    RC_ONLY = {'name': 'vgpu', 'resource_class': 'CUSTOM_VGPU'}

    def setUp(self):
        super().setUp()
        self.table = nova_pci_alias.parse_aliases(
            [text(), entry(name=' nic ', vendor_id='15b3', product_id='1017')])
        self.stored = [dict(entry) for entry in self.table.entries]

    def test_stored_entries_give_the_same_table(self):
        self.assertIs(self.table, nova_pci_alias.parse_aliases(self.stored))

    def test_other_entries_are_parsed(self):
        self.stored[0]['vendor_id'] = '8086'
        self.assertEqual('8086', nova_pci_alias.parse_aliases(
            self.stored).entries[0]['vendor_id'])

    def test_invalid_entries_are_refused_whatever_came_before(self):
        self.stored[0]['vendor_id'] = 'nvidia'
        self.assertRaises(exception.PciInvalidAlias,
                          nova_pci_alias.parse_aliases, self.stored)

    def test_other_rules_parse_again(self):
        table = nova_pci_alias.parse_aliases([self.RC_ONLY],
                                             pci_in_placement=True)
        stored = [dict(entry) for entry in table.entries]
        self.assertRaises(exception.PciInvalidAlias,
                          nova_pci_alias.parse_aliases, stored)

    def test_a_value_of_a_caller_class_is_parsed(self):
        class Anything(str):
            def __eq__(self, other):
                return True
            __hash__ = str.__hash__

        self.stored[0]['vendor_id'] = Anything('nvidia')
        self.assertRaises(exception.PciInvalidAlias,
                          nova_pci_alias.parse_aliases, self.stored)
