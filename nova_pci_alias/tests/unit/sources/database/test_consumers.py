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

"""The fleet view's reports, on every backend; time is set, never slept."""

import datetime
import os
import socket

import fixtures
from oslo_utils import fixture as utils_fixture
import sqlalchemy as sa

from nova_pci_alias import registry
from nova_pci_alias.sources.database import consumers
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base

START = datetime.datetime(2026, 12, 1, 14, 0, 0)
DAY = 86400


def status(error=None):
    """A registry status after a check at START."""
    moment = START.replace(tzinfo=datetime.timezone.utc).timestamp()
    return registry.RegistryStatus(True, moment, moment, moment, error, None)


class ReporterTestCase(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        options.register_opts(self.conf)
        self.clock = self.useFixture(utils_fixture.TimeFixture(START))
        self.reporter = consumers.Reporter(self.conf)

    def rows(self):
        return queries.get_consumers(DAY)

    def forget_rows(self):
        with self.engine.begin() as connection:
            connection.execute(sa.delete(models.AliasConsumer))


class TestReporter(ReporterTestCase):

    def test_first_report_writes_the_row(self):
        self.reporter.report(status(), 3)
        row = self.rows()[0]
        self.assertEqual(
            (socket.gethostname(), consumers.service_name(), os.getpid(), 3),
            (row['host'], row['service'], row['pid'], row['revision']))

    def test_the_row_says_when_the_table_was_loaded(self):
        self.reporter.report(status(), 3)
        self.assertEqual(START, self.rows()[0]['loaded_at'])

    def test_a_second_report_within_the_interval_writes_nothing(self):
        self.reporter.report(status(), 3)
        self.forget_rows()
        self.clock.advance_time_seconds(299)
        self.reporter.report(status(), 3)
        self.assertEqual([], self.rows())

    def test_a_new_revision_is_written_at_once(self):
        self.reporter.report(status(), 3)
        self.clock.advance_time_seconds(1)
        self.reporter.report(status(), 4)
        self.assertEqual(4, self.rows()[0]['revision'])

    def test_an_error_is_written_at_once(self):
        self.reporter.report(status(), 3)
        self.clock.advance_time_seconds(1)
        self.reporter.report(status('the database is down'), 3)
        self.assertEqual('the database is down', self.rows()[0]['last_error'])

    def test_an_error_clearing_is_written_at_once(self):
        self.reporter.report(status('the database is down'), 3)
        self.clock.advance_time_seconds(1)
        self.reporter.report(status(), 3)
        self.assertIsNone(self.rows()[0]['last_error'])

    def test_the_row_is_written_again_after_the_interval(self):
        self.reporter.report(status(), 3)
        self.clock.advance_time_seconds(300)
        self.reporter.report(status(), 3)
        self.assertEqual(START + datetime.timedelta(seconds=300),
                         self.rows()[0]['reported_at'])

    def test_one_row_per_process(self):
        self.reporter.report(status(), 3)
        self.clock.advance_time_seconds(1)
        self.reporter.report(status(), 4)
        self.assertEqual(1, len(self.rows()))

    def test_interval_zero_turns_reporting_off(self):
        self.conf_fixture.config(group=options.GROUP, report_interval=0)
        self.reporter.report(status(), 3)
        self.assertEqual([], self.rows())

    def test_a_long_error_is_cut(self):
        self.reporter.report(status('x' * 1000), 3)
        self.assertEqual(models.CONSUMER_ERROR_LENGTH,
                         len(self.rows()[0]['last_error']))

    def test_a_report_does_not_wait_for_another_one(self):
        self.reporter.report(status(), 3)
        # Another thread's report is writing.
        self.reporter._lock.acquire()
        self.addCleanup(self.reporter._lock.release)
        self.assertFalse(self.reporter.report(status(), 4))

    def test_a_forked_process_writes_its_row_at_once(self):
        self.reporter.report(status(), 3)
        self.forget_rows()
        # What a child sees: the reporter's state of its parent, whose
        # process id is not its own.
        self.reporter._pid = os.getpid() + 1
        self.reporter.report(status(), 3)
        self.assertEqual([os.getpid()], [row['pid'] for row in self.rows()])


class TestExpiry(ReporterTestCase):

    def setUp(self):
        super().setUp()
        queries.report_consumer(
            'gone.example', 'nova-compute', 42, revision=1, loaded_at=None,
            checked_at=None, last_error=None, expiry=DAY)
        self.clock.advance_time_seconds(DAY + 1)

    def test_a_first_report_deletes_expired_rows(self):
        self.reporter.report(status(), 3)
        self.assertEqual([os.getpid()], [
            row['pid'] for row in queries.get_consumers(10 * DAY)])

    def test_listing_deletes_expired_rows(self):
        self.assertEqual([], queries.get_consumers(DAY))

    def test_a_row_younger_than_the_expiry_stays(self):
        self.assertEqual([42], [row['pid']
                                for row in queries.get_consumers(2 * DAY)])


class TestReportFailing(base.DatabaseTestCase):
    """The report fails (its table is gone); the aliases do not care."""

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        self.conf_fixture.config(group='pci_alias', sources=['database'],
                                 refresh_interval=0)
        queries.import_entries([entry('a')], 'test')
        with self.engine.begin() as connection:
            connection.execute(sa.text('DROP TABLE pci_alias_consumers'))
        self.registry = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, self.registry)

    def write(self, name):
        queries.create_entry(entry(name, product_id='0002'))

    def test_the_table_is_served(self):
        self.registry.get_table()
        self.write('b')
        self.assertEqual(['a', 'b'],
                         list(fakes.table_after_check(self.registry)))

    def test_the_failure_is_logged_once(self):
        self.registry.get_table()
        self.write('b')
        fakes.table_after_check(self.registry)
        self.write('c')
        fakes.table_after_check(self.registry)
        self.assertEqual(1, self.logger.output.count(
            'Reporting the PCI alias table this process holds'))

    def test_no_report_after_the_database_failed_a_read(self):
        self.registry.get_table()
        with self.engine.begin() as connection:
            connection.execute(sa.text('DROP TABLE pci_alias_revision'))
        fakes.table_after_check(self.registry)
        self.assertEqual(1, self.logger.output.count(
            'Reporting the PCI alias table this process holds'))

    def test_the_failure_is_a_warning_not_an_error(self):
        self.registry.get_table()
        self.assertNotIn('ERROR', self.logger.output)


class TestReporterMySQL(TestReporter):
    FIXTURE = base.MySQLFixture


class TestReporterPostgreSQL(TestReporter):
    FIXTURE = base.PostgreSQLFixture


class TestExpiryMySQL(TestExpiry):
    FIXTURE = base.MySQLFixture


class TestExpiryPostgreSQL(TestExpiry):
    FIXTURE = base.PostgreSQLFixture


class TestReportFailingMySQL(TestReportFailing):
    FIXTURE = base.MySQLFixture


class TestReportFailingPostgreSQL(TestReportFailing):
    FIXTURE = base.PostgreSQLFixture
