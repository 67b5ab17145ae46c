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

"""Concurrent writers, each a process of its own, on every backend.

Each round resets the table, then starts two or four writes at once in
separate processes (:mod:`.writers`), as operators running
``nova-pci-alias-manage`` on two hosts would.  The rounds are built so that
a write validating a stale table commits a table that fails to load: an
import that sets alias ``x`` with one NUMA policy while creates add ``x``
with others.  After every round:

* every write succeeded, or failed with a validation error about its own
  entry (another writer got there first), never a database error
  (``Duplicate entry``, ``database is locked``);
* the table loads.

Puts race creates the same way, and each other: puts that grow aliases in
the middle of the table move the rows after them while others do the same
(the unique position must never be hit), and conditional puts naming the
same table's ETag let exactly one of them through.

SQLite runs on a file, as in production (several processes cannot share an
in-memory database).
"""

import random

import fixtures
from oslo_config import cfg
from oslotest import base as test_base

from nova_pci_alias import alias
from nova_pci_alias import exception
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import preconditions
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base
from nova_pci_alias.tests.unit.sources.database import writers

ROUNDS = 4
POLICIES = ('required', 'preferred', 'legacy', 'socket')
# More entries than any import below, so that a create appending after a
# stale table does not collide with the import's positions (which would
# fail on the unique position instead of committing an invalid table).
FILLERS = [entry('f%03d' % i) for i in range(300)]
# Long enough to keep a write transaction open while others start.
IMPORTED = [entry('x', numa_policy=POLICIES[0])] + [
    entry('g%03d' % i) for i in range(200)]

OK = 'ok'
MISMATCH = "NUMA policy mismatch for alias 'x'"


def _x(index):
    return entry('x', numa_policy=POLICIES[index])


