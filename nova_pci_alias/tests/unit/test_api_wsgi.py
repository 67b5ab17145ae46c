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

"""Tests of the alias service's WSGI application factory."""

import json
import urllib.request

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias.api import wsgi
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import test_api_cmd

CONF_TEXT = """
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
[pci_alias_api]
cache_max_age = 30
"""


class TestConfigFilesFromEnvironment(base.BaseTestCase):

    def test_files_are_separated_by_semicolons(self):
        self.assertEqual(
            ['/etc/nova/nova.conf', '/etc/nova/api.conf'],
            wsgi.config_files_from_environment({
                wsgi.CONFIG_FILES_ENV:
                    '/etc/nova/nova.conf; /etc/nova/api.conf;'}))

    def test_unset_means_the_usual_places(self):
        self.assertIsNone(wsgi.config_files_from_environment({}))


class TestInitApplication(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(test_api_cmd.LoggingSetupFixture())
        self.tmp = self.useFixture(fixtures.TempDir())
        self.path = self.tmp.join('nova.conf')
        with open(self.path, 'w') as f:
            f.write(CONF_TEXT)
        self.useFixture(fixtures.EnvironmentVariable(wsgi.CONFIG_FILES_ENV,
                                                     self.path))

    def get(self, application):
        server = self.useFixture(httpserver.WSGIServerFixture(application))
        with urllib.request.urlopen(server.url + '/v1/aliases',
                                    timeout=5) as response:
            return response.headers, json.load(response)

    def test_reads_the_files_of_the_environment(self):
        _, body = self.get(wsgi.init_application(conf=cfg.ConfigOpts()))
        self.assertEqual(['gpu'], [e['name'] for e in body['aliases']])

    def test_options_of_the_files_apply(self):
        headers, _ = self.get(wsgi.init_application(conf=cfg.ConfigOpts()))
        self.assertEqual('max-age=30', headers['Cache-Control'])

    def test_missing_file_is_a_configuration_error(self):
        self.assertRaises(cfg.ConfigFilesNotFoundError,
                          wsgi.init_application,
                          config_files=[self.tmp.join('missing.conf')],
                          conf=cfg.ConfigOpts())

    def test_application_is_built_on_first_access(self):
        self.addCleanup(vars(wsgi).pop, 'application', None)
        _, body = self.get(wsgi.application)
        self.assertEqual(['gpu'], [e['name'] for e in body['aliases']])

    def test_application_is_built_once(self):
        self.addCleanup(vars(wsgi).pop, 'application', None)
        self.assertIs(wsgi.application, wsgi.application)

    def test_other_attributes_do_not_exist(self):
        self.assertRaises(AttributeError, getattr, wsgi, 'no_such_thing')
