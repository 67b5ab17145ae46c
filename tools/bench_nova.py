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

"""Benchmark figures beside Nova's own functions (see bench.py).

Figures only: nothing is asserted, the goals are printed for reference.  In
one process, on the same alias entries (``bench.make_entries``), each figure
of Nova is printed with ours and the ratio, Nova's time divided by ours:

* parsing 10, 100 and 1,000 aliases: Nova's
  ``nova.pci.request.get_alias_from_config()`` (its cache cleared before
  each call, the entries set as ``[pci] alias`` on Nova's configuration)
  against :func:`nova_pci_alias.parse_aliases`; goal 50x;
* translating a two-alias extra spec against 100 aliases: Nova's
  ``nova.pci.request.get_pci_requests_from_flavor()`` on a ``Flavor``
  object, its alias cache warm, against
  :func:`nova_pci_alias.request.translate_alias_to_requests` with a table
  given, the same with its cache of parsed extra specs cleared before each
  call (Nova has no such cache), and through an
  :class:`~nova_pci_alias.registry.AliasRegistry` reading ``[pci] alias``
  (the whole stack); goal 4x.

Nova is imported only when this section runs; where it is not installed the
section prints one line saying so.  ``tox -e bench`` installs nova 34.0.0::

    tox -e bench -- --only nova
"""

import importlib.metadata
import os
import sys
import warnings

from oslo_config import cfg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench  # noqa: E402

import nova_pci_alias  # noqa: E402
from nova_pci_alias import opts  # noqa: E402
from nova_pci_alias import registry  # noqa: E402
from nova_pci_alias import request  # noqa: E402

SPEC = 'alias-00001:2,alias-00007:1'
#: The goals of the issue, as Nova's time divided by ours.
PARSE_GOAL = 50
TRANSLATE_GOAL = 4


def _import_nova():
    """Return ``(nova.conf, nova.objects, nova.pci.request)``, or None."""
    # Importing Nova imports eventlet (without monkey-patching anything),
    # which would warn on stderr that it is deprecated, in the middle of the
    # table.  Only that warning is silenced: the filters Nova's imports add
    # stay as they are.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    try:
        import nova.conf
        from nova import objects
        from nova.pci import request as nova_request
    except ImportError as exc:
        print('skipped: nova is not importable here (%s); '
              '"tox -e bench -- --only nova" installs nova 34.0.0 and runs '
              'this section' % exc, flush=True)
        return None
    return nova.conf, objects, nova_request


def _monkey_patched():
    """Whether eventlet has patched the standard library by now."""
    patcher = sys.modules.get('eventlet.patcher')
    return patcher is not None and any(
        patcher.is_monkey_patched(name)
        for name in ('socket', 'thread', 'time', 'select', 'os'))


def _best(calls, repeat):
    """Best seconds per call of each ``{name: (func, number)}``.

    The calls take turns, so that a busy moment of the machine weighs on
    all of them alike.
    """
    best = {name: float('inf') for name in calls}
    for _ in range(repeat):
        for name, (func, number) in calls.items():
            best[name] = min(best[name], bench.best_time(func, number, 1))
    return best


def _plain(table):
    """``{name: (numa_policy, [spec dict, ...])}`` of either alias table."""
    return {name: (policy, [dict(spec) for spec in specs])
            for name, (policy, specs) in table.items()}


def _ratio(nova_seconds, our_seconds, goal):
    return nova_seconds / our_seconds, 'x nova/ours (goal >= %dx)' % goal


def bench_parse(conf, nova_request, version, repeat):
    rows = []
    for count in (10, 100, 1000):
        entries = bench.make_entries(count)
        conf.set_override('alias', entries, group='pci')

        def nova_parse():
            nova_request.get_alias_from_config.cache_clear()
            return nova_request.get_alias_from_config()

        if _plain(nova_parse()) != _plain(
                nova_pci_alias.parse_aliases(entries)):
            print('note: nova and nova_pci_alias read the %d aliases '
                  'differently' % count, flush=True)
        best = _best({
            'nova': (nova_parse, max(1, 100 // count)),
            'ours': (lambda: nova_pci_alias.parse_aliases(entries),
                     max(1, 2000 // count)),
        }, repeat)
        rows += [
            ('parse %d aliases: nova %s' % (count, version),
             best['nova'] * 1e3, 'ms', None, None),
            ('parse %d aliases: nova_pci_alias' % count,
             best['ours'] * 1e3, 'ms')
            + _ratio(best['nova'], best['ours'], PARSE_GOAL),
        ]
    return rows


def _config_registry(entries):
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[], default_config_dirs=[])
    opts.register_opts(conf)
    conf.set_override('sources', ['config'], group='pci_alias')
    reg = registry.AliasRegistry.from_config(conf)
    conf.set_override('alias', entries, group='pci')
    return reg


def bench_translate(conf, objects, nova_request, version, repeat):
    entries = bench.make_entries(100)
    conf.set_override('alias', entries, group='pci')
    nova_request.get_alias_from_config.cache_clear()
    nova_request.get_alias_from_config()
    flavor = objects.Flavor(extra_specs={'pci_passthrough:alias': SPEC})
    table = nova_pci_alias.parse_aliases(entries)
    reg = _config_registry(entries)
    reg.get_table()

    def uncached():
        request._parse_alias_spec.cache_clear()
        return request.translate_alias_to_requests(SPEC, aliases=table)

    best = _best({
        'nova': (lambda: nova_request.get_pci_requests_from_flavor(flavor),
                 2000),
        'table': (lambda: request.translate_alias_to_requests(
            SPEC, aliases=table), 20000),
        'uncached': (uncached, 20000),
        'registry': (lambda: request.translate_alias_to_requests(
            SPEC, aliases=reg.get_table()), 20000),
    }, repeat)
    label = 'translate 2-alias spec, 100 aliases: '
    rows = [(label + 'nova %s' % version, best['nova'] * 1e6, 'us/call',
             None, None)]
    for name, what in (('table', 'table given'),
                       ('uncached', 'spec cache cleared'),
                       ('registry', 'config registry')):
        rows.append((label + 'nova_pci_alias, %s' % what,
                     best[name] * 1e6, 'us/call')
                    + _ratio(best['nova'], best[name], TRANSLATE_GOAL))
    return rows


def rows(repeat):
    """Return the rows to print: (label, value, unit, extra, extra_unit)."""
    imported = _import_nova()
    if imported is None:
        return []
    nova_conf, objects, nova_request = imported
    if _monkey_patched():
        print('note: eventlet has monkey-patched the standard library; '
              'the figures below are taken under it', flush=True)
    version = importlib.metadata.version('nova')
    # Nova reads [pci] alias from its global configuration object; it is
    # parsed here with no argument, file or directory (a nova.conf on this
    # machine must not change Nova's figures), and cleared again at the end.
    # Our figures read no global configuration.
    conf = nova_conf.CONF
    conf([], project='nova', default_config_files=[],
         default_config_dirs=[])
    objects.register_all()
    try:
        return (bench_parse(conf, nova_request, version, repeat)
                + bench_translate(conf, objects, nova_request, version,
                                  repeat))
    finally:
        conf.clear_override('alias', group='pci')
        nova_request.get_alias_from_config.cache_clear()
        conf.clear()
