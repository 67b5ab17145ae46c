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

"""Reading the fleet view: every process's row, judged now.

What ``nova-pci-alias-manage status``, ``GET /v1/consumers`` and the
upgrade check share: the rows of ``pci_alias_consumers`` (the processes
that read the database, and the remote clients of the alias services),
the database's current revision and its history, judged by
:func:`~nova_pci_alias.sources.database.fleet.judge` with the thresholds
of the configuration.  The queries must be configured
(:func:`~nova_pci_alias.sources.database.queries.configure`).
"""

import collections

from oslo_utils import timeutils

from nova_pci_alias import opts
from nova_pci_alias.sources.database import fleet
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries

#: The default threshold of "behind for too long", in refresh intervals.
BEHIND_AFTER_INTERVALS = 2

#: The fleet view now: ``judged``, the :class:`~nova_pci_alias.sources.
#: database.fleet.Judged` rows; ``current``, the database's revision;
#: ``behind_after``, the threshold used, in seconds.
View = collections.namedtuple('View', ['judged', 'current', 'behind_after'])


def default_behind_after(conf):
    """Seconds a process may be behind: twice the refresh interval."""
    opts.register_opts(conf)
    return BEHIND_AFTER_INTERVALS * conf[opts.GROUP].refresh_interval


def silent_after(conf):
    """Seconds after which a row is "not heard from"; None: never."""
    interval = conf[options.GROUP].report_interval
    return 2 * interval if interval else None


def read(conf, behind_after=None):
    """Read and judge the fleet view.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` holding the
        ``[pci_alias_database]`` and ``[pci_alias]`` options.
    :param behind_after: the threshold in seconds; by default
        :func:`default_behind_after`.
    :returns: a :class:`View`.
    :raises nova_pci_alias.exception.AliasSourceError: the database cannot
        be read.
    """
    options.register_opts(conf)
    if behind_after is None:
        behind_after = default_behind_after(conf)
    consumers = queries.get_consumers(conf[options.GROUP].consumer_expiry)
    current = queries.get_revision()
    judged = fleet.judge(consumers, current, queries.get_history(),
                         now=timeutils.utcnow(), behind_after=behind_after,
                         silent_after=silent_after(conf))
    return View(judged, current, behind_after)


def overdue(view):
    """The judged rows of ``view`` behind for longer than its threshold."""
    return [one for one in view.judged if one.overdue]
