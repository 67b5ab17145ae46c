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

"""``nova-pci-alias-manage`` end to end: the installed console script on a
real SQLite file (and on a database that cannot be reached).
"""

import datetime
import getpass
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias.cmd import manage
from nova_pci_alias.sources.database import models
from nova_pci_alias.tests import adversarial
from nova_pci_alias.tests.unit.cmd import scripts

MANAGE = os.path.join(os.path.dirname(sys.executable),
                      'nova-pci-alias-manage')
LOOKUP = os.path.join(os.path.dirname(sys.executable), 'nova-pci-alias')

GOOD = {'version': 1, 'aliases': [
    {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
     'numa_policy': 'preferred'},
    {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
     'device_type': 'type-VF', 'live_migratable': 'Yes'},
    {'name': 'nic', 'vendor_id': '8086', 'product_id': '1889',
     'device_type': 'type-VF'},
]}
BAD = {'version': 1, 'aliases': [
    {'name': 'a', 'vendor_id': 'x', 'product_id': '0001'},
    {'name': 'b', 'vendor_id': '10de', 'product_id': '0002'},
    {'name': 'c:d', 'vendor_id': '10de', 'product_id': '0003'},
    {'name': 'e', 'colour': 'red'},
]}
NOVA_CONF = """
[pci]
alias = {"name": "qat", "vendor_id": "8086", "product_id": "37c8"}
alias = {"name": "fpga", "vendor_id": "1172", "product_id": "09c4"}
"""


