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

"""Benchmark figures of the alias API under gunicorn (see bench.py).

The service runs as the documented gunicorn command with 2 workers on
127.0.0.1, reading the ``database`` source from a SQLite file.  Figures:

* conditional ``GET /v1/aliases`` (``If-None-Match``, answered 304) per
  second with 1,000 aliases, with real Keystone tokens (Keystone 30 under
  gunicorn, from :mod:`nova_pci_alias.tests.functional.keystone`;
  keystonemiddleware's token cache warm after the first request of each
  client connection) and, for comparison, the same server with
  ``auth_strategy = noauth``;
* the latency of a ``PUT /v1/aliases/{name}`` that replaces one alias in a
  10,000-alias table, whole-table validation and the history record
  included (the median and the slowest of the repeats).

The client is a process of its own with a few threads, each keeping one
HTTP/1.1 connection open, as a compute's keystoneauth1 session does.

    python tools/bench_api.py [--repeat N]

Without keystone installed (``pip install keystone==30.0.0``, as ``tox -e
bench`` does) the Keystone figure is left out and said so.
"""

import argparse
import concurrent.futures
import http.client
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import bench_service

#: Aliases in the table of the GET figures.
GET_ALIASES = 1000
#: Aliases in the table of the PUT figure.
PUT_ALIASES = 10000
#: gunicorn workers: one per core of the machine the figures are from.
WORKERS = 2
#: PUTs per PUT figure.
PUTS = 20

# The client of the development server's figures, with its request count,
# threads, deadline, address and path.
HOST = bench_service.HOST
PATH = bench_service.PATH
TIMEOUT = bench_service.TIMEOUT


def keep_alive_thread(port, count, headers, statuses):
    """Send ``count`` GETs on one HTTP/1.1 connection, as a session does."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        for _ in range(count):
            conn.request('GET', PATH, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
    finally:
        conn.close()


def client(port, count, threads, headers):
    """Send ``count`` GETs from ``threads`` connections; run in a process."""
    return bench_service.client(port, count, threads, headers,
                                thread=keep_alive_thread)


def _request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _manage(config_file, *args, stdin=None):
    subprocess.run(
        [sys.executable, '-m', 'nova_pci_alias.cmd.manage',
         '--config-file', config_file] + list(args),
        input=stdin, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, timeout=TIMEOUT)


class Service:
    """The alias service under gunicorn, on a SQLite database of its own.

    :param directory: where the configuration and the database go.
    :param entries: the alias entries (JSON text) stored before it starts.
    :param auth: the text of the ``[pci_alias_api]`` and
        ``[keystone_authtoken]`` sections.
    """

    def __init__(self, directory, entries, auth):
        from nova_pci_alias.tests.unit.wsgi import servers
        self.config_file = os.path.join(directory, 'service.conf')
        database = os.path.join(directory, 'aliases.sqlite')
        with open(self.config_file, 'w') as f:
            f.write('[DEFAULT]\nuse_stderr = false\n'
                    '[pci_alias]\nsources = database\n'
                    '[pci_alias_database]\nconnection = sqlite:///%s\n%s'
                    % (database, auth))
        _manage(self.config_file, 'db', 'sync')
        document = json.dumps({'version': 1, 'aliases': [
            json.loads(entry) for entry in entries]})
        _manage(self.config_file, 'alias', 'import', '-',
                stdin=document.encode())
        self.server = servers.WSGIServerProcess(
            [shutil.which('gunicorn') or 'gunicorn', '--workers',
             str(WORKERS), '--bind', '%s:{port}' % HOST,
             servers.ENTRY_POINT],
            environ={'NOVA_PCI_ALIAS_CONFIG_FILES': self.config_file})
        self.server.setUp()
        self.port = self.server.port

    def wait(self, headers):
        """Wait until the service answers; return the document's ETag.

        A few GETs follow the health check, so that the workers have
        loaded the table (and, with Keystone, validated the token once).
        """
        self.server.wait_until_serving('/healthcheck')
        etags = set()
        for _ in range(4 * WORKERS):
            status, response_headers, _ = _request(
                self.port, 'GET', PATH, headers)
            if status != 200:
                raise RuntimeError('the service answered %d to GET %s:\n%s'
                                   % (status, PATH, self.server.output))
            etags.add(response_headers['ETag'])
        return etags.pop()

    def stop(self):
        self.server.cleanUp()


def conditional_get_rate(entries, auth, token, repeat):
    """Conditional GETs per second of the service under one auth setting."""
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(tmp, entries, auth)
        try:
            headers = {'X-Auth-Token': token} if token else {}
            etag = service.wait(headers)
            headers['If-None-Match'] = etag
            spawn = multiprocessing.get_context('spawn')
            with concurrent.futures.ProcessPoolExecutor(
                    max_workers=1, mp_context=spawn) as executor:
                return bench_service.rate(executor, service.port, headers,
                                          304, repeat, send=client)
        finally:
            service.stop()


def put_latency(entries, auth, token, repeat):
    """Seconds of each PUT replacing one alias of a large table."""
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(tmp, entries, auth)
        try:
            headers = {'X-Auth-Token': token} if token else {}
            service.wait(headers)
            headers['Content-Type'] = 'application/json'
            name = json.loads(entries[len(entries) // 2])['name']
            seconds = []
            for index in range(PUTS * max(1, repeat // 2)):
                body = json.dumps({'entries': [{
                    'vendor_id': '10de', 'product_id': '%04x' % index}]})
                start = time.perf_counter()
                status, _, text = _request(
                    service.port, 'PUT', '%s/%s' % (PATH, name), headers,
                    body.encode())
                seconds.append(time.perf_counter() - start)
                if status != 200:
                    raise RuntimeError('PUT answered %d: %s'
                                       % (status, text[:200]))
            return seconds
        finally:
            service.stop()


NOAUTH = '[pci_alias_api]\nauth_strategy = noauth\n'


def _keystone():
    """Return a started Keystone fixture, or None without keystone."""
    try:
        import keystone  # noqa: F401
    except ImportError:
        return None
    from nova_pci_alias.tests.functional.keystone import keystone_server
    fixture = keystone_server.KeystoneFixture()
    fixture.setUp()
    return fixture


def _authtoken_section(keystone):
    """The service's configuration of keystonemiddleware for ``keystone``."""
    return ('[pci_alias_api]\nauth_strategy = keystone\n'
            '[keystone_authtoken]\nwww_authenticate_uri = %s\n%s' % (
                keystone.auth_url, keystone.pci_alias.config_lines()))


