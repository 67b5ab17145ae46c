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

"""The WSGI application of the alias service.

Two resources, read-only:

``/v1/aliases``
    ``GET`` or ``HEAD``: the alias document (:mod:`nova_pci_alias.document`)
    of the registry's current table, with a strong ``ETag``, ``Cache-Control:
    max-age`` and ``304 Not Modified`` for a matching ``If-None-Match``.
``/healthcheck``
    oslo.middleware's healthcheck application, configured in
    ``[healthcheck]``.

Any other method gets ``405`` with ``Allow``, any other path ``404``; errors
are JSON objects ``{"error": {"status", "title", "message"}}``.  The whole
application is wrapped in oslo.middleware's ``HTTPProxyToWSGI`` (off unless
``[oslo_middleware] enable_proxy_headers_parsing`` is set) and
``RequestId`` (an ``X-OpenStack-Request-Id`` on every response).

The document is encoded, and its ETag computed, once per new table: a
request for an unchanged table only compares an ETag or copies bytes.
"""

import collections
import http
import json
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import healthcheck
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
import webob
import webob.dec
import webob.etag

from nova_pci_alias.api import options
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import registry as registry_mod

LOG = logging.getLogger(__name__)

#: The path of the alias document.
ALIASES_PATH = '/v1/aliases'
#: The path of the healthcheck.
HEALTHCHECK_PATH = '/healthcheck'
#: The methods the alias document allows.
ALLOWED_METHODS = ('GET', 'HEAD')

_JSON = 'application/json'

# A table, its encoded document and that document's ETag.
_Publication = collections.namedtuple('_Publication',
                                      ['table', 'body', 'etag'])


class TableUnavailable(Exception):
    """No alias table can be served: the sources never loaded."""


def error_response(status, message, headers=None):
    """Return a JSON error response.

    :param status: the HTTP status code.
    :param message: what went wrong, for the client; one line, no secrets.
    :param headers: extra ``(name, value)`` headers.
    :returns: a :class:`webob.Response` with body
        ``{"error": {"status": N, "title": "...", "message": "..."}}``.
    """
    status = http.HTTPStatus(status)
    body = json.dumps({'error': {'status': status.value,
                                 'title': status.phrase,
                                 'message': message}}, sort_keys=True)
    response = webob.Response(status=status.value, body=body.encode('utf-8'),
                              content_type=_JSON, charset=None)
    response.cache_control = 'no-store'
    for name, value in headers or ():
        response.headers[name] = value
    return response


def not_found_app(environ, start_response):
    """A WSGI application that answers 404 to everything."""
    path = environ.get('PATH_INFO') or '/'
    response = error_response(404, 'No resource at %s; the alias document '
                              'is at %s.' % (path, ALIASES_PATH))
    return response(environ, start_response)


def _matches(if_none_match, etag):
    """Whether an If-None-Match header value matches a strong ETag.

    webob parses the list (and drops ``W/``, so the comparison is the weak
    one that RFC 9110 asks for here); ``*`` matches any current document,
    which webob's own conditional responses ignore.
    """
    if if_none_match is webob.etag.AnyETag:
        return True
    return etag.strip('"') in if_none_match


