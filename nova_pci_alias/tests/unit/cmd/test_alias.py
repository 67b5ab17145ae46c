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

"""Tests of the ``nova-pci-alias`` command."""

import io
import json
import os
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslotest import base

import nova_pci_alias
from nova_pci_alias.cmd import alias as cli
from nova_pci_alias.tests.unit.cmd import scripts

REPO = os.path.dirname(os.path.dirname(os.path.abspath(
    nova_pci_alias.__file__)))
EXAMPLE = os.path.join(REPO, 'etc', 'nova-pci-alias',
                       'nova-pci-alias.conf.example')

GOOD = """
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6", \
"numa_policy": "preferred"}
alias = {"name": "nic", "vendor_id": "8086", "product_id": "154c"}
"""
BAD = """
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
alias = {"name": "nic", "vendor_id": "80861", "product_id": "154c"}
"""


class CliTestCase(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        # Keep logging set-up by oslo.log away from the real stderr.
        self.useFixture(fixtures.FakeLogger())

    def write(self, text):
        path = os.path.join(self.tmp, 'nova.conf')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def run_cli(self, *args, conf_text=GOOD):
        """Run main(); return (exit code, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        argv = ['--config-file', self.write(conf_text)] + list(args)
        code = cli.main(argv, conf=cfg.ConfigOpts(), out=out, err=err)
        return code, out.getvalue(), err.getvalue()


class TestCommands(CliTestCase):

    def test_list(self):
        code, out, _ = self.run_cli('list')
        self.assertEqual(['gpu', 'nic'],
                         [line.split('\t')[0] for line in out.splitlines()])

    def test_show(self):
        code, out, _ = self.run_cli('show', 'gpu')
        self.assertEqual({'name': 'gpu', 'numa_policy': 'preferred',
                          'specs': [{'vendor_id': '10de',
                                     'product_id': '1db6'}]},
                         json.loads(out))

    def test_show_unknown(self):
        self.assertEqual(
            (4, 'nova-pci-alias: error: PCI alias tpu is not defined\n'),
            self.run_cli('show', 'tpu')[::2])

    def test_translate(self):
        code, out, _ = self.run_cli('translate', 'gpu:2,nic:1')
        self.assertEqual([('gpu', 2, 'preferred'), ('nic', 1, 'legacy')],
                         [(r['alias_name'], r['count'], r['numa_policy'])
                          for r in json.loads(out)])

    def test_translate_with_affinity_policy(self):
        code, out, _ = self.run_cli('translate', 'gpu:1',
                                    '--affinity-policy', 'required')
        self.assertEqual(['required'],
                         [r['numa_policy'] for r in json.loads(out)])

    def test_translate_malformed(self):
        code, _, err = self.run_cli('translate', 'gpu:0')
        self.assertEqual((4, 1), (code, len(err.splitlines())))

    def test_translate_unknown_policy_is_a_usage_error(self):
        # argparse says why on sys.stderr, and raises SystemExit.
        self.useFixture(fixtures.MockPatch('sys.stderr', io.StringIO()))
        self.assertEqual(2, self.run_cli('translate', 'gpu:1',
                                         '--affinity-policy', 'strict')[0])

    def test_validate(self):
        code, out, _ = self.run_cli('validate')
        self.assertEqual((0, 'OK: 2 aliases (2 entries) from sources '
                          'config; configuration files: %s\n'
                          % os.path.join(self.tmp, 'nova.conf')),
                         (code, out))


class TestErrors(CliTestCase):

    def test_invalid_alias_exit_code(self):
        self.assertEqual(1, self.run_cli('validate', conf_text=BAD)[0])

    def test_invalid_alias_is_one_line(self):
        err = self.run_cli('validate', conf_text=BAD)[2]
        self.assertEqual(1, len(err.splitlines()))

    def test_invalid_alias_says_what_and_where(self):
        err = self.run_cli('validate', conf_text=BAD)[2]
        self.assertEqual(
            "nova-pci-alias: error: Invalid PCI alias definition: '80861' "
            "does not match '^[0-9a-fA-F]{4}$' (field 'vendor_id') "
            "[alias source 'config' at %s, entry 2]\n"
            % os.path.join(self.tmp, 'nova.conf'), err)

    def test_missing_config_file(self):
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(['--config-file', os.path.join(self.tmp, 'none'),
                         'validate'], conf=cfg.ConfigOpts(), out=out,
                        err=err)
        self.assertEqual(2, code)

    def test_unknown_source(self):
        code, _, err = self.run_cli(
            'validate', conf_text='[pci_alias]\nsources = config, nosuch\n')
        self.assertEqual((3, True), (code, "'nosuch'" in err))


class TestSystemExit(CliTestCase):
    """main() returns the code of what argparse ends with."""

    def setUp(self):
        super().setUp()
        self.stdout = self.useFixture(
            fixtures.MockPatch('sys.stdout', io.StringIO())).mock
        self.useFixture(fixtures.MockPatch('sys.stderr', io.StringIO()))

    def test_help(self):
        self.assertEqual(0, self.run_cli('--help')[0])

    def test_version(self):
        self.run_cli('--version')
        self.assertTrue(self.stdout.getvalue().startswith('nova-pci-alias '))

    def test_no_command(self):
        self.assertEqual(2, self.run_cli()[0])


class TestImports(CliTestCase):
    """``translate`` imports only what it needs (tools/bench_cli.py).

    In a process of its own, since this one has imported everything.
    """

    # Modules that other commands, other sources or a failure need.
    NOT_NEEDED = ('alembic', 'jsonschema', 'keystoneauth1',
                  'nova_pci_alias.service.app', 'oslo_utils.strutils',
                  'sqlalchemy', 'webob')

    def test_translate_on_the_config_source(self):
        code = (
            'import sys\n'
            'from nova_pci_alias.cmd import alias\n'
            'code = alias.main(sys.argv[1:])\n'
            'print(code, sorted(m for m in %r if m in sys.modules))\n'
            % (self.NOT_NEEDED,))
        result = subprocess.run(
            [sys.executable, '-c', code, '--config-file', self.write(GOOD),
             'translate', 'gpu:1'], capture_output=True, text=True,
            timeout=60)
        self.assertEqual('0 []', result.stdout.splitlines()[-1],
                         result.stderr)


class TestHelpAndVersion(scripts.HelpAndVersionTests, base.BaseTestCase):

    SCRIPT = 'nova-pci-alias'
    COMMAND = cli.COMMAND


class ConsoleScriptTestCase(base.BaseTestCase):
    """The installed console script, run as an operator would."""

    def setUp(self):
        super().setUp()
        self.script = os.path.join(os.path.dirname(sys.executable),
                                   'nova-pci-alias')
        if not os.path.exists(self.script):
            self.skipTest('the nova-pci-alias script is not installed')

    def run_script(self, *args, script='nova-pci-alias', cwd=None,
                   env=None):
        path = os.path.join(os.path.dirname(self.script), script)
        return subprocess.run([path] + list(args), capture_output=True,
                              text=True, timeout=60, cwd=cwd, env=env)

    def validate(self, conf_text, *args):
        """Run ``validate`` on a file holding ``conf_text``."""
        tmp = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(tmp, 'nova.conf')
        with open(path, 'w') as f:
            f.write(conf_text)
        return self.run_script('--config-file', path, 'validate', *args)


class TestConsoleScript(ConsoleScriptTestCase):

    def test_quick_start_with_the_example_config(self):
        # The quick start's steps, in a directory of their own: the example
        # keeps its SQLite file in the current directory.
        cwd = self.useFixture(fixtures.TempDir()).path
        for step in (['db', 'sync'],
                     ['alias', 'import', '--replace', '--from-config',
                      EXAMPLE]):
            done = self.run_script('--config-file', EXAMPLE, *step,
                                   script='nova-pci-alias-manage', cwd=cwd)
            self.assertEqual(0, done.returncode, done.stderr)
        result = self.run_script('--config-file', EXAMPLE, 'translate',
                                 'gpu:2,nic:1', cwd=cwd)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual([('gpu', 2), ('nic', 1)],
                         [(r['alias_name'], r['count'])
                          for r in json.loads(result.stdout)])

    def test_database_without_schema_exits_5(self):
        # The exit code nova-pci-alias-manage gives for the same state.
        tmp = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(tmp, 'nova.conf')
        with open(path, 'w') as f:
            f.write('[pci_alias]\nsources = database\n'
                    '[pci_alias_database]\nconnection = sqlite:///%s\n'
                    % os.path.join(tmp, 'empty.sqlite'))
        result = self.run_script('--config-file', path, 'validate')
        self.assertEqual(5, result.returncode, result.stderr)

    def test_invalid_alias_prints_no_traceback(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'bad.conf')
        with open(path, 'w') as f:
            f.write(BAD)
        result = self.run_script('--config-file', path, 'validate')
        self.assertEqual((1, 1, False),
                         (result.returncode,
                          len(result.stderr.splitlines()),
                          'Traceback' in result.stderr))


class TestValidateNeverSilentlyEmpty(ConsoleScriptTestCase):
    """``validate`` says what is missing instead of "OK: 0 aliases"."""

    DATABASE_ONLY = ('[pci_alias_database]\n'
                     'connection = sqlite:////nonexistent/aliases.sqlite\n')
    EXPLICIT_CONFIG = '[pci_alias]\nsources = config\n'

    def test_only_a_database_configured_exit_code(self):
        self.assertEqual(2, self.validate(self.DATABASE_ONLY).returncode)

    def test_only_a_database_configured_says_what_is_missing(self):
        self.assertIn('[pci_alias] sources is not set',
                      self.validate(self.DATABASE_ONLY).stderr)

    def test_no_configuration_file_found(self):
        home = self.useFixture(fixtures.TempDir()).path
        defaults = cfg.find_config_files(project='nova',
                                         prog='nova-pci-alias')
        if [f for f in defaults if not f.startswith(os.path.expanduser('~'))]:
            self.skipTest('this machine has a nova.conf: %s' % defaults)
        result = self.run_script('validate', cwd=home,
                                 env=dict(os.environ, HOME=home))
        self.assertEqual((2, True), (result.returncode,
                                     'no configuration file was read'
                                     in result.stderr))

    def test_explicit_config_source_without_aliases_exit_code(self):
        self.assertEqual(7, self.validate(self.EXPLICIT_CONFIG).returncode)

    def test_explicit_config_source_without_aliases_says_so(self):
        self.assertIn('the alias table is empty',
                      self.validate(self.EXPLICIT_CONFIG).stderr)

    def test_allow_empty_exit_code(self):
        self.assertEqual(0, self.validate(self.EXPLICIT_CONFIG,
                                          '--allow-empty').returncode)

    def test_allow_empty_still_warns(self):
        self.assertIn('nova-pci-alias: WARNING: the alias table is empty',
                      self.validate(self.EXPLICIT_CONFIG,
                                    '--allow-empty').stderr)

    def test_nova_conf_with_aliases_and_no_sources_option_is_ok(self):
        self.assertEqual(0, self.validate(GOOD).returncode)
