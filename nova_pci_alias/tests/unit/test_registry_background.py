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

"""Tests of the registry's background check: readers never wait for it.

A ``fakes.HangingSource`` blocks in ``change_token`` until the test lets it
go, as a source whose server accepts and never answers would; a test that
looks up while it hangs does so in a thread joined with a deadline, so that
a lookup that waits for the source fails the test instead of hanging the
run.
"""

import json
import os
import select
import subprocess
import sys
import textwrap
import threading
import time

import fixtures
from oslotest import base

from nova_pci_alias import registry
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry

#: Seconds within which a lookup must return while the source hangs; far
#: more than any lookup takes, far less than the source hangs.
LOOKUP_DEADLINE = 10


class BackgroundTestCase(base.BaseTestCase):
    """A loaded registry over one HangingSource ``s1`` with alias ``a``."""

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.registry',
            format='%(levelname)s %(message)s'))
        self.now = 1000.0
        self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.registry.time.monotonic',
            side_effect=lambda: self.now))
        self.source = fakes.HangingSource(self.conf, [entry('a')])
        self.registry = registry.AliasRegistry(self.conf,
                                               [('s1', self.source)])
        self.addCleanup(fakes.wait_for_check, self.registry)
        # Runs first: a hanging check must end before the test does.
        self.addCleanup(self.source.release)
        self.good = self.registry.get_table()

    def hang_in_a_check(self):
        """Start a check that hangs in the source; return once it does."""
        self.source.hanging = True
        self.now += 60
        self.lookup()
        if not self.source.entered.wait(fakes.CHECK_WAIT):
            self.fail('no check called the source')

    def lookup(self):
        """Look up under a deadline: a lookup that waits fails the test.

        The lookup runs in a thread of its own, joined with a deadline: an
        exception raised into the test's thread (as by fixtures.Timeout)
        could be caught as a source failure by the code under test.
        """
        seen = []
        reader = threading.Thread(
            target=lambda: seen.append(self.registry.get_table()),
            daemon=True)
        reader.start()
        reader.join(LOOKUP_DEADLINE)
        if reader.is_alive():
            self.fail('The lookup waited for the source.')
        return seen[0]


class TestReadersNeverWait(BackgroundTestCase):

    def test_lookup_due_for_a_check_returns_the_current_table(self):
        self.source.hanging = True
        self.now += 60
        self.assertIs(self.good, self.lookup())

    def test_lookup_during_a_hanging_check_returns_the_current_table(self):
        self.hang_in_a_check()
        self.assertIs(self.good, self.lookup())

    def test_new_table_once_the_check_ends(self):
        self.hang_in_a_check()
        self.source.set_entries([entry('b')])
        self.source.release()
        fakes.wait_for_check(self.registry)
        self.assertEqual(['b'], list(self.registry.get_table()))

    def test_only_one_check_runs_at_a_time(self):
        self.hang_in_a_check()
        for _ in range(5):
            self.now += 60
            self.lookup()
        # One call for the first load, one for the check that hangs.
        self.assertEqual(2, self.source.token_calls)

    def test_a_check_that_hangs_for_long_is_logged(self):
        self.hang_in_a_check()
        self.now += 600
        self.lookup()
        self.assertIn("WARNING The check of the PCI alias sources has been "
                      "running for 600 seconds, waiting for source 's1'",
                      self.logger.output)

    def test_a_check_that_hangs_for_long_is_logged_once(self):
        self.hang_in_a_check()
        for _ in range(3):
            self.now += 600
            self.lookup()
        self.assertEqual(1, self.logger.output.count(
            'The check of the PCI alias sources has been running'))

    def test_failed_check_keeps_the_table_and_is_logged(self):
        self.hang_in_a_check()
        self.source.error = RuntimeError('boom')
        self.source.release()
        fakes.wait_for_check(self.registry)
        self.assertEqual(
            (self.good, 1), (self.registry.get_table(),
                             self.logger.output.count(
                                 "ERROR Refreshing the PCI alias table "
                                 "failed; still serving the last good table "
                                 "of 1 aliases until a refresh succeeds: PCI "
                                 "alias source 's1' failed: boom")))


class TestStatus(BackgroundTestCase):

    def test_never_loaded(self):
        reg = registry.AliasRegistry(self.conf, [])
        self.assertFalse(reg.status.loaded)

    def test_loaded(self):
        status = self.registry.status
        self.assertEqual((True, None, None),
                         (status.loaded, status.last_error,
                          status.check_running_since))

    def test_a_running_check_is_shown(self):
        self.hang_in_a_check()
        self.assertIsNotNone(self.registry.status.check_running_since)

    def test_the_error_of_a_failed_check(self):
        self.source.error = RuntimeError('boom')
        self.now += 60
        fakes.table_after_check(self.registry)
        self.assertEqual("PCI alias source 's1' failed: boom",
                         self.registry.status.last_error)

    def test_a_failed_check_keeps_the_last_success_time(self):
        loaded_at = self.registry.status.last_success_at
        self.source.error = RuntimeError('boom')
        self.now += 60
        fakes.table_after_check(self.registry)
        self.assertEqual(loaded_at, self.registry.status.last_success_at)

    def test_a_success_clears_the_error(self):
        self.source.error = RuntimeError('boom')
        self.now += 60
        fakes.table_after_check(self.registry)
        self.source.error = None
        self.now += 60
        fakes.table_after_check(self.registry)
        self.assertIsNone(self.registry.status.last_error)