class _ConcurrentWrites:
    """The rounds; a subclass says which database ``self.url`` is."""

    def pool(self, size):
        pool = writers.writer_pool(size)
        self.addCleanup(pool.release)
        return pool

    def problems(self, width, reset, make_jobs, allowed):
        """Run the rounds; return what went wrong, round by round.

        :param width: how many writers write at once.
        :param reset: the entries the table holds at each round's start.
        :param make_jobs: ``f(width, rand)`` returning ``(delay, job)``.
        :param allowed: ``f(job, outcome, message)``: is this ending fine?
        """
        pool = self.pool(width)
        found = []
        for number in range(ROUNDS):
            queries.import_entries(reset, 'the test', replace=True)
            jobs = make_jobs(width, random.Random(number))
            results = pool.run(self.url, jobs)
            for (_, job), (outcome, message) in zip(jobs, results):
                if not allowed(job, outcome, message):
                    found.append('round %d: %s %s: %s' % (
                        number, job[0], outcome, message))
            try:
                alias.parse_aliases(queries.get_entries())
            except exception.PciInvalidAlias as exc:
                found.append('round %d: the table does not load: %s' % (
                    number, exc))
        return found

    @staticmethod
    def _import_and_creates(width, rand):
        return [(0, ('import', IMPORTED))] + [
            (rand.uniform(0, 0.03), ('create', _x(i)))
            for i in range(1, width)]

    @staticmethod
    def _creates(width, rand):
        return [(rand.uniform(0, 0.01), ('create', _x(i)))
                for i in range(width)]

    @staticmethod
    def _delete_and_creates(width, rand):
        return [(0, ('delete', 'x'))] + [
            (rand.uniform(0, 0.01), ('create', _x(i)))
            for i in range(1, width)]

    @staticmethod
    def _distinct_creates(width, rand):
        return [(rand.uniform(0, 0.01), ('create', entry('n%d' % i)))
                for i in range(width)]

    @staticmethod
    def _put_and_creates(width, rand):
        return [(0, ('put', ('x', [_x(0), dict(_x(0), product_id='0002')],
                             None)))] + [
            (rand.uniform(0, 0.01), ('create', _x(i)))
            for i in range(1, width)]

    @staticmethod
    def _growing_puts(width, rand):
        return [(rand.uniform(0, 0.01), ('put', (
            'f%03d' % (50 * (i + 1)),
            [{'vendor_id': '10de', 'product_id': '%04d' % n}
             for n in range(3)], None)))
            for i in range(width)]

    @staticmethod
    def _conditional_puts(width, rand):
        etag = preconditions.table_etag(FILLERS)
        return [(rand.uniform(0, 0.01), ('put', (
            'c%d' % i, [entry('c%d' % i)], [etag])))
            for i in range(width)]

    @staticmethod
    def _own_validation_error(job, outcome, message):
        """Succeeded, or refused because another writer was first."""
        if outcome == OK:
            return True
        if job[0] == 'create':
            return outcome == 'PciInvalidAliasEntries' and MISMATCH in message
        if job[0] == 'delete':
            return outcome == 'PciRequestAliasNotDefined'
        return False

    @staticmethod
    def _succeeded_or_table_changed(job, outcome, message):
        return outcome in (OK, 'AliasTableChanged')

    @staticmethod
    def _succeeded(job, outcome, message):
        return outcome == OK

    def test_import_racing_a_create(self):
        self.assertEqual([], self.problems(
            2, FILLERS, self._import_and_creates,
            self._own_validation_error))

    def test_import_racing_three_creates(self):
        self.assertEqual([], self.problems(
            4, FILLERS, self._import_and_creates,
            self._own_validation_error))

    def test_two_creates_of_one_alias(self):
        self.assertEqual([], self.problems(
            2, FILLERS, self._creates, self._own_validation_error))

    def test_four_creates_of_one_alias(self):
        self.assertEqual([], self.problems(
            4, FILLERS, self._creates, self._own_validation_error))

    def test_delete_racing_a_create(self):
        self.assertEqual([], self.problems(
            2, FILLERS + [_x(0)], self._delete_and_creates,
            self._own_validation_error))

    def test_delete_racing_three_creates(self):
        self.assertEqual([], self.problems(
            4, FILLERS + [_x(0)], self._delete_and_creates,
            self._own_validation_error))

    def test_put_racing_three_creates(self):
        self.assertEqual([], self.problems(
            4, FILLERS, self._put_and_creates, self._own_validation_error))

    def test_growing_puts_all_succeed(self):
        # Each put moves the rows after its alias while the others wait.
        self.assertEqual([], self.problems(
            4, FILLERS, self._growing_puts, self._succeeded))

    def test_growing_puts_keep_the_order(self):
        self.problems(4, FILLERS, self._growing_puts, self._succeeded)
        names = [e['name'] for e in queries.get_entries()]
        self.assertEqual([e['name'] for e in FILLERS],
                         sorted(set(names), key=names.index))

    def test_conditional_puts_on_one_table_let_one_through(self):
        self.problems(4, FILLERS, self._conditional_puts,
                      self._succeeded_or_table_changed)
        self.assertEqual(1, len([e for e in queries.get_entries()
                                 if e['name'].startswith('c')]))

    def test_creates_of_distinct_aliases_all_succeed(self):
        # Writers queue: none fails because another was writing.
        self.assertEqual([], self.problems(
            4, FILLERS, self._distinct_creates, self._succeeded))


class TestConcurrentWritesSQLite(_ConcurrentWrites, test_base.BaseTestCase):
    """On a SQLite file, with the default busy timeout."""

    def setUp(self):
        super().setUp()
        path = self.useFixture(fixtures.TempDir()).join('aliases.sqlite')
        self.url = 'sqlite:///%s' % path
        self.useFixture(base.IsolatedContextFixture())
        conf = cfg.ConfigOpts()
        options.register_opts(conf)
        conf([], default_config_files=[], default_config_dirs=[])
        conf.set_override('connection', self.url, group=options.GROUP)
        queries.configure(conf)
        queries.sync_schema()


class _OnServer(_ConcurrentWrites):

    def setUp(self):
        super().setUp()
        self.url = self.engine.url.render_as_string(hide_password=False)


class TestConcurrentWritesMySQL(_OnServer, base.DatabaseTestCase):
    FIXTURE = base.MySQLFixture


class TestConcurrentWritesPostgreSQL(_OnServer, base.DatabaseTestCase):
    FIXTURE = base.PostgreSQLFixture
