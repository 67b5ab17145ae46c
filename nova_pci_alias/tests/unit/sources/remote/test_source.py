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

"""Tests of the ``remote`` alias source, against real servers on 127.0.0.1."""

import json
import logging
import os
import stat
import subprocess
import sys
import threading

import fixtures
from keystoneauth1 import loading as ks_loading
from oslotest import base
from testtools import matchers

import nova_pci_alias
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import registry
from nova_pci_alias.sources import config
from nova_pci_alias.sources.remote import options as remote_opts
from nova_pci_alias.sources.remote import source as remote
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import httpserver
from nova_pci_alias.tests.unit import remote_servers
from nova_pci_alias.tests.unit import tls

TEN_MIB = 10 * 1024 * 1024

# A process writing the cache file, stopped just before its data is synced
# (it says "writing" then): its temporary file exists and is locked.
_PAUSED_WRITER = """
import os, sys, time
from nova_pci_alias.sources.remote import cache as remote_cache
def paused_fsync(fd):
    print('writing', flush=True)
    time.sleep(60)
os.fsync = paused_fsync
remote_cache.write(sys.argv[1], b'{"version": 1, "aliases": []}')
"""


class PausedCacheWriterFixture(fixtures.Fixture):
    """A process in the middle of writing the cache file ``path``."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def _setUp(self):
        self.process = subprocess.Popen(
            [sys.executable, '-c', _PAUSED_WRITER, self.path],
            stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.process.stdout.close)
        self.addCleanup(self.kill)
        if self.process.stdout.readline() != 'writing\n':
            raise RuntimeError('the writer process failed')

    def kill(self):
        """Kill the writer with SIGKILL, as the OOM killer would."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


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


class TestFetch(RemoteTestCase):

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

    def test_redirect_is_followed(self):
        src = self.source(url=self.server.url + '/moved')
        self.assertEqual(['a', 'b'], self.names(src))

    def test_user_agent_names_the_package(self):
        self.source().entries()
        self.assertThat(self.app.last_headers()['User-Agent'],
                        matchers.StartsWith('nova_pci_alias/'))

    def test_asks_for_json(self):
        self.source().entries()
        self.assertEqual('application/json',
                         self.app.last_headers()['Accept'])

    def test_no_url_is_a_clear_error(self):
        self.assertIn('set [pci_alias_remote] url, or service_type',
                      self.first_load_error(self.source(url=None)))

    def test_invalid_keystoneauth_options_are_a_clear_error(self):
        src = self.source(version='1', min_version='1')
        self.assertIn('invalid [pci_alias_remote] options',
                      self.first_load_error(src))


class TestConditionalRequests(RemoteTestCase):

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


class TestFirstLoadFailures(RemoteTestCase):

    def test_timeout(self):
        silent = self.useFixture(remote_servers.SilentServerFixture())
        src = self.source(url=silent.url + '/aliases.json', timeout=0.3)
        self.assertIn('timed out', self.first_load_error(src))

    def test_server_stalls_in_the_body(self):
        self.app.stall = 1
        src = self.source(timeout=0.3)
        self.assertIn('timed out: no complete answer within 0.3 seconds',
                      self.first_load_error(src))

    def test_truncated_body(self):
        self.app.truncated = True
        self.assertIn('reading the response failed',
                      self.first_load_error(self.source()))

    def test_connection_refused(self):
        src = self.source(url='http://127.0.0.1:%d/aliases.json'
                          % remote_servers.closed_port())
        self.assertIn('Connection refused', self.first_load_error(src))

    def test_error_names_the_url(self):
        self.app.status = '500 Internal Server Error'
        self.assertIn("PCI alias source 'remote' failed: %s: " % self.url,
                      self.first_load_error(self.source()))

    def test_server_error(self):
        self.app.status = '500 Internal Server Error'
        self.assertIn('HTTP 500 Internal Server Error',
                      self.first_load_error(self.source()))

    def test_not_found(self):
        src = self.source(url=self.server.url + '/nothing')
        self.assertIn('HTTP 404 Not Found', self.first_load_error(src))

    def test_large_body_refused_by_content_length(self):
        self.app.body = b' ' * TEN_MIB
        self.assertIn('larger than [pci_alias_remote] max_payload_bytes '
                      '(1048576 bytes): Content-Length is %d' % TEN_MIB,
                      self.first_load_error(self.source()))

    def test_large_body_without_length_refused_while_reading(self):
        self.app.body = b' ' * TEN_MIB
        self.app.streamed = True
        self.assertIn('larger than [pci_alias_remote] max_payload_bytes '
                      '(1048576 bytes);',
                      self.first_load_error(self.source()))

    def test_body_at_the_limit_is_read(self):
        body = self.app.body
        self.app.body = body + b' ' * (1000 - len(body))
        self.app.streamed = True
        src = self.source(max_payload_bytes=1000)
        self.assertEqual(['a', 'b'], self.names(src))

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

    def test_registry_raises_when_never_loaded(self):
        self.server.stop()
        self.assertRaises(exception.AliasSourceError,
                          self.registry().get_table)


