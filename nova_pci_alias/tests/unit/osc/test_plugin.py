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


"""Tests of the plugin interface, as openstackclient loads it."""

import json

from nova_pci_alias.tests.unit.osc import base


class TestPlugin(base.CommandTestCase):

    def test_commands_are_in_the_plugins_group(self):
        listed = self.json_of('command', 'list', '--group', 'pci_alias')
        self.assertEqual(
            [{'Command Group': 'openstack.pci_alias.v1',
              'Commands': ['pci alias consumers', 'pci alias delete',
                           'pci alias history', 'pci alias list',
                           'pci alias restore', 'pci alias set',
                           'pci alias show']}], listed)

    def test_api_version_option_is_offered(self):
        result = self.openstack('--help')
        self.assertIn('--os-pci-alias-api-version', result.stdout)

    def test_unknown_api_version_is_refused(self):
        result = self.openstack('--os-pci-alias-api-version', '2',
                                'pci', 'alias', 'list')
        self.assertIn('pci_alias API version 2 is not in supported '
                      'versions: 1', result.stderr)

    def test_version_1_is_accepted(self):
        result = self.openstack('--os-pci-alias-api-version', '1',
                                'pci', 'alias', 'list', '-f', 'json')
        self.assertEqual(['gpu', 'nic'],
                         [row['name'] for row in json.loads(result.stdout)])
