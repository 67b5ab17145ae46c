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

"""What this package does in a child process after a fork, in one list.

Threads do not survive a fork, and a lock that another thread held at the
fork stays held for ever in the child: the modules that keep threads or
locks (the registry, the outage logs, the driver's live refresh) give the
child new ones with :func:`in_child_after_fork`.  Those handlers run through
:func:`os.register_at_fork` when Python's ``os.fork()`` forks (oslo.service
workers, gunicorn).  uWSGI forks its workers from C without running them
(unless its ``py-call-osafterfork`` option is set); its post-fork hook calls
:func:`run_child_handlers` instead (see
:mod:`nova_pci_alias.live_refresh`).
"""

import os
import threading
import typing

_HANDLERS: list[typing.Callable[[], None]] = []
_LOCK = threading.Lock()


def in_child_after_fork(handler: typing.Callable[[], None]
                        ) -> typing.Callable[[], None]:
    """Run ``handler`` in the child after every fork; returns it.

    Usable as a decorator.  Handlers run in the order they were added.
    """
    with _LOCK:
        _HANDLERS.append(handler)
    os.register_at_fork(after_in_child=handler)
    return handler


def run_child_handlers() -> None:
    """Run every handler, for a server that forked without running them."""
    for handler in list(_HANDLERS):
        handler()
