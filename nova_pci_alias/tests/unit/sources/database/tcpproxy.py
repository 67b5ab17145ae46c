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

"""A TCP proxy on 127.0.0.1, to take a database server away for real.

The test points the source at the proxy, loads a table, then breaks the
proxy in one of three ways:

* :meth:`TCPProxyFixture.close`: the client's connections drop and new
  ones are refused, as when a database server goes down;
* :meth:`TCPProxyFixture.freeze`: nothing is forwarded any more, either
  way, on the open connections, which stay open; new connections are
  accepted and never answered: a server that hangs, or a network that
  drops every packet past a middlebox that still accepts;
* ``mode=BLACKHOLE``: the proxy accepts connections and never answers
  from the first byte on, so a MySQL server's greeting or PostgreSQL's
  answer to the start-up message never arrives;
* ``mode=HANG_UP``: the proxy accepts connections and closes them at once,
  as a server that drops every connection.
"""

import select
import socket
import threading

import fixtures

# How often an idle pump checks whether the proxy was frozen or closed.
_POLL_SECONDS = 0.1

#: Forward every connection to the target.
FORWARD = 'forward'
#: Accept connections, and never answer them.
BLACKHOLE = 'blackhole'
#: Accept connections, and close them at once.
HANG_UP = 'hang up'


class TCPProxyFixture(fixtures.Fixture):
    """Forward 127.0.0.1:``self.port`` to ``(host, port)`` until closed.

    :param mode: :data:`FORWARD`, :data:`BLACKHOLE` or :data:`HANG_UP`.
    """

    def __init__(self, host, port, mode=FORWARD):
        super().__init__()
        self.target = (host, port)
        self._mode = mode

    def _setUp(self):
        self._sockets = []
        self._lock = threading.Lock()
        self._frozen = threading.Event()
        #: How many connections the proxy accepted.
        self.accepted = 0
        self._listener = socket.create_server(('127.0.0.1', 0))
        self.port = self._listener.getsockname()[1]
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self.addCleanup(self.close)

    def _track(self, sock):
        with self._lock:
            self._sockets.append(sock)

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return   # closed
            self.accepted += 1
            if self._mode == HANG_UP:
                client.close()
                continue
            if self._mode == BLACKHOLE or self._frozen.is_set():
                self._track(client)   # held open, never read nor answered
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self._track(client)
            self._track(server)
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst),
                                 daemon=True).start()

    def _pump(self, src, dst):
        try:
            while not self._frozen.is_set():
                readable, _, _ = select.select([src], [], [], _POLL_SECONDS)
                if not readable or self._frozen.is_set():
                    continue
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except (OSError, ValueError):
            pass   # closed
        if self._frozen.is_set():
            return   # left open, silent, until close()
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def freeze(self):
        """Stop forwarding, both ways, and answer no new connection.

        The open connections stay open: their peers see a server that
        stopped answering, not one that went away.
        """
        self._frozen.set()

    def close(self):
        """Refuse new connections and drop the open ones."""
        try:
            # Wakes the accepting thread up; close() alone may not.
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
