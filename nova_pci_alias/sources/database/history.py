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

"""Who made a change to the alias database: the actor of a history record.

Every write of :mod:`~nova_pci_alias.sources.database.queries` records one
row of ``pci_alias_history`` naming its :class:`Actor`: the Keystone user
and project and the request id for a write through the alias service, the
operating-system user and host for ``nova-pci-alias-manage``.
"""

import collections
import getpass
import socket

from oslo_utils import timeutils


class Actor(collections.namedtuple('Actor', [
        'user_id', 'project_id', 'request_id', 'os_user', 'host'])):
    """Who made a change; each field None when unknown.

    :ivar user_id: the Keystone user id of the token (alias service).
    :ivar project_id: the Keystone project id of the token.
    :ivar request_id: the ``req-UUID`` of the API request.
    :ivar os_user: the operating-system user (local tools).
    :ivar host: the host name where the change was made.
    """

    __slots__ = ()

    def __new__(cls, user_id=None, project_id=None, request_id=None,
                os_user=None, host=None):
        return super().__new__(cls, user_id, project_id, request_id,
                               os_user, host)


def _os_user():
    try:
        return getpass.getuser()
    except Exception:
        # No login name and no passwd entry (a container's random uid).
        return None


def local_actor():
    """The actor of a change made by a local tool: OS user and host."""
    return Actor(os_user=_os_user(), host=socket.gethostname())


def isotime(moment):
    """Return a history time as ISO 8601 in UTC, to the second.

    For example ``2026-12-01T14:20:00Z``.  A naive datetime, as the
    database stores them, is taken as UTC; None stays None.
    """
    if moment is None:
        return None
    return timeutils.normalize_time(moment).strftime('%Y-%m-%dT%H:%M:%SZ')
