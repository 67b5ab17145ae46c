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

"""The ``[pci_alias]`` options, and ``list_opts()`` for the generator.

Options of the registry live here, in ``[pci_alias]``, beside the options of
a group that uses this package's oslo.config driver (its name is the
deployer's choice; the sample calls it ``[pci_alias_driver]``).  Every
other options module lists its own options: the alias service's,
:mod:`nova_pci_alias.service.options`, through an ``oslo.config.opts``
entry point of its own; each alias source's through
:meth:`nova_pci_alias.sources.AliasSource.list_opts`, which :func:`list_opts`
collects from every installed source (so that a source needs one entry
point, in ``nova_pci_alias.sources``, to appear in the sample).

Which sources a configuration names is decided in one place,
:meth:`nova_pci_alias.registry.AliasRegistry.from_config`.
"""

from __future__ import annotations

from collections.abc import Sequence

from oslo_config import cfg
import stevedore

from nova_pci_alias import optgroups
from nova_pci_alias import sources

GROUP = 'pci_alias'

registry_opts = [
    cfg.ListOpt(
        'sources',
        default=['config'],
        help='The alias sources to read, in order of precedence: when two '
             'sources define the same alias name, the first one listed '
             'owns it and the other definition is ignored (and logged). '
             'Each name is a plugin in the "nova_pci_alias.sources" '
             'namespace; this package ships "config", "database" and '
             '"remote".'),
    cfg.IntOpt(
        'refresh_interval',
        default=60,
        min=0,
        help='Seconds between checks of the sources for changes. A check '
             'runs in a background thread, one at a time: once the table '
             'has loaded, a lookup never waits for a source. A source is '
             'read again only when its change token differs; a source that '
             'offers no token is read again at each check. A check starts '
             'on the first lookup after it is due; in the alias service, '
             'and in a Nova service with the driver\'s live_refresh, on '
             'schedule. 0 checks on every lookup that finds no check '
             'running (at most once a second on schedule). A failed check '
             'keeps the last good table.'),
    cfg.BoolOpt(
        'pci_in_placement',
        default=False,
        help='Validate aliases with the rules of PCI in Placement: one '
             'spec per alias, and a resource_class may stand in for '
             'vendor_id and product_id. The rules also apply when Nova\'s '
             '[filter_scheduler] pci_in_placement is true, which this '
             'package reads from the same configuration files, so setting '
             'Nova\'s option is enough.'),
]

_GROUP = optgroups.OptionGroup(
    GROUP,
    title='PCI alias sources',
    help='Where PCI alias definitions come from, and how often they are '
         'checked for changes.',
    opts=registry_opts)


#: Nova's own switch for PCI in Placement.  Inside Nova, Nova registers it;
#: this package's tools register it on their own configuration with
#: :func:`register_nova_opts`, so that its value in nova.conf is seen.
NOVA_PLACEMENT_GROUP = 'filter_scheduler'
nova_placement_opt = cfg.BoolOpt(
    'pci_in_placement',
    default=False,
    help='Nova\'s option: whether PCI devices are tracked in Placement. '
         'Read here only to validate aliases with the same rules as Nova.')

#: The name of this package's oslo.config source driver.
CONFIG_DRIVER = 'nova_pci_alias'

#: The group name the documentation and the sample use for the driver; a
#: deployer may choose any name listed in ``[DEFAULT] config_source``.  Not
#: ``pci_aliases``, which was too close to ``[pci_alias]``.
SAMPLE_DRIVER_GROUP = 'pci_alias_driver'

