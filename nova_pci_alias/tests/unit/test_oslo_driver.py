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

"""Tests of the oslo.config source driver over the database source.

Each test builds a configuration the way a service does: it registers
``[pci] alias`` (as Nova does), then parses a configuration file that enables
the ``nova_pci_alias`` driver with ``[DEFAULT] config_source``.  oslo.config
loads the driver through its entry point.
"""

import io
import json
import os
import sys
import types

import fixtures
from oslo_config import cfg
import sqlalchemy as sa
import stevedore

from nova_pci_alias.cmd import alias as alias_cmd
from nova_pci_alias import exception
from nova_pci_alias import oslo_driver
from nova_pci_alias.sources import config as config_source
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base

DRIVER_LINES = """\
[DEFAULT]
config_source = pci_alias_driver

[pci_alias_driver]
driver = nova_pci_alias
"""


class NovaExceptionModule(fixtures.Fixture):
    """``sys.modules['nova.exception']`` for one test: a stand-in, or none.

    :param present: load a stand-in of Nova's module (with Nova's class
        hierarchy for PCI aliases) as if this process were a Nova service;
        if False, make sure no ``nova.exception`` is loaded.
    """

    NAME = 'nova.exception'

    def __init__(self, present=True):
        super().__init__()
        self.present = present

    def _setUp(self):
        saved = sys.modules.pop(self.NAME, None)
        self.addCleanup(self._restore, saved)
        if not self.present:
            return
        module = types.ModuleType(self.NAME)

        class NovaException(Exception):
            code = 500

            def __init__(self, message=None, **kwargs):
                self.kwargs = kwargs
                self.message = message
                super().__init__(message)

        module.NovaException = NovaException
        module.Invalid = type('Invalid', (NovaException,), {'code': 400})
        module.PciInvalidAlias = type('PciInvalidAlias', (module.Invalid,),
                                      {})
        sys.modules[self.NAME] = module
        self.module = module

    def _restore(self, saved):
        sys.modules.pop(self.NAME, None)
        if saved is not None:
            sys.modules[self.NAME] = saved


def invalid_row_message():
    """What the error of :meth:`DriverTestCase.invalid_table_error` says."""
    return ("Invalid PCI alias definition: '80861' does not match "
            "'^[0-9a-fA-F]{4}$' (field 'vendor_id') [alias source "
            "'database' at %s, entry 1]" % queries.database_location())


class DriverTestCase(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        self.tempdir = self.useFixture(fixtures.TempDir()).path

    def service_conf(self, extra='', placement=None, lines=DRIVER_LINES):
        """Parse a configuration file with the driver enabled."""
        path = os.path.join(self.tempdir, 'nova.conf')
        with open(path, 'w') as f:
            f.write(lines + extra)
        conf = cfg.ConfigOpts()
        conf.register_opt(config_source.alias_opt, group='pci')
        conf.register_opt(cfg.MultiStrOpt('device_spec', default=[]),
                          group='pci')
        if placement is not None:
            conf.register_opt(cfg.BoolOpt('pci_in_placement',
                                          default=placement),
                              group='filter_scheduler')
        conf(['--config-file', path], default_config_files=[],
             default_config_dirs=[])
        self.addCleanup(conf.reset)
        return conf

    def lookup_error(self, error_class, conf):
        """Read ``[pci] alias``; return the ``error_class`` it raises."""
        return self.assertRaises(error_class, getattr, conf.pci, 'alias')

    def invalid_table_error(self, error_class=exception.PciInvalidAlias):
        """Store an invalid row; return what a service's lookup raises."""
        self.insert_row('gpu', '80861')
        return self.lookup_error(error_class, self.service_conf())

    def fix_the_row(self, vendor_id='8086'):
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "UPDATE pci_alias_entries SET vendor_id = :vendor"),
                {'vendor': vendor_id})

    def insert_row(self, name, vendor_id, product_id='1db6'):
        """Write a row the way SQL does, without any validation."""
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO pci_alias_entries (position, name, vendor_id, "
                "product_id) VALUES (0, :name, :vendor, :product)"),
                {'name': name, 'vendor': vendor_id, 'product': product_id})


