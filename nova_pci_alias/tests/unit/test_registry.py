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

"""Tests of the alias registry: merging, caching, refreshing, failing."""

import inspect
import sys
import threading
import time

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias import oslo_driver
from nova_pci_alias import registry
from nova_pci_alias import request
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry


class RegistryTestCase(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.registry'))
        self.now = 1000.0
        self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.registry.time.monotonic',
            side_effect=lambda: self.now))

    def make(self, *sources, **overrides):
        """A registry over the given FakeSources, named s1, s2, ..."""
        if overrides:
            self.conf_fixture.config(group='pci_alias', **overrides)
        reg = registry.AliasRegistry(
            self.conf, [('s%d' % (i + 1), src)
                        for i, src in enumerate(sources)])
        self.addCleanup(fakes.wait_for_check, reg)
        return reg

    def source(self, *entries, **kwargs):
        return fakes.FakeSource(self.conf, entries, **kwargs)

    def after_check(self, reg):
        """The table once the check that a lookup now starts has ended."""
        return fakes.table_after_check(reg)


class TestMerge(RegistryTestCase):

    def test_entries_of_every_source(self):
        reg = self.make(self.source(entry('a')), self.source(entry('b')))
        self.assertEqual(['a', 'b'], list(reg.get_table()))

    def test_first_source_owns_a_name(self):
        reg = self.make(self.source(entry('a', '0001')),
                        self.source(entry('a', '0002')))
        self.assertEqual(['0001'], [s['product_id'] for s in
                                    reg.get_table()['a'].specs])

    def test_entries_of_one_source_are_ored(self):
        reg = self.make(self.source(entry('a', '0001'), entry('a', '0002')),
                        self.source(entry('a', '0003')))
        self.assertEqual(['0001', '0002'], [s['product_id'] for s in
                                            reg.get_table()['a'].specs])

    def test_shadowing_is_logged(self):
        reg = self.make(self.source(entry('a')),
                        self.source('{"name": " a ", "vendor_id": "x"}'))
        reg.get_table()
        self.assertIn("PCI alias 'a' from source 's2' is shadowed by the "
                      "definition from source 's1'", self.logger.output)

    def test_a_shadowed_invalid_entry_is_ignored(self):
        reg = self.make(self.source(entry('a')),
                        self.source(entry('a', vendor_id='bad')))
        self.assertEqual(['a'], list(reg.get_table()))

    def test_json_text_entries(self):
        reg = self.make(self.source('{"name": "a", "vendor_id": "10de", '
                                    '"product_id": "1db6"}'))
        self.assertEqual(['a'], list(reg.get_table()))

    def test_invalid_entry_names_the_source_and_position(self):
        reg = self.make(self.source(entry('a')),
                        self.source(entry('b'), entry('c', colour='red')))
        exc = self.assertRaises(exception.PciInvalidAlias, reg.get_table)
        self.assertIn("[alias source 's2', entry 2]", str(exc))

    def test_invalid_entry_names_the_source_location(self):
        reg = self.make(self.source(entry('a', colour='red'),
                                    where='https://cmdb.example/aliases'))
        exc = self.assertRaises(exception.PciInvalidAlias, reg.get_table)
        self.assertIn("[alias source 's1' at https://cmdb.example/aliases, "
                      "entry 1]", str(exc))

    def test_invalid_json_names_the_source_and_position(self):
        reg = self.make(self.source('{"name": '))
        exc = self.assertRaises(exception.PciInvalidAlias, reg.get_table)
        self.assertIn("[alias source 's1', entry 1]", str(exc))

    def test_merged_table_is_validated_as_a_whole(self):
        reg = self.make(self.source(entry('a', '0001')),
                        self.source({'name': 'b', 'product_id': '0001'}))
        exc = self.assertRaises(exception.PciInvalidAlias, reg.get_table)
        self.assertEqual('The PCI alias(es) b does not have vendor_id and '
                         'product_id fields set.', str(exc))

    def test_pci_in_placement_option(self):
        reg = self.make(self.source(entry('a', '0001'), entry('a', '0002')),
                        pci_in_placement=True)
        exc = self.assertRaises(exception.PciInvalidAlias, reg.get_table)
        self.assertIn('have multiple specs', str(exc))

    def test_no_sources_give_an_empty_table(self):
        self.assertEqual({}, dict(self.make().get_table()))

    def test_source_names_in_order(self):
        self.assertEqual(['s1', 's2'], self.make(
            self.source(), self.source()).source_names)


