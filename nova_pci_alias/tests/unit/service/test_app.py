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

"""Tests of the alias service application, over real HTTP on 127.0.0.1."""

import functools
import http.client
import json
import logging
import re
import socket
import threading
import time
import urllib.parse

import fixtures
from oslo_config import cfg
from oslo_log import formatters
from oslo_log import log as oslo_log
from oslo_middleware import opts as middleware_opts
from oslotest import base

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import registry
from nova_pci_alias.service import aliases
from nova_pci_alias.service import app
from nova_pci_alias.service import health
from nova_pci_alias.service import options
from nova_pci_alias.sources import config
from nova_pci_alias.sources.database import options as database_options
from nova_pci_alias.tests.unit import fakes
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit import httpserver

GPU = json.dumps(entry('gpu'))
NIC = json.dumps(entry('nic', '154c', vendor_id='8086',
                       device_type='type-VF'))


def fetch(url, path='/v1/aliases', method='GET', headers=None):
    """Send one request; return ``(status, headers, body)``."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


class OsloLogFormat(fixtures.Fixture):
    """Capture a logger's records as oslo.log formats them in a service.

    With oslo.log's own defaults for ``logging_context_format_string`` and
    ``logging_default_format_string``; ``output`` is the text.
    """

    def __init__(self, name):
        super().__init__()
        self.name = name

    def _setUp(self):
        log_conf = cfg.ConfigOpts()
        oslo_log.register_options(log_conf)
        log_conf([], default_config_files=[], default_config_dirs=[])
        self.logger = self.useFixture(fixtures.FakeLogger(
            name=self.name, level=logging.DEBUG, format='%(message)s',
            formatter=functools.partial(formatters.ContextFormatter,
                                        config=log_conf)))

    @property
    def output(self):
        return self.logger.output


class ServiceTestCase(base.BaseTestCase):
    """Serves the application of a fresh configuration on 127.0.0.1.

    ``self.conf`` reads ``[pci] alias`` through the ``config`` source,
    checked on every request (``refresh_interval = 0``).
    """

    def setUp(self):
        super().setUp()
        self.conf_fixture = self.useFixture(fakes.ConfFixture())
        self.conf = self.conf_fixture.conf
        # Registered ahead of the application, so that tests can override
        # them as a deployer's file would set them.
        options.register_opts(self.conf)
        self.conf.register_opt(config.alias_opt, group=config.GROUP)
        listed = (middleware_opts.list_opts_healthcheck()
                  + middleware_opts.list_opts_http_proxy_to_wsgi())
        for group, group_opts in listed:
            self.conf.register_opts(group_opts, group=group)
        self.conf_fixture.config(group='pci_alias', refresh_interval=0)
        self.conf_fixture.config(group='pci_alias_api', auth_strategy='noauth')
        self.set_aliases(GPU, NIC)
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias'))
        self.now = 1000.0
        self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.service.aliases.time.monotonic',
            side_effect=lambda: self.now))

    def set_aliases(self, *definitions):
        self.conf.set_override('alias', list(definitions), group='pci')

    def serve(self, reg=None):
        """Serve the application; return its base URL."""
        if reg is None:
            reg = registry.AliasRegistry.from_config(self.conf)
        if isinstance(reg, registry.AliasRegistry):
            self.registry = reg
            self.addCleanup(fakes.wait_for_check, reg)
        application = app.build_app(self.conf, reg)
        return self.useFixture(httpserver.WSGIServerFixture(application)).url

    def check_sources(self):
        """Start the check a request would start now, and wait for it."""
        fakes.table_after_check(self.registry)

    def serve_sources(self, *sources):
        """Serve a registry over FakeSources named s1, s2, ..."""
        return self.serve(registry.AliasRegistry(
            self.conf, [('s%d' % (i + 1), src)
                        for i, src in enumerate(sources)]))


class TestDocument(ServiceTestCase):

    def test_get_is_ok(self):
        status, _, _ = fetch(self.serve())
        self.assertEqual(200, status)

    def test_body_is_the_canonical_document_of_the_table(self):
        url = self.serve()
        _, _, body = fetch(url)
        expected = document.encode_document(
            registry.AliasRegistry.from_config(self.conf).get_table().entries)
        self.assertEqual(expected, body)

    def test_body_holds_the_configured_aliases(self):
        _, _, body = fetch(self.serve())
        self.assertEqual(['gpu', 'nic'], [
            e['name'] for e in document.decode_document(body, 'test')])

    def test_content_type_is_json(self):
        _, headers, _ = fetch(self.serve())
        self.assertEqual('application/json', headers['Content-Type'])

    def test_etag_is_the_strong_etag_of_the_body(self):
        _, headers, body = fetch(self.serve())
        self.assertEqual(document.etag_of(body), headers['ETag'])

    def test_cache_control_default(self):
        _, headers, _ = fetch(self.serve())
        self.assertEqual('max-age=60', headers['Cache-Control'])

    def test_cache_control_follows_the_option(self):
        self.conf_fixture.config(group='pci_alias_api', cache_max_age=5)
        _, headers, _ = fetch(self.serve())
        self.assertEqual('max-age=5', headers['Cache-Control'])

    def test_head_has_no_body(self):
        status, _, body = fetch(self.serve(), method='HEAD')
        self.assertEqual((200, b''), (status, body))

    def test_head_has_the_etag_of_get(self):
        url = self.serve()
        _, get_headers, _ = fetch(url)
        _, head_headers, _ = fetch(url, method='HEAD')
        self.assertEqual(get_headers['ETag'], head_headers['ETag'])

    def test_empty_table_is_an_empty_document(self):
        self.conf_fixture.config(group='pci_alias', sources=[])
        _, _, body = fetch(self.serve())
        self.assertEqual({'version': 1, 'aliases': []}, json.loads(body))

    def test_serving_an_empty_table_is_a_warning_at_start(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='nova_pci_alias.service.aliases', level=logging.WARNING))
        self.serve_sources(fakes.FakeSource(self.conf, []))
        self.assertIn('Serving no PCI alias at /v1/aliases',
                      logger.output)

    def test_query_string_is_ignored(self):
        status, _, _ = fetch(self.serve(), path='/v1/aliases?x=1')
        self.assertEqual(200, status)

    def test_two_services_give_the_same_etag(self):
        # Replicas behind a load balancer must agree, or every client
        # would download the document again at each switch.
        first = fetch(self.serve())[1]['ETag']
        second = fetch(self.serve())[1]['ETag']
        self.assertEqual(first, second)


class TestConditional(ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.url = self.serve()
        self.etag = fetch(self.url)[1]['ETag']

    def revalidate(self, if_none_match, method='GET'):
        return fetch(self.url, method=method,
                     headers={'If-None-Match': if_none_match})

    def test_matching_etag_is_not_modified(self):
        status, _, _ = self.revalidate(self.etag)
        self.assertEqual(304, status)

    def test_not_modified_has_no_body(self):
        _, _, body = self.revalidate(self.etag)
        self.assertEqual(b'', body)

    def test_not_modified_keeps_etag_and_cache_control(self):
        _, headers, _ = self.revalidate(self.etag)
        self.assertEqual((self.etag, 'max-age=60'),
                         (headers['ETag'], headers['Cache-Control']))

    def test_not_modified_gives_the_length_of_the_document(self):
        _, headers, _ = self.revalidate(self.etag)
        self.assertEqual(str(len(fetch(self.url)[2])),
                         headers['Content-Length'])

    def test_weak_form_matches(self):
        status, _, _ = self.revalidate('W/' + self.etag)
        self.assertEqual(304, status)

    def test_etag_in_a_list_matches(self):
        status, _, _ = self.revalidate('"older", %s' % self.etag)
        self.assertEqual(304, status)

    def test_star_matches(self):
        status, _, _ = self.revalidate('*')
        self.assertEqual(304, status)

    def test_head_is_not_modified_too(self):
        status, _, _ = self.revalidate(self.etag, method='HEAD')
        self.assertEqual(304, status)

    def test_other_etag_gets_the_document(self):
        status, _, _ = self.revalidate('"older"')
        self.assertEqual(200, status)

    def test_etag_changes_with_the_aliases(self):
        self.set_aliases(GPU)
        self.check_sources()
        self.assertNotEqual(self.etag, fetch(self.url)[1]['ETag'])

    def test_old_etag_gets_the_new_document(self):
        self.set_aliases(GPU)
        self.check_sources()
        _, _, body = self.revalidate(self.etag)
        self.assertEqual(['gpu'], [
            e['name'] for e in document.decode_document(body, 'test')])

    def test_same_aliases_again_give_the_first_etag(self):
        self.set_aliases(GPU)
        self.check_sources()
        fetch(self.url)
        self.set_aliases(GPU, NIC)
        self.check_sources()
        status, _, _ = self.revalidate(self.etag)
        self.assertEqual(304, status)


class TestConcurrentReaders(ServiceTestCase):

    def test_every_body_matches_its_etag_while_tables_change(self):
        url = self.serve()
        mismatches = []

        def read():
            for _ in range(20):
                _, headers, body = fetch(url)
                if headers['ETag'] != document.etag_of(body):
                    mismatches.append(headers['ETag'])

        readers = [threading.Thread(target=read) for _ in range(6)]
        for reader in readers:
            reader.start()
        flips = 0
        while any(reader.is_alive() for reader in readers):
            flips += 1
            self.set_aliases(*[GPU, NIC][:flips % 2 + 1])
            readers[0].join(timeout=0.001)
        self.assertEqual([], mismatches)


class TestErrors(ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.url = self.serve()

    def test_other_methods_are_not_allowed(self):
        statuses = [fetch(self.url, method=method)[0] for method in
                    ('POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')]
        self.assertEqual([405] * 5, statuses)

    def test_not_allowed_says_what_is(self):
        _, headers, _ = fetch(self.url, method='DELETE')
        self.assertEqual('GET, HEAD', headers['Allow'])

    def test_not_allowed_is_an_api_sig_error(self):
        _, headers, body = fetch(self.url, method='PUT')
        self.assertEqual(
            {'errors': [{
                'status': 405, 'title': 'Method Not Allowed',
                'code': 'nova_pci_alias.method_not_allowed',
                'detail': 'Method PUT is not allowed on /v1/aliases; it '
                          'allows GET, HEAD.',
                'request_id': headers['X-OpenStack-Request-Id']}]},
            json.loads(body))

    def test_unknown_path_is_not_found(self):
        status, _, _ = fetch(self.url, path='/v2/aliases')
        self.assertEqual(404, status)

    def test_not_found_is_a_json_error(self):
        _, _, body = fetch(self.url, path='/v1/nowhere')
        self.assertEqual(404, json.loads(body)['errors'][0]['status'])

    def test_error_gives_the_request_id_of_its_response(self):
        _, headers, body = fetch(self.url, path='/nowhere')
        self.assertEqual(headers['X-OpenStack-Request-Id'],
                         json.loads(body)['errors'][0]['request_id'])

    def test_error_content_type_is_json(self):
        _, headers, _ = fetch(self.url, path='/nowhere')
        self.assertEqual('application/json', headers['Content-Type'])

    def test_errors_are_not_cached(self):
        _, headers, _ = fetch(self.url, path='/nowhere')
        self.assertEqual('no-store', headers['Cache-Control'])

    def test_unexpected_error_tells_the_client_nothing_more(self):
        class BrokenRegistry:
            def get_table(self):
                raise RuntimeError('secret detail')

        status, _, body = fetch(self.serve(BrokenRegistry()))
        self.assertEqual((500, False), (status, b'secret' in body))

    def test_unexpected_error_is_logged(self):
        class BrokenRegistry:
            def get_table(self):
                raise RuntimeError('secret detail')

        fetch(self.serve(BrokenRegistry()))
        self.assertIn('RuntimeError: secret detail', self.logger.output)


class TestMiddleware(ServiceTestCase):

    REQUEST_ID = re.compile('^req-[0-9a-f-]{36}$')

    def test_request_id_on_the_document(self):
        _, headers, _ = fetch(self.serve())
        self.assertRegex(headers['X-OpenStack-Request-Id'], self.REQUEST_ID)

    def test_request_id_on_an_error(self):
        _, headers, _ = fetch(self.serve(), path='/nowhere')
        self.assertRegex(headers['X-OpenStack-Request-Id'], self.REQUEST_ID)

    def test_healthcheck(self):
        status, _, _ = fetch(self.serve(), path='/healthcheck')
        self.assertEqual(200, status)

    def test_healthcheck_disabled_by_file(self):
        flag = self.useFixture(fixtures.TempDir()).join('disabled')
        open(flag, 'w').close()
        self.conf_fixture.config(group='healthcheck',
                                 backends=['disable_by_file'],
                                 disable_by_file_path=flag)
        status, _, _ = fetch(self.serve(), path='/healthcheck')
        self.assertEqual(503, status)

    def test_healthcheck_from_outside_the_allowed_ranges_is_not_found(self):
        self.conf_fixture.config(group='healthcheck',
                                 allowed_source_ranges=['192.0.2.0/24'])
        status, _, _ = fetch(self.serve(), path='/healthcheck')
        self.assertEqual(404, status)

    def test_forwarded_for_is_used_when_proxy_headers_are_parsed(self):
        # Behind a TLS proxy, the client's address comes from the proxy.
        self.conf_fixture.config(group='oslo_middleware',
                                 enable_proxy_headers_parsing=True)
        self.conf_fixture.config(group='healthcheck',
                                 allowed_source_ranges=['192.0.2.0/24'])
        status, _, _ = fetch(self.serve(), path='/healthcheck',
                             headers={'X-Forwarded-For': '192.0.2.7'})
        self.assertEqual(200, status)


class TestHealthcheck(ServiceTestCase):
    """``/healthcheck`` says whether the alias table can be served."""

    def broken(self):
        source = fakes.FakeSource(self.conf, [entry('gpu')])
        source.error = exception.AliasSourceError(source='cmdb',
                                                  reason='db.example down')
        return source

    def test_healthy_once_the_table_is_loaded(self):
        status, _, _ = fetch(self.serve(), path='/healthcheck')
        self.assertEqual(200, status)

    def test_unhealthy_while_the_sources_never_loaded(self):
        url = self.serve_sources(self.broken())
        status, _, _ = fetch(url, path='/healthcheck')
        self.assertEqual(503, status)

    def test_head_is_unhealthy_too(self):
        url = self.serve_sources(self.broken())
        status, _, _ = fetch(url, path='/healthcheck', method='HEAD')
        self.assertEqual(503, status)

    def test_unhealthy_reason_names_no_backend(self):
        url = self.serve_sources(self.broken())
        _, _, body = fetch(url, path='/healthcheck')
        self.assertEqual(health.UNAVAILABLE_REASON.encode(), body)

    def test_detailed_unhealthy_reason_names_no_backend(self):
        self.conf_fixture.config(group='healthcheck', detailed=True)
        url = self.serve_sources(self.broken())
        _, _, body = fetch(url, path='/healthcheck',
                           headers={'Accept': 'application/json'})
        self.assertNotIn(b'db.example', body)

    def test_health_checks_alone_bring_a_replica_back(self):
        # A balancer sends nothing else to a replica it took out.
        source = self.broken()
        url = self.serve_sources(source)
        source.error = None
        self.now += 10
        status, _, _ = fetch(url, path='/healthcheck')
        self.assertEqual(200, status)

    def test_healthy_through_an_outage_after_a_load(self):
        # The last good table is still served: the replica can serve.
        source = fakes.FakeSource(self.conf, [entry('gpu')])
        url = self.serve_sources(source)
        source.error = exception.AliasSourceError(source='cmdb',
                                                  reason='down')
        status, _, _ = fetch(url, path='/healthcheck')
        self.assertEqual(200, status)

    def test_listed_with_disable_by_file(self):
        flag = self.useFixture(fixtures.TempDir()).join('disabled')
        self.conf_fixture.config(
            group='healthcheck', disable_by_file_path=flag,
            backends=[health.BACKEND_NAME, 'disable_by_file'])
        url = self.serve_sources(self.broken())
        status, _, _ = fetch(url, path='/healthcheck')
        self.assertEqual(503, status)

    def test_not_listed_is_a_warning(self):
        self.conf_fixture.config(group='healthcheck',
                                 backends=['disable_by_file'])
        self.serve()
        self.assertIn('[healthcheck] backends does not list '
                      'pci_alias_table', self.logger.output)

    def test_listed_but_not_installed_is_refused(self):
        self.useFixture(fixtures.MockPatch(
            'nova_pci_alias.service.health.BACKEND_NAME', 'not_installed'))
        self.assertRaises(app.HealthcheckBackendNotInstalled, self.serve)

    def test_two_applications_check_their_own_tables(self):
        self.serve()
        url = self.serve_sources(self.broken())
        status, _, _ = fetch(url, path='/healthcheck')
        self.assertEqual(503, status)

    def test_backend_outside_the_service_is_unhealthy(self):
        backend = health.AliasTableHealthcheck(self.conf, {})
        self.assertFalse(backend.healthcheck(80).available)


class TestRealDatabaseFailure(ServiceTestCase):
    """A database that cannot be reached, through the real source."""

    def setUp(self):
        super().setUp()
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        # Nothing listens there once the socket is closed: PostgreSQL's
        # driver gets "connection refused" at once.
        self.conf_fixture.config(group='pci_alias', sources=['database'])
        database_options.register_opts(self.conf)
        self.conf_fixture.config(
            group='pci_alias_database',
            connection='postgresql+psycopg2://alice:SECRET@127.0.0.1:%d/'
                       'aliases' % port)
        self.url = self.serve()

    def test_error_body_does_not_say_where_the_database_is(self):
        _, _, body = fetch(self.url)
        self.assertNotIn(b'postgresql', body)

    def test_log_says_where_the_database_is(self):
        fetch(self.url)
        self.assertIn('postgresql+psycopg2://alice:***@127.0.0.1:',
                      self.logger.output)

    def test_healthcheck_is_unhealthy(self):
        status, _, _ = fetch(self.url, path='/healthcheck')
        self.assertEqual(503, status)


class SlowBrokenSource(fakes.FakeSource):
    """A source whose backend takes a while to fail."""

    asked = 0

    def change_token(self):
        self.asked += 1
        time.sleep(0.2)
        raise exception.AliasSourceError(source='cmdb', reason='timed out')


class TestSourceFailures(ServiceTestCase):

    def broken(self, reason='the backend is down'):
        source = fakes.FakeSource(self.conf, [entry('gpu')])
        source.error = exception.AliasSourceError(source='cmdb',
                                                  reason=reason)
        return source

    def test_never_loaded_is_unavailable(self):
        status, _, _ = fetch(self.serve_sources(self.broken()))
        self.assertEqual(503, status)

    def test_unavailable_tells_the_client_nothing_of_the_source(self):
        _, _, body = fetch(self.serve_sources(self.broken()))
        self.assertEqual(aliases.UNAVAILABLE_DETAIL,
                         json.loads(body)['errors'][0]['detail'])

    def test_unavailable_reason_is_logged_with_the_request_id(self):
        url = self.serve_sources(self.broken())
        logger = self.useFixture(
            OsloLogFormat('nova_pci_alias.service.aliases'))
        _, headers, _ = fetch(url)
        # oslo.log's logging_context_format_string: "[global_request_id
        # request_id user_identity]", where it shows "[-]" out of context.
        line, = [line for line in logger.output.splitlines()
                 if 'Answering 503' in line]
        self.assertIn("[None %s noauth noauth - - - -] Answering 503 to GET "
                      "/v1/aliases: no PCI alias table: PCI alias source "
                      "'cmdb' failed: the backend is down"
                      % headers['X-OpenStack-Request-Id'], line)

    def test_unavailable_says_when_to_retry(self):
        self.conf_fixture.config(group='pci_alias_api', retry_after=7)
        _, headers, _ = fetch(self.serve_sources(self.broken()))
        self.assertEqual('7', headers['Retry-After'])

    def test_invalid_table_is_logged_with_the_entry(self):
        source = fakes.FakeSource(self.conf, [entry('gpu', vendor_id='x')],
                                  where='https://cmdb.example/aliases')
        fetch(self.serve_sources(source))
        self.assertIn("[alias source 's1' at https://cmdb.example/aliases, "
                      "entry 1]", self.logger.output)

    def test_invalid_table_is_not_described_to_the_client(self):
        source = fakes.FakeSource(self.conf, [entry('gpu', vendor_id='x')],
                                  where='https://cmdb.example/aliases')
        _, _, body = fetch(self.serve_sources(source))
        self.assertNotIn(b'cmdb.example', body)

    def test_sources_are_not_asked_again_before_retry_after(self):
        source = self.broken()
        url = self.serve_sources(source)
        source.error = None
        self.now += 9
        status, _, _ = fetch(url)
        self.assertEqual(503, status)

    def test_sources_are_asked_again_after_retry_after(self):
        source = self.broken()
        url = self.serve_sources(source)
        source.error = None
        self.now += 10
        status, _, _ = fetch(url)
        self.assertEqual(200, status)

    def test_waiting_requests_do_not_ask_a_failing_source_again(self):
        source = SlowBrokenSource(self.conf)
        url = self.serve_sources(source)
        self.now += 10
        readers = [threading.Thread(target=fetch, args=(url,))
                   for _ in range(4)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=10)
        # Once when the application was built, once for the four requests.
        self.assertEqual(2, source.asked)

    def test_a_lasting_failure_is_logged_once(self):
        url = self.serve_sources(self.broken())
        for _ in range(3):
            self.now += 10
            fetch(url)
        self.assertEqual(1, self.logger.output.count('No PCI alias table'))

    def test_a_new_reason_is_logged(self):
        source = self.broken()
        url = self.serve_sources(source)
        source.error = exception.AliasSourceError(source='cmdb',
                                                  reason='now it is worse')
        self.now += 10
        fetch(url)
        self.assertEqual(2, self.logger.output.count('No PCI alias table'))

    def test_recovery_is_logged_once(self):
        source = self.broken()
        url = self.serve_sources(source)
        source.error = None
        self.now += 10
        fetch(url)
        fetch(url)
        self.assertEqual(1, self.logger.output.count(
            'The PCI alias table loaded; serving'))

    def test_recovery_is_logged(self):
        source = self.broken()
        url = self.serve_sources(source)
        source.error = None
        self.now += 10
        fetch(url)
        self.assertIn('The PCI alias table loaded; serving 1 PCI aliases '
                      '(1 entries) at /v1/aliases.', self.logger.output)

    def test_last_good_table_is_served_through_an_outage(self):
        source = fakes.FakeSource(self.conf, [entry('gpu')])
        url = self.serve_sources(source)
        etag = fetch(url)[1]['ETag']
        source.error = exception.AliasSourceError(source='cmdb',
                                                  reason='down')
        self.check_sources()
        status, headers, _ = fetch(url)
        self.assertEqual((200, etag), (status, headers['ETag']))

    def test_change_after_an_outage_is_published(self):
        source = fakes.FakeSource(self.conf, [entry('gpu')])
        url = self.serve_sources(source)
        source.error = exception.AliasSourceError(source='cmdb',
                                                  reason='down')
        self.check_sources()
        source.error = None
        source.set_entries([entry('gpu'), entry('nic')])
        self.check_sources()
        _, _, body = fetch(url)
        self.assertEqual(2, len(document.decode_document(body, 'test')))


class TestBuildApp(base.BaseTestCase):

    def test_unknown_source_is_refused(self):
        conf = self.useFixture(fakes.ConfFixture())
        conf.config(group='pci_alias', sources=['no-such-source'])
        self.assertRaises(exception.AliasSourceNotFound, app.build_app,
                          conf.conf)

    def test_options_are_listed(self):
        self.assertEqual(['cache_max_age', 'retry_after', 'auth_strategy',
                          'max_request_body_size'],
                         [opt.name for opt in options.list_opts()[0][1]])


class TestSourcesMustBeConfigured(base.BaseTestCase):
    """A service with no source configured refuses to start."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir())
        self.useFixture(fixtures.FakeLogger(name='nova_pci_alias'))

    def build(self, text):
        path = self.tmp.join('api.conf')
        with open(path, 'w') as f:
            f.write(text)
        conf = cfg.ConfigOpts()
        conf(['--config-file', path], default_config_dirs=[])
        return app.build_app(conf)

    def test_unset_sources_are_refused(self):
        self.assertRaises(exception.AliasSourcesMisconfigured, self.build,
                          '[pci]\nalias = %s\n' % GPU)

    def test_refusal_says_what_to_set_and_which_files_were_read(self):
        exc = self.assertRaises(exception.AliasSourcesMisconfigured,
                                self.build, '[pci]\nalias = %s\n' % GPU)
        self.assertEqual(
            '[pci_alias] sources is not set in the configuration files '
            'read (%s): the PCI alias service publishes only the sources '
            'it is told to; set it, for example "sources = database".'
            % self.tmp.join('api.conf'), str(exc))

    def test_empty_sources_are_refused(self):
        self.assertRaises(exception.AliasSourcesMisconfigured, self.build,
                          '[pci_alias]\nsources =\n')

    def test_explicit_config_source_is_served(self):
        application = self.build('[pci_alias]\nsources = config\n'
                                 '[pci_alias_api]\nauth_strategy = noauth\n'
                                 '[pci]\nalias = %s\n' % GPU)
        url = self.useFixture(httpserver.WSGIServerFixture(application)).url
        self.assertEqual(200, fetch(url)[0])


class TestConfigFromFiles(base.BaseTestCase):
    """The options read from a file, as a deployer writes them."""

    def test_cache_max_age_from_a_file(self):
        path = self.useFixture(fixtures.TempDir()).join('api.conf')
        with open(path, 'w') as f:
            f.write('[pci_alias]\nsources = config\n'
                    '[pci_alias_api]\ncache_max_age = 300\n'
                    'auth_strategy = noauth\n')
        conf = cfg.ConfigOpts()
        conf(['--config-file', path], default_config_dirs=[])
        url = self.useFixture(httpserver.WSGIServerFixture(
            app.build_app(conf))).url
        self.assertEqual('max-age=300', fetch(url)[1]['Cache-Control'])