class TestAnswers(DriverTestCase):

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('gpu', numa_policy='preferred'),
                                entry('nic', '154d', device_type='type-PF')],
                               'test')

    def test_alias_option_holds_the_database_entries(self):
        conf = self.service_conf()
        self.assertEqual(
            [{'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
              'numa_policy': 'preferred'},
             {'name': 'nic', 'vendor_id': '10de', 'product_id': '154d',
              'device_type': 'type-PF'}],
            [json.loads(value) for value in conf.pci.alias])

    def test_group_name_is_the_deployers_choice(self):
        # The name that earlier samples used, for one.
        conf = self.service_conf(lines=DRIVER_LINES.replace(
            'pci_alias_driver', 'pci_aliases'))
        self.assertEqual(['gpu', 'nic'], [json.loads(value)['name']
                                          for value in conf.pci.alias])

    def test_other_options_keep_their_default(self):
        conf = self.service_conf()
        self.assertEqual([], conf.pci.device_spec)

    def test_location_names_the_sources_and_group(self):
        conf = self.service_conf()
        self.assertEqual('nova_pci_alias sources database '
                         '([pci_alias_driver])',
                         conf.get_location('alias', 'pci').detail)

    def test_sources_are_read_only_when_the_alias_option_is_asked_for(self):
        conf = self.service_conf()
        queries.create_entry(entry('fpga', '0fff'))
        self.assertIn('fpga', [json.loads(value)['name']
                               for value in conf.pci.alias])

    def test_alias_lines_in_the_file_are_warned_about(self):
        self.service_conf('\n[pci]\nalias = %s\n' % json.dumps(entry('x')))
        self.assertIn('[pci] alias is set in the configuration files',
                      self.logger.output)

    def test_alias_lines_in_the_file_take_precedence(self):
        conf = self.service_conf('\n[pci]\nalias = %s\n'
                                 % json.dumps(entry('x')))
        self.assertEqual([entry('x')],
                         [json.loads(value) for value in conf.pci.alias])


class TestValues(DriverTestCase):

    def test_dollar_sign_is_not_substituted(self):
        queries.create_entry(entry('gpu$HOME'))
        conf = self.service_conf()
        self.assertEqual('gpu$HOME', json.loads(conf.pci.alias[0])['name'])

    def test_empty_database_gives_an_empty_list(self):
        conf = self.service_conf()
        self.assertEqual([], conf.pci.alias)

    def test_empty_database_is_warned_about(self):
        conf = self.service_conf()
        conf.pci.alias
        self.assertIn('hold no PCI alias', self.logger.output)

    def test_placement_rules_follow_nova_option(self):
        queries.import_entries([entry('gpu'), entry('gpu', '1db7')], 'test')
        conf = self.service_conf(placement=True)
        exc = self.lookup_error(exception.PciInvalidAlias, conf)
        self.assertIn('have multiple specs but '
                      '[filter_scheduler]pci_in_placement is True', str(exc))

    def test_placement_rules_off_accept_several_specs(self):
        queries.import_entries([entry('gpu'), entry('gpu', '1db7')], 'test')
        conf = self.service_conf(placement=False)
        self.assertEqual(2, len(conf.pci.alias))


class TestFailures(DriverTestCase):

    def test_invalid_row_raises_with_its_location(self):
        exc = self.invalid_table_error()
        self.assertEqual(invalid_row_message(), str(exc))

    def test_invalid_row_is_logged_as_an_error(self):
        self.invalid_table_error()
        self.assertIn('nova_pci_alias could not supply [pci] alias from '
                      'the sources in [pci_alias_driver]', self.logger.output)

    def test_failure_is_not_kept_once_fixed(self):
        self.insert_row('gpu', '80861')
        conf = self.service_conf()
        self.lookup_error(exception.PciInvalidAlias, conf)
        self.fix_the_row()
        self.assertEqual(1, len(conf.pci.alias))

    def test_a_lasting_failure_is_logged_once(self):
        self.insert_row('gpu', '80861')
        conf = self.service_conf()
        for _ in range(3):
            self.lookup_error(exception.PciInvalidAlias, conf)
        self.assertEqual(1, self.logger.output.count(
            'nova_pci_alias could not supply [pci] alias'))

    def test_a_new_reason_of_a_failure_is_logged(self):
        self.insert_row('gpu', '80861')
        conf = self.service_conf()
        self.lookup_error(exception.PciInvalidAlias, conf)
        self.fix_the_row('xyz')
        self.lookup_error(exception.PciInvalidAlias, conf)
        self.assertEqual(2, self.logger.output.count(
            'nova_pci_alias could not supply [pci] alias'))

    def test_recovery_is_logged(self):
        self.insert_row('gpu', '80861')
        conf = self.service_conf()
        self.lookup_error(exception.PciInvalidAlias, conf)
        self.fix_the_row()
        conf.pci.alias
        self.assertIn('nova_pci_alias supplies [pci] alias from the sources '
                      'in', self.logger.output)

    def test_unsynced_database_raises_not_ready(self):
        with self.engine.begin() as connection:
            connection.execute(sa.text('DROP TABLE pci_alias_revision'))
        conf = self.service_conf()
        self.lookup_error(exception.AliasSourceNotReady, conf)

    def test_unknown_source_raises_naming_it(self):
        conf = self.service_conf('sources = nowhere\n')
        exc = self.lookup_error(exception.AliasSourceNotFound, conf)
        self.assertIn('nowhere', str(exc))

    def test_config_source_is_refused(self):
        conf = self.service_conf('sources = database, config\n')
        exc = self.lookup_error(exception.AliasSourceError, conf)
        self.assertIn('it reads [pci] alias', str(exc))

    def test_source_reading_the_alias_option_gets_an_error(self):
        class AliasOptionReader(fakes.FakeSource):
            def entries(self):
                return list(self.conf.pci.alias)

        # Without the guard the lookup would wait forever on the registry's
        # lock: fail instead.
        self.useFixture(fixtures.Timeout(20, gentle=True))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_pci_alias.registry.load_sources',
            lambda conf, names: [('reader', AliasOptionReader(conf))]))
        conf = self.service_conf('sources = reader\n')
        exc = self.lookup_error(exception.AliasSourceError, conf)
        self.assertIn('a source asked for [pci] alias while this driver was '
                      'answering it', str(exc))

    def test_empty_source_list_is_refused(self):
        conf = self.service_conf('sources =\n')
        exc = self.lookup_error(exception.AliasSourceError, conf)
        self.assertIn('[pci_alias_driver] sources is empty', str(exc))

    def test_source_listed_twice_is_refused(self):
        conf = self.service_conf('sources = database, database\n')
        exc = self.lookup_error(exception.AliasSourcesMisconfigured, conf)
        self.assertIn("[pci_alias_driver] sources lists 'database' twice",
                      str(exc))

    def test_refusal_is_logged(self):
        conf = self.service_conf('sources = config\n')
        self.lookup_error(exception.AliasSourcesMisconfigured, conf)
        self.assertIn('could not supply [pci] alias from the sources in '
                      '[pci_alias_driver]', self.logger.output)


