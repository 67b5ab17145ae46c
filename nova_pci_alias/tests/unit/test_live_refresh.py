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

"""Live refresh of the oslo.config driver, on a real database.

Nova itself is in ``tox -e nova`` (``tests/functional``).  Here a stand-in
``nova.pci.request`` module holds a ``get_alias_from_config`` cached with
:func:`functools.cache`, as nova 34.0.0's is, which reads ``[pci] alias`` of
the test's configuration: the driver's live refresh must drop both caches,
oslo.config's and that one.  The refresh interval is long, and each test
runs a check with :meth:`LiveRefresh.check_once`, unless it is about the
thread.
"""

import functools
import json
import os
import sys
import time
import types

import fixtures
import sqlalchemy as sa

from nova_pci_alias import live_refresh
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import test_oslo_driver

LIVE = '\nlive_refresh = true\n[pci_alias]\nrefresh_interval = %d\n'

#: How long a test waits for the check thread, at most.
DEADLINE = 10.0


class NovaRequestModule(fixtures.Fixture):
    """A stand-in ``nova.pci.request`` in ``sys.modules`` for one test.

    :param conf: the configuration whose ``[pci] alias`` it parses.
    :param cached: wrap ``get_alias_from_config`` in ``functools.cache``.
    :param refuse: an alias name that makes it raise, as Nova does for
        aliases it does not accept.
    :param module_name: the module's name, to stand in for a Nova that
        moved it.
    """

    NAME = 'nova.pci.request'

    def __init__(self, conf, cached=True, refuse=None,
                 module_name=NAME):
        super().__init__()
        self.module_name = module_name
        self.conf = conf
        self.cached = cached
        self.refuse = refuse
        self.parses = 0

    def _setUp(self):
        saved = sys.modules.pop(self.module_name, None)
        self.addCleanup(self._restore, saved)
        self.module = types.ModuleType(self.module_name)

        def get_alias_from_config():
            self.parses += 1
            names = [json.loads(value)['name']
                     for value in self.conf.pci.alias]
            if self.refuse in names:
                raise ValueError('alias %r refused' % self.refuse)
            return {name: ('legacy', []) for name in names}

        self.module.get_alias_from_config = (
            functools.cache(get_alias_from_config) if self.cached
            else get_alias_from_config)
        sys.modules[self.module_name] = self.module

    def _restore(self, saved):
        sys.modules.pop(self.module_name, None)
        if saved is not None:
            sys.modules[self.module_name] = saved

    def names(self):
        """The alias names "Nova" holds now."""
        return sorted(self.module.get_alias_from_config())


class LiveRefreshTestCase(test_oslo_driver.DriverTestCase):

    def setUp(self):
        super().setUp()
        queries.create_entry(entry('a'))
        self.addCleanup(self.stop_refreshes)

    @staticmethod
    def stop_refreshes():
        for refresh in live_refresh.active():
            refresh.stop()

    def start(self, interval=3600, live=True, **nova_args):
        """Parse the configuration, and let "Nova" read its aliases once."""
        conf = self.service_conf(
            (LIVE % interval) if live else
            '\n[pci_alias]\nrefresh_interval = %d\n' % interval)
        self.nova = self.useFixture(NovaRequestModule(conf, **nova_args))
        self.nova.names()
        return conf

    def refresh(self):
        """The live refresh of this test."""
        (refresh,) = live_refresh.active()
        return refresh

    def change(self):
        """Add ``b`` and remove ``a``, as an operator does."""
        queries.create_entry(entry('b', '1db7'))
        queries.delete_alias('a')

    def write_by_hand(self, vendor_id):
        """Set every row's vendor_id with SQL, and count it as a write."""
        self.fix_the_row(vendor_id)
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                'UPDATE pci_alias_revision SET revision = revision + 1'))

    def wait_for(self, names):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.nova.names() == names:
                return names
            time.sleep(0.05)
        return self.nova.names()


class TestHandOver(LiveRefreshTestCase):

    def test_nova_gets_the_new_table_after_a_check(self):
        self.start()
        self.change()
        self.refresh().check_once()
        self.assertEqual(['b'], self.nova.names())

    def test_option_value_is_the_new_table(self):
        conf = self.start()
        self.change()
        self.refresh().check_once()
        self.assertEqual(['b'], [json.loads(value)['name']
                                 for value in conf.pci.alias])

    def test_nova_parses_the_new_table_during_the_check(self):
        self.start()
        self.change()
        before = self.nova.parses
        self.refresh().check_once()
        self.assertEqual(before + 1, self.nova.parses)

    def test_unchanged_sources_leave_nova_cache_alone(self):
        self.start()
        before = self.nova.parses
        self.refresh().check_once()
        self.nova.names()
        self.assertEqual(before, self.nova.parses)

    def test_second_change_is_handed_over_too(self):
        self.start()
        self.change()
        self.refresh().check_once()
        queries.create_entry(entry('c', '1db8'))
        self.refresh().check_once()
        self.assertEqual(['b', 'c'], self.nova.names())

    def test_hand_over_is_logged(self):
        self.start()
        self.change()
        self.refresh().check_once()
        self.assertIn('Nova uses the new PCI alias table from now on: '
                      '1 aliases', self.logger.output)

    def test_nova_function_without_cache_gets_the_new_table(self):
        self.start(cached=False)
        self.change()
        self.refresh().check_once()
        self.assertEqual(['b'], self.nova.names())


