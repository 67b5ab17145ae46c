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

"""Tests of the translation of database errors and of oslo.db's log filter."""

import logging
import os
import subprocess
import sys
import textwrap

from oslotest import base as test_base
from sqlalchemy import exc as sa_exc

from nova_pci_alias import exception
from nova_pci_alias.sources.database import errors
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.sources.database import base

# Imports everything the database modules import, takes a picture of every
# logger, imports them, and prints the loggers that changed.
_IMPORT_AND_COMPARE = textwrap.dedent('''
    import logging

    from oslo_db import api
    from oslo_db import exception
    from oslo_db.sqlalchemy import enginefacade
    from oslo_utils import timeutils
    import sqlalchemy
    from nova_pci_alias import alias, bounds, exception, sources
    from nova_pci_alias.sources.database import models, options, validation

    def picture():
        loggers = dict(logging.Logger.manager.loggerDict, root=logging.root)
        return {name: (logger.level, list(logger.filters),
                       list(logger.handlers))
                for name, logger in loggers.items()
                if isinstance(logger, logging.Logger)}

    before = picture()
    from nova_pci_alias.sources.database import errors, queries, source
    after = picture()
    print(sorted(name for name in after
                 if after[name] != before.get(name, (0, [], []))))
''')


class TestLogFilterInstallation(test_base.BaseTestCase):

    def test_importing_leaves_logging_untouched(self):
        result = subprocess.run(
            [sys.executable, '-c', _IMPORT_AND_COMPARE],
            capture_output=True, text=True, timeout=120,
            env=dict(os.environ, PYTHONWARNINGS='ignore'))
        self.assertEqual(('[]\n', 0), (result.stdout, result.returncode),
                         result.stderr)

    def remove_the_filter(self):
        for name in errors.OSLO_DB_LOGGERS:
            logger = logging.getLogger(name)
            if errors.LOG_FILTER in logger.filters:
                logger.removeFilter(errors.LOG_FILTER)
                self.addCleanup(logger.addFilter, errors.LOG_FILTER)

    def configure(self):
        self.useFixture(base.IsolatedContextFixture())
        conf_fixture = self.useFixture(fakes.ConfFixture())
        queries.configure(conf_fixture.conf)

    def test_configuring_installs_it(self):
        self.remove_the_filter()
        self.configure()
        self.assertEqual(
            [[errors.LOG_FILTER]] * len(errors.OSLO_DB_LOGGERS),
            [[f for f in logging.getLogger(name).filters
              if f is errors.LOG_FILTER] for name in errors.OSLO_DB_LOGGERS])

    def test_configuring_twice_installs_it_once(self):
        self.remove_the_filter()
        self.configure()
        self.configure()
        self.assertEqual(1, logging.getLogger('oslo_db.api').filters.count(
            errors.LOG_FILTER))


class TestLogFilter(test_base.BaseTestCase):

    def record(self, level):
        return logging.LogRecord('oslo_db.api', level, __file__, 1,
                                 'DB exceeded retry limit.', (), None)

    def test_drops_warnings_during_a_call(self):
        with errors.quiet_oslo_db():
            self.assertFalse(errors.LOG_FILTER.filter(
                self.record(logging.WARNING)))

    def test_keeps_warnings_outside_a_call(self):
        self.assertTrue(errors.LOG_FILTER.filter(
            self.record(logging.ERROR)))

    def test_keeps_info_during_a_call(self):
        with errors.quiet_oslo_db():
            self.assertTrue(errors.LOG_FILTER.filter(
                self.record(logging.INFO)))

    def test_nested_calls(self):
        with errors.quiet_oslo_db():
            with errors.quiet_oslo_db():
                pass
            self.assertFalse(errors.LOG_FILTER.filter(
                self.record(logging.WARNING)))
        self.assertTrue(errors.LOG_FILTER.filter(
            self.record(logging.WARNING)))


class TestReason(test_base.BaseTestCase):

    def test_first_line_of_the_message(self):
        self.assertEqual('no such table: x', errors.reason(
            RuntimeError('no such table: x\n[SQL: SELECT 1]')))

    def test_empty_message_gives_the_type(self):
        self.assertEqual('RuntimeError', errors.reason(RuntimeError()))

    def test_short_password_masked_where_a_url_quotes_it(self):
        self.assertEqual('u:***@h refused; s stays', errors.reason(
            RuntimeError('u:s@h refused; s stays'), password='s'))

    def test_long_password_masked_everywhere(self):
        self.assertEqual('bad *** for u', errors.reason(
            RuntimeError('bad secret for u'), password='secret'))


class TestTranslate(test_base.BaseTestCase):

    def test_missing_driver(self):
        exc = errors.translate(ImportError("No module named 'x'"), 'sqlite://',
                               deadlines={})
        self.assertIn('the database driver of this URL is not installed',
                      str(exc))

    def test_missing_schema_asked_of_the_database(self):
        exc = errors.translate(
            sa_exc.ProgrammingError('SELECT', {}, RuntimeError('relation')),
            'postgresql://h/x', deadlines={}, schema_missing=lambda: True)
        self.assertIsInstance(exc, exception.AliasSourceNotReady)
        self.assertIn('nova-pci-alias-manage db sync', str(exc))
