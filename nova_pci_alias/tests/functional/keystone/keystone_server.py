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

"""A real Keystone on 127.0.0.1: SQLite, fernet tokens, gunicorn.

:class:`KeystoneFixture` sets up a Keystone as a deployer does, with
``keystone-manage`` (``db_sync``, ``fernet_setup``, ``credential_setup``,
``bootstrap``) in a temporary directory, serves it with gunicorn on a free
port, and creates with the identity API the users of the tests: a reader,
the compute nodes' service user and the alias service's own.  Each user is
a :class:`Credentials`, which gives a keystoneauth1 session or the
``openstack`` command's options.

:meth:`KeystoneFixture.add_server` serves the same Keystone (database and
keys) from a second process with another configuration, e.g. tokens that
expire after a few seconds: fernet tokens carry their expiry, so either
process validates the other's tokens.
"""

import collections
import grp
import os
import pwd
import subprocess
import sys
import time

import fixtures
from keystoneauth1 import identity
from keystoneauth1 import session as ks_session

from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit.wsgi import servers

#: The WSGI entry point of Keystone, wrapped for gunicorn.
ENTRY_POINT = 'nova_pci_alias.tests.functional.keystone.keystone_wsgi:' \
              'application'

#: The password of every user of the fixture.
PASSWORD = 'secret-7c1e'

#: The service type of the alias service in the catalog.
SERVICE_TYPE = 'pci-alias'

#: Seconds each ``keystone-manage`` command may take.
MANAGE_DEADLINE = 120

#: Seconds the Keystone server may take to answer its first request.
START_DEADLINE = 60

CONF_TEXT = """
[DEFAULT]
debug = false
[database]
connection = sqlite:///{directory}/keystone.db
[token]
provider = fernet
expiration = {expiration}
[fernet_tokens]
key_repository = {directory}/fernet-keys
[fernet_receipts]
key_repository = {directory}/fernet-keys
[credential]
key_repository = {directory}/credential-keys
"""


def bin_path(program):
    """The path of ``program`` installed beside the running interpreter."""
    return os.path.join(os.path.dirname(sys.executable), program)


class Credentials(collections.namedtuple('Credentials', [
        'auth_url', 'username', 'project_name'])):
    """A user of the fixture's Keystone, scoped to one project.

    Every user is in the ``Default`` domain, with :data:`PASSWORD`.
    """

    __slots__ = ()

    def auth_options(self):
        """The options of a keystoneauth1 ``password`` plugin, by name."""
        return {'auth_url': self.auth_url, 'username': self.username,
                'password': PASSWORD, 'project_name': self.project_name,
                'user_domain_name': 'Default',
                'project_domain_name': 'Default'}

    def session(self):
        """A keystoneauth1 session that authenticates as this user."""
        return ks_session.Session(
            auth=identity.Password(**self.auth_options()))

    def token(self):
        """A new token of this user."""
        return self.session().get_token()

    def config_lines(self):
        """The options as lines of an oslo.config group (auth_type too)."""
        options = dict(self.auth_options(), auth_type='password')
        return ''.join('%s = %s\n' % item for item in sorted(options.items()))

    def openstack_args(self):
        """The ``openstack`` command's options that log in as this user."""
        return ['--os-auth-type', 'password',
                '--os-auth-url', self.auth_url,
                '--os-identity-api-version', '3',
                '--os-username', self.username,
                '--os-password', PASSWORD,
                '--os-project-name', self.project_name,
                '--os-user-domain-name', 'Default',
                '--os-project-domain-name', 'Default',
                '--os-interface', 'public']


class ApplicationCredential(collections.namedtuple(
        'ApplicationCredential', ['auth_url', 'id', 'secret'])):
    """An application credential of a user of the fixture's Keystone."""

    __slots__ = ()

    def config_lines(self):
        """The options as lines of an oslo.config group (auth_type too)."""
        return ('auth_type = v3applicationcredential\nauth_url = %s\n'
                'application_credential_id = %s\n'
                'application_credential_secret = %s\n'
                % (self.auth_url, self.id, self.secret))


def run_command(argv, deadline=MANAGE_DEADLINE, **kwargs):
    """Run ``argv`` to its end; return the completed process.

    :raises AssertionError: the command failed or outlived ``deadline``
        seconds; with what it wrote.
    """
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True,
                              timeout=deadline, **kwargs)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError('%s did not end within %d s:\n%s%s' % (
            ' '.join(argv), deadline, exc.stdout or '', exc.stderr or ''))
    if done.returncode != 0:
        raise AssertionError('%s exited with %d:\n%s%s' % (
            ' '.join(argv), done.returncode, done.stdout, done.stderr))
    return done


