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
runs one daemon thread per process (a green thread where eventlet has
patched ``threading``).  Every ``[pci_alias] refresh_interval`` seconds, or
at once when the configuration is mutated (``SIGHUP`` under oslo.service's
eventlet backend calls oslo.config's mutate hooks), it checks the driver's
sources with :meth:`nova_pci_alias.registry.AliasRegistry.check`.  When the
table changed and is valid, it hands it over:

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

Threads do not survive a fork: the thread is started again in the child
(:mod:`nova_pci_alias.forks`).  Under uWSGI without ``lazy-apps``, the
application is loaded in the master and the workers are forked from C
without Python's fork handlers; the refresh installs uWSGI's
``post_fork_hook`` (keeping any hook set before) to run them.  A uWSGI
that runs without Python threads (older uWSGI without ``enable-threads``)
cannot run the check at all: that is reported as unsupported.
"""

import os
import sys
import threading
import weakref

from oslo_config import cfg
from oslo_log import log as logging

from nova_pci_alias import forks
from nova_pci_alias import nova_caches
from nova_pci_alias import outage

LOG = logging.getLogger(__name__)

#: The shortest time between two checks, in seconds, whatever
#: ``refresh_interval`` says (0 means "on every lookup" to the registry).
MIN_INTERVAL = 1.0

#: The live refreshes of this process, to start again after a fork.
_RUNNING: weakref.WeakSet = weakref.WeakSet()


def active():
    """The live refreshes started in this process, in no order.

    For tests, benchmarks and health checks: each is a
    :class:`LiveRefresh` (see :attr:`LiveRefresh.running`).
    """
    return [refresh for refresh in list(_RUNNING)
            if refresh._pid == os.getpid() and not refresh._stopped]


def _uwsgi():
    return sys.modules.get('uwsgi')


def unsupported_reason(conf):
    """Why live refresh cannot work in this process, or None when it can."""
    uwsgi = _uwsgi()
    if uwsgi is not None and not getattr(uwsgi, 'has_threads', True):
        return ('uWSGI runs this application without Python threads; set '
                '"enable-threads = true" in its configuration')
    return nova_caches.unsupported_reason(conf)


class LiveRefresh:
    """Checks the sources of one driver source and hands Nova new tables.

    :param conf: the :class:`~oslo_config.cfg.ConfigOpts` the source
        serves (Nova's), with ``[pci_alias] refresh_interval``.
    :param registry: the source's
        :class:`~nova_pci_alias.registry.AliasRegistry`.
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
        self._refused = None        # the last table Nova refused
        self._pid = None
        self._thread = None
        self._wake = threading.Event()
        self._hooked = False
        self._refusing = outage.Outage(
            LOG, 'Nova refused the new PCI alias table of %(count)d '
            'aliases; it keeps using the previous table until the sources '
            'change again: %(error)s',
            recovery='Nova accepts the PCI alias table again: %(count)d '
            'aliases.')

    @property
    def interval(self):
        """Seconds between two checks."""
        return max(MIN_INTERVAL,
                   float(self._conf.pci_alias.refresh_interval))

    @property
    def running(self):
        """Whether this process's check thread is alive."""
        thread = self._thread
        return (not self._stopped and self._pid == os.getpid()
                and thread is not None and thread.is_alive())

    def start(self):
        """Start the check thread of this process, once."""
        if self._stopped or self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._wake = threading.Event()
        if not self._hooked:
            self._hooked = True
            self._conf.register_mutate_hook(self._on_mutate)
            forks.hook_uwsgi()
        _RUNNING.add(self)
        thread = threading.Thread(target=self._run, daemon=True,
                                  name='nova-pci-alias-live-refresh')
        self._thread = thread
        thread.start()
        LOG.info('nova_pci_alias live refresh: checking the PCI alias '
                 'sources every %(interval)g seconds; Nova uses a new '
                 'valid table without a restart.',
                 {'interval': self.interval})

    def stop(self):
        """Stop checking; the table served now stays."""
        self._stopped = True
        _RUNNING.discard(self)
        self._wake.set()

    def check_now(self):
        """Make the thread check at once (as a mutate hook does)."""
        self._wake.set()

    def _on_mutate(self, conf, fresh):
        LOG.info('nova_pci_alias live refresh: the configuration was '
                 'reloaded; checking the PCI alias sources now.')
        self.check_now()

    def _run(self):
        pid = self._pid
        while not self._stopped and self._pid == pid:
            wake = self._wake
            wake.wait(self.interval)
            wake.clear()
            if self._stopped:
                return
            tried = outage.attempt(self.check_once)
            if tried.error is not None:
                # check() keeps the last good table and logs the sources'
                # failures; this is a failure of the hand-over itself.
                LOG.error('nova_pci_alias live refresh stopped: %s',
                          tried.error)
                self.stop()

    def check_once(self):
        """Check the sources and hand a new valid table to Nova.

        :returns: True when Nova uses a new table now.
        """
        table = self._registry.check()
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


@forks.in_child_after_fork
def _after_fork_in_child():
    # The parent's check thread does not exist here: start this process's.
    for refresh in list(_RUNNING):
        if refresh._pid is not None and not refresh._stopped:
            refresh.start()
