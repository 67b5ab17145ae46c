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

"""Print how fast nova_pci_alias parses aliases and translates extra specs.

Figures only: nothing is asserted.  Each figure is the best of several
repeats, so that a busy machine inflates it as little as possible.

    python tools/bench.py [--repeat N] [--only SECTION [SECTION ...]]

Sections: ``core`` (parsing and translation, here), ``database``
(``bench_database.py``), ``remote`` (``bench_remote.py``), ``registry``
(``bench_registry.py``: lookups while a source hangs), ``service``
(``bench_service.py``: the development server), ``api``
(``bench_api.py``: gunicorn, with Keystone tokens where keystone is
installed, as in ``tox -e bench``), ``cli`` (``bench_cli.py``: ``nova-pci-alias
translate`` as a whole process), ``nova`` (``bench_nova.py``: the same
work beside Nova's own functions, where nova is installed, as in ``tox -e
bench``) and ``live`` (``bench_live_refresh.py``: the driver's live
refresh in separate Nova processes, change-to-use latency and the CPU of
a check); each section module has a ``rows(repeat)`` function returning
the rows to print.
"""

import argparse
import json
import timeit

from oslo_config import cfg

import nova_pci_alias
from nova_pci_alias import registry
from nova_pci_alias import request


def make_entries(count):
    """Return ``count`` distinct, valid alias entries as JSON text."""
    policies = ('legacy', 'preferred', 'required', 'socket')
    return [json.dumps({
        'name': 'alias-%05d' % i,
        'vendor_id': '%04x' % (0x1000 + i % 0xe000),
        'product_id': '%04x' % (i % 0x10000),
        'device_type': ('type-PCI', 'type-PF', 'type-VF')[i % 3],
        'numa_policy': policies[i % 4],
    }) for i in range(count)]


def best_time(func, number, repeat):
    """Best seconds per call of ``func`` over ``repeat`` runs of ``number``."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def bench_parse(repeat):
    rows = []
    for count in (10, 100, 1000, 10000):
        entries = make_entries(count)
        number = max(1, 20000 // count)
        seconds = best_time(lambda: nova_pci_alias.parse_aliases(entries),
                            number, repeat)
        rows.append(('parse %d aliases' % count, seconds * 1e3, 'ms',
                     seconds / count * 1e6, 'us/alias'))
    return rows


def bench_translate(repeat):
    entries = make_entries(100)
    table = nova_pci_alias.parse_aliases(entries)
    spec = 'alias-00007:2,alias-00042:1'
    number = 20000
    direct = best_time(
        lambda: request.translate_alias_to_requests(spec, aliases=table),
        number, repeat)

    conf = cfg.ConfigOpts()
    reg = registry.AliasRegistry.from_config(conf)
    conf.set_override('alias', entries, group='pci')
    reg.get_table()
    via_registry = best_time(
        lambda: request.translate_alias_to_requests(
            spec, aliases=reg.get_table()),
        number, repeat)
    return [
        ('translate 2-alias spec, 100 aliases (table given)',
         direct * 1e6, 'us/call', None, None),
        ('translate 2-alias spec, 100 aliases (config registry)',
         via_registry * 1e6, 'us/call', via_registry / direct, 'x direct'),
    ]


def print_rows(rows):
    """Print ``(label, value, unit, extra, extra_unit)`` rows as a table."""
    if not rows:
        return
    width = max(len(row[0]) for row in rows)
    for label, value, unit, extra, extra_unit in rows:
        line = '%-*s %10.3f %-8s' % (width, label, value, unit)
        if extra is not None:
            line += ' %8.2f %s' % (extra, extra_unit)
        print(line, flush=True)


def sections():
    """Return ``{name: rows(repeat)}`` for every benchmark section."""
    import bench_api
    import bench_cli
    import bench_database
    import bench_live_refresh
    import bench_nova
    import bench_registry
    import bench_remote
    import bench_service
    return {
        'core': lambda repeat: bench_parse(repeat) + bench_translate(repeat),
        'database': bench_database.rows,
        'remote': bench_remote.rows,
        'registry': bench_registry.rows,
        'service': bench_service.rows,
        'api': bench_api.rows,
        'cli': bench_cli.rows,
        'nova': bench_nova.rows,
        'live': bench_live_refresh.rows,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5,
                        help='repeats per figure; the best is shown')
    parser.add_argument('--only', action='extend', nargs='+',
                        metavar='SECTION',
                        help='run only these sections (core, database, '
                             'remote, registry, service, api, cli, nova, '
                             'live); may be given more than once')
    args = parser.parse_args()
    all_sections = sections()
    unknown = sorted(set(args.only or ()) - set(all_sections))
    if unknown:
        parser.error('unknown section: %s (choose from %s)'
                     % (', '.join(unknown), ', '.join(all_sections)))
    for name, section in all_sections.items():
        if args.only and name not in args.only:
            continue
        print('== %s' % name, flush=True)
        print_rows(section(args.repeat))


if __name__ == '__main__':
    main()
