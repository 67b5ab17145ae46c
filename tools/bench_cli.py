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

"""Benchmark figures of the command-line tool as a whole process (bench.py).

The README's quick start, in a temporary directory: ``nova-pci-alias-manage
db sync`` and ``alias import --replace --from-config`` with the example
configuration, then ``nova-pci-alias translate "gpu:2,nic:1"`` run again
and again, each run a new process, as an operator or a deployment script
runs it.  Most of that time is the interpreter starting and importing what
the command needs (``python -X importtime`` shows what); the figures are
the median, minimum and maximum wall time of the runs, and the median of
the processor time they used (user and system), which a busy machine
inflates less.  The first run is not counted: it may write the byte-code
and entry point caches.  One more run, with ``python -X importtime``,
prints the import time of what the command spends most of its time on:
oslo.config, oslo.log, SQLAlchemy's Core, and oslo.db's enginefacade
(which brings in SQLAlchemy's ORM).

    python tools/bench_cli.py [--runs N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO, 'etc', 'nova-pci-alias',
                       'nova-pci-alias.conf.example')
SPEC = 'gpu:2,nic:1'
#: The goal for the median wall time, in seconds.
GOAL = 0.3
#: The modules whose import time (cumulative, at their first import) is
#: shown, and their labels: each includes what it imports first.
IMPORTS = (
    ('oslo_config.cfg', 'oslo.config'),
    ('oslo_log.log', 'oslo.log'),
    ('sqlalchemy', 'SQLAlchemy (Core)'),
    ('oslo_db.sqlalchemy.enginefacade', 'oslo.db enginefacade'),
    ('sqlalchemy.orm', 'SQLAlchemy ORM (by oslo.db)'),
)


def script(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def _run(args, cwd):
    before = os.times()
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = ((after.children_user - before.children_user)
           + (after.children_system - before.children_system))
    return wall, cpu


def time_translate(runs):
    """Time ``runs`` translate processes, and the imports of one more.

    :returns: the (wall, cpu) seconds of each run, and what
        :func:`import_times` returns.
    """
    with tempfile.TemporaryDirectory() as cwd:
        manage = [script('nova-pci-alias-manage'), '--config-file', EXAMPLE]
        subprocess.run(manage + ['db', 'sync'], cwd=cwd, check=True,
                       capture_output=True)
        subprocess.run(manage + ['alias', 'import', '--replace',
                                 '--from-config', EXAMPLE],
                       cwd=cwd, check=True, capture_output=True)
        translate = [script('nova-pci-alias'), '--config-file', EXAMPLE,
                     'translate', SPEC]
        _run(translate, cwd)
        return ([_run(translate, cwd) for _ in range(runs)],
                import_times(translate, cwd))


def import_times(args, cwd):
    """Return ``{module: ms}`` for :data:`IMPORTS`, and the total, in ms.

    From one run of ``args`` under ``python -X importtime``: a module's
    cumulative time where it is first imported, and the total of the
    top-level imports.  Under the profiler the imports take longer than in
    a run of their own: compare the figures with each other.
    """
    result = subprocess.run([sys.executable, '-X', 'importtime'] + args,
                            cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    times, total = {}, 0
    for line in result.stderr.splitlines():
        if not line.startswith('import time:') or 'self [us]' in line:
            continue
        _, cumulative, name = line[len('import time:'):].split('|')
        if not name[1:].startswith(' '):
            total += int(cumulative)
        times.setdefault(name.strip(), int(cumulative) / 1000)
    return times, total / 1000


def rows(repeat):
    """Return the rows to print: (label, value, unit, extra, extra_unit)."""
    if not os.path.exists(script('nova-pci-alias')):
        print('cli: skipped: the nova-pci-alias script is not installed '
              'beside %s' % sys.executable, flush=True)
        return []
    runs = max(5, 2 * repeat + 1)
    times, (imports, total) = time_translate(runs)
    walls = [wall for wall, _ in times]
    label = 'nova-pci-alias translate, quick start, %d processes' % runs
    return [
        (label + ': median', statistics.median(walls), 's', GOAL,
         's goal'),
        (label + ': min', min(walls), 's', None, None),
        (label + ': max', max(walls), 's', None, None),
        (label + ': median CPU', statistics.median(c for _, c in times),
         's', None, None),
    ] + [
        ('translate imports (-X importtime): %s' % name,
         imports.get(module, 0.0), 'ms', None, None)
        for module, name in IMPORTS
    ] + [
        ('translate imports (-X importtime): all', total, 'ms', None, None),
    ]


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5,
                        help='2 x N + 1 processes are timed (at least 5)')
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench
    bench.print_rows(rows(args.repeat))
