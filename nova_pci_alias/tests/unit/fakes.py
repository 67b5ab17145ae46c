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

"""Test doubles and fixtures shared by the unit tests."""

import logging
import threading

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from nova_pci_alias import opts
from nova_pci_alias import registry
from nova_pci_alias import sources


def entry(name, product_id='1db6', **fields):
    """A valid alias entry dict."""
    value = {'name': name, 'vendor_id': '10de', 'product_id': product_id}
    value.update(fields)
    return value


class FakeSource(sources.AliasSource):
    """An in-memory alias source whose behaviour the test controls.

    ``entries_list`` is what :meth:`entries` returns; ``token`` what
    :meth:`change_token` returns; ``where`` what :meth:`location` returns;
    ``error``, when set, is raised by both :meth:`entries` and
    :meth:`change_token`; ``accepted`` counts the calls of
    :meth:`entries_accepted`, which raises ``accept_error`` when set.
    """

    def __init__(self, conf=None, entries_list=(), token=0, where=None):
        super().__init__(conf)
        self.entries_list = list(entries_list)
        self.token = token
        self.where = where
        self.error = None
        self.reads = 0
        self.accepted = 0
        self.accept_error = None

    def location(self):
        return self.where

    def entries_accepted(self):
        self.accepted += 1
        if self.accept_error is not None:
            raise self.accept_error

    def change_token(self):
        if self.error is not None:
            raise self.error
        return self.token

    def entries(self):
        self.reads += 1
        if self.error is not None:
            raise self.error
        return list(self.entries_list)

    def set_entries(self, entries_list):
        """Change the entries, and the token with them."""
        self.entries_list = list(entries_list)
        self.token = (self.token or 0) + 1


#: Seconds a test waits at most for a registry's background check.
CHECK_WAIT = 30


def wait_for_check(reg):
    """Wait for the background check of a registry to end, or fail."""
    if not reg.wait_for_check(CHECK_WAIT):
        raise AssertionError('The alias registry check did not end within '
                             '%d seconds.' % CHECK_WAIT)


def table_after_check(reg):
    """Return the table a lookup gets once the check it started has ended.

    The first lookup starts the check that is due, if any, and returns the
    current table; this waits for that check, and looks up again.  With
    a refresh interval of 0 that second lookup starts a check too: it is
    waited for as well, so that no check runs beside what the test does
    next.
    """
    reg.get_table()
    wait_for_check(reg)
    table = reg.get_table()
    wait_for_check(reg)
    return table


class ConfFixture(fixtures.Fixture):
    """A fresh ConfigOpts with the registry's options registered.

    ``self.conf`` is the ConfigOpts; ``self.config`` sets overrides.
    """

    def _setUp(self):
        self.conf = cfg.ConfigOpts()
        self.fixture = self.useFixture(config_fixture.Config(self.conf))
        opts.register_opts(self.conf)
        self.conf([], default_config_files=[], default_config_dirs=[])

    def config(self, **kwargs):
        self.fixture.config(**kwargs)


class ProcessRegistryFixture(fixtures.Fixture):
    """Forget the process-wide registry before and after a test."""

    def _setUp(self):
        registry.reset_registry()
        self.addCleanup(registry.reset_registry)


class HangingSource(FakeSource):
    """A FakeSource whose ``change_token`` hangs while ``hanging`` is set.

    ``entered`` is set when a call starts to hang; ``release()`` lets every
    hanging call go on.  ``token_calls`` counts the calls.
    """

    def __init__(self, conf, entries_list=()):
        super().__init__(conf, entries_list)
        self.hanging = False
        self.entered = threading.Event()
        self.released = threading.Event()
        self.token_calls = 0

    def change_token(self):
        self.token_calls += 1
        if self.hanging:
            self.entered.set()
            self.released.wait()
        return super().change_token()

    def release(self):
        self.hanging = False
        self.released.set()


class LoggingSetupFixture(fixtures.Fixture):
    """Capture logs, and undo oslo.log's set-up of the root logger.

    ``logging.setup()`` of oslo.log, which the command runs, adds handlers
    to the root logger that would outlive the test.  ``self.logger`` is the
    FakeLogger capturing the output.
    """

    def _setUp(self):
        root = logging.getLogger()
        self.addCleanup(setattr, root, 'handlers', list(root.handlers))
        self.addCleanup(root.setLevel, root.level)
        self.logger = self.useFixture(fixtures.FakeLogger())
