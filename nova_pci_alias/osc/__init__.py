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


"""The ``openstack pci alias`` commands: an openstackclient plugin.

python-openstackclient finds this plugin through the
``openstack.cli.extension`` entry point ``pci_alias`` (:mod:`.plugin`), and
its commands through the ``openstack.pci_alias.v1`` entry points:

* :mod:`nova_pci_alias.osc.plugin` -- what openstackclient asks of a
  plugin: its name, its API version option and the client factory;
* :mod:`nova_pci_alias.osc.client` -- the HTTP client of the alias service,
  found in the catalog by the service type ``pci-alias``;
* :mod:`nova_pci_alias.osc.v1.aliases` -- ``pci alias list``, ``show``,
  ``set`` and ``delete``;
* :mod:`nova_pci_alias.osc.v1.history` -- ``pci alias history`` and
  ``restore``.

The commands only talk HTTP: they validate nothing the service validates,
and need none of the service's configuration or database.
"""
