#!/usr/bin/env python3
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

"""Benchmark figures of the driver's live refresh in Nova (see bench.py).

Figures only: nothing is asserted, the goal is printed for reference.  Each
"Nova service" is a process of its own running this file with
``--child``: it parses a ``nova.conf`` that enables the driver with Nova's
own configuration object (``nova.conf.CONF``, nova 34.0.0 in ``tox -e
bench``), calls Nova's ``nova.pci.request.get_alias_from_config()`` once,
and then does what its role needs:

change -> use latency
    Two "nova-api" processes read the ``database`` source (a SQLite file)
    and two "nova-compute" processes read the ``remote`` source from the
    alias service under gunicorn (2 workers, on the same SQLite file, its
    own ``[pci_alias] refresh_interval = 0`` and ``[pci_alias_api]
    cache_max_age = 0``, no authentication), all with ``live_refresh =
    true`` and ``[pci_alias] refresh_interval = 2``.  Each polls Nova's
    function every 5 ms and prints the wall-clock time at which its alias
    names change.  ``nova-pci-alias-manage alias create`` then adds an
    alias, twice :data:`CHANGES` times, at a random moment of the
    interval; the latency of a process is the time from the change's
    history row (``created_at``, written in the transaction that commits
    it) until that process's ``get_alias_from_config()`` answers the new
    name.  Printed: the median and the slowest, over the changes, of the
    last process to follow (every process uses the change), and the same
    per role; goal: at most the interval plus one second.  Every other
    change, the benchmark sends the service a few GETs of its own just
    after the change, so that each worker has checked the database before
    a compute asks (a worker answers the request that starts its check
    with the table it had): the last row shows the computes' latency
    without that wait.
CPU of the background check
    Processes that only sleep after their first lookup, for
    :data:`CPU_WINDOW` seconds, with live refresh at a 1-second interval
    and, beside them, without it; each reports its CPU time
    (``resource.getrusage``, user + system, all threads) over the window
    and the checks its refresh ran.  The difference over the checks is the
    CPU time of one check when nothing changed (a change-token query); a
    third process reports to the fleet view at each check
    (``[pci_alias_database] report_interval = 1``), which gives the cost
    of one report.  Per hour at a 60-second interval: 60 checks and, at
    the default ``report_interval`` of 300 seconds, 12 reports.  On
    SQLite, and on MySQL where the ``openstack_citest`` server of
    ``tools/test-setup.sh`` answers (in a scratch database of its own,
    dropped at the end; ``NOVA_PCI_ALIAS_TEST_BENCH_MYSQL`` names
    another server URL), with :data:`CPU_ALIASES` aliases.

Nova is imported only in the child processes; where it is not installed the
section prints one line saying so::

    tox -e bench -- --only live
    python tools/bench_live_refresh.py        # alone, in the bench env
"""

import argparse
import calendar
import http.client
import json
import os
import queue
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import warnings

#: Seconds between two checks in the latency figures.
INTERVAL = 2
#: Changes timed for the latency figures, of each kind (see
#: :func:`bench_latency`).
CHANGES = 5
#: gunicorn workers of the alias service.
SERVICE_WORKERS = 2
#: GETs sent to the service just after a "warmed" change: enough for each
#: worker to get one, start its check, and finish it.
WARM_GETS = 4 * SERVICE_WORKERS
#: Seconds between two calls of Nova's function in a latency process.
POLL = 0.005
#: The most seconds a process may take to follow one change.
FOLLOW_DEADLINE = 30
#: The most seconds a process may take to start and load its aliases.
START_DEADLINE = 60
#: Aliases in the table of the latency figures (each change adds one).
LATENCY_ALIASES = 10
#: Aliases in the table of the CPU figures.
CPU_ALIASES = 100
#: Seconds of CPU accounting per process.
CPU_WINDOW = 25
#: Seconds between two checks in the CPU figures.
CPU_INTERVAL = 1
#: Checks per hour, and reports at the default report_interval (300 s).
CHECKS_PER_HOUR = 3600 // 60
REPORTS_PER_HOUR = 3600 // 300

