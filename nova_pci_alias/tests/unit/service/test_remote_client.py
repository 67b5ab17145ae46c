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

"""The remote source reading what the alias service publishes.

Two configurations, as on two machines: the service's reads ``[pci] alias``
through the ``config`` source; the client's reads the service's document
through the ``remote`` source.  Both talk over real HTTP on 127.0.0.1.
"""

import json

import fixtures
from oslotest import base

from nova_pci_alias import registry
from nova_pci_alias import request
from nova_pci_alias.service import app
from nova_pci_alias.service import options as api_options
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import httpserver


class StatusRecorder:
    """WSGI middleware that records the status of every response."""

    def __init__(self, application):
        self.application = application
        self.statuses = []

    def __call__(self, environ, start_response):
        def recording_start_response(status, headers, exc_info=None):
            self.statuses.append(int(status.split()[0]))
            return start_response(status, headers, exc_info)
        return self.application(environ, recording_start_response)


class ServiceAndClientTestCase(base.BaseTestCase):
    """The service on 127.0.0.1, and a client registry reading from it."""

    #: The service's [pci_alias_api] cache_max_age: by default it asks
    #: clients to revalidate on every read.
    cache_max_age = 0

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger(name='nova_pci_alias'))
        service = self.useFixture(fakes.ConfFixture())
        api_options.register_opts(service.conf)
        service.config(group='pci_alias', refresh_interval=0)
        service.config(group='pci_alias_api',
                       cache_max_age=self.cache_max_age,
                       auth_strategy='noauth')
        self.service_conf = service.conf
        self.service_registry = registry.AliasRegistry.from_config(
            self.service_conf)
        self.addCleanup(fakes.wait_for_check, self.service_registry)
        self.publish(entry('gpu', numa_policy='preferred'),
                     entry('nic', '154c', vendor_id='8086'))
        self.recorder = StatusRecorder(
            app.build_app(self.service_conf, self.service_registry))
        server = self.useFixture(httpserver.WSGIServerFixture(self.recorder))

        client = self.useFixture(fakes.ConfFixture())
        client.config(group='pci_alias', sources=['remote'],
                      refresh_interval=0)
        self.client_registry = registry.AliasRegistry.from_config(client.conf)
        self.addCleanup(fakes.wait_for_check, self.client_registry)
        client.config(group='pci_alias_remote',
                      url=server.url + '/v1/aliases',
                      allow_insecure_http=True, timeout=2)

    def publish(self, *entries):
        self.service_conf.set_override(
            'alias', [json.dumps(e) for e in entries], group='pci')


class TestRemoteFromService(ServiceAndClientTestCase):

    def test_client_gets_the_published_aliases(self):
        self.assertEqual(['gpu', 'nic'],
                         list(self.client_registry.get_table()))

    def test_translation_on_the_client(self):
        requests = request.translate_alias_to_requests(
            'gpu:2', aliases=self.client_registry.get_table())
        self.assertEqual([(2, 'preferred', [{'vendor_id': '10de',
                                             'product_id': '1db6'}])],
                         [(r['count'], r['numa_policy'], r['spec'])
                          for r in requests])

    def test_unchanged_document_is_not_downloaded_again(self):
        self.client_registry.get_table()
        self.client_registry.refresh()
        self.assertEqual([200, 304], self.recorder.statuses)

    def test_unchanged_document_keeps_the_same_table(self):
        first = self.client_registry.get_table()
        self.client_registry.refresh()
        self.assertIs(first, self.client_registry.get_table())

    def test_published_change_reaches_the_client(self):
        self.client_registry.get_table()
        self.publish(entry('fpga', '0b30', vendor_id='1172'))
        fakes.table_after_check(self.service_registry)
        self.client_registry.refresh()
        self.assertEqual(['fpga'], list(self.client_registry.get_table()))


class TestRemoteFromCachingService(ServiceAndClientTestCase):

    cache_max_age = 600

    def test_client_keeps_the_document_for_its_max_age(self):
        self.client_registry.get_table()
        self.client_registry.refresh()
        self.assertEqual([200], self.recorder.statuses)
