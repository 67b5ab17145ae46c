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

import datetime
import functools
import os
import socket
import sys
import threading

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_pci_alias import outage
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries

LOG = logging.getLogger(__name__)

#: The program name reported when ``sys.argv`` does not give one.
UNKNOWN_SERVICE = 'python'


def service_name():
    """The name of the running program, as ``nova-compute``."""
    argv = getattr(sys, 'argv', None) or ['']
    name = os.path.basename(argv[0] or '')
    return (name or UNKNOWN_SERVICE)[:models.SERVICE_NAME_LENGTH]


def short_error(text):
    """An error's text cut to fit ``last_error``; None stays None."""
    if text is None:
        return None
    limit = models.CONSUMER_ERROR_LENGTH
    return text if len(text) <= limit else text[:limit - 3] + '...'


def _utc(seconds):
    """Seconds since the epoch as a naive UTC datetime; None stays None."""
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(
        seconds, datetime.timezone.utc).replace(tzinfo=None)


class Reporter:
    """Writes the row of this process, throttled.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` holding the
        ``[pci_alias_database]`` options.
    """

    def __init__(self, conf):
        self.conf = conf
        self._pid = None
        self._written = None        # (revision, error) written last
        self._written_at = None     # when (timeutils.utcnow())
        self._lock = threading.Lock()
        self._failing = outage.Outage(
            LOG, 'Reporting the PCI alias table this process holds to the '
            'alias database failed; aliases are served as before, and the '
            'report is tried again at the next check: %(error)s',
            recovery='Reporting the PCI alias table this process holds to '
            'the alias database works again.', level=logging.WARNING)

    def _due(self, state, now):
        if self._written_at is None or state != self._written:
            return True
        interval = self.conf[options.GROUP].report_interval
        return now - self._written_at >= datetime.timedelta(
            seconds=interval)

    def report(self, status, revision):
        """Write this process's row if it is due; never raise.

        :param status: the registry's
            :class:`~nova_pci_alias.registry.RegistryStatus`.
        :param revision: the revision of the table served, None before a
            first load.
        :returns: True when the row was written.
        """
        group = self.conf[options.GROUP]
        if not group.report_interval:
            return False
        if os.getpid() != self._pid:
            # A new process (or a child forked from the last one, whose
            # lock may have been held at the fork): it has no row yet.
            self._pid, self._written, self._written_at = (
                os.getpid(), None, None)
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
        if not self._due(state, now):
            return False
        tried = outage.attempt(functools.partial(
            queries.report_consumer, socket.gethostname(), service_name(),
            self._pid, revision=revision, loaded_at=_utc(status.loaded_at),
            checked_at=_utc(status.last_check_at), last_error=error,
            expiry=group.consumer_expiry))
        if tried.error is not None:
            self._failing.failed(tried.error)
            return False
        self._failing.succeeded()
        self._written, self._written_at = state, now
        return True
