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

"""Benchmark figures of registry lookups while a source hangs (see bench.py).

A registry reads the ``remote`` source from a real HTTP server on
127.0.0.1 (``[pci_alias_remote] timeout = 2``).  After the first load the
server starts to hang in the middle of every answer, for longer than that
timeout, as a server that stops answering would; the refresh interval is
short, so that a check is due while readers look up.  Four threads then
call ``get_table()`` 25,000 times each (or for 10 seconds, if lookups wait
for the source); the figures are the latency of one call (percentiles, and
the slowest), in microseconds.  The goal is a p99 of
at most 1 ms: readers get the current table while the source is checked
beside them, whatever the source does.

The slowest call also holds the time a thread waits for the interpreter
lock between two readings of the clock (up to a switch interval, 5 ms, per
thread that runs meanwhile, more on a busy machine): the same lookups with
no check due, printed first, show that floor.

    python tools/bench_registry.py [--repeat N]
"""

import argparse
import json
import logging
import os
import sys
import threading
import time

from oslo_config import cfg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench  # noqa: E402

from nova_pci_alias import document  # noqa: E402
from nova_pci_alias import opts  # noqa: E402
from nova_pci_alias import registry  # noqa: E402
from nova_pci_alias.tests.unit import httpserver  # noqa: E402
from nova_pci_alias.tests.unit import remote_servers  # noqa: E402

THREADS = 4
CALLS_PER_THREAD = 25000
#: Seconds the server hangs in each answer: longer than the timeout.
HANG = 4
TIMEOUT = 2
#: Seconds after which a reader stops even if it has calls left: where
#: lookups wait for the source, 100,000 of them would take hours.
DEADLINE = 10


def _hung_registry(url, interval):
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[], default_config_dirs=[])
    opts.register_opts(conf)
    conf.set_override('sources', ['remote'], group='pci_alias')
    conf.set_override('refresh_interval', interval, group='pci_alias')
    reg = registry.AliasRegistry.from_config(conf)
    conf.set_override('url', url, group='pci_alias_remote')
    conf.set_override('allow_insecure_http', True, group='pci_alias_remote')
    conf.set_override('timeout', TIMEOUT, group='pci_alias_remote')
    return reg


def _percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _lookups(reg):
    """Latencies, in seconds, of every call of every reader thread."""
    latencies = [[] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)

    def read(mine):
        clock = time.perf_counter
        get_table = reg.get_table
        start.wait()
        deadline = clock() + DEADLINE
        for _ in range(CALLS_PER_THREAD):
            before = clock()
            get_table()
            after = clock()
            mine.append(after - before)
            if after > deadline:
                break

    readers = [threading.Thread(target=read, args=(mine,))
               for mine in latencies]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    return sorted(value for mine in latencies for value in mine)


def _figures(label, ordered):
    slow = sum(1 for value in ordered if value > 1e-3)
    return [
        (label + ': calls', len(ordered), '', sum(ordered), 's in calls'),
        (label + ': p50', _percentile(ordered, 0.50) * 1e6, 'us',
         None, None),
        (label + ': p99', _percentile(ordered, 0.99) * 1e6, 'us',
         None, None),
        (label + ': p99.9', _percentile(ordered, 0.999) * 1e6, 'us',
         None, None),
        (label + ': max', ordered[-1] * 1e6, 'us', slow, 'calls > 1 ms'),
    ]


def bench_no_check_due(url):
    """The same lookups with no check due: the floor of the figures."""
    reg = _hung_registry(url, interval=3600)
    reg.get_table()
    return _figures('get_table(), no check due, %d threads' % THREADS,
                    _lookups(reg))


def bench_hung_source(app, url, interval):
    app.stall = 0
    reg = _hung_registry(url, interval)
    reg.get_table()
    app.stall = HANG
    # Past the interval: the first lookup finds a check due.
    time.sleep(interval + 0.1)
    ordered = _lookups(reg)
    app.stall = 0
    wait = getattr(reg, 'wait_for_check', None)
    if wait is not None:
        wait(HANG + TIMEOUT + 5)
    return _figures('get_table(), source hung, interval %ds, %d threads'
                    % (interval, THREADS), ordered)


def rows(repeat):
    """Return the benchmark rows (one run: each lasts seconds)."""
    # The failed checks are logged as they should be; not among the figures.
    logging.getLogger('nova_pci_alias').setLevel(logging.CRITICAL)
    app = remote_servers.DocumentApp()
    app.etag = False
    app.body = document.encode_document(
        [json.loads(text) for text in bench.make_entries(100)])
    server = httpserver.WSGIServerFixture(app)
    server.setUp()
    try:
        url = server.url + remote_servers.DOCUMENT_PATH
        return (bench_no_check_due(url)
                + bench_hung_source(app, url, interval=1)
                + bench_hung_source(app, url, interval=0))
    finally:
        server.cleanUp()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=1,
                        help='ignored: every figure comes from one run')
    args = parser.parse_args()
    bench.print_rows(rows(args.repeat))


if __name__ == '__main__':
    main()
