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
its own, on 127.0.0.1; :class:`WSGIServerProcess` is shared with the uWSGI
test of the functional tests.
"""

import importlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias.service import wsgi
from nova_pci_alias.tests.unit.cmd import test_service as test_api_cmd
from nova_pci_alias.tests.unit import httpserver

CONF_TEXT = """
[pci_alias]
sources = config
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
[pci_alias_api]
cache_max_age = 30
"""

#: A configuration whose only alias is invalid: the service never loads.
INVALID_CONF_TEXT = """
[pci_alias]
sources = config
[pci]
alias = {"name": "gpu", "vendor_id": "nvidia", "product_id": "1db6"}
"""

#: A configuration that names no source.
NO_SOURCES_CONF_TEXT = """
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
"""

#: The WSGI entry point that the documentation gives the servers.
ENTRY_POINT = 'nova_pci_alias.wsgi.api:application'
ENTRY_MODULE = 'nova_pci_alias.wsgi.api'


def get(url, headers=None):
    """GET ``url``; return ``(status, headers, body)``, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


class ConfigFileFixture(fixtures.Fixture):
    """A configuration file, named in NOVA_PCI_ALIAS_CONFIG_FILES.

    ``path`` is the file; ``directory`` its temporary directory.  With
    ``log_to_file``, the service logs to ``log_file`` in that directory, as
    a deployed one does, so that a service built in the test's own process
    writes nothing on the console.
    """

    def __init__(self, text=CONF_TEXT, log_to_file=False):
        super().__init__()
        self.text = text
        self.log_to_file = log_to_file

    def _setUp(self):
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.directory, 'nova.conf')
        self.log_file = os.path.join(self.directory, 'api.log')
        with open(self.path, 'w') as f:
            f.write(self.text)
            if self.log_to_file:
                f.write('\n[DEFAULT]\nlog_file = %s\n' % self.log_file)
        self.useFixture(fixtures.EnvironmentVariable(wsgi.CONFIG_FILES_ENV,
                                                     self.path))


class WSGIServerProcess(fixtures.Fixture):
    """A WSGI server command running in a process of its own.

    :param argv: the command line, with ``{port}`` for a free port of
        127.0.0.1.

    ``url`` is the base URL; :meth:`wait_until_serving` returns once the
    service answers; ``output`` is what the process wrote.  The process
    runs with a temporary ``HOME`` (gunicorn puts its control socket
    there), in the environment of the test otherwise.
    """

    def __init__(self, argv):
        super().__init__()
        self.argv = argv

    def _setUp(self):
        self.port = test_api_cmd.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        tmp = self.useFixture(fixtures.TempDir())
        self._log = tmp.join('server.log')
        environ = dict(os.environ, HOME=tmp.path)
        with open(self._log, 'wb') as log:
            self.process = subprocess.Popen(
                [arg.format(port=self.port) for arg in self.argv],
                stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, cwd=tmp.path, env=environ)
        self.addCleanup(self._stop)

    def _stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    @property
    def output(self):
        with open(self._log, errors='replace') as log:
            return log.read()

    def wait_until_serving(self, path='/v1/aliases', deadline=60):
        """Wait for a first answer to ``path``; return ``get()``'s result.

        :raises AssertionError: the process ended, or did not answer
            within ``deadline`` seconds; with what it wrote.
        """
        give_up = time.monotonic() + deadline
        while True:
            try:
                return get(self.url + path)
            except OSError:
                # Not listening yet (URLError, ConnectionError), or
                # listening while its workers still load (TimeoutError).
                pass
            if self.process.poll() is not None:
                raise AssertionError('%s exited with %s:\n%s' % (
                    self.argv[0], self.process.returncode, self.output))
            if time.monotonic() > give_up:
                raise AssertionError('%s did not answer within %d s:\n%s'
                                     % (self.argv[0], deadline, self.output))
            time.sleep(0.2)

    def wait_for_exit(self, deadline=60):
        """Wait for the process to end by itself; return its exit code."""
        try:
            return self.process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            raise AssertionError('%s still runs after %d s:\n%s' % (
                self.argv[0], deadline, self.output))


