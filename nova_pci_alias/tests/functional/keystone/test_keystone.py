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

"""The alias service behind a real Keystone, end to end over HTTP.

One Keystone (keystone 30.0.0 on SQLite, under gunicorn) and one alias
service (gunicorn, the ``database`` source, keystonemiddleware), a
:class:`~deployment.DeploymentFixture`, are set up for the whole module,
in :func:`setUpModule`: setting them up takes about fifteen seconds.  The
tests share them, so each test writes aliases of its own name.  The users
are those of :class:`~keystone_server.KeystoneFixture`: ``admin``, a
``reader``, and the service users ``nova`` (the compute nodes) and
``pci-alias`` (the service's own).
"""

import functools
import json
import os
import socket
import time

import fixtures
from oslo_config import cfg
from oslotest import base
import requests
from testtools import content

from nova_pci_alias import registry
from nova_pci_alias.tests.functional.keystone import alias_service
from nova_pci_alias.tests.functional.keystone import deployment
from nova_pci_alias.tests.functional.keystone import keystone_server

#: Seconds an HTTP request of a test may take.
TIMEOUT = 30

#: Seconds one ``openstack`` or ``nova-pci-alias`` command may take.
COMMAND_DEADLINE = 60

_cloud = deployment.DeploymentFixture()


def setUpModule():
    _cloud.setUp()


def tearDownModule():
    _cloud.cleanUp()


@functools.lru_cache(maxsize=None)
def session_of(credentials):
    """One keystoneauth1 session per user: it keeps its token."""
    return credentials.session()


def entry(vendor_id='10de', product_id='1db6', **fields):
    return dict(fields, vendor_id=vendor_id, product_id=product_id)


class KeystoneTestCase(base.BaseTestCase):
    """Requests to the module's alias service, with or without a token."""

    def setUp(self):
        super().setUp()
        self.keystone = _cloud.keystone
        self.service = _cloud.service
        self.addOnException(self._attach_service_log)

    def _attach_service_log(self, exc_info):
        self.addDetail('alias-service-log', content.text_content(
            self.service.log[-20000:]))
        self.addDetail('alias-service-gunicorn', content.text_content(
            self.service.server.output[-20000:]))

    def request(self, method, path, credentials=None, token=None,
                **kwargs):
        """Send a request; ``credentials`` (or ``token``) authenticates it.

        The token of ``credentials`` is that user's, got once per test run.
        """
        headers = kwargs.pop('headers', {})
        if credentials is not None:
            token = session_of(credentials).get_token()
        if token is not None:
            headers['X-Auth-Token'] = token
        return requests.request(method, self.service.url + path,
                                headers=headers, timeout=TIMEOUT, **kwargs)

    def put(self, name, entries, credentials=None, **kwargs):
        """``PUT /v1/aliases/NAME``, as admin unless told otherwise."""
        return self.request(
            'PUT', '/v1/aliases/' + name,
            credentials or self.keystone.admin,
            json={'entries': entries}, **kwargs)

    def put_ok(self, name, entries):
        """``PUT`` as admin, which must succeed; return the response."""
        response = self.put(name, entries)
        self.assertIn(response.status_code, (200, 201), response.text)
        return response


class TestKeystoneFixture(KeystoneTestCase):

    def test_service_user_has_the_service_role(self):
        token = self.keystone.nova.token()
        validated = self.keystone.admin.session().get(
            self.keystone.auth_url + '/auth/tokens',
            headers={'X-Subject-Token': token}).json()['token']
        self.assertIn('service',
                      [role['name'] for role in validated['roles']])

    def test_catalog_has_the_alias_service(self):
        endpoint = self.keystone.nova.session().get_endpoint(
            service_type=keystone_server.SERVICE_TYPE, interface='public')
        self.assertEqual(self.service.url, endpoint)


