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

"""The database source when the database cannot be reached.

Two real situations: a server that was never reachable (nothing listens on
the port), and a server that goes away after a good load (a TCP proxy in
front of MySQL or PostgreSQL that the test closes).
"""

import logging

import fixtures
from oslotest import base as test_base
import pymysql

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base
from nova_pci_alias.tests.unit.sources.database import tcpproxy


class TestNeverReachable(test_base.BaseTestCase):
    """Nothing listens on the port: MySQL here."""

    DEAD_URL = 'mysql+pymysql://u:secret@127.0.0.1:1/x'

    def setUp(self):
        super().setUp()
        self.useFixture(base.IsolatedContextFixture())
        self.useFixture(fixtures.FakeLogger())
        conf_fixture = self.useFixture(fakes.ConfFixture())
        conf_fixture.config(group='pci_alias', sources=['database'])
        self.registry = registry.AliasRegistry.from_config(conf_fixture.conf)
        conf_fixture.config(group='pci_alias_database',
                            connection=self.DEAD_URL, db_retry_interval=0)

    def error(self):
        return self.assertRaises(exception.AliasSourceError,
                                 self.registry.get_table)

    def test_error_names_the_masked_url(self):
        self.assertIn('cannot connect to %s' % self.DEAD_URL.replace(
            'secret', '***'), str(self.error()))

    def test_error_hides_the_password(self):
        self.assertNotIn('secret', str(self.error()))

    def test_oslo_db_does_not_log_it_again(self):
        oslo_db_log = self.useFixture(fixtures.FakeLogger(
            name='oslo_db', level=logging.WARNING))
        self.error()
        self.assertEqual('', oslo_db_log.output)

    def test_error_is_a_source_error_not_a_readiness_one(self):
        self.assertNotIsInstance(self.error(), exception.AliasSourceNotReady)


class TestDriverNotInstalled(test_base.BaseTestCase):
    """The URL names a database driver that is not installed."""

    def error(self, url):
        self.useFixture(base.IsolatedContextFixture())
        self.useFixture(fixtures.FakeLogger())
        conf_fixture = self.useFixture(fakes.ConfFixture())
        conf_fixture.config(group='pci_alias', sources=['database'])
        reg = registry.AliasRegistry.from_config(conf_fixture.conf)
        conf_fixture.config(group='pci_alias_database', connection=url)
        return str(self.assertRaises(exception.AliasSourceError,
                                     reg.get_table))

    def test_unknown_driver(self):
        self.assertIn('the database driver of this URL is not installed',
                      self.error('mysql+nosuchdriver://u:s@h/x'))

    def test_names_the_extra_that_brings_the_driver(self):
        self.assertIn('nova_pci_alias[mysql]',
                      self.error('mysql+nosuchdriver://u:s@h/x'))

    def test_driver_module_missing(self):
        # mysqlclient (MySQLdb) is not among the test requirements.
        self.assertIn("No module named 'MySQLdb'",
                      self.error('mysql+mysqldb://u:s@h/x'))

    def test_short_password_does_not_garble_the_message(self):
        self.assertIn('mysql.nosuchdriver',
                      self.error('mysql+nosuchdriver://u:s@h/x'))


class TestNeverReachablePostgreSQL(TestNeverReachable):
    """The same with PostgreSQL, whose client words it differently."""

    DEAD_URL = 'postgresql+psycopg2://u:secret@127.0.0.1:1/x'


class TestDriverQuotesThePassword(test_base.BaseTestCase):
    """A driver error that quotes the password its own way.

    libpq quotes a connection setting that holds a space
    (``password='a b'``); neither URL form matches it.
    """

    def test_long_password_is_hidden_wherever_it_appears(self):
        self.useFixture(base.IsolatedContextFixture())
        self.useFixture(fixtures.FakeLogger())
        self.useFixture(fixtures.MockPatch('pymysql.connect', side_effect=(
            pymysql.err.OperationalError(
                2003, "bad settings: password='long secret'"))))
        conf_fixture = self.useFixture(fakes.ConfFixture())
        conf_fixture.config(group='pci_alias', sources=['database'])
        reg = registry.AliasRegistry.from_config(conf_fixture.conf)
        conf_fixture.config(
            group='pci_alias_database', db_retry_interval=0,
            connection='mysql+pymysql://u:long%20secret@127.0.0.1:1/x')
        error = str(self.assertRaises(exception.AliasSourceError,
                                      reg.get_table))
        self.assertEqual((False, True),
                         ('long secret' in error, "password='***'" in error))


class TestOutage(base.DatabaseTestCase):
    """A server that goes away after a good load: MySQL here."""

    FIXTURE = base.MySQLFixture

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('a')], 'test')
        proxy = self.useFixture(tcpproxy.TCPProxyFixture(
            self.engine.url.host or '127.0.0.1',
            self.engine.url.port or self.DEFAULT_PORT))
        self.proxy = proxy
        # From here on the source reaches the database through the proxy.
        self.useFixture(base.IsolatedContextFixture())
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.registry'))
        self.conf_fixture.config(group='pci_alias', sources=['database'],
                                 refresh_interval=0)
        self.registry = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, self.registry)
        url = self.engine.url.set(host='127.0.0.1', port=proxy.port)
        self.conf_fixture.config(
            group='pci_alias_database', db_retry_interval=0,
            connection=url.render_as_string(hide_password=False))
        self.good = self.registry.get_table()

    DEFAULT_PORT = 3306

    def test_outage_is_real(self):
        self.proxy.close()
        self.assertRaises(exception.AliasSourceError, self.registry.refresh)

    def test_outage_keeps_the_last_good_table(self):
        self.proxy.close()
        self.assertIs(self.good, fakes.table_after_check(self.registry))

    def test_outage_is_logged_once(self):
        self.proxy.close()
        for _ in range(3):
            fakes.table_after_check(self.registry)
        self.assertEqual(1, self.logger.output.count(
            'Refreshing the PCI alias table failed'))

    def test_outage_leaves_no_oslo_db_traceback(self):
        oslo_db_log = self.useFixture(fixtures.FakeLogger(
            name='oslo_db', level=logging.WARNING))
        self.proxy.close()
        fakes.table_after_check(self.registry)
        self.assertEqual('', oslo_db_log.output)

    def test_outage_log_names_the_masked_url(self):
        self.proxy.close()
        fakes.table_after_check(self.registry)
        self.assertIn('cannot connect to %s' % self.proxy_url(),
                      self.logger.output)

    def proxy_url(self):
        return self.engine.url.set(
            host='127.0.0.1', port=self.proxy.port).render_as_string(
                hide_password=True)


class TestOutagePostgreSQL(TestOutage):
    FIXTURE = base.PostgreSQLFixture
    DEFAULT_PORT = 5432
