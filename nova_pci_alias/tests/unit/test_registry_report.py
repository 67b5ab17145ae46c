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

"""The registry tells its sources how each check went (the report hook)."""

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import test_registry


class ReportingSource(fakes.FakeSource):
    """A FakeSource that records each report: (status, token, locked).

    ``locked`` is whether the registry's check lock was held during the
    report; ``report_error``, when set, is raised by the report.
    """

    registry = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = []
        self.report_error = None

    def report(self, status, token):
        locked = self.registry is not None and self.registry._lock.locked()
        self.reports.append((status, token, locked))
        if self.report_error is not None:
            raise self.report_error


class TestReport(test_registry.RegistryTestCase):

    def make_reporting(self, *entries, **overrides):
        src = ReportingSource(self.conf, entries, token=7)
        reg = self.make(src, **overrides)
        src.registry = reg
        return src, reg

    def test_first_load_reports(self):
        src, reg = self.make_reporting(entry('a'))
        reg.get_table()
        self.assertEqual(1, len(src.reports))

    def test_first_load_reports_a_loaded_table(self):
        src, reg = self.make_reporting(entry('a'))
        reg.get_table()
        self.assertTrue(src.reports[0][0].loaded)

    def test_report_gives_the_token_of_the_table_served(self):
        src, reg = self.make_reporting(entry('a'))
        reg.get_table()
        self.assertEqual(7, src.reports[0][1])

    def test_failed_first_load_reports_its_error(self):
        src, reg = self.make_reporting(entry('a'))
        src.error = exception.AliasSourceError(source='s1', reason='down')
        self.assertRaises(exception.AliasSourceError, reg.get_table)
        self.assertIn('down', src.reports[0][0].last_error)

    def test_failed_first_load_reports_no_token(self):
        src, reg = self.make_reporting(entry('a'))
        src.error = exception.AliasSourceError(source='s1', reason='down')
        self.assertRaises(exception.AliasSourceError, reg.get_table)
        self.assertIsNone(src.reports[0][1])

    def test_background_check_reports(self):
        src, reg = self.make_reporting(entry('a'), refresh_interval=10)
        reg.get_table()
        self.now += 11
        self.after_check(reg)
        self.assertEqual(2, len(src.reports))

    def test_failed_check_reports_the_token_still_served(self):
        src, reg = self.make_reporting(entry('a'), refresh_interval=10)
        reg.get_table()
        src.error = exception.AliasSourceError(source='s1', reason='down')
        self.now += 11
        self.after_check(reg)
        report_status, token, _ = src.reports[-1]
        self.assertEqual((7, True),
                         (token, report_status.last_error is not None))

    def test_refresh_reports(self):
        src, reg = self.make_reporting(entry('a'))
        reg.get_table()
        reg.refresh()
        self.assertEqual(2, len(src.reports))

    def test_reports_are_made_outside_the_check_lock(self):
        src, reg = self.make_reporting(entry('a'), refresh_interval=10)
        reg.get_table()
        self.now += 11
        self.after_check(reg)
        reg.refresh()
        self.assertEqual([False, False, False],
                         [locked for _, _, locked in src.reports])

    def test_a_failing_report_keeps_the_table(self):
        src, reg = self.make_reporting(entry('a'))
        src.report_error = RuntimeError('no room')
        self.assertEqual(['a'], list(reg.get_table()))

    def test_a_failing_report_is_logged_once(self):
        src, reg = self.make_reporting(entry('a'))
        src.report_error = RuntimeError('no room')
        reg.get_table()
        reg.refresh()
        self.assertEqual(1, self.logger.output.count('failed to report'))

    def test_a_registry_without_reporting_does_not_report(self):
        src = ReportingSource(self.conf, [entry('a')])
        reg = registry.AliasRegistry(self.conf, [('s1', src)],
                                     reporting=False)
        reg.get_table()
        self.assertEqual([], src.reports)

    def test_the_default_report_does_nothing(self):
        reg = self.make(self.source(entry('a')))
        reg.get_table()
        self.assertNotIn('failed to report', self.logger.output)
