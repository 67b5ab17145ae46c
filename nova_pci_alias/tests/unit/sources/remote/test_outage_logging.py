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

"""The remote source's outages of its cache file: logged once, and the end.

Two things of the ``remote`` source fail for a while and recover: serving
the cache file instead of a server that did not answer the first download,
and writing the cache file.  Each outage is logged once, and its end too.
"""

import os

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


class CacheFileTestCase(base.BaseTestCase):
    """A document server with alias ``a``, a cache file, and a clock."""

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        self.conf_fixture.config(group='pci_alias', refresh_interval=0,
                                 sources=['remote'])
        remote_opts.register_opts(self.conf)
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        self.now = 1000.0
        self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.sources.remote.source._now',
            side_effect=lambda: self.now))
        self.app = remote_servers.DocumentApp()
        self.app.set_entries([entry('a')])
        server = self.useFixture(httpserver.WSGIServerFixture(self.app))
        self.url = server.url + remote_servers.DOCUMENT_PATH
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.configure(os.path.join(self.directory, 'aliases.json'))

    def configure(self, cache_file):
        self.cache_file = cache_file
        self.conf_fixture.config(
            group='pci_alias_remote', url=self.url, cache_file=cache_file,
            allow_insecure_http=True, timeout=2)

    def registry(self):
        reg = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, reg)
        return reg

    def new_document(self, reg, name):
        """Serve a new document, and have the registry load it."""
        self.app.set_entries([entry(name)])
        self.now += 3600
        reg.refresh()

    def count(self, text):
        return self.logger.output.count(text)


class TestServingTheCacheFile(CacheFileTestCase):

    def restarted_during_an_outage(self):
        """A source started while the server fails, serving the cache."""
        self.registry().get_table()
        self.app.status = '503 Service Unavailable'
        src = remote.RemoteSource(self.conf)
        src.entries()
        return src

    def test_is_warned_about_once(self):
        src = self.restarted_during_an_outage()
        for _ in range(3):
            self.now += 3600
            self.assertRaises(exception.AliasSourceError, src.change_token)
        self.assertEqual(1, self.count(
            "PCI alias source 'remote' serves the aliases kept in the cache "
            "file"))

    def test_the_end_is_logged_once(self):
        src = self.restarted_during_an_outage()
        self.app.status = None
        for name in ('b', 'c'):
            self.app.set_entries([entry(name)])
            self.now += 3600
            src.change_token()
        self.assertEqual(1, self.count(
            "PCI alias source 'remote' fetched %s again" % self.url))


class TestWritingTheCacheFile(CacheFileTestCase):

    def setUp(self):
        super().setUp()
        self.configure(os.path.join(self.directory, 'later', 'a.json'))

    def test_a_lasting_failure_is_warned_about_once(self):
        reg = self.registry()
        reg.get_table()
        self.new_document(reg, 'b')
        self.assertEqual(1, self.count(
            "PCI alias source 'remote' cannot write its cache file %s"
            % self.cache_file))

    def test_the_end_is_logged(self):
        reg = self.registry()
        reg.get_table()
        os.mkdir(os.path.dirname(self.cache_file))
        self.new_document(reg, 'b')
        self.assertIn("PCI alias source 'remote' writes its cache file %s "
                      "again." % self.cache_file, self.logger.output)
