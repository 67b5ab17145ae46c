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

"""Live refresh in Nova's processes: each backend, uWSGI, SIGHUP.

Each service is a process of its own, started the way Nova starts it:
``nova_process.py`` chooses eventlet or native threads with Nova's own
``monkey_patch`` module and runs under oslo.service's launcher with Nova's
``restart_method='mutate'``; ``nova_api_app.py`` loads under the real
uWSGI, with and without ``lazy-apps``.  The aliases are only in a SQLite
database, changed with ``nova-pci-alias-manage`` while the processes run.
"""

import os
import signal
import subprocess
import sys
import time

import fixtures
from oslotest import base

from nova_pci_alias.tests.functional import nova_config
from nova_pci_alias.tests.unit.wsgi import servers

HERE = os.path.dirname(os.path.abspath(__file__))
NOVA_PROCESS = os.path.join(HERE, 'nova_process.py')
NOVA_API_APP = os.path.join(HERE, 'nova_api_app.py')
UWSGI = os.path.join(os.path.dirname(sys.executable), 'uwsgi')

#: How long a test waits for a process to follow a change, at most.
DEADLINE = 30

NIC = '{"name": "nic", "vendor_id": "8086", "product_id": "1528"}'
GPU = '{"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}'


class ProcessesTestCase(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.database = os.path.join(self.tmp, 'aliases.sqlite')
        self.conf_file = self.write_conf(interval=1)
        self.manage(self.conf_file, 'db', 'sync')
        self.manage(self.conf_file, 'alias', 'create', NIC)

    def write_conf(self, interval, live=True, name='nova.conf'):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(nova_config.DRIVER_LINES % {'sources': 'database'}
                    + 'live_refresh = %s\n[pci_alias]\nrefresh_interval = '
                    '%d\n[pci_alias_database]\nconnection = sqlite:///%s\n'
                    % (live, interval, self.database))
        return path

    def manage(self, conf_file, *args):
        result = subprocess.run(
            [nova_config.MANAGE, '--config-file', conf_file] + list(args),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout

    def nova_service(self, backend, conf_file=None):
        """A Nova-like service process; its output lists Nova's aliases."""
        process = self.useFixture(servers.WSGIServerProcess(
            [sys.executable, NOVA_PROCESS, backend,
             conf_file or self.conf_file]))
        self.wait_for_line(process, 'nic')
        return process

    def uwsgi(self, *options):
        if not os.path.exists(UWSGI):
            self.skipTest('uWSGI is not installed beside %s (tox -e nova '
                          'has it)' % sys.executable)
        server = self.useFixture(servers.WSGIServerProcess(
            [UWSGI, '--http-socket', '127.0.0.1:{port}', '--master',
             '--processes', '1', '--need-app', '--die-on-term',
             '--wsgi-file', NOVA_API_APP] + list(options),
            environ={'NOVA_CONF': self.conf_file,
                     'OS_NOVA_DISABLE_EVENTLET_PATCHING': '1'}))
        server.wait_until_serving(path='/')
        return server

    @staticmethod
    def lines(process):
        """What a service printed on its standard output: alias names."""
        prefix = 'Nova aliases: '
        return [line[len(prefix):] for line in process.output.splitlines()
                if line.startswith(prefix)]

    def wait_for_line(self, process, line):
        until = time.monotonic() + DEADLINE
        while time.monotonic() < until and line not in self.lines(process):
            if process.process.poll() is not None:
                break
            time.sleep(0.1)
        return self.lines(process)

    def wait_for_answer(self, server, names):
        """Wait until uWSGI's worker answers ``names``; return its answer."""
        until = time.monotonic() + DEADLINE
        while True:
            answer = servers.get(server.url + '/')[2].decode().split(' ')
            if answer[1] == names or time.monotonic() > until:
                return answer[1]
            time.sleep(0.1)


class TestNovaCompute(ProcessesTestCase):

    def test_eventlet_backend_follows_a_change(self):
        process = self.nova_service('eventlet')
        self.manage(self.conf_file, 'alias', 'create', GPU)
        self.assertIn('gpu,nic', self.wait_for_line(process, 'gpu,nic'))

    def test_threading_backend_follows_a_change(self):
        process = self.nova_service('threading')
        self.manage(self.conf_file, 'alias', 'create', GPU)
        self.assertIn('gpu,nic', self.wait_for_line(process, 'gpu,nic'))

    def test_sighup_checks_at_once_under_eventlet(self):
        # An interval no test waits for: only SIGHUP can start the check.
        conf_file = self.write_conf(interval=3600, name='hup.conf')
        process = self.nova_service('eventlet', conf_file)
        self.manage(self.conf_file, 'alias', 'create', GPU)
        process.process.send_signal(signal.SIGHUP)
        self.assertIn('gpu,nic', self.wait_for_line(process, 'gpu,nic'))

    def test_without_live_refresh_sighup_changes_nothing(self):
        conf_file = self.write_conf(interval=1, live=False, name='off.conf')
        process = self.nova_service('eventlet', conf_file)
        self.manage(self.conf_file, 'alias', 'create', GPU)
        process.process.send_signal(signal.SIGHUP)
        time.sleep(3)
        self.assertEqual(['nic'], self.lines(process))


class TestNovaAPIUnderUWSGI(ProcessesTestCase):

    def test_worker_forked_from_the_master_follows_a_change(self):
        server = self.uwsgi()
        self.manage(self.conf_file, 'alias', 'create', GPU)
        self.assertEqual('gpu,nic', self.wait_for_answer(server, 'gpu,nic'))

    def test_lazy_apps_worker_follows_a_change(self):
        server = self.uwsgi('--lazy-apps')
        self.manage(self.conf_file, 'alias', 'create', GPU)
        self.assertEqual('gpu,nic', self.wait_for_answer(server, 'gpu,nic'))


class TestFleetView(ProcessesTestCase):

    def test_status_lists_the_api_and_compute_processes_as_current(self):
        compute = self.nova_service('eventlet')
        api = self.uwsgi()
        self.manage(self.conf_file, 'alias', 'create', GPU)
        self.wait_for_line(compute, 'gpu,nic')
        self.wait_for_answer(api, 'gpu,nic')
        api_pid = servers.get(api.url + '/')[2].decode().split(' ')[0]
        pids = {str(compute.process.pid), api_pid}
        rows = [line.split('\t') for line in
                self.manage(self.conf_file, 'status').splitlines()[1:-1]]
        # uWSGI's master, which loaded the application, has a row too.
        self.assertEqual(
            sorted([('nova-compute', str(compute.process.pid), 'current'),
                    ('uwsgi', api_pid, 'current')]),
            sorted((row[1], row[2], row[7]) for row in rows
                   if row[2] in pids))