config_driver_opts = [
    cfg.ListOpt(
        'sources',
        default=['database'],
        help='The nova_pci_alias sources that supply [pci] alias when this '
             'group uses the nova_pci_alias oslo.config driver, in order of '
             'precedence, as in [pci_alias] sources. Each source reads its '
             'own group ([pci_alias_database], [pci_alias_remote], ...) of '
             'the same configuration. The "config" source cannot be listed '
             'here: it reads [pci] alias, the option the driver answers. '
             'When [pci_alias] sources is not set, this package\'s tools '
             'read these sources too, so that they see what Nova sees.'),
    cfg.BoolOpt(
        'live_refresh',
        default=False,
        help='Let a change of the alias table reach this Nova process '
             'without a restart. A background thread (a green thread under '
             'eventlet) checks the sources every [pci_alias] '
             'refresh_interval seconds, and at once when the service '
             'reloads its configuration (SIGHUP under the eventlet '
             'backend); a new valid table replaces the one Nova parsed at '
             'start-up, and an invalid one is logged and never used. The '
             'costs: each process reads its sources every interval (a '
             'change token query, or a conditional GET), and processes '
             'follow a change at different moments (within one interval on '
             'the database; on the alias service, within this interval plus '
             'the service\'s own and the document\'s max-age), so nova-api '
             'and nova-compute may briefly disagree. Off: Nova keeps the '
             'table it read at start-up until it restarts. Where the '
             'running Nova or '
             'oslo.config lacks what this needs, one warning is logged at '
             'start-up and the option has no effect.'),
]

_DRIVER_GROUP = optgroups.OptionGroup(
    SAMPLE_DRIVER_GROUP,
    title='Nova\'s [pci] alias from nova_pci_alias',
    help='Enables the nova_pci_alias oslo.config source driver, which '
         'gives an unpatched Nova its [pci] alias values from the alias '
         'sources listed here. Name this group in [DEFAULT] '
         'config_source (any group name will do) and set its driver to '
         '"nova_pci_alias".',
    opts=[cfg.StrOpt(
        'driver',
        sample_default=CONFIG_DRIVER,
        help='The oslo.config source driver of this group; '
             '"nova_pci_alias" to read [pci] alias from the sources '
             'below.'), *config_driver_opts])


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register the registry's options, ``[pci_alias]``, on ``conf``."""
    _GROUP.register(conf)


def register_nova_opts(conf: cfg.ConfigOpts) -> None:
    """Register the Nova options this package reads, unless registered.

    For the tools' own configurations only: on Nova's configuration, Nova
    registers its options itself, and an earlier registration of a
    different definition would make Nova's fail.
    """
    try:
        conf.register_opt(nova_placement_opt, group=NOVA_PLACEMENT_GROUP)
    except cfg.DuplicateOptError:
        pass   # Nova's own definition


def pci_in_placement(conf: cfg.ConfigOpts) -> bool:
    """Whether the rules of PCI in Placement apply.

    They do when ``[pci_alias] pci_in_placement`` or Nova's
    ``[filter_scheduler] pci_in_placement`` is true.
    """
    if conf.pci_alias.pci_in_placement:
        return True
    try:
        return bool(conf[NOVA_PLACEMENT_GROUP].pci_in_placement)
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        return False


def driver_groups(conf: cfg.ConfigOpts) -> list[str]:
    """The groups of ``[DEFAULT] config_source`` that use our driver."""
    groups = []
    for group in conf.config_source:
        try:
            driver = conf[group].driver
        except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
            continue
        if driver == CONFIG_DRIVER:
            groups.append(group)
    return groups


def sources_set(conf: cfg.ConfigOpts) -> bool:
    """Whether ``[pci_alias] sources`` is set, rather than at its default.

    Set in a configuration file, the environment, the command line or by
    an override; the option's default (``config``) does not count.
    """
    location = conf.get_location('sources', GROUP)
    return location is not None and location.location not in (
        cfg.Locations.opt_default, cfg.Locations.set_default)


def list_opts() -> list[tuple[cfg.OptGroup | str, Sequence[cfg.Opt]]]:
    """Return the options of ``[pci_alias]``, the driver and the sources.

    The ``nova_pci_alias`` entry point of the ``oslo.config.opts``
    namespace, for ``oslo-config-generator``: ``[pci_alias]``, the sample
    driver group (:data:`SAMPLE_DRIVER_GROUP`), then the options of every
    installed alias source, by source name.
    """
    result: list[tuple[cfg.OptGroup | str, Sequence[cfg.Opt]]] = [
        *_GROUP.list_opts(), *_DRIVER_GROUP.list_opts()]
    manager: stevedore.ExtensionManager[sources.AliasSource] = (
        stevedore.ExtensionManager(sources.NAMESPACE))
    for name in sorted(manager.names()):
        result.extend(manager[name].plugin.list_opts())
    return result
