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

"""The fleet view resource: ``GET /v1/consumers``.

``GET /v1/consumers?behind_after=SECONDS``
    ``{"consumers": [CONSUMER, ...], "revision": N, "behind_after": S,
    "behind": B, "overdue": O, "not_heard_from": H}``: the rows that
    ``nova-pci-alias-manage status`` lists, judged the same way
    (:mod:`~nova_pci_alias.sources.database.fleet_view`).

A consumer is ``{"host", "service", "pid", "revision", "loaded_at",
"checked_at", "reported_at", "last_error", "behind", "behind_since",
"overdue", "not_heard_from"}``: the processes that read the alias database
and the remote clients of the alias services
(:mod:`~nova_pci_alias.service.clients`).  ``revision`` is the table
revision held (null when unknown, or before a first load), ``behind``
whether it is older than ``revision`` of the answer, ``behind_since``
since when (null when not behind, or unknown), ``overdue`` whether for
longer than ``behind_after`` seconds (by default twice ``[pci_alias]
refresh_interval``), ``not_heard_from`` whether the last report is older
than twice ``[pci_alias_database] report_interval``.  Times are ISO 8601
in UTC.  The fleet view is the alias database's: a service without the
``database`` source has none (``404``).
"""

import json

import webob

from nova_pci_alias.service import auth
from nova_pci_alias.service import errors
from nova_pci_alias.service import history
from nova_pci_alias.service.policies import consumers as rules
from nova_pci_alias.sources.database import fleet_view
from nova_pci_alias.sources.database import history as change_history

#: The path of the fleet view.
CONSUMERS_PATH = '/v1/consumers'

NO_FLEET_DETAIL = ('This service keeps no fleet view: its [pci_alias] '
                   'sources do not include database.')

_TIMES = ('loaded_at', 'checked_at', 'reported_at')


def consumer_view(judged):
    """Return one judged row of the fleet view as the API shows it."""
    view = dict(judged.consumer)
    for key in _TIMES:
        view[key] = change_history.isotime(view.get(key))
    view.update(behind=judged.behind,
                behind_since=change_history.isotime(judged.behind_since),
                overdue=judged.overdue, not_heard_from=judged.silent)
    return view


class ConsumerResources:
    """The handler of ``/v1/consumers``.

    :param conf: the service's :class:`oslo_config.cfg.ConfigOpts`.
    :param writer: the service's
        :class:`~nova_pci_alias.service.writes.TableWriter` (its database).
    :param authorizer: the service's
        :class:`~nova_pci_alias.service.policy.Authorizer`.
    """

    def __init__(self, conf, writer, authorizer):
        self._conf = conf
        self._writer = writer
        self._authorizer = authorizer

    def list(self, req):
        """``GET /v1/consumers``: every row of the fleet view, judged."""
        self._authorizer.authorize(req.environ[auth.CONTEXT_KEY], rules.LIST)
        if not self._writer.writable:
            raise errors.APIError(404, errors.NOT_FOUND, NO_FLEET_DETAIL)
        behind_after = history.query_integer(req, 'behind_after', 0)
        view = self._writer.read_with(fleet_view.read, self._conf,
                                      behind_after=behind_after)
        judged = view.judged
        value = {
            'consumers': [consumer_view(one) for one in judged],
            'revision': view.current,
            'behind_after': view.behind_after,
            'behind': sum(one.behind for one in judged),
            'overdue': sum(one.overdue for one in judged),
            'not_heard_from': sum(one.silent for one in judged),
        }
        response = webob.Response(
            body=json.dumps(value, sort_keys=True).encode(),
            content_type='application/json', charset=None)
        response.cache_control = 'no-store'
        return response
