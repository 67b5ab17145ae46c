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

import urllib.error
import urllib.request

from oslotest import base

from nova_pci_alias.tests.unit import httpserver


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
