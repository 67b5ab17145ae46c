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

"""Tests of :mod:`nova_pci_alias.nova_compat` without Nova installed.

A stand-in ``nova.exception`` module, put in ``sys.modules`` as Nova's
would be, has the two classes the translation looks for; the functional
tests (``tox -e nova``) run it against Nova's own.
"""

import sys
import types

import fixtures
from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias import nova_compat


def _fake_nova_exception():
    module = types.ModuleType(nova_compat.NOVA_EXCEPTION_MODULE)

    class NovaException(Exception):
        code = 500

        def __init__(self, message=None, **kwargs):
            self.kwargs = kwargs
            super().__init__(message)

    class PciInvalidAlias(NovaException):
        code = 400

    module.NovaException = NovaException
    module.PciInvalidAlias = PciInvalidAlias
    # Named like one of ours, but not one of Nova's: never chosen.
    module.AliasSourceError = ValueError
    return module


class TestOutsideNova(base.BaseTestCase):

    def test_error_is_returned_unchanged(self):
        self.useFixture(fixtures.MonkeyPatch(
            'sys.modules', dict(sys.modules)))
        sys.modules.pop(nova_compat.NOVA_EXCEPTION_MODULE, None)
        error = exception.PciInvalidAlias(reason='bad')
        self.assertIs(error, nova_compat.as_nova_error(error))


class TestInsideNova(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.nova = _fake_nova_exception()
        self.useFixture(fixtures.MonkeyPatch(
            'sys.modules', dict(sys.modules)))
        sys.modules[nova_compat.NOVA_EXCEPTION_MODULE] = self.nova

    def test_error_is_of_nova_class_and_of_ours(self):
        translated = nova_compat.as_nova_error(
            exception.PciInvalidAlias(reason='bad'))
        self.assertEqual(
            (True, True, 'Invalid PCI alias definition: bad', 400),
            (isinstance(translated, self.nova.PciInvalidAlias),
             isinstance(translated, exception.PciInvalidAlias),
             str(translated), translated.kwargs['code']))

    def test_nearest_base_class_of_nova_is_chosen(self):
        error = exception.PciInvalidAliasEntries(
            origin='a file',
            errors=[(0, exception.PciInvalidAlias(reason='bad'))])
        translated = nova_compat.as_nova_error(error)
        self.assertEqual(
            (True, True, str(error)),
            (isinstance(translated, self.nova.PciInvalidAlias),
             isinstance(translated, exception.PciInvalidAliasEntries),
             str(translated)))

    def test_error_nova_has_no_class_for_is_a_nova_exception(self):
        translated = nova_compat.as_nova_error(
            exception.AliasSourceError(source='remote', reason='down'))
        self.assertEqual(
            (self.nova.NovaException, 500),
            (type(translated).__mro__[1], translated.kwargs['code']))

    def test_attributes_and_keyword_arguments_are_kept(self):
        error = exception.AliasSourceError(source='remote', reason='down')
        error.extra = 'kept'
        translated = nova_compat.as_nova_error(error)
        self.assertEqual(('kept', 'remote'),
                         (translated.extra, translated.kwargs['source']))

    def test_nova_error_is_returned_unchanged(self):
        error = self.nova.PciInvalidAlias('bad')
        self.assertIs(error, nova_compat.as_nova_error(error))

    def test_class_is_made_once(self):
        first, second = (nova_compat.as_nova_error(
            exception.PciInvalidAlias(reason=reason)) for reason in 'ab')
        self.assertIs(type(first), type(second))
