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

"""Servers for the tests of the ``remote`` source, on 127.0.0.1.

:class:`DocumentApp` is a small static web server (a WSGI app, served with
:class:`~nova_pci_alias.tests.unit.httpserver.WSGIServerFixture`) holding one
alias document, with the behaviours of third-party servers the source must
cope with.  :class:`SilentServerFixture` accepts connections and never
answers; :func:`closed_port` gives a port nothing listens on;
:class:`KeystoneApp` plays the token API of Keystone v3, with a service
catalog.
"""

import contextlib
import json
import socket
import threading
import time

import fixtures
import webob
import webob.exc

from nova_pci_alias import document

DOCUMENT_PATH = '/aliases.json'


class DocumentApp:
    """Serves one alias document at :data:`DOCUMENT_PATH`.

    ``body`` is the document served; ``etag`` and ``last_modified`` say
    whether those validators are sent (conditional requests then get 304);
    ``cache_control`` and ``age`` are the ``Cache-Control`` and ``Age``
    headers, if any; ``status``,
    when set, is sent instead of the document (``'500 Internal Server
    Error'``, say); ``streamed`` sends the body without Content-Length;
    ``truncated`` announces twice the body's length and closes after the
    body; ``stall`` is the seconds to wait in the middle of the body.
    ``/moved`` redirects to the document.  ``requests`` records each
    request's ``(path, headers)``.
    """

    def __init__(self, body=b'', etag=True, last_modified=False,
                 cache_control=None):
        self.body = body
        self.etag = etag
        self.last_modified = last_modified
        self.cache_control = cache_control
        self.age = None
        self.status = None
        self.streamed = False
        self.truncated = False
        self.stall = 0
        self.requests = []

    def set_entries(self, entries):
        """Serve a version 1 document of ``entries``."""
        self.body = document.encode_document(entries)

    def __call__(self, environ, start_response):
        request = webob.Request(environ)
        self.requests.append((request.path, dict(request.headers)))
        if request.path == '/moved':
            app = webob.exc.HTTPFound(location=DOCUMENT_PATH)
        elif request.path != DOCUMENT_PATH:
            app = webob.exc.HTTPNotFound()
        elif self.status is not None:
            app = webob.Response(status=self.status, body=b'{"error": 1}')
        elif self.streamed or self.truncated or self.stall:
            return self._stream(start_response)
        else:
            app = self._document_response()
        return app(environ, start_response)

    def _document_response(self):
        response = webob.Response(body=self.body, conditional_response=True,
                                  content_type='application/json',
                                  charset=None)
        if self.etag:
            response.etag = document.etag_of(self.body).strip('"')
        if self.last_modified:
            response.last_modified = 1700000000
        if self.cache_control is not None:
            response.headers['Cache-Control'] = self.cache_control
        if self.age is not None:
            response.headers['Age'] = str(self.age)
        return response

    def _stream(self, start_response):
        headers = [('Content-Type', 'application/json')]
        if self.truncated:
            headers.append(('Content-Length', str(2 * len(self.body))))
        elif not self.streamed:
            headers.append(('Content-Length', str(len(self.body))))
        start_response('200 OK', headers)
        return self._chunks()

    def _chunks(self):
        half = len(self.body) // 2
        yield self.body[:half]
        if self.stall:
            time.sleep(self.stall)
        yield self.body[half:]

    def last_headers(self):
        """The headers of the last request received."""
        return self.requests[-1][1]


