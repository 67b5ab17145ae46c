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

"""Who the client is: keystonemiddleware's auth_token, or no one checked.

:func:`pipeline` wraps the resources that need a client's identity (every
one but the version document at ``/`` and ``/healthcheck``) in what
``[pci_alias_api] auth_strategy`` asks for:

``keystone`` (the default)
    keystonemiddleware's ``auth_token``, configured by
    ``[keystone_authtoken]`` as in every OpenStack service. A missing,
    invalid or expired token is answered ``401`` with auth_token's
    ``WWW-Authenticate: Keystone uri="..."``, and ``503`` when Keystone
    cannot be asked; :class:`AuthErrorsAsAPIErrors` only gives those
    answers the service's API-SIG JSON body.
``noauth``
    :class:`NoAuth`: nothing is checked, every request acts as an admin
    (roles ``admin``, ``member``, ``reader``) of user and project
    ``noauth``, or of the ids in the request's ``X-User-Id`` and
    ``X-Project-Id`` headers. For development and tests: the service logs
    a WARNING when it starts.

Inside either, :class:`ContextMiddleware` makes the request's
:class:`oslo_context.context.RequestContext` from what auth_token (or
:class:`NoAuth`) put in the environment, for the policy checks, the
history's actor and the log lines.
"""

import json

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading
from keystonemiddleware import auth_token
from oslo_context import context
from oslo_log import log as logging
import webob
import webob.dec

from nova_pci_alias import exception
from nova_pci_alias.service import errors

LOG = logging.getLogger(__name__)

#: The group of keystonemiddleware's options.
AUTHTOKEN_GROUP = 'keystone_authtoken'

#: The strategies of ``[pci_alias_api] auth_strategy``.
KEYSTONE = 'keystone'
NOAUTH = 'noauth'

#: The environment key of the request's RequestContext.
CONTEXT_KEY = 'nova_pci_alias.context'

#: The user and project of a request under ``noauth``, unless it names
#: its own.
NOAUTH_ID = 'noauth'
#: The roles of every request under ``noauth``.
NOAUTH_ROLES = 'admin,member,reader'

UNAUTHORIZED_DETAIL = ('The request has no valid Keystone token: send one '
                       'in X-Auth-Token (it is missing, invalid or '
                       'expired).')
IDENTITY_UNAVAILABLE_DETAIL = ('The service cannot validate tokens now: the '
                               'identity service did not answer. Retry '
                               'later; the reason is in the service\'s log '
                               'under this request id.')


class ContextMiddleware:
    """Make the request's RequestContext current, and keep it in environ.

    :param application: the WSGI application to call.

    Runs inside the authentication middleware, whose headers
    (``X-User-Id``, ``X-Project-Id``, ``X-Roles`` ...) the context is made
    of; auth_token removes those a client sent itself.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        environ[CONTEXT_KEY] = context.RequestContext.from_environ(
            environ, overwrite=True)
        return self.application(environ, start_response)


class NoAuth:
    """Every request acts as an admin: no authentication at all.

    :param application: the WSGI application to call.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        environ['HTTP_X_ROLES'] = NOAUTH_ROLES
        environ.setdefault('HTTP_X_USER_ID', NOAUTH_ID)
        environ.setdefault('HTTP_X_PROJECT_ID', NOAUTH_ID)
        return self.application(environ, start_response)


class AuthErrorsAsAPIErrors:
    """Give auth_token's own errors the API-SIG JSON body of every other.

    :param application: auth_token, wrapping the resources.

    auth_token answers ``401`` for a missing, invalid or expired token, and
    ``503`` when it cannot validate a token (Keystone does not answer);
    their status and headers (``WWW-Authenticate`` above all) stay, only
    the body changes. What the resources answer passes untouched: it is in
    that form already.
    """

    _DETAILS = {
        401: (errors.UNAUTHORIZED, UNAUTHORIZED_DETAIL),
        503: (errors.IDENTITY_UNAVAILABLE, IDENTITY_UNAVAILABLE_DETAIL),
    }

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        response = req.get_response(self.application)
        known = self._DETAILS.get(response.status_int)
        if known is None or _is_api_error(response):
            return response
        code, detail = known
        error = errors.error_response(req.environ, response.status_int, code,
                                      detail)
        if 'WWW-Authenticate' in response.headers:
            error.headers['WWW-Authenticate'] = response.headers[
                'WWW-Authenticate']
        return error


def _is_api_error(response):
    """Whether a response already has the API-SIG body of this service."""
    if response.content_type != 'application/json':
        return False
    try:
        return 'errors' in json.loads(response.body)
    except (ValueError, TypeError):
        return False


def pipeline(conf, application):
    """Wrap ``application`` in the authentication that ``conf`` asks for.

    :param conf: the service's :class:`oslo_config.cfg.ConfigOpts`, with
        the ``[pci_alias_api]`` options registered; auth_token reads its
        ``[keystone_authtoken]`` options from it.
    :param application: the WSGI application of the protected resources.
    :returns: the WSGI application to serve them with.
    :raises nova_pci_alias.exception.AuthNotConfigured: ``keystone``, with
        no usable auth plugin in ``[keystone_authtoken]``.
    """
    application = ContextMiddleware(application)
    if conf.pci_alias_api.auth_strategy == NOAUTH:
        LOG.warning('[pci_alias_api] auth_strategy is noauth: the PCI alias '
                    'service authenticates no one, and every request may '
                    'change the aliases as an admin. Use it for development '
                    'only; set auth_strategy = keystone in production.')
        return NoAuth(application)
    _check_validating_user(conf)
    return AuthErrorsAsAPIErrors(auth_token.AuthProtocol(
        application, {'oslo_config_config': conf}))


def _check_validating_user(conf):
    """Refuse a ``[keystone_authtoken]`` that cannot validate any token.

    auth_token validates a client's token with the service's own Keystone
    user, the auth plugin of ``[keystone_authtoken]`` (or of the group its
    ``auth_section`` names), which it loads at the first request.  Without
    one, every request would fail there with a traceback in the log, and an
    unknown one fails deep inside auth_token; the service says which at
    start instead.

    :raises nova_pci_alias.exception.AuthNotConfigured: no ``auth_type``,
        or one that no installed keystoneauth1 plugin provides.
    """
    ks_loading.register_auth_conf_options(conf, AUTHTOKEN_GROUP)
    group = conf[AUTHTOKEN_GROUP].auth_section or AUTHTOKEN_GROUP
    if group != AUTHTOKEN_GROUP:
        ks_loading.register_auth_conf_options(conf, group)
    plugin = conf[group].auth_type
    if not plugin:
        raise exception.AuthNotConfigured(
            group=group, reason='sets no auth_type (the service\'s own '
            'Keystone user)')
    try:
        ks_loading.get_plugin_loader(plugin)
    except ks_exceptions.NoMatchingPlugin:
        raise exception.AuthNotConfigured(
            group=group, reason='sets auth_type = %s, which no installed '
            'keystoneauth1 plugin provides' % plugin) from None
