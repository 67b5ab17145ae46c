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

"""The remote clients' reports, recorded in the fleet view.

:mod:`nova_pci_alias.service.clients`, through HTTP: a client's ``GET
/v1/aliases`` with an ``OpenStack-PCI-Alias-Client`` header, and its row
in ``GET /v1/consumers``.  Rows are written by a background thread, so
the tests wait for them (:meth:`ClientsTestCase.row`).
"""

import logging
import sqlite3
import time

import fixtures

from nova_pci_alias import client_report
from nova_pci_alias import document
from nova_pci_alias import registry
from nova_pci_alias.service import clients
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.service import base
from nova_pci_alias.tests.unit.sources.database import base as db_base

#: Seconds to wait for a row to be written.
ROW_WAIT = 10


def header(host='compute-1', etag=None, error=None, loaded_at=1.8e9,
           pid=4242):
    return {client_report.HEADER: client_report.encode(
        host, 'nova-compute', pid, etag, loaded_at, loaded_at, error)}


class ClientsTestCase(base.DatabaseAPITestCase):

    def setUp(self):
        super().setUp()
        self.conf_fixture.config(group='pci_alias_database',
                                 report_interval=300)

    def rows(self):
        return self.send(path='/v1/consumers',
                         token=self.admin).json['consumers']

    def row(self, host='compute-1', until=lambda row: True):
        """The row of ``host`` once it exists and satisfies ``until``."""
        deadline = time.monotonic() + ROW_WAIT
        while True:
            found = [r for r in self.rows() if r['host'] == host]
            if found and until(found[0]):
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError('No row of %s within %d seconds: %s'
                                     % (host, ROW_WAIT, found))
            time.sleep(0.05)

    def report(self, **kwargs):
        """GET the document with a client report; return the response."""
        return self.send(token=self.service, headers=header(**kwargs))


class TestRecording(ClientsTestCase):

    def test_client_holding_the_current_table_is_current(self):
        self.report(etag=self.etag())
        self.assertFalse(self.row()['behind'])

    def test_etag_is_mapped_to_the_revision_it_is(self):
        etag = self.etag()
        held = self.send('PUT', '/v1/aliases/fpga', token=self.admin, body={
            'entries': [{'vendor_id': '1172', 'product_id': '0b30'}]})
        revision = held.json['revision'] - 1
        self.report(etag=etag)
        self.assertEqual(revision, self.row()['revision'])

    def test_client_holding_an_older_table_is_behind(self):
        etag = self.etag()
        self.send('DELETE', '/v1/aliases/nic', token=self.admin)
        self.report(etag=etag)
        self.assertTrue(self.row()['behind'])

    def test_unknown_etag_has_no_revision(self):
        self.report(etag='"%s"' % ('0' * 64))
        self.assertIsNone(self.row()['revision'])

    def test_row_says_the_clients_error(self):
        self.report(etag=self.etag(), error='HTTP 503')
        self.assertEqual('HTTP 503', self.row()['last_error'])

    def test_row_names_the_clients_process(self):
        self.report(etag=self.etag())
        row = self.row()
        self.assertEqual(('nova-compute', 4242), (row['service'], row['pid']))

    def test_a_change_of_error_is_written_at_once(self):
        etag = self.etag()
        self.report(etag=etag, error='HTTP 503')
        self.row(until=lambda row: row['last_error'])
        self.report(etag=etag)
        self.assertIsNone(
            self.row(until=lambda row: not row['last_error'])['last_error'])

    def test_an_unchanged_report_waits_for_the_interval(self):
        etag = self.etag()
        self.report(etag=etag, loaded_at=1.8e9)
        self.row()
        self.report(etag=etag, loaded_at=1.8e9 + 60)
        # Rows are written in order: once the next client's is there, the
        # second report would have been written too, had it been due.
        self.report(host='compute-2', etag=etag)
        self.row(host='compute-2')
        self.assertEqual('2027-01-15T08:00:00Z', self.row()['loaded_at'])


