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


"""The commands with Keystone tokens, against the service's auth and policy.

The service (:class:`~.base.AliasAPIFixture`) runs with ``auth_strategy =
keystone``: keystonemiddleware's ``auth_token``, whose own test fixture
stands for Keystone. The commands send a token it knows
(openstackclient's ``admin_token`` auth type: a token and the service
root). What the policy allows, what the history records of the token's
user, and what the next read serves are the service's own.
"""

import json
import os
import uuid

from keystonemiddleware import fixture as ksm_fixture
from oslotest import base as oslotest_base

from nova_pci_alias.tests.unit.osc import base
from nova_pci_alias.tests.unit.osc.base import GPU
from nova_pci_alias.tests.unit.osc.base import NIC

GPU_B = json.dumps({'vendor_id': '10de', 'product_id': '1db7'})


class EndToEndTestCase(oslotest_base.BaseTestCase):

    def setUp(self):
        super().setUp()
        if not os.path.exists(base.OPENSTACK):
            self.skipTest('python-openstackclient is not installed')
        self.keystone = self.useFixture(ksm_fixture.AuthTokenFixture())
        self.service = self.useFixture(base.AliasAPIFixture(
            [GPU, NIC], auth_strategy='keystone'))
        self.admin = self.as_persona('admin', ['admin', 'member', 'reader'])
        self.reader = self.as_persona('reader', ['reader'])

    def as_persona(self, persona, roles):
        """An ``openstack`` runner with a token of user ``PERSONA-user``.

        In project ``PERSONA-project``, with ``roles``.
        """
        token_id = uuid.uuid4().hex
        self.keystone.add_token_data(
            token_id=token_id, user_id=persona + '-user',
            project_id=persona + '-project', role_list=roles)
        return self.useFixture(base.OpenStackCommandFixture(auth_args=[
            '--os-auth-type', 'admin_token',
            '--os-endpoint', self.service.url, '--os-token', token_id]))

    def json_of(self, command, *args):
        result = command.run(*(args + ('-f', 'json')))
        self.assertEqual(0, result.returncode, result.stderr)
        return json.loads(result.stdout)


class TestEndToEnd(EndToEndTestCase):

    def test_reader_lists_the_table(self):
        listed = self.json_of(self.reader, 'pci', 'alias', 'list')
        self.assertEqual(['gpu', 'nic'], [row['name'] for row in listed])

    def test_admins_set_is_served_by_the_next_read(self):
        self.admin.run('pci', 'alias', 'set', 'gpu', '--entry', GPU_B)
        shown = self.json_of(self.reader, 'pci', 'alias', 'show', 'gpu')
        self.assertEqual(
            [{'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db7'}],
            shown['entries'])

    def test_readers_set_is_refused(self):
        result = self.reader.run('pci', 'alias', 'set', 'gpu', '--entry',
                                 GPU_B)
        self.assertEqual(
            (1, 'The PCI alias service answered 403 Forbidden'),
            (result.returncode, result.stderr.split(':')[0]))

    def test_history_names_the_admin(self):
        self.admin.run('pci', 'alias', 'delete', 'nic')
        listed = self.json_of(self.admin, 'pci', 'alias', 'history',
                              '--limit', '1')
        self.assertEqual(
            [('delete', 'nic', 'admin-user', 'admin-project')],
            [(c['operation'], c['alias'], c['user_id'], c['project_id'])
             for c in listed])

    def test_restore_brings_back_the_table_of_a_revision(self):
        before = self.json_of(self.admin, 'pci', 'alias', 'list', '--long')
        self.admin.run('pci', 'alias', 'delete', 'gpu')
        changes = self.json_of(self.admin, 'pci', 'alias', 'history')
        self.admin.run('pci', 'alias', 'restore',
                       str(changes[1]['revision']))
        self.assertEqual(
            before, self.json_of(self.admin, 'pci', 'alias', 'list',
                                 '--long'))

    def test_stale_etag_is_refused(self):
        etag = self.json_of(self.admin, 'pci', 'alias', 'show',
                            'gpu')['etag']
        self.admin.run('pci', 'alias', 'delete', 'nic')
        result = self.admin.run('pci', 'alias', 'set', 'gpu', '--entry',
                                GPU_B, '--if-match', etag)
        self.assertEqual(
            (1, 'The PCI alias service answered 412 Precondition Failed'),
            (result.returncode, result.stderr.split(':')[0]))

    def test_current_etag_of_show_lets_the_write_through(self):
        etag = self.json_of(self.admin, 'pci', 'alias', 'show',
                            'gpu')['etag']
        result = self.admin.run('pci', 'alias', 'set', 'gpu', '--entry',
                                GPU_B, '--if-match', etag)
        self.assertEqual(0, result.returncode, result.stderr)

    def test_no_token_is_refused_with_401(self):
        command = self.useFixture(base.OpenStackCommandFixture(
            self.service.url))
        result = command.run('pci', 'alias', 'list')
        self.assertEqual(
            (1, 'The PCI alias service answered 401 Unauthorized'),
            (result.returncode, result.stderr.split(':')[0]))