class TestEntriesAccepted(RegistryTestCase):

    def test_told_after_a_good_load(self):
        src = self.source(entry('a'))
        self.make(src).get_table()
        self.assertEqual(1, src.accepted)

    def test_not_told_when_the_table_is_invalid(self):
        src = self.source(entry('a', vendor_id='bad'))
        reg = self.make(src)
        self.assertRaises(exception.PciInvalidAlias, reg.get_table)
        self.assertEqual(0, src.accepted)

    def test_not_told_again_when_nothing_changed(self):
        src = self.source(entry('a'))
        reg = self.make(src)
        reg.get_table()
        reg.refresh()
        self.assertEqual(1, src.accepted)

    def test_only_the_changed_source_is_told(self):
        still, moving = self.source(entry('a')), self.source(entry('b'))
        reg = self.make(still, moving)
        reg.get_table()
        moving.set_entries([entry('c')])
        reg.refresh()
        self.assertEqual((1, 2), (still.accepted, moving.accepted))

    def test_a_failing_source_keeps_the_new_table(self):
        src = self.source(entry('a'))
        src.accept_error = OSError('disk full')
        self.assertEqual(['a'], list(self.make(src).get_table()))

    def test_a_failing_source_is_logged(self):
        src = self.source(entry('a'))
        src.accept_error = OSError('disk full')
        self.make(src).get_table()
        self.assertIn("PCI alias source 's1' failed after its entries were "
                      "loaded; the new table is served: disk full",
                      self.logger.output)

    def change_twice(self, src, error_the_second_time):
        """Load, then load two changes; the source fails the first time."""
        src.accept_error = OSError('disk full')
        reg = self.make(src)
        reg.get_table()
        src.set_entries([entry('b')])
        src.accept_error = error_the_second_time
        reg.refresh()

    def test_a_lasting_failure_is_logged_once(self):
        self.change_twice(self.source(entry('a')), OSError('disk full'))
        self.assertEqual(1, self.logger.output.count(
            "PCI alias source 's1' failed after its entries were loaded"))

    def test_recovery_is_logged(self):
        self.change_twice(self.source(entry('a')), None)
        self.assertIn("PCI alias source 's1' no longer fails after its "
                      "entries are loaded.", self.logger.output)


class TestRefresh(RegistryTestCase):

    def test_table_is_cached_within_the_interval(self):
        src = self.source(entry('a'))
        reg = self.make(src)
        first = reg.get_table()
        src.set_entries([entry('b')])
        self.now += 59
        self.assertIs(first, self.after_check(reg))

    def test_change_is_seen_after_the_interval(self):
        src = self.source(entry('a'))
        reg = self.make(src)
        reg.get_table()
        src.set_entries([entry('b')])
        self.now += 60
        self.assertEqual(['b'], list(self.after_check(reg)))

    def test_same_token_does_not_read_entries_again(self):
        src = self.source(entry('a'))
        reg = self.make(src)
        reg.get_table()
        self.now += 600
        self.after_check(reg)
        self.assertEqual(1, src.reads)

    def test_same_token_keeps_the_same_table(self):
        reg = self.make(self.source(entry('a')))
        first = reg.get_table()
        self.now += 600
        self.assertIs(first, self.after_check(reg))

    def test_only_the_changed_source_is_read_again(self):
        still, moving = self.source(entry('a')), self.source(entry('b'))
        reg = self.make(still, moving)
        reg.get_table()
        moving.set_entries([entry('c')])
        self.now += 60
        self.after_check(reg)
        self.assertEqual((1, 2), (still.reads, moving.reads))

    def test_source_without_token_is_read_on_every_check(self):
        src = self.source(entry('a'), token=None)
        reg = self.make(src)
        reg.get_table()
        self.now += 60
        self.after_check(reg)
        self.assertEqual(2, src.reads)

    def test_zero_interval_checks_on_every_lookup(self):
        src = self.source(entry('a'))
        reg = self.make(src, refresh_interval=0)
        reg.get_table()
        src.set_entries([entry('b')])
        self.assertEqual(['b'], list(self.after_check(reg)))

    def test_refresh_reports_a_new_table(self):
        src = self.source(entry('a'))
        reg = self.make(src)
        reg.get_table()
        src.set_entries([entry('b')])
        self.assertTrue(reg.refresh())

    def test_refresh_reports_no_change(self):
        reg = self.make(self.source(entry('a')))
        reg.get_table()
        self.assertFalse(reg.refresh())

    def test_forced_refresh_reads_again(self):
        src = self.source(entry('a'))
        reg = self.make(src)
        reg.get_table()
        reg.refresh(force=True)
        self.assertEqual(2, src.reads)


