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

"""The policy of the alias service: its rules, defaults and overrides."""

import json

import fixtures
from oslotest import base as test_base
import stevedore

from nova_pci_alias.service import policies
from nova_pci_alias.service import policy
from nova_pci_alias.tests.unit.service import base

#: Every operation's rule.
RULES = ['pci_alias:aliases:list', 'pci_alias:aliases:show',
         'pci_alias:aliases:update', 'pci_alias:aliases:delete',
         'pci_alias:history:list', 'pci_alias:history:show',
         'pci_alias:history:restore', 'pci_alias:consumers:list']

READS = [('GET', '/v1/aliases'), ('HEAD', '/v1/aliases'),
         ('GET', '/v1/aliases/gpu')]
ADMIN_ONLY = [('PUT', '/v1/aliases/gpu'), ('DELETE', '/v1/aliases/gpu'),
              ('GET', '/v1/history'), ('GET', '/v1/history/1'),
              ('POST', '/v1/history/1/restore'), ('GET', '/v1/consumers')]


class TestDefaults(base.APITestCase):
    """The default rules, request by request."""

    def statuses(self, requests, token):
        return [self.send(method, path, token=token).status
                for method, path in requests]

    def test_reader_reads(self):
        self.assertEqual([200] * 3, self.statuses(READS, self.reader))

    def test_service_user_reads(self):
        self.assertEqual([200] * 3, self.statuses(READS, self.service))

    def test_admin_reads(self):
        self.assertEqual([200] * 3, self.statuses(READS, self.admin))

    def test_member_without_reader_is_forbidden(self):
        self.assertEqual([403] * 3, self.statuses(READS, self.member))

    def test_reader_is_forbidden_writes_and_history(self):
        self.assertEqual([403] * 6, self.statuses(ADMIN_ONLY, self.reader))

    def test_service_user_is_forbidden_writes_and_history(self):
        self.assertEqual([403] * 6, self.statuses(ADMIN_ONLY, self.service))

    def test_admin_passes_the_rules_of_writes_and_history(self):
        # Past the policy, a service without the database source refuses
        # writes (405) and has no history (404).
        self.assertEqual([405, 405, 404, 404, 404, 404],
                         self.statuses(ADMIN_ONLY, self.admin))

    def test_forbidden_is_an_api_sig_error(self):
        response = self.send('PUT', '/v1/aliases/gpu', token=self.reader,
                             body={'entries': [{}]})
        self.assertEqual({
            'status': 403, 'title': 'Forbidden',
            'code': 'nova_pci_alias.forbidden',
            'detail': policy.FORBIDDEN_DETAIL % 'pci_alias:aliases:update',
            'request_id': response.headers['X-OpenStack-Request-Id']},
            response.error)


class TestPolicyFile(base.APITestCase):
    """A deployer's policy file overrides the defaults."""

    def setUp(self):
        super().setUp()
        path = self.useFixture(fixtures.TempDir()).join('policy.yaml')
        with open(path, 'w') as f:
            json.dump({'pci_alias:aliases:list': 'role:member'}, f)
        self.conf_fixture.config(group='oslo_policy', policy_file=path)

    def test_overridden_rule_lets_a_member_in(self):
        self.assertEqual(200, self.send(token=self.member).status)

    def test_other_rules_keep_their_defaults(self):
        self.assertEqual(403, self.send(path='/v1/aliases/gpu',
                                        token=self.member).status)


class TestRules(test_base.BaseTestCase):
    """The rules in code."""

    def documented(self):
        return [rule for rule in policies.list_rules()
                if rule.name not in ('reader', 'admin')]

    def test_one_rule_per_operation(self):
        self.assertEqual(RULES, [rule.name for rule in self.documented()])

    def test_personas(self):
        self.assertEqual(
            {'reader': 'role:reader or role:service', 'admin': 'role:admin'},
            {rule.name: rule.check_str for rule in policies.list_rules()
             if rule.name in ('reader', 'admin')})

    def test_reads_are_for_readers_the_rest_for_admins(self):
        self.assertEqual(['rule:reader'] * 2 + ['rule:admin'] * 6,
                         [rule.check_str for rule in self.documented()])

    def test_every_rule_is_project_scoped(self):
        self.assertEqual([['project']] * 8,
                         [rule.scope_types for rule in self.documented()])

    def test_every_rule_has_a_description(self):
        self.assertTrue(all(rule.description for rule in self.documented()))

    def test_policies_entry_point(self):
        manager = stevedore.NamedExtensionManager(
            'oslo.policy.policies', ['nova_pci_alias.service'],
            on_missing_entrypoints_callback=self.fail)
        self.assertEqual(RULES, [
            rule.name for ext in manager for rule in ext.plugin()][2:])

    def test_enforcer_entry_point_knows_the_rules(self):
        manager = stevedore.NamedExtensionManager(
            'oslo.policy.enforcer', ['nova_pci_alias.service'],
            on_missing_entrypoints_callback=self.fail)
        enforcer = [ext.plugin() for ext in manager][0]
        self.assertLessEqual(set(RULES), set(enforcer.registered_rules))