class TestNeverInTheWay(ClientsTestCase):

    def test_bad_header_is_ignored(self):
        response = self.send(token=self.service, headers={
            client_report.HEADER: '{"host": 1}'})
        self.assertEqual(200, response.status)

    def debug_log(self):
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias', level=logging.DEBUG))

    def test_bad_header_is_logged_at_debug(self):
        self.debug_log()
        self.send(token=self.service,
                  headers={client_report.HEADER: 'not json'})
        self.assertIn('Ignoring the OpenStack-PCI-Alias-Client header',
                      self.logger.output)

    def break_the_fleet_view(self):
        """Drop the table the rows go to; the entries stay readable."""
        self.serve()
        path = self.conf.pci_alias_database.connection[len('sqlite:///'):]
        with sqlite3.connect(path) as connection:
            connection.execute('DROP TABLE pci_alias_consumers')

    def wait_for_log(self, text):
        deadline = time.monotonic() + ROW_WAIT
        while text not in self.logger.output:
            if time.monotonic() > deadline:
                raise AssertionError('%r not logged within %d seconds'
                                     % (text, ROW_WAIT))
            time.sleep(0.05)

    def test_failing_write_does_not_fail_the_get(self):
        self.break_the_fleet_view()
        self.assertEqual(200, self.report(etag=self.etag()).status)

    def test_failing_write_is_logged_once(self):
        self.debug_log()
        self.break_the_fleet_view()
        etag = self.etag()
        self.report(etag=etag)
        self.report(host='compute-2', etag=etag)
        self.report(host='compute-3', etag=etag)
        self.wait_for_log("('compute-3', 'nova-compute', 4242) was not "
                          "recorded")
        self.assertEqual(1, self.logger.output.count(
            'Recording the reports of the alias service\'s remote clients '
            'in the fleet view failed'))


class TestWithoutDatabase(base.APITestCase):
    """A service of the ``config`` source: no fleet view."""

    def test_header_is_ignored(self):
        self.assertEqual(200, self.send(token=self.service,
                                        headers=header()).status)


class RevisionMapTestCase(db_base.DatabaseTestCase):
    """:class:`~nova_pci_alias.service.clients.RevisionMap` on a backend.

    The ETags are those the service publishes: of the document of the
    table a registry of the ``database`` source serves.
    """

    ENTRIES = [
        fakes.entry('gpu'),
        fakes.entry('nic', '154c', vendor_id='8086', device_type='type-VF',
                    numa_policy='preferred'),
        fakes.entry('fpga', '0b30', vendor_id='1172',
                    resource_class='CUSTOM_FPGA', traits='BLUE,BIG'),
    ]

    def setUp(self):
        super().setUp()
        self.conf_fixture.config(group='pci_alias', sources=['database'],
                                 refresh_interval=0)
        queries.import_entries(self.ENTRIES, 'the test')
        self.revisions = clients.RevisionMap(queries)

    def served_etag(self):
        reg = registry.AliasRegistry.from_config(self.conf, reporting=False)
        return document.etag_of(document.encode_document(
            reg.get_table().entries))

    def test_served_etag_is_the_current_revision(self):
        self.assertEqual(queries.get_revision(),
                         self.revisions.revision_of(self.served_etag()))

    def test_older_etag_is_its_revision(self):
        etag, revision = self.served_etag(), queries.get_revision()
        queries.delete_alias('nic')
        self.revisions.revision_of(self.served_etag())
        self.assertEqual(revision, self.revisions.revision_of(etag))

    def test_etag_of_no_table_known_has_no_revision(self):
        self.assertIsNone(self.revisions.revision_of('"%s"' % ('0' * 64)))


class RevisionMapMySQL(RevisionMapTestCase):
    FIXTURE = db_base.MySQLFixture


class RevisionMapPostgreSQL(RevisionMapTestCase):
    FIXTURE = db_base.PostgreSQLFixture
