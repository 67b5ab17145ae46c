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

"""The registry over ``database, remote``: a site catalogue in SQL first,
then a shared document on a web server (real, on 127.0.0.1), on every
database backend that is reachable.
"""

import fixtures

from nova_pci_alias import document
from nova_pci_alias import registry
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit.sources.database import base


class DatabaseAndRemoteTestCase(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        self.document = remote_servers.DocumentApp()
        self.document.set_entries([entry('gpu', '0001'), entry('nic')])
        server = self.useFixture(
            httpserver.WSGIServerFixture(self.document))
        self.conf_fixture.config(group='pci_alias',
                                 sources=['database', 'remote'],
                                 refresh_interval=0)
        self.registry = registry.AliasRegistry.from_config(self.conf)
        self.addCleanup(fakes.wait_for_check, self.registry)
        self.conf_fixture.config(
            group='pci_alias_remote', allow_insecure_http=True, timeout=2,
            url=server.url + remote_servers.DOCUMENT_PATH)
        queries.import_entries([entry('gpu', '0002'), entry('fpga')], 'test')

    def product_ids(self, name):
        return [spec['product_id']
                for spec in self.registry.get_table()[name].specs]


class TestDatabaseAndRemote(DatabaseAndRemoteTestCase):

    def test_both_sources_are_merged(self):
        self.assertEqual(['gpu', 'fpga', 'nic'],
                         list(self.registry.get_table()))

    def test_database_shadows_the_document(self):
        self.assertEqual(['0002'], self.product_ids('gpu'))

    def test_database_write_is_seen_without_downloading_again(self):
        self.registry.get_table()
        queries.create_entry(entry('qat'))
        self.registry.refresh()
        self.assertEqual([None, document.etag_of(self.document.body)],
                         [headers.get('If-None-Match') for _, headers
                          in self.document.requests])

    def test_document_change_is_seen(self):
        self.registry.get_table()
        self.document.set_entries([entry('nic'), entry('smartnic')])
        self.registry.refresh()
        self.assertEqual(['gpu', 'fpga', 'nic', 'smartnic'],
                         list(self.registry.get_table()))


class TestDatabaseAndRemoteMySQL(TestDatabaseAndRemote):
    FIXTURE = base.MySQLFixture


class TestDatabaseAndRemotePostgreSQL(TestDatabaseAndRemote):
    FIXTURE = base.PostgreSQLFixture
