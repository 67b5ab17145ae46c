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

"""The alias resources: ``/v1/aliases`` and ``/v1/aliases/{name}``.

``GET`` or ``HEAD /v1/aliases``
    the alias document (:mod:`nova_pci_alias.document`) of the registry's
    current table, with a strong ``ETag``, ``Cache-Control: max-age`` and
    ``304 Not Modified`` for a matching ``If-None-Match``; what the
    ``remote`` source of a compute node reads. ``503`` while no table can
    be served. The client report header of a ``remote`` source
    (:mod:`nova_pci_alias.client_report`) is recorded in the fleet view
    (:mod:`nova_pci_alias.service.clients`).
``GET /v1/aliases/{name}``
    ``{"name": NAME, "entries": [ENTRY, ...]}``: the entries of one alias
    in the served table; ``404`` when it has none.
``PUT /v1/aliases/{name}``
    body ``{"entries": [ENTRY, ...]}``: replace the alias's entries, or
    create it; ``200`` or ``201`` with ``{"name", "entries", "revision"}``
    and the new table's ``ETag``.
``DELETE /v1/aliases/{name}``
    remove the alias; ``204`` with the new table's ``ETag``.

Writes go through :class:`~nova_pci_alias.service.writes.TableWriter`,
each request is checked against its rule of
:mod:`nova_pci_alias.service.policies.aliases`.

The document is encoded, and its ETag computed, once per new table: a
request for an unchanged table only compares an ETag or copies bytes.
"""

import collections
import json
import time

from oslo_config import cfg
from oslo_log import log as logging
import webob

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import outage
from nova_pci_alias.service import auth
from nova_pci_alias.service import body
from nova_pci_alias.service import errors
from nova_pci_alias.service.policies import aliases as rules

LOG = logging.getLogger(__name__)

#: The path of the alias document.
ALIASES_PATH = '/v1/aliases'
#: The path template of one alias.
ALIAS_PATH = '/v1/aliases/{name}'

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


def _matches(if_none_match, etag):
    """Whether an If-None-Match header value matches a strong ETag.

    webob parses the list (and drops ``W/``, so the comparison is the weak
    one that RFC 9110 asks for here); its value for ``*`` contains every
    ETag, so ``*`` matches any current document.
    """
    return etag.strip('"') in if_none_match


class AliasDocumentResource:
    """The alias document of a registry's current table.

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
            log_serving(tried.value, 'The PCI alias table loaded; serving')
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

    def served(self, req):
        """The publication to answer ``req`` with.

        :raises nova_pci_alias.service.errors.APIError: 503, no table can
            be served; the reason is logged with the request id.
        """
        try:
            return self.current()
        except TableUnavailable as exc:
            failure = exc
        # The client's request id, on a line that says why.
        LOG.info('Answering 503 to %(method)s %(path)s: no PCI alias '
                 'table: %(reason)s', {'method': req.method,
                                       'path': req.path_info,
                                       'reason': failure})
        raise errors.APIError(
            503, errors.TABLE_UNAVAILABLE, UNAVAILABLE_DETAIL,
            headers=[('Retry-After', str(self._retry_after))])

    def __call__(self, req):
        """``GET`` or ``HEAD /v1/aliases``: the document, or 304."""
        publication = self.served(req)
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


def log_serving(table, prefix):
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


def _context(req):
    return req.environ[auth.CONTEXT_KEY]


def _json_response(value, status=200, etag=None):
    response = webob.Response(
        status=status, body=json.dumps(value, sort_keys=True).encode(),
        content_type=_JSON, charset=None)
    response.cache_control = 'no-store'
    if etag is not None:
        response.headers['ETag'] = etag
    return response


class AliasResources:
    """The handlers of ``/v1/aliases`` and ``/v1/aliases/{name}``.

    :param document_resource: the :class:`AliasDocumentResource` of the
        served table.
    :param writer: the service's
        :class:`~nova_pci_alias.service.writes.TableWriter`.
    :param authorizer: the service's
        :class:`~nova_pci_alias.service.policy.Authorizer`.
    :param max_body: the largest request body, in bytes.
    :param clients: the service's
        :class:`~nova_pci_alias.service.clients.ClientRecorder`, which
        takes the client report of each authorised read of the document;
        None records nothing.
    """

    def __init__(self, document_resource, writer, authorizer, max_body,
                 clients=None):
        self._document = document_resource
        self._writer = writer
        self._authorizer = authorizer
        self._max_body = max_body
        self._clients = clients

    def _authorize(self, req, rule):
        self._authorizer.authorize(_context(req), rule)

    def list(self, req):
        """``GET`` or ``HEAD /v1/aliases``."""
        self._authorize(req, rules.LIST)
        if self._clients is not None:
            self._clients.observe(req)
        return self._document(req)

    def show(self, req, name):
        """``GET /v1/aliases/{name}``: the alias's entries, as served.

        With the ``ETag`` of the served table, as ``/v1/aliases`` has it.
        """
        self._authorize(req, rules.SHOW)
        publication = self._document.served(req)
        entries = [dict(e) for e in publication.table.entries
                   if e['name'] == name]
        if not entries:
            raise _no_alias(name)
        # The ETag of the whole table the entries come from: what a write
        # based on them names in If-Match.
        return _json_response({'name': name, 'entries': entries},
                              etag=publication.etag)

    def update(self, req, name):
        """``PUT /v1/aliases/{name}``: replace or create the alias."""
        self._authorize(req, rules.UPDATE)
        # A read-only service says so before reading a body.
        self._writer.check_writable()
        entries = body.entries_body(
            body.json_body(req, self._max_body), name)
        result = self._writer.write(req, 'put_alias', name, entries)
        return _json_response(
            {'name': name, 'entries': result['entries'],
             'revision': result['revision']},
            status=201 if result['created'] else 200, etag=result['etag'])

    def delete(self, req, name):
        """``DELETE /v1/aliases/{name}``: remove the alias."""
        self._authorize(req, rules.DELETE)
        self._writer.write(req, 'delete_alias', name)
        response = webob.Response(status=204, content_type=None,
                                  charset=None)
        response.headers['ETag'] = self._writer.database_etag()
        return response


def _no_alias(name):
    return errors.APIError(
        404, errors.NOT_FOUND,
        'No PCI alias is named %s in the table this service serves.'
        % json.dumps(name))
