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

"""Benchmark figures of the alias service (see bench.py).

The service is ``nova-pci-alias-api``, the development server the
documentation recommends for trying the service out (wsgiref, one process,
a thread per request), started as a process of its own on 127.0.0.1 and
serving a table of 1,000 aliases from the ``config`` source, without
authentication (``auth_strategy = noauth``; ``bench_api.py`` measures the
service with Keystone tokens).  A separate
client process sends 10,000 ``GET /v1/aliases`` over http.client, from a
few threads, first without and then with ``If-None-Match``.

    python tools/bench_service.py [--repeat N]
"""

import argparse
import collections
import concurrent.futures
import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import timeit

import webob

#: Aliases in the published table.
ALIASES = 1000
#: Requests per figure.
REQUESTS = 10000
#: Client threads in the client process.
CLIENT_THREADS = 4
#: No figure waits longer than this for its requests.
TIMEOUT = 300

HOST = '127.0.0.1'
PATH = '/v1/aliases'


def _client_thread(port, count, headers, statuses):
    for _ in range(count):
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            conn.request('GET', PATH, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
        finally:
            conn.close()


def client(port, count, threads, headers, thread=None):
    """Send ``count`` requests from ``threads`` threads; run in a process.

    :param thread: the function each thread runs, with the arguments of
        :func:`_client_thread` (which opens a connection per request).
    :returns: ``(seconds, {status: count})``.
    """
    statuses = collections.Counter()
    workers = [threading.Thread(target=thread or _client_thread,
                                args=(port, count // threads, headers,
                                      statuses))
               for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start, dict(statuses)


def _free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _write_config(directory, entries):
    path = os.path.join(directory, 'nova.conf')
    with open(path, 'w') as f:
        f.write('[pci_alias]\nsources = config\n'
                '[pci_alias_api]\nauth_strategy = noauth\n[pci]\n')
        for entry in entries:
            f.write('alias = %s\n' % entry)
    return path


def _start_service(config_file):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, '-m', 'nova_pci_alias.cmd.service',
         '--config-file', config_file, '--port', str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request('GET', PATH)
            response = conn.getresponse()
            etag = response.getheader('ETag')
            size = len(response.read())
            conn.close()
            if response.status == 200:
                return process, port, etag, size
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError('nova-pci-alias-api did not start')
        time.sleep(0.1)


def rate(executor, port, headers, expected, repeat, send=None):
    """Requests per second, the best of ``repeat`` runs of :data:`REQUESTS`.

    :param executor: the process pool the client runs in.
    :param expected: the status every request must get.
    :param send: the client function, :func:`client` by default.
    """
    best = None
    for _ in range(repeat):
        seconds, statuses = executor.submit(
            send or client, port, REQUESTS, CLIENT_THREADS,
            headers).result(TIMEOUT)
        if statuses != {expected: REQUESTS}:
            raise RuntimeError('expected %d x %d, got %r'
                               % (REQUESTS, expected, statuses))
        best = seconds if best is None else min(best, seconds)
    return REQUESTS / best


def bench_http(entries, repeat):
    """Requests per second of the development server, 200 versus 304."""
    with tempfile.TemporaryDirectory() as tmp:
        process, port, etag, size = _start_service(
            _write_config(tmp, entries))
        try:
            spawn = multiprocessing.get_context('spawn')
            with concurrent.futures.ProcessPoolExecutor(
                    max_workers=1, mp_context=spawn) as executor:
                full = rate(executor, port, {}, 200, repeat)
                revalidated = rate(executor, port,
                                   {'If-None-Match': etag}, 304, repeat)
        finally:
            process.terminate()
            process.wait(timeout=10)
    label = ('service GET %s, %d aliases, %d requests, %d client threads'
             % (PATH, len(entries), REQUESTS, CLIENT_THREADS))
    return [
        (label + ' (200)', full, 'req/s', size / 1024, 'KiB/response'),
        (label + ' (If-None-Match, 304)', revalidated, 'req/s',
         revalidated / full, 'x 200'),
    ]


def bench_app(entries, repeat):
    """Cost of the application alone (no HTTP), and of a new table."""
    from oslo_config import cfg

    import nova_pci_alias
    from nova_pci_alias import document
    from nova_pci_alias import registry
    from nova_pci_alias.service import app
    from nova_pci_alias.service import options
    from nova_pci_alias.sources import config

    conf = cfg.ConfigOpts()
    conf.register_opt(config.alias_opt, group=config.GROUP)
    options.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    conf.set_override('alias', entries, group=config.GROUP)
    # The application without authentication: what it costs by itself.
    conf.set_override('auth_strategy', 'noauth', group=options.GROUP)
    application = app.build_app(conf, registry.AliasRegistry.from_config(conf))
    response = webob.Request.blank(PATH).get_response(application)
    if len(document.decode_document(response.body, PATH)) != len(entries):
        raise RuntimeError('the application does not serve the table')
    etag = response.headers['ETag']
    number = 2000
    full = min(timeit.repeat(
        lambda: webob.Request.blank(PATH).get_response(application),
        number=number, repeat=repeat)) / number
    revalidated = min(timeit.repeat(
        lambda: webob.Request.blank(
            PATH, headers={'If-None-Match': etag}).get_response(application),
        number=number, repeat=repeat)) / number
    table = nova_pci_alias.parse_aliases(entries)
    publish = min(timeit.repeat(
        lambda: document.etag_of(document.encode_document(table.entries)),
        number=20, repeat=repeat)) / 20
    return [
        ('service app only, no HTTP (200)', full * 1e6, 'us/req',
         None, None),
        ('service app only, no HTTP (304)', revalidated * 1e6, 'us/req',
         None, None),
        ('service encode + ETag of a new table, %d aliases' % len(entries),
         publish * 1e3, 'ms', None, None),
    ]


def rows(repeat):
    """Return the rows to print: (label, value, unit, extra, extra_unit)."""
    import bench
    entries = bench.make_entries(ALIASES)
    repeat = max(1, min(repeat, 3))
    return bench_app(entries, repeat) + bench_http(entries, repeat)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3,
                        help='runs per figure (at most 3); the best is '
                             'shown')
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench
    bench.print_rows(rows(args.repeat))
