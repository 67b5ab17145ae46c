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
    ``[healthcheck]``; its ``pci_alias_table`` backend
    (:mod:`nova_pci_alias.service.health`), on by default, says ``503`` while
    no table can be served.

Any other method gets ``405`` with ``Allow``, any other path ``404``; errors
are JSON in the API-SIG form of :mod:`nova_pci_alias.service.errors`, with the
request id and nothing about the service's backends (that goes to the log).
The whole application is wrapped in oslo.middleware's ``HTTPProxyToWSGI``
(off unless ``[oslo_middleware] enable_proxy_headers_parsing`` is set) and
``RequestId`` (an ``X-OpenStack-Request-Id`` on every response), and every
line logged while serving a request carries that id
(:mod:`nova_pci_alias.service.context`).

The service publishes only what it is told to: :func:`build_app` refuses a
configuration that does not set ``[pci_alias] sources``.

The document is encoded, and its ETag computed, once per new table: a
request for an unchanged table only compares an ETag or copies bytes.
"""

import collections
import time

from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import opts as healthcheck_opts
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
import webob
import webob.dec

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import outage
from nova_pci_alias import registry as registry_mod
from nova_pci_alias.service import context
from nova_pci_alias.service import errors
from nova_pci_alias.service import health
from nova_pci_alias.service import options

LOG = logging.getLogger(__name__)

#: The path of the alias document.
ALIASES_PATH = '/v1/aliases'
#: The path of the healthcheck.
HEALTHCHECK_PATH = '/healthcheck'
#: The methods the alias document allows.
ALLOWED_METHODS = ('GET', 'HEAD')

_JSON = 'application/json'

#: What a client is told while no table can be served; the reason is logged.
UNAVAILABLE_DETAIL = ('No PCI alias table can be served yet: the alias '
                      'sources of the service have not loaded. The reason '
                      'is in the service\'s log under this request id.')

# A table, its encoded document and that document's ETag.
_Publication = collections.namedtuple('_Publication',
                                      ['table', 'body', 'etag'])


class TableUnavailable(Exception):
    """No alias table can be served: the sources never loaded.

    Its message is the registry's error, for the log: it may name a
    database host or a file, and is never sent to a client.
    """


class HealthcheckBackendNotInstalled(exception.NovaPciAliasException):
    """The ``pci_alias_table`` healthcheck backend is not installed.

    It is listed in ``[healthcheck] backends``, but oslo.middleware found
    no such plugin (the package's entry points are not installed).
    """

    msg_fmt = ('The %(name)s healthcheck backend is listed in [healthcheck] '
               'backends but is not installed (no entry point in the '
               'oslo.middleware.healthcheck namespace): /healthcheck would '
               'not say whether aliases can be served. Install '
               'nova_pci_alias as a package, or remove %(name)s from the '
               'option.')


def not_found_app(environ, start_response):
    """A WSGI application that answers 404 to everything."""
    path = environ.get('PATH_INFO') or '/'
    response = errors.error_response(
        environ, 404, errors.NOT_FOUND,
        'No resource at %s; the alias document is at %s.'
        % (path, ALIASES_PATH))
    return response(environ, start_response)


def _matches(if_none_match, etag):
    """Whether an If-None-Match header value matches a strong ETag.

    webob parses the list (and drops ``W/``, so the comparison is the weak
    one that RFC 9110 asks for here); its value for ``*`` contains every
    ETag, so ``*`` matches any current document.
    """
    return etag.strip('"') in if_none_match


class AliasDocumentResource:
    """``/v1/aliases``: the alias document of a registry's current table.

    :param registry: the :class:`~nova_pci_alias.registry.AliasRegistry`
        whose table is published.
    :param cache_max_age: seconds for ``Cache-Control: max-age``.
    :param retry_after: seconds to answer 503 without asking the registry
        again after a failed first load.

    While the registry has never loaded, the requests that come while it
    is loading wait for that load and share its outcome (the registry sees
    to that); after a failure, the next ``retry_after`` seconds are
    answered from the registry's
    :attr:`~nova_pci_alias.registry.AliasRegistry.status`.
    """

    def __init__(self, registry, cache_max_age, retry_after):
        self._registry = registry
        self._cache_control = 'max-age=%d' % cache_max_age
        self._retry_after = retry_after
        self._publication = None
        # The monotonic time until which a never-loaded registry is not
        # asked again.
        self._retry_at = None
        self._unavailable = outage.Outage(
            LOG, 'No PCI alias table to serve; answering 503 until the '
            'sources load: %(error)s', each_reason=True)

    def current(self):
        """Return the publication of the registry's current table.

        :returns: a ``(table, body, etag)`` named tuple.
        :raises TableUnavailable: the registry has no table to serve; the
            message says why (the registry's error, which names the failing
            source and where it reads from: for the log only).
        """
        table = self._table()
        publication = self._publication
        if publication is None or publication.table is not table:
            body = document.encode_document(table.entries)
            publication = _Publication(table, body, document.etag_of(body))
            self._publication = publication
        return publication

    def _table(self):
        retry_at = self._retry_at
        if retry_at is not None and time.monotonic() < retry_at:
            status = self._registry.status
            if not status.loaded:
                raise TableUnavailable(status.last_error)
        tried = outage.attempt(
            self._registry.get_table,
            errors=(exception.NovaPciAliasException, cfg.Error))
        if tried.error is not None:
            self._retry_at = time.monotonic() + self._retry_after
            self._unavailable.failed(tried.error)
            raise TableUnavailable(str(tried.error))
        if self._unavailable.succeeded():
            self._retry_at = None
            _log_serving(tried.value, 'The PCI alias table loaded; serving')
        return tried.value

    def availability(self):
        """Whether a publication can be produced now.

        What the ``pci_alias_table`` health check asks: it is what a
        request for the document would get, including a new attempt at the
        first load once ``retry_after`` has passed.

        :returns: True when :meth:`current` returns a publication.
        """
        try:
            self.current()
        except TableUnavailable:
            return False
        return True

    @webob.dec.wsgify
    def __call__(self, req):
        if req.method not in ALLOWED_METHODS:
            return errors.error_response(
                req.environ, 405, errors.METHOD_NOT_ALLOWED,
                'Method %s is not allowed on %s; the alias document '
                'is read-only.' % (req.method, ALIASES_PATH),
                headers=[('Allow', ', '.join(ALLOWED_METHODS))])
        try:
            publication = self.current()
            failure = None
        except TableUnavailable as exc:
            failure = exc
        if failure is not None:
            # The client's request id, on a line that says why.
            LOG.info('Answering 503 to %(method)s %(path)s: no PCI alias '
                     'table: %(reason)s', {'method': req.method,
                                           'path': req.path_info,
                                           'reason': failure})
            return errors.error_response(
                req.environ, 503, errors.TABLE_UNAVAILABLE,
                UNAVAILABLE_DETAIL,
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
            response = errors.error_response(
                environ, 500, errors.INTERNAL_ERROR,
                'The alias service failed unexpectedly; the error is in '
                'its log under this request id.')
            return response(environ, start_response)


def _log_serving(table, prefix):
    """Log the size of a table about to be served; WARNING when empty."""
    if len(table):
        LOG.info('%(prefix)s %(aliases)d PCI aliases (%(entries)d entries) '
                 'at %(path)s.', {'prefix': prefix, 'aliases': len(table),
                                  'entries': len(table.entries),
                                  'path': ALIASES_PATH})
    else:
        LOG.warning('%(prefix)s no PCI alias at %(path)s: the sources hold '
                    'no alias, and Nova nodes reading this service will '
                    'have none.', {'prefix': prefix, 'path': ALIASES_PATH})


def build_app(conf, registry=None):
    """Return the alias service as a WSGI application.

    The table is loaded before this returns, so that the first client does
    not wait for it; a failure to load is logged, not raised: the service
    then answers 503 (and its health check says unhealthy) until its
    sources load.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` of the service,
        already parsed; its ``[pci_alias]``, ``[pci_alias_api]``,
        ``[healthcheck]`` and ``[oslo_middleware]`` options are used.
    :param registry: the registry to publish; by default the one that
        :meth:`AliasRegistry.from_config
        <nova_pci_alias.registry.AliasRegistry.from_config>` builds for
        ``[pci_alias]``, whose ``sources`` must then be set.
    :returns: the WSGI application, with its middleware.
    :raises nova_pci_alias.exception.AliasSourcesMisconfigured: no
        registry was given, and ``[pci_alias] sources`` is not set or
        empty.
    :raises nova_pci_alias.exception.AliasSourceNotFound: a configured
        source is not installed.
    :raises nova_pci_alias.exception.AliasSourceError: a source failed to
        start.
    :raises HealthcheckBackendNotInstalled: ``[healthcheck] backends``
        lists ``pci_alias_table`` but oslo.middleware did not find it.
    """
    options.register_opts(conf)
    if registry is None:
        registry = registry_mod.AliasRegistry.from_config(
            conf, group=opts.GROUP)
        LOG.info('PCI alias sources: %(sources)s; configuration files: '
                 '%(files)s', {
                     'sources': ', '.join(registry.source_names),
                     'files': ', '.join(conf.config_file) or 'none'})
    resource = AliasDocumentResource(
        registry, cache_max_age=conf.pci_alias_api.cache_max_age,
        retry_after=conf.pci_alias_api.retry_after)
    _preload(resource)
    router = Router({
        ALIASES_PATH: resource,
        HEALTHCHECK_PATH: _healthcheck_app(conf, resource),
    })
    app = context.RequestContextMiddleware(router)
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(app, conf)
    return request_id.RequestId(app, conf)


def _healthcheck_app(conf, resource):
    conf.register_opts(healthcheck_opts.HEALTHCHECK_OPTS, group='healthcheck')
    # This configuration's default only: oslo.middleware's own default
    # stays as it is for any other service of the process.
    conf.set_default('backends', [health.BACKEND_NAME], group='healthcheck')
    listed = health.BACKEND_NAME in conf.healthcheck.backends
    with health.handing_over(resource) as handover:
        app = healthcheck.Healthcheck(not_found_app, conf)
    if listed and not handover.backends:
        raise HealthcheckBackendNotInstalled(name=health.BACKEND_NAME)
    if not listed:
        LOG.warning('[healthcheck] backends does not list %s: /healthcheck '
                    'will answer 200 even while no PCI alias table can be '
                    'served.', health.BACKEND_NAME)
    return app


def _preload(resource):
    try:
        publication = resource.current()
    except TableUnavailable:
        return
    except Exception:
        LOG.exception('Unexpected error loading the PCI alias table')
        return
    _log_serving(publication.table, 'Serving')
