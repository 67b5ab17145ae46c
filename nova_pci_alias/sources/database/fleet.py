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

"""Pure: which processes of the fleet view are behind, and since when.

A process is *behind* when the revision it holds is older than the
database's current one.  It has been behind since the first change
committed after the revision it holds (from the history): that is when
its table stopped being the current one.  A process that holds no table
yet is behind since the oldest change recorded.  When the history no
longer tells (pruned, or the changes were made before it existed), the
time is unknown, and the process counts as behind for longer than any
threshold.

A process is *silent* when its last report is older than twice
``[pci_alias_database] report_interval``: it stopped, or it cannot reach
the database.
"""

import collections
import datetime

#: One row of the fleet view, judged: ``consumer`` is the row (a dict of
#: :func:`~nova_pci_alias.sources.database.queries.get_consumers`),
#: ``behind`` whether it is behind, ``behind_since`` since when (a naive
#: UTC datetime, or None when unknown or not behind), ``overdue`` whether it
#: has been behind for longer than the threshold, ``silent`` whether its
#: last report is too old.
Judged = collections.namedtuple(
    'Judged', ['consumer', 'behind', 'behind_since', 'overdue', 'silent'])


def _first_change_after(history, revision):
    """The time of the oldest change of ``history`` newer than ``revision``.

    :param history: summaries of :func:`~nova_pci_alias.sources.database.
        queries.get_history`, newest first.
    """
    later = [change for change in history
             if revision is None or change['revision'] > revision]
    return later[-1]['created_at'] if later else None


def judge(consumers, current, history, *, now, behind_after,
          silent_after):
    """Judge every row of the fleet view.

    :param consumers: the rows, as :func:`~nova_pci_alias.sources.database.
        queries.get_consumers` returns them.
    :param current: the database's current revision.
    :param history: the history summaries, newest first.
    :param now: the time now, a naive UTC datetime.
    :param behind_after: seconds a process may be behind before it is
        overdue.
    :param silent_after: seconds after its last report at which a process
        is silent; None never.
    :returns: a list of :class:`Judged`, in the order of ``consumers``.
    """
    judged = []
    for consumer in consumers:
        held = consumer['revision']
        behind = held is None or held < current
        since = _first_change_after(history, held) if behind else None
        overdue = behind and (since is None or now - since > (
            datetime.timedelta(seconds=behind_after)))
        silent = silent_after is not None and (
            now - consumer['reported_at']
            > datetime.timedelta(seconds=silent_after))
        judged.append(Judged(consumer, behind, since, overdue, silent))
    return judged
