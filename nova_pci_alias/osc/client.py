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


"""The HTTP client of the alias service, as the commands use it.

:class:`Client` sends each request through a keystoneauth1
:class:`~keystoneauth1.adapter.Adapter` for the service type
``pci-alias``: keystoneauth finds the endpoint in the catalog (for the
interface and region the command was given), or takes the one configured
(``--os-endpoint`` with ``--os-auth-type none``, or
``pci_alias_endpoint_override`` in ``clouds.yaml``), and adds the token.
The endpoint is the service root, where the version document is; the
resources are under ``/v1/``.

An error answer becomes one :class:`ServiceError`, whose message names the
status and what the service said, in the API-SIG form it answers with::

    The PCI alias service answered 412 Precondition Failed: the PCI alias
    table has changed since ... (request req-...)
"""

import collections
import urllib.parse

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ks_exceptions
from osc_lib import exceptions

from nova_pci_alias import document
from nova_pci_alias import exception

#: The service type of the alias service in the catalog.
SERVICE_TYPE = 'pci-alias'

#: Where the resources of API version 1 are, under the service root.
V1 = '/v1'

_REQUEST_ID_HEADER = 'X-OpenStack-Request-Id'

#: What a request that succeeded returns: its status, its JSON body (None
#: when it has none) and the ``ETag`` of the answer without its quotes, as
#: the commands print it and ``--if-match`` takes it (None when the answer
#: has none).
Reply = collections.namedtuple('Reply', ['status', 'body', 'etag'])


class ServiceError(exceptions.CommandError):
    """The alias service answered with an error status.

    :param status: the HTTP status code.
    :param reason: what the service said: the ``title`` and ``detail`` of
        its API-SIG error, or the start of its answer's text.
    :param request_id: the request id, to look the request up in the
        service's log, or None.
    """

    def __init__(self, status, reason, request_id=None):
        self.status = status
        self.reason = reason
        self.request_id = request_id
        message = 'The PCI alias service answered %s' % reason
        if request_id:
            message += ' (request %s)' % request_id
        super().__init__(message)


def _first_error(body):
    """The first error of an API-SIG ``{"errors": [...]}`` body, or None.

    keystonemiddleware's own ``{"error": {...}}`` form (its 401 answers) is
    read too.
    """
    if not isinstance(body, dict):
        return None
    listed = body.get('errors')
    if isinstance(listed, list) and listed and isinstance(listed[0], dict):
        return listed[0]
    single = body.get('error')
    if isinstance(single, dict):
        return {'title': single.get('title'),
                'detail': single.get('message') or single.get('detail')}
    return None


def error_of(response):
    """Return the :class:`ServiceError` of an error answer.

    :param response: a :class:`requests.Response` with a status of 400 or
        more.
    """
    try:
        error = _first_error(response.json())
    except ValueError:
        error = None
    if error is None:
        detail = ' '.join(response.text.split())[:200]
        request_id = None
    else:
        detail = error.get('detail') or error.get('title')
        request_id = error.get('request_id')
    status = ('%d %s' % (response.status_code, response.reason or '')).strip()
    reason = '%s: %s' % (status, detail) if detail else status
    return ServiceError(response.status_code, reason,
                        request_id or response.headers.get(_REQUEST_ID_HEADER))


def _etag_of(response):
    """The answer's ETag, a strong one without its quotes; or None."""
    etag = response.headers.get('ETag')
    if not etag or etag.startswith('W/'):
        return etag or None
    return etag.strip('"')


def if_match_header(etag):
    """The ``If-Match`` header of an ETag as a command takes it.

    :param etag: an ETag, quoted or not, ``*``, or None.
    :returns: the headers to send: none for None; the ETag quoted, as RFC
        9110 writes it.
    """
    if not etag:
        return {}
    if etag == '*' or etag.startswith(('"', 'W/')):
        return {'If-Match': etag}
    return {'If-Match': '"%s"' % etag}


def alias_path(name):
    """The path of one alias, its name quoted whole (``/`` included)."""
    return '%s/aliases/%s' % (V1, urllib.parse.quote(name, safe=''))


