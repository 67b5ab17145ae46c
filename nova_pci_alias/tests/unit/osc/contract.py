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


"""A small read-only server of the alias API, for the client's own tests.

It answers ``GET``/``HEAD /v1/aliases`` (the alias document, with its
ETag) and ``GET /v1/aliases/{name}``, with or without the table's ETag,
which the alias service itself cannot be made to leave out; and it
records each request. The tests of the commands run against the alias
service itself (:class:`~.base.AliasAPIFixture`); this one stands at the
endpoints of a Keystone catalog, and for a service that sends no ETag
with an alias.
"""

import json
import re

import webob
import webob.dec

from nova_pci_alias import document
from nova_pci_alias.service import errors

_ALIAS = re.compile(r'^/v1/aliases/(?P<name>.+)$')


class ReadOnlyAPI:
    """The read side of the alias API over a list of entries.

    :param entries: the table.
    :param show_etag: whether ``GET /v1/aliases/{name}`` sends the
        table's ETag.

    ``self.requests`` records ``(method, path_qs, headers)`` of each
    request.
    """

    def __init__(self, entries, show_etag=True):
        self.entries = [dict(e) for e in entries]
        self.show_etag = show_etag
        self.requests = []

    def etag(self):
        """The table's ETag, quoted, as the service sends it."""
        return document.etag_of(document.encode_document(self.entries))

    @webob.dec.wsgify
    def __call__(self, req):
        self.requests.append((req.method, req.path_qs, dict(req.headers)))
        if req.path_info == '/v1/aliases' and req.method in ('GET', 'HEAD'):
            return webob.Response(
                body=document.encode_document(self.entries),
                content_type='application/json', charset=None,
                headers={'ETag': self.etag()})
        match = _ALIAS.match(req.path_info)
        named = [e for e in self.entries
                 if match and e['name'] == match.group('name')]
        if req.method != 'GET' or not named:
            return errors.error_response(req.environ, 404, errors.NOT_FOUND,
                                         'No resource here.')
        response = webob.Response(
            body=json.dumps({'name': named[0]['name'],
                             'entries': named}).encode(),
            content_type='application/json', charset=None)
        if self.show_etag:
            response.headers['ETag'] = self.etag()
        return response
