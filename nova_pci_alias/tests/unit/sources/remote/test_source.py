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

"""Tests of the ``remote`` source plugin, against servers on 127.0.0.1.

:class:`~nova_pci_alias.sources.remote.source.RemoteSource`: change tokens,
the last good document, outages.
"""

import datetime
import json
import os
import socket

import fixtures

from nova_pci_alias import client_report
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias.sources import config
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.remote import base as remote_base


class TestFetch(remote_base.RemoteTestCase):

    def test_entries_of_the_document(self):
        self.assertEqual(['a', 'b'], self.names(self.source()))

    def test_registry_table(self):
        self.assertEqual(['a', 'b'], list(self.registry().get_table()))

    def test_location_is_the_url(self):
        self.assertEqual(self.url, self.source().location())

    def test_location_hides_credentials_and_query(self):
        src = self.source(url='http://nova:s3cret@127.0.0.1:%d/aliases.json'
                          '?sig=abc' % self.server.port)
        self.assertEqual('http://***@127.0.0.1:%d/aliases.json?***'
                         % self.server.port, src.location())

    def test_no_url_is_a_clear_error(self):
        self.assertIn('set [pci_alias_remote] url, or service_type',
                      self.first_load_error(self.source(url=None)))

    def test_invalid_keystoneauth_options_are_a_clear_error(self):
        src = self.source(version='1', min_version='1')
        self.assertIn('invalid [pci_alias_remote] options',
                      self.first_load_error(src))


class TestConditionalRequests(remote_base.RemoteTestCase):

    def test_etag_is_sent_as_if_none_match(self):
        src = self.source()
        src.change_token()
        src.change_token()
        self.assertEqual(document.etag_of(self.app.body),
                         self.app.last_headers()['If-None-Match'])

    def test_last_modified_is_sent_as_if_modified_since(self):
        self.app.etag = False
        self.app.last_modified = True
        src = self.source()
        src.change_token()
        src.change_token()
        self.assertEqual('Tue, 14 Nov 2023 22:13:20 GMT',
                         self.app.last_headers()['If-Modified-Since'])

    def not_modified_from_now_on(self):
        """Answer 304 to everything, while the document changes."""
        self.app.status = '304 Not Modified'
        self.app.set_entries([entry('c')])

    def test_not_modified_keeps_the_table(self):
        reg = self.registry()
        first = reg.get_table()
        self.not_modified_from_now_on()
        self.assertIs(first, fakes.table_after_check(reg))

    def test_not_modified_keeps_the_token(self):
        src = self.source()
        first = src.change_token()
        self.not_modified_from_now_on()
        self.assertEqual(first, src.change_token())

    def test_not_modified_to_a_first_request_is_an_error(self):
        self.app.status = '304 Not Modified'
        self.assertIn('HTTP 304 Not Modified to a request that was not '
                      'conditional', self.first_load_error(self.source()))

    def test_a_changed_document_is_seen(self):
        reg = self.registry()
        reg.get_table()
        self.app.set_entries([entry('c')])
        self.assertEqual(['c'], list(fakes.table_after_check(reg)))

    def test_same_bytes_without_validators_keep_the_table(self):
        self.app.etag = False
        reg = self.registry()
        first = reg.get_table()
        self.assertIs(first, fakes.table_after_check(reg))

    def test_no_request_while_max_age_lasts(self):
        self.app.cache_control = 'max-age=30'
        src = self.source()
        src.change_token()
        self.now += 29
        src.change_token()
        self.assertEqual(1, len(self.app.requests))

    def test_request_once_max_age_is_over(self):
        self.app.cache_control = 'max-age=30'
        src = self.source()
        src.change_token()
        self.now += 30
        src.change_token()
        self.assertEqual(2, len(self.app.requests))

    def test_age_header_shortens_max_age(self):
        self.app.cache_control = 'max-age=30'
        self.app.age = 20
        src = self.source()
        src.change_token()
        self.now += 10
        src.change_token()
        self.assertEqual(2, len(self.app.requests))

    def test_max_age_is_cut_to_max_refresh_interval(self):
        self.app.cache_control = 'max-age=86400'
        src = self.source(max_refresh_interval=60)
        src.change_token()
        self.now += 60
        src.change_token()
        self.assertEqual(2, len(self.app.requests))

    def test_min_refresh_interval_holds_without_max_age(self):
        src = self.source(min_refresh_interval=10)
        src.change_token()
        self.now += 9
        src.change_token()
        self.assertEqual(1, len(self.app.requests))

    def test_max_age_below_min_refresh_interval_is_raised(self):
        self.app.cache_control = 'max-age=1'
        src = self.source(min_refresh_interval=10)
        src.change_token()
        self.now += 5
        src.change_token()
        self.assertEqual(1, len(self.app.requests))

    def test_max_age_that_is_not_a_number_is_ignored(self):
        self.app.cache_control = 'max-age=soon'
        src = self.source()
        src.change_token()
        self.now += 1
        src.change_token()
        self.assertEqual(2, len(self.app.requests))

    def test_no_cache_asks_every_time(self):
        self.app.cache_control = 'no-cache, max-age=600'
        src = self.source()
        src.change_token()
        self.now += 1
        src.change_token()
        self.assertEqual(2, len(self.app.requests))


