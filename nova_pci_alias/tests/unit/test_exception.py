"""Tests of the package's exceptions (SPEC section 5)."""

from oslotest import base

from nova_pci_alias import exception


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

    def test_common_base(self):
        classes = [exception.PciInvalidAlias,
                   exception.PciRequestAliasNotDefined,
                   exception.InvalidAliasSpec,
                   exception.ImagePCINUMAPolicyForbidden,
                   exception.InvalidPCINUMAAffinity,
                   exception.InvalidStashedRequests,
                   exception.AliasSourceError,
                   exception.AliasSourceNotFound,
                   exception.AliasSourceNotLoaded]
        self.assertEqual([], [c for c in classes if not issubclass(
            c, exception.NovaPciAliasException)])

    def test_invalid_alias_spec_is_a_value_error(self):
        self.assertIsInstance(
            exception.InvalidAliasSpec(item='a', alias_spec='a'), ValueError)
