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

"""An oslo.config source driver that gives Nova its ``[pci] alias`` values.

oslo.config lets a package supply option values from somewhere other than
the configuration files: a driver in the ``oslo.config.driver`` entry point
namespace, enabled by naming a group in ``[DEFAULT] config_source`` and the
driver in that group.  This module is the ``nova_pci_alias`` driver.  With
these lines in ``nova.conf``, an unpatched Nova reads its ``[pci] alias``
values from this package's alias sources::

    [DEFAULT]
    config_source = pci_alias_driver

    [pci_alias_driver]
    driver = nova_pci_alias
    sources = database

    [pci_alias_database]
    connection = mysql+pymysql://nova:secret@db.example.org/nova_pci_alias

(that is a controller's configuration: compute nodes read the ``remote``
source instead, and hold no database credentials).

The source answers ``[pci] alias`` and nothing else: the JSON text of each
entry of the merged, validated table of the sources listed, in order.  Every
other option gets "no value", so oslo.config goes on to its default.

Nothing is read while oslo.config opens the source (Nova's logging is not
set up yet at that point, and oslo.config would swallow an error and carry
on with no aliases).  The sources are read the first time Nova asks for
``[pci] alias``, which Nova's API and compute services do while starting.
A source that cannot be read, or an invalid table, is logged and raised
from that lookup, so the service fails to start with the error in its log
rather than running without aliases.  Inside a Nova process the error is
an instance of Nova's own exception class as well as of this package's
(see :mod:`nova_pci_alias.nova_compat`), so that Nova handles it as its
own: its API answers 400 for an invalid table.

Values set in the configuration files or the environment take precedence
over any oslo.config source, so ``[pci] alias`` lines left in ``nova.conf``
hide this driver's aliases; that is logged as a warning when the source is
opened.
"""

import copy
import threading

from oslo_config import cfg
from oslo_config import sources as oslo_sources
from oslo_log import log as logging

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import live_refresh
from nova_pci_alias import nova_compat
from nova_pci_alias import opts
from nova_pci_alias import outage
from nova_pci_alias import registry

LOG = logging.getLogger(__name__)

#: The option this driver answers, as ``(group, name)``.
ALIAS_OPTION = ('pci', 'alias')

#: How the location of the values this driver answers begins
#: (:meth:`oslo_config.cfg.ConfigOpts.get_location`).
LOCATION_PREFIX = 'nova_pci_alias sources'


def list_opts():
    """Return the driver's own options, for documentation and samples."""
    return copy.deepcopy(opts.config_driver_opts)


