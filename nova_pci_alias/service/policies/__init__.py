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

"""The default policy rules of the alias service, in code.

Each module lists the rules of one kind of resource; :func:`list_rules`
gathers them all for oslo.policy's ``Enforcer``, for
``oslopolicy-sample-generator`` (the ``nova_pci_alias.service`` entry point
of the ``oslo.policy.policies`` namespace) and for the policy reference of
the documentation.

* :mod:`~nova_pci_alias.service.policies.base` -- the personas (reader,
  admin) every other rule is written with;
* :mod:`~nova_pci_alias.service.policies.aliases` -- ``/v1/aliases``;
* :mod:`~nova_pci_alias.service.policies.history` -- ``/v1/history``;
* :mod:`~nova_pci_alias.service.policies.consumers` -- ``/v1/consumers``.
"""

import itertools

from nova_pci_alias.service.policies import aliases
from nova_pci_alias.service.policies import base
from nova_pci_alias.service.policies import consumers
from nova_pci_alias.service.policies import history


def list_rules():
    """Return every default rule of the service, personas first.

    :returns: a list of :class:`oslo_policy.policy.RuleDefault`.
    """
    return list(itertools.chain(base.list_rules(), aliases.list_rules(),
                                history.list_rules(),
                                consumers.list_rules()))
