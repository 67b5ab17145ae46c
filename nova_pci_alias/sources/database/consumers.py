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

"""The fleet view: each process reading the database reports what it holds.

After every check of its sources the registry hands the ``database``
source its :class:`~nova_pci_alias.registry.RegistryStatus` and the
revision of the table it serves; a :class:`Reporter` turns that into the
process's row of ``pci_alias_consumers`` (host, program name, process id,
revision held, when it was loaded, when the database was last checked, the
last error), which ``nova-pci-alias-manage status`` lists.

The row is written at once when what it says changes (the revision held,
an error appearing, changing or clearing), and otherwise at most once per
``[pci_alias_database] report_interval`` (0 turns reporting off): one
UPDATE statement per interval per process; the first report of a process
INSERTs its row instead and deletes the rows of processes silent for longer
than ``consumer_expiry``.

Reporting never gets in the way of serving aliases: a report that fails
raises nothing, is logged once per outage (a WARNING, and an INFO line
when reports work again), and is tried again at the next check.
"""

import collections
import datetime
import functools
import os
import socket
import threading

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_pci_alias import client_report
from nova_pci_alias import outage
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries

LOG = logging.getLogger(__name__)

#: The program name reported when ``sys.argv`` does not give one.
UNKNOWN_SERVICE = client_report.UNKNOWN_SERVICE

#: The name of the running program, as ``nova-compute``: what a remote
#: client reports too.
service_name = client_report.service_name

#: An error's text cut to fit ``last_error``; None stays None.
short_error = client_report.short_error


def utc(seconds):
    """Seconds since the epoch as a naive UTC datetime; None stays None."""
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(
        seconds, datetime.timezone.utc).replace(tzinfo=None)


class Throttle:
    """When a row of the fleet view is due, for one or many processes.

    The one rule of the fleet view's writes: a row is due at once when
    what it says changes (the ``state`` compared: the revision or ETag
    held, the last error), and otherwise once ``[pci_alias_database]
    report_interval`` has passed since it was last written.  The
    database's :class:`Reporter` keeps one key (its process); the alias
    service keeps one per remote client, at most ``size`` of them (the
    oldest written is forgotten first: it is then due again).

    Not thread-safe: callers serialise their calls.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` holding the
        ``[pci_alias_database]`` options.
    :param size: the most keys remembered.
    """

    def __init__(self, conf, size=1):
        self.conf = conf
        self._size = size
        # key -> (state, when written); oldest written first.
        self._written = collections.OrderedDict()

    @property
    def enabled(self):
        """False when ``report_interval`` is 0: no row is ever due."""
        return bool(self.conf[options.GROUP].report_interval)

    def due(self, key, state, now):
        """Whether the row of ``key`` should be written now.

        :param key: what the row is of (a process).
        :param state: what the row would say that matters (hashable).
        :param now: the time, as :func:`oslo_utils.timeutils.utcnow`.
        """
        if not self.enabled:
            return False
        written = self._written.get(key)
        if written is None or written[0] != state:
            return True
        interval = self.conf[options.GROUP].report_interval
        return now - written[1] >= datetime.timedelta(seconds=interval)

    def written(self, key, state, now):
        """Remember that the row of ``key`` says ``state`` since ``now``."""
        self._written.pop(key, None)
        self._written[key] = (state, now)
        while len(self._written) > self._size:
            self._written.popitem(last=False)

    def forget(self, key=None):
        """Make the row of ``key`` (of every key by default) due again."""
        if key is None:
            self._written.clear()
        else:
            self._written.pop(key, None)


class Reporter:
    """Writes the row of this process, throttled.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` holding the
        ``[pci_alias_database]`` options.
    """

    def __init__(self, conf):
        self.conf = conf
        self._pid = None
        self._throttle = Throttle(conf)
        self._lock = threading.Lock()
        self._failing = outage.Outage(
            LOG, 'Reporting the PCI alias table this process holds to the '
            'alias database failed; aliases are served as before, and the '
            'report is tried again at the next check: %(error)s',
            recovery='Reporting the PCI alias table this process holds to '
            'the alias database works again.', level=logging.WARNING)

    def report(self, status, revision):
        """Write this process's row if it is due; never raise.

        :param status: the registry's
            :class:`~nova_pci_alias.registry.RegistryStatus`.
        :param revision: the revision of the table served, None before a
            first load.
        :returns: True when the row was written.
        """
        group = self.conf[options.GROUP]
        if not self._throttle.enabled:
            return False
        if os.getpid() != self._pid:
            # A new process (or a child forked from the last one, whose
            # lock may have been held at the fork): it has no row yet.
            self._pid = os.getpid()
            self._throttle.forget()
            self._lock = threading.Lock()
        # One report at a time, and no caller waits for another: a report
        # skipped here is written after the next check, which finds the
        # row out of date.
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return self._report(status, revision, group)
        finally:
            self._lock.release()

    def _report(self, status, revision, group):
        error = short_error(status.last_error)
        state = (revision, error)
        now = timeutils.utcnow()
        if not self._throttle.due(self._pid, state, now):
            return False
        tried = outage.attempt(functools.partial(
            queries.report_consumer, socket.gethostname(), service_name(),
            self._pid, revision=revision, loaded_at=utc(status.loaded_at),
            checked_at=utc(status.last_check_at), last_error=error,
            expiry=group.consumer_expiry))
        if tried.error is not None:
            self._failing.failed(tried.error)
            return False
        self._failing.succeeded()
        self._throttle.written(self._pid, state, now)
        return True