class TestAuthentication(KeystoneTestCase):

    def test_version_document_needs_no_token(self):
        response = self.request('GET', '/')
        self.assertEqual(
            (200, 'v1.0'),
            (response.status_code, response.json()['versions'][0]['id']))

    def test_healthcheck_needs_no_token(self):
        self.assertEqual(200, self.request('GET', '/healthcheck').status_code)

    def test_anonymous_read_is_unauthorized(self):
        response = self.request('GET', '/v1/aliases')
        self.assertEqual((401, True), (
            response.status_code, 'WWW-Authenticate' in response.headers))

    def test_invalid_token_is_unauthorized(self):
        response = self.request('GET', '/v1/aliases', token='not-a-token')
        self.assertEqual(401, response.status_code)

    def test_unauthorized_is_an_api_sig_error(self):
        response = self.request('GET', '/v1/aliases')
        self.assertEqual(401, response.json()['errors'][0]['status'])


class TestPolicy(KeystoneTestCase):

    def test_reader_reads_the_document(self):
        response = self.request('GET', '/v1/aliases', self.keystone.reader)
        self.assertEqual(200, response.status_code)

    def test_service_user_reads_the_document(self):
        response = self.request('GET', '/v1/aliases', self.keystone.nova)
        self.assertEqual(200, response.status_code)

    def test_reader_cannot_write(self):
        response = self.put('reader-gpu', [entry()], self.keystone.reader)
        self.assertEqual(403, response.status_code)

    def test_reader_cannot_delete(self):
        self.put_ok('kept-gpu', [entry()])
        response = self.request('DELETE', '/v1/aliases/kept-gpu',
                                self.keystone.reader)
        self.assertEqual(403, response.status_code)

    def test_reader_cannot_read_the_history(self):
        response = self.request('GET', '/v1/history', self.keystone.reader)
        self.assertEqual(403, response.status_code)

    def test_admin_creates_an_alias(self):
        response = self.put('admin-gpu', [entry()])
        self.assertEqual(201, response.status_code, response.text)

    def test_admin_replaces_an_alias(self):
        self.put_ok('replaced-gpu', [entry()])
        response = self.put('replaced-gpu', [entry(product_id='1db4')])
        self.assertEqual(200, response.status_code, response.text)

    def test_reader_reads_what_the_admin_wrote(self):
        self.put_ok('read-gpu', [entry(product_id='20b0')])
        response = self.request('GET', '/v1/aliases/read-gpu',
                                self.keystone.reader)
        self.assertEqual(
            '20b0', response.json()['entries'][0]['product_id'])

    def test_admin_deletes_an_alias(self):
        self.put_ok('deleted-gpu', [entry()])
        response = self.request('DELETE', '/v1/aliases/deleted-gpu',
                                self.keystone.admin)
        self.assertEqual(204, response.status_code, response.text)

    def change(self, revision):
        """The summary of ``revision`` in ``GET /v1/history``."""
        history = self.request('GET', '/v1/history',
                               self.keystone.admin).json()['history']
        change, = [change for change in history
                   if change['revision'] == revision]
        return change

    def test_history_names_the_admin(self):
        revision = self.put_ok('history-gpu', [entry()]).json()['revision']
        self.assertEqual(self.keystone.user_id(self.keystone.admin),
                         self.change(revision)['user_id'])

    def test_history_names_the_request(self):
        response = self.put_ok('request-gpu', [entry()])
        self.assertEqual(
            response.headers['X-OpenStack-Request-ID'],
            self.change(response.json()['revision'])['request_id'])

    def test_change_shows_the_table_after(self):
        revision = self.put_ok('after-gpu', [entry()]).json()['revision']
        change = self.request('GET', '/v1/history/%d' % revision,
                              self.keystone.admin).json()
        self.assertIn('after-gpu', [e['name'] for e in change['after']])

    def test_restore_brings_back_an_old_table(self):
        revision = self.put_ok('restored-gpu', [entry()]).json()['revision']
        self.put_ok('restored-gpu', [entry(product_id='1db4')])
        restored = self.request(
            'POST', '/v1/history/%d/restore' % revision,
            self.keystone.admin)
        self.assertEqual(200, restored.status_code, restored.text)
        response = self.request('GET', '/v1/aliases/restored-gpu',
                                self.keystone.reader)
        self.assertEqual(
            '1db6', response.json()['entries'][0]['product_id'])

    def test_reader_cannot_restore(self):
        revision = self.put_ok('unrestored-gpu',
                               [entry()]).json()['revision']
        response = self.request(
            'POST', '/v1/history/%d/restore' % revision,
            self.keystone.reader)
        self.assertEqual(403, response.status_code)

    def test_write_on_a_stale_etag_is_refused(self):
        response = self.put('stale-gpu', [entry()],
                            headers={'If-Match': '"not-the-etag"'})
        self.assertEqual(412, response.status_code, response.text)

    def test_write_on_the_current_etag_succeeds(self):
        etag = self.request('GET', '/v1/aliases',
                            self.keystone.reader).headers['ETag']
        response = self.put('current-gpu', [entry()],
                            headers={'If-Match': etag})
        self.assertEqual(201, response.status_code, response.text)


