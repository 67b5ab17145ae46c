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

"""``nova-pci-alias-status upgrade check``: each check on real files, a
real SQLite database and a real HTTP server, then the installed script.
"""

import importlib.metadata
import json
import os
import subprocess
import sys
import time

import fixtures
from oslo_config import cfg
from oslo_upgradecheck import upgradecheck
from oslotest import base
import sqlalchemy

from nova_pci_alias.cmd import status
from nova_pci_alias import document
from nova_pci_alias.sources.database import migration
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import queries
from nova_pci_alias.sources.remote import cache
from nova_pci_alias.tests.unit.cmd import scripts
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit.sources.database import base as db_base
from nova_pci_alias import upgrade_checks

Code = upgradecheck.Code

READY = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
         'resource_class': 'CUSTOM_GPU'}
DRIVER = """
[DEFAULT]
config_source = pci_alias_driver
[pci_alias_driver]
driver = nova_pci_alias
sources = database
[pci_alias_database]
connection = sqlite:///%(db)s
"""


def _alias_lines(*entries):
    return '[pci]\n' + ''.join(
        'alias = %s\n' % document.option_value(entry) for entry in entries)


class StatusTestCase(base.BaseTestCase):
    """Parses a nova.conf of the test's directory as the command does."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.db = os.path.join(self.tmp, 'aliases.sqlite')
        self.useFixture(fixtures.FakeLogger())
        self.useFixture(db_base.IsolatedContextFixture())
        self.useFixture(fixtures.EnvironmentVariable('OS_PCI__ALIAS'))

    def write(self, text, name='nova.conf'):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text % {'db': self.db, 'tmp': self.tmp})
        return path

    def checks(self, text):
        conf = cfg.ConfigOpts()
        checks = upgrade_checks.AliasUpgradeChecks(conf)
        status.register(conf, checks)
        conf(['--config-file', self.write(text), 'upgrade', 'check'],
             project='nova', default_config_dirs=[])
        return checks

    def synced(self, *entries):
        """Sync the test's SQLite database, and store ``entries`` in it."""
        queries.configure(self.checks(DRIVER).conf)
        queries.sync_schema()
        if entries:
            queries.import_entries(list(entries), 'the test')


class TestDatabaseSchema(StatusTestCase):

    def result(self, text=DRIVER):
        return self.checks(text)._check_database_schema()

    def test_no_database_source(self):
        result = self.result(_alias_lines(READY))
        self.assertEqual((Code.SUCCESS, True),
                         (result.code, 'Not applicable' in result.details))

    def test_at_head(self):
        self.synced()
        self.assertEqual(Code.SUCCESS, self.result().code)

    def test_no_schema(self):
        result = self.result()
        self.assertEqual((Code.FAILURE, True),
                         (result.code, 'db sync' in result.details))

    def test_older_schema(self):
        engine = sqlalchemy.create_engine('sqlite:///%s' % self.db)
        self.addCleanup(engine.dispose)
        migration.upgrade(engine, models.SCHEMA_REVISIONS[0])
        result = self.result()
        self.assertEqual((Code.FAILURE, True),
                         (result.code,
                          models.SCHEMA_REVISIONS[0] in result.details))

    def test_newer_schema_warns(self):
        self.synced()
        engine = sqlalchemy.create_engine('sqlite:///%s' % self.db)
        self.addCleanup(engine.dispose)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(
                'UPDATE %s SET version_num = :newer' % models.VERSION_TABLE),
                {'newer': 'ffffffffffff'})
        self.assertEqual(Code.WARNING, self.result().code)


class _ServerSchema(db_base.DatabaseTestCase):
    """The schema check on a database server, through oslo.db's fixtures.

    The fixture's database stands in for the configured one.
    """

    def result(self):
        conf = cfg.ConfigOpts()
        checks = upgrade_checks.AliasUpgradeChecks(conf)
        status.register(conf, checks)
        conf(['upgrade', 'check'], project='nova', default_config_files=[],
             default_config_dirs=[])
        conf.set_override('sources', ['database'], group='pci_alias')
        return checks._check_database_schema()

    def test_at_head(self):
        self.assertEqual(Code.SUCCESS, self.result().code)

    def test_no_schema(self):
        with self.engine.begin() as connection:
            connection.execute(sqlalchemy.text(
                'DROP TABLE %s' % models.VERSION_TABLE))
        self.assertEqual(Code.FAILURE, self.result().code)


class TestDatabaseSchemaMySQL(_ServerSchema):
    FIXTURE = db_base.MySQLFixture


class TestDatabaseSchemaPostgreSQL(_ServerSchema):
    FIXTURE = db_base.PostgreSQLFixture


