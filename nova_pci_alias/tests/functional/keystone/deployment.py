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

"""A small cloud: a Keystone, the alias service in its catalog.

:class:`DeploymentFixture` is what the end-to-end tests share: a
:class:`~keystone_server.KeystoneFixture`, an
:class:`~alias_service.AliasServiceFixture` authenticating with it and
registered as the public endpoint of the ``pci-alias`` service, and a
second Keystone process whose tokens expire after a few seconds.
"""

import fixtures

from nova_pci_alias.tests.functional.keystone import alias_service
from nova_pci_alias.tests.functional.keystone import keystone_server

#: ``[token] expiration`` of the second Keystone process, in seconds.
SHORT_EXPIRATION = 3


class DeploymentFixture(fixtures.Fixture):
    """Keystone and the alias service, set up in about fifteen seconds.

    Attributes, once set up: ``keystone`` (the
    :class:`~keystone_server.KeystoneFixture`), ``service`` (the
    :class:`~alias_service.AliasServiceFixture`) and ``short_auth_url``,
    the identity URL of the Keystone process whose tokens last
    :data:`SHORT_EXPIRATION` seconds.
    """

    def _setUp(self):
        self.keystone = self.useFixture(keystone_server.KeystoneFixture())
        self.service = self.useFixture(
            alias_service.AliasServiceFixture(self.keystone))
        self.keystone.register_endpoint(self.service.url)
        self.short_auth_url = self.keystone.add_server(SHORT_EXPIRATION)