class TestInvalidTables(LiveRefreshTestCase):

    def test_invalid_table_is_not_used(self):
        self.start()
        self.write_by_hand('80861')
        self.refresh().check_once()
        self.assertEqual(['a'], self.nova.names())

    def test_invalid_table_is_logged_once(self):
        self.start()
        self.write_by_hand('80861')
        self.refresh().check_once()
        self.refresh().check_once()
        self.assertEqual(1, self.logger.output.count(
            'Refreshing the PCI alias table failed'))

    def test_fixed_table_is_used_and_the_recovery_logged(self):
        self.start()
        self.write_by_hand('80861')
        self.refresh().check_once()
        self.write_by_hand('8086')
        self.refresh().check_once()
        self.assertIn('Refreshing the PCI alias table works again',
                      self.logger.output)

    def test_table_nova_refuses_is_taken_back(self):
        self.start(refuse='b')
        self.change()
        self.refresh().check_once()
        self.assertEqual(['a'], self.nova.names())

    def test_table_nova_refuses_is_logged_as_an_error(self):
        self.start(refuse='b')
        self.change()
        self.refresh().check_once()
        self.assertIn("Nova refused the new PCI alias table of 1 aliases; "
                      "it keeps using the previous table until the sources "
                      "change again: alias 'b' refused", self.logger.output)

    def test_table_nova_refused_is_not_offered_again(self):
        self.start(refuse='b')
        self.change()
        self.refresh().check_once()
        before = self.nova.parses
        self.refresh().check_once()
        self.nova.names()
        self.assertEqual(before, self.nova.parses)


class TestOff(LiveRefreshTestCase):

    def test_without_the_option_nova_keeps_its_table(self):
        conf = self.start(interval=0, live=False)
        self.change()
        # Reloading the files makes oslo.config ask the driver again; with
        # no refresh interval, that lookup starts a background check of
        # the sources, and the next one would see its table.
        conf.reload_config_files()
        time.sleep(0.5)
        conf.reload_config_files()
        self.nova.module.get_alias_from_config.cache_clear()
        self.assertEqual(['a'], self.nova.names())

    def test_without_the_option_no_refresh_runs(self):
        self.start(live=False)
        self.assertEqual([], live_refresh.active())

    def test_an_override_of_pci_alias_turns_it_off(self):
        conf = self.start()
        conf.set_override('alias', [json.dumps(entry('x'))], group='pci')
        self.change()
        self.refresh().check_once()
        self.assertIn('live refresh is off in this process: [pci] alias '
                      'comes from set_override', self.logger.output)

    def test_an_override_is_kept(self):
        conf = self.start()
        conf.set_override('alias', [json.dumps(entry('x'))], group='pci')
        self.change()
        self.refresh().check_once()
        self.assertEqual(['x'], [json.loads(value)['name']
                                 for value in conf.pci.alias])

    def test_nova_cache_without_cache_clear_is_warned_about(self):
        conf = self.service_conf(LIVE % 3600)
        nova = self.useFixture(NovaRequestModule(conf, cached=False))
        function = nova.module.get_alias_from_config
        nova.module.get_alias_from_config = functools.wraps(function)(
            lambda: function())
        conf.pci.alias
        self.assertIn('[pci_alias_driver] live_refresh is set, but '
                      'nova.pci.request.get_alias_from_config() of this '
                      'Nova is wrapped in a cache without cache_clear(): '
                      'it is off in this process', self.logger.output)

    def test_nova_without_its_alias_module_is_warned_about(self):
        self.useFixture(test_oslo_driver.NovaExceptionModule())
        self.start(module_name='nova.pci.requests')
        self.assertIn('this Nova has no nova.pci.request module',
                      self.logger.output)

    def test_uwsgi_without_threads_is_warned_about(self):
        self.useFixture(fixtures.MonkeyPatch(
            'sys.modules', dict(sys.modules, uwsgi=types.SimpleNamespace(
                has_threads=0, opt={}))))
        self.start()
        self.assertIn('uWSGI runs this application without Python '
                      'threads; set "enable-threads = true"',
                      self.logger.output)


class TestThread(LiveRefreshTestCase):

    def test_thread_checks_every_interval(self):
        self.start(interval=1)
        self.change()
        self.assertEqual(['b'], self.wait_for(['b']))

    def test_mutating_the_configuration_checks_at_once(self):
        conf = self.start()
        self.change()
        conf.mutate_config_files()
        self.assertEqual(['b'], self.wait_for(['b']))

    def test_start_is_logged(self):
        self.start()
        self.assertIn('nova_pci_alias live refresh: checking the PCI alias '
                      'sources every 3600 seconds', self.logger.output)

    def test_forked_child_runs_its_own_check_thread(self):
        self.start()
        pid = os.fork()
        if pid == 0:        # the child
            os._exit(0 if self.refresh().running else 1)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(0, os.waitstatus_to_exitcode(status))


class TestUWSGIFork(LiveRefreshTestCase):
    """uWSGI forks its workers without Python's fork handlers."""

    def setUp(self):
        super().setUp()
        self.before = []
        self.uwsgi = types.SimpleNamespace(
            has_threads=1, opt={},
            post_fork_hook=lambda: self.before.append('hook'))
        self.useFixture(fixtures.MonkeyPatch(
            'sys.modules', dict(sys.modules, uwsgi=self.uwsgi)))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_pci_alias.forks._UWSGI_HOOKED', False))
        # What the hook runs in a worker; run here, it would restart the
        # threads of the test's own process.
        self.handlers = self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.forks.run_child_handlers')).mock

    def test_post_fork_hook_runs_the_fork_handlers_then_the_one_before(self):
        self.start()
        self.uwsgi.post_fork_hook()
        self.assertEqual((1, ['hook']), (self.handlers.call_count,
                                         self.before))

    def test_lazy_apps_needs_no_hook(self):
        self.uwsgi.opt = {'lazy-apps': True}
        self.start()
        self.uwsgi.post_fork_hook()
        self.assertEqual((0, ['hook']), (self.handlers.call_count,
                                         self.before))
