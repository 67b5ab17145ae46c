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

"""The deadlines of the database source, against servers that never answer.

Three real situations, with deadlines of two seconds:

* a server that accepts connections and never answers, from the first
  byte (a TCP proxy in blackhole mode): no MySQL greeting, no answer to
  PostgreSQL's start-up message;
* a server that stops answering on an open connection after a good load
  (the proxy freezes: nothing is forwarded, the connections stay open);
* a writer that holds the writers' lock and never commits (a transaction
  of the test's own).

Each call under test runs in a thread that the test waits for at most
:data:`HANG`, far beyond the deadlines, so that a call that hangs fails
the test instead of hanging the run; the assertions are on the error, not
on timings (``tools/bench_database.py`` measures those).
"""

import sqlite3
import threading

import fixtures
from oslotest import base as test_base
import sqlalchemy as sa

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base
from nova_pci_alias.tests.unit.sources.database import tcpproxy

#: The deadlines configured here, in seconds.
DEADLINE = 2
#: How long a test waits for a call before it calls it hung.
HANG = 60


def outcome_of(test, func):
    """Run ``func`` in a thread; return its result or the error it raised.

    Fails ``test`` if the call is still waiting after :data:`HANG` seconds
    (the thread is left behind, blocked).
    """
    box = {}

    def run():
        try:
            box['result'] = func()
        except Exception as exc:
            box['result'] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG)
    if thread.is_alive():
        test.fail('still waiting after %d seconds' % HANG)
    return box['result']


class _ThroughProxy:
    """A registry reading the ``database`` source through a TCP proxy."""

    MODE = tcpproxy.FORWARD

    def use_proxy(self, url):
        """Point a registry at ``url`` through a new proxy."""
        self.proxy = self.useFixture(tcpproxy.TCPProxyFixture(
            url.host or '127.0.0.1', url.port or self.DEFAULT_PORT,
            mode=self.MODE))
        self.useFixture(base.IsolatedContextFixture())
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.registry'))
        conf_fixture = self.useFixture(fakes.ConfFixture())
        conf_fixture.config(group='pci_alias', sources=['database'],
                            refresh_interval=0)
        self.registry = registry.AliasRegistry.from_config(conf_fixture.conf)
        # A background check must end before the proxy and the database go.
        self.addCleanup(fakes.wait_for_check, self.registry)
        proxied = url.set(host='127.0.0.1', port=self.proxy.port)
        conf_fixture.config(
            group='pci_alias_database', db_retry_interval=0,
            connect_timeout=DEADLINE, statement_timeout=DEADLINE,
            connection=proxied.render_as_string(hide_password=False))
        self.masked_url = proxied.render_as_string(hide_password=True)

    def no_answer(self):
        return 'no answer from %s within %d seconds' % (self.masked_url,
                                                        DEADLINE)


class TestBlackholeMySQL(_ThroughProxy, test_base.BaseTestCase):
    """A MySQL URL whose server never sends its greeting.

    No server is needed: the proxy never forwards anything.
    """

    MODE = tcpproxy.BLACKHOLE
    URL = 'mysql+pymysql://nova:secret@127.0.0.1:3306/nova_pci_alias'
    DEFAULT_PORT = 3306

    def setUp(self):
        super().setUp()
        self.use_proxy(sa.engine.make_url(self.URL))

    def test_first_load_fails_with_the_deadline_named(self):
        error = outcome_of(self, self.registry.get_table)
        self.assertIn(self.no_answer(), str(error))

    def test_first_load_is_a_source_error(self):
        error = outcome_of(self, self.registry.get_table)
        self.assertIsInstance(error, exception.AliasSourceError)

    def test_the_deadline_is_not_retried(self):
        # The retry of lost connections would make the caller wait for the
        # deadline once per attempt.
        outcome_of(self, self.registry.get_table)
        self.assertEqual(1, self.proxy.accepted)


class TestBlackholePostgreSQL(TestBlackholeMySQL):
    """A PostgreSQL URL whose server never answers the start-up."""

    URL = 'postgresql+psycopg2://nova:secret@127.0.0.1:5432/nova_pci_alias'
    DEFAULT_PORT = 5432


class TestHangUpMySQL(_ThroughProxy, test_base.BaseTestCase):
    """A server that drops every connection: that one is retried."""

    MODE = tcpproxy.HANG_UP
    URL = TestBlackholeMySQL.URL
    DEFAULT_PORT = 3306

    def setUp(self):
        super().setUp()
        self.use_proxy(sa.engine.make_url(self.URL))

    def test_a_dropped_connection_is_retried(self):
        # db_max_retries = 1: the first attempt and one retry.
        outcome_of(self, self.registry.get_table)
        self.assertEqual(2, self.proxy.accepted)