def names(body):
    return [entry['name'] for entry in json.loads(body)['aliases']]


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

    conf_text = CONF_TEXT

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(
            test_api_cmd.LoggingSetupFixture()).logger
        self.config = self.useFixture(ConfigFileFixture(self.conf_text,
                                                        log_to_file=True))

    def serve(self, application):
        return self.useFixture(httpserver.WSGIServerFixture(application)).url


class TestInitApplication(InProcessTestCase):

    def test_reads_the_files_of_the_environment(self):
        url = self.serve(wsgi.init_application(conf=cfg.ConfigOpts()))
        self.assertEqual(['gpu'], names(get(url + '/v1/aliases')[2]))

    def test_options_of_the_files_apply(self):
        url = self.serve(wsgi.init_application(conf=cfg.ConfigOpts()))
        headers = get(url + '/v1/aliases')[1]
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

    conf_text = NO_SOURCES_CONF_TEXT

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

    conf_text = INVALID_CONF_TEXT

    def test_reason_of_a_503_is_logged_under_its_request_id(self):
        log_file = self.config.log_file
        url = self.serve(wsgi.init_application(conf=cfg.ConfigOpts()))
        _, headers, _ = get(url + '/v1/aliases')
        with open(log_file) as f:
            lines = [line for line in f
                     if headers['X-OpenStack-Request-Id'] in line]
        self.assertIn("Invalid PCI alias definition", ''.join(lines))


class TestEntryPointModule(InProcessTestCase):
    """``nova_pci_alias.wsgi.api``, imported as a WSGI server does."""

    def import_entry_module(self):
        self.addCleanup(sys.modules.pop, ENTRY_MODULE, None)
        sys.modules.pop(ENTRY_MODULE, None)
        return importlib.import_module(ENTRY_MODULE)

    def test_application_is_in_the_module_namespace(self):
        # uWSGI reads the callable from the module's dictionary, where a
        # module __getattr__ is never asked.
        self.assertIn('application', vars(self.import_entry_module()))

    def test_application_serves_the_files_of_the_environment(self):
        url = self.serve(self.import_entry_module().application)
        self.assertEqual(['gpu'], names(get(url + '/v1/aliases')[2]))


class TestGunicorn(base.BaseTestCase):
    """The documented gunicorn command (doc/source/admin/service.rst)."""

    #: As documented, with the port of the test.
    ARGV = ['--bind', '127.0.0.1:{port}', '--workers', '2', '--threads',
            '4', ENTRY_POINT]

    def setUp(self):
        super().setUp()
        self.gunicorn = os.path.join(os.path.dirname(sys.executable),
                                     'gunicorn')
        if not os.path.exists(self.gunicorn):
            self.skipTest('gunicorn is not installed beside %s (it is in '
                          'test-requirements.txt)' % sys.executable)

    def start(self, text=CONF_TEXT):
        self.useFixture(ConfigFileFixture(text))
        return self.useFixture(WSGIServerProcess([self.gunicorn]
                                                 + self.ARGV))

    def test_serves_the_document_and_the_healthcheck(self):
        server = self.start()
        status, _, body = server.wait_until_serving()
        health = get(server.url + '/healthcheck')[0]
        self.assertEqual((200, ['gpu'], 200), (status, names(body), health))

    def test_unloadable_table_is_unhealthy(self):
        server = self.start(INVALID_CONF_TEXT)
        server.wait_until_serving()
        self.assertEqual(503, get(server.url + '/healthcheck')[0])

    def test_refuses_to_start_without_sources(self):
        server = self.start(NO_SOURCES_CONF_TEXT)
        code = server.wait_for_exit()
        self.assertEqual((True, True), (
            code != 0, '[pci_alias] sources is not set' in server.output))