class TestComputeNode(KeystoneTestCase):
    """A compute node's ``remote`` source, authenticated as ``nova``.

    The node finds the service in the catalog (service type
    ``pci-alias``), as :func:`alias_service.compute_conf_text` configures
    it.
    """

    def registry(self, credentials):
        directory = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(directory, 'compute.conf')
        with open(path, 'w') as f:
            f.write(alias_service.compute_conf_text(credentials))
        conf = cfg.ConfigOpts()
        conf(args=[], default_config_files=[path])
        return registry.AliasRegistry.from_config(conf)

    def test_fleet_view_lists_the_node_to_admins_only(self):
        node = self.registry(self.keystone.nova)
        node.get_table()
        # The second request carries the node's report of the first.
        node.refresh()
        me = (socket.gethostname(), os.getpid())
        deadline = time.monotonic() + TIMEOUT
        listed = False
        while not listed and time.monotonic() < deadline:
            rows = self.request('GET', '/v1/consumers',
                                self.keystone.admin).json()['consumers']
            listed = me in [(row['host'], row['pid']) for row in rows]
            time.sleep(0.1)
        reader = self.request('GET', '/v1/consumers', self.keystone.reader)
        self.assertEqual((True, 403), (listed, reader.status_code))

    def test_remote_source_sees_a_change_on_its_next_refresh(self):
        node = self.registry(self.keystone.nova)
        node.get_table()
        self.put_ok('compute-gpu', [entry()])
        node.refresh()
        self.assertIn('compute-gpu', node.get_table())

    def test_remote_source_with_an_application_credential(self):
        credentials = self.keystone.create_application_credential(
            self.keystone.nova, 'pci-alias-reader', 'service')
        node = self.registry(credentials)
        self.put_ok('app-credential-gpu', [entry()])
        self.assertIn('app-credential-gpu', node.get_table())

    def test_token_expiring_between_two_refreshes(self):
        # The node logs in to the Keystone process whose tokens last
        # SHORT_EXPIRATION seconds.  A token that keystoneauth1 holds and
        # that expires within two minutes is replaced before a request, and
        # one that the service refuses (401) is replaced once and the
        # request sent again: either way the second refresh succeeds.
        credentials = self.keystone.nova._replace(
            auth_url=_cloud.short_auth_url)
        node = self.registry(credentials)
        node.get_table()
        first_token = credentials.token()
        self.put_ok('expiry-gpu', [entry()])
        self.wait_until_refused(first_token)
        node.refresh()
        self.assertIn('expiry-gpu', node.get_table())

    def test_token_revoked_between_two_refreshes(self):
        # The token that keystoneauth1 holds is not about to expire: it
        # sends it, the service refuses it (401), and keystoneauth1 gets a
        # new one and sends the request again, once.
        credentials = self.keystone.create_user('nova-revoked', 'service',
                                                'service')
        node = self.registry(credentials)
        node.get_table()
        self.keystone.revoke_tokens(credentials)
        self.put_ok('revoked-gpu', [entry()])
        node.refresh()
        self.assertIn('revoked-gpu', node.get_table())

    def wait_until_refused(self, token,
                           deadline=deployment.SHORT_EXPIRATION + 30):
        """Wait until Keystone refuses ``token``, which has expired."""
        session = self.keystone.admin.session()
        give_up = time.monotonic() + deadline
        while session.get(
                self.keystone.auth_url + '/auth/tokens', raise_exc=False,
                headers={'X-Subject-Token': token}).status_code == 200:
            if time.monotonic() > give_up:
                self.fail('the token is still valid after %d s' % deadline)
            time.sleep(0.5)


