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

"""``nova-pci-alias``: inspect and try out the configured alias table.

Sub-commands::

    nova-pci-alias [--config-file F] list
    nova-pci-alias [--config-file F] show NAME
    nova-pci-alias [--config-file F] translate SPEC [--affinity-policy P]
    nova-pci-alias [--config-file F] validate [--allow-empty]

Exit codes: those of :data:`nova_pci_alias.cmd.common.EXIT_CODES`.  For
``validate``, 2 is also "no configuration file was read, or no alias source
is configured", and 7 "the configured sources give an empty table" (unless
``--allow-empty``).
"""

import glob
import os
import sys

from oslo_config import cfg
from oslo_serialization import jsonutils

from nova_pci_alias import alias
from nova_pci_alias.cmd import common
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import registry as registry_mod
from nova_pci_alias import request

PROG = 'nova-pci-alias'


def _dump(value):
    return jsonutils.dumps(value, indent=2, sort_keys=True)


def _plain(alias_):
    return {'numa_policy': alias_.numa_policy,
            'specs': [dict(spec) for spec in alias_.specs]}


def do_list(conf, table, out, err):
    for name in table:
        numa_policy, specs = table[name]
        out.write('%s\t%s\t%s\n' % (
            name, numa_policy,
            jsonutils.dumps([dict(s) for s in specs], sort_keys=True)))


def do_show(conf, table, out, err):
    name = conf.command.alias_name
    if name not in table:
        raise exception.PciRequestAliasNotDefined(alias=name)
    out.write(_dump(dict(name=name, **_plain(table[name]))) + '\n')


def do_translate(conf, table, out, err):
    requests = request.translate_alias_to_requests(
        conf.command.alias_spec, conf.command.affinity_policy,
        aliases=table)
    out.write(_dump(requests) + '\n')


def files_read(conf):
    """The configuration files ``conf`` was read from, in order.

    The files found or given with ``--config-file``, then the ``*.conf``
    files of each ``--config-dir``, as oslo.config reads them.
    """
    files = list(conf.config_file or ())
    dirs = conf.config_dir
    for directory in [dirs] if isinstance(dirs, str) else (dirs or ()):
        files.extend(sorted(glob.glob(os.path.join(directory, '*.conf'))))
    return files


def check_files_read(conf):
    """Refuse to validate a configuration that no file was read for."""
    if not files_read(conf):
        raise exception.NoAliasSource(
            'no configuration file was read: none was found in the default '
            'locations (nova.conf or %s.conf in ~/.nova/, ~/, /etc/nova/, '
            '/etc/); give one with --config-file' % PROG)


def _sources_configured(conf):
    """Whether the configuration names its alias sources itself.

    As :meth:`~nova_pci_alias.registry.AliasRegistry.from_config` decides:
    ``[pci_alias] sources`` set, or a ``[DEFAULT] config_source`` group
    that uses the nova_pci_alias driver.  Otherwise the default,
    ``config``, is read.
    """
    return opts.sources_set(conf) or bool(opts.driver_groups(conf))


def do_validate(conf, table, out, err):
    files = ', '.join(files_read(conf))
    sources = ', '.join(registry_mod.configured_source_names(conf))
    if not len(table):
        if not _sources_configured(conf):
            raise exception.NoAliasSource(
                files=files,
                reason='[pci_alias] sources is not set, no group of '
                       '[DEFAULT] config_source uses the %s driver, and '
                       '[pci] alias (read by the default source, config) '
                       'has no value' % opts.CONFIG_DRIVER)
        if not conf.command.allow_empty:
            raise exception.EmptyAliasTable(sources=sources, files=files)
        common.warn(err, PROG, 'the alias table is empty: 0 aliases from '
                    'sources %s (allowed by --allow-empty)' % sources)
    out.write('OK: %d aliases (%d entries) from sources %s; configuration '
              'files: %s\n' % (len(table), len(table.entries), sources,
                               files))


def _add_parsers(subparsers):
    parser = subparsers.add_parser(
        'list', help='List every alias: name, NUMA policy and specs.')
    parser.set_defaults(func=do_list)

    parser = subparsers.add_parser('show', help='Show one alias as JSON.')
    parser.add_argument('alias_name', metavar='NAME',
                        help='The alias name.')
    parser.set_defaults(func=do_show)

    parser = subparsers.add_parser(
        'translate',
        help='Print the PCI requests of a pci_passthrough:alias value as '
             'JSON.')
    parser.add_argument('alias_spec', metavar='SPEC',
                        help='The extra spec value, e.g. "gpu:2,nic:1".')
    parser.add_argument('--affinity-policy', dest='affinity_policy',
                        choices=alias.NUMA_POLICIES,
                        help='A NUMA policy that overrides each alias\'s '
                             'own, as a flavor or image may.')
    parser.set_defaults(func=do_translate)

    parser = subparsers.add_parser(
        'validate',
        help='Read every configured source and validate the merged table; '
             'exit 0 when it is valid and not empty.')
    parser.add_argument('--allow-empty', dest='allow_empty',
                        action='store_true',
                        help='Accept a valid but empty alias table (a '
                             'cloud without PCI aliases): warn and exit 0 '
                             'instead of exiting 7.')
    parser.set_defaults(func=do_validate, precheck=check_files_read)


command_opt = cfg.SubCommandOpt('command', title='Commands',
                                handler=_add_parsers,
                                help='What to do.')


def _register(conf):
    conf.register_cli_opt(command_opt)
    opts.register_nova_opts(conf)


def _run(conf, out, err):
    precheck = getattr(conf.command, 'precheck', None)
    if precheck is not None:
        precheck(conf)
    # It exits once it has the table: nothing to show in the fleet view.
    table = registry_mod.AliasRegistry.from_config(
        conf, reporting=False).get_table()
    conf.command.func(conf, table, out, err)


COMMAND = common.Command(
    prog=PROG,
    description='Inspect the PCI alias table that the configured alias '
                'sources give, as a Nova service on this node would read '
                'it: list the aliases, show one, translate a flavor\'s '
                'pci_passthrough:alias extra spec into PCI requests, or '
                'validate the whole configuration. It reads nova.conf from '
                'the usual places unless --config-file is given.',
    exit_codes=common.TABLE_EXIT_CODES,
    register=_register,
    action=_run)


#: The console script: ``main(argv=None, conf=None, out=None, err=None)``
#: returns the exit code (see :func:`common.run`).
main = COMMAND.main


if __name__ == '__main__':
    sys.exit(main())