class SilentServerFixture(fixtures.Fixture):
    """A listening socket on 127.0.0.1 that never answers.

    Connections complete (the kernel accepts them into the backlog), but
    nothing is ever read or sent.  ``self.url`` is its base URL.
    """

    def _setUp(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(self.socket.close)
        self.socket.bind(('127.0.0.1', 0))
        self.socket.listen(8)
        self.url = 'http://127.0.0.1:%d' % self.socket.getsockname()[1]


class TrickleServerFixture(fixtures.Fixture):
    """An HTTP server on 127.0.0.1 that sends its answer a byte at a time.

    Each connection gets one request read, then a ``200`` answer holding
    ``body`` (with its Content-Length), sent one byte every ``interval``
    seconds: from the status line on when ``part`` is ``'head'``, or from
    the first byte of the body (the head sent at once) when it is
    ``'body'``.  After ``give_up_after`` seconds the server closes the
    connection, whatever is left to send: a client without a deadline of
    its own then fails with a broken answer rather than hanging the tests.
    With ``ssl_context`` (server side), it speaks HTTPS.  ``self.url`` is
    its base URL; any path gets the same answer.
    """

    def __init__(self, body, part='head', interval=0.1, give_up_after=10,
                 ssl_context=None):
        super().__init__()
        self.ssl_context = ssl_context
        if part not in ('head', 'body'):
            raise ValueError('part must be head or body, not %r' % part)
        self.body = body
        self.part = part
        self.interval = interval
        self.give_up_after = give_up_after

    def _setUp(self):
        self._stopping = threading.Event()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(listener.close)
        listener.bind(('127.0.0.1', 0))
        listener.listen(8)
        listener.settimeout(0.05)
        self.url = '%s://127.0.0.1:%d' % (
            'https' if self.ssl_context else 'http',
            listener.getsockname()[1])
        thread = threading.Thread(target=self._accept, args=(listener,),
                                  daemon=True)
        thread.start()
        # Cleanups run last first: stop, then wait, then close.
        self.addCleanup(thread.join, 5)
        self.addCleanup(self._stopping.set)

    def _accept(self, listener):
        while not self._stopping.is_set():
            try:
                connection, _address = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,),
                             daemon=True).start()

    def _answer(self, connection):
        head = ('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
                'Content-Length: %d\r\nConnection: close\r\n\r\n'
                % len(self.body)).encode('ascii')
        give_up = time.monotonic() + self.give_up_after
        with contextlib.suppress(OSError), connection:
            connection.settimeout(self.give_up_after)
            if self.ssl_context is not None:
                connection = self.ssl_context.wrap_socket(connection,
                                                          server_side=True)
            received = b''
            while b'\r\n\r\n' not in received:
                data = connection.recv(4096)
                if not data:
                    return
                received += data
            if self.part == 'body':
                connection.sendall(head)
                slow = self.body
            else:
                slow = head + self.body
            for index in range(len(slow)):
                if (self._stopping.is_set()
                        or time.monotonic() >= give_up):
                    return
                connection.sendall(slow[index:index + 1])
                time.sleep(self.interval)


def closed_port():
    """Return a port of 127.0.0.1 that nothing listens on (just freed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class KeystoneApp:
    """The part of the Keystone v3 API a password login uses.

    ``POST /v3/auth/tokens`` with the right password gets :data:`TOKEN`
    and a service catalog with one service of type ``service_type`` whose
    public and internal endpoints are ``endpoint``.
    """

    TOKEN = 'token-4f1d2c'
    PASSWORD = 'keystone-secret'

    def __init__(self, service_type, endpoint):
        self.service_type = service_type
        self.endpoint = endpoint

    def __call__(self, environ, start_response):
        request = webob.Request(environ)
        if (request.method, request.path) != ('POST', '/v3/auth/tokens'):
            return webob.exc.HTTPNotFound()(environ, start_response)
        identity = json.loads(request.body)['auth']['identity']
        if identity['password']['user']['password'] != self.PASSWORD:
            return webob.exc.HTTPUnauthorized()(environ, start_response)
        domain = {'id': 'default', 'name': 'Default'}
        endpoints = [{'id': interface, 'interface': interface,
                      'region': 'RegionOne', 'region_id': 'RegionOne',
                      'url': self.endpoint}
                     for interface in ('public', 'internal')]
        token = {'token': {
            'methods': ['password'],
            'issued_at': '2026-01-01T00:00:00.000000Z',
            'expires_at': '2999-01-01T00:00:00.000000Z',
            'user': {'id': 'u1', 'name': 'nova', 'domain': domain},
            'project': {'id': 'p1', 'name': 'service', 'domain': domain},
            'catalog': [{'id': 's1', 'type': self.service_type,
                         'name': 'aliases', 'endpoints': endpoints}],
        }}
        response = webob.Response(status=201, json_body=token)
        response.headers['X-Subject-Token'] = self.TOKEN
        return response(environ, start_response)