MYSQL = ('mysql+pymysql://openstack_citest:openstack_citest@127.0.0.1/'
         'openstack_citest')
#: Named to pass through tox's passenv (NOVA_PCI_ALIAS_TEST_*).
MYSQL_ENV = 'NOVA_PCI_ALIAS_TEST_BENCH_MYSQL'

HERE = os.path.dirname(os.path.abspath(__file__))


# -- The child: one "Nova service" ----------------------------------------

def _emit(*words):
    print(' '.join(str(word) for word in words), flush=True)


def child(mode, conf_file, seconds):
    """Run as one Nova service; print what the parent reads."""
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    import nova.conf
    from nova.pci import request as nova_request

    from nova_pci_alias import registry

    checks = [0]
    check = registry.AliasRegistry.check

    def counted_check(self):
        checks[0] += 1
        return check(self)

    registry.AliasRegistry.check = counted_check
    nova.conf.CONF(['--config-file', conf_file], project='nova')
    names = sorted(nova_request.get_alias_from_config())
    _emit('ready', repr(time.time()), json.dumps(names))
    if mode == 'cpu':
        before = resource.getrusage(resource.RUSAGE_SELF)
        checks_before = checks[0]
        start = time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime - before.ru_utime
               + after.ru_stime - before.ru_stime)
        _emit('cpu', repr(cpu), checks[0] - checks_before, repr(wall))
        return
    while True:
        now = sorted(nova_request.get_alias_from_config())
        if now != names:
            _emit('use', repr(time.time()), json.dumps(now))
            names = now
        time.sleep(POLL)


# -- The parent -----------------------------------------------------------

def _python_env():
    env = dict(os.environ, OS_NOVA_DISABLE_EVENTLET_PATCHING='1')
    env['PYTHONWARNINGS'] = 'ignore'
    return env


def _manage(config_file, *args, stdin=None):
    subprocess.run(
        [sys.executable, '-m', 'nova_pci_alias.cmd.manage',
         '--config-file', config_file] + list(args),
        input=stdin, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, timeout=120, env=_python_env())


def _entry(name, index):
    return {'name': name, 'vendor_id': '%04x' % (0x1000 + index),
            'product_id': '%04x' % index, 'device_type': 'type-PCI'}


def _store(config_file, count):
    """Create the schema and ``count`` aliases through the manage tool."""
    _manage(config_file, 'db', 'sync')
    document = json.dumps({'version': 1, 'aliases': [
        _entry('alias-%05d' % i, i) for i in range(count)]})
    _manage(config_file, 'alias', 'import', '-', stdin=document.encode())


def _write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


def _tool_conf(path, url):
    return _write(path, '[DEFAULT]\nuse_stderr = false\n'
                        '[pci_alias]\nsources = database\n'
                        '[pci_alias_database]\nconnection = %s\n' % url)


def _nova_conf(path, sources, interval, live=True, extra=''):
    return _write(path, (
        '[DEFAULT]\nconfig_source = pci_alias_driver\n'
        '[pci_alias_driver]\ndriver = nova_pci_alias\nsources = %s\n'
        'live_refresh = %s\n'
        '[pci_alias]\nrefresh_interval = %d\n' % (
            sources, 'true' if live else 'false', interval)) + extra)


class Child:
    """One child process, its output lines in a queue."""

    def __init__(self, label, mode, conf_file, seconds=0, log_dir=None):
        self.label = label
        self.lines = queue.Queue()
        self._log = open(os.path.join(log_dir, label + '.log'), 'w+')
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), '--child', mode,
             conf_file, str(seconds)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._log, text=True, env=_python_env())
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.split(' ', 2))
        self.lines.put(None)

    def next(self, kind, deadline):
        """The next line of ``kind`` (a list of words) within ``deadline``."""
        until = time.monotonic() + deadline
        while True:
            try:
                words = self.lines.get(
                    timeout=max(0.01, until - time.monotonic()))
            except queue.Empty:
                words = None
            if words is None:
                self._log.seek(0)
                raise RuntimeError('%s: no %r line within %d s:\n%s' % (
                    self.label, kind, deadline, self._log.read()[-3000:]))
            if words[0] == kind:
                return words

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process.stdout.close()
        self._log.close()


