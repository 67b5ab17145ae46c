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

"""The router: path templates, methods, 405 with Allow, errors."""

import fixtures
from oslo_middleware import request_id
from oslotest import base as test_base
import webob

from nova_pci_alias.service import errors
from nova_pci_alias.service import router
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.service import base


def echo(req, **variables):
    return webob.Response(json_body={'method': req.method,
                                     'variables': variables})


def refuse(req):
    raise errors.APIError(409, errors.BAD_REQUEST, 'no',
                          headers=[('X-Why', 'test')])


def crash(req):
    raise RuntimeError('secret detail')


class TestRouter(test_base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        application = router.Router([
            router.Route('/things/{name}', {'GET': echo, 'PUT': echo},
                         requirements={'name': '.+'}),
            router.Route('/numbers/{n}', {'POST': echo},
                         requirements={'n': r'\d+'}),
            router.Route('/refuse', {'GET': refuse}),
            router.Route('/crash', {'GET': crash}),
        ])
        self.url = self.useFixture(httpserver.WSGIServerFixture(
            request_id.RequestId(application))).url

    def send(self, method, path):
        return base.send(self.url, method=method, path=path)

    def test_path_variables_reach_the_handler(self):
        self.assertEqual({'name': 'gpu'},
                         self.send('GET', '/things/gpu').json['variables'])

    def test_variable_may_hold_a_slash_when_allowed(self):
        self.assertEqual({'name': 'a/b'},
                         self.send('GET', '/things/a/b').json['variables'])

    def test_variable_is_decoded(self):
        self.assertEqual({'name': 'gpu big'},
                         self.send('GET', '/things/gpu big').json['variables'])

    def test_method_picks_the_handler(self):
        self.assertEqual('PUT', self.send('PUT', '/things/x').json['method'])

    def test_head_is_answered_by_get(self):
        self.assertEqual(200, self.send('HEAD', '/things/x').status)

    def test_other_method_is_not_allowed(self):
        self.assertEqual(405, self.send('DELETE', '/things/x').status)

    def test_not_allowed_says_what_is(self):
        self.assertEqual('GET, HEAD, PUT', self.send(
            'DELETE', '/things/x').headers['Allow'])

    def test_requirement_not_met_is_not_found(self):
        self.assertEqual(404, self.send('POST', '/numbers/one').status)

    def test_unknown_path_is_not_found(self):
        self.assertEqual('nova_pci_alias.not_found',
                         self.send('GET', '/elsewhere').error['code'])

    def test_api_error_is_answered(self):
        response = self.send('GET', '/refuse')
        self.assertEqual((409, 'test'),
                         (response.status, response.headers['X-Why']))

    def test_unexpected_error_tells_the_client_nothing(self):
        response = self.send('GET', '/crash')
        self.assertEqual((500, False),
                         (response.status, b'secret' in response.body))

    def test_unexpected_error_is_logged(self):
        self.send('GET', '/crash')
        self.assertIn('RuntimeError: secret detail', self.logger.output)
