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

"""One deadline for a whole HTTP exchange of the ``remote`` source.

The timeouts of urllib3 (under requests, under keystoneauth1) bound each
socket operation, not a request: a server that sends one byte of its status
line, headers or body a little before each read would time out holds the
request for as long as it likes, and urllib3's ``Timeout(total=...)`` only
shortens the timeout set on the socket once, before the response is read.

:class:`Deadline` bounds everything done inside it.  Requests sent through
:class:`DeadlineAdapter` (mounted on the keystoneauth1 session's requests
session) make their connections known to the deadline in effect in their
thread; when it passes, a watchdog timer shuts those sockets down, so the
read blocked on one fails at once, wherever it is: TLS handshake, status
line, headers or body.  Once it has passed, a new connection or request
(a retry, a redirect) raises :class:`DeadlinePassed` instead of starting.
"""

import contextlib
import socket
import threading

from keystoneauth1 import session as ks_session
from urllib3 import connection as urllib3_connection
from urllib3 import connectionpool
from urllib3 import poolmanager

# The deadline in effect in this thread (a green thread under eventlet).
_local = threading.local()


class DeadlinePassed(Exception):
    """The deadline passed before the exchange finished.

    Not an :class:`OSError`: neither urllib3, requests nor keystoneauth1
    takes it for a connection failure to retry.
    """


def active():
    """Return the :class:`Deadline` in effect in this thread, or None."""
    return getattr(_local, 'deadline', None)


class Deadline:
    """A context manager: what runs inside must end within ``seconds``.

    Entering it when another deadline is in effect in the thread keeps the
    other one (the outer, earlier deadline holds).

    :param seconds: the time allowed, from entering.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._watched = []
        self._expired = False
        self._timer = None
        self._outer = None

    @property
    def expired(self):
        """True once the deadline has passed (and sockets were shut)."""
        return self._expired

    def __enter__(self):
        self._outer = active()
        if self._outer is not None:
            return self._outer
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        _local.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        if self._outer is not None:
            return
        self._timer.cancel()
        _local.deadline = None
        with self._lock:
            self._watched = []

    def _expire(self):
        with self._lock:
            self._expired = True
            watched, self._watched = self._watched, []
        for conn_or_sock in watched:
            _shut_down(conn_or_sock)

    def watch(self, conn_or_sock):
        """Shut a socket down when the deadline passes.

        :param conn_or_sock: a urllib3 connection (whatever socket it has
            then is shut down) or a socket.
        :raises DeadlinePassed: it has passed already.
        """
        with self._lock:
            if not self._expired:
                if conn_or_sock not in self._watched:
                    self._watched.append(conn_or_sock)
                return
        raise DeadlinePassed()


def _shut_down(conn_or_sock):
    """Make any read or write blocked on the socket fail now."""
    if isinstance(conn_or_sock, urllib3_connection.HTTPConnection):
        sock = conn_or_sock.sock
    else:
        sock = conn_or_sock
    if sock is not None:
        # shutdown() wakes a thread blocked on the socket; close() does not.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _WatchedConnection:
    """Mixed into urllib3's connections: each joins the active deadline.

    A failure after the deadline passed (the socket was shut down under
    it) is raised as :class:`DeadlinePassed`.
    """

    @contextlib.contextmanager
    def _watched(self, sock=None):
        deadline = active()
        if deadline is None:
            yield
            return
        deadline.watch(self)
        if sock is not None:
            deadline.watch(sock)
        try:
            yield
        except Exception:
            if deadline.expired:
                raise DeadlinePassed() from None
            raise
        if deadline.expired:
            # It passed while the socket did not exist yet.
            raise DeadlinePassed()

    def connect(self):
        with self._watched():
            super().connect()

    def request(self, *args, **kwargs):
        with self._watched():
            super().request(*args, **kwargs)

    def getresponse(self):
        # The response reads the body from this socket, even once the
        # connection has let go of it (a "Connection: close" answer).
        with self._watched(self.sock):
            return super().getresponse()


# Named as urllib3's own classes, which error texts quote.
class HTTPConnection(_WatchedConnection, urllib3_connection.HTTPConnection):
    pass


class HTTPSConnection(_WatchedConnection,
                      urllib3_connection.HTTPSConnection):
    pass


class HTTPConnectionPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = HTTPConnection


class HTTPSConnectionPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = HTTPSConnection


_POOL_CLASSES = {'http': HTTPConnectionPool, 'https': HTTPSConnectionPool}


class DeadlineAdapter(ks_session.TCPKeepAliveAdapter):
    """keystoneauth1's transport adapter, watching the active deadline.

    Its connections (direct, or through an HTTP(S) proxy) join the
    :class:`Deadline` in effect in their thread.  Through a SOCKS proxy,
    only the per-operation timeouts apply.
    """

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOL_CLASSES)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, poolmanager.ProxyManager):
            manager.pool_classes_by_scheme = dict(_POOL_CLASSES)
        return manager


def mount(session):
    """Send a keystoneauth1 session's requests through the deadline.

    Mounts :class:`DeadlineAdapter`, with the session's TLS settings.

    :param session: a :class:`keystoneauth1.session.Session`, before it
        sent anything.
    """
    settings = {name: getattr(session, name)
                for name in ('tls_ciphers', 'tls_min_version')
                if getattr(session, name, None)}
    adapter = DeadlineAdapter(**settings)
    for prefix in ('https://', 'http://'):
        session.session.mount(prefix, adapter)