class TestSourcesAndTable(StatusTestCase):

    def result(self, text):
        return self.checks(text)._check_sources_and_table()

    def test_valid_table(self):
        self.synced(READY)
        result = self.result(DRIVER)
        self.assertEqual((Code.SUCCESS, True),
                         (result.code, '1 aliases' in result.details))

    def test_invalid_table_names_the_file(self):
        result = self.result(_alias_lines(fakes.entry('gpu', '1db6x')))
        self.assertEqual((Code.FAILURE, True),
                         (result.code, 'nova.conf' in result.details))

    def test_unreachable_database(self):
        result = self.result(DRIVER)
        self.assertEqual((Code.FAILURE, True),
                         (result.code, self.db in result.details))

    def test_empty_table_warns(self):
        self.synced()
        self.assertEqual(Code.WARNING, self.result(DRIVER).code)


class TestPciAliasLines(StatusTestCase):

    def result(self, text):
        return self.checks(text)._check_pci_alias_lines()

    def test_without_the_driver(self):
        result = self.result(_alias_lines(READY))
        self.assertEqual((Code.SUCCESS, True),
                         (result.code, 'Not applicable' in result.details))

    def test_driver_alone(self):
        self.assertEqual(Code.SUCCESS, self.result(DRIVER).code)

    def test_lines_beside_the_driver_name_the_file(self):
        result = self.result(DRIVER + _alias_lines(READY))
        self.assertEqual(
            (Code.FAILURE, True),
            (result.code,
             '%s (1 lines)' % os.path.join(self.tmp, 'nova.conf')
             in result.details))

    def test_deprecated_name_counts(self):
        text = DRIVER.replace('[DEFAULT]\n', '[DEFAULT]\npci_alias = %s\n'
                              % json.dumps(READY).replace('%', '%%'))
        self.assertEqual(Code.FAILURE, self.result(text).code)

    def test_environment_variable(self):
        self.useFixture(fixtures.EnvironmentVariable(
            'OS_PCI__ALIAS', json.dumps(READY)))
        result = self.result(DRIVER)
        self.assertEqual((Code.FAILURE, True),
                         (result.code, 'OS_PCI__ALIAS' in result.details))


class TestPlacementReadiness(StatusTestCase):

    def result(self, text):
        return self.checks(text)._check_placement_readiness()

    def test_ready(self):
        self.assertEqual(Code.SUCCESS,
                         self.result(_alias_lines(READY)).code)

    def test_several_specs_named_while_off(self):
        result = self.result(_alias_lines(
            READY, dict(READY, product_id='1db7')))
        self.assertEqual((Code.WARNING, True),
                         (result.code, 'several specs' in result.details))

    def test_no_resource_class_named(self):
        result = self.result(_alias_lines(READY, fakes.entry('nic')))
        self.assertEqual((Code.WARNING, True),
                         (result.code, ': nic' in result.details))

    def test_refused_table_left_to_the_table_check(self):
        # With PCI in Placement on, the table check names the aliases with
        # several specs: this check does not report them again.
        checks = self.checks(_alias_lines(
            READY, dict(READY, product_id='1db7'))
            + '[filter_scheduler]\npci_in_placement = true\n')
        self.assertEqual(
            (Code.FAILURE, Code.SUCCESS),
            (checks._check_sources_and_table().code,
             checks._check_placement_readiness().code))


REMOTE = """
[pci_alias]
sources = remote
[pci_alias_remote]
url = %(url)s
allow_insecure_http = true
"""


class TestRemoteCacheFile(StatusTestCase):

    def setUp(self):
        super().setUp()
        self.app = remote_servers.DocumentApp()
        self.app.set_entries([READY])
        server = self.useFixture(httpserver.WSGIServerFixture(self.app))
        self.cache_file = os.path.join(self.tmp, 'cache.json')
        self.remote = (REMOTE.replace('%(url)s', server.url
                                      + remote_servers.DOCUMENT_PATH)
                       + 'cache_file = %s\n' % self.cache_file)

    def result(self, text=None):
        return self.checks(text or self.remote)._check_remote_cache_file()

    def cached(self, entries, age=0):
        cache.write(self.cache_file, document.encode_document(entries))
        then = time.time() - age
        os.utime(self.cache_file, (then, then))

    def test_no_remote_source(self):
        result = self.result(_alias_lines(READY))
        self.assertEqual((Code.SUCCESS, True),
                         (result.code, 'Not applicable' in result.details))

    def test_cache_file_not_set(self):
        text = self.remote.replace('cache_file', '#cache_file')
        self.assertEqual(Code.WARNING, self.result(text).code)

    def test_missing_file_names_it(self):
        result = self.result()
        self.assertEqual((Code.WARNING, True),
                         (result.code, self.cache_file in result.details))

    def test_old_file_of_the_served_document(self):
        self.cached([READY], age=86400)
        self.assertEqual(Code.SUCCESS, self.result().code)

    def test_old_file_of_another_document(self):
        self.cached([fakes.entry('old')], age=86400)
        result = self.result()
        self.assertEqual((Code.WARNING, True),
                         (result.code, 'differs' in result.details))

    def test_recent_file_of_another_document(self):
        self.cached([fakes.entry('old')], age=60)
        self.assertEqual(Code.SUCCESS, self.result().code)

    def test_old_file_and_server_down(self):
        self.cached([READY], age=86400)
        self.app.status = '500 Internal Server Error'
        result = self.result()
        self.assertEqual((Code.WARNING, True),
                         (result.code, 'could not be compared'
                          in result.details))

    def test_table_check_leaves_the_file_alone(self):
        self.cached([fakes.entry('old')], age=86400)
        checks = self.checks(self.remote)
        checks._check_sources_and_table()
        self.assertEqual(Code.WARNING,
                         checks._check_remote_cache_file().code)

    def test_table_check_asks_the_server_not_the_file(self):
        self.cached([READY])
        self.app.status = '500 Internal Server Error'
        result = self.checks(self.remote)._check_sources_and_table()
        self.assertEqual((Code.FAILURE, True),
                         (result.code, 'HTTP 500' in result.details))


