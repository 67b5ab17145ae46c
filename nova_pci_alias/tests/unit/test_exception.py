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

"""Tests of the package's exceptions (doc/source/reference/api.rst)."""

from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias.tests import adversarial


class TestExceptions(base.BaseTestCase):

    def test_invalid_alias_text(self):
        self.assertEqual('Invalid PCI alias definition: bad',
                         str(exception.PciInvalidAlias(reason='bad')))

    def test_not_defined_text(self):
        self.assertEqual(
            'PCI alias x is not defined',
            str(exception.PciRequestAliasNotDefined(alias='x')))

    def test_positional_message_replaces_the_text(self):
        self.assertEqual('whole text',
                         str(exception.PciInvalidAlias('whole text')))

    def test_keyword_arguments_are_kept(self):
        self.assertEqual({'alias': 'x'},
                         exception.PciRequestAliasNotDefined(alias='x')
                         .kwargs)

    def test_missing_argument_still_gives_a_message(self):
        self.assertIn('Invalid PCI alias definition',
                      str(exception.PciInvalidAlias()))

    def test_argument_that_cannot_be_printed_still_gives_a_message(self):
        self.assertIn('PCI alias', str(exception.PciRequestAliasNotDefined(
            alias=adversarial.Unprintable())))

    def test_invalid_input_is_a_value_error(self):
        self.assertIsInstance(exception.InvalidInput(what='x', reason='y'),
                              ValueError)

    def test_common_base(self):
        # Every exception class the module defines, new ones included.
        classes = [value for value in vars(exception).values()
                   if isinstance(value, type)
                   and issubclass(value, BaseException)
                   and value.__module__ == exception.__name__]
        self.assertEqual([], [c.__name__ for c in classes if not issubclass(
            c, exception.NovaPciAliasException)])
        self.assertIn(exception.NoAliasSource, classes)

    def test_invalid_alias_spec_is_a_value_error(self):
        self.assertIsInstance(
            exception.InvalidAliasSpec(item='a', alias_spec='a'), ValueError)
