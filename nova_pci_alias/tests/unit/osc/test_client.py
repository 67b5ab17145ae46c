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


"""Tests of the client of ``openstack pci alias``: endpoints, paths, errors.

The endpoint comes from a Keystone catalog (:mod:`.identity`) or is
given; the error answers come from servers that answer one canned
response each, as a proxy, an old service or keystonemiddleware might. The
commands run for real.
"""

import json

from keystoneauth1 import fixture
import webob

from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.osc import base
from nova_pci_alias.tests.unit.osc import contract
from nova_pci_alias.tests.unit.osc import identity


class CannedApp:
    """A WSGI application that answers every request the same way.

    ``self.paths`` records the path of each request.
    """

    def __init__(self, status, body=b'', content_type='text/plain',
                 headers=()):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers)
        self.paths = []

    def __call__(self, environ, start_response):
        self.paths.append(environ.get('PATH_INFO'))
        response = webob.Response(status=self.status, body=self.body,
                                  content_type=self.content_type,
                                  charset=None, headers=self.headers)
        return response(environ, start_response)


class ClientTestCase(base.base.BaseTestCase):

    def openstack_against(self, app, *args, root=''):
        """Serve ``app``; run ``openstack ARGS`` with ``URL+root``."""
        server = self.useFixture(httpserver.WSGIServerFixture(app))
        command = self.useFixture(
            base.OpenStackCommandFixture(server.url + root))
        return command.run(*args)


class TestPaths(ClientTestCase):

    def test_resources_are_under_v1_of_the_root(self):
        app = CannedApp(200, b'{"version": 1, "aliases": []}',
                        'application/json')
        self.openstack_against(app, 'pci', 'alias', 'list',
                               root='/pci-alias/')
        self.assertEqual(['/pci-alias/v1/aliases'], app.paths)


class TestShowEtag(ClientTestCase):

    def test_etag_is_the_documents_when_the_answer_has_none(self):
        app = contract.ReadOnlyAPI([base.GPU], show_etag=False)
        result = self.openstack_against(app, 'pci', 'alias', 'show', 'gpu',
                                        '-c', 'etag', '-f', 'value')
        self.assertEqual(app.etag().strip('"') + '\n', result.stdout)

    def test_document_is_asked_before_the_alias(self):
        app = contract.ReadOnlyAPI([base.GPU], show_etag=False)
        self.openstack_against(app, 'pci', 'alias', 'show', 'gpu')
        self.assertEqual([('HEAD', '/v1/aliases'),
                          ('GET', '/v1/aliases/gpu')],
                         [r[:2] for r in app.requests])


class TestErrors(ClientTestCase):

    def test_keystonemiddleware_error_is_read(self):
        body = json.dumps({'error': {
            'code': 401, 'title': 'Unauthorized',
            'message': 'The request you have made requires '
                       'authentication.'}}).encode()
        result = self.openstack_against(
            CannedApp(401, body, 'application/json',
                      [('WWW-Authenticate', 'Keystone uri="http://k"')]),
            'pci', 'alias', 'list')
        self.assertEqual(
            (1, 'The PCI alias service answered 401 Unauthorized: The '
                'request you have made requires authentication.\n'),
            (result.returncode, result.stderr))

    def test_error_that_is_not_json_gives_its_text(self):
        result = self.openstack_against(
            CannedApp(502, b'<html><body>Bad\n gateway</body></html>',
                      'text/html'), 'pci', 'alias', 'list')
        self.assertEqual(
            'The PCI alias service answered 502 Bad Gateway: '
            '<html><body>Bad gateway</body></html>\n', result.stderr)

    def test_error_without_a_body_gives_its_status(self):
        result = self.openstack_against(CannedApp(503), 'pci', 'alias',
                                        'list')
        self.assertEqual('The PCI alias service answered 503 Service '
                         'Unavailable\n', result.stderr)

    def test_request_id_header_is_named_when_the_body_has_none(self):
        result = self.openstack_against(
            CannedApp(500, headers=[('X-OpenStack-Request-Id', 'req-1')]),
            'pci', 'alias', 'list')
        self.assertEqual('The PCI alias service answered 500 Internal '
                         'Server Error (request req-1)\n', result.stderr)

    def test_answer_that_is_not_json_fails(self):
        result = self.openstack_against(
            CannedApp(200, b'<html></html>', 'text/html'),
            'pci', 'alias', 'show', 'gpu')
        self.assertEqual(
            (1, 'The PCI alias service answered 200 OK to GET '
                '/v1/aliases/gpu with a body that is not JSON.\n'),
            (result.returncode, result.stderr))

    def test_answer_that_is_not_an_alias_document_fails(self):
        result = self.openstack_against(
            CannedApp(200, b'{"aliases": []}', 'application/json'),
            'pci', 'alias', 'list')
        self.assertIn("Invalid PCI alias document from http://127.0.0.1:",
                      result.stderr)

    def test_refused_connection_names_the_url(self):
        server = self.useFixture(httpserver.WSGIServerFixture(CannedApp(200)))
        server.stop()
        command = self.useFixture(base.OpenStackCommandFixture(server.url))
        result = command.run('pci', 'alias', 'list')
        expected = 'Unable to establish connection to %s/v1/aliases: ' % (
            server.url)
        self.assertEqual((1, expected),
                         (result.returncode, result.stderr[:len(expected)]))