def _last_change_time(database):
    """The ``created_at`` of the newest history row, as a Unix time."""
    with sqlite3.connect(database) as connection:
        (created_at,), = connection.execute(
            'SELECT created_at FROM pci_alias_history '
            'ORDER BY revision DESC LIMIT 1')
    moment = time.strptime(created_at.split('.')[0], '%Y-%m-%d %H:%M:%S')
    fraction = float('0.' + created_at.split('.')[1]) if (
        '.' in created_at) else 0.0
    return calendar.timegm(moment) + fraction


def _gunicorn():
    beside = os.path.join(os.path.dirname(sys.executable), 'gunicorn')
    return beside if os.path.exists(beside) else (
        shutil.which('gunicorn') or 'gunicorn')


def _start_service(tmp, database):
    from nova_pci_alias.tests.unit.wsgi import servers
    config_file = _write(os.path.join(tmp, 'service.conf'), (
        '[DEFAULT]\nuse_stderr = false\n'
        '[pci_alias]\nsources = database\nrefresh_interval = 0\n'
        '[pci_alias_database]\nconnection = sqlite:///%s\n'
        '[pci_alias_api]\nauth_strategy = noauth\ncache_max_age = 0\n'
        % database))
    server = servers.WSGIServerProcess(
        [_gunicorn(), '--workers', str(SERVICE_WORKERS),
         '--bind', '127.0.0.1:{port}', servers.ENTRY_POINT],
        environ={'NOVA_PCI_ALIAS_CONFIG_FILES': config_file,
                 'PYTHONWARNINGS': 'ignore'})
    server.setUp()
    try:
        server.wait_until_serving('/v1/aliases')
    except Exception:
        server.cleanUp()
        raise
    return server


def _warm(url):
    """Make each worker of the service check the database now.

    A worker checks its sources when a request finds a check due, and
    answers that request with the table it had: without this, the first
    GET of each worker after a change still gets the old document.
    """
    for _ in range(WARM_GETS):
        connection = http.client.HTTPConnection('127.0.0.1', url.port,
                                                timeout=10)
        try:
            connection.request('GET', '/v1/aliases')
            connection.getresponse().read()
        finally:
            connection.close()
        time.sleep(0.01)


def bench_latency(tmp):
    """Time each change until each process uses it.

    :returns: a list of ``(warmed, committed, returned, {label: used})``:
        whether the service's workers were asked for the document just
        after the change (:func:`_warm`), the Unix times of the change's
        history row and of the command's return, and when each process
        used the change.  The changes alternate between the two kinds.
    """
    database = os.path.join(tmp, 'latency.sqlite')
    url = 'sqlite:///%s' % database
    tool_conf = _tool_conf(os.path.join(tmp, 'tool.conf'), url)
    _store(tool_conf, LATENCY_ALIASES)
    server = _start_service(tmp, database)
    api_conf = _nova_conf(
        os.path.join(tmp, 'nova-api.conf'), 'database', INTERVAL,
        extra='[pci_alias_database]\nconnection = %s\n' % url)
    compute_conf = _nova_conf(
        os.path.join(tmp, 'nova-compute.conf'), 'remote', INTERVAL,
        extra='[pci_alias_remote]\nurl = %s/v1/aliases\n'
              'allow_insecure_http = true\ntimeout = 2\n' % server.url)
    children = []
    try:
        for role, conf in (('nova-api', api_conf),
                           ('nova-compute', compute_conf)):
            for number in (1, 2):
                children.append(Child('%s-%d' % (role, number), 'watch',
                                      conf, log_dir=tmp))
        for one in children:
            one.next('ready', START_DEADLINE)
        # Let every check thread start its first interval.
        time.sleep(INTERVAL)
        shuffle = random.Random(13)
        changes = []
        for number in range(2 * CHANGES):
            warmed = bool(number % 2)
            time.sleep(shuffle.uniform(0, INTERVAL))
            name = 'bench-live-%d' % number
            _manage(tool_conf, 'alias', 'create',
                    json.dumps(_entry(name, 0x100 + number)))
            returned = time.time()
            committed = _last_change_time(database)
            if warmed:
                _warm(urllib.parse.urlsplit(server.url))
            used = {}
            for one in children:
                while True:
                    _, moment, names = one.next('use', FOLLOW_DEADLINE)
                    if name in json.loads(names):
                        used[one.label] = float(moment)
                        break
            changes.append((warmed, committed, returned, used))
    finally:
        for one in children:
            one.stop()
        server.cleanUp()
    return changes


