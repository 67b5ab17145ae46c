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

"""A real HTTP(S) server on 127.0.0.1 for the tests, serving a WSGI app."""

import socketserver
import threading
from wsgiref import simple_server

import fixtures


class _QuietHandler(simple_server.WSGIRequestHandler):
    """Keeps the access log off the test output."""

    def log_message(self, format, *args):
        pass


class _ThreadingServer(socketserver.ThreadingMixIn,
                       simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class WSGIServerFixture(fixtures.Fixture):
    """Serve ``app`` on an ephemeral port of 127.0.0.1 while the test runs.

    :param app: a WSGI application.
    :param ssl_context: an :class:`ssl.SSLContext` (server side) to serve
        HTTPS; plain HTTP when None.

    ``self.url`` is the base URL (``http://127.0.0.1:PORT``, no trailing
    slash) and ``self.port`` the port.  :meth:`stop` ends the server early,
    for tests of a server that goes away; the port is then refused.
    """

    def __init__(self, app, ssl_context=None):
        super().__init__()
        self.app = app
        self.ssl_context = ssl_context

    def _setUp(self):
        self.server = simple_server.make_server(
            '127.0.0.1', 0, self.app, server_class=_ThreadingServer,
            handler_class=_QuietHandler)
        if self.ssl_context is not None:
            self.server.socket = self.ssl_context.wrap_socket(
                self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        scheme = 'https' if self.ssl_context is not None else 'http'
        self.url = '%s://127.0.0.1:%d' % (scheme, self.port)
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={'poll_interval': 0.05},
                                        daemon=True)
        self._thread.start()
        self._stopped = False
        self.addCleanup(self.stop)

    def stop(self):
        """Stop serving and close the listening socket."""
        if self._stopped:
            return
        self._stopped = True
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