class TestInsideNova(DriverTestCase):
    """Errors in a process where Nova's exception module is loaded."""

    def setUp(self):
        super().setUp()
        self.nova = self.useFixture(NovaExceptionModule()).module

    def test_invalid_table_is_nova_class(self):
        self.invalid_table_error(self.nova.PciInvalidAlias)

    def test_invalid_table_is_still_our_class(self):
        self.invalid_table_error()

    def test_invalid_table_keeps_our_text(self):
        exc = self.invalid_table_error()
        self.assertEqual(invalid_row_message(), str(exc))

    def test_invalid_table_carries_nova_http_code(self):
        exc = self.invalid_table_error()
        self.assertEqual(400, exc.kwargs['code'])

    def test_unreadable_source_is_nova_base_class(self):
        with self.engine.begin() as connection:
            connection.execute(sa.text('DROP TABLE pci_alias_revision'))
        conf = self.service_conf()
        exc = self.lookup_error(exception.AliasSourceNotReady, conf)
        self.assertIsInstance(exc, self.nova.NovaException)


class TestOutsideNova(DriverTestCase):

    def test_invalid_table_is_exactly_our_class(self):
        self.useFixture(NovaExceptionModule(present=False))
        exc = self.invalid_table_error()
        self.assertIs(exception.PciInvalidAlias, type(exc))


class TestFailuresMySQL(TestFailures):
    FIXTURE = base.MySQLFixture


class TestFailuresPostgreSQL(TestFailures):
    FIXTURE = base.PostgreSQLFixture


class TestTools(DriverTestCase):
    """This package's tools, given the nova.conf that enables the driver."""

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('gpu'), entry('gpu', '1db7')], 'test')

    def run_lookup(self, extra=''):
        path = os.path.join(self.tempdir, 'nova.conf')
        with open(path, 'w') as f:
            f.write(DRIVER_LINES + extra)
        out, err = io.StringIO(), io.StringIO()
        code = alias_cmd.main(['--config-file', path, 'validate'],
                              out=out, err=err)
        return code, out.getvalue() + err.getvalue()

    def test_tools_read_the_sources_of_the_driver_group(self):
        self.assertIn('from sources database', self.run_lookup()[1])

    def test_pci_alias_sources_set_explicitly_win(self):
        output = self.run_lookup('\n[pci_alias]\nsources = config\n'
                                 '[pci]\nalias = %s\n'
                                 % json.dumps(entry('x')))[1]
        self.assertIn('OK: 1 aliases (1 entries) from sources config',
                      output)

    def test_nova_placement_switch_applies_to_the_tools(self):
        code, _ = self.run_lookup(
            '\n[filter_scheduler]\npci_in_placement = true\n')
        self.assertEqual(1, code)


class TestDriverPlugin(base.base.BaseTestCase):

    def test_driver_is_installed_under_its_entry_point(self):
        manager = stevedore.ExtensionManager('oslo.config.driver')
        self.assertIn('nova_pci_alias', manager.names())

    def test_discovery_lists_the_driver_options(self):
        driver = oslo_driver.AliasSourceDriver()
        self.assertEqual(['sources', 'live_refresh'], [
            opt.name for opt in driver.list_options_for_discovery()])
