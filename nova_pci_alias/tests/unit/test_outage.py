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

"""Tests of the failure-reporting helper: once per outage, and the end."""

import functools
import json
import logging
import os
import select
import threading

import fixtures
from oslo_config import cfg
from oslo_log import formatters
from oslo_log import log as oslo_log
from oslotest import base

from nova_pci_alias import outage

LOGGER = 'nova_pci_alias.tests.outage'
FAILURE = 'Reading %(thing)s failed: %(error)s'
RECOVERY = 'Reading %(thing)s works again.'

#: Seconds to wait for a thread or a child process.
WAIT = 30


class OutageTestCase(base.BaseTestCase):
    """An outage of reading "the disk", logged to ``self.logger``."""

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name=LOGGER, level=logging.DEBUG,
            format='%(levelname)s %(message)s'))
        self.outage = self.make()

    def make(self, **kwargs):
        kwargs.setdefault('recovery', RECOVERY)
        return outage.Outage(oslo_log.getLogger(LOGGER), FAILURE, **kwargs)

    def fails(self, error='disk on fire', **kwargs):
        return self.outage.failed(OSError(error), thing='the disk', **kwargs)

    def works(self):
        return self.outage.succeeded(thing='the disk')

    def count(self, text):
        return self.logger.output.count(text)


class TestFailures(OutageTestCase):

    def test_first_failure_is_logged_with_its_fields(self):
        self.fails()
        self.assertEqual('ERROR Reading the disk failed: disk on fire\n',
                         self.logger.output)

    def test_first_failure_says_it_was_logged(self):
        self.assertTrue(self.fails())

    def test_later_failures_of_an_outage_are_not_logged(self):
        for _ in range(3):
            self.fails()
        self.assertEqual(1, self.count('Reading the disk failed'))

    def test_later_failure_says_it_was_not_logged(self):
        self.fails()
        self.assertFalse(self.fails())

    def test_another_reason_is_not_logged_by_default(self):
        self.fails()
        self.fails('disk full')
        self.assertEqual(0, self.count('disk full'))

    def test_another_reason_is_logged_when_asked(self):
        self.outage = self.make(each_reason=True)
        self.fails()
        self.fails('disk full')
        self.assertEqual(1, self.count('failed: disk full'))

    def test_same_reason_is_not_logged_again_when_asked(self):
        self.outage = self.make(each_reason=True)
        self.fails()
        self.fails()
        self.assertEqual(1, self.count('disk on fire'))

    def test_level_is_the_one_given(self):
        self.outage = self.make(level=logging.WARNING)
        self.fails()
        self.assertTrue(self.logger.output.startswith('WARNING Reading'))

    def test_a_text_can_be_the_error(self):
        self.outage.failed('no thread left', thing='the disk')
        self.assertIn('failed: no thread left', self.logger.output)

    def test_failing_during_an_outage(self):
        self.fails()
        self.assertTrue(self.outage.failing)

    def test_not_failing_at_first(self):
        self.assertFalse(self.outage.failing)

    def test_concurrent_failures_are_logged_once(self):
        start = threading.Barrier(8)

        def report():
            start.wait(WAIT)
            for _ in range(50):
                self.fails()

        reporters = [threading.Thread(target=report) for _ in range(8)]
        for reporter in reporters:
            reporter.start()
        for reporter in reporters:
            reporter.join(WAIT)
        self.assertEqual(1, self.count('Reading the disk failed'))


class TestRecovery(OutageTestCase):

    def test_success_after_a_failure_logs_the_recovery(self):
        self.fails()
        self.works()
        self.assertEqual('INFO Reading the disk works again.',
                         self.logger.output.splitlines()[-1])

    def test_success_that_ends_an_outage_says_so(self):
        self.fails()
        self.assertTrue(self.works())

    def test_success_without_an_outage_logs_nothing(self):
        self.works()
        self.assertEqual('', self.logger.output)

    def test_success_without_an_outage_says_so(self):
        self.assertFalse(self.works())

    def test_recovery_is_logged_once(self):
        self.fails()
        self.works()
        self.works()
        self.assertEqual(1, self.count('works again'))

    def test_recovery_ends_the_outage(self):
        self.fails()
        self.works()
        self.assertFalse(self.outage.failing)

    def test_failure_after_a_recovery_is_logged(self):
        self.fails()
        self.works()
        self.fails()
        self.assertEqual(2, self.count('Reading the disk failed'))

    def test_without_a_recovery_message_nothing_is_logged(self):
        self.outage = self.make(recovery=None)
        self.fails()
        self.works()
        self.assertEqual(['ERROR Reading the disk failed: disk on fire'],
                         self.logger.output.splitlines())

    def test_without_a_recovery_message_the_end_is_still_told(self):
        self.outage = self.make(recovery=None)
        self.fails()
        self.assertTrue(self.works())


class TestFork(OutageTestCase):

    def test_a_forked_child_reports_while_the_parent_held_the_lock(self):
        # As if another thread of the parent was reporting at the fork.
        self.outage._lock.acquire()
        self.addCleanup(self.outage._lock.release)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.write(write_end, json.dumps(self.fails()).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        self.addCleanup(os.waitpid, pid, 0)
        self.addCleanup(os.close, read_end)
        readable, _, _ = select.select([read_end], [], [], WAIT)
        if not readable:
            os.kill(pid, 9)
        self.assertEqual(b'true', os.read(read_end, 16) if readable
                         else b'the child hung')


class TestAttempt(base.BaseTestCase):

    def test_returns_the_value(self):
        self.assertEqual(outage.Attempt(3, None),
                         outage.attempt(len, 'abc'))

    def test_returns_the_error(self):
        error = OSError('disk on fire')

        def broken():
            raise error

        self.assertIs(error, outage.attempt(broken).error)

    def test_catches_only_the_errors_given(self):
        self.assertRaises(KeyError, outage.attempt, {}.__getitem__, 'a',
                          errors=OSError)

    def test_catches_any_of_the_errors_given(self):
        self.assertIsInstance(
            outage.attempt({}.__getitem__, 'a',
                           errors=(OSError, KeyError)).error, KeyError)


class TestOsloLogLine(base.BaseTestCase):
    """The error's text appears once on a line that oslo.log formats."""

    def setUp(self):
        super().setUp()
        log_conf = cfg.ConfigOpts()
        oslo_log.register_options(log_conf)
        log_conf([], default_config_files=[], default_config_dirs=[])
        self.logger = self.useFixture(fixtures.FakeLogger(
            name=LOGGER, level=logging.DEBUG, format='%(message)s',
            formatter=functools.partial(formatters.ContextFormatter,
                                        config=log_conf)))
        self.outage = outage.Outage(oslo_log.getLogger(LOGGER), FAILURE)

    def broken(self):
        raise RuntimeError('disk on fire')

    def test_a_failure_reported_after_attempt_shows_the_error_once(self):
        tried = outage.attempt(self.broken)
        self.outage.failed(tried.error, thing='the disk')
        self.assertEqual(1, self.logger.output.count('disk on fire'))

    def test_a_failure_reported_inside_the_except_block_shows_it_twice(self):
        # Why the helper exists: oslo.log appends the error being handled.
        try:
            self.broken()
        except RuntimeError as exc:
            self.outage.failed(exc, thing='the disk')
        self.assertEqual(2, self.logger.output.count('disk on fire'))