class TestCommands(KeystoneTestCase):
    """The real ``openstack`` and ``nova-pci-alias`` commands."""

    def run_command(self, argv):
        environ = {name: value for name, value in os.environ.items()
                   if not name.startswith('OS_')}
        environ['HOME'] = self.useFixture(fixtures.TempDir()).path
        return keystone_server.run_command(
            argv, deadline=COMMAND_DEADLINE, env=environ)

    def openstack(self, credentials, *args):
        """Run ``openstack ARGS`` as ``credentials``; return its stdout."""
        return self.run_command(
            [keystone_server.bin_path('openstack')]
            + credentials.openstack_args() + list(args)).stdout

    def osc_json(self, credentials, *args):
        """Run ``openstack pci alias ARGS -f json``; return its output."""
        return json.loads(self.openstack(credentials, 'pci', 'alias',
                                         *args, '-f', 'json'))

    def served_product_id(self, name):
        """The product id of alias ``name``'s entry, read with the API."""
        response = self.request('GET', '/v1/aliases/' + name,
                                self.keystone.reader)
        self.assertEqual(200, response.status_code, response.text)
        return response.json()['entries'][0]['product_id']

    def test_openstack_set(self):
        self.osc_json(self.keystone.admin, 'set', 'osc-set-gpu', '--entry',
                      json.dumps(entry(product_id='1eb8')))
        self.assertEqual('1eb8', self.served_product_id('osc-set-gpu'))

    def test_openstack_set_as_reader_is_refused(self):
        error = self.assertRaises(
            AssertionError, self.osc_json, self.keystone.reader, 'set',
            'osc-reader-gpu', '--entry', json.dumps(entry()))
        self.assertIn('403 Forbidden', str(error))

    def test_openstack_list(self):
        self.put_ok('osc-listed-gpu', [entry()])
        rows = self.osc_json(self.keystone.reader, 'list')
        self.assertIn('osc-listed-gpu', [row['name'] for row in rows])

    def test_openstack_show(self):
        self.put_ok('osc-shown-gpu', [entry(product_id='1eb8')])
        shown = self.osc_json(self.keystone.reader, 'show', 'osc-shown-gpu')
        self.assertEqual('1eb8', shown['entries'][0]['product_id'])

    def test_openstack_delete(self):
        self.put_ok('osc-deleted-gpu', [entry()])
        self.openstack(self.keystone.admin, 'pci', 'alias', 'delete',
                       'osc-deleted-gpu')
        response = self.request('GET', '/v1/aliases/osc-deleted-gpu',
                                self.keystone.reader)
        self.assertEqual(404, response.status_code)

    def test_openstack_history_names_the_admin(self):
        revision = self.put_ok('osc-history-gpu',
                               [entry()]).json()['revision']
        rows = self.osc_json(self.keystone.admin, 'history')
        change, = [row for row in rows if row['revision'] == revision]
        self.assertEqual(self.keystone.user_id(self.keystone.admin),
                         change['user_id'])

    def test_openstack_restore(self):
        revision = self.put_ok('osc-restored-gpu',
                               [entry()]).json()['revision']
        self.put_ok('osc-restored-gpu', [entry(product_id='1db4')])
        self.osc_json(self.keystone.admin, 'restore', str(revision))
        self.assertEqual('1db6', self.served_product_id('osc-restored-gpu'))

    def test_translate_as_the_service_user(self):
        self.put_ok('cli-gpu', [entry(product_id='2236')])
        directory = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(directory, 'compute.conf')
        with open(path, 'w') as f:
            f.write(alias_service.compute_conf_text(self.keystone.nova))
        output = self.run_command(
            [keystone_server.bin_path('nova-pci-alias'), '--config-file',
             path, 'translate', 'cli-gpu:1']).stdout
        spec, = json.loads(output)[0]['spec']
        self.assertEqual('2236', spec['product_id'])
