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

"""Tests of the command runner and the exit code table."""

import importlib.metadata
import io
import os
import re

import fixtures
from oslo_config import cfg
from oslotest import base

import nova_pci_alias
from nova_pci_alias.cmd import common
from nova_pci_alias import exception

CLI_DOC = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(nova_pci_alias.__file__))),
    'doc', 'source', 'cli', 'index.rst')


def command(action, exit_codes=(common.EXIT_OK,)):
    return common.Command(prog='test-command',
                          description='A command of the tests.',
                          exit_codes=exit_codes, register=lambda conf: None,
                          action=action)


def raising(exc):
    def action(conf, out, err):
        raise exc
    return action


class TestRun(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger())

    def run_command(self, action, *argv):
        """Run a command of ``action``; return (exit code, stderr)."""
        err = io.StringIO()
        code = common.run(command(action), list(argv), conf=cfg.ConfigOpts(),
                          out=io.StringIO(), err=err)
        return code, err.getvalue()

    def test_success(self):
        self.assertEqual((0, ''), self.run_command(lambda c, o, e: None))

    def test_the_action_gives_the_code(self):
        self.assertEqual(7, self.run_command(lambda c, o, e: 7)[0])

    def test_the_action_writes_to_out(self):
        out = io.StringIO()
        common.run(command(lambda conf, o, e: o.write('done\n')), [],
                   conf=cfg.ConfigOpts(), out=out, err=io.StringIO())
        self.assertEqual('done\n', out.getvalue())

    def test_package_error(self):
        self.assertEqual(
            (4, 'test-command: error: PCI alias tpu is not defined\n'),
            self.run_command(raising(
                exception.PciRequestAliasNotDefined(alias='tpu'))))

    def test_command_error(self):
        self.assertEqual(
            (6, 'test-command: error: cannot listen\n'),
            self.run_command(raising(common.CommandError(
                'cannot listen', common.EXIT_LISTEN))))

    def test_usage_error(self):
        self.assertEqual(
            (2, 'test-command: error: cannot read x\n'),
            self.run_command(raising(common.UsageError('cannot read x'))))

    def test_configuration_error(self):
        self.assertEqual(2, self.run_command(
            raising(cfg.RequiredOptError('url')))[0])

    def test_missing_config_file(self):
        self.assertEqual(2, self.run_command(
            lambda c, o, e: None, '--config-file', '/nonexistent.conf')[0])

    def test_system_exit_without_code(self):
        self.assertEqual((0, ''), self.run_command(raising(SystemExit())))

    def test_system_exit_with_a_code(self):
        self.assertEqual((2, ''), self.run_command(raising(SystemExit(3))))

    def test_system_exit_with_a_message(self):
        self.assertEqual(
            (2, 'test-command: error: giving up\n'),
            self.run_command(raising(SystemExit('giving up'))))

    def test_keyboard_interrupt(self):
        self.assertEqual(
            (130, 'test-command: error: interrupted\n'),
            self.run_command(raising(KeyboardInterrupt())))

    def test_an_unknown_exit_code_is_refused(self):
        self.assertRaises(ValueError, command, None, exit_codes=(0, 99))


class TestHelp(base.BaseTestCase):

    def test_every_command_lists_the_runner_codes(self):
        self.assertEqual((0, 2, 130), command(None).exit_codes)

    def test_epilog(self):
        self.assertEqual(
            'Exit codes: 0 success; 2 a usage or configuration error; '
            '130 interrupted (SIGINT, Ctrl-C). Errors are one line each on '
            'standard error.', command(None).epilog())


class TestVersion(base.BaseTestCase):

    def test_installed(self):
        self.assertEqual(importlib.metadata.version('nova_pci_alias'),
                         common.version())

    def test_not_installed(self):
        self.useFixture(fixtures.MockPatch(
            'importlib.metadata.version',
            side_effect=importlib.metadata.PackageNotFoundError('x')))
        self.assertEqual('unknown (not installed)', common.version())


class TestExitCodeTable(base.BaseTestCase):
    """The table of doc/source/cli/index.rst is the one of the code."""

    def documented(self):
        if not os.path.exists(CLI_DOC):
            self.skipTest('no documentation beside the package')
        with open(CLI_DOC) as f:
            text = f.read()
        section = text.split('.. _cli-exit-codes:', 1)[1]
        table = section.split('\n====', 1)[1].split('\n\n', 1)[0]
        return [int(code) for code in re.findall(r'^(\d+) ', table, re.M)]

    def test_the_docs_list_every_code(self):
        self.assertEqual(sorted(common.EXIT_CODES), self.documented())

    def test_every_error_maps_to_a_listed_code(self):
        codes = {code for _, code in common._EXIT_CODES}
        self.assertEqual(set(), codes - set(common.EXIT_CODES))