class Client:
    """The alias service's API version 1, over a keystoneauth1 session.

    :param session: a :class:`keystoneauth1.session.Session`, with the
        auth plugin of the command.
    :param interface: the catalog interface (``public``, ``internal``,
        ``admin``).
    :param region_name: the catalog region.
    :param endpoint_override: the service root to use instead of the
        catalog's, or None.
    """

    def __init__(self, session, interface=None, region_name=None,
                 endpoint_override=None):
        self._adapter = adapter.Adapter(
            session, service_type=SERVICE_TYPE, interface=interface,
            region_name=region_name, endpoint_override=endpoint_override)

    def _not_in_catalog(self):
        where = 'interface %s' % (self._adapter.interface or 'public')
        if self._adapter.region_name:
            where += ', region %s' % self._adapter.region_name
        return exceptions.CommandError(
            'No %(type)s endpoint (%(where)s) in the service catalog: the '
            'alias service is registered with "openstack service create '
            '--name pci-alias %(type)s" and "openstack endpoint create '
            '%(type)s public http://HOST:PORT/"; or give its root with '
            'pci_alias_endpoint_override in clouds.yaml.'
            % {'type': SERVICE_TYPE, 'where': where})

    def _send(self, method, path, json=None, headers=None):
        try:
            response = self._adapter.request(
                path, method, json=json, headers=headers or {},
                raise_exc=False)
        except ks_exceptions.EndpointNotFound:
            raise self._not_in_catalog() from None
        if response.status_code >= 400:
            raise error_of(response)
        return response

    def _request(self, method, path, json=None, headers=None):
        response = self._send(method, path, json=json, headers=headers)
        body = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                raise exceptions.CommandError(
                    'The PCI alias service answered %s %s to %s %s with a '
                    'body that is not JSON.' % (
                        response.status_code, response.reason, method,
                        path)) from None
        return Reply(response.status_code, body, _etag_of(response))

    def get_entries(self):
        """``GET /v1/aliases``: the entries of the served table.

        :returns: a :data:`Reply` whose body is the list of entries of the
            alias document, in order.
        :raises osc_lib.exceptions.CommandError: the answer is not an alias
            document.
        """
        response = self._send('GET', V1 + '/aliases')
        try:
            entries = document.decode_document(response.content,
                                               response.url)
        except exception.InvalidAliasDocument as exc:
            raise exceptions.CommandError(str(exc)) from None
        return Reply(response.status_code, entries, _etag_of(response))

    def get_alias(self, name):
        """``GET /v1/aliases/NAME``: ``{"name", "entries"}``.

        With the table's ETag: the answer's own, or else the one of a
        ``HEAD /v1/aliases`` sent just before, which is never newer than
        the entries returned (a write based on it can only be refused,
        never overwrite a change unseen).
        """
        before = _etag_of(self._send('HEAD', V1 + '/aliases'))
        reply = self._request('GET', alias_path(name))
        return reply if reply.etag else reply._replace(etag=before)

    def put_alias(self, name, entries, if_match=None):
        """``PUT /v1/aliases/NAME``: create or replace one alias.

        :param entries: the alias's entries (dicts).
        :param if_match: the ETag the table must still have, or None.
        :returns: a :data:`Reply` of ``{"name", "entries", "revision"}`` and
            the new table's ETag.
        """
        return self._request('PUT', alias_path(name),
                             json={'entries': list(entries)},
                             headers=if_match_header(if_match))

    def delete_alias(self, name, if_match=None):
        """``DELETE /v1/aliases/NAME``: remove one alias."""
        return self._request('DELETE', alias_path(name),
                             headers=if_match_header(if_match))

    def get_history(self, limit=None, marker=None):
        """``GET /v1/history``: ``{"history": [change, ...]}``, newest first.

        :param limit: at most this many changes.
        :param marker: only the changes older than this revision.
        """
        query = {key: value for key, value in
                 (('limit', limit), ('marker', marker)) if value is not None}
        path = V1 + '/history'
        if query:
            path += '?' + urllib.parse.urlencode(query)
        return self._request('GET', path)

    def get_change(self, revision):
        """``GET /v1/history/REVISION``: one change, tables before/after."""
        return self._request('GET', '%s/history/%d' % (V1, revision))

    def restore(self, revision, if_match=None):
        """``POST /v1/history/REVISION/restore``: ``{"revision": NEW}``."""
        return self._request('POST', '%s/history/%d/restore' % (V1, revision),
                             headers=if_match_header(if_match))

    def get_consumers(self, behind_after=None):
        """``GET /v1/consumers``: the fleet view, judged by the service.

        :param behind_after: the seconds a process may be behind before
            it counts as overdue; None for the service's default.
        :returns: a :data:`Reply` of ``{"consumers": [...], "revision",
            "behind_after", "behind", "overdue", "not_heard_from"}``.
        """
        path = V1 + '/consumers'
        if behind_after is not None:
            path += '?' + urllib.parse.urlencode(
                {'behind_after': behind_after})
        return self._request('GET', path)
