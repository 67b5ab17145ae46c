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

"""Tests of the test HTTP server fixture itself."""

import http.client
import urllib.error
import urllib.request

from oslotest import base

from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import remote_servers


def hello(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'hello ' + environ['PATH_INFO'].encode()]


class TestWSGIServerFixture(base.BaseTestCase):

    def test_serves_the_app(self):
        server = self.useFixture(httpserver.WSGIServerFixture(hello))
        with urllib.request.urlopen(server.url + '/x', timeout=5) as resp:
            self.assertEqual(b'hello /x', resp.read())

    def test_stopped_server_refuses(self):
        server = self.useFixture(httpserver.WSGIServerFixture(hello))
        server.stop()
        self.assertRaises(urllib.error.URLError, urllib.request.urlopen,
                          server.url + '/x', timeout=5)


class TestTrickleServerFixture(base.BaseTestCase):

    def get(self, **kwargs):
        server = self.useFixture(remote_servers.TrickleServerFixture(
            b'{"version": 1, "aliases": []}', **kwargs))
        with urllib.request.urlopen(server.url + '/x', timeout=5) as resp:
            return resp.read()

    def test_sends_the_whole_answer(self):
        self.assertEqual(b'{"version": 1, "aliases": []}',
                         self.get(part='body', interval=0.001))

    def test_gives_up(self):
        self.assertRaises(http.client.HTTPException, self.get, part='head',
                          interval=0.05, give_up_after=0.2)