def _role_seconds(changes, role):
    return [used[label] - committed
            for _, committed, _, used in changes
            for label in used if label.rsplit('-', 1)[0] == role]


def latency_rows(changes):
    plain = [change for change in changes if not change[0]]
    warmed = [change for change in changes if change[0]]
    slowest = [max(used.values()) - committed
               for _, committed, _, used in plain]
    from_return = [max(used.values()) - returned
                   for _, _, returned, used in plain]
    rows = [
        ('live change->use, every process (slowest), interval %d s, '
         'median of %d changes' % (INTERVAL, len(plain)),
         statistics.median(slowest), 's', max(slowest),
         's slowest (goal <= %d s)' % (INTERVAL + 1)),
        ('live change->use, every process, from the command\'s return '
         '(median)', statistics.median(from_return), 's',
         max(from_return), 's slowest'),
    ]
    for role, source in (('nova-api', 'database, SQLite'),
                         ('nova-compute', 'remote, gunicorn')):
        seconds = _role_seconds(plain, role)
        rows.append(('live change->use, 2 %s (%s), median of %d'
                     % (role, source, len(seconds)),
                     statistics.median(seconds), 's', max(seconds),
                     's slowest'))
    seconds = _role_seconds(warmed, 'nova-compute')
    rows.append(('live change->use, 2 nova-compute, service warmed by %d '
                 'GETs just after the change, median of %d'
                 % (WARM_GETS, len(seconds)),
                 statistics.median(seconds), 's', max(seconds),
                 's slowest'))
    return rows


def _mysql_url():
    """A scratch MySQL database of its own, or None with the reason."""
    import pymysql
    import sqlalchemy as sa

    base = sa.engine.make_url(os.environ.get(MYSQL_ENV) or MYSQL)
    name = 'bench_live_%s' % uuid.uuid4().hex[:12]
    try:
        connection = pymysql.connect(
            host=base.host, port=base.port or 3306, user=base.username,
            password=base.password, database=base.database,
            connect_timeout=5, read_timeout=10, write_timeout=10)
    except pymysql.MySQLError as exc:
        return None, 'MySQL at %s is unreachable (%s)' % (
            base.render_as_string(hide_password=True), exc)
    with connection:
        with connection.cursor() as cursor:
            cursor.execute('CREATE DATABASE %s CHARACTER SET utf8mb4' % name)
    return base.set(database=name), None


def _drop_mysql(url):
    import pymysql

    connection = pymysql.connect(
        host=url.host, port=url.port or 3306, user=url.username,
        password=url.password, connect_timeout=5, read_timeout=10,
        write_timeout=10)
    with connection:
        with connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS %s' % url.database)


