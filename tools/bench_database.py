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

"""Benchmark figures of the database alias source (see bench.py).

Figures only: nothing is asserted.  On SQLite (a temporary file) always, and
on each database URL listed in ``NOVA_PCI_ALIAS_TEST_BENCH_DATABASES``
(separated by ``;``) or given as arguments when run alone::

    python tools/bench_database.py [--repeat N] [URL ...]

A server URL must name a scratch database: the benchmark creates the alias
tables there, and drops them at the end.  For example the ``openstack_citest``
databases that ``tools/test-setup.sh`` creates::

    mysql+pymysql://openstack_citest:openstack_citest@127.0.0.1/openstack_citest
    postgresql+psycopg2://openstack_citest:openstack_citest@127.0.0.1/openstack_citest

Figures per database: a cold load of 10,000 aliases (a new registry reading
the database and validating the table), the replacement of one alias
among the 10,000 (``put_alias``, as the alias service's ``PUT`` does it:
goal 300 ms on SQLite), the change-token check (what a refresh costs when
nothing changed), and the translation of a two-alias
extra spec through a registry backed by the database, against one backed by
``[pci] alias`` (no I/O is expected on that path: the ratio should be close
to 1), and the rate of creates of four writer processes at once (they
queue on the writers' lock).

Then the deadlines, at the default ``[pci_alias_database]`` timeouts,
through a TCP proxy on 127.0.0.1: the seconds a first load takes to fail
against a MySQL and a PostgreSQL server that accept and never answer (no
server needed; goal: the deadline that applies, ``statement_timeout`` for
MySQL's greeting, ``connect_timeout`` for PostgreSQL, plus at most one
second), and, per server database, the seconds a refresh takes to fail once
the server stops answering on an open connection (goal: the documented
bound, twice ``statement_timeout`` on MySQL, ``statement_timeout + 1 +
connect_timeout`` on PostgreSQL).
"""

import argparse
import os
import shutil
import tempfile
import threading
import time
import timeit

from oslo_config import cfg
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import registry
from nova_pci_alias import request
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.sources.database import tcpproxy
from nova_pci_alias.tests.unit.sources.database import writers

# Named to pass through tox's passenv (NOVA_PCI_ALIAS_TEST_*).
ENV = 'NOVA_PCI_ALIAS_TEST_BENCH_DATABASES'
SPEC = 'alias-00007:2,alias-00042:1'


def _best(func, number, repeat):
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


#: Blackholed servers need no server: the proxy never forwards.
BLACKHOLED = ('mysql+pymysql://nova:x@127.0.0.1:3306/nova_pci_alias',
              'postgresql+psycopg2://nova:x@127.0.0.1:5432/nova_pci_alias')
#: How long a failing call may take before the figure says it hung.
HUNG = 60
WRITERS = 4
CREATES_PER_WRITER = 25


def _conf(url):
    conf = cfg.ConfigOpts()
    opts.register_opts(conf)
    options.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    conf.set_override('connection', url, group=options.GROUP)
    conf.set_override('sources', ['database'], group=opts.GROUP)
    return conf


class _Database:
    """The alias database at ``url``, set up for the benchmark."""

    def __init__(self, url):
        self.url = url
        self.conf = _conf(url)
        self._reset = queries.context_manager.patch_factory(
            enginefacade.transaction_context())
        queries.configure(self.conf)
        queries.sync_schema()

    def close(self):
        engine = queries.context_manager.writer.get_engine()
        models.Base.metadata.drop_all(engine)
        models.version_table.drop(engine, checkfirst=True)
        queries.context_manager.dispose_pool()
        self._reset()

    @property
    def label(self):
        return sa.engine.make_url(self.url).get_backend_name()


def _rows_for(database, repeat, make_entries):
    label = database.label
    rows = []

    queries.import_entries(make_entries(10000), 'bench', replace=True)

    def cold_load():
        registry.AliasRegistry.from_config(database.conf).get_table()

    seconds = _best(cold_load, 1, repeat)
    rows.append(('%s: cold load of 10000 aliases (new registry)' % label,
                 seconds * 1e3, 'ms', seconds / 10000 * 1e6, 'us/alias'))
    rows.append(_put_row(database, repeat))
    seconds = _best(queries.get_revision, 1000, repeat)
    rows.append(('%s: change-token check (nothing changed)' % label,
                 seconds * 1e3, 'ms', None, None))

    entries = make_entries(100)
    queries.import_entries(entries, 'bench', replace=True)
    by_database = registry.AliasRegistry.from_config(database.conf)
    by_database.get_table()

    config_conf = _conf(database.url)
    config_conf.set_override('sources', ['config'], group=opts.GROUP)
    by_config = registry.AliasRegistry.from_config(config_conf)
    config_conf.set_override('alias', entries, group='pci')
    by_config.get_table()

    number = 20000
    via_config = _best(lambda: request.translate_alias_to_requests(
        SPEC, aliases=by_config.get_table()), number, repeat)
    via_database = _best(lambda: request.translate_alias_to_requests(
        SPEC, aliases=by_database.get_table()), number, repeat)
    rows.append(('%s: translate 2-alias spec, config registry' % label,
                 via_config * 1e6, 'us/call', None, None))
    rows.append(('%s: translate 2-alias spec, database registry' % label,
                 via_database * 1e6, 'us/call', via_database / via_config,
                 'x config'))
    rows.append(_writers_row(database))
    if label != 'sqlite':
        rows.append(_frozen_row(database))
    return rows


