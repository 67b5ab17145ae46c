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
(unless its ``py-call-osafterfork`` option is set): a module that starts
threads calls :func:`hook_uwsgi`, which sets uWSGI's ``post_fork_hook`` to
run them (keeping any hook set before).
"""

import os
import sys
import threading
import typing

_HANDLERS: list[typing.Callable[[], None]] = []
_LOCK = threading.Lock()
_UWSGI_HOOKED = False


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


def hook_uwsgi() -> None:
    """Under uWSGI, run the handlers in the workers it forks; once.

    Nothing is done outside uWSGI, or where uWSGI loads the application in
    each worker (``lazy-apps``) or runs Python's fork handlers itself
    (``py-call-osafterfork``).
    """
    global _UWSGI_HOOKED
    uwsgi: typing.Any = sys.modules.get('uwsgi')
    if uwsgi is None:
        return
    options = getattr(uwsgi, 'opt', {}) or {}
    if options.get('lazy-apps') or options.get('py-call-osafterfork'):
        return
    with _LOCK:
        if _UWSGI_HOOKED:
            return
        _UWSGI_HOOKED = True
        before = getattr(uwsgi, 'post_fork_hook', None)

        def post_fork():
            run_child_handlers()
            if before is not None:
                before()

        uwsgi.post_fork_hook = post_fork
