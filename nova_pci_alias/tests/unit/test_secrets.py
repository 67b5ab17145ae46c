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

"""No credential of this package's options is printed by log_opt_values.

Nova (like every oslo.config service) logs all its options at start-up
with ``log_opt_values``; only options marked ``secret`` are masked.  These
tests write a configuration file with a credential in every option of this
package's groups that can carry one, load it as a service would, and dump
it.
"""

import logging
import os
import re

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias import opts
from nova_pci_alias.service import options as api_options
from nova_pci_alias.sources.database import options as database_options
from nova_pci_alias.sources.remote import http as remote_http
from nova_pci_alias.sources.remote import options as remote_opts

# Each secret is a word found nowhere else in the dump.
_COMMON = """
[pci_alias]
sources = database, remote

[pci_alias_api]
cache_max_age = 30

[pci_alias_database]
connection = mysql+pymysql://nova:dbpassword1@db.example/aliases
slave_connection = mysql+pymysql://nova:dbpassword2@replica.example/aliases
connection_parameters = ssl_key_password=dbpassword3&charset=utf8

[pci_alias_remote]
url = https://alice:urlpassword1@inventory.example/aliases.json?sig=urlsig1
endpoint_override = https://bob:urlpassword2@inventory.example/?sig=urlsig2
auth_url = https://keystone.example/v3
"""

_PASSWORD = """
auth_type = v3password
username = nova
password = kspassword1
user_domain_name = Default
project_name = service
project_domain_name = Default
"""

_APPLICATION_CREDENTIAL = """
auth_type = v3applicationcredential
application_credential_id = 0123456789abcdef
application_credential_secret = appcredsecret1
"""

_HTTP_BASIC = """
auth_type = http_basic
username = nova
password = basicpassword1
"""

_TOKEN = """
auth_type = v3token
token = kstoken1
"""

_SECRET = re.compile(r'(?:dbpassword|urlpassword|urlsig|kspassword'
                     r'|appcredsecret|basicpassword|kstoken)\d')


class TestLogOptValues(base.BaseTestCase):

    def dump(self, auth_options):
        """Load a configuration file as a service does; return the dump."""
        directory = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(directory, 'nova.conf')
        with open(path, 'w') as conf_file:
            conf_file.write(_COMMON + auth_options)
        conf = cfg.ConfigOpts()
        self.addCleanup(conf.reset)
        opts.register_opts(conf)
        api_options.register_opts(conf)
        database_options.register_opts(conf)
        remote_opts.register_opts(conf)
        conf(['--config-file', path], project='nova',
             default_config_dirs=[])
        # Loading the auth plugin registers its options, as the remote
        # source does before its first request.
        remote_http.DocumentClient(conf)
        logger = self.useFixture(fixtures.FakeLogger(
            name='test_secrets', level=logging.DEBUG))
        conf.log_opt_values(logging.getLogger('test_secrets'),
                            logging.DEBUG)
        return logger.output

    def secrets_in(self, auth_options):
        return sorted(set(_SECRET.findall(self.dump(auth_options))))

    def masked_in(self, auth_options):
        return sorted(re.findall(r'^(\S+)\s+= \*\*\*\*$',
                                 self.dump(auth_options), re.MULTILINE))

    def test_no_secret_with_a_password(self):
        self.assertEqual([], self.secrets_in(_PASSWORD))

    def test_no_secret_with_an_application_credential(self):
        self.assertEqual([], self.secrets_in(_APPLICATION_CREDENTIAL))

    def test_no_secret_with_http_basic(self):
        self.assertEqual([], self.secrets_in(_HTTP_BASIC))

    def test_no_secret_with_a_token(self):
        self.assertEqual([], self.secrets_in(_TOKEN))

    def test_credential_options_are_masked(self):
        self.assertEqual([
            'pci_alias_database.connection',
            'pci_alias_database.connection_parameters',
            'pci_alias_database.slave_connection',
            'pci_alias_remote.endpoint_override',
            'pci_alias_remote.password',
            'pci_alias_remote.url',
        ], self.masked_in(_PASSWORD))
