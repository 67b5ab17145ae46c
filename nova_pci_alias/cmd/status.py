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

"""``nova-pci-alias-status``: is this node's alias configuration ready?

::

    nova-pci-alias-status [--config-file F] upgrade check [--json]

The checks are those of :mod:`nova_pci_alias.upgrade_checks`, run by
oslo.upgradecheck, which prints their table (or JSON) and gives the exit
code every OpenStack ``*-status`` command gives: 0 every check succeeded,
1 a warning and no failure, 2 a failure, 255 a check could not run.  The
configuration is read as the other tools read it: ``nova.conf`` from the
usual places unless ``--config-file`` is given, ``[pci_alias] sources`` or
the sources of the driver's group.  ``--help`` and ``--version`` are
oslo.config's, as for the other tools; a command line it refuses ends with
argparse's code 2.
"""

import logging as py_logging
import sys

from oslo_config import cfg
from oslo_log import log as logging
from oslo_upgradecheck import upgradecheck

from nova_pci_alias.cmd import common
from nova_pci_alias import opts
from nova_pci_alias.sources import config as config_source
from nova_pci_alias import upgrade_checks

PROG = 'nova-pci-alias-status'

#: The exit codes, as oslo.upgradecheck gives them.
EXIT_CODES = {
    int(upgradecheck.Code.SUCCESS): 'every check succeeded',
    int(upgradecheck.Code.WARNING): 'at least one check warns, none fails',
    int(upgradecheck.Code.FAILURE): 'at least one check fails (2 is also '
                                    'a command line that is refused)',
    255: 'a check could not run, or the configuration cannot be read',
}

DESCRIPTION = (
    'Check that the PCI alias configuration of this node is ready for Nova '
    'and for an upgrade: the alias database schema, the sources and the '
    'table they give, [pci] alias lines that would hide the nova_pci_alias '
    'driver, readiness for PCI in Placement, and the remote source\'s '
    'cache file. It reads nova.conf from the usual places unless '
    '--config-file is given.')

#: What a configuration that cannot be read ends with.
EXIT_ERROR = 255


def epilog():
    """The exit codes paragraph of ``--help``."""
    return 'Exit codes: %s.' % '; '.join(
        '%d %s' % item for item in sorted(EXIT_CODES.items()))


def register(conf, checks):
    """Register the command line and the options the checks read."""
    upgradecheck.register_cli_options(conf, checks)
    opts.register_opts(conf)
    opts.register_nova_opts(conf)
    try:
        # As Nova registers it, so that the driver sees [pci] alias lines.
        conf.register_opt(config_source.alias_opt,
                          group=config_source.GROUP)
    except cfg.DuplicateOptError:
        pass
    logging.register_options(conf)


def main(argv=None, conf=None):
    """Run the command; return its exit code.

    :param argv: the arguments, without the program name;
        ``sys.argv[1:]`` when None.
    :param conf: the :class:`oslo_config.cfg.ConfigOpts` to use; a new one
        when None.
    """
    conf = cfg.ConfigOpts() if conf is None else conf
    checks = upgrade_checks.AliasUpgradeChecks(conf)
    register(conf, checks)
    try:
        conf(sys.argv[1:] if argv is None else argv, project='nova',
             prog=PROG, version='%(prog)s ' + common.version(),
             description=DESCRIPTION, epilog=epilog())
    except cfg.Error as exc:
        common.report(sys.stderr, PROG, exc)
        return EXIT_ERROR
    except SystemExit as exc:
        # --help and --version (0), or argparse refusing the command line.
        return 0 if not exc.code else int(upgradecheck.Code.FAILURE)
    logging.setup(conf, PROG)
    if not conf.debug:
        # alembic says which dialect it uses: the table says all a user
        # needs.
        py_logging.getLogger('alembic').setLevel(py_logging.WARNING)
    # What oslo.upgradecheck's own main() sets: check() finds --json there.
    upgradecheck.CONF = conf
    return upgradecheck.run(conf)


if __name__ == '__main__':
    sys.exit(main())