class TestFailures(RegistryTestCase):

    def loaded(self):
        """A registry with a good table, and its source."""
        src = self.source(entry('a'))
        reg = self.make(src)
        reg.get_table()
        return reg, src

    def test_never_loaded_source_error_is_raised(self):
        src = self.source()
        src.error = exception.AliasSourceError(source='s1', reason='down')
        exc = self.assertRaises(exception.AliasSourceError,
                                self.make(src).get_table)
        self.assertEqual("PCI alias source 's1' failed: down", str(exc))

    def test_never_loaded_unexpected_error_is_wrapped(self):
        src = self.source()
        src.error = OSError('disk on fire')
        exc = self.assertRaises(exception.AliasSourceError,
                                self.make(src).get_table)
        self.assertEqual("PCI alias source 's1' failed: disk on fire",
                         str(exc))

    def test_never_loaded_invalid_table_is_raised(self):
        self.assertRaises(exception.PciInvalidAlias, self.make(
            self.source(entry('a', vendor_id='x'))).get_table)

    def test_failed_source_keeps_the_last_good_table(self):
        reg, src = self.loaded()
        good = reg.get_table()
        src.error = exception.AliasSourceError(source='s1', reason='down')
        self.now += 60
        self.assertIs(good, self.after_check(reg))

    def test_unexpected_error_keeps_the_last_good_table(self):
        reg, src = self.loaded()
        good = reg.get_table()
        src.error = RuntimeError('boom')
        self.now += 60
        self.assertIs(good, self.after_check(reg))

    def test_invalid_new_entries_keep_the_last_good_table(self):
        reg, src = self.loaded()
        good = reg.get_table()
        src.set_entries([entry('a'), entry('b', colour='red')])
        self.now += 60
        self.assertIs(good, self.after_check(reg))

    def test_outage_is_logged_once(self):
        reg, src = self.loaded()
        src.error = RuntimeError('boom')
        for _ in range(3):
            self.now += 60
            self.after_check(reg)
        self.assertEqual(1, self.logger.output.count(
            'Refreshing the PCI alias table failed'))

    def test_outage_log_says_why(self):
        reg, src = self.loaded()
        src.error = RuntimeError('boom')
        self.now += 60
        self.after_check(reg)
        self.assertIn("PCI alias source 's1' failed: boom",
                      self.logger.output)

    def outage_then_repair(self, wait):
        """A registry whose source fails one check, then offers 'b'."""
        reg, src = self.loaded()
        src.error = RuntimeError('boom')
        self.now += 60
        self.after_check(reg)
        src.error = None
        src.set_entries([entry('b')])
        self.now += wait
        return reg

    def test_recovery_is_logged(self):
        self.after_check(self.outage_then_repair(wait=60))
        self.assertIn('works again', self.logger.output)

    def test_a_check_that_cannot_start_is_part_of_the_outage(self):
        reg, src = self.loaded()
        src.error = RuntimeError('boom')
        self.now += 60
        self.after_check(reg)
        with fixtures.MockPatchObject(
                registry.threading.Thread, 'start',
                side_effect=RuntimeError("can't start new thread")):
            self.now += 60
            reg.get_table()
        self.assertEqual(1, self.logger.output.count(
            'Refreshing the PCI alias table failed'))

    def test_a_check_that_cannot_start_is_logged(self):
        reg, _ = self.loaded()
        with fixtures.MockPatchObject(
                registry.threading.Thread, 'start',
                side_effect=RuntimeError("can't start new thread")):
            self.now += 60
            reg.get_table()
        self.assertIn("could not start a check: can't start new thread",
                      self.logger.output)

    def test_recovery_serves_the_new_table(self):
        reg = self.outage_then_repair(wait=60)
        self.assertEqual(['b'], list(self.after_check(reg)))

    def test_failed_check_waits_for_the_next_interval(self):
        reg = self.outage_then_repair(wait=1)
        self.assertEqual(['a'], list(self.after_check(reg)))

    def test_refresh_raises_and_keeps_the_table(self):
        reg, src = self.loaded()
        good = reg.get_table()
        src.set_entries([entry('a', vendor_id='x')])
        self.assertRaises(exception.PciInvalidAlias, reg.refresh)
        self.assertIs(good, reg.get_table())


