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

"""The rules of ``/v1/consumers``: the fleet view."""

from oslo_policy import policy

from nova_pci_alias.service.policies import base

PREFIX = 'pci_alias:consumers:%s'

LIST = PREFIX % 'list'

_RULES = [
    policy.DocumentedRuleDefault(
        name=LIST,
        check_str=base.ADMIN,
        description='List the fleet view: every process that reads the '
                    'alias database or this service (host, program, '
                    'process id, the revision it holds, when it loaded and '
                    'last checked, its last error), and which are behind '
                    'the current table or not heard from.',
        operations=[{'method': 'GET', 'path': '/v1/consumers'},
                    {'method': 'HEAD', 'path': '/v1/consumers'}],
        scope_types=base.SCOPE_TYPES),
]


def list_rules():
    """Return the rules of the fleet view resource."""
    return list(_RULES)