def rows(repeat):
    """Return the rows to print: (label, value, unit, extra, extra_unit)."""
    import bench
    repeat = max(1, min(repeat, 3))
    result = []
    get_entries = bench.make_entries(GET_ALIASES)
    label = ('api conditional GET %s, %d aliases, gunicorn %d workers, %d '
             'client connections' % (PATH, GET_ALIASES, WORKERS,
                                     bench_service.CLIENT_THREADS))
    plain = conditional_get_rate(get_entries, NOAUTH, None, repeat)
    result.append((label + ' (noauth)', plain, 'req/s', None, None))
    keystone = _keystone()
    if keystone is None:
        print('keystone is not installed: the figures with Keystone '
              'tokens are left out', file=sys.stderr)
        token = None
        auth = NOAUTH
    else:
        auth = _authtoken_section(keystone)
        token = keystone.admin.token()
        try:
            with_tokens = conditional_get_rate(
                get_entries, auth, keystone.reader.token(), repeat)
            result.append((label + ' (Keystone tokens)', with_tokens,
                           'req/s', with_tokens / plain, 'x noauth'))
        except Exception:
            keystone.cleanUp()
            raise
    try:
        seconds = put_latency(bench.make_entries(PUT_ALIASES), auth, token,
                              repeat)
    finally:
        if keystone is not None:
            keystone.cleanUp()
    result.append(('api PUT one alias in a %d-alias table, SQLite '
                   '(median)' % PUT_ALIASES,
                   statistics.median(seconds) * 1e3, 'ms', max(seconds) * 1e3,
                   'ms slowest'))
    return result


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3,
                        help='runs per figure (at most 3); the best is '
                             'shown')
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench
    bench.print_rows(rows(args.repeat))
