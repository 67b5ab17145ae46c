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

"""Servers booted through Nova's services with aliases from our database.

These tests run on Nova's own functional test base
(``nova.tests.functional.libvirt.base.ServersTestBase``): Nova's API (its
paste pipeline, over wsgi-intercept), conductor, scheduler and a compute
with the libvirt driver on a fake libvirt, and the Placement service, all
in this process.  The flavor's alias exists only in a SQLite database
written by ``nova-pci-alias-manage``; no ``[pci] alias`` value is set
anywhere.  Nova's global configuration is parsed again from a ``nova.conf``
that enables the ``nova_pci_alias`` driver, which is how oslo.config opens
the driver in a Nova service, before Nova's API starts and validates its
aliases.
"""

import json
import os
import sqlite3
import subprocess

import fixtures
import nova.conf
from nova import context
from nova import exception as nova_exception
from nova import objects
from nova.pci import request as nova_request
from nova.tests.fixtures import libvirt as fakelibvirt
from nova.tests.functional.api import client
from nova.tests.functional.libvirt import base

from nova_pci_alias.tests.functional import nova_config
from nova_pci_alias.tests.unit.sources.database import base as db_base

CONF = nova.conf.CONF

#: The alias of the fake host's PCI devices, stored in our database only.
NIC = {'name': 'nic', 'vendor_id': fakelibvirt.PCI_VEND_ID,
       'product_id': fakelibvirt.PCI_PROD_ID}


class NovaServicesTestCase(base.ServersTestBase):
    """Nova's services, with the driver enabled on Nova's configuration."""

    ADDITIONAL_FILTERS = ['PciPassthroughFilter']
    ADMIN_API = True
    microversion = 'latest'

    def setUp(self):
        # Runs last: the global configuration forgets the driver's source.
        self.addCleanup(nova_config.forget_configuration_sources)
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.useFixture(db_base.IsolatedContextFixture())
        self.database = os.path.join(self.tmp, 'aliases.sqlite')
        self.conf_file = os.path.join(self.tmp, 'nova.conf')
        with open(self.conf_file, 'w') as f:
            f.write(nova_config.DRIVER_LINES % {'sources': 'database'}
                    + '\n[pci_alias_database]\nconnection = sqlite:///%s\n'
                    % self.database)
        self.manage('db', 'sync')
        document = os.path.join(self.tmp, 'aliases.json')
        with open(document, 'w') as f:
            json.dump({'version': 1, 'aliases': [NIC]}, f)
        self.manage('alias', 'import', '--replace', document)
        self.flags(device_spec=[json.dumps({
            'vendor_id': fakelibvirt.PCI_VEND_ID,
            'product_id': fakelibvirt.PCI_PROD_ID})], group='pci')
        super().setUp()
        self.ctxt = context.get_admin_context()
        self.flavor_id = self._create_flavor(
            extra_spec={'pci_passthrough:alias': 'nic:1'})

    def _setup_services(self):
        self.open_alias_driver()
        super()._setup_services()

    def manage(self, *args):
        result = subprocess.run(
            [nova_config.MANAGE, '--config-file', self.conf_file] + list(args),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, result.returncode, result.stderr)

    def open_alias_driver(self):
        """Parse Nova's configuration from our nova.conf, as a service does.

        oslo.config opens the ``[DEFAULT] config_source`` groups while it
        parses; Nova's configuration fixture parsed no file.  Every earlier
        source is dropped first, so each call is a fresh start whose first
        ``[pci] alias`` lookup reads the database.  Nova's cached aliases
        are dropped too.
        """
        nova_config.forget_configuration_sources()
        CONF(['--config-file', self.conf_file], project='nova',
             default_config_files=[], default_config_dirs=[])
        nova_request.get_alias_from_config.cache_clear()

    def break_table(self):
        """Store an entry no tool of ours accepts, with plain SQL."""
        with sqlite3.connect(self.database) as connection:
            connection.execute(
                "UPDATE pci_alias_entries SET vendor_id = '80861'")

    def post_server_status(self):
        """Ask Nova's API for a server; return its status and message."""
        body = self._build_server(flavor_id=self.flavor_id, networks='none')
        try:
            self.api.post_server({'server': body})
        except client.OpenStackApiException as exc:
            answer = exc.response.json()
            return (exc.response.status_code,
                    next(iter(answer.values()))['message'])
        return 202, None


class TestBootWithDatabaseAlias(NovaServicesTestCase):

    def test_server_gets_the_pci_device_of_the_database_alias(self):
        self.start_compute(pci_info=fakelibvirt.HostPCIDevicesInfo(
            num_pci=1))
        server = self._create_server(flavor_id=self.flavor_id,
                                     networks='none')
        devices = objects.PciDeviceList.get_by_instance_uuid(
            self.ctxt, server['id'])
        self.assertEqual(
            [('0000:81:00.0', fakelibvirt.PCI_VEND_ID,
              fakelibvirt.PCI_PROD_ID, 'allocated')],
            [(device.address, device.vendor_id, device.product_id,
              device.status) for device in devices])


class TestNovaHandlesOurErrors(NovaServicesTestCase):
    """Our errors, raised inside Nova, get Nova's own handling."""

    def test_invalid_table_read_on_a_create_answers_400_with_our_text(self):
        # A nova-api restarted after the table was broken by hand reads the
        # database on the first request that needs aliases.
        self.break_table()
        self.open_alias_driver()
        self.assertEqual(
            (400, "Invalid PCI alias definition: '80861' does not match "
                  "'^[0-9a-fA-F]{4}$' (field 'vendor_id') [alias source "
                  "'database' at sqlite:///%s, entry 1]" % self.database),
            self.post_server_status())

    def test_unreadable_source_stops_nova_compute_start_up(self):
        os.remove(self.database)
        self.open_alias_driver()
        self.assertRaises(nova_exception.NovaException, self.start_compute)
