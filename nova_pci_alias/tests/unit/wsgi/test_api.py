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

"""Tests of the alias service's WSGI factory and entry point.

:class:`TestGunicorn` runs the documented gunicorn command in a process of
its own, on 127.0.0.1, with
:class:`~nova_pci_alias.tests.unit.wsgi.servers.WSGIServerProcess`.
"""

import gc
import importlib
import os
import sys

from oslo_config import cfg
from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias.service import wsgi
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.wsgi import servers

#: The module of :data:`servers.ENTRY_POINT`.
ENTRY_MODULE = 'nova_pci_alias.wsgi.api'


class TestConfigFilesFromEnvironment(base.BaseTestCase):

    def test_files_are_separated_by_semicolons(self):
        self.assertEqual(
            ['/etc/nova/nova.conf', '/etc/nova/api.conf'],
            wsgi.config_files_from_environment({
                wsgi.CONFIG_FILES_ENV:
                    '/etc/nova/nova.conf; /etc/nova/api.conf;'}))

    def test_unset_means_the_usual_places(self):
        self.assertIsNone(wsgi.config_files_from_environment({}))


class InProcessTestCase(base.BaseTestCase):

    conf_text = servers.CONF_TEXT

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(
            fakes.LoggingSetupFixture()).logger
        self.config = self.useFixture(servers.ConfigFileFixture(
            self.conf_text, log_to_file=True))

    def serve(self, application):
        return self.useFixture(httpserver.WSGIServerFixture(application)).url


class TestInitApplication(InProcessTestCase):

    def test_reads_the_files_of_the_environment(self):
        url = self.serve(wsgi.init_application(conf=cfg.ConfigOpts()))
        self.assertEqual(['gpu'],
                         servers.names(servers.get(url + '/v1/aliases')[2]))

    def test_options_of_the_files_apply(self):
        url = self.serve(wsgi.init_application(conf=cfg.ConfigOpts()))
        headers = servers.get(url + '/v1/aliases')[1]
        self.assertEqual('max-age=30', headers['Cache-Control'])

    def test_missing_file_is_a_configuration_error(self):
        self.assertRaises(cfg.ConfigFilesNotFoundError,
                          wsgi.init_application,
                          config_files=[self.config.directory + '/nope'],
                          conf=cfg.ConfigOpts())

    def test_factory_module_builds_nothing_on_import(self):
        # cmd.api imports it; only nova_pci_alias.wsgi.api builds.
        self.assertNotIn('application', vars(wsgi))


class TestNoSources(InProcessTestCase):

    conf_text = servers.NO_SOURCES_CONF_TEXT

    def test_application_is_not_built(self):
        self.assertRaises(exception.AliasSourcesMisconfigured,
                          wsgi.init_application, conf=cfg.ConfigOpts())

    def test_refusal_is_logged(self):
        log_file = self.config.log_file
        self.assertRaises(exception.AliasSourcesMisconfigured,
                          wsgi.init_application, conf=cfg.ConfigOpts())
        with open(log_file) as f:
            self.assertIn('CRITICAL nova_pci_alias.service.wsgi [-] The PCI '
                          'alias service cannot start: [pci_alias] sources '
                          'is not set', f.read())


class TestRequestIdInTheLogFile(InProcessTestCase):
    """The service's own log file, written by oslo.log as configured."""

    conf_text = servers.INVALID_CONF_TEXT

    def test_reason_of_a_503_is_logged_under_its_request_id(self):
        log_file = self.config.log_file
        url = self.serve(wsgi.init_application(conf=cfg.ConfigOpts()))
        _, headers, _ = servers.get(url + '/v1/aliases')
        with open(log_file) as f:
            lines = [line for line in f
                     if headers['X-OpenStack-Request-Id'] in line]
        self.assertIn("Invalid PCI alias definition", ''.join(lines))


class TestEntryPointModule(InProcessTestCase):
    """``nova_pci_alias.wsgi.api``, imported as a WSGI server does."""

    def import_entry_module(self):
        self.addCleanup(sys.modules.pop, ENTRY_MODULE, None)
        sys.modules.pop(ENTRY_MODULE, None)
        # The test process's objects go back to the collector afterwards.
        self.addCleanup(gc.unfreeze)
        return importlib.import_module(ENTRY_MODULE)

    def test_start_up_is_left_out_of_full_collections(self):
        gc.unfreeze()
        self.import_entry_module()
        self.assertGreater(gc.get_freeze_count(), 0)

    def test_application_is_in_the_module_namespace(self):
        # uWSGI reads the callable from the module's dictionary, where a
        # module __getattr__ is never asked.
        self.assertIn('application', vars(self.import_entry_module()))

    def test_application_serves_the_files_of_the_environment(self):
        url = self.serve(self.import_entry_module().application)
        self.assertEqual(['gpu'],
                         servers.names(servers.get(url + '/v1/aliases')[2]))


class TestGunicorn(servers.ServerCommandTests, base.BaseTestCase):
    """The documented gunicorn command (doc/source/admin/service.rst)."""

    SERVER = os.path.join(os.path.dirname(sys.executable), 'gunicorn')
    #: As documented, with the port of the test.
    ARGV = ['--bind', '127.0.0.1:{port}', '--workers', '2', '--threads',
            '4', servers.ENTRY_POINT]

    def setUp(self):
        super().setUp()
        if not os.path.exists(self.SERVER):
            self.skipTest('gunicorn is not installed beside %s (it is in '
                          'test-requirements.txt)' % sys.executable)
