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

"""The rules of ``/v1/aliases`` and ``/v1/aliases/{name}``."""

from oslo_policy import policy

from nova_pci_alias.service.policies import base

PREFIX = 'pci_alias:aliases:%s'

LIST = PREFIX % 'list'
SHOW = PREFIX % 'show'
UPDATE = PREFIX % 'update'
DELETE = PREFIX % 'delete'

_RULES = [
    policy.DocumentedRuleDefault(
        name=LIST,
        check_str=base.READER,
        description='Read the alias document: every PCI alias of the '
                    'table the service publishes (what the remote source '
                    'of a compute node reads).',
        operations=[{'method': 'GET', 'path': '/v1/aliases'},
                    {'method': 'HEAD', 'path': '/v1/aliases'}],
        scope_types=base.SCOPE_TYPES),
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.READER,
        description='Read the entries of one PCI alias.',
        operations=[{'method': 'GET', 'path': '/v1/aliases/{name}'},
                    {'method': 'HEAD', 'path': '/v1/aliases/{name}'}],
        scope_types=base.SCOPE_TYPES),
    policy.DocumentedRuleDefault(
        name=UPDATE,
        check_str=base.ADMIN,
        description='Create a PCI alias, or replace all its entries.',
        operations=[{'method': 'PUT', 'path': '/v1/aliases/{name}'}],
        scope_types=base.SCOPE_TYPES),
    policy.DocumentedRuleDefault(
        name=DELETE,
        check_str=base.ADMIN,
        description='Delete a PCI alias and all its entries.',
        operations=[{'method': 'DELETE', 'path': '/v1/aliases/{name}'}],
        scope_types=base.SCOPE_TYPES),
]


def list_rules():
    """Return the rules of the alias resources."""
    return list(_RULES)
