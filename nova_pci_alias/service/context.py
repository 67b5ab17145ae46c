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

"""The request context of the alias service, for its log lines.

oslo.log formats a record with ``logging_context_format_string`` (which
shows ``[... req-UUID ...]``) when oslo.context holds a current
:class:`oslo_context.context.RequestContext` for the thread, and with
``logging_default_format_string`` (``[-]``) otherwise.
:class:`RequestContextMiddleware` makes one for each request from the ids
that oslo.middleware's ``RequestId`` put in the environment, so that every
line logged while a request is served names it.

The context made here holds those ids alone: it covers the whole request,
including ``/`` and ``/healthcheck``, which no token is checked for, and
the lines logged before authentication. Behind the authentication,
:class:`nova_pci_alias.service.auth.ContextMiddleware` replaces it with the
context of ``RequestContext.from_environ``, which adds the user, project
and roles that auth_token verified (a client's own ``X-User-Id``-style
headers are removed by auth_token before that).
"""

from oslo_context import context
from oslo_middleware import request_id as request_id_mw


class RequestContextMiddleware:
    """WSGI middleware that makes the request's context current.

    :param application: the WSGI application to call.

    Must run inside oslo.middleware's ``RequestId``, which sets
    ``openstack.request_id`` (and ``openstack.global_request_id`` when the
    client sent a valid one).
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # A new context replaces the thread's current one, so a line logged
        # by a later request on a reused thread never shows this one's id.
        context.RequestContext(
            request_id=environ.get(request_id_mw.ENV_REQUEST_ID),
            global_request_id=environ.get(request_id_mw.GLOBAL_REQ_ID),
            overwrite=True)
        return self.application(environ, start_response)
