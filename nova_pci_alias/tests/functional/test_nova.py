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

"""An unpatched Nova reading its PCI aliases through our oslo.config driver.

These tests need Nova itself (``tox -e nova`` installs nova 34.0.0 from
PyPI).  Each one writes a ``nova.conf`` that enables the ``nova_pci_alias``
driver, parses it with Nova's own global configuration, exactly as a Nova
service does at start-up, and calls Nova's own functions:
``nova.pci.request.get_alias_from_config()``, which Nova's API and compute
services call while starting to validate the aliases, and
``get_pci_requests_from_flavor()``, which turns a flavor's
``pci_passthrough:alias`` into ``InstancePCIRequest`` objects.  The aliases
exist only in a SQLite database written by ``nova-pci-alias-manage``, or
only behind the alias service on 127.0.0.1.
"""

import json
import logging
import os
import sqlite3
import subprocess
import sys

import fixtures
import nova.conf
from nova import exception as nova_exception
from nova import objects
from nova.pci import request as nova_request
from oslotest import base

from nova_pci_alias import alias
from nova_pci_alias import exception
from nova_pci_alias import placement
from nova_pci_alias import registry
from nova_pci_alias import request
from nova_pci_alias.service import app
from nova_pci_alias.service import options as api_options
from nova_pci_alias.tests.functional import nova_config
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit.sources.database import base as db_base

CONF = nova.conf.CONF
LOOKUP = os.path.join(os.path.dirname(sys.executable), 'nova-pci-alias')

GPU = {'name': 'gpu', 'vendor_id': '10de', 'product_id': '1db6',
       'numa_policy': 'preferred'}
NIC_VF = {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
          'device_type': 'type-VF', 'numa_policy': 'socket'}
NIC_VF_2 = {'name': 'nic', 'vendor_id': '8086', 'product_id': '1889',
            'device_type': 'type-VF', 'numa_policy': 'socket'}

objects.register_all()


