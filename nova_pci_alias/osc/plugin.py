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


"""The openstackclient plugin interface of ``openstack pci alias``.

openstackclient loads this module through the ``openstack.cli.extension``
entry point ``pci_alias``, adds :func:`build_option_parser`'s option to the
command line, and calls :func:`make_client` the first time a command uses
``self.app.client_manager.pci_alias``.
"""

from osc_lib import exceptions
from osc_lib import utils
from oslo_utils import importutils

from nova_pci_alias.osc import client

#: The name of the client attribute on openstackclient's client manager.
API_NAME = 'pci_alias'
#: The attribute of the parsed arguments that holds the API version.
API_VERSION_OPTION = 'os_pci_alias_api_version'
#: The API versions the commands speak, and the client class of each.
API_VERSIONS = {'1': 'nova_pci_alias.osc.client.Client'}
#: The version used unless asked otherwise.
DEFAULT_API_VERSION = '1'


def make_client(instance):
    """Return the alias service client of a command.

    :param instance: openstackclient's ``ClientManager``: its session, its
        interface and region, and the API version asked for.
    :raises osc_lib.exceptions.UnsupportedVersion: not a version of
        :data:`API_VERSIONS`.
    """
    version = str(instance._api_version[API_NAME])
    if version not in API_VERSIONS:
        raise exceptions.UnsupportedVersion(
            'PCI alias API version %s is not supported; the versions are: '
            '%s' % (version, ', '.join(sorted(API_VERSIONS))))
    client_class = importutils.import_class(API_VERSIONS[version])
    # An endpoint the configuration gives (clouds.yaml's
    # pci_alias_endpoint_override, or --os-endpoint with the "none" auth
    # type); None leaves it to the catalog.
    endpoint = instance._cli_options.get_endpoint(client.SERVICE_TYPE)
    return client_class(instance.session, interface=instance.interface,
                        region_name=instance.region_name,
                        endpoint_override=endpoint)


def build_option_parser(parser):
    """Add ``--os-pci-alias-api-version`` to openstackclient's options."""
    parser.add_argument(
        '--os-pci-alias-api-version',
        metavar='<pci-alias-api-version>',
        default=utils.env('OS_PCI_ALIAS_API_VERSION',
                          default=DEFAULT_API_VERSION),
        help='PCI alias API version, default=%s (Env: '
             'OS_PCI_ALIAS_API_VERSION)' % DEFAULT_API_VERSION)
    return parser
