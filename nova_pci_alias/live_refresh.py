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

"""Live refresh: a new alias table reaches a running Nova process.

With ``live_refresh = true`` in the driver's group, a :class:`LiveRefresh`
makes the driver's registry check its sources on schedule
(:meth:`nova_pci_alias.registry.AliasRegistry.keep_checking`: one daemon
thread per process, a green thread where eventlet has patched
``threading``), every ``[pci_alias] refresh_interval`` seconds, and at once
when the configuration is mutated (``SIGHUP`` under oslo.service's
eventlet backend calls oslo.config's mutate hooks).  After each check,
when the table changed and is valid, it hands it over, in the check's
thread:

#. the driver's source serves the new table from then on, and oslo.config
   answers it for ``[pci] alias`` (:mod:`nova_pci_alias.nova_caches` says
   how, and why);
#. Nova's parsed aliases are dropped, and Nova parses the new value at
   once, off any request's path.  When Nova refuses it, the previous table
   is put back, one ERROR is logged, and that table is not offered again;
   when Nova's alias names do not follow, or ``[pci] alias`` now comes
   from somewhere else than the driver, live refresh stops with a
   WARNING.

An invalid table never gets that far: the registry keeps the last good one
and logs the failure once per outage, and its recovery.

The registry starts its thread again in a forked child, uWSGI's workers
included (:mod:`nova_pci_alias.forks`).  A uWSGI that runs without Python
threads (older uWSGI without ``enable-threads``) cannot run the checks at
all: that is reported as unsupported.
"""

import sys
import threading
import weakref

from oslo_config import cfg
from oslo_log import log as logging

from nova_pci_alias import nova_caches
from nova_pci_alias import outage

LOG = logging.getLogger(__name__)

#: The live refreshes of this process.
_STARTED: weakref.WeakSet = weakref.WeakSet()


def active():
    """The live refreshes started in this process and not stopped.

    For tests, benchmarks and health checks: each is a
    :class:`LiveRefresh` (see :attr:`LiveRefresh.running`).
    """
    return [refresh for refresh in list(_STARTED) if not refresh._stopped]


def unsupported_reason(conf):
    """Why live refresh cannot work in this process, or None when it can."""
    uwsgi = sys.modules.get('uwsgi')
    if uwsgi is not None and not getattr(uwsgi, 'has_threads', True):
        return ('uWSGI runs this application without Python threads; set '
                '"enable-threads = true" in its configuration')
    return nova_caches.unsupported_reason(conf)


class LiveRefresh:
    """Hands Nova each new valid table that the registry's checks find.

    :param conf: the :class:`~oslo_config.cfg.ConfigOpts` the source
        serves (Nova's), with ``[pci_alias] refresh_interval``.
    :param registry: the source's
        :class:`~nova_pci_alias.registry.AliasRegistry`, whose checks on
        schedule (:meth:`~nova_pci_alias.registry.AliasRegistry.
        keep_checking`) this starts.
    :param source: the driver's source, with ``served_table()``,
        ``serve(table)`` (which returns the table's ``[pci] alias``
        values) and ``answers(location)`` (whether a
        :class:`~oslo_config.cfg.LocationInfo` is the source's own).
    """

    def __init__(self, conf, registry, source):
        self._conf = conf
        self._registry = registry
        self._source = source
        self._values_set = None     # what this refresh gave oslo.config
        self._stopped = False
        self._started = False
        self._refused = None        # the last table Nova refused
        self._handing_over = threading.Lock()
        self._refusing = outage.Outage(
            LOG, 'Nova refused the new PCI alias table of %(count)d '
            'aliases; it keeps using the previous table until the sources '
            'change again: %(error)s',
            recovery='Nova accepts the PCI alias table again: %(count)d '
            'aliases.')

    @property
    def running(self):
        """Whether this process checks the sources on schedule."""
        return not self._stopped and self._registry.checking

    def start(self):
        """Check the sources on schedule from now on; once."""
        if self._started or self._stopped:
            return
        self._started = True
        _STARTED.add(self)
        self._conf.register_mutate_hook(self._on_mutate)
        self._registry.on_check(self._on_check)
        self._registry.keep_checking()
        LOG.info('nova_pci_alias live refresh: checking the PCI alias '
                 'sources every %(interval)g seconds; Nova uses a new '
                 'valid table without a restart.',
                 {'interval': self._conf.pci_alias.refresh_interval})

    def stop(self):
        """Stop checking; the table served now stays."""
        self._stopped = True
        self._registry.stop_checking()

    def check_now(self):
        """Start a check at once (as a mutate hook does)."""
        if not self._stopped:
            self._registry.check_soon()

    def _on_mutate(self, conf, fresh):
        LOG.info('nova_pci_alias live refresh: the configuration was '
                 'reloaded; checking the PCI alias sources now.')
        self.check_now()

    def _on_check(self, table):
        if self._stopped:
            return
        tried = outage.attempt(self.offer, table)
        if tried.error is not None:
            # The registry logs the sources' failures and keeps the last
            # good table; this is a failure of the hand-over itself.
            LOG.error('nova_pci_alias live refresh stopped: %s',
                      tried.error)
            self.stop()

    def check_once(self):
        """Check the sources now, in this thread, and offer the table.

        :returns: True when Nova uses a new table now.
        """
        return self.offer(self._registry.check())

    def offer(self, table):
        """Hand ``table`` to Nova unless Nova has it or refused it.

        :returns: True when Nova uses a new table now.
        """
        with self._handing_over:
            old = self._source.served_table()
            if table is old or table is self._refused:
                return False
            return self._hand_over(old, table)

    def _owns_value(self):
        """Whether Nova's ``[pci] alias`` is the driver's, or ours to set."""
        location = nova_caches.alias_location(self._conf)
        if location is None:
            return False
        if location.location is cfg.Locations.set_override:
            return (self._values_set is not None and
                    nova_caches.option_value(self._conf) == self._values_set)
        return self._source.answers(location)

    def _give_to_nova(self, table):
        values = self._source.serve(table)
        nova_caches.set_option_value(self._conf, values)
        self._values_set = nova_caches.option_value(self._conf)
        nova_caches.drop_nova_cache()
        return outage.attempt(nova_caches.nova_alias_names)

    def _hand_over(self, old, table):
        if not self._owns_value():
            location = nova_caches.alias_location(self._conf)
            self._give_up('[pci] alias comes from %s now, not from this '
                          'driver' % (
                              'nowhere' if location is None else
                              location.detail or location.location.name))
            return False
        tried = self._give_to_nova(table)
        if tried.error is not None:
            self._refused = table
            self._give_to_nova(old)
            self._refusing.failed(tried.error, count=len(table))
            return False
        if tried.value is not None and tried.value != set(table):
            self._give_up('Nova\'s aliases did not change after %s.%s() '
                          'was cleared; this Nova keeps them in a way live '
                          'refresh does not know'
                          % (nova_caches.NOVA_MODULE,
                             nova_caches.NOVA_FUNCTION))
            return False
        self._refused = None
        self._refusing.succeeded(count=len(table))
        LOG.info('nova_pci_alias live refresh: Nova uses the new PCI alias '
                 'table from now on: %(count)d aliases (%(entries)d '
                 'entries).',
                 {'count': len(table), 'entries': len(table.entries)})
        return True

    def _give_up(self, reason):
        self.stop()
        LOG.warning('nova_pci_alias live refresh is off in this process: '
                    '%s. Nova keeps the aliases it has; restart the service '
                    'to use a changed table.', reason)
