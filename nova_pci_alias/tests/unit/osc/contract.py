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


"""A small in-memory server of the alias API's contract, for the commands.

It answers the resources and statuses that the commands use, as the
service's API promises them (``GET /``, ``/v1/aliases``,
``/v1/aliases/{name}``, ``/v1/history``, ``/v1/history/{revision}``,
``POST /v1/history/{revision}/restore``), with API-SIG errors, ETags and
``If-Match``; the whole table is validated with
:func:`nova_pci_alias.parse_aliases` before a write is kept.  It is the
other side of the client's tests, not a second service: no auth, no
policy, no database.
"""

import datetime
import re
import threading

import webob
import webob.dec

from nova_pci_alias import alias
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias.service import errors

_ALIAS = re.compile(r'^/v1/aliases/(?P<name>.+)$')
_CHANGE = re.compile(
    r'^/v1/history/(?P<revision>[0-9]+)(?P<restore>/restore)?$')

#: The request id every answer carries.
REQUEST_ID = 'req-8a3e5f0c-0000-4000-8000-000000000001'


def _error(status, detail, headers=None):
    environ = {'openstack.request_id': REQUEST_ID}
    return errors.error_response(environ, status, errors.CODE_PREFIX + 'x',
                                 detail, headers=headers)


def _json(body, status=200, etag=None):
    response = webob.Response(status=status, json_body=body)
    if etag is not None:
        response.headers['ETag'] = etag
    return response


class ContractApp:
    """The alias API's contract over a list of entries kept in memory.

    :param entries: the table to start with.
    :param show_etag: whether ``GET /v1/aliases/{name}`` sends the
        table's ETag.

    ``self.requests`` records ``(method, path_qs, headers, body)`` of each
    request; :meth:`replace` changes the table as a ``PUT`` does.
    """

    def __init__(self, entries=(), show_etag=True):
        self.show_etag = show_etag
        self.entries = [dict(e) for e in entries]
        self.revision = 1
        self.history = []
        self.requests = []
        self._lock = threading.Lock()

    def etag(self):
        return document.etag_of(document.encode_document(self.entries))

    def _record(self, operation, name, before, restored=None):
        self.revision += 1
        self.history.append({
            'revision': self.revision,
            'created_at': datetime.datetime(
                2026, 12, 1, 14, self.revision % 60,
                tzinfo=datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'operation': operation, 'alias': name,
            'restored_revision': restored, 'user_id': 'noauth',
            'project_id': 'noauth', 'request_id': REQUEST_ID,
            'os_user': None, 'host': None,
            'before': before, 'after': [dict(e) for e in self.entries]})

    def _precondition(self, req):
        if req.if_match is webob.etag.AnyETag or not req.headers.get(
                'If-Match'):
            return None
        if self.etag().strip('"') in req.if_match:
            return None
        return _error(412, 'the PCI alias table has changed since ETag %s '
                      '(it is now %s): nothing was written; read the table '
                      'again and retry' % (req.headers['If-Match'],
                                           self.etag()))

    @webob.dec.wsgify
    def __call__(self, req):
        self.requests.append((req.method, req.path_qs, dict(req.headers),
                              req.body))
        with self._lock:
            return self._dispatch(req)

    def _dispatch(self, req):
        path = req.path_info
        if path == '/':
            return _json({'versions': [{
                'id': 'v1.0', 'status': 'CURRENT', 'links': [
                    {'rel': 'self', 'href': req.host_url + '/v1/'}]}]})
        if path == '/v1/aliases' and req.method in ('GET', 'HEAD'):
            return webob.Response(
                body=document.encode_document(self.entries),
                content_type='application/json', charset=None,
                headers={'ETag': self.etag()})
        match = _ALIAS.match(path)
        if match:
            return self._alias(req, match.group('name'))
        match = _CHANGE.match(path)
        if match:
            return self._change(req, int(match.group('revision')),
                                bool(match.group('restore')))
        if path == '/v1/history' and req.method == 'GET':
            return self._history(req)
        return _error(404, 'No resource at %s.' % path)

    def _named(self, name):
        return [e for e in self.entries if e['name'] == name]

    def _alias(self, req, name):
        if req.method == 'GET':
            if not self._named(name):
                return _error(404, 'No PCI alias %s.' % name)
            return _json({'name': name, 'entries': self._named(name)},
                         etag=self.etag() if self.show_etag else None)
        refused = self._precondition(req)
        if refused is not None:
            return refused
        if req.method == 'DELETE':
            if not self._named(name):
                return _error(404, 'No PCI alias %s.' % name)
            before = [dict(e) for e in self.entries]
            self.entries = [e for e in self.entries if e['name'] != name]
            self._record('delete', name, before)
            return webob.Response(status=204, content_type=None,
                                  headers={'ETag': self.etag()})
        if req.method == 'PUT':
            return self._put(req, name)
        return _error(405, 'Method %s is not allowed.' % req.method,
                      headers=[('Allow', 'GET, PUT, DELETE')])

    def replace(self, name, entries):
        """Create or replace the alias ``name``, as a valid ``PUT`` does.

        :returns: True when the alias was created.
        :raises nova_pci_alias.exception.PciInvalidAlias: the table would
            be invalid; nothing is changed.
        """
        entries = [dict(e, name=name) for e in entries]
        named = self._named(name)
        if named:
            first = self.entries.index(named[0])
            table = ([e for e in self.entries[:first]] + entries
                     + [e for e in self.entries[first:] if e['name'] != name])
        else:
            table = self.entries + entries
        alias.parse_aliases(table)
        before = [dict(e) for e in self.entries]
        self.entries = table
        self._record('put' if named else 'create', name, before)
        return not named

    def _put(self, req, name):
        if req.content_type != 'application/json':
            return _error(415, 'The body must be JSON.')
        try:
            entries = list(req.json_body['entries'])
        except (ValueError, KeyError, TypeError):
            return _error(400, 'The body must be {"entries": [ENTRY, ...]}.')
        try:
            created = self.replace(name, entries)
        except exception.PciInvalidAlias as exc:
            return _error(400, str(exc))
        return _json({'name': name, 'entries': self._named(name),
                      'revision': self.revision},
                     status=201 if created else 200, etag=self.etag())

    def _history(self, req):
        changes = list(reversed(self.history))
        if 'marker' in req.params:
            marker = int(req.params['marker'])
            changes = [c for c in changes if c['revision'] < marker]
        if 'limit' in req.params:
            changes = changes[:int(req.params['limit'])]
        return _json({'history': [
            {k: v for k, v in c.items() if k not in ('before', 'after')}
            for c in changes]})

    def _change(self, req, revision, restore):
        found = [c for c in self.history if c['revision'] == revision]
        if not found:
            return _error(404, 'no PCI alias table revision %d is recorded '
                          'in the history' % revision)
        if not restore:
            if req.method != 'GET':
                return _error(405, 'Method %s is not allowed.' % req.method,
                              headers=[('Allow', 'GET')])
            return _json(found[0])
        if req.method != 'POST':
            return _error(405, 'Method %s is not allowed.' % req.method,
                          headers=[('Allow', 'POST')])
        refused = self._precondition(req)
        if refused is not None:
            return refused
        before = [dict(e) for e in self.entries]
        self.entries = [dict(e) for e in found[0]['after']]
        self._record('restore', None, before, restored=revision)
        return _json({'revision': self.revision}, etag=self.etag())
