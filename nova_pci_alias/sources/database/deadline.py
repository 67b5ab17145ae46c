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

"""A client-side deadline for every PostgreSQL (psycopg2) round trip.

PyMySQL bounds every read from the server (``read_timeout``), and libpq
bounds the connection's start-up (``connect_timeout``), but nothing in
libpq or psycopg2 bounds the wait for an answer on an open connection:
against a server that stopped answering while its host still acknowledges
the packets (a hung server, a middlebox that still accepts), a statement
waits forever.  PostgreSQL's own ``statement_timeout`` cannot help there,
as it runs in the server that hangs, and TCP keepalives and
``tcp_user_timeout`` see a peer that acknowledges everything.

So the psycopg2 connections of the alias database are of a subclass whose
statements, commits and rollbacks (SQLAlchemy's pool check included) are
each watched: one thread per process shuts the connection's socket down
when an answer is overdue.  libpq then fails the call at once, as with a
server that closed the connection; the call raises :class:`DeadlinePassed`,
and SQLAlchemy throws the connection away.

:func:`watch_engine` installs this on an engine, from the enginefacade's
``on_engine_create`` hook.
"""

import os
import socket
import threading
import time
import weakref

import psycopg2
import psycopg2.extensions
import sqlalchemy as sa


class DeadlinePassed(psycopg2.OperationalError):
    """The server did not answer within the deadline; connection closed."""


class _Watchdog:
    """Shut the socket of a connection down when its deadline passes.

    At most one call per connection is watched at a time (a connection is
    used by one thread at a time), so the deadlines are kept by
    connection.
    """

    def __init__(self):
        self._condition = threading.Condition()
        self._deadlines = {}   # id(connection) -> (deadline, connection)
        self._fired = set()    # id(connection) of the connections shut
        self._thread = None
        # When the thread wakes up next; None: when notified.
        self._wakes_at = None

    def arm(self, connection, seconds):
        deadline = time.monotonic() + seconds
        with self._condition:
            self._deadlines[id(connection)] = (deadline, connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name='nova-pci-alias-db-deadline',
                    daemon=True)
                self._thread.start()
            # Deadlines are mostly of one length, so a new one is rarely
            # the earliest: the thread is woken up only when it is.
            if self._wakes_at is None or deadline < self._wakes_at:
                self._condition.notify()

    def disarm(self, connection):
        """Stop watching; return True if the deadline had passed."""
        with self._condition:
            self._deadlines.pop(id(connection), None)
            if id(connection) in self._fired:
                self._fired.discard(id(connection))
                return True
            return False

    def _run(self):
        with self._condition:
            while True:
                now = time.monotonic()
                overdue = [key for key, (deadline, _) in
                           self._deadlines.items() if deadline <= now]
                for key in overdue:
                    _, connection = self._deadlines.pop(key)
                    self._fired.add(key)
                    _shut_down(connection)
                if self._deadlines:
                    self._wakes_at = min(
                        d for d, _ in self._deadlines.values())
                    self._condition.wait(max(self._wakes_at - now, 0.01))
                else:
                    self._wakes_at = None
                    self._condition.wait()


def _shut_down(connection):
    # Runs while the call is still watched (under the watchdog's lock, which
    # disarm() needs first), so the socket is still this connection's.
    try:
        sock = socket.socket(fileno=os.dup(connection.fileno()))
    except (OSError, psycopg2.Error):
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


_WATCHDOG = _Watchdog()


def _watched(connection, call, *args, **kwargs):
    _WATCHDOG.arm(connection, connection.answer_timeout)
    try:
        result = call(*args, **kwargs)
    except psycopg2.Error as exc:
        if _WATCHDOG.disarm(connection):
            raise DeadlinePassed(
                'server closed the connection: no answer within %g seconds' %
                connection.answer_timeout) from exc
        raise
    # The deadline may have passed just as the answer came: the call
    # succeeded, the closed connection fails its next check.
    _WATCHDOG.disarm(connection)
    return result


class _Cursor(psycopg2.extensions.cursor):

    def execute(self, *args, **kwargs):
        return _watched(self.connection, super().execute, *args, **kwargs)

    def executemany(self, *args, **kwargs):
        return _watched(self.connection, super().executemany, *args,
                        **kwargs)

    def callproc(self, *args, **kwargs):
        return _watched(self.connection, super().callproc, *args, **kwargs)


class _Connection(psycopg2.extensions.connection):
    """A psycopg2 connection whose every round trip has a deadline."""

    #: Seconds to wait for any one answer; set by each subclass.
    answer_timeout = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cursor_factory = _Cursor

    def commit(self):
        return _watched(self, super().commit)

    def rollback(self):
        return _watched(self, super().rollback)


_classes = {}
_watched_engines = weakref.WeakSet()


def _connection_class(seconds):
    if seconds not in _classes:
        _classes[seconds] = type('DeadlineConnection', (_Connection,),
                                 {'answer_timeout': seconds})
    return _classes[seconds]


def watch_engine(engine, seconds):
    """Give the psycopg2 connections of ``engine`` a deadline per answer.

    Does nothing for engines of other drivers, or for an engine already
    watched.

    :param engine: a SQLAlchemy engine, just created.
    :param seconds: how long any one answer may take.
    """
    if engine.dialect.driver != 'psycopg2' or engine in _watched_engines:
        return
    _watched_engines.add(engine)
    factory = _connection_class(seconds)

    @sa.event.listens_for(engine, 'do_connect')
    def _connect_with_deadlines(dialect, record, cargs, cparams):
        cparams['connection_factory'] = factory

    # oslo.db made a first connection, to test the URL, before this hook:
    # close it, so that every connection in use is watched.
    engine.pool.dispose()