class GatedSource(fakes.FakeSource):
    """A FakeSource whose first ``change_token`` waits for ``gate``.

    ``entered`` is set once that call waits; ``token_calls`` counts the
    calls.
    """

    def __init__(self, conf):
        super().__init__(conf, [entry('a')])
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.token_calls = 0

    def change_token(self):
        self.token_calls += 1
        if self.token_calls == 1:
            self.entered.set()
            self.gate.wait(fakes.CHECK_WAIT)
        return super().change_token()


class TestFirstLoadWaiters(RegistryTestCase):
    """Lookups that wait while the first load runs share its outcome."""

    def setUp(self):
        super().setUp()
        self.src = GatedSource(self.conf)
        self.reg = self.make(self.src)
        self.outcomes = []

    def look_up(self):
        try:
            self.outcomes.append(self.reg.get_table())
        except Exception as exc:
            self.outcomes.append(exc)

    def wait_on_the_lock(self, thread):
        """Return once ``thread`` waits for the registry's lock."""
        lines, first = inspect.getsourcelines(
            registry.AliasRegistry._load_first)
        waiting_at = first + [line.strip() for line in lines].index(
            'with self._lock:')
        deadline = time.time() + fakes.CHECK_WAIT
        while time.time() < deadline:
            frame = sys._current_frames().get(thread.ident)
            if (frame is not None and frame.f_code.co_name == '_load_first'
                    and frame.f_lineno == waiting_at):
                return
            time.sleep(0.01)
        self.fail('the lookup did not wait for the first load')

    def first_load_with_waiters(self, error, waiters=3, entries=None):
        """A first load that ends with ``error``, and lookups waiting.

        ``entries``, when given, are what the load reads.
        """
        first = threading.Thread(target=self.look_up)
        first.start()
        self.src.entered.wait(fakes.CHECK_WAIT)
        others = [threading.Thread(target=self.look_up)
                  for _ in range(waiters)]
        for other in others:
            other.start()
            self.wait_on_the_lock(other)
        self.src.error = error
        if entries is not None:
            self.src.entries_list = entries
        self.src.gate.set()
        for thread in [first] + others:
            thread.join(fakes.CHECK_WAIT)

    def test_waiters_of_a_failed_load_do_not_ask_the_sources(self):
        self.first_load_with_waiters(RuntimeError('down'))
        self.assertEqual(1, self.src.token_calls)

    def test_waiters_of_a_failed_load_get_its_error(self):
        self.first_load_with_waiters(RuntimeError('down'))
        self.assertEqual(["PCI alias source 's1' failed: down"] * 4,
                         [str(outcome) for outcome in self.outcomes])

    def test_waiters_of_a_failed_load_get_its_class(self):
        self.first_load_with_waiters(
            None, entries=[entry('a', vendor_id='x')])
        self.assertEqual([exception.PciInvalidAlias] * 4,
                         [type(outcome) for outcome in self.outcomes])

    def test_each_waiter_gets_an_error_of_its_own(self):
        self.first_load_with_waiters(RuntimeError('down'))
        self.assertEqual(4, len({id(outcome) for outcome in self.outcomes}))

    def test_waiters_of_a_good_load_get_its_table(self):
        self.first_load_with_waiters(None)
        self.assertEqual(1, len({id(outcome) for outcome in self.outcomes}))

    def test_a_lookup_after_a_failed_load_asks_again(self):
        self.first_load_with_waiters(RuntimeError('down'), waiters=0)
        self.src.error = None
        self.assertEqual(['a'], list(self.reg.get_table()))


