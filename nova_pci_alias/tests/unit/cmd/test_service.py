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

"""Tests of the ``nova-pci-alias-api`` development server command."""

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import fixtures
from oslo_config import cfg
from oslotest import base

from nova_pci_alias.cmd import common
from nova_pci_alias.cmd import service
from nova_pci_alias.tests.unit.cmd import scripts
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import remote_servers

CONF_TEXT = """
[pci_alias]
sources = config
[pci_alias_api]
auth_strategy = noauth
[pci]
alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
"""


class CommandTestCase(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir())
        self.logger = self.useFixture(fakes.LoggingSetupFixture()).logger

    def write(self, text=CONF_TEXT):
        path = self.tmp.join('nova.conf')
        with open(path, 'w') as f:
            f.write(text)
        return path


class TestStartupErrors(CommandTestCase):
    """Failures before serving: main() returns an exit code."""

    def run_main(self, *args):
        # What argparse and oslo.config print themselves.
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', io.StringIO()))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', io.StringIO()))
        err = io.StringIO()
        code = service.main(list(args), conf=cfg.ConfigOpts(), err=err)
        return code, err.getvalue()

    def test_help(self):
        code, _ = self.run_main('--help')
        self.assertEqual(common.EXIT_OK, code)

    def test_version(self):
        code, _ = self.run_main('--version')
        self.assertEqual(common.EXIT_OK, code)

    def test_unknown_argument(self):
        code, _ = self.run_main('--colour', 'red')
        self.assertEqual(common.EXIT_USAGE, code)

    def test_missing_config_file(self):
        code, err = self.run_main('--config-file', self.tmp.join('nope'))
        self.assertEqual(common.EXIT_USAGE, code)

    def test_missing_config_file_is_one_line(self):
        _, err = self.run_main('--config-file', self.tmp.join('nope'))
        self.assertEqual(1, len(err.splitlines()))

    def test_bad_port(self):
        code, _ = self.run_main('--config-file', self.write(),
                                '--port', '70000')
        self.assertEqual(common.EXIT_USAGE, code)

    def test_no_source_is_a_configuration_error(self):
        path = self.write('[pci]\nalias = {"name": "gpu", "vendor_id": '
                          '"10de", "product_id": "1db6"}\n')
        code, err = self.run_main('--config-file', path)
        self.assertEqual(
            (common.EXIT_USAGE,
             'nova-pci-alias-api: error: [pci_alias] sources is not set in '
             'the configuration files read (%s): the PCI alias service '
             'publishes only the sources it is told to; set it, for example '
             '"sources = database".\n' % path), (code, err))

    def test_keystone_without_a_user_is_a_configuration_error(self):
        path = self.write(CONF_TEXT.replace('auth_strategy = noauth',
                                            'auth_strategy = keystone'))
        code, err = self.run_main('--config-file', path)
        self.assertEqual((common.EXIT_USAGE, True), (
            code, 'nova-pci-alias-api: error: [pci_alias_api] auth_strategy '
                  'is keystone, but [keystone_authtoken] sets no auth_type'
            in err))

    def test_unknown_source(self):
        path = self.write(CONF_TEXT.replace('sources = config',
                                            'sources = cmdb'))
        code, err = self.run_main('--config-file', path)
        self.assertEqual((common.EXIT_SOURCE, True),
                         (code, "PCI alias source 'cmdb' is not installed"
                          in err))

    def test_port_in_use(self):
        with socket.socket() as busy:
            busy.bind(('127.0.0.1', 0))
            busy.listen()
            port = busy.getsockname()[1]
            code, err = self.run_main('--config-file', self.write(),
                                      '--port', str(port))
        self.assertEqual(
            (common.EXIT_LISTEN,
             'nova-pci-alias-api: error: cannot listen on 127.0.0.1 port '
             '%d: Address already in use\n' % port),
            (code, err))


class TestHelpAndVersion(scripts.HelpAndVersionTests, base.BaseTestCase):

    SCRIPT = 'nova-pci-alias-api'
    COMMAND = service.COMMAND


class TestServer(CommandTestCase):

    def test_make_server_on_any_port(self):
        server = service.make_server('127.0.0.1', 0, lambda e, s: [])
        self.addCleanup(server.server_close)
        self.assertNotEqual(0, server.server_address[1])

    def test_make_server_on_ipv6_loopback(self):
        if not socket.has_ipv6:
            self.skipTest('no IPv6 on this host')
        try:
            server = service.make_server('::1', 0, lambda e, s: [])
        except OSError as exc:
            self.skipTest('cannot listen on ::1: %s' % exc)
        self.addCleanup(server.server_close)
        self.assertEqual(socket.AF_INET6, server.socket.family)


class TestConsoleScript(CommandTestCase):
    """The installed command, end to end, in a process of its own."""

    def command(self):
        script = os.path.join(os.path.dirname(sys.executable),
                              'nova-pci-alias-api')
        if os.path.exists(script):
            return [script]
        return [sys.executable, '-m', 'nova_pci_alias.cmd.service']

    def wait_for(self, url, process, deadline):
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return json.load(response)
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def test_serves_then_stops_on_sigterm(self):
        port = remote_servers.closed_port()
        process = subprocess.Popen(
            self.command() + ['--config-file', self.write(),
                              '--port', str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(process.kill)
        body = self.wait_for('http://127.0.0.1:%d/v1/aliases' % port,
                             process, time.monotonic() + 20)
        process.terminate()
        code = process.wait(timeout=10)
        self.assertEqual((['gpu'], common.EXIT_OK),
                         ([e['name'] for e in body['aliases']], code))
