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

"""The remote clients of the alias service, recorded in the fleet view.

A compute node's ``remote`` source tells the service who it is and what
it holds with each ``GET /v1/aliases``
(:mod:`nova_pci_alias.client_report`).  A :class:`ClientRecorder` turns
that into the client's row of ``pci_alias_consumers``, the table of the
fleet view where the processes reading the database have theirs, with the
same throttle (:class:`~nova_pci_alias.sources.database.consumers.
Throttle`): at once when the ETag the client holds or its error changes,
else at most once per ``[pci_alias_database] report_interval`` per client.

The row's ``revision`` is the revision of the database's table whose
document has the ETag the client holds (:class:`RevisionMap`): the current
revision, or one of the last :data:`SEARCHED_REVISIONS` changes of the
history.  An ETag that is none of these (a table older than that, or a
document that is not the database's table alone) leaves the revision
empty, and the client counts as behind.

Recording never slows or fails a request: the handler only reads the
header and the throttle, and hands a due row to one background thread;
a bad header is ignored (logged at DEBUG), a failed write is logged once
per outage (WARNING) and written again at the client's next request.
Only a service with ``database`` among its sources records: elsewhere the
header is ignored.
"""

import functools
import os
import queue
import threading

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_pci_alias import client_report
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import outage
from nova_pci_alias.sources.database import consumers
from nova_pci_alias.sources.database import options

LOG = logging.getLogger(__name__)

#: How many changes of the history an unknown ETag is looked for in.
SEARCHED_REVISIONS = 20
#: The most clients whose last row the throttle remembers.
MAX_CLIENTS = 100000
#: The most rows waiting to be written; a report past it is dropped (and
#: written at the client's next request).
QUEUE_SIZE = 1000
#: Seconds the writing thread waits for work before it ends (a new one
#: starts with the next row due).
IDLE_SECONDS = 60.0


class RevisionMap:
    """Which revision of the database's table a document's ETag is.

    Not thread-safe: the recorder's one writing thread asks it.

    :param queries: the configured
        :mod:`~nova_pci_alias.sources.database.queries` module.
    """

    def __init__(self, queries):
        self._queries = queries
        self._current = None        # (revision, etag) of the table now
        self._older = {}            # etag -> newest older revision
        self._searched = set()      # etags not found among the older ones

    def _current_table(self):
        """``(revision, etag)`` of the database's table now."""
        revision = self._queries.get_revision()
        if self._current is not None and self._current[0] == revision:
            return self._current
        entries = self._queries.get_entries()
        if self._queries.get_revision() != revision:
            # A write came between: the entries may be the next table's.
            return None
        self._current = (revision, document.etag_of(
            document.encode_document(entries)))
        self._searched.clear()
        return self._current

    def revision_of(self, etag):
        """Return the revision whose table has this document ETag.

        :param etag: a quoted ETag, or None.
        :returns: the revision, or None when it is not known.
        :raises nova_pci_alias.exception.AliasSourceError: the database
            cannot be read.
        """
        if etag is None:
            return None
        current = self._current_table()
        if current is not None and etag == current[1]:
            return current[0]
        if etag not in self._older and etag not in self._searched:
            self._search()
            if etag not in self._older:
                self._searched.add(etag)
        return self._older.get(etag)

    def _search(self):
        """Learn the ETags of the tables of the last changes."""
        known = set(self._older.values())
        current = self._current[0] if self._current else None
        for change in self._queries.get_history(limit=SEARCHED_REVISIONS):
            revision = change['revision']
            if revision in known or revision == current:
                continue
            try:
                after = self._queries.get_change(revision)['after']
            except exception.AliasRevisionNotFound:
                continue            # pruned meanwhile
            etag = document.etag_of(document.encode_document(after))
            if etag not in self._older or self._older[etag] < revision:
                self._older[etag] = revision
        if len(self._older) > 4 * SEARCHED_REVISIONS:
            # Keep the newest: a client holds a recent table, or none known.
            newest = sorted(self._older.items(), key=lambda item: item[1])
            self._older = dict(newest[-SEARCHED_REVISIONS:])


