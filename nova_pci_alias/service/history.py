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

"""The history resources: who changed the alias table, and undoing it.

``GET /v1/history?limit=N&marker=REVISION``
    ``{"history": [CHANGE, ...]}``, newest first, without the entries;
    ``marker`` gives the changes older than that revision (the next page).
``GET /v1/history/{revision}``
    one change, with ``before`` and ``after``: the whole table's entries.
``POST /v1/history/{revision}/restore``
    make the table what it was at that revision, as a new change: ``200``
    ``{"revision": NEW}`` with the new table's ``ETag``; ``If-Match``
    makes it conditional.

A change is ``{"revision", "created_at", "operation", "alias",
"restored_revision", "user_id", "project_id", "request_id", "os_user",
"host"}``; times are ISO 8601 in UTC (``2026-12-01T14:20:00Z``). The
history is the alias database's: a service without the ``database``
source has none (``404``).
"""

import json

import webob

from nova_pci_alias.service import auth
from nova_pci_alias.service import errors
from nova_pci_alias.service.policies import history as rules
from nova_pci_alias.sources.database import history as change_history

#: The path of the history.
HISTORY_PATH = '/v1/history'
#: The path template of one change.
CHANGE_PATH = '/v1/history/{revision}'
#: The path template of a restore.
RESTORE_PATH = '/v1/history/{revision}/restore'
#: What a revision in a path looks like.
REQUIREMENTS = {'revision': r'\d+'}

NO_HISTORY_DETAIL = ('This service keeps no history of the PCI alias '
                     'table: its [pci_alias] sources do not include '
                     'database.')


def change_view(change):
    """Return a recorded change as the API shows it (JSON-ready)."""
    view = dict(change)
    view['created_at'] = change_history.isotime(view.get('created_at'))
    return view


def _json_response(value, etag=None):
    response = webob.Response(
        body=json.dumps(value, sort_keys=True).encode(),
        content_type='application/json', charset=None)
    response.cache_control = 'no-store'
    if etag is not None:
        response.headers['ETag'] = etag
    return response


def query_integer(req, name, minimum):
    """The integer query parameter ``name``, at least ``minimum``, or None.

    :raises nova_pci_alias.service.errors.APIError: 400, it is not one.
    """
    raw = req.GET.get(name)
    if raw is None:
        return None
    # isdigit() alone would take other scripts' digits, which int() reads.
    if not (raw.isascii() and raw.isdigit()) or int(raw) < minimum:
        raise errors.APIError(
            400, errors.BAD_REQUEST,
            'The query parameter %s must be an integer of at least %d; it '
            'is %s.' % (name, minimum, json.dumps(raw[:100])))
    return int(raw)


class HistoryResources:
    """The handlers of ``/v1/history``.

    :param writer: the service's
        :class:`~nova_pci_alias.service.writes.TableWriter`.
    :param authorizer: the service's
        :class:`~nova_pci_alias.service.policy.Authorizer`.
    """

    def __init__(self, writer, authorizer):
        self._writer = writer
        self._authorizer = authorizer

    def _authorize(self, req, rule):
        self._authorizer.authorize(req.environ[auth.CONTEXT_KEY], rule)
        if not self._writer.writable:
            raise errors.APIError(404, errors.NOT_FOUND, NO_HISTORY_DETAIL)

    def list(self, req):
        """``GET /v1/history``: the changes, newest first."""
        self._authorize(req, rules.LIST)
        limit = query_integer(req, 'limit', 1)
        marker = query_integer(req, 'marker', 0)
        changes = self._writer.read('get_history', limit=limit,
                                    marker=marker)
        return _json_response(
            {'history': [change_view(c) for c in changes]})

    def show(self, req, revision):
        """``GET /v1/history/{revision}``: one change, before and after."""
        self._authorize(req, rules.SHOW)
        change = self._writer.read('get_change', int(revision))
        return _json_response(change_view(change))

    def restore(self, req, revision):
        """``POST /v1/history/{revision}/restore``: back to that table."""
        self._authorize(req, rules.RESTORE)
        result = self._writer.write(req, 'restore_revision', int(revision))
        return _json_response({'revision': result['revision']},
                              etag=result['etag'])
