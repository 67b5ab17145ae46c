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

"""The alias service in WSGI servers: configurations, and a server process.

:class:`WSGIServerProcess` runs a WSGI server command (gunicorn, uWSGI) in
a process of its own on 127.0.0.1, serving :data:`ENTRY_POINT` with the
configuration file of a :class:`ConfigFileFixture`.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import fixtures

from nova_pci_alias.service import wsgi
from nova_pci_alias.tests.unit import remote_servers

CONF_TEXT = """
[pci_alias]
sources = config
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
[pci_alias_api]
cache_max_age = 30
auth_strategy = noauth
"""

#: A configuration whose only alias is invalid: the service never loads.
INVALID_CONF_TEXT = """
[pci_alias]
sources = config
[pci]
alias = {"name": "gpu", "vendor_id": "nvidia", "product_id": "1db6"}
[pci_alias_api]
auth_strategy = noauth
"""

#: A configuration that names no source.
NO_SOURCES_CONF_TEXT = """
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
"""

#: A service on a SQLite database (``path``), checked every second.
DATABASE_CONF_TEXT = """
[pci_alias]
sources = database
refresh_interval = 1
[pci_alias_database]
connection = sqlite:///%(path)s
[pci_alias_api]
auth_strategy = noauth
"""
GPU_JSON = '{"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}'
NIC_JSON = '{"name": "nic", "vendor_id": "8086", "product_id": "1528"}'
MANAGE = os.path.join(os.path.dirname(sys.executable),
                      'nova-pci-alias-manage')


def manage(config_files, *args):
    """Run nova-pci-alias-manage; raise if it fails."""
    command = [MANAGE]
    for path in config_files:
        command += ['--config-file', path]
    subprocess.run(command + list(args), check=True, capture_output=True,
                   timeout=60)


#: The WSGI entry point that the documentation gives the servers.
ENTRY_POINT = 'nova_pci_alias.wsgi.api:application'


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
    :param environ: variables to set in the process's environment.
    :param port: the port to listen on; a free one by default.

    ``url`` is the base URL; :meth:`wait_until_serving` returns once the
    service answers; ``output`` is what the process wrote.  The process
    runs with a temporary ``HOME`` (gunicorn puts its control socket
    there), in the environment of the test otherwise.
    """

    def __init__(self, argv, environ=None, port=None):
        super().__init__()
        self.argv = argv
        self.environ = environ or {}
        self.port = port

    def _setUp(self):
        self.port = self.port or remote_servers.closed_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        tmp = self.useFixture(fixtures.TempDir())
        self._log = tmp.join('server.log')
        environ = dict(os.environ, HOME=tmp.path)
        environ.update(self.environ)
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


class ServerCommandTests:
    """The tests of one documented WSGI server command, as a mixin.

    A test class sets :attr:`SERVER`, the path of the server's program, and
    :attr:`ARGV`, its documented arguments with ``{port}`` for the port;
    it skips in ``setUp`` where the program is not installed.
    """

    SERVER = None
    ARGV = ()

    def start(self, text=CONF_TEXT):
        self.useFixture(ConfigFileFixture(text))
        return self.useFixture(WSGIServerProcess(
            [self.SERVER] + list(self.ARGV)))

    def test_serves_the_document_and_the_healthcheck(self):
        server = self.start()
        status, _, body = server.wait_until_serving()
        health = get(server.url + '/healthcheck')[0]
        self.assertEqual((200, ['gpu'], 200), (status, names(body), health))

    def test_unloadable_table_is_unhealthy(self):
        server = self.start(INVALID_CONF_TEXT)
        server.wait_until_serving()
        self.assertEqual(503, get(server.url + '/healthcheck')[0])

    def test_first_requests_after_an_interval_get_a_change(self):
        # Each worker checks the database on schedule: without that, the
        # first request a worker gets after a change starts the check and
        # is answered from the table it had.
        config = self.useFixture(ConfigFileFixture(DATABASE_CONF_TEXT % {
            'path': os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'aliases.sqlite')}))
        manage([config.path], 'db', 'sync')
        manage([config.path], 'alias', 'create', GPU_JSON)
        server = self.useFixture(WSGIServerProcess(
            [self.SERVER] + list(self.ARGV)))
        server.wait_until_serving()
        manage([config.path], 'alias', 'create', NIC_JSON)
        time.sleep(3)       # the interval is one second
        self.assertEqual([['gpu', 'nic']] * 2, [
            names(get(server.url + '/v1/aliases')[2]) for _ in range(2)])

    def test_refuses_to_start_without_sources(self):
        server = self.start(NO_SOURCES_CONF_TEXT)
        code = server.wait_for_exit()
        self.assertEqual((True, True), (
            code != 0, '[pci_alias] sources is not set' in server.output))