class NovaTestCase(base.BaseTestCase):
    """Nova's global configuration parsed from a nova.conf of the test."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        # The alias database's transaction context is configured once per
        # process; each test brings its own database file.
        self.useFixture(db_base.IsolatedContextFixture())
        nova_request.get_alias_from_config.cache_clear()
        self.addCleanup(nova_request.get_alias_from_config.cache_clear)
        self.addCleanup(nova_config.forget_configuration_sources)
        self.addCleanup(CONF.reset)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def nova_conf(self, sources, extra=''):
        """Write nova.conf with the driver enabled; return its path."""
        return self.write(
            'nova.conf',
            nova_config.DRIVER_LINES % {'sources': sources} + extra)

    def start_nova(self, conf_file):
        """Parse the configuration the way a Nova service does."""
        CONF(['--config-file', conf_file], project='nova',
             default_config_files=[], default_config_dirs=[])

    def restart_nova(self, conf_file):
        """Parse the configuration again, as a new service process."""
        CONF.reset()
        nova_config.forget_configuration_sources()
        nova_request.get_alias_from_config.cache_clear()
        self.start_nova(conf_file)

    def requests_of(self, spec, affinity_policy=None):
        flavor = objects.Flavor(extra_specs={'pci_passthrough:alias': spec})
        requests = nova_request.get_pci_requests_from_flavor(
            flavor, affinity_policy=affinity_policy).requests
        return [(r.alias_name, r.count, r.spec, r.numa_policy)
                for r in requests]


class DatabaseTestCase(NovaTestCase):
    """Aliases in a SQLite database, put there by nova-pci-alias-manage."""

    def setUp(self):
        super().setUp()
        self.database = os.path.join(self.tmp, 'aliases.sqlite')
        self.conf_file = self.nova_conf(
            'database',
            '\n[pci_alias_database]\nconnection = sqlite:///%s\n'
            % self.database)
        self.manage('db', 'sync')

    def manage(self, *args, tool=nova_config.MANAGE):
        result = subprocess.run(
            [tool, '--config-file', self.conf_file] + list(args),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout

    def import_aliases(self, *entries):
        document = self.write('aliases.json', json.dumps(
            {'version': 1, 'aliases': list(entries)}))
        self.manage('alias', 'import', '--replace', document)

    def write_row_by_hand(self, sql):
        """Change the table with SQL, as no tool of ours would allow."""
        with sqlite3.connect(self.database) as connection:
            connection.execute(sql)


class TestAliasesFromDatabase(DatabaseTestCase):

    def setUp(self):
        super().setUp()
        self.import_aliases(GPU, NIC_VF, NIC_VF_2)
        self.start_nova(self.conf_file)

    def test_nova_parses_the_database_aliases(self):
        self.assertEqual(
            {'gpu': ('preferred', [{'vendor_id': '10de',
                                    'product_id': '1db6'}]),
             'nic': ('socket', [{'vendor_id': '8086', 'product_id': '154c',
                                 'dev_type': 'type-VF'},
                                {'vendor_id': '8086', 'product_id': '1889',
                                 'dev_type': 'type-VF'}])},
            nova_request.get_alias_from_config())

    def test_flavor_becomes_instance_pci_requests(self):
        self.assertEqual(
            [('gpu', 2, [{'vendor_id': '10de', 'product_id': '1db6'}],
              'preferred'),
             ('nic', 1, [{'vendor_id': '8086', 'product_id': '154c',
                          'dev_type': 'type-VF'},
                         {'vendor_id': '8086', 'product_id': '1889',
                          'dev_type': 'type-VF'}], 'socket')],
            self.requests_of('gpu:2,nic:1'))

    def test_requests_are_nova_objects(self):
        flavor = objects.Flavor(extra_specs={'pci_passthrough:alias':
                                             'gpu:1'})
        requests = nova_request.get_pci_requests_from_flavor(flavor)
        self.assertIsInstance(requests.requests[0],
                              objects.InstancePCIRequest)

    def test_image_affinity_policy_overrides_the_alias_policy(self):
        self.assertEqual(
            [('gpu', 1, [{'vendor_id': '10de', 'product_id': '1db6'}],
              'required')],
            self.requests_of('gpu:1', affinity_policy='required'))

    def test_unknown_alias_is_nova_own_error(self):
        self.assertRaises(nova_exception.PciRequestAliasNotDefined,
                          self.requests_of, 'fpga:1')

    def test_nova_logs_its_configuration_with_our_aliases(self):
        logged = self.useFixture(fixtures.FakeLogger(name='nova.dump'))
        CONF.log_opt_values(logging.getLogger('nova.dump'), logging.INFO)
        self.assertIn('"name": "gpu"', logged.output)

    def test_nova_pci_alias_validate_sees_what_nova_sees(self):
        self.assertIn('OK: 2 aliases (3 entries) from sources database',
                      self.manage('validate', tool=LOOKUP))


class TestInvalidDatabase(DatabaseTestCase):

    def test_invalid_row_fails_nova_start_up_validation(self):
        self.import_aliases(GPU)
        self.write_row_by_hand(
            "UPDATE pci_alias_entries SET vendor_id = '80861'")
        self.start_nova(self.conf_file)
        exc = self.assertRaises(exception.PciInvalidAlias,
                                nova_request.get_alias_from_config)
        self.assertEqual(
            "Invalid PCI alias definition: '80861' does not match "
            "'^[0-9a-fA-F]{4}$' (field 'vendor_id') [alias source "
            "'database' at sqlite:///%s, entry 1]" % self.database,
            str(exc))

    def test_invalid_row_is_nova_own_class(self):
        self.import_aliases(GPU)
        self.write_row_by_hand(
            "UPDATE pci_alias_entries SET vendor_id = '80861'")
        self.start_nova(self.conf_file)
        self.assertRaises(nova_exception.PciInvalidAlias,
                          nova_request.get_alias_from_config)

    def test_invalid_row_is_in_the_service_log(self):
        self.import_aliases(GPU)
        self.write_row_by_hand(
            "UPDATE pci_alias_entries SET vendor_id = '80861'")
        self.start_nova(self.conf_file)
        self.assertRaises(exception.PciInvalidAlias,
                          nova_request.get_alias_from_config)
        self.assertIn("'80861' does not match", self.logger.output)

    def test_several_specs_fail_when_nova_tracks_pci_in_placement(self):
        self.import_aliases(NIC_VF, NIC_VF_2)
        with open(self.conf_file, 'a') as f:
            f.write('\n[filter_scheduler]\npci_in_placement = true\n')
        self.start_nova(self.conf_file)
        exc = self.assertRaises(exception.PciInvalidAlias,
                                nova_request.get_alias_from_config)
        self.assertIn('The PCI alias(es) nic have multiple specs but '
                      '[filter_scheduler]pci_in_placement is True', str(exc))

    def test_unsynced_database_fails_start_up(self):
        os.remove(self.database)
        self.start_nova(self.conf_file)
        self.assertRaises(exception.AliasSourceNotReady,
                          nova_request.get_alias_from_config)

    def test_unsynced_database_is_a_nova_exception(self):
        os.remove(self.database)
        self.start_nova(self.conf_file)
        self.assertRaises(nova_exception.NovaException,
                          nova_request.get_alias_from_config)

    def test_empty_database_gives_no_alias_with_a_warning(self):
        self.start_nova(self.conf_file)
        nova_request.get_alias_from_config()
        self.assertIn('hold no PCI alias', self.logger.output)


class TestPlacementRequestGroups(DatabaseTestCase):
    """Our request groups against Nova's, from the same database aliases."""

    ALIASES = (
        {'name': 'vgpu', 'resource_class': 'vgpu', 'traits': 'blue,big'},
        {'name': 'nic', 'vendor_id': '8086', 'product_id': '154c',
         'traits': 'HW_NIC_SRIOV'},
    )
    SPEC = 'vgpu:2,nic:1'

    def setUp(self):
        super().setUp()
        with open(self.conf_file, 'a') as f:
            f.write('\n[filter_scheduler]\npci_in_placement = true\n')
        # Accepted only under Nova's pci_in_placement, which the tool reads
        # from the same nova.conf: vgpu has a resource class and no IDs.
        self.import_aliases(*self.ALIASES)
        self.start_nova(self.conf_file)

    @staticmethod
    def comparable(groups):
        """Groups without the random part of their requester IDs."""
        return [(group['requester_id'].rsplit('-', 1)[1],
                 group['resources'], group['required_traits'],
                 group['use_same_provider']) for group in groups]

    def nova_groups(self):
        flavor = objects.Flavor(extra_specs={
            'pci_passthrough:alias': self.SPEC})
        spec = objects.RequestSpec(
            pci_requests=nova_request.get_pci_requests_from_flavor(flavor),
            requested_resources=[])
        spec.generate_request_groups_from_pci_requests()
        return [{'requester_id': group.requester_id,
                 'resources': group.resources,
                 'required_traits': group.required_traits,
                 'use_same_provider': group.use_same_provider}
                for group in spec.requested_resources]

    def our_groups(self):
        table = alias.parse_aliases(self.ALIASES, pci_in_placement=True)
        return placement.request_groups(
            request.translate_alias_to_requests(self.SPEC, aliases=table))

    def test_our_groups_equal_nova_groups(self):
        self.assertEqual(self.comparable(self.nova_groups()),
                         self.comparable(self.our_groups()))


