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

"""The WSGI application of the alias service: its resources and middleware.

Without a token (:mod:`~nova_pci_alias.service.version`, oslo.middleware):

``GET /``
    the version document;
``/healthcheck``
    oslo.middleware's healthcheck application, configured in
    ``[healthcheck]``; its ``pci_alias_table`` backend
    (:mod:`nova_pci_alias.service.health`), on by default, says ``503``
    while no table can be served.

Behind the authentication of ``[pci_alias_api] auth_strategy``
(:mod:`~nova_pci_alias.service.auth`) and the policy rules
(:mod:`~nova_pci_alias.service.policy`): the alias resources
(:mod:`~nova_pci_alias.service.aliases`, which record the remote clients'
reports: :mod:`~nova_pci_alias.service.clients`), the history
(:mod:`~nova_pci_alias.service.history`) and the fleet view
(:mod:`~nova_pci_alias.service.consumers`). Any path of neither is ``404``
(after authentication), another method ``405`` with ``Allow``
(:mod:`~nova_pci_alias.service.router`); errors are JSON in the API-SIG
form of :mod:`nova_pci_alias.service.errors`, with the request id and
nothing about the service's backends (that goes to the log).

The whole application is wrapped in oslo.middleware's ``HTTPProxyToWSGI``
(off unless ``[oslo_middleware] enable_proxy_headers_parsing`` is set) and
``RequestId`` (an ``X-OpenStack-Request-Id`` on every response), and every
line logged while serving a request carries that id
(:mod:`nova_pci_alias.service.context`).

The service publishes only what it is told to: :func:`build_app` refuses a
configuration that does not set ``[pci_alias] sources``.
"""

from oslo_log import log as logging
from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import opts as healthcheck_opts
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id

from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import registry as registry_mod
from nova_pci_alias.service import aliases
from nova_pci_alias.service import auth
from nova_pci_alias.service import clients
from nova_pci_alias.service import consumers
from nova_pci_alias.service import context
from nova_pci_alias.service import health
from nova_pci_alias.service import history
from nova_pci_alias.service import options
from nova_pci_alias.service import policy
from nova_pci_alias.service import router
from nova_pci_alias.service import version
from nova_pci_alias.service import writes

LOG = logging.getLogger(__name__)

#: The path of the healthcheck.
HEALTHCHECK_PATH = '/healthcheck'


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


def _resource_routes(conf, registry, document_resource):
    authorizer = policy.Authorizer(policy.make_enforcer(conf))
    writer = writes.TableWriter(conf, registry)
    recorder = clients.ClientRecorder(
        conf, writer.queries if writer.writable else None)
    alias_resources = aliases.AliasResources(
        document_resource, writer, authorizer,
        max_body=conf.pci_alias_api.max_request_body_size, clients=recorder)
    history_resources = history.HistoryResources(writer, authorizer)
    consumer_resources = consumers.ConsumerResources(conf, writer,
                                                     authorizer)
    return [
        router.Route(aliases.ALIASES_PATH, {'GET': alias_resources.list}),
        router.Route(aliases.ALIAS_PATH, {
            'GET': alias_resources.show, 'PUT': alias_resources.update,
            'DELETE': alias_resources.delete},
            # The name is the rest of the path: it may hold a "/".
            requirements={'name': '.+'}),
        router.Route(history.HISTORY_PATH, {'GET': history_resources.list}),
        router.Route(history.CHANGE_PATH, {'GET': history_resources.show},
                     requirements=history.REQUIREMENTS),
        router.Route(history.RESTORE_PATH,
                     {'POST': history_resources.restore},
                     requirements=history.REQUIREMENTS),
        router.Route(consumers.CONSUMERS_PATH,
                     {'GET': consumer_resources.list}),
    ]


def _mounted(application):
    """A route handler that passes the request to a WSGI application."""
    def handler(req):
        return req.get_response(application)
    return handler


def build_app(conf, registry=None, *, keep_checking=False):
    """Return the alias service as a WSGI application.

    The table is loaded before this returns, so that the first client does
    not wait for it; a failure to load is logged, not raised: the service
    then answers 503 (and its health check says unhealthy) until its
    sources load.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` of the service,
        already parsed; its ``[pci_alias]``, ``[pci_alias_api]``,
        ``[keystone_authtoken]``, ``[oslo_policy]``, ``[healthcheck]`` and
        ``[oslo_middleware]`` options are used (and ``[pci_alias_database]``
        when ``database`` is a source: the writes go there).
    :param registry: the registry to publish; by default the one that
        :meth:`AliasRegistry.from_config
        <nova_pci_alias.registry.AliasRegistry.from_config>` builds for
        ``[pci_alias]``, whose ``sources`` must then be set.
    :param keep_checking: check the sources every ``[pci_alias]
        refresh_interval`` whether or not requests come
        (:meth:`~nova_pci_alias.registry.AliasRegistry.keep_checking`), as
        a serving process does; the checks otherwise start on requests.
    :returns: the WSGI application, with its middleware.
    :raises nova_pci_alias.exception.AliasSourcesMisconfigured: no
        registry was given, and ``[pci_alias] sources`` is not set or
        empty.
    :raises nova_pci_alias.exception.AliasSourceNotFound: a configured
        source is not installed.
    :raises nova_pci_alias.exception.AliasSourceError: a source failed to
        start.
    :raises nova_pci_alias.exception.AuthNotConfigured: ``[pci_alias_api]
        auth_strategy`` is ``keystone`` and ``[keystone_authtoken]`` has no
        usable ``auth_type``.
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
    document_resource = aliases.AliasDocumentResource(
        registry, cache_max_age=conf.pci_alias_api.cache_max_age,
        retry_after=conf.pci_alias_api.retry_after)
    _preload(document_resource)
    if keep_checking:
        registry.keep_checking()
    protected = auth.pipeline(conf, router.Router(
        _resource_routes(conf, registry, document_resource)))
    public = router.Router([
        router.Route('/', {'GET': version.show}),
        router.Route(HEALTHCHECK_PATH, {'GET': _mounted(
            _healthcheck_app(conf, document_resource))}),
    ], default=protected)
    app = context.RequestContextMiddleware(public)
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(app, conf)
    return request_id.RequestId(app, conf)


def _healthcheck_app(conf, resource):
    conf.register_opts(healthcheck_opts.HEALTHCHECK_OPTS, group='healthcheck')
    # This configuration's default only: oslo.middleware's own default
    # stays as it is for any other service of the process.
    conf.set_default('backends', [health.BACKEND_NAME], group='healthcheck')
    listed = health.BACKEND_NAME in conf.healthcheck.backends
    with health.handing_over(resource) as handover:
        app = healthcheck.Healthcheck(router.not_found_app, conf)
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
    except aliases.TableUnavailable:
        return
    except Exception:
        LOG.exception('Unexpected error loading the PCI alias table')
        return
    aliases.log_serving(publication.table, 'Serving')
