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

"""What the tests of the ``remote`` source share.

:class:`RemoteTestCase`: a document server on 127.0.0.1 with aliases ``a``
and ``b``, and a clock.
"""

import logging

import fixtures
from oslotest import base

from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.sources.remote import options as remote_opts
from nova_pci_alias.sources.remote import source as remote
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import remote_servers


class RemoteTestCase(base.BaseTestCase):
    """A document server with aliases ``a`` and ``b``, and a clock."""

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        self.conf_fixture.config(group='pci_alias', refresh_interval=0)
        remote_opts.register_opts(self.conf)
        # Every logger, keystoneauth1's included.
        self.logger = self.useFixture(fixtures.FakeLogger(
            level=logging.DEBUG))
        self.now = 1000.0
        self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.sources.remote.source._now',
            side_effect=lambda: self.now))
        self.app = remote_servers.DocumentApp()
        self.app.set_entries([entry('a'), entry('b')])
        self.server = self.useFixture(httpserver.WSGIServerFixture(self.app))
        self.url = self.server.url + remote_servers.DOCUMENT_PATH

    def configure(self, **options):
        options.setdefault('url', self.url)
        options.setdefault('allow_insecure_http', True)
        options.setdefault('timeout', 2)
        self.conf_fixture.config(group='pci_alias_remote', **options)

    def source(self, **options):
        self.configure(**options)
        return remote.RemoteSource(self.conf)

    def registry(self, sources=('remote',), **options):
        self.configure(**options)
        self.conf_fixture.config(group='pci_alias', sources=list(sources))
        reg = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, reg)
        return reg

    def names(self, src):
        return [item['name'] for item in src.entries()]

    def first_load_error(self, src):
        return str(self.assertRaises(exception.AliasSourceError,
                                     src.entries))
