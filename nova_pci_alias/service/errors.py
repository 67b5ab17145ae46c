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

"""The JSON error responses of the alias service.

Every error has the form of the OpenStack API-SIG errors guideline::

    {"errors": [{"status": 503,
                 "code": "nova_pci_alias.table_unavailable",
                 "title": "Service Unavailable",
                 "detail": "No PCI alias table can be served yet; ...",
                 "request_id": "req-..."}]}

``detail`` is written for an anonymous client: it never holds what the
service knows of its backends (a database URL, a host name, a file path).
Those go to the service's log, on a line that carries the same
``request_id``.
"""

import http
import json

from oslo_middleware import request_id as request_id_mw
import webob

#: The prefix of every error ``code``.
CODE_PREFIX = 'nova_pci_alias.'

#: The codes of the errors the service answers.
TABLE_UNAVAILABLE = CODE_PREFIX + 'table_unavailable'
NOT_FOUND = CODE_PREFIX + 'not_found'
METHOD_NOT_ALLOWED = CODE_PREFIX + 'method_not_allowed'
INTERNAL_ERROR = CODE_PREFIX + 'internal_error'
UNAUTHORIZED = CODE_PREFIX + 'unauthorized'
IDENTITY_UNAVAILABLE = CODE_PREFIX + 'identity_unavailable'
FORBIDDEN = CODE_PREFIX + 'forbidden'
BAD_REQUEST = CODE_PREFIX + 'bad_request'
INVALID_ALIAS = CODE_PREFIX + 'invalid_alias'
TABLE_CHANGED = CODE_PREFIX + 'table_changed'
TOO_LARGE = CODE_PREFIX + 'request_too_large'
UNSUPPORTED_MEDIA_TYPE = CODE_PREFIX + 'unsupported_media_type'
READ_ONLY = CODE_PREFIX + 'read_only'


class APIError(Exception):
    """An error answer, raised by a resource and sent by the router.

    :param status: the HTTP status code.
    :param code: one of the codes of this module.
    :param detail: what went wrong, for the client (see
        :func:`error_response`).
    :param headers: extra ``(name, value)`` headers.
    """

    def __init__(self, status, code, detail, headers=None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = list(headers or ())

    def response(self, environ):
        """Return the :func:`error_response` of this error."""
        return error_response(environ, self.status, self.code, self.detail,
                              headers=self.headers)


def request_id_of(environ):
    """The request id that oslo.middleware's RequestId gave this request.

    :returns: the ``req-UUID`` string, or None outside that middleware.
    """
    return environ.get(request_id_mw.ENV_REQUEST_ID)


def error_response(environ, status, code, detail, headers=None):
    """Return a JSON error response in the API-SIG form.

    :param environ: the WSGI environment of the request (for its id).
    :param status: the HTTP status code.
    :param code: one of the codes of this module.
    :param detail: what went wrong, for an anonymous client: one line,
        nothing about the service's backends.
    :param headers: extra ``(name, value)`` headers.
    :returns: a :class:`webob.Response`, never cached by clients.
    """
    status = http.HTTPStatus(status)
    error = {'status': status.value, 'code': code, 'title': status.phrase,
             'detail': detail, 'request_id': request_id_of(environ)}
    body = json.dumps({'errors': [error]}, sort_keys=True)
    response = webob.Response(status=status.value, body=body.encode('utf-8'),
                              content_type='application/json', charset=None)
    response.cache_control = 'no-store'
    for name, value in headers or ():
        response.headers[name] = value
    return response