class TestFirstLoadFailures(remote_base.RemoteTestCase):

    def test_malformed_json(self):
        self.app.body = b'{"version": 1, "aliases": ['
        self.assertIn('Invalid PCI alias document from %s: not JSON'
                      % self.url, self.first_load_error(self.source()))

    def test_wrong_version(self):
        self.app.body = b'{"version": 2, "aliases": []}'
        self.assertIn('unsupported document version 2',
                      self.first_load_error(self.source()))

    def test_wrong_shape(self):
        self.app.body = b'{"version": 1}'
        self.assertIn("'aliases' is a required property",
                      self.first_load_error(self.source()))

    def test_invalid_entry_names_the_url_and_position(self):
        self.app.set_entries([entry('a'), entry('b', vendor_id='xyz')])
        exc = self.assertRaises(exception.PciInvalidAlias,
                                self.registry().get_table)
        self.assertIn("[alias source 'remote' at %s, entry 2]" % self.url,
                      str(exc))

    def test_never_loaded_without_cache_file(self):
        self.app.status = '503 Service Unavailable'
        self.assertIn('no aliases were loaded before, nor can be read from '
                      'a cache file: [pci_alias_remote] cache_file is not '
                      'set', self.first_load_error(self.source()))

    def test_never_loaded_error_names_the_source_once(self):
        self.app.status = '503 Service Unavailable'
        error = self.first_load_error(self.source())
        self.assertEqual(1, error.count("PCI alias source 'remote' failed"))

    def test_never_loaded_error_keeps_what_is_wrong_with_the_document(self):
        self.app.body = b'{"version": 2, "aliases": []}'
        self.assertIn("PCI alias source 'remote' failed: Invalid PCI alias "
                      "document from %s: unsupported document version 2"
                      % self.url,
                      self.first_load_error(self.source()))

    def test_registry_raises_when_never_loaded(self):
        self.server.stop()
        self.assertRaises(exception.AliasSourceError,
                          self.registry().get_table)


class TestLastKnownGood(remote_base.RemoteTestCase):

    def test_outage_keeps_the_table(self):
        reg = self.registry()
        table = reg.get_table()
        self.server.stop()
        self.assertIs(table, fakes.table_after_check(reg))

    def test_bad_document_keeps_the_table(self):
        reg = self.registry()
        table = reg.get_table()
        self.app.body = b'<html>maintenance</html>'
        self.assertIs(table, fakes.table_after_check(reg))

    def test_failed_fetch_keeps_the_entries(self):
        src = self.source()
        src.change_token()
        self.app.body = b'{"version": 2}'
        self.assertRaises(exception.AliasSourceError, src.change_token)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_failed_fetch_is_raised_after_a_good_load(self):
        src = self.source()
        src.change_token()
        self.app.status = '502 Bad Gateway'
        self.assertRaises(exception.AliasSourceError, src.change_token)

    def test_outage_is_logged_once(self):
        reg = self.registry()
        reg.get_table()
        self.app.status = '500 Internal Server Error'
        fakes.table_after_check(reg)
        fakes.table_after_check(reg)
        self.assertEqual(1, self.logger.output.count(
            'Refreshing the PCI alias table failed'))

    def test_recovery_is_logged(self):
        reg = self.registry()
        reg.get_table()
        self.app.status = '500 Internal Server Error'
        fakes.table_after_check(reg)
        self.app.status = None
        fakes.table_after_check(reg)
        self.assertIn('Refreshing the PCI alias table works again',
                      self.logger.output)

    def test_change_after_recovery_is_seen(self):
        reg = self.registry()
        reg.get_table()
        self.app.status = '500 Internal Server Error'
        fakes.table_after_check(reg)
        self.app.status = None
        self.app.set_entries([entry('c')])
        self.assertEqual(['c'], list(fakes.table_after_check(reg)))


