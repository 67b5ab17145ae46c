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

"""The rules of ``/v1/history``: who changed the aliases, and undoing it."""

from oslo_policy import policy

from nova_pci_alias.service.policies import base

PREFIX = 'pci_alias:history:%s'

LIST = PREFIX % 'list'
SHOW = PREFIX % 'show'
RESTORE = PREFIX % 'restore'

_RULES = [
    policy.DocumentedRuleDefault(
        name=LIST,
        check_str=base.ADMIN,
        description='List the recorded changes of the alias table, newest '
                    'first: revision, time, operation, user, project and '
                    'request id.',
        operations=[{'method': 'GET', 'path': '/v1/history'}],
        scope_types=base.SCOPE_TYPES),
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.ADMIN,
        description='Show one recorded change with the whole table before '
                    'and after it.',
        operations=[{'method': 'GET', 'path': '/v1/history/{revision}'}],
        scope_types=base.SCOPE_TYPES),
    policy.DocumentedRuleDefault(
        name=RESTORE,
        check_str=base.ADMIN,
        description='Make the alias table what it was at a revision, as a '
                    'new change.',
        operations=[{'method': 'POST',
                     'path': '/v1/history/{revision}/restore'}],
        scope_types=base.SCOPE_TYPES),
]


def list_rules():
    """Return the rules of the history resources."""
    return list(_RULES)
