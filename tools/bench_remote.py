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

"""Benchmark figures of the remote alias source (see bench.py).

Serves alias documents from a real HTTP server on 127.0.0.1 and measures:

* a registry refresh whose conditional request gets ``304 Not Modified``
  (nothing is read again), against one that gets ``200`` with the same
  bytes from a server without ETags (downloaded and decoded, but not
  validated again), and one that gets ``200`` with a changed document of
  1,000 aliases (downloaded, decoded, validated, swapped in);
* translating an extra spec through a registry backed by the remote source,
  against one backed by ``[pci] alias``: between refreshes neither does any
  I/O, so the goal is a ratio within 1.2;
* the time a first load takes to fail, with ``timeout = 2``, against a
  server that sends its status line and headers one byte every 0.2 s, one
  that sends its body so, and one that accepts and never answers: the goal
  is at most the timeout plus 1 s (the figure after it is the overrun).

    python tools/bench_remote.py [--repeat N]
"""

import argparse
import json
import os
import sys
import time

from oslo_config import cfg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench  # noqa: E402

from nova_pci_alias import document  # noqa: E402
from nova_pci_alias import exception  # noqa: E402
from nova_pci_alias import opts  # noqa: E402
from nova_pci_alias import registry  # noqa: E402
from nova_pci_alias import request  # noqa: E402
from nova_pci_alias.tests.unit import httpserver  # noqa: E402
from nova_pci_alias.tests.unit import remote_servers  # noqa: E402

SPEC = 'alias-00007:2,alias-00042:1'


def _document(count, marker=0):
    entries = [json.loads(text) for text in bench.make_entries(count)]
    entries[-1]['product_id'] = '%04x' % marker
    return document.encode_document(entries)


def _registry(sources):
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[], default_config_dirs=[])
    opts.register_opts(conf)
    # Set before the registry is built: it reads the list once.
    conf.set_override('sources', sources, group='pci_alias')
    return conf, registry.AliasRegistry.from_config(conf)


def _remote_registry(url, timeout=None):
    conf, result = _registry(['remote'])
    conf.set_override('url', url, group='pci_alias_remote')
    conf.set_override('allow_insecure_http', True, group='pci_alias_remote')
    if timeout is not None:
        conf.set_override('timeout', timeout, group='pci_alias_remote')
    return result


def _config_registry(entries):
    conf, result = _registry(['config'])
    conf.set_override('alias', entries, group='pci')
    return result


def bench_refresh(url, app, repeat):
    reg = _remote_registry(url)
    reg.get_table()
    number = 50
    not_modified = bench.best_time(reg.refresh, number, repeat)

    bodies = [_document(1000, marker) for marker in (1, 2)]
    state = {'turn': 0}

    def changed_refresh():
        state['turn'] ^= 1
        app.body = bodies[state['turn']]
        if not reg.refresh():
            raise RuntimeError('the document did not change')

    changed = bench.best_time(changed_refresh, number, repeat)

    # A server without validators sends the same bytes again: downloaded
    # and decoded, but recognised by their digest and not validated again.
    app.etag = False
    unchanged = bench.best_time(reg.refresh, number, repeat)
    app.etag = True
    return [
        ('remote refresh, 304 Not Modified (1000 aliases)',
         not_modified * 1e3, 'ms', None, None),
        ('remote refresh, 200 same bytes, no ETag (1000 aliases)',
         unchanged * 1e3, 'ms', unchanged / not_modified, 'x 304'),
        ('remote refresh, 200 changed document (1000 aliases)',
         changed * 1e3, 'ms', changed / not_modified, 'x 304'),
    ]


def bench_translate(url, app, repeat):
    entries = bench.make_entries(100)
    app.body = document.encode_document([json.loads(e) for e in entries])
    by_config = _config_registry(entries)
    by_remote = _remote_registry(url)
    calls = {
        name: (lambda reg=reg: request.translate_alias_to_requests(
            SPEC, aliases=reg.get_table()))
        for name, reg in (('config', by_config), ('remote', by_remote))}
    for call in calls.values():
        call()   # the first load; every later lookup is from memory
    # Alternate the two, so that a busy moment of the machine weighs on
    # both alike; keep the best of each.
    best = {name: float('inf') for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            best[name] = min(best[name], bench.best_time(call, 20000, 1))
    return [
        ('translate 2-alias spec, 100 aliases (config registry)',
         best['config'] * 1e6, 'us/call', None, None),
        ('translate 2-alias spec, 100 aliases (remote registry)',
         best['remote'] * 1e6, 'us/call', best['remote'] / best['config'],
         'x config'),
    ]


DEADLINE_TIMEOUT = 2


def _seconds_to_fail(url):
    reg = _remote_registry(url, timeout=DEADLINE_TIMEOUT)
    start = time.monotonic()
    try:
        reg.get_table()
    except exception.AliasSourceError:
        return time.monotonic() - start
    raise RuntimeError('the load did not fail')


def bench_deadline(body):
    """Seconds a first load takes to fail against slow servers.

    One run each: each takes the whole timeout.
    """
    servers = [
        ('trickled status line and headers',
         remote_servers.TrickleServerFixture(body, 'head', interval=0.2,
                                             give_up_after=60)),
        ('trickled body',
         remote_servers.TrickleServerFixture(body, 'body', interval=0.2,
                                             give_up_after=60)),
        ('silent server', remote_servers.SilentServerFixture()),
    ]
    result = []
    for label, server in servers:
        server.setUp()
        try:
            seconds = _seconds_to_fail(server.url
                                       + remote_servers.DOCUMENT_PATH)
        finally:
            server.cleanUp()
        result.append(('remote first load fails, %s (timeout %d s)'
                       % (label, DEADLINE_TIMEOUT), seconds, 's',
                       seconds - DEADLINE_TIMEOUT, 's over'))
    return result


def rows(repeat):
    """Return the rows to print: (label, value, unit, extra, extra_unit)."""
    app = remote_servers.DocumentApp(body=_document(1000))
    server = httpserver.WSGIServerFixture(app)
    server.setUp()
    try:
        url = server.url + remote_servers.DOCUMENT_PATH
        return bench_refresh(url, app, repeat) + bench_translate(
            url, app, repeat) + bench_deadline(_document(10))
    finally:
        server.cleanUp()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5,
                        help='repeats per figure; the best is shown')
    args = parser.parse_args()
    bench.print_rows(rows(args.repeat))


if __name__ == '__main__':
    main()
