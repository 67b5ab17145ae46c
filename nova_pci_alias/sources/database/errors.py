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

"""The alias database's errors, as the package's own.

oslo.db, SQLAlchemy and the DBAPI drivers each word a failure their own
way; :func:`translate` turns what they raise into one of the package's
errors, naming the database with its password masked:

* :class:`~nova_pci_alias.exception.AliasSourceNotReady` when the schema is
  missing (run ``nova-pci-alias-manage db sync``);
* :class:`~nova_pci_alias.exception.AliasSourceError` for any other
  database failure: a driver that is not installed, a server that cannot
  be reached, or that did not answer within a deadline (the error names
  the option), or anything else the database refused.

:func:`worth_retrying` tells oslo.db's retry decorator which failures are
worth another attempt.

oslo.db logs these failures too, at WARNING or ERROR with a traceback, on
every attempt; during an outage that would repeat at every refresh.
:func:`install_log_filter` (run when the alias database is configured, not
when this module is imported: the filter sits on oslo.db's loggers, which
the process that loads the source, Nova for instance, shares) drops those
records while a call wrapped in :func:`quiet_oslo_db` runs: the error
raised says what failed, and the registry logs it once per outage.  Every
other oslo.db record of the process is left alone.
"""

import contextlib
import logging
import sys
import threading
import typing

from oslo_db import exception as db_exc
from sqlalchemy import exc as sa_exc

from nova_pci_alias import exception

#: The source name used in the errors raised here.
SOURCE_NAME = 'database'

#: What the functions of the alias database may raise that :func:`translate`
#: turns into the package's errors; anything else goes through unchanged.
DATABASE_ERRORS = (ImportError, sa_exc.NoSuchModuleError, db_exc.DBError,
                   sa_exc.SQLAlchemyError, db_exc.CantStartEngineError)

#: The oslo.db loggers that report, on their own, the failures translated
#: here.
OSLO_DB_LOGGERS = ('oslo_db.api', 'oslo_db.sqlalchemy.engines',
                   'oslo_db.sqlalchemy.exc_filters')

# What the drivers say when a deadline passed, besides the timeouts that
# Python's sockets raise (PyMySQL).
_PG_CONNECT_TIMEOUT = 'timeout expired'
_PG_QUERY_CANCELED = '57014'
_PYMYSQL_CONNECT_FAILED = 2003
_SQLITE_LOCKED = 'database is locked'

_running = threading.local()


class _DropWhileRunning(logging.Filter):
    """Drop oslo.db's warnings and errors about the alias database's calls."""

    def filter(self, record):
        return not (getattr(_running, 'depth', 0)
                    and record.levelno >= logging.WARNING)


#: The one filter :func:`install_log_filter` puts on :data:`OSLO_DB_LOGGERS`.
LOG_FILTER = _DropWhileRunning()


def install_log_filter() -> None:
    """Put :data:`LOG_FILTER` on oslo.db's loggers, once per process."""
    for name in OSLO_DB_LOGGERS:
        logger = logging.getLogger(name)
        if LOG_FILTER not in logger.filters:
            logger.addFilter(LOG_FILTER)


@contextlib.contextmanager
def quiet_oslo_db() -> typing.Iterator[None]:
    """Mark the current thread as running a call of the alias database.

    While it runs, :data:`LOG_FILTER` drops oslo.db's warnings and errors
    in this thread (calls may nest).
    """
    _running.depth = getattr(_running, 'depth', 0) + 1
    try:
        yield
    finally:
        _running.depth -= 1


def _driver_error(exc):
    inner = getattr(exc, 'inner_exception', None) or exc
    return getattr(inner, 'orig', None) or inner


