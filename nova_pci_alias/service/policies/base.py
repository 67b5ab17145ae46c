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

"""The personas of the alias service's rules: reader and admin.

The reader and admin personas of OpenStack's consistent role-based access
control: anyone who may read the cloud's PCI aliases (a user choosing a
flavor, a compute node with a service user), and the cloud's operators,
who change them. Keystone's default role implications give an admin the
reader role too, so an admin token passes the reader rule.
"""

from oslo_policy import policy

#: The rule every read is written with.
READER = 'rule:reader'
#: The rule every write and every look at the history is written with.
ADMIN = 'rule:admin'

#: The scope of every rule: project-scoped tokens.
SCOPE_TYPES = ['project']

_RULES = [
    policy.RuleDefault(
        name='reader',
        check_str='role:reader or role:service',
        description='A reader of the PCI aliases: any user with the '
                    'reader role, and the service users of the compute '
                    'nodes (service role).'),
    policy.RuleDefault(
        name='admin',
        check_str='role:admin',
        description='An administrator of the cloud, who may change the PCI '
                    'aliases and read their history.'),
]


def list_rules():
    """Return the persona rules."""
    return list(_RULES)