class TestFork(BackgroundTestCase):

    def child_lookup_after_a_change(self, write_end):
        """In the child: change the source, and report the table seen."""
        try:
            self.source.hanging = False
            self.source.set_entries([entry('b')])
            self.now += 60
            self.registry.get_table()
            ended = self.registry.wait_for_check(LOOKUP_DEADLINE)
            report = {'ended': ended,
                      'names': list(self.registry.get_table())}
            os.write(write_end, json.dumps(report).encode())
        finally:
            os._exit(0)

    def test_a_forked_child_checks_in_its_own_thread(self):
        # The parent's check hangs in the source, holding the registry's
        # lock, when the process forks: the child has neither that thread
        # nor a free lock unless the registry starts afresh after the fork.
        self.hang_in_a_check()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            self.child_lookup_after_a_change(write_end)
        os.close(write_end)
        self.addCleanup(os.waitpid, pid, 0)
        self.addCleanup(os.close, read_end)
        readable, _, _ = select.select([read_end], [], [],
                                       fakes.CHECK_WAIT)
        report = json.loads(os.read(read_end, 65536) if readable
                            else 'null')
        self.assertEqual({'ended': True, 'names': ['b']}, report)


class TestKeepChecking(BackgroundTestCase):
    """A serving process checks on schedule, with no lookup to start it."""

    def wait_for_a_new_table(self):
        """Whether a new table was swapped in within the deadline."""
        loaded_at = self.registry.status.loaded_at
        for _ in range(int(LOOKUP_DEADLINE / 0.05)):
            if self.registry.status.loaded_at != loaded_at:
                return True
            time.sleep(0.05)    # the ticker's clock is the real one
        return False

    def test_due_check_starts_without_a_lookup(self):
        self.registry.keep_checking()
        self.source.set_entries([entry('b')])
        self.now += 60
        self.assertTrue(self.wait_for_a_new_table())

    def test_check_soon_checks_before_it_is_due(self):
        self.source.set_entries([entry('b')])
        self.registry.check_soon()
        fakes.wait_for_check(self.registry)
        self.assertEqual(['b'], list(self.registry.get_table()))

    def test_listener_hears_the_new_table(self):
        heard = []
        self.registry.on_check(lambda table: heard.append(list(table)))
        self.source.set_entries([entry('b')])
        self.registry.check_soon()
        fakes.wait_for_check(self.registry)
        self.assertEqual([['b']], heard)

    def test_failing_listener_is_logged(self):
        self.registry.on_check(lambda table: 1 / 0)
        self.registry.check_soon()
        fakes.wait_for_check(self.registry)
        self.assertIn('ERROR A listener of the PCI alias table failed '
                      'after a check: division by zero', self.logger.output)

    def test_forked_child_keeps_checking(self):
        self.registry.keep_checking()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                self.source.set_entries([entry('b')])
                self.now += 60
                os.write(write_end, json.dumps(
                    self.wait_for_a_new_table()).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        self.addCleanup(os.waitpid, pid, 0)
        self.addCleanup(os.close, read_end)
        readable, _, _ = select.select([read_end], [], [],
                                       fakes.CHECK_WAIT)
        self.assertTrue(json.loads(os.read(read_end, 64) if readable
                                   else 'false'))


class TestEmptied(BackgroundTestCase):

    def test_an_emptied_table_is_a_warning_with_both_counts(self):
        self.source.set_entries([])
        self.now += 60
        fakes.table_after_check(self.registry)
        self.assertIn("WARNING The PCI alias table went from 1 aliases (1 "
                      "entries) to none: the sources 's1' now define no "
                      "alias.", self.logger.output)

    def test_an_emptied_table_names_where_the_sources_are(self):
        self.source.where = 'https://cmdb.example/aliases'
        self.source.set_entries([])
        self.registry.refresh()
        self.assertIn("the sources 's1' at https://cmdb.example/aliases now "
                      "define no alias", self.logger.output)

    def test_a_table_that_stays_empty_is_not_warned_again(self):
        self.source.set_entries([])
        self.registry.refresh()
        self.source.set_entries([])
        self.registry.refresh()
        self.assertEqual(1, self.logger.output.count(
            'The PCI alias table went from'))


class TestProcessExit(base.BaseTestCase):

    def test_a_hanging_check_does_not_keep_the_process_alive(self):
        script = textwrap.dedent("""
            from nova_pci_alias import registry
            from nova_pci_alias.tests.unit import fakes

            conf = fakes.ConfFixture()
            conf.setUp()
            conf.config(group='pci_alias', refresh_interval=0)
            source = fakes.HangingSource(
                conf.conf, [fakes.entry('a')])
            reg = registry.AliasRegistry(conf.conf, [('s1', source)])
            reg.get_table()
            source.hanging = True
            reg.get_table()
            source.entered.wait(30)
            print(reg.status.check_running_since is not None)
            """)
        done = subprocess.run([sys.executable, '-c', script],
                              capture_output=True, text=True,
                              timeout=fakes.CHECK_WAIT)
        self.assertEqual('True\n', done.stdout)