class TestUnreachableDatabase(NovaTestCase):

    def test_dead_server_fails_start_up_instead_of_no_aliases(self):
        conf_file = self.nova_conf(
            'database',
            '\n[pci_alias_database]\n'
            'connection = mysql+pymysql://nova:secret@127.0.0.1:9/nova_api\n')
        self.start_nova(conf_file)
        exc = self.assertRaises(exception.AliasSourceError,
                                nova_request.get_alias_from_config)
        self.assertIn('127.0.0.1:9', str(exc))


class TestAliasesFromService(NovaTestCase):
    """Aliases published by the alias service, read by the remote source."""

    def setUp(self):
        super().setUp()
        service = self.useFixture(fakes.ConfFixture())
        api_options.register_opts(service.conf)
        service.config(group='pci_alias', refresh_interval=0)
        service.config(group='pci_alias_api', auth_strategy='noauth')
        service_registry = registry.AliasRegistry.from_config(service.conf)
        service.conf.set_override(
            'alias', [json.dumps(GPU), json.dumps(NIC_VF)], group='pci')
        self.server = self.useFixture(httpserver.WSGIServerFixture(
            app.build_app(service.conf, service_registry)))
        self.url = self.server.url + '/v1/aliases'

    def remote_conf(self, url):
        return self.nova_conf(
            'remote',
            '\n[pci_alias_remote]\nurl = %s\nallow_insecure_http = true\n'
            'timeout = 2\ncache_file = %s\n'
            % (url, os.path.join(self.tmp, 'aliases.cache.json')))

    def test_flavor_becomes_instance_pci_requests(self):
        self.start_nova(self.remote_conf(self.url))
        self.assertEqual(
            [('nic', 1, [{'vendor_id': '8086', 'product_id': '154c',
                          'dev_type': 'type-VF'}], 'socket'),
             ('gpu', 1, [{'vendor_id': '10de', 'product_id': '1db6'}],
              'preferred')],
            self.requests_of('nic:1,gpu:1'))

    def test_restart_during_an_outage_uses_the_cache_file(self):
        conf_file = self.remote_conf(self.url)
        self.start_nova(conf_file)
        nova_request.get_alias_from_config()
        self.server.stop()
        self.restart_nova(conf_file)
        self.assertEqual(['gpu', 'nic'],
                         sorted(nova_request.get_alias_from_config()))

    def test_unreachable_service_fails_start_up(self):
        self.start_nova(self.remote_conf('http://127.0.0.1:9/v1/aliases'))
        self.assertRaises(exception.AliasSourceError,
                          nova_request.get_alias_from_config)