def _put_row(database, repeat):
    """One alias in the middle of 10,000 replaced, its product changing.

    What ``PUT /v1/aliases/{name}`` costs the database: the table read
    under the lock, validated whole, the alias's row rewritten in its
    place, and the history row with the whole table before and after.
    """
    name = 'alias-05000'
    specs = [[{'vendor_id': '10de', 'product_id': product}]
             for product in ('1db6', '1db7')]
    turn = iter(range(10 ** 9))

    def put():
        queries.put_alias(name, specs[next(turn) % 2],
                          if_match=['*'])

    seconds = _best(put, 1, repeat)
    return ('%s: PUT one alias of 10000 (validated, history)' %
            database.label, seconds * 1e3, 'ms', 300, 'ms goal')


def _writers_row(database):
    """Creates per second of concurrent writer processes."""
    queries.import_entries([], 'bench', replace=True)
    pool = writers.WriterPool(WRITERS)
    try:
        jobs = [(0, ('create_many', [
            {'name': 'w%d-%03d' % (writer, number), 'vendor_id': '10de',
             'product_id': '1db6'} for number in range(CREATES_PER_WRITER)]))
            for writer in range(WRITERS)]
        start = time.monotonic()
        results = pool.run(database.url, jobs)
        seconds = time.monotonic() - start - writers.LEAD
        pool.release()
    finally:
        pool.close()
    failed = sum(1 for outcome, _ in results if outcome != 'ok')
    return ('%s: %d writer processes at once, creates' % (
        database.label, WRITERS), WRITERS * CREATES_PER_WRITER / seconds,
        '/s', failed, 'writers failed')


def _seconds_to_fail(call):
    """Seconds ``call`` takes to raise AliasSourceError (HUNG if it hangs)."""
    box = {}

    def run():
        start = time.monotonic()
        try:
            call()
        except exception.AliasSourceError:
            pass
        box['seconds'] = time.monotonic() - start

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HUNG)
    return box.get('seconds', HUNG)


class _Proxied:
    """A registry on its own transaction context, through a TCP proxy."""

    def __init__(self, url_text, mode):
        url = sa.engine.make_url(url_text)
        self.proxy = tcpproxy.TCPProxyFixture(url.host, url.port, mode=mode)
        self.proxy.setUp()
        self._reset = queries.context_manager.patch_factory(
            enginefacade.transaction_context())
        proxied = url.set(host='127.0.0.1', port=self.proxy.port)
        conf = _conf(proxied.render_as_string(hide_password=False))
        conf.set_override('refresh_interval', 0, group=opts.GROUP)
        self.registry = registry.AliasRegistry.from_config(conf)
        self.deadlines = options.deadlines(conf)

    def close(self):
        queries.context_manager.dispose_pool()
        self._reset()
        self.proxy.cleanUp()


def _blackholed_rows():
    rows = []
    for url in BLACKHOLED:
        proxied = _Proxied(url, tcpproxy.BLACKHOLE)
        try:
            seconds = _seconds_to_fail(proxied.registry.get_table)
            backend = sa.engine.make_url(url).get_backend_name()
            deadline = proxied.deadlines[
                'statement_timeout' if backend == 'mysql'
                else 'connect_timeout']
        finally:
            proxied.close()
        rows.append(('%s: blackholed server, first load fails after' %
                     backend, seconds, 's', deadline, 's deadline'))
    return rows


def _frozen_row(database):
    proxied = _Proxied(database.url, tcpproxy.FORWARD)
    try:
        proxied.registry.get_table()
        proxied.proxy.freeze()
        seconds = _seconds_to_fail(proxied.registry.refresh)
        statement = proxied.deadlines['statement_timeout']
        if database.label == 'mysql':
            bound = 2 * statement
        else:
            bound = (statement + options.PG_CLIENT_GRACE
                     + proxied.deadlines['connect_timeout'])
    finally:
        proxied.close()
    return ('%s: server frozen after a load, refresh fails after' %
            database.label, seconds, 's', bound, 's bound')


def rows(repeat, urls=None):
    """Return the rows to print: (label, value, unit, extra, extra_unit).

    :param repeat: repeats per figure; the best is kept.
    :param urls: server database URLs to measure besides SQLite; by default
        those of
        ``NOVA_PCI_ALIAS_TEST_BENCH_DATABASES``.
    """
    import bench   # the shared entry generator; bench imports this module

    if urls is None:
        urls = [u for u in os.environ.get(ENV, '').split(';') if u.strip()]
    tmp = tempfile.mkdtemp(prefix='nova-pci-alias-bench-')
    result = []
    try:
        for url in ['sqlite:///%s/aliases.sqlite' % tmp] + list(urls):
            database = _Database(url)
            try:
                result.extend(_rows_for(database, repeat,
                                        bench.make_entries))
            finally:
                database.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result + _blackholed_rows()


def main():
    import bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5,
                        help='repeats per figure; the best is shown')
    parser.add_argument('urls', nargs='*', metavar='URL',
                        help='a scratch server database to measure too')
    args = parser.parse_args()
    bench.print_rows(rows(args.repeat, args.urls or None))


if __name__ == '__main__':
    main()
