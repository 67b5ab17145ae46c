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

"""The installed console scripts, run in processes of their own."""

import importlib.metadata
import os
import subprocess
import sys

from nova_pci_alias.cmd import common


def script_path(name):
    """The console script ``name`` of the running environment."""
    return os.path.join(os.path.dirname(sys.executable), name)


def run_script(name, *args, **kwargs):
    """Run the console script ``name``; return the CompletedProcess."""
    return subprocess.run([script_path(name)] + list(args),
                          capture_output=True, text=True, timeout=60,
                          **kwargs)


def squeezed(text):
    """``text`` without whitespace, as argparse's line wrapping leaves it.

    argparse wraps lines at spaces and after hyphens (``--config-`` /
    ``file``), so texts are compared without any.
    """
    return ''.join(text.split())


class HelpAndVersionTests:
    """``--help`` and ``--version`` of the script named ``SCRIPT``.

    Mixed into a test case class that sets ``SCRIPT`` and ``COMMAND`` (the
    :class:`~nova_pci_alias.cmd.common.Command` the script runs).
    """

    SCRIPT = None
    COMMAND = None

    def setUp(self):
        super().setUp()
        if not os.path.exists(script_path(self.SCRIPT)):
            self.skipTest('the %s script is not installed' % self.SCRIPT)

    def help(self):
        result = run_script(self.SCRIPT, '--help')
        self.assertEqual((0, ''), (result.returncode, result.stderr))
        return squeezed(result.stdout)

    def test_version(self):
        result = run_script(self.SCRIPT, '--version')
        self.assertEqual(
            (0, '%s %s\n' % (self.SCRIPT,
                             importlib.metadata.version('nova_pci_alias')),
             ''),
            (result.returncode, result.stdout, result.stderr))

    def test_module_runs_the_command(self):
        # python -m MODULE, for a tree with no console scripts installed.
        module = importlib.metadata.entry_points(
            group='console_scripts', name=self.SCRIPT)[self.SCRIPT].module
        result = subprocess.run([sys.executable, '-m', module, '--version'],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(
            (0, '%s %s\n' % (self.SCRIPT,
                             importlib.metadata.version('nova_pci_alias'))),
            (result.returncode, result.stdout))

    def test_help_starts_with_the_usage(self):
        self.assertTrue(self.help().startswith('usage:%s' % self.SCRIPT))

    def test_help_offers_version(self):
        self.assertIn('--version', self.help())

    def test_help_has_the_description(self):
        self.assertIn(squeezed(self.COMMAND.description), self.help())

    def test_help_lists_every_exit_code_of_the_command(self):
        help_text = self.help()
        missing = [code for code in self.COMMAND.exit_codes
                   if '%d%s' % (code, squeezed(common.EXIT_CODES[code]))
                   not in help_text]
        self.assertEqual([], missing)

    def test_help_ends_with_the_exit_codes(self):
        self.assertTrue(self.help().endswith(squeezed(self.COMMAND.epilog())))

    def test_usage_error_exit_code(self):
        result = run_script(self.SCRIPT, '--no-such-option')
        usage = 'usage: %s ' % self.SCRIPT
        self.assertEqual((common.EXIT_USAGE, True, False),
                         (result.returncode, result.stderr.startswith(usage),
                          'Traceback' in result.stderr))