class AliasConfigurationSource(oslo_sources.ConfigurationSource):
    """Answers ``[pci] alias`` from the alias sources of one driver group.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` the source serves,
        which also holds the alias sources' own options.
    :param group_name: the group naming this driver, whose ``sources``
        option lists the alias sources.
    """

    def __init__(self, conf, group_name):
        self._conf = conf
        self._group_name = group_name
        self._registry = None
        # (table, option values) that Nova is given: the first table loaded,
        # and with live refresh each new valid table after it.
        self._serving = None
        self._live = None
        self._lock = threading.Lock()
        self._busy = threading.local()
        self._supplying = outage.Outage(
            LOG, 'nova_pci_alias could not supply [pci] alias from the '
            'sources in [%(group)s]; Nova cannot use PCI aliases until this '
            'is fixed: %(error)s',
            recovery='nova_pci_alias supplies [pci] alias from the sources '
            'in [%(group)s] again: %(count)d aliases.', each_reason=True)

    def get(self, group_name, option_name, opt):
        """Return the value of ``[pci] alias``; "no value" for the rest.

        Inside a Nova process each error is also an instance of Nova's
        class of the same name (see :mod:`nova_pci_alias.nova_compat`).

        :raises nova_pci_alias.exception.PciInvalidAlias: the merged table
            is invalid.
        :raises nova_pci_alias.exception.AliasSourceError: a source could
            not be read, or this group's ``sources`` cannot be used
            (:class:`~nova_pci_alias.exception.AliasSourcesMisconfigured`,
            as :meth:`nova_pci_alias.registry.AliasRegistry.from_config`
            decides).
        :raises nova_pci_alias.exception.AliasSourceNotFound: a source
            listed is not installed.
        """
        if (group_name, option_name) != ALIAS_OPTION:
            # oslo.config has no public name for "no value" (none up to
            # 10.7): the contract of ConfigurationSource.get names this one.
            return oslo_sources._NoValue, None
        try:
            table, values = self._guarded_table()
        except exception.NovaPciAliasException as exc:
            raise nova_compat.as_nova_error(exc) from exc.__cause__
        return list(values), self._location()

    def _location(self):
        return cfg.LocationInfo(
            cfg.Locations.user,
            '%s %s ([%s])' % (LOCATION_PREFIX,
                              ', '.join(self._registry.source_names),
                              self._group_name))

    def answers(self, location):
        """Whether a :class:`~oslo_config.cfg.LocationInfo` is ours."""
        return (location.location is cfg.Locations.user
                and location.detail == self._location().detail)

    @property
    def live_refresh(self):
        """This source's live refresh, or None.

        A :class:`~nova_pci_alias.live_refresh.LiveRefresh`; None when live
        refresh is off, or not supported in this process.
        """
        return self._live

    def _guarded_table(self):
        """The table, refusing a source that asks for [pci] alias itself."""
        if getattr(self._busy, 'active', False):
            raise exception.AliasSourceError(
                source=', '.join(self._source_names()),
                reason='a source asked for [pci] alias while this driver '
                       'was answering it; only sources that do not read '
                       '[pci] alias can be listed in [%s] sources'
                       % self._group_name)
        self._busy.active = True
        try:
            return self._table()
        finally:
            self._busy.active = False

    def _source_names(self):
        return list(self._conf[self._group_name].sources)

    def _table(self):
        tried = outage.attempt(self._load,
                               errors=exception.NovaPciAliasException)
        if tried.error is not None:
            self._supplying.failed(tried.error, group=self._group_name)
            raise tried.error
        serving = tried.value
        self._supplying.succeeded(group=self._group_name,
                                  count=len(serving[0]))
        return serving

    def _load(self):
        """Return what Nova is given: the table and its values.

        That is the first table loaded, until live refresh hands over
        another.  Without live refresh the sources are not read again once
        a table has loaded: Nova parses ``[pci] alias`` once, and a value
        that changed behind its back (after ``reload_config_files()``, say)
        would only be seen by code that reads the option itself.
        """
        serving = self._serving
        if serving is not None:
            return serving
        with self._lock:
            if self._registry is None:
                self._registry = self._build_registry()
            if self._serving is None:
                self.serve(self._registry.get_table())
                self._start_live_refresh()
            return self._serving

    def serve(self, table):
        """Answer ``table`` for ``[pci] alias`` from now on.

        :returns: the ``[pci] alias`` values of ``table``.
        """
        values = [document.option_value(entry) for entry in table.entries]
        self._serving = (table, values)
        if not table:
            LOG.warning('The nova_pci_alias sources %(sources)s hold no PCI '
                        'alias: Nova gets an empty [pci] alias list.',
                        {'sources': ', '.join(self._registry.source_names)})
        return list(values)

    def served_table(self):
        """The table answered now, or None before one has loaded."""
        serving = self._serving
        return None if serving is None else serving[0]

    def _start_live_refresh(self):
        if not self._conf[self._group_name].live_refresh:
            return
        reason = live_refresh.unsupported_reason(self._conf)
        if reason is not None:
            LOG.warning('[%(group)s] live_refresh is set, but %(reason)s: '
                        'it is off in this process, and a change of PCI '
                        'aliases reaches Nova at its next restart.',
                        {'group': self._group_name, 'reason': reason})
            return
        self._live = live_refresh.LiveRefresh(self._conf, self._registry,
                                              self)
        self._live.start()

    def _build_registry(self):
        return registry.AliasRegistry.from_config(self._conf,
                                                  group=self._group_name)


def _set_in_files(conf):
    """Whether ``[pci] alias`` has a value that hides this driver's."""
    try:
        location = conf.get_location(ALIAS_OPTION[1], ALIAS_OPTION[0])
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        return False
    return location is not None and location.location in (
        cfg.Locations.user, cfg.Locations.command_line,
        cfg.Locations.environment)


class AliasSourceDriver(oslo_sources.ConfigurationSourceDriver):
    """Supplies ``[pci] alias`` from nova_pci_alias's alias sources.

    The sources (``database``, ``remote`` or a third party's) are listed in
    this group's ``sources`` option and configured in their own groups.
    """

    def list_options_for_discovery(self):
        """Return the options of a group that uses this driver."""
        return list_opts()

    def open_source_from_opt_group(self, conf, group_name):
        """Register the group's options and return the source.

        Nothing is read here; see :class:`AliasConfigurationSource`.
        """
        conf.register_opts(list_opts(), group=group_name)
        if _set_in_files(conf):
            LOG.warning('[pci] alias is set in the configuration files or '
                        'the environment, which take precedence over the '
                        'nova_pci_alias driver of [%s]: its sources are not '
                        'used. Remove the [pci] alias lines to use them.',
                        group_name)
        return AliasConfigurationSource(conf, group_name)