class TestLoading(RegistryTestCase):

    def test_config_source_is_loaded_by_name(self):
        self.assertEqual(['config'], [
            name for name, _ in registry.load_sources(self.conf,
                                                      ['config'])])

    def test_registry_reads_the_config_source(self):
        reg = registry.AliasRegistry.from_config(self.conf)
        self.conf_fixture.config(group='pci', alias=[
            '{"name": "a", "vendor_id": "10de", "product_id": "1db6"}'])
        self.assertEqual(['a'], list(reg.get_table()))

    def test_unknown_source_name(self):
        exc = self.assertRaises(exception.AliasSourceNotFound,
                                registry.load_sources, self.conf,
                                ['config', 'nosuch'])
        self.assertEqual(
            "PCI alias source 'nosuch' is not installed: no entry point of "
            "that name in namespace 'nova_pci_alias.sources'. Installed "
            "sources: %s" % ', '.join(registry.installed_source_names()),
            str(exc))

    def test_installed_names_include_config(self):
        self.assertIn('config', registry.installed_source_names())

    def test_configured_unknown_source(self):
        self.conf_fixture.config(group='pci_alias', sources=['nosuch'])
        self.assertRaises(exception.AliasSourceNotFound,
                          registry.AliasRegistry.from_config, self.conf)


class TestFromConfig(base.BaseTestCase):
    """Which sources a configuration chooses, for each kind of caller."""

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf

    def names(self, group=None):
        return registry.AliasRegistry.from_config(
            self.conf, group=group).source_names

    def refusal(self, group=None):
        return str(self.assertRaises(
            exception.AliasSourcesMisconfigured,
            registry.AliasRegistry.from_config, self.conf, group=group))

    def use_driver(self, group='pci_alias_driver', driver='nova_pci_alias',
                   **options):
        self.conf.register_opts(oslo_driver.list_opts()
                                + [cfg.StrOpt('driver')], group=group)
        self.conf_fixture.config(group=group, driver=driver, **options)
        self.conf_fixture.config(
            config_source=list(self.conf.config_source) + [group])

    def test_tools_read_the_default_source(self):
        self.assertEqual(['config'], self.names())

    def test_tools_read_pci_alias_sources_when_set(self):
        self.conf_fixture.config(group='pci_alias',
                                 sources=['config', 'database'])
        self.assertEqual(['config', 'database'], self.names())

    def test_tools_read_the_sources_of_the_driver_group(self):
        self.use_driver(sources=['database'])
        self.assertEqual(['database'], self.names())

    def test_tools_read_the_first_driver_group(self):
        self.use_driver('first', sources=['database'])
        self.use_driver('second', sources=['remote'])
        self.assertEqual(['database'], self.names())

    def test_tools_ignore_a_group_of_another_driver(self):
        self.use_driver(driver='yaml', sources=['database'])
        self.assertEqual(['config'], self.names())

    def test_pci_alias_sources_set_win_over_the_driver_group(self):
        self.use_driver(sources=['database'])
        self.conf_fixture.config(group='pci_alias', sources=['config'])
        self.assertEqual(['config'], self.names())

    def test_tools_accept_an_empty_list(self):
        self.conf_fixture.config(group='pci_alias', sources=[])
        self.assertEqual([], self.names())

    def test_tools_apply_the_driver_rules_to_the_driver_group(self):
        self.use_driver(sources=['database', 'config'])
        self.assertIn('[pci_alias_driver] sources lists "config"',
                      self.refusal())

    def test_source_listed_twice(self):
        self.conf_fixture.config(group='pci_alias',
                                 sources=['config', 'database', 'config'])
        self.assertEqual(
            "[pci_alias] sources lists 'config' twice: list each source "
            "once, at the place of its precedence", self.refusal())

    def test_source_listed_twice_in_the_driver_group(self):
        self.use_driver(sources=['database', 'database'])
        self.assertIn("[pci_alias_driver] sources lists 'database' twice",
                      self.refusal('pci_alias_driver'))

    def test_refusal_is_a_configuration_error(self):
        self.conf_fixture.config(group='pci_alias', sources=['config'] * 2)
        exc = self.assertRaises(exception.NoAliasSource,
                                registry.AliasRegistry.from_config,
                                self.conf)
        self.assertIsInstance(exc, exception.AliasSourceError)

    def test_service_reads_pci_alias_sources(self):
        self.use_driver(sources=['database'])
        self.conf_fixture.config(group='pci_alias', sources=['config'])
        self.assertEqual(['config'], self.names('pci_alias'))

    def test_service_refuses_the_default(self):
        self.use_driver(sources=['database'])
        self.assertEqual(
            '[pci_alias] sources is not set in the configuration files '
            'read (none): the PCI alias service publishes only the sources '
            'it is told to; set it, for example "sources = database".',
            self.refusal('pci_alias'))

    def test_service_refuses_an_empty_list(self):
        self.conf_fixture.config(group='pci_alias', sources=[])
        self.assertIn('[pci_alias] sources is empty', self.refusal(
            'pci_alias'))

    def test_driver_reads_its_group(self):
        self.use_driver(sources=['config'])
        self.use_driver('mine', sources=['database', 'remote'])
        self.assertEqual(['database', 'remote'],
                         registry.configured_source_names(self.conf, 'mine'))

    def test_driver_group_default_is_database(self):
        self.use_driver()
        self.assertEqual(['database'], registry.configured_source_names(
            self.conf, 'pci_alias_driver'))

    def test_driver_refuses_the_config_source(self):
        self.use_driver(sources=['config'])
        self.assertEqual(
            '[pci_alias_driver] sources lists "config", which cannot be '
            'read there: it reads [pci] alias, the option that the '
            'nova_pci_alias driver of [pci_alias_driver] answers; list '
            'other sources in [pci_alias_driver] sources, and move the '
            '[pci] alias lines with "nova-pci-alias-manage alias import '
            '--from-config"', self.refusal('pci_alias_driver'))

    def test_driver_refuses_an_empty_list(self):
        self.use_driver(sources=[])
        self.assertEqual('[pci_alias_driver] sources is empty: name at '
                         'least one alias source',
                         self.refusal('pci_alias_driver'))

    def test_sources_are_loaded_in_the_order_listed(self):
        self.conf_fixture.config(group='pci_alias',
                                 sources=['remote', 'config'])
        self.assertEqual(['remote', 'config'], self.names())

    def test_unknown_source_is_not_found(self):
        self.use_driver(sources=['database', 'nosuch'])
        exc = self.assertRaises(exception.AliasSourceNotFound,
                                registry.AliasRegistry.from_config,
                                self.conf, group='pci_alias_driver')
        self.assertIn("'nosuch' is not installed", str(exc))