class ClientRecorder:
    """Records the remote clients' reports in the fleet view.

    :param conf: the service's :class:`oslo_config.cfg.ConfigOpts`.
    :param queries: the configured
        :mod:`~nova_pci_alias.sources.database.queries` module, or None
        when the service has no database (nothing is then recorded).
    """

    def __init__(self, conf, queries):
        options.register_opts(conf)
        self._conf = conf
        self._queries = queries
        self._throttle = consumers.Throttle(conf, size=MAX_CLIENTS)
        self._revisions = None if queries is None else RevisionMap(queries)
        self._lock = threading.Lock()
        self._queue = queue.Queue(maxsize=QUEUE_SIZE)
        self._worker = None
        self._pid = os.getpid()
        self._failing = outage.Outage(
            LOG, 'Recording the reports of the alias service\'s remote '
            'clients in the fleet view failed; the alias document is served '
            'as before, and each client\'s row is written again at its next '
            'request: %(error)s',
            recovery='Recording the reports of the alias service\'s remote '
            'clients in the fleet view works again.', level=logging.WARNING)

    @property
    def enabled(self):
        """Whether reports are recorded: a database, and reports on."""
        return self._queries is not None and self._throttle.enabled

    def observe(self, req):
        """Take the client report of a request, if it has one and is due.

        Never raises and never waits for the database: a due row is handed
        to the writing thread.

        :param req: the :class:`webob.Request` (an authorised read of the
            alias document).
        :returns: True when a row was handed over to be written.
        """
        raw = req.headers.get(client_report.HEADER)
        if raw is None or not self.enabled:
            return False
        try:
            report = client_report.decode(raw)
        except exception.InvalidInput as exc:
            failure = exc
        else:
            return self._take(report)
        LOG.debug('Ignoring the %(header)s header of %(method)s %(path)s: '
                  '%(error)s', {'header': client_report.HEADER,
                                'method': req.method, 'path': req.path_info,
                                'error': failure})
        return False

    def _take(self, report):
        key = (report.host, report.service, report.pid)
        state = (report.etag, report.error)
        now = timeutils.utcnow()
        self._after_fork()
        with self._lock:
            if not self._throttle.due(key, state, now):
                return False
            try:
                self._queue.put_nowait(report)
            except queue.Full:
                LOG.debug('Dropping the report of %s: %d reports wait to '
                          'be written already.', key, QUEUE_SIZE)
                return False
            # Counted as written now, so that the client's next requests do
            # not queue it again; forgotten if the write fails.
            self._throttle.written(key, state, now)
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._run, name='pci-alias-clients', daemon=True)
                self._worker.start()
        return True

    def _after_fork(self):
        """Start afresh in a process forked from the recorder's.

        The writing thread did not come along (uWSGI forks its workers
        after loading the application), and the lock may have been held at
        the fork.
        """
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._worker = None
            self._queue = queue.Queue(maxsize=QUEUE_SIZE)
            self._throttle.forget()

    def _run(self):
        while True:
            try:
                report = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._worker = None
                        return
                continue
            try:
                self._write(report)
            finally:
                self._queue.task_done()

    def _write(self, report):
        tried = outage.attempt(functools.partial(self._record, report))
        if tried.error is None:
            self._failing.succeeded()
            return
        self._failing.failed(tried.error)
        LOG.debug('The report of %(client)s was not recorded: %(error)s',
                  {'client': (report.host, report.service, report.pid),
                   'error': tried.error})
        with self._lock:
            self._throttle.forget((report.host, report.service, report.pid))

    def _record(self, report):
        revision = self._revisions.revision_of(report.etag)
        self._queries.report_consumer(
            report.host, report.service, report.pid, revision=revision,
            loaded_at=report.loaded_at, checked_at=report.checked_at,
            last_error=report.error,
            expiry=self._conf[options.GROUP].consumer_expiry)