class KeystoneFixture(fixtures.Fixture):
    """A Keystone set up with keystone-manage and served by gunicorn.

    :param token_expiration: ``[token] expiration`` of the server, seconds.

    Attributes, once set up: ``url`` (the server's root), ``auth_url``
    (its ``/v3``), ``directory`` (the configuration, database and keys),
    and the :class:`Credentials` ``admin`` (the bootstrap admin, project
    ``admin``), ``reader`` (role ``reader`` in project ``demo``), ``nova``
    (role ``service`` in project ``service``: the compute nodes) and
    ``pci_alias`` (the same roles: the alias service's own user, which
    validates the tokens).  The identity service's public and internal
    endpoints are ``auth_url``; the ``pci-alias`` service has no endpoint
    until :meth:`register_endpoint` gives it one.
    """

    def __init__(self, token_expiration=3600):
        super().__init__()
        self.token_expiration = token_expiration

    def _setUp(self):
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.conf_path = self.write_conf('keystone.conf',
                                         self.token_expiration)
        self.port = remote_servers.closed_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.auth_url = self.url + '/v3'
        self._manage('db_sync')
        owner = ['--keystone-user', pwd.getpwuid(os.getuid()).pw_name,
                 '--keystone-group', grp.getgrgid(os.getgid()).gr_name]
        self._manage('fernet_setup', *owner)
        self._manage('credential_setup', *owner)
        self._manage('bootstrap', '--bootstrap-password', PASSWORD,
                     '--bootstrap-public-url', self.auth_url,
                     '--bootstrap-internal-url', self.auth_url,
                     '--bootstrap-region-id', 'RegionOne')
        self.server = self._serve(self.conf_path, port=self.port)
        self.admin = Credentials(self.auth_url, 'admin', 'admin')
        self._admin_session = self.admin.session()
        self._create_users()

    def write_conf(self, name, token_expiration):
        """Write a configuration file of this Keystone; return its path."""
        path = os.path.join(self.directory, name)
        with open(path, 'w') as f:
            f.write(CONF_TEXT.format(directory=self.directory,
                                     expiration=token_expiration))
        return path

    def _manage(self, *args):
        run_command([bin_path('keystone-manage'), '--config-file',
                     self.conf_path] + list(args))

    def _serve(self, conf_path, port=None):
        argv = [bin_path('gunicorn'), '--bind', '127.0.0.1:{port}',
                '--workers', '1', '--threads', '4', ENTRY_POINT]
        server = servers.WSGIServerProcess(
            argv, environ={'OS_KEYSTONE_CONFIG_FILES': conf_path}, port=port)
        self.useFixture(server)
        server.wait_until_serving('/v3', deadline=START_DEADLINE)
        return server

    def add_server(self, token_expiration):
        """Serve this Keystone from one more process, on a port of its own.

        :param token_expiration: ``[token] expiration`` of that process.
        :returns: its identity URL (``.../v3``); the process stops with
            this fixture.
        """
        conf_path = self.write_conf('keystone-%d.conf' % token_expiration,
                                    token_expiration)
        return self._serve(conf_path).url + '/v3'

    def _call(self, method, path, body=None):
        response = self._admin_session.request(
            self.auth_url + path, method, json=body, raise_exc=True)
        return response.json() if response.content else None

    def _create(self, kind, **fields):
        plural = kind + 's'
        return self._call('POST', '/' + plural, {kind: fields})[kind]['id']

    def _role_id(self, name):
        roles = self._call('GET', '/roles?name=' + name)['roles']
        return roles[0]['id'] if roles else self._create('role', name=name)

    def _project_id(self, name):
        found = self._call('GET', '/projects?name=' + name)['projects']
        return found[0]['id'] if found else self._create(
            'project', name=name, domain_id='default')

    def create_user(self, name, project, role):
        """Create user ``name`` with ``role`` in ``project``.

        :returns: the user's :class:`Credentials`.
        """
        project_id = self._project_id(project)
        user_id = self._create('user', name=name, password=PASSWORD,
                               domain_id='default',
                               default_project_id=project_id)
        self._call('PUT', '/projects/%s/users/%s/roles/%s' % (
            project_id, user_id, self._role_id(role)))
        return Credentials(self.auth_url, name, project)

    def _create_users(self):
        self.reader = self.create_user('reader', 'demo', 'reader')
        self.nova = self.create_user('nova', 'service', 'service')
        self.pci_alias = self.create_user('pci-alias', 'service', 'service')
        self.service_id = self._create(
            'service', type=SERVICE_TYPE, name='pci-alias',
            description='PCI aliases')

    def register_endpoint(self, url):
        """Give the ``pci-alias`` service ``url`` as endpoint.

        ``url`` is both the public and the internal endpoint, as the
        identity service's own URL is.
        """
        for interface in ('public', 'internal'):
            self._create('endpoint', service_id=self.service_id,
                         interface=interface, url=url, region_id='RegionOne')

    def create_application_credential(self, credentials, name, role):
        """Create, as ``credentials``, an application credential of ``role``.

        :returns: an :class:`ApplicationCredential`.
        """
        session = credentials.session()
        response = session.post(
            '%s/users/%s/application_credentials' % (
                self.auth_url, session.get_user_id()),
            json={'application_credential': {
                'name': name, 'roles': [{'name': role}]}})
        created = response.json()['application_credential']
        return ApplicationCredential(self.auth_url, created['id'],
                                     created['secret'])

    def revoke_tokens(self, credentials):
        """Revoke every token of a user: disable the user, enable it again.

        Returns a second later: Keystone counts a token issued in the same
        second as the revocation as revoked too.
        """
        user_id = self.user_id(credentials)
        for enabled in (False, True):
            self._call('PATCH', '/users/' + user_id,
                       {'user': {'enabled': enabled}})
        time.sleep(1)

    def user_id(self, credentials):
        """The user id of ``credentials``."""
        return credentials.session().get_user_id()
