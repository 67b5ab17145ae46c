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

"""Tests of the ``[pci_alias_database]`` options."""

from oslotest import base

from nova_pci_alias import opts
from nova_pci_alias.sources.database import options
from nova_pci_alias.tests.unit import fakes


class TestOptions(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        options.register_opts(self.conf)

    def settings(self, **overrides):
        self.conf_fixture.config(group=options.GROUP, **overrides)
        return options.engine_settings(self.conf)

    def test_default_connection_is_a_sqlite_file(self):
        self.assertEqual(options.DEFAULT_CONNECTION,
                         self.settings()['connection'])

    def test_engine_start_makes_one_attempt(self):
        self.assertEqual(1, self.settings()['max_retries'])

    def test_operations_are_retried_once(self):
        self.assertEqual(1, options.retry_settings(self.conf)['max_retries'])

    def test_retries_cover_disconnects(self):
        self.assertTrue(
            options.retry_settings(self.conf)['retry_on_disconnect'])

    def test_connect_timeout_for_mysql(self):
        self.assertEqual('connect_timeout=5', self.settings(
            connection='mysql+pymysql://u:p@db/x')['connection_parameters'])

    def test_connect_timeout_added_to_other_parameters(self):
        self.assertEqual('charset=utf8&connect_timeout=7', self.settings(
            connection='postgresql+psycopg2://u:p@db/x', connect_timeout=7,
            connection_parameters='charset=utf8')['connection_parameters'])

    def test_connect_timeout_given_in_the_url_is_kept(self):
        self.assertEqual('', self.settings(
            connection='mysql+pymysql://u:p@db/x?connect_timeout=30'
        )['connection_parameters'])

    def test_no_connect_timeout_for_sqlite(self):
        self.assertEqual('', self.settings(
            connection='sqlite:///x.sqlite')['connection_parameters'])

    def test_masked_url(self):
        self.assertEqual('mysql+pymysql://u:***@db/x',
                         options.masked_url('mysql+pymysql://u:pw@db/x'))

    def test_unreadable_url_is_not_repeated(self):
        self.assertNotIn('pw', options.masked_url('not a url pw'))

    def test_options_are_in_the_sample_configuration(self):
        groups = {getattr(group, 'name', group): [o.dest for o in group_opts]
                  for group, group_opts in opts.list_opts()}
        self.assertIn('connection', groups[options.GROUP])