def _chained(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def reason(exc: BaseException, password: str | None = None) -> str:
    """Return the first line of what the driver said, without a password.

    :param exc: what oslo.db, SQLAlchemy or the driver raised.
    :param password: the password of the database's URL, if it has one.
    """
    inner = _driver_error(exc)
    lines = str(inner).strip().splitlines()
    text = lines[0] if lines else type(inner).__name__
    if password:
        # Where a driver quotes a connection string; a long password is
        # hidden wherever it appears, a short one only there, so that
        # masking never garbles the rest of the message.
        for quoted in (':%s@' % password, 'password=%s' % password):
            text = text.replace(quoted, quoted.replace(password, '***'))
        if len(password) >= 6:
            text = text.replace(password, '***')
    return text


def lost_connection(exc: BaseException) -> bool:
    """Return True if ``exc`` says the database cannot be reached.

    oslo.db recognises MySQL's connection failures, but not PostgreSQL's
    as libpq 14 and later word them ("connection to server at ...
    failed"); those are the errors psycopg2 raises without a SQLSTATE.
    """
    if isinstance(exc, db_exc.DBConnectionError):
        return True
    inner = getattr(exc, 'inner_exception', None) or exc
    return (isinstance(inner, sa_exc.OperationalError)
            and getattr(inner.orig, 'pgcode', 'unknown') is None)


def deadline_passed(exc: BaseException) -> str | None:
    """Return the name of the deadline option that ``exc`` ran into, or None.

    MySQL (PyMySQL): the socket's timeout, raised inside the driver's error;
    while connecting, ``connect_timeout``, else ``statement_timeout`` (the
    read and write timeouts).  PostgreSQL: libpq's start-up timeout, the
    server's cancellation, or the client-side deadline.  SQLite: the busy
    timeout.
    """
    from_driver = _driver_error(exc)
    text = str(from_driver)
    if getattr(from_driver, 'pgcode', None) == _PG_QUERY_CANCELED:
        return 'statement_timeout'
    watchdog = sys.modules.get(__package__ + '.deadline')
    if watchdog is not None and isinstance(from_driver,
                                           watchdog.DeadlinePassed):
        return 'statement_timeout'
    if _PG_CONNECT_TIMEOUT in text and getattr(
            from_driver, 'pgcode', 'unknown') is None:
        return 'connect_timeout'
    if _SQLITE_LOCKED in text:
        return 'sqlite_busy_timeout'
    if any(isinstance(link, TimeoutError)
           for link in _chained(from_driver)):
        args = getattr(from_driver, 'args', ())
        if args and args[0] == _PYMYSQL_CONNECT_FAILED:
            return 'connect_timeout'
        return 'statement_timeout'
    return None


def worth_retrying(exc: BaseException) -> bool:
    """Retry a lost connection, unless a deadline passed.

    A server that did not answer in time would most likely make the
    caller wait the whole deadline again.
    """
    return lost_connection(exc) and deadline_passed(exc) is None


def not_ready(location: str,
              why: str) -> exception.AliasSourceNotReady:
    """The error of a database whose schema is missing or out of date.

    :param location: the database's URL, its password masked.
    :param why: what is wrong, e.g. ``has no PCI alias tables``.
    """
    return exception.AliasSourceNotReady(
        source=SOURCE_NAME,
        reason='%s %s; run "nova-pci-alias-manage db sync"' % (location, why))


def _deadline_error(location, seconds, option, said):
    if option == 'sqlite_busy_timeout':
        text = ('%s is locked by another process; gave up waiting for it '
                '([pci_alias_database] sqlite_busy_timeout = %d seconds): %s'
                % (location, seconds, said))
    else:
        text = ('no answer from %s within %d seconds ([pci_alias_database] '
                '%s): %s' % (location, seconds, option, said))
    return exception.AliasSourceError(source=SOURCE_NAME, reason=text)


def translate(exc: BaseException, location: str, *,
              password: str | None = None,
              deadlines: typing.Mapping[str, int],
              schema_missing: typing.Callable[[], bool] = lambda: False,
              ) -> exception.NovaPciAliasException:
    """Return the package's error for a database failure.

    :param exc: one of :data:`DATABASE_ERRORS`.
    :param location: the database's URL, its password masked.
    :param password: the URL's password, hidden from the driver's words.
    :param deadlines: the deadline options in seconds, by name, for the
        message of a deadline that passed.
    :param schema_missing: asks the database whether its alias tables are
        missing, for the errors that do not say so themselves.
    :returns: an :class:`~nova_pci_alias.exception.AliasSourceNotReady` or
        an :class:`~nova_pci_alias.exception.AliasSourceError`.
    """
    said = reason(exc, password)
    if isinstance(exc, (ImportError, sa_exc.NoSuchModuleError)):
        return exception.AliasSourceError(
            source=SOURCE_NAME, reason='%s: the database driver of this URL '
            'is not installed (%s); install it, e.g. with '
            '"pip install nova_pci_alias[mysql]" (PyMySQL, for '
            'mysql+pymysql) or "nova_pci_alias[postgresql]" (psycopg2, for '
            'postgresql+psycopg2)' % (location, said))
    if isinstance(exc, db_exc.DBNonExistentTable):
        return not_ready(location, 'has no PCI alias tables')
    if isinstance(exc, (db_exc.DBError, sa_exc.SQLAlchemyError)):
        option = deadline_passed(exc)
        if option is not None:
            return _deadline_error(location, deadlines[option],
                                   option, said)
        if lost_connection(exc):
            return exception.AliasSourceError(
                source=SOURCE_NAME,
                reason='cannot connect to %s: %s' % (location, said))
        if schema_missing():
            return not_ready(location, 'has no PCI alias tables')
    return exception.AliasSourceError(
        source=SOURCE_NAME, reason='%s: %s' % (location, said))