class TestProcessRegistry(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fakes.ProcessRegistryFixture())
        self.conf = self.useFixture(fakes.ConfFixture()).conf

    def test_one_registry_per_process(self):
        self.assertIs(registry.get_registry(self.conf),
                      registry.get_registry())

    def test_reset_builds_a_new_one(self):
        first = registry.get_registry(self.conf)
        registry.reset_registry()
        self.assertIsNot(first, registry.get_registry(self.conf))

    def test_seed_api_reads_the_process_registry(self):
        registry.get_registry(self.conf)
        self.conf.set_override('alias', [
            '{"name": "a", "vendor_id": "10de", "product_id": "1db6"}'],
            group='pci')
        self.assertEqual(['a'], list(request.get_alias_from_config()))


class TestConcurrency(base.BaseTestCase):

    def test_readers_see_whole_tables_during_refreshes(self):
        conf = self.useFixture(fakes.ConfFixture()).conf
        conf.set_override('refresh_interval', 0, group='pci_alias')
        small = [entry('a')]
        large = [entry('n%03d' % i) for i in range(200)]
        src = fakes.FakeSource(conf, small)
        reg = registry.AliasRegistry(conf, [('s1', src)])
        self.addCleanup(fakes.wait_for_check, reg)
        reg.get_table()
        seen = set()
        stop = threading.Event()

        def read():
            while not stop.is_set():
                seen.add(len(reg.get_table()))

        readers = [threading.Thread(target=read) for _ in range(4)]
        for thread in readers:
            thread.start()
        for i in range(200):
            src.set_entries(large if i % 2 else small)
            reg.refresh(force=True)
        stop.set()
        for thread in readers:
            thread.join()
        self.assertEqual(set(), seen - {1, 200})