class TestFleetView(StatusTestCase):
    """The processes of the fleet view that are behind for too long."""

    def result(self, text=DRIVER):
        return self.checks(text)._check_fleet_view()

    def reported(self, revision=None):
        """Hold READY since 2020, and a report of compute-1.

        compute-1 holds ``revision``, by default the current one.
        """
        self.synced(READY)
        if revision is None:
            revision = queries.get_revision()
        engine = sqlalchemy.create_engine('sqlite:///%s' % self.db)
        self.addCleanup(engine.dispose)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(
                "UPDATE pci_alias_history SET created_at = "
                "'2020-01-01 00:00:00'"))
        queries.report_consumer(
            'compute-1', 'nova-compute', 4242, revision=revision,
            loaded_at=None, checked_at=None, last_error=None, expiry=86400)

    def test_no_database_source_is_skipped(self):
        result = self.result(_alias_lines(READY))
        self.assertEqual((Code.SUCCESS, True), (
            result.code, 'No database source: skipped' in result.details))

    def test_every_process_current(self):
        self.reported()
        self.assertEqual(Code.SUCCESS, self.result().code)

    def test_process_behind_for_too_long_is_named(self):
        self.reported(0)
        result = self.result()
        self.assertEqual((Code.WARNING, True), (
            result.code, 'compute-1 nova-compute pid 4242 (revision 0, '
            'behind since 2020-01-01T00:00:00Z)' in result.details))


class TestScript(StatusTestCase):
    """The installed script, in a process of its own."""

    SCRIPT = 'nova-pci-alias-status'

    def setUp(self):
        super().setUp()
        if not os.path.exists(scripts.script_path(self.SCRIPT)):
            self.skipTest('the %s script is not installed' % self.SCRIPT)

    def run_check(self, text, *args):
        return scripts.run_script(
            self.SCRIPT, '--config-file', self.write(text), 'upgrade',
            'check', *args, cwd=self.tmp)

    def test_success_exits_0(self):
        self.assertEqual(0, self.run_check(_alias_lines(READY)).returncode)

    def test_warning_exits_1(self):
        result = self.run_check(_alias_lines(fakes.entry('nic')))
        self.assertEqual(1, result.returncode)

    def test_failure_exits_2(self):
        self.assertEqual(2, self.run_check(DRIVER).returncode)

    def test_json(self):
        result = self.run_check(_alias_lines(fakes.entry('nic')), '--json')
        self.assertEqual(
            [0, 0, 0, 1, 0, 0],
            [check['result'] for check in json.loads(result.stdout)[
                'checks']])

    def test_unreadable_configuration_exits_255(self):
        result = scripts.run_script(
            self.SCRIPT, '--config-file', os.path.join(self.tmp, 'none'),
            'upgrade', 'check')
        self.assertEqual((255, False),
                         (result.returncode, 'Traceback' in result.stderr))

    def test_version(self):
        result = scripts.run_script(self.SCRIPT, '--version')
        self.assertEqual(
            (0, '%s %s\n' % (self.SCRIPT,
                             importlib.metadata.version('nova_pci_alias'))),
            (result.returncode, result.stdout))

    def test_help_ends_with_the_exit_codes(self):
        result = scripts.run_script(self.SCRIPT, '--help')
        self.assertTrue(scripts.squeezed(result.stdout).endswith(
            scripts.squeezed(status.epilog())))

    def test_module_runs_the_command(self):
        result = subprocess.run(
            [sys.executable, '-m', 'nova_pci_alias.cmd.status', '--version'],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(
            (0, '%s %s\n' % (self.SCRIPT,
                             importlib.metadata.version('nova_pci_alias'))),
            (result.returncode, result.stdout))

    def test_help_has_the_description(self):
        result = scripts.run_script(self.SCRIPT, '--help')
        self.assertIn(scripts.squeezed(status.DESCRIPTION),
                      scripts.squeezed(result.stdout))

    def test_usage_error_exits_2_without_traceback(self):
        result = scripts.run_script(self.SCRIPT, '--no-such-option')
        self.assertEqual((2, True, False),
                         (result.returncode,
                          result.stderr.startswith('usage: %s ' % self.SCRIPT),
                          'Traceback' in result.stderr))