class AliasDocumentResource:
    """``/v1/aliases``: the alias document of a registry's current table.

    :param registry: the :class:`~nova_pci_alias.registry.AliasRegistry`
        whose table is published.
    :param cache_max_age: seconds for ``Cache-Control: max-age``.
    :param retry_after: seconds to answer 503 without asking the registry
        again after a failed first load.
    """

    def __init__(self, registry, cache_max_age, retry_after):
        self._registry = registry
        self._cache_control = 'max-age=%d' % cache_max_age
        self._retry_after = retry_after
        self._publication = None
        self._failure = None     # (monotonic time to retry at, message)
        self._lock = threading.Lock()
        self._loading = threading.Lock()

    def current(self):
        """Return the publication of the registry's current table.

        :returns: a ``(table, body, etag)`` named tuple.
        :raises TableUnavailable: the registry has no table to serve; the
            message says why (the registry's error, which names the failing
            source and holds no secret).
        """
        if self._publication is None:
            # Never loaded: one request at a time asks the sources; those
            # that waited get the failure it met rather than asking again.
            with self._loading:
                table = self._table()
        else:
            table = self._table()
        publication = self._publication
        if publication is None or publication.table is not table:
            body = document.encode_document(table.entries)
            publication = _Publication(table, body, document.etag_of(body))
            self._publication = publication
        return publication

    def _table(self):
        failure = self._failure
        if failure is not None and time.monotonic() < failure[0]:
            raise TableUnavailable(failure[1])
        try:
            table = self._registry.get_table()
            message = None
        except (exception.NovaPciAliasException, cfg.Error) as exc:
            message = str(exc)
        if message is not None:
            # Logged outside the except block, where oslo.log would repeat
            # the error's text.
            self._record_failure(message)
            raise TableUnavailable(message)
        if self._failure is not None:
            with self._lock:
                recovered, self._failure = self._failure is not None, None
            if recovered:
                LOG.info('The PCI alias table loaded; serving %d aliases.',
                         len(table))
        return table

    def _record_failure(self, message):
        with self._lock:
            previous = self._failure
            self._failure = (time.monotonic() + self._retry_after, message)
        if previous is None or previous[1] != message:
            LOG.error('No PCI alias table to serve; answering 503 until the '
                      'sources load: %s', message)

    @webob.dec.wsgify
    def __call__(self, req):
        if req.method not in ALLOWED_METHODS:
            return error_response(
                405, 'Method %s is not allowed on %s; the alias document '
                'is read-only.' % (req.method, ALIASES_PATH),
                headers=[('Allow', ', '.join(ALLOWED_METHODS))])
        try:
            publication = self.current()
        except TableUnavailable as exc:
            return error_response(
                503, 'The PCI alias table is not available: %s' % exc,
                headers=[('Retry-After', str(self._retry_after))])
        if _matches(req.if_none_match, publication.etag):
            response = webob.Response(status=304, content_type=None,
                                      charset=None)
            # RFC 9110 lets a 304 give the length of the document it stands
            # for, and no other; a server would otherwise add "0".
            response.content_length = len(publication.body)
        else:
            response = webob.Response(body=publication.body,
                                      content_type=_JSON, charset=None)
        response.headers['ETag'] = publication.etag
        response.headers['Cache-Control'] = self._cache_control
        return response


class Router:
    """Send each request to the resource of its path.

    :param routes: a mapping of exact path to WSGI application.
    :param default: the WSGI application for every other path.

    An exception that escapes a resource is logged with its traceback and
    answered with a JSON 500 that tells the client nothing more.
    """

    def __init__(self, routes, default=not_found_app):
        self._routes = dict(routes)
        self._default = default

    def __call__(self, environ, start_response):
        app = self._routes.get(environ.get('PATH_INFO'), self._default)
        try:
            return app(environ, start_response)
        except Exception:
            LOG.exception('Unexpected error serving %s %s',
                          environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'))
            response = error_response(
                500, 'The alias service failed unexpectedly; the error '
                'is in its log.')
            return response(environ, start_response)


def build_app(conf, registry=None):
    """Return the alias service as a WSGI application.

    The table is loaded before this returns, so that the first client does
    not wait for it; a failure to load is logged, not raised: the service
    then answers 503 until its sources load.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` of the service,
        already parsed; its ``[pci_alias]``, ``[pci_alias_api]``,
        ``[healthcheck]`` and ``[oslo_middleware]`` options are used.
    :param registry: the registry to publish; by default one built from
        ``conf`` (the sources in ``[pci_alias] sources``).
    :returns: the WSGI application, with its middleware.
    :raises nova_pci_alias.exception.AliasSourceNotFound: a configured
        source is not installed.
    :raises nova_pci_alias.exception.AliasSourceError: a source failed to
        start.
    """
    options.register_opts(conf)
    if registry is None:
        registry = registry_mod.AliasRegistry(conf)
        LOG.info('PCI alias sources: %(sources)s; configuration files: '
                 '%(files)s', {
                     'sources': ', '.join(registry.source_names) or 'none',
                     'files': ', '.join(conf.config_file) or 'none'})
    resource = AliasDocumentResource(
        registry, cache_max_age=conf.pci_alias_api.cache_max_age,
        retry_after=conf.pci_alias_api.retry_after)
    _preload(resource)
    router = Router({
        ALIASES_PATH: resource,
        HEALTHCHECK_PATH: healthcheck.Healthcheck(not_found_app, conf),
    })
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(router, conf)
    return request_id.RequestId(app, conf)


def _preload(resource):
    try:
        publication = resource.current()
    except TableUnavailable:
        return
    except Exception:
        LOG.exception('Unexpected error loading the PCI alias table')
        return
    LOG.info('Serving %d PCI aliases (%d entries) at %s.',
             len(publication.table), len(publication.table.entries),
             ALIASES_PATH)