def bench_cpu(tmp):
    """``{backend: {variant: (cpu seconds, checks)}}`` and notes."""
    backends = [('SQLite', 'sqlite:///%s' % os.path.join(tmp, 'cpu.sqlite'))]
    notes = []
    mysql, reason = _mysql_url()
    if mysql is None:
        notes.append('skipped MySQL: %s' % reason)
    else:
        backends.append(('MySQL', mysql.render_as_string(
            hide_password=False)))
    children = []
    try:
        for backend, url in backends:
            _store(_tool_conf(os.path.join(tmp, 'cpu-%s.conf' % backend),
                              url), CPU_ALIASES)
            for variant, live, report in (('off', False, 300),
                                          ('on', True, 300),
                                          ('report', True, 1)):
                conf = _nova_conf(
                    os.path.join(tmp, 'cpu-%s-%s.conf' % (backend, variant)),
                    'database', CPU_INTERVAL, live=live,
                    extra='[pci_alias_database]\nconnection = %s\n'
                          'report_interval = %d\n' % (url, report))
                children.append(((backend, variant), Child(
                    'cpu-%s-%s' % (backend, variant), 'cpu', conf,
                    CPU_WINDOW, log_dir=tmp)))
        results = {}
        for key, one in children:
            one.next('ready', START_DEADLINE)
        for (backend, variant), one in children:
            _, cpu, rest = one.next('cpu', CPU_WINDOW + START_DEADLINE)
            checks = int(rest.split()[0])
            results.setdefault(backend, {})[variant] = (float(cpu), checks)
    finally:
        for _, one in children:
            one.stop()
        if mysql is not None:
            _drop_mysql(mysql)
    return results, notes


def cpu_rows(results):
    rows = []
    for backend, variants in results.items():
        off_cpu, _ = variants['off']
        on_cpu, on_checks = variants['on']
        report_cpu, report_checks = variants['report']
        check = (on_cpu - off_cpu) / max(1, on_checks)
        with_report = (report_cpu - off_cpu) / max(1, report_checks)
        report = max(0.0, with_report - check)
        hourly = CHECKS_PER_HOUR * check + REPORTS_PER_HOUR * report
        label = 'live check CPU, database %s, %d aliases' % (
            backend, CPU_ALIASES)
        rows += [
            ('%s: process without live refresh, %d s' % (
                label, CPU_WINDOW), off_cpu * 1e3, 'ms CPU', None, None),
            ('%s: one check, nothing changed (%d checks)' % (
                label, on_checks), check * 1e3, 'ms CPU', None, None),
            ('%s: one check and its fleet report (%d checks)' % (
                label, report_checks), with_report * 1e3, 'ms CPU', None,
             None),
            ('%s: per process per hour at 60 s (60 checks, 12 reports)'
             % label, hourly * 1e3, 'ms CPU/h', hourly / 3600 * 1e6,
             'ppm of a core'),
        ]
    return rows


def _nova_importable():
    result = subprocess.run(
        [sys.executable, '-c', 'import nova.conf, nova.pci.request'],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=_python_env(), timeout=120)
    return result.returncode == 0, result.stderr.strip().splitlines()[-1:]


def rows(repeat):
    """Return the rows to print: (label, value, unit, extra, extra_unit).

    ``repeat`` is not used: the figures are medians of :data:`CHANGES`
    changes and CPU times over :data:`CPU_WINDOW` seconds.
    """
    importable, error = _nova_importable()
    if not importable:
        print('skipped: nova is not importable here (%s); "tox -e bench -- '
              '--only live" installs nova 34.0.0 and runs this section'
              % ' '.join(error), flush=True)
        return []
    with tempfile.TemporaryDirectory() as tmp:
        result = latency_rows(bench_latency(tmp))
        cpu, notes = bench_cpu(tmp)
    for note in notes:
        print(note, flush=True)
    return result + cpu_rows(cpu)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--child':
        mode, conf_file, seconds = sys.argv[2:5]
        child(mode, conf_file, float(seconds))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5,
                        help='not used; accepted as by bench.py')
    parser.parse_args()
    sys.path.insert(0, HERE)
    import bench
    bench.print_rows(rows(1))


if __name__ == '__main__':
    main()
