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

"""Failure reporting: an outage is logged when it starts and when it ends.

Some things are tried again and again: the registry checks its sources
every refresh interval, a first load is tried again by each lookup (or
request) until it works, the ``remote`` source writes its cache file for
each new document.  One cause (a database down for an hour, a full disk)
makes many attempts in a row fail.  The log says so once, when the first
of them fails, and once more when an attempt works again, so that an
operator can tell whether the outage is over.  An :class:`Outage` keeps
that state for one such thing: :meth:`Outage.failed` logs the failure that
starts an outage, :meth:`Outage.succeeded` logs the success that ends it.

A failure's line holds the error's text, so it is logged outside the
``except`` block that caught the error: oslo.log's formatter appends a
summary of the exception being handled (``sys.exc_info()``) to every
record of level ``WARNING`` or above that is logged while one is, and the
text would be on the line twice.  :func:`attempt` makes a call and
returns what happened (an :class:`Attempt`), so that the caller reports it
after the ``except`` block has ended::

    tried = outage.attempt(source.entries, errors=OSError)
    if tried.error is not None:
        self._outage.failed(tried.error, source=name)
    else:
        self._outage.succeeded(source=name)
"""

from __future__ import annotations

import logging
import threading
import typing
import weakref

from nova_pci_alias import forks

#: What :func:`attempt` catches: an exception class or a tuple of them.
Errors = typing.Union[type[BaseException], tuple[type[BaseException], ...]]

#: Where an outage logs: a logger, or an adapter such as oslo.log's.
Logger = typing.Union[logging.Logger, 'logging.LoggerAdapter[typing.Any]']

#: The outages of this process, whose locks are replaced after a fork.
_OUTAGES: weakref.WeakSet[Outage] = weakref.WeakSet()


class Attempt(typing.NamedTuple):
    """What one call did: the ``value`` it returned, or the ``error``.

    ``error`` is None when the call returned (``value`` is then what it
    returned), and the exception it raised otherwise (``value`` is then
    None).
    """

    value: typing.Any
    error: typing.Optional[BaseException]


def attempt(call: typing.Callable[..., typing.Any], *args: typing.Any,
            errors: Errors = Exception) -> Attempt:
    """Call ``call(*args)`` and return what happened, without raising.

    :param call: what to call.
    :param args: its positional arguments.
    :param errors: the exceptions to catch and return; any other
        propagates.
    :returns: an :class:`Attempt`: the value returned, or the error raised
        (with its traceback).  The ``except`` block that caught the error
        has ended, so the caller can log the error's text.
    """
    try:
        return Attempt(call(*args), None)
    except errors as exc:
        return Attempt(None, exc)


class Outage:
    """Logs the failures of one thing that is tried again, once per outage.

    An outage starts with a failure (the first one reported, or the first
    after a success) and ends with the next success.  Of the failures of
    one outage only the first is logged, and the success that ends it is
    logged too.  Several threads can report at once: one of them logs.

    :param logger: where to log.
    :param failure: the message logged when an outage starts, a ``%``
        format with named fields: those given to :meth:`failed`, and
        ``error``, the error.
    :param recovery: the message logged at ``INFO`` when an outage ends,
        with the fields given to :meth:`succeeded`; None to log nothing
        (the caller then logs its own line when :meth:`succeeded` returns
        True).
    :param level: the level of the failure message.
    :param each_reason: also log a failure of an outage whose error's text
        differs from that of the failure logged last: a new reason.
    """

    def __init__(self, logger: Logger, failure: str,
                 recovery: typing.Optional[str] = None, *,
                 level: int = logging.ERROR,
                 each_reason: bool = False) -> None:
        self._logger = logger
        self._failure = failure
        self._recovery = recovery
        self._level = level
        self._each_reason = each_reason
        # The text of the error logged last while failing; None while not.
        self._reason: typing.Optional[str] = None
        self._lock = threading.Lock()
        _OUTAGES.add(self)

    @property
    def failing(self) -> bool:
        """Whether an outage is going on: the last report was a failure."""
        return self._reason is not None

    def failed(self, error: object, **values: typing.Any) -> bool:
        """Report a failed attempt; log it when it starts an outage.

        Call it outside the ``except`` block that caught the error (see
        :func:`attempt`).

        :param error: the error, or a text saying what failed; its text
            is the message's ``error`` field.
        :param values: the message's other fields.
        :returns: True when the failure was logged.
        """
        reason = str(error)
        with self._lock:
            logged = self._reason is None or (
                self._each_reason and reason != self._reason)
            self._reason = reason
        if logged:
            self._logger.log(self._level, self._failure,
                             dict(values, error=reason))
        return logged

    def succeeded(self, **values: typing.Any) -> bool:
        """Report a successful attempt; log the recovery if it ends an outage.

        Cheap when no outage is going on: call it after every success.

        :param values: the fields of the recovery message.
        :returns: True when this ended an outage.
        """
        if self._reason is None:
            return False
        with self._lock:
            ended, self._reason = self._reason is not None, None
        if ended and self._recovery is not None:
            self._logger.info(self._recovery, values)
        return ended


@forks.in_child_after_fork
def _after_fork_in_child() -> None:
    # A thread of the parent that held a lock at the fork does not exist in
    # the child, and would hold it for ever: give each outage a new one.
    for one in list(_OUTAGES):
        one._lock = threading.Lock()