class ManageTestCase(base.BaseTestCase):
    """Runs the tool in a temporary directory with its own SQLite file."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.conf_file = self.write('manage.conf', (
            '[pci_alias]\nsources = database\n'
            '[pci_alias_database]\n'
            'connection = sqlite:///nova-pci-alias.sqlite\n'))

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text if isinstance(text, str) else json.dumps(text))
        return path

    def run_tool(self, *args, tool=MANAGE, conf_file=None, stdin=None):
        """Run the tool; return (exit code, stdout, stderr)."""
        result = subprocess.run(
            [tool, '--config-file', conf_file or self.conf_file] +
            list(args), cwd=self.tmp, capture_output=True, text=True,
            input=stdin, timeout=60)
        return result.returncode, result.stdout, result.stderr

    def manage(self, *args):
        """Run the tool; fail unless it succeeds; return its output."""
        code, out, err = self.run_tool(*args)
        self.assertEqual(0, code, err)
        return out


class SyncedTestCase(ManageTestCase):
    """The same, with the schema synced."""

    def setUp(self):
        super().setUp()
        self.manage('db', 'sync')

    def imported(self):
        self.manage('alias', 'import', self.write('good.json', GOOD))


class TestDb(ManageTestCase):

    def test_version_before_sync(self):
        self.assertEqual('None\n', self.manage('db', 'version'))

    def test_sync_reports_the_revision(self):
        self.assertIn(models.SCHEMA_HEAD, self.manage('db', 'sync'))

    def test_version_after_sync(self):
        self.manage('db', 'sync')
        self.assertEqual(models.SCHEMA_HEAD + '\n',
                         self.manage('db', 'version'))

    def test_sync_twice(self):
        self.manage('db', 'sync')
        self.assertEqual(0, self.run_tool('db', 'sync')[0])

    def test_unsynced_database_exit_code(self):
        self.assertEqual(5, self.run_tool('alias', 'list')[0])

    def test_unsynced_database_says_what_to_do(self):
        self.assertIn('run "nova-pci-alias-manage db sync"',
                      self.run_tool('alias', 'list')[2])


class TestAliases(SyncedTestCase):

    def test_import_then_list(self):
        self.imported()
        self.assertEqual(['gpu', 'nic'], [
            line.split('\t')[0]
            for line in self.manage('alias', 'list').splitlines()])

    def test_export_round_trips_byte_for_byte(self):
        self.imported()
        first = self.manage('alias', 'export')
        self.manage('alias', 'import', '--replace',
                    self.write('exported.json', first))
        self.assertEqual(first, self.manage('alias', 'export'))

    def test_import_from_standard_input(self):
        code, out, err = self.run_tool('alias', 'import', '-',
                                       stdin=json.dumps(GOOD))
        self.assertIn('Imported 3 entries from standard input', out, err)

    def test_export_to_a_file(self):
        self.imported()
        self.manage('alias', 'export', 'out.json')
        with open(os.path.join(self.tmp, 'out.json')) as f:
            self.assertEqual(self.manage('alias', 'export'), f.read())

    def test_export_as_nova_conf_lines(self):
        self.manage('alias', 'create', json.dumps(GOOD['aliases'][0]))
        self.assertEqual(
            '[pci]\nalias = {"name": "gpu", "vendor_id": "10de", '
            '"product_id": "1db6", "numa_policy": "preferred"}\n',
            self.manage('alias', 'export', '--format', 'nova-conf'))

    def test_nova_conf_export_imports_back_unchanged(self):
        self.imported()
        before = self.manage('alias', 'export')
        lines = self.manage('alias', 'export', '--format', 'nova-conf')
        self.manage('alias', 'import', '--replace', '--from-config',
                    self.write('nova.conf', lines))
        self.assertEqual(before, self.manage('alias', 'export'))

    def test_nova_conf_export_keeps_a_dollar_sign(self):
        self.manage('alias', 'create', json.dumps(
            dict(GOOD['aliases'][0], name='gpu$HOME')))
        lines = self.manage('alias', 'export', '--format', 'nova-conf')
        self.manage('alias', 'import', '--replace', '--from-config',
                    self.write('nova.conf', lines))
        self.assertIn('"name": "gpu$HOME"', self.manage('alias', 'export'))

    def test_export_writes_normalised_entries(self):
        self.imported()
        exported = json.loads(self.manage('alias', 'export'))
        self.assertEqual('true', exported['aliases'][1]['live_migratable'])

    def test_import_into_a_non_empty_table_is_refused(self):
        self.imported()
        code, _, err = self.run_tool('alias', 'import',
                                     self.write('again.json', GOOD))
        self.assertEqual((2, True), (code, '--replace' in err))

    def test_invalid_import_names_every_invalid_entry(self):
        code, _, err = self.run_tool('alias', 'import',
                                     self.write('bad.json', BAD))
        self.assertEqual(['1', '3', '4'],
                         re.findall(r'bad\.json: entry (\d+): ', err))

    def test_invalid_import_one_line_per_entry(self):
        code, _, err = self.run_tool('alias', 'import',
                                     self.write('bad.json', BAD))
        self.assertEqual(3, len(err.splitlines()))

    def test_invalid_import_exit_code(self):
        self.assertEqual(1, self.run_tool(
            'alias', 'import', '--replace', self.write('bad.json', BAD))[0])

    def test_invalid_import_leaves_the_table_unchanged(self):
        self.imported()
        before = self.manage('alias', 'export')
        self.run_tool('alias', 'import', '--replace',
                      self.write('bad.json', BAD))
        self.assertEqual(before, self.manage('alias', 'export'))

    def test_not_a_document(self):
        code, _, err = self.run_tool('alias', 'import',
                                     self.write('x.json', '[1, 2]'))
        self.assertEqual((1, 1), (code, len(err.splitlines())))

    def test_missing_file(self):
        self.assertEqual(2, self.run_tool('alias', 'import', 'nosuch')[0])

    def test_import_from_nova_conf(self):
        self.manage('alias', 'import', '--from-config',
                    self.write('nova.conf', NOVA_CONF))
        self.assertEqual(['qat', 'fpga'], [
            line.split('\t')[0]
            for line in self.manage('alias', 'list').splitlines()])

    def test_import_needs_a_file_or_a_nova_conf(self):
        self.assertEqual(2, self.run_tool('alias', 'import')[0])

    def test_create_then_show(self):
        self.manage('alias', 'create', json.dumps(
            {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6'}))
        shown = json.loads(self.manage('alias', 'show', 'gpu'))
        self.assertEqual([{'name': 'gpu', 'vendor_id': '10de',
                           'product_id': '1db6'}],
                         [record['entry'] for record in shown['entries']])

    def test_create_invalid(self):
        self.assertEqual(1, self.run_tool(
            'alias', 'create', '{"name": "gpu", "vendor_id": "10de"}')[0])

    def test_delete(self):
        self.imported()
        self.manage('alias', 'delete', 'nic')
        self.assertEqual(['gpu'], [
            line.split('\t')[0]
            for line in self.manage('alias', 'list').splitlines()])

    def test_show_strips_the_name(self):
        self.imported()
        self.assertEqual('gpu', json.loads(
            self.manage('alias', 'show', ' gpu '))['name'])

    def test_show_unknown_name(self):
        self.assertEqual(4, self.run_tool('alias', 'show', 'nosuch')[0])

    def test_delete_unknown_name(self):
        self.assertEqual(4, self.run_tool('alias', 'delete', 'nosuch')[0])

    def test_the_lookup_tool_reads_the_database(self):
        self.imported()
        code, out, err = self.run_tool('translate', 'gpu:2', tool=LOOKUP)
        self.assertEqual('gpu', json.loads(out)[0]['alias_name'], err)


def deep_entry(depth):
    """An alias entry's JSON text whose traits nest ``depth`` deep."""
    return '{"name": "x%d", "traits": %s}' % (
        depth, adversarial.nested_text(depth))


