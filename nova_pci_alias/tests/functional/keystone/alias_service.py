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

"""The alias service under gunicorn, behind a real Keystone.

:class:`AliasServiceFixture` deploys the service as a controller runs it:
the ``database`` source on a SQLite file whose schema
``nova-pci-alias-manage db sync`` created, keystonemiddleware's
``auth_token`` configured in ``[keystone_authtoken]`` to validate tokens
with the alias service's own Keystone user (and to cache none, so that a
revoked token is refused at once), and gunicorn with the documented entry
point.  :func:`compute_conf_text` is the configuration of
a compute node that reads the service with the ``remote`` source as a
service user.
"""

import os

import fixtures

from nova_pci_alias.tests.functional.keystone import keystone_server
from nova_pci_alias.tests.unit.wsgi import servers

#: Seconds the alias service may take to answer its first request.
START_DEADLINE = 60

CONF_TEXT = """
[DEFAULT]
log_file = {directory}/api.log
[pci_alias]
sources = database
[pci_alias_database]
connection = sqlite:///{directory}/aliases.db
[pci_alias_api]
auth_strategy = {auth_strategy}
cache_max_age = 0
[keystone_authtoken]
www_authenticate_uri = {auth_url}
# Ask Keystone about every token, so that a revoked one is refused at once.
token_cache_time = -1
{credentials}"""

COMPUTE_CONF_TEXT = """
[pci_alias]
sources = remote
[pci_alias_remote]
allow_insecure_http = true
{location}
{credentials}"""


def compute_conf_text(credentials, url=None):
    """The configuration of a compute node reading the alias service.

    :param credentials: the node's service user, a
        :class:`~keystone_server.Credentials`, or its
        :class:`~keystone_server.ApplicationCredential`.
    :param url: the alias document's URL; without it, the service is found
        in the catalog by its service type (its internal endpoint, as the
        source chooses by default).
    """
    location = ('url = %s' % url if url else
                'service_type = %s' % keystone_server.SERVICE_TYPE)
    return COMPUTE_CONF_TEXT.format(
        location=location, credentials=credentials.config_lines())


class AliasServiceFixture(fixtures.Fixture):
    """``nova-pci-alias-api`` under gunicorn, authenticating with Keystone.

    :param keystone: a set up :class:`~keystone_server.KeystoneFixture`.
    :param auth_strategy: ``[pci_alias_api] auth_strategy``.

    Attributes, once set up: ``url`` (the service root), ``conf_path``
    (its configuration, for ``nova-pci-alias-manage``), ``log_file`` and
    ``server`` (the :class:`servers.WSGIServerProcess`).
    """

    def __init__(self, keystone, auth_strategy='keystone'):
        super().__init__()
        self.keystone = keystone
        self.auth_strategy = auth_strategy

    def _setUp(self):
        directory = self.useFixture(fixtures.TempDir()).path
        self.conf_path = os.path.join(directory, 'pci-alias-api.conf')
        self.log_file = os.path.join(directory, 'api.log')
        with open(self.conf_path, 'w') as f:
            f.write(CONF_TEXT.format(
                directory=directory, auth_strategy=self.auth_strategy,
                auth_url=self.keystone.auth_url,
                credentials=self.keystone.pci_alias.config_lines()))
        self.manage('db', 'sync')
        self.server = self.useFixture(servers.WSGIServerProcess(
            [keystone_server.bin_path('gunicorn'), '--bind',
             '127.0.0.1:{port}', '--workers', '1', '--threads', '4',
             servers.ENTRY_POINT],
            environ={'NOVA_PCI_ALIAS_CONFIG_FILES': self.conf_path}))
        self.server.wait_until_serving('/healthcheck',
                                       deadline=START_DEADLINE)
        self.url = self.server.url

    def manage(self, *args):
        """Run ``nova-pci-alias-manage`` on the service's database."""
        return keystone_server.run_command(
            [keystone_server.bin_path('nova-pci-alias-manage'),
             '--config-file', self.conf_path] + list(args))

    @property
    def log(self):
        """What the service logged."""
        try:
            with open(self.log_file, errors='replace') as log:
                return log.read()
        except FileNotFoundError:
            return ''