class TestDeadline(RemoteTestCase):
    """``timeout`` bounds a request as a whole, not each socket read.

    The servers send a byte every 0.1 s, far within the 1 s timeout of any
    one read, and give up after 3 s (so that a client without a deadline
    fails instead of hanging the test, but with another error).
    """

    TIMEOUT = 1
    EXPECTED = 'timed out: no complete answer within 1 seconds'

    def trickle(self, part, ssl_context=None):
        return self.trickle_server(part, ssl_context).url + (
            remote_servers.DOCUMENT_PATH)

    def trickle_server(self, part, ssl_context=None):
        return self.useFixture(remote_servers.TrickleServerFixture(
            self.app.body, part, interval=0.1,
            give_up_after=3 * self.TIMEOUT, ssl_context=ssl_context))

    def error(self, url, **options):
        return self.first_load_error(self.source(
            url=url, timeout=self.TIMEOUT, **options))

    def test_trickled_status_line_and_headers(self):
        self.assertIn(self.EXPECTED, self.error(self.trickle('head')))

    def test_trickled_body(self):
        self.assertIn(self.EXPECTED, self.error(self.trickle('body')))

    def test_trickled_body_over_https(self):
        certificates = self.useFixture(tls.TLSFixture())
        url = self.trickle('body', certificates.server_context())
        self.assertIn(self.EXPECTED,
                      self.error(url, cafile=certificates.ca_file))

    def test_silent_server(self):
        silent = self.useFixture(remote_servers.SilentServerFixture())
        self.assertIn(self.EXPECTED,
                      self.error(silent.url + remote_servers.DOCUMENT_PATH))

    def test_silent_server_with_connect_retries(self):
        # Retrying after the deadline would start a new wait.
        silent = self.useFixture(remote_servers.SilentServerFixture())
        self.assertIn(self.EXPECTED, self.error(
            silent.url + remote_servers.DOCUMENT_PATH, connect_retries=3))

    def test_error_names_the_masked_url(self):
        base = self.trickle_server('head').url
        url = base.replace('//', '//nova:s3cret@') + '/aliases.json?sig=t0k'
        masked = base.replace('//', '//***@') + '/aliases.json?***'
        self.assertIn("PCI alias source 'remote' failed: %s: timed out"
                      % masked, self.error(url))

    def test_trickling_keystone(self):
        # Finding the endpoint authenticates first: within the same time.
        keystone = self.trickle_server('head')
        self.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('v3password'),
            group='pci_alias_remote')
        self.assertIn(self.EXPECTED, self.first_load_error(self.source(
            url=None, service_type='pci-alias', timeout=self.TIMEOUT,
            auth_type='v3password', auth_url=keystone.url + '/v3',
            username='nova', password='secret', user_domain_id='default',
            project_name='service', project_domain_id='default')))

    def test_next_check_works_after_a_deadline(self):
        self.app.stall = 3 * self.TIMEOUT
        src = self.source(timeout=self.TIMEOUT)
        self.assertRaises(exception.AliasSourceError, src.change_token)
        self.app.stall = 0
        self.assertEqual(['a', 'b'], self.names(src))