class TestHistory(ManageTestCase):
    """``alias history`` and ``alias restore``, after three writes.

    The writes are made once, by the tool, into a database file that each
    test starts from a copy of.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = tempfile.mkdtemp(prefix='manage-history-')
        conf_file = os.path.join(cls.template, 'manage.conf')
        with open(conf_file, 'w') as f:
            f.write('[pci_alias_database]\n'
                    'connection = sqlite:///nova-pci-alias.sqlite\n')
        with open(os.path.join(cls.template, 'good.json'), 'w') as f:
            json.dump(GOOD, f)
        for args in (('db', 'sync'),
                     ('alias', 'import', 'good.json'),  # 1
                     ('alias', 'delete', 'nic'),  # 2
                     ('alias', 'create', json.dumps(  # 3
                         {'name': 'fpga', 'vendor_id': '1172',
                          'product_id': '09c4'}))):
            subprocess.run([MANAGE, '--config-file', conf_file] + list(args),
                           cwd=cls.template, check=True, capture_output=True,
                           timeout=60)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.template, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        shutil.copy(os.path.join(self.template, 'nova-pci-alias.sqlite'),
                    self.tmp)

    def lines(self, *args):
        return [line.split('\t') for line in
                self.manage('alias', 'history', *args).splitlines()]

    def names(self):
        return [line.split('\t')[0]
                for line in self.manage('alias', 'list').splitlines()]

    def test_lists_newest_first(self):
        self.assertEqual([['3', 'create', 'fpga'], ['2', 'delete', 'nic'],
                          ['1', 'import', '-']],
                         [[line[0], line[2], line[3]]
                          for line in self.lines()])

    def test_names_the_os_user_and_host(self):
        self.assertEqual('%s@%s' % (getpass.getuser(), socket.gethostname()),
                         self.lines()[0][4])

    def test_times_are_utc(self):
        self.assertRegex(self.lines()[0][1],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')

    def test_limit(self):
        self.assertEqual(['3'], [line[0] for line in
                                 self.lines('--limit', '1')])

    def test_change_shows_the_aliases_it_changed(self):
        change = json.loads(self.manage('alias', 'history', '2'))
        self.assertEqual({'nic': {'before': ['154c', '1889'], 'after': []}},
                         {name: {side: [e['product_id'] for e in entries]
                                 for side, entries in sides.items()}
                          for name, sides in change['aliases'].items()})

    def test_change_names_who_made_it(self):
        change = json.loads(self.manage('alias', 'history', '2'))
        self.assertEqual(getpass.getuser(), change['os_user'])

    def test_full_change_shows_both_tables(self):
        change = json.loads(self.manage('alias', 'history', '3', '--full'))
        self.assertEqual((['gpu'], ['gpu', 'fpga']), (
            [e['name'] for e in change['before']],
            [e['name'] for e in change['after']]))

    def test_unknown_revision(self):
        self.assertEqual(4, self.run_tool('alias', 'history', '42')[0])

    def test_full_needs_a_revision(self):
        self.assertEqual(2, self.run_tool('alias', 'history', '--full')[0])

    def test_not_a_revision(self):
        self.assertEqual(2, self.run_tool('alias', 'history', 'x')[0])

    def test_restore_brings_the_table_back(self):
        self.manage('alias', 'restore', '1')
        self.assertEqual(['gpu', 'nic'], self.names())

    def test_restore_reports_the_new_revision(self):
        self.assertIn('the alias database is at revision 4',
                      self.manage('alias', 'restore', '1'))

    def test_restore_is_recorded(self):
        self.manage('alias', 'restore', '1')
        self.assertEqual(['4', 'restore', 'revision 1'],
                         [self.lines()[0][i] for i in (0, 2, 3)])

    def test_restore_of_an_unknown_revision(self):
        self.assertEqual(4, self.run_tool('alias', 'restore', '42')[0])

    def test_restore_of_an_empty_table_is_refused(self):
        self.assertEqual(7, self.run_tool('alias', 'restore', '0')[0])

    def test_refused_restore_leaves_the_table(self):
        self.run_tool('alias', 'restore', '0')
        self.assertEqual(['gpu', 'fpga'], self.names())

    def test_prune_keeps_the_newest(self):
        self.manage('alias', 'history', '--prune', '1')
        self.assertEqual(['3'], [line[0] for line in self.lines()])

    def test_prune_says_what_is_left(self):
        self.assertIn('revisions 1 and later can still be restored',
                      self.manage('alias', 'history', '--prune', '2'))

    def test_prune_with_a_revision_is_refused(self):
        self.assertEqual(2, self.run_tool('alias', 'history', '1',
                                          '--prune', '1')[0])

    def test_restore_of_an_empty_table_when_asked(self):
        self.manage('alias', 'restore', '0', '--allow-empty')
        self.assertEqual([], self.names())


def _summary(**who):
    summary = dict.fromkeys(('user_id', 'project_id', 'os_user', 'host'))
    summary.update(who)
    return summary


class TestWhoInTheHistory(base.BaseTestCase):
    """The last column of ``alias history``."""

    def test_keystone_user_and_project(self):
        self.assertEqual('u1/p1', manage._who(_summary(
            user_id='u1', project_id='p1')))

    def test_os_user_and_host(self):
        self.assertEqual('root@ctl-1', manage._who(_summary(
            os_user='root', host='ctl-1')))

    def test_unknown(self):
        self.assertEqual('-', manage._who(_summary()))


class TestChangedAliases(base.BaseTestCase):
    """What ``alias history REVISION`` shows of a change without --full."""

    def test_only_the_aliases_that_changed(self):
        a, b, b2 = {'name': 'a'}, {'name': 'b'}, {'name': 'b', 'x': '1'}
        self.assertEqual({'b': {'before': [b], 'after': [b2]}},
                         manage._changed_aliases([a, b], [a, b2]))

    def test_a_new_alias(self):
        self.assertEqual({'c': {'before': [], 'after': [{'name': 'c'}]}},
                         manage._changed_aliases([], [{'name': 'c'}]))


class TestHostileInput(SyncedTestCase):
    """Deeply nested JSON: one error line and exit 1, never a traceback.

    Nesting just short of the interpreter's limit is the case that used to
    escape: the JSON decoder manages it, the schema's messages, a few
    frames deeper, did not.  Where exactly that band lies depends on the
    stack beneath, so a few depths around it are tried.
    """

    def outcome(self, code, out, err):
        return code, len(err.splitlines()), 'Traceback' in err

    def test_create_with_json_nested_near_the_stack_limit(self):
        outcomes = {self.outcome(*self.run_tool('alias', 'create',
                                                deep_entry(depth)))
                    for depth in range(979, 987)}
        self.assertEqual({(1, 1, False)}, outcomes)

    def test_import_of_entries_nested_near_the_stack_limit(self):
        body = '{"version": 1, "aliases": [%s]}' % ', '.join(
            deep_entry(depth) for depth in range(976, 989, 2))
        self.assertEqual((1, 1, False), self.outcome(*self.run_tool(
            'alias', 'import', self.write('deep.json', body))))


class TestEmptyImport(SyncedTestCase):
    """An import of no entries needs --allow-empty."""

    EMPTY = {'version': 1, 'aliases': []}

    def test_replace_with_an_empty_document_is_refused(self):
        self.imported()
        code, _, err = self.run_tool('alias', 'import', '--replace',
                                     self.write('empty.json', self.EMPTY))
        self.assertEqual((7, True), (code, '--allow-empty' in err))

    def test_refused_import_leaves_the_table_unchanged(self):
        self.imported()
        before = self.manage('alias', 'export')
        self.run_tool('alias', 'import', '--replace',
                      self.write('empty.json', self.EMPTY))
        self.assertEqual(before, self.manage('alias', 'export'))

    def test_replace_with_allow_empty_empties_the_table(self):
        self.imported()
        self.manage('alias', 'import', '--replace', '--allow-empty',
                    self.write('empty.json', self.EMPTY))
        self.assertEqual('', self.manage('alias', 'list'))

    def test_nova_conf_without_aliases_is_refused(self):
        code, _, err = self.run_tool(
            'alias', 'import', '--replace', '--from-config',
            self.write('nova.conf', '[DEFAULT]\ndebug = false\n'))
        self.assertEqual((7, True), (code, '--allow-empty' in err))


class TestUnreachable(ManageTestCase):

    def setUp(self):
        super().setUp()
        self.conf_file = self.write('dead.conf', (
            '[pci_alias_database]\n'
            'connection = mysql+pymysql://u:secret@127.0.0.1:1/x\n'
            'db_retry_interval = 0\n'))
        self.code, self.out, self.err = self.run_tool('alias', 'list')

    def test_exit_code(self):
        self.assertEqual(3, self.code)

    def test_one_line(self):
        self.assertEqual(1, len(self.err.splitlines()), self.err)

    def test_masked_url(self):
        self.assertIn('mysql+pymysql://u:***@127.0.0.1:1/x', self.err)

    def test_no_password(self):
        self.assertNotIn('secret', self.err)


class TestUsage(ManageTestCase):

    def test_unknown_command(self):
        self.assertEqual(2, self.run_tool('nosuch')[0])

    def test_missing_config_file(self):
        self.assertEqual(2, self.run_tool('db', 'version',
                                          conf_file='nosuch.conf')[0])


class TestHelpAndVersion(scripts.HelpAndVersionTests, base.BaseTestCase):

    SCRIPT = 'nova-pci-alias-manage'
    COMMAND = manage.COMMAND

    def test_help_of_an_action(self):
        result = scripts.run_script(self.SCRIPT, 'alias', 'import', '--help')
        self.assertEqual((0, True), (result.returncode,
                                     '--from-config' in result.stdout))


class TestSystemExit(base.BaseTestCase):
    """main() returns the code of what argparse ends with."""

    def run_main(self, *args):
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', io.StringIO()))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', io.StringIO()))
        return manage.main(list(args), conf=cfg.ConfigOpts(),
                           out=io.StringIO(), err=io.StringIO())

    def test_help(self):
        self.assertEqual(0, self.run_main('--help'))

    def test_version(self):
        self.assertEqual(0, self.run_main('--version'))

    def test_action_missing(self):
        self.assertEqual(2, self.run_main('alias'))


#: A program that reads the alias table as a Nova service does, through
#: the process-wide registry, and exits.
READER = """import sys
from oslo_config import cfg
from nova_pci_alias import registry
cfg.CONF(sys.argv[1:], project='nova')
registry.get_registry().get_table()
"""


class TestStatus(SyncedTestCase):
    """``status``, after a program named nova-compute read the table."""

    def setUp(self):
        super().setUp()
        self.imported()
        reader = self.write('nova-compute', READER)
        subprocess.run([sys.executable, reader, '--config-file',
                        self.conf_file], cwd=self.tmp, check=True,
                       capture_output=True, timeout=60)

    def rows(self, *args):
        """The rows of ``status`` (no header, no summary) as dicts."""
        lines = self.manage('status', *args).splitlines()
        header = lines[0].split('\t')
        return [dict(zip(header, line.split('\t'))) for line in lines[1:-1]]

    def reported(self, seconds_ago):
        """Make every row last reported that many seconds ago."""
        moment = (datetime.datetime.now(datetime.timezone.utc)
                  - datetime.timedelta(seconds=seconds_ago))
        connection = sqlite3.connect(os.path.join(
            self.tmp, 'nova-pci-alias.sqlite'))
        with connection:
            connection.execute(
                'UPDATE pci_alias_consumers SET reported_at = ?',
                (moment.strftime('%Y-%m-%d %H:%M:%S.%f'),))
        connection.close()

    def create(self):
        self.manage('alias', 'create', json.dumps(
            {'name': 'fpga', 'vendor_id': '1172', 'product_id': '09c4'}))

    def test_lists_the_process_that_read_the_table(self):
        self.assertEqual([('nova-compute', '1')], [
            (row['SERVICE'], row['REVISION']) for row in self.rows()])

    def test_names_the_host(self):
        self.assertEqual([socket.gethostname()],
                         [row['HOST'] for row in self.rows()])

    def test_summary_counts_one_process(self):
        self.assertTrue(self.manage('status').splitlines()[-1].startswith(
            '1 process; the alias database is at revision 1;'))

    def test_a_process_holding_the_current_revision(self):
        self.assertEqual(['current'], [row['STATE'] for row in self.rows()])

    def test_none_behind_exit_code(self):
        self.assertEqual(0, self.run_tool('status', '--behind-after', '0')[0])

    def test_a_write_puts_the_process_behind(self):
        self.create()
        self.assertTrue(self.rows()[0]['STATE'].startswith('behind since '))

    def test_behind_since_the_write_after_its_revision(self):
        self.create()
        change = self.manage('alias', 'history', '--limit', '1').split('\t')
        self.assertEqual('behind since %s' % change[1],
                         self.rows()[0]['STATE'])

    def test_behind_for_longer_than_the_threshold_exit_code(self):
        self.create()
        self.assertEqual(8, self.run_tool('status', '--behind-after', '0')[0])

    def test_behind_within_the_threshold_exit_code(self):
        self.create()
        self.assertEqual(0, self.run_tool('status')[0])

    def test_the_summary_counts_the_processes_behind(self):
        self.create()
        summary = self.manage('status').splitlines()[-1]
        self.assertIn('1 behind', summary)

    def test_not_heard_from(self):
        self.reported(3600)
        self.assertEqual(['current, not heard from'],
                         [row['STATE'] for row in self.rows()])

    def test_expired_rows_are_deleted(self):
        self.reported(2 * 86400)
        self.assertEqual([], self.rows())

    def test_behind_after_is_a_number_of_seconds(self):
        self.assertEqual(2, self.run_tool('status', '--behind-after',
                                          'soon')[0])

    def test_the_lookup_tool_leaves_no_row(self):
        self.run_tool('list', tool=LOOKUP)
        self.assertEqual(['nova-compute'],
                         [row['SERVICE'] for row in self.rows()])

    def test_help_lists_the_behind_exit_code(self):
        self.assertIn('8 a process reading the alias database',
                      self.manage('--help'))
