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

from urllib import parse

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

    def test_deadlocks_are_retried(self):
        self.assertTrue(
            options.retry_settings(self.conf)['retry_on_deadlock'])

    def test_disconnects_are_left_to_the_caller_s_check(self):
        # The api retries a lost connection unless a deadline passed.
        self.assertFalse(
            options.retry_settings(self.conf)['retry_on_disconnect'])

    def parameters(self, **overrides):
        """The driver parameters that reach the URL, as a dict."""
        return dict(parse.parse_qsl(
            self.settings(**overrides)['connection_parameters']))

    def test_connect_timeout_for_mysql(self):
        self.assertEqual('5', self.parameters(
            connection='mysql+pymysql://u:p@db/x')['connect_timeout'])

    def test_read_timeout_for_mysql(self):
        self.assertEqual('7', self.parameters(
            connection='mysql+pymysql://u:p@db/x',
            statement_timeout=7)['read_timeout'])

    def test_write_timeout_for_mysql(self):
        self.assertEqual('7', self.parameters(
            connection='mysql+pymysql://u:p@db/x',
            statement_timeout=7)['write_timeout'])

    def test_read_timeout_for_mysqlclient(self):
        self.assertEqual('5', self.parameters(
            connection='mysql://u:p@db/x')['read_timeout'])

    def test_no_read_timeout_for_another_mysql_driver(self):
        self.assertNotIn('read_timeout', self.parameters(
            connection='mysql+mysqlconnector://u:p@db/x'))

    def test_server_statement_timeout_for_postgresql(self):
        self.assertEqual('-c statement_timeout=7000', self.parameters(
            connection='postgresql+psycopg2://u:p@db/x',
            statement_timeout=7)['options'])

    def test_connect_timeout_for_postgresql(self):
        self.assertEqual('7', self.parameters(
            connection='postgresql://u:p@db/x',
            connect_timeout=7)['connect_timeout'])

    def test_busy_timeout_for_sqlite(self):
        self.assertEqual({'timeout': '3'}, self.parameters(
            connection='sqlite:///x.sqlite', sqlite_busy_timeout=3))

    def test_deadlines_added_to_other_parameters(self):
        self.assertTrue(self.settings(
            connection='postgresql+psycopg2://u:p@db/x',
            connection_parameters='charset=utf8'
        )['connection_parameters'].startswith('charset=utf8&'))

    def test_parameter_given_in_the_url_is_kept(self):
        self.assertNotIn('connect_timeout', self.parameters(
            connection='mysql+pymysql://u:p@db/x?connect_timeout=30'))

    def test_parameter_given_in_connection_parameters_is_kept(self):
        self.assertEqual('-c search_path=x', self.parameters(
            connection='postgresql+psycopg2://u:p@db/x',
            connection_parameters='options=-c%20search_path%3Dx'
        )['options'])

    def test_blank_options_turn_the_server_statement_timeout_off(self):
        # For PgBouncer, which refuses the options start-up parameter.
        self.assertEqual('options=', self.settings(
            connection='postgresql+psycopg2://u:p@db/x',
            connection_parameters='options='
        )['connection_parameters'].split('&')[0])

    def test_added_parameters_are_named(self):
        self.conf_fixture.config(group=options.GROUP,
                                 connection='mysql+pymysql://u:p@db/x',
                                 connection_parameters='charset=utf8')
        self.assertEqual({'connect_timeout', 'read_timeout', 'write_timeout'},
                         options.added_parameters(self.conf))

    def test_masked_url(self):
        self.assertEqual('mysql+pymysql://u:***@db/x',
                         options.masked_url('mysql+pymysql://u:pw@db/x'))

    def test_unreadable_url_is_not_repeated(self):
        self.assertNotIn('pw', options.masked_url('not a url pw'))

    def test_options_are_in_the_sample_configuration(self):
        groups = {getattr(group, 'name', group): [o.dest for o in group_opts]
                  for group, group_opts in opts.list_opts()}
        self.assertIn('connection', groups[options.GROUP])

    def test_deadlines_are_in_the_sample_configuration(self):
        groups = {getattr(group, 'name', group): [o.dest for o in group_opts]
                  for group, group_opts in opts.list_opts()}
        self.assertLessEqual(
            {'connect_timeout', 'statement_timeout', 'sqlite_busy_timeout'},
            set(groups[options.GROUP]))

    def test_deadlines_default_to_ten_seconds_at_most(self):
        self.assertLessEqual(max(options.deadlines().values()), 10)