class TestEmptyDocument(remote_base.RemoteTestCase):
    """A document with no aliases is served, and said loudly."""

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.cache_file = os.path.join(self.directory, 'aliases.json')

    def empty_after_a_good_load(self, **options):
        reg = self.registry(**options)
        reg.get_table()
        self.app.set_entries([])
        reg.refresh()
        return reg

    def test_empty_document_replacing_aliases_is_logged(self):
        self.empty_after_a_good_load()
        self.assertIn("PCI alias source 'remote' fetched a document with no "
                      "aliases from %s (it replaces 2 aliases from %s)"
                      % (self.url, self.url), self.logger.output)

    def test_first_document_without_aliases_is_logged(self):
        self.app.set_entries([])
        self.source().entries()
        self.assertIn("fetched a document with no aliases from %s (none "
                      "were held before)" % self.url, self.logger.output)

    def test_same_empty_document_is_logged_once(self):
        self.app.etag = False
        reg = self.empty_after_a_good_load()
        reg.refresh()
        self.assertEqual(1, self.logger.output.count(
            'fetched a document with no aliases'))

    def test_empty_document_is_served(self):
        reg = self.empty_after_a_good_load()
        self.assertEqual([], list(reg.get_table()))

    def test_empty_document_kept_in_the_cache_file_is_logged(self):
        self.empty_after_a_good_load(cache_file=self.cache_file)
        self.assertIn("PCI alias source 'remote' keeps a document with no "
                      "aliases, from %s, in its cache file %s"
                      % (self.url, self.cache_file), self.logger.output)


class TestWithConfigSource(remote_base.RemoteTestCase):
    """``[pci_alias] sources = config, remote``."""

    def setUp(self):
        super().setUp()
        self.conf.register_opt(config.alias_opt, group=config.GROUP)
        self.conf_fixture.config(group='pci', alias=[
            json.dumps(entry('a', '0001'))])

    def test_config_owns_a_shared_name(self):
        reg = self.registry(sources=('config', 'remote'))
        self.assertEqual(['0001'], [spec['product_id'] for spec
                                    in reg.get_table()['a'].specs])

    def test_shadowed_remote_alias_is_logged(self):
        self.registry(sources=('config', 'remote')).get_table()
        self.assertIn("PCI alias 'a' from source 'remote' is shadowed by "
                      "the definition from source 'config'",
                      self.logger.output)

    def test_remote_change_is_seen(self):
        reg = self.registry(sources=('config', 'remote'))
        reg.get_table()
        self.app.set_entries([entry('c')])
        self.assertEqual(['a', 'c'], list(fakes.table_after_check(reg)))


class TestClientReport(remote_base.RemoteTestCase):
    """The OpenStack-PCI-Alias-Client header of the requests."""

    def sent_headers(self):
        """The names of the headers of the last request, in lower case."""
        return {name.lower(): value
                for name, value in self.app.last_headers().items()}

    def sent_report(self):
        """The client report of the last request, decoded."""
        return client_report.decode(
            self.sent_headers()[client_report.HEADER.lower()])

    def refreshed(self, **options):
        """A registry that loaded, then checked again (a second GET)."""
        reg = self.registry(**options)
        reg.get_table()
        reg.refresh(force=True)
        return reg

    def test_first_request_reports_nothing(self):
        self.registry().get_table()
        self.assertNotIn(client_report.HEADER.lower(), self.sent_headers())

    def test_next_request_reports_the_etag_held(self):
        self.refreshed()
        self.assertEqual(document.etag_of(self.app.body),
                         self.sent_report().etag)

    def test_report_names_the_process(self):
        self.refreshed()
        report = self.sent_report()
        self.assertEqual(
            (socket.gethostname(), client_report.service_name(),
             os.getpid()), (report.host, report.service, report.pid))

    def test_report_says_when_the_table_loaded(self):
        reg = self.refreshed()
        loaded_at = datetime.datetime.fromtimestamp(
            int(reg.status.loaded_at), datetime.timezone.utc)
        self.assertEqual(loaded_at.replace(tzinfo=None),
                         self.sent_report().loaded_at)

    def test_report_carries_the_last_error(self):
        reg = self.refreshed()
        self.app.status = '500 Internal Server Error'
        self.assertRaises(exception.AliasSourceError, reg.refresh)
        self.app.status = None
        reg.refresh()
        self.assertIn('HTTP 500', self.sent_report().error)

    def test_report_can_be_turned_off(self):
        self.refreshed(report_to_server=False)
        self.assertNotIn(client_report.HEADER.lower(), self.sent_headers())

    def test_source_read_alone_reports_nothing(self):
        # As the upgrade check reads it: no registry reports to it.
        src = self.source()
        src.change_token()
        src.change_token()
        self.assertNotIn(client_report.HEADER.lower(), self.sent_headers())