class TestHangUpPostgreSQL(TestHangUpMySQL):
    URL = TestBlackholePostgreSQL.URL
    DEFAULT_PORT = 5432


class TestFrozenMySQL(_ThroughProxy, base.DatabaseTestCase):
    """A MySQL server that stops answering after a good load."""

    FIXTURE = base.MySQLFixture
    DEFAULT_PORT = 3306

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('a')], 'test')
        self.use_proxy(self.engine.url)
        self.good = self.registry.get_table()
        self.proxy.freeze()

    def test_refresh_fails_with_the_deadline_named(self):
        error = outcome_of(self, self.registry.refresh)
        self.assertIn('no answer from %s within' % self.masked_url,
                      str(error))

    def checked(self):
        """Look up, wait for the check it starts; return the table."""
        self.registry.get_table()
        fakes.wait_for_check(self.registry)
        return self.registry.get_table()

    def test_registry_keeps_the_last_good_table(self):
        self.assertIs(self.good, outcome_of(self, self.checked))

    def test_failure_is_logged_with_the_masked_url(self):
        outcome_of(self, self.checked)
        self.assertIn('no answer from %s within' % self.masked_url,
                      self.logger.output)


class TestFrozenPostgreSQL(TestFrozenMySQL):
    """A PostgreSQL server that stops answering after a good load."""

    FIXTURE = base.PostgreSQLFixture
    DEFAULT_PORT = 5432


class _StuckWriter:
    """Another writer holds the writers' lock and never commits."""

    def configure(self, url, **deadlines):
        self.useFixture(base.IsolatedContextFixture())
        conf_fixture = self.useFixture(fakes.ConfFixture())
        options.register_opts(conf_fixture.conf)
        conf_fixture.config(group='pci_alias_database', connection=url,
                            **deadlines)
        queries.configure(conf_fixture.conf)

    def create(self):
        return outcome_of(self, lambda: queries.create_entry(entry('b')))


class TestStuckWriterSQLite(_StuckWriter, test_base.BaseTestCase):
    """On a SQLite file, locked by a transaction of another connection."""

    def setUp(self):
        super().setUp()
        self.path = self.useFixture(fixtures.TempDir()).join('a.sqlite')
        self.url = 'sqlite:///%s' % self.path

    def lock(self):
        """Take the database's write lock until the test ends."""
        other = sqlite3.connect(self.path, isolation_level=None,
                                check_same_thread=False)
        self.addCleanup(other.close)
        other.execute('BEGIN IMMEDIATE')
        return other

    def test_a_writer_gives_up_after_the_busy_timeout(self):
        self.configure(self.url, sqlite_busy_timeout=1)
        queries.sync_schema()
        self.lock()
        self.assertIn('sqlite_busy_timeout', str(self.create()))

    def test_a_writer_waits_for_the_lock(self):
        self.configure(self.url)   # the default busy timeout
        queries.sync_schema()
        other = self.lock()
        threading.Timer(0.5, other.rollback).start()
        self.assertEqual(entry('b'), self.create())

    def test_listing_the_fleet_waits_for_a_writer(self):
        # The listing deletes the rows of silent processes: a write.
        self.configure(self.url)
        queries.sync_schema()
        other = self.lock()
        threading.Timer(0.5, other.rollback).start()
        self.assertEqual([], outcome_of(
            self, lambda: queries.get_consumers(86400)))


class TestStuckWriterMySQL(_StuckWriter, base.DatabaseTestCase):
    """The revision row locked by a transaction of the test's own."""

    FIXTURE = base.MySQLFixture

    def setUp(self):
        super().setUp()
        other = self.engine.connect()
        self.addCleanup(other.close)
        transaction = other.begin()
        self.addCleanup(transaction.rollback)
        other.execute(sa.update(models.AliasRevision).values(
            revision=models.AliasRevision.revision + 1))
        self.configure(self.engine.url.render_as_string(hide_password=False),
                       statement_timeout=DEADLINE)

    def test_a_writer_gives_up_after_the_statement_timeout(self):
        self.assertIn('within %d seconds ([pci_alias_database] '
                      'statement_timeout)' % DEADLINE, str(self.create()))


class TestStuckWriterPostgreSQL(TestStuckWriterMySQL):
    FIXTURE = base.PostgreSQLFixture
