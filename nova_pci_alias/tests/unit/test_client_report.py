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

"""Tests of the client report header: :mod:`nova_pci_alias.client_report`.
"""

import datetime
import json
import sys
import types

import fixtures
from oslotest import base

from nova_pci_alias import client_report
from nova_pci_alias import exception
from nova_pci_alias.sources.database import models

ETAG = '"%s"' % ('ab' * 32)
LOADED = datetime.datetime(2026, 12, 1, 14, 5, 0)
LOADED_SECONDS = LOADED.replace(tzinfo=datetime.timezone.utc).timestamp()


def encoded(**fields):
    values = dict(host='compute-1', service='nova-compute', pid=4242,
                  etag=ETAG, loaded_at=LOADED_SECONDS,
                  checked_at=LOADED_SECONDS + 60, error=None)
    values.update(fields)
    return client_report.encode(**values)


def raw(**fields):
    """A header value of these JSON fields over a valid report's."""
    value = json.loads(encoded())
    value.update(fields)
    return json.dumps(value)


class TestRoundTrip(base.BaseTestCase):

    def test_decode_gives_what_was_encoded(self):
        self.assertEqual(client_report.ClientReport(
            'compute-1', 'nova-compute', 4242, ETAG, LOADED,
            LOADED + datetime.timedelta(seconds=60), None),
            client_report.decode(encoded()))

    def test_value_is_one_ascii_line(self):
        value = encoded(error='caf\u00e9\r\nX-Injected: 1')
        self.assertTrue(value.isascii() and '\n' not in value)

    def test_long_error_is_cut_to_fit(self):
        report = client_report.decode(encoded(error='x' * 1000))
        self.assertEqual(client_report.ERROR_LENGTH, len(report.error))

    def test_longest_report_fits(self):
        value = encoded(host='\u00e9' * 1000, service='\u00e9' * 1000,
                        error='\u00e9' * 1000)
        self.assertLessEqual(len(value.encode()), client_report.MAX_BYTES)

    def test_no_table_yet(self):
        report = client_report.decode(encoded(etag=None, loaded_at=None))
        self.assertEqual((None, None), (report.etag, report.loaded_at))

    def test_unknown_keys_are_ignored(self):
        self.assertEqual(client_report.decode(encoded()),
                         client_report.decode(raw(later='field')))

    def test_lengths_are_the_fleet_views(self):
        self.assertEqual(
            (models.ACTOR_STRING, models.SERVICE_NAME_LENGTH,
             models.CONSUMER_ERROR_LENGTH),
            (client_report.HOST_LENGTH, client_report.SERVICE_LENGTH,
             client_report.ERROR_LENGTH))


class TestRefused(base.BaseTestCase):

    def refused(self, value):
        return str(self.assertRaises(exception.InvalidInput,
                                     client_report.decode, value))

    def test_not_json(self):
        self.assertIn('not JSON', self.refused('host=compute-1'))

    def test_not_an_object(self):
        self.assertIn('not a JSON object', self.refused('[1]'))

    def test_too_long(self):
        self.assertIn('at most 4096 bytes',
                      self.refused(raw(padding='x' * 4096)))

    def test_deeply_nested(self):
        self.assertIn('not JSON', self.refused('[' * 4000))

    def test_pid_must_be_a_positive_integer(self):
        self.assertIn('pid', self.refused(raw(pid=True)))

    def test_etag_must_be_a_sha256(self):
        self.assertIn('etag', self.refused(raw(etag='"W/abc"')))

    def test_host_is_required(self):
        self.assertIn('host', self.refused(raw(host='')))

    def test_time_must_be_iso_8601(self):
        self.assertIn('loaded_at', self.refused(raw(loaded_at='yesterday')))

    def test_error_must_be_a_text(self):
        self.assertIn('error', self.refused(raw(error={'a': 1})))

    def test_message_does_not_repeat_the_value(self):
        self.assertNotIn('SECRET', self.refused(raw(pid='SECRET')))


class TestServiceName(base.BaseTestCase):

    def run_as(self, argv0, *modules):
        self.useFixture(fixtures.MonkeyPatch('sys.argv', [argv0]))
        self.useFixture(fixtures.MonkeyPatch('sys.modules', dict(
            sys.modules, **{name: types.ModuleType(name)
                            for name in modules})))
        return client_report.service_name()

    def test_program_name_is_the_service(self):
        self.assertEqual('nova-compute',
                         self.run_as('/usr/bin/nova-compute'))

    def test_nova_api_under_uwsgi_is_nova_api(self):
        self.assertEqual('nova-api', self.run_as(
            '/usr/bin/uwsgi', 'nova.wsgi.osapi_compute'))

    def test_alias_service_under_gunicorn_is_named(self):
        self.assertEqual('nova-pci-alias-api', self.run_as(
            'gunicorn', 'nova_pci_alias.wsgi.api'))

    def test_other_application_keeps_the_server_name(self):
        self.assertEqual('uwsgi', self.run_as('uwsgi', 'myapp.wsgi'))