class TestCatalog(base.base.BaseTestCase):
    """A login whose catalog has three ``pci-alias`` endpoints.

    ``public`` and ``internal`` of RegionOne, ``public`` of RegionTwo, each
    its own read-only server (:class:`~.contract.ReadOnlyAPI`).
    """

    def setUp(self):
        super().setUp()
        self.apps = {}
        for where in ('public', 'internal', 'two'):
            self.apps[where] = contract.ReadOnlyAPI([base.GPU])
        urls = {where: self.useFixture(
            httpserver.WSGIServerFixture(app)).url + '/'
            for where, app in self.apps.items()}
        self.token = fixture.V3Token(user_name='admin')
        self.token.set_project_scope(name='admin', domain_name='Default')
        service = self.token.add_service('pci-alias')
        service.add_standard_endpoints(public=urls['public'],
                                       internal=urls['internal'],
                                       region='RegionOne')
        service.add_endpoint('public', urls['two'], region='RegionTwo')
        self.identity = identity.IdentityApp(self.token)
        auth_url = self.useFixture(
            httpserver.WSGIServerFixture(self.identity)).url + '/v3'
        self.command = self.useFixture(base.OpenStackCommandFixture(
            auth_args=['--os-auth-url', auth_url,
                       '--os-identity-api-version', '3',
                       '--os-username', 'admin', '--os-password', 'secret',
                       '--os-project-name', 'admin',
                       '--os-user-domain-name', 'Default',
                       '--os-project-domain-name', 'Default']))

    def requested(self):
        """Which servers got which request, and with which token."""
        return {where: [(r[1], r[2].get('X-Auth-Token'))
                        for r in app.requests]
                for where, app in self.apps.items() if app.requests}

    def test_public_endpoint_gets_the_token(self):
        self.command.run('pci', 'alias', 'list')
        self.assertEqual(
            {'public': [('/v1/aliases', identity.TOKEN_ID)]},
            self.requested())

    def test_interface_chooses_the_endpoint(self):
        self.command.run('--os-interface', 'internal', 'pci', 'alias',
                         'list')
        self.assertEqual(['internal'], list(self.requested()))

    def test_region_chooses_the_endpoint(self):
        self.command.run('--os-region-name', 'RegionTwo', 'pci', 'alias',
                         'list')
        self.assertEqual(['two'], list(self.requested()))

    def test_no_endpoint_fails_saying_how_to_register_one(self):
        self.token.remove_service('pci-alias')
        result = self.command.run('pci', 'alias', 'list')
        self.assertEqual(
            (1, 'No pci-alias endpoint (interface public) in the service '
                'catalog: the alias service is registered with "openstack '
                'service create --name pci-alias pci-alias" and "openstack '
                'endpoint create pci-alias public http://HOST:PORT/"; or '
                'give its root with pci_alias_endpoint_override in '
                'clouds.yaml.\n'),
            (result.returncode, result.stderr))
