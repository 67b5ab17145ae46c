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

"""The policy enforcer of the alias service (oslo.policy).

The rules are the defaults in code of
:mod:`nova_pci_alias.service.policies`, overridden by the deployer's policy
file (``[oslo_policy] policy_file``, ``policy.yaml`` in the configuration
directories by default). A request is checked against the rule of its
operation with the credentials of its
:class:`~oslo_context.context.RequestContext`; a denial is answered ``403``.
"""

from oslo_config import cfg
from oslo_policy import policy

from nova_pci_alias.service import errors
from nova_pci_alias.service import policies

FORBIDDEN_DETAIL = ('Policy does not allow %s to this token (its roles or '
                    'scope); ask an admin of the cloud.')


def make_enforcer(conf):
    """Return an oslo.policy Enforcer of the service's rules for ``conf``.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts`, whose
        ``[oslo_policy]`` options the enforcer reads.
    """
    enforcer = policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    return enforcer


def get_enforcer():
    """The enforcer for oslo.policy's command-line tools.

    The ``nova_pci_alias.service`` entry point of the
    ``oslo.policy.enforcer`` namespace, used by
    ``oslopolicy-policy-generator`` and ``oslopolicy-list-redundant``; its
    configuration is ``nova.conf`` from the usual places (and so is its
    ``[oslo_policy] policy_file``).
    """
    conf = cfg.ConfigOpts()
    conf([], project='nova')
    return make_enforcer(conf)


class Authorizer:
    """Checks a request's context against the rule of an operation.

    :param enforcer: the :class:`oslo_policy.policy.Enforcer`.
    """

    def __init__(self, enforcer):
        self.enforcer = enforcer

    def authorize(self, context, rule):
        """Refuse the request unless ``rule`` allows it.

        :param context: the request's
            :class:`~oslo_context.context.RequestContext`.
        :param rule: the rule name, one of
            :mod:`nova_pci_alias.service.policies`.
        :raises nova_pci_alias.service.errors.APIError: 403, the rule (or
            the token's scope) does not allow the request.
        """
        target = {'project_id': context.project_id,
                  'user_id': context.user_id}
        try:
            allowed = self.enforcer.authorize(rule, target, context)
        except policy.InvalidScope:
            allowed = False
        if not allowed:
            raise errors.APIError(403, errors.FORBIDDEN,
                                  FORBIDDEN_DETAIL % rule)