class TestLastKnownGood(RemoteTestCase):

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


class TestCacheFile(RemoteTestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.cache_file = os.path.join(self.directory, 'aliases.json')

    def cached_source(self, **options):
        return self.source(cache_file=self.cache_file, **options)

    def cached_registry(self):
        return self.registry(cache_file=self.cache_file)

    def read_cache(self):
        with open(self.cache_file, 'rb') as cache:
            return cache.read()

    def restart_during_outage(self):
        self.cached_registry().get_table()
        self.server.stop()
        return remote.RemoteSource(self.conf)

    def test_written_after_a_good_load(self):
        self.cached_registry().get_table()
        self.assertEqual(self.app.body, self.read_cache())

    def test_not_written_before_the_registry_accepts(self):
        self.cached_source().entries()
        self.assertFalse(os.path.exists(self.cache_file))

    def test_owner_only_permissions(self):
        self.cached_registry().get_table()
        self.assertEqual(0o600,
                         stat.S_IMODE(os.stat(self.cache_file).st_mode))

    def test_replaced_by_a_new_document(self):
        reg = self.cached_registry()
        reg.get_table()
        self.app.set_entries([entry('c')])
        reg.refresh()
        self.assertEqual(self.app.body, self.read_cache())

    def test_no_temporary_file_left(self):
        self.cached_registry().get_table()
        self.assertEqual(['aliases.json'], os.listdir(self.directory))

    def test_document_with_invalid_alias_is_not_cached(self):
        reg = self.cached_registry()
        reg.get_table()
        good = self.app.body
        self.app.set_entries([entry('a', vendor_id='bad')])
        self.assertRaises(exception.PciInvalidAlias, reg.refresh)
        self.assertEqual(good, self.read_cache())

    def test_document_with_a_shadowed_invalid_alias_is_cached(self):
        # The registry ignores an entry that an earlier source shadows, so
        # the document loads, and is the one to keep.
        reg = self.registry(sources=('config', 'remote'),
                            cache_file=self.cache_file)
        self.conf_fixture.config(group='pci', alias=[
            json.dumps(entry('a'))])
        self.app.set_entries([entry('a', vendor_id='bad'), entry('b')])
        reg.get_table()
        self.assertEqual(self.app.body, self.read_cache())

    def test_restart_during_outage_serves_the_cache(self):
        src = self.restart_during_outage()
        self.assertEqual(['a', 'b'], self.names(src))

    def test_restart_during_outage_is_logged(self):
        self.restart_during_outage().entries()
        self.assertIn("PCI alias source 'remote' serves the aliases kept in "
                      "the cache file %s" % self.cache_file,
                      self.logger.output)

    def test_restart_during_outage_through_the_registry(self):
        self.cached_registry().get_table()
        self.server.stop()
        self.assertEqual(['a', 'b'], list(self.registry(
            cache_file=self.cache_file).get_table()))

    def test_cached_location_names_the_file(self):
        src = self.restart_during_outage()
        src.entries()
        self.assertEqual('%s (cached from %s)' % (self.cache_file, self.url),
                         src.location())

    def test_server_back_after_a_restart_is_logged(self):
        self.cached_registry().get_table()
        self.app.status = '503 Service Unavailable'
        src = remote.RemoteSource(self.conf)
        src.entries()
        self.app.status = None
        src.change_token()
        self.assertIn("PCI alias source 'remote' fetched %s again"
                      % self.url, self.logger.output)

    def test_missing_cache_file(self):
        self.server.stop()
        self.assertIn('the cache file %s does not exist' % self.cache_file,
                      self.first_load_error(self.cached_source()))

    def test_invalid_cache_file_is_refused(self):
        with open(self.cache_file, 'wb') as cache:
            cache.write(b'{"version": 1')
        self.server.stop()
        self.assertIn('Invalid PCI alias document from %s: not JSON'
                      % self.cache_file,
                      self.first_load_error(self.cached_source()))

    def temporary_files(self):
        return [name for name in os.listdir(self.directory)
                if name != 'aliases.json']

    def test_leftover_of_a_killed_writer_is_removed(self):
        self.useFixture(PausedCacheWriterFixture(self.cache_file)).kill()
        self.cached_registry().get_table()
        self.assertEqual([], self.temporary_files())

    def test_leftovers_of_many_killed_writers_are_removed(self):
        # All three alive at once: none of them removes another's file.
        writers = [self.useFixture(PausedCacheWriterFixture(self.cache_file))
                   for _ in range(3)]
        for writer in writers:
            writer.kill()
        self.cached_registry().get_table()
        self.assertIn("PCI alias source 'remote' removed 3 temporary files "
                      "that interrupted writes of its cache file %s left "
                      "behind" % self.cache_file, self.logger.output)

    def test_temporary_file_of_a_live_writer_is_kept(self):
        self.useFixture(PausedCacheWriterFixture(self.cache_file))
        self.cached_registry().get_table()
        self.assertEqual(1, len(self.temporary_files()))

    def test_files_of_other_names_are_kept(self):
        other = os.path.join(self.directory, '.other.json.abcdefgh.tmp')
        open(other, 'wb').close()
        self.cached_registry().get_table()
        self.assertEqual(['.other.json.abcdefgh.tmp'],
                         self.temporary_files())

    def write_cache(self, mode=0o600):
        self.cached_registry().get_table()
        os.chmod(self.cache_file, mode)
        self.server.stop()

    def refusal(self):
        return self.first_load_error(remote.RemoteSource(self.conf))

    def assertRefused(self, reason):
        self.assertIn('the cache file %s is refused: %s'
                      % (self.cache_file, reason), self.refusal())

    def test_owner_only_cache_file_is_served(self):
        self.write_cache()
        self.assertEqual(['a', 'b'], self.names(remote.RemoteSource(
            self.conf)))

    def test_group_writable_cache_file_is_refused(self):
        self.write_cache(0o660)
        self.assertRefused('it is writable by its group or by others (mode '
                           '0660)')

    def test_world_writable_cache_file_is_refused(self):
        self.write_cache(0o602)
        self.assertRefused('it is writable by its group or by others (mode '
                           '0602)')

    def test_symbolic_link_is_refused(self):
        self.write_cache()
        os.rename(self.cache_file, self.cache_file + '.real')
        os.symlink(self.cache_file + '.real', self.cache_file)
        self.assertRefused('it is a symbolic link, not a regular file')

    def test_directory_is_refused(self):
        self.configure(cache_file=self.cache_file)
        os.mkdir(self.cache_file)
        self.server.stop()
        self.assertRefused('it is a directory, not a regular file')

    def test_fifo_is_refused_without_blocking(self):
        self.configure(cache_file=self.cache_file)
        os.mkfifo(self.cache_file)
        self.server.stop()
        # Without O_NONBLOCK the open would wait for a writer for ever:
        # open one after a while, so that such a failure ends.
        unblock = threading.Timer(10, self.open_fifo_for_writing)
        unblock.start()
        self.addCleanup(unblock.cancel)
        self.assertRefused('it is a FIFO, not a regular file')

    def open_fifo_for_writing(self):
        try:
            os.close(os.open(self.cache_file, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass

    def test_cache_file_of_another_user_is_refused(self):
        if os.geteuid() != 0:
            self.skipTest('changing a file\'s owner needs root')
        self.write_cache()
        os.chown(self.cache_file, 12345, 12345)
        self.assertRefused('it is owned by uid 12345')

    def test_unwritable_cache_file_is_logged(self):
        self.cache_file = os.path.join(self.directory, 'missing', 'a.json')
        self.cached_registry().get_table()
        self.assertIn('cannot write its cache file %s' % self.cache_file,
                      self.logger.output)


class TestEmptyDocument(RemoteTestCase):
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


class TestSecurity(RemoteTestCase):

    def test_plain_http_is_logged(self):
        self.source(allow_insecure_http=False).entries()
        self.assertIn('over plain HTTP', self.logger.output)

    def test_plain_http_allowed_explicitly(self):
        self.source(allow_insecure_http=True).entries()
        self.assertNotIn('over plain HTTP', self.logger.output)

    def test_credentials_are_never_logged_nor_raised(self):
        # urllib3 logs each request's path and query at DEBUG; oslo.log
        # keeps it at WARN by default, as the deployer guide says.
        self.useFixture(fixtures.FakeLogger(name='urllib3',
                                            level=logging.WARNING))
        self.app.status = '500 Internal Server Error'
        reg = self.registry(
            url='http://nova:s3cret@127.0.0.1:%d/aliases.json?sig=t0ken'
            % self.server.port)
        error = str(self.assertRaises(exception.AliasSourceError,
                                      reg.get_table))
        self.assertEqual([], [secret for secret in ('s3cret', 't0ken')
                              if secret in error + self.logger.output])

    def secret_url(self, base):
        return base.replace('//', '//nova:s3cret@') + (
            remote_servers.DOCUMENT_PATH + '?sig=t0ken')

    def secrets_shown(self, text):
        return [secret for secret in ('s3cret', 't0ken')
                if secret in text + self.logger.output]

    def test_timeout_does_not_show_credentials(self):
        self.useFixture(fixtures.FakeLogger(name='urllib3',
                                            level=logging.WARNING))
        silent = self.useFixture(remote_servers.SilentServerFixture())
        src = self.source(url=self.secret_url(silent.url), timeout=0.5)
        self.assertEqual([], self.secrets_shown(self.first_load_error(src)))

    def test_empty_document_warning_does_not_show_credentials(self):
        self.useFixture(fixtures.FakeLogger(name='urllib3',
                                            level=logging.WARNING))
        self.app.set_entries([])
        reg = self.registry(url=self.secret_url(self.server.url))
        reg.get_table()
        self.assertEqual([], self.secrets_shown(''))

    def test_refused_connection_does_not_show_the_query(self):
        src = self.source(url='http://127.0.0.1:%d/aliases.json?sig=t0ken'
                          % remote_servers.closed_port())
        self.assertNotIn('t0ken', self.first_load_error(src))


class TestTLS(RemoteTestCase):

    def setUp(self):
        super().setUp()
        self.tls = self.useFixture(tls.TLSFixture())

    def https_url(self, require_client_cert=False):
        server = self.useFixture(httpserver.WSGIServerFixture(
            self.app, self.tls.server_context(require_client_cert)))
        return server.url + remote_servers.DOCUMENT_PATH

    def test_verified_with_the_ca_file(self):
        src = self.source(url=self.https_url(), cafile=self.tls.ca_file)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_refused_without_the_ca_file(self):
        src = self.source(url=self.https_url())
        self.assertIn('CERTIFICATE_VERIFY_FAILED', self.first_load_error(src))

    def test_insecure_skips_verification(self):
        # urllib3 warns of every unverified request, as it should; the
        # test asks for one on purpose.
        self.useFixture(fixtures.WarningsFilter([
            {'action': 'ignore', 'message': 'Unverified HTTPS request'}]))
        src = self.source(url=self.https_url(), insecure=True)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_client_certificate(self):
        src = self.source(url=self.https_url(require_client_cert=True),
                          cafile=self.tls.ca_file,
                          certfile=self.tls.client_cert,
                          keyfile=self.tls.client_key)
        self.assertEqual(['a', 'b'], self.names(src))

    def test_refused_without_a_client_certificate(self):
        src = self.source(url=self.https_url(require_client_cert=True),
                          cafile=self.tls.ca_file)
        self.assertIn('SSL exception', self.first_load_error(src))

    def test_https_is_not_warned_about(self):
        self.source(url=self.https_url(), cafile=self.tls.ca_file,
                    allow_insecure_http=False).entries()
        self.assertNotIn('over plain HTTP', self.logger.output)


class TestDiscovery(RemoteTestCase):

    def discover(self, **options):
        return self.source(url=None, service_type='pci-alias',
                           path=remote_servers.DOCUMENT_PATH, **options)

    def keystone(self):
        app = remote_servers.KeystoneApp('pci-alias', self.server.url)
        server = self.useFixture(httpserver.WSGIServerFixture(app))
        self.conf_fixture.config(group='pci_alias_remote',
                                 auth_type='v3password')
        # The source registers the plugin's options when it loads it; they
        # are registered here first to be set.
        self.conf.register_opts(
            ks_loading.get_auth_plugin_conf_options('v3password'),
            group='pci_alias_remote')
        return server

    def test_wrong_password(self):
        self.login(password='wrong')
        self.assertIn('HTTP 401', self.first_load_error(self.discover()))

    def test_unknown_auth_plugin(self):
        self.assertIn('invalid [pci_alias_remote] options',
                      self.first_load_error(self.source(auth_type='nope')))

    def test_endpoint_override_and_path(self):
        src = self.discover(endpoint_override=self.server.url)
        self.assertEqual(['a', 'b'], self.names(src))

    def login(self, password=remote_servers.KeystoneApp.PASSWORD):
        keystone = self.keystone()
        self.conf_fixture.config(
            group='pci_alias_remote', auth_url=keystone.url + '/v3',
            username='nova', password=password, user_domain_id='default',
            project_name='service', project_domain_id='default')

    def test_service_catalog(self):
        self.login()
        self.assertEqual(['a', 'b'], self.names(self.discover()))

    def test_token_is_sent(self):
        self.login()
        self.discover().entries()
        self.assertEqual(remote_servers.KeystoneApp.TOKEN,
                         self.app.last_headers()['X-Auth-Token'])

    def test_location_after_discovery(self):
        src = self.discover(endpoint_override=self.server.url)
        src.entries()
        self.assertEqual(self.url, src.location())

    def test_location_of_an_endpoint_override(self):
        src = self.discover(endpoint_override=self.server.url + '/')
        self.assertEqual(self.url, src.location())

    def test_location_before_discovery(self):
        self.assertEqual("the 'pci-alias' endpoint of the service catalog",
                         self.discover().location())


class TestWithConfigSource(RemoteTestCase):
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


class TestOptions(base.BaseTestCase):

    def test_list_opts(self):
        names = {opt.dest for _, group_opts in remote.RemoteSource.list_opts()
                 for opt in group_opts}
        expected = {'url', 'path', 'min_refresh_interval',
                    'max_refresh_interval', 'max_payload_bytes',
                    'cache_file', 'allow_insecure_http', 'cafile',
                    'certfile', 'keyfile', 'insecure', 'timeout',
                    'auth_type', 'auth_section', 'service_type',
                    'region_name', 'valid_interfaces', 'endpoint_override',
                    'connect_retries', 'status_code_retries'}
        self.assertEqual(set(), expected - names)

    def test_generator_lists_the_remote_options(self):
        self.assertIn(('pci_alias_remote', 'url'), {
            (str(group), opt.dest) for group, group_opts in opts.list_opts()
            for opt in group_opts})

    def test_timeout_has_a_default(self):
        conf = self.useFixture(fakes.ConfFixture()).conf
        remote_opts.register_opts(conf)
        self.assertEqual(remote_opts.DEFAULT_TIMEOUT,
                         conf.pci_alias_remote.timeout)

    def test_overrides_stay_in_their_configuration(self):
        first = self.useFixture(fakes.ConfFixture())
        second = self.useFixture(fakes.ConfFixture()).conf
        remote_opts.register_opts(first.conf)
        remote_opts.register_opts(second)
        first.config(group='pci_alias_remote', url='https://a.example/')
        self.assertIsNone(second.pci_alias_remote.url)


class TestPublishedSchema(base.BaseTestCase):

    def test_schema_file_matches_the_code(self):
        path = os.path.join(os.path.dirname(nova_pci_alias.__file__),
                            os.pardir, 'doc', 'source', 'reference',
                            'alias-document.schema.json')
        if not os.path.exists(path):
            self.skipTest('not run from a source tree')
        with open(path) as schema:
            self.assertEqual(document.full_schema(), json.load(schema))
