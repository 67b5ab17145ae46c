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

"""The ``[pci_alias_database]`` options of the ``database`` source.

oslo.db's database options, registered in a group of their own (as Nova
does for ``[api_database]``), so that the alias database is configured
apart from any ``[database]`` of the process it runs in.  Three defaults
differ from oslo.db's:

* ``connection`` is a SQLite file under Nova's state directory, so the
  source works with no database server at all;
* the retry options are short (one connection attempt when the engine
  starts, one retry of an operation after a disconnect, one second apart),
  so that a dead database server fails a refresh, or
  ``nova-pci-alias-manage``, within seconds rather than the minutes that
  oslo.db's defaults allow: the registry keeps serving its last good table
  meanwhile, and checks again at the next refresh.

Three options are this package's own, the deadlines of every wait on the
database, so that a server that accepts and never answers fails a call
with a clear error instead of hanging it:

``connect_timeout``
    the seconds to open a connection to a MySQL or PostgreSQL server
    (psycopg2 would otherwise wait for the operating system's TCP timeout,
    minutes for an unreachable host);
``statement_timeout``
    the seconds any one answer of a MySQL or PostgreSQL server may take,
    the MySQL server's greeting included;
``sqlite_busy_timeout``
    the seconds to wait for another process's lock on a SQLite file.

They reach the drivers as connection parameters (:func:`engine_settings`),
except PostgreSQL's client-side deadline, which
:mod:`~nova_pci_alias.sources.database.deadline` keeps.  A call that ran
into one of them is not retried: its caller waits for one deadline, not
one per attempt (see :func:`retry_settings`).
"""

import copy
from urllib import parse

from oslo_config import cfg
from oslo_db import options as oslo_db_options
from sqlalchemy.engine import url as sa_url

from nova_pci_alias import optgroups

GROUP = 'pci_alias_database'

#: Where the alias database is when ``connection`` is not set.
DEFAULT_CONNECTION = 'sqlite:////var/lib/nova/nova_pci_alias.sqlite'


_UNUSED = ('backend', 'asyncio_connection', 'asyncio_slave_connection',
           'use_db_reconnect')

_DEFAULTS = {
    'connection': DEFAULT_CONNECTION,
    # One attempt when the engine starts (oslo.db waits retry_interval
    # after each failed attempt, even the last); operations are retried.
    'max_retries': 1,
    'retry_interval': 0,
    # One retry of an operation that lost its connection, after a second.
    'db_max_retries': 1,
    'db_retry_interval': 1,
    'db_max_retry_interval': 2,
}

#: Seconds PostgreSQL's client-side deadline waits past the server's own
#: statement_timeout, so that a server that still answers reports its own
#: cancellation, and keeps the connection.
PG_CLIENT_GRACE = 1

deadline_opts = [
    cfg.IntOpt(
        'connect_timeout',
        default=5,
        min=1,
        help='Seconds to wait for a connection to a MySQL or PostgreSQL '
             'server. On PostgreSQL this covers the whole start-up of the '
             'connection, authentication included; on MySQL the TCP '
             'connection, the server\'s greeting being bounded by '
             'statement_timeout. Ignored when the connection URL or '
             'connection_parameters set connect_timeout; ignored for '
             'SQLite.'),
    cfg.IntOpt(
        'statement_timeout',
        default=5,
        min=1,
        help='Seconds any one answer of a MySQL or PostgreSQL server may '
             'take, waiting for the writers\' lock included. Past it the '
             'call fails with an error naming the database, and is not '
             'retried. MySQL: the read and write timeouts of the driver '
             '(read_timeout, write_timeout; PyMySQL or mysqlclient), which '
             'also bound the server\'s greeting. PostgreSQL: the server\'s '
             'statement_timeout, and, %d second later, a deadline kept by '
             'the client, which closes a connection whose server stopped '
             'answering. Ignored for SQLite; a driver parameter given in '
             'the URL or connection_parameters wins.' % PG_CLIENT_GRACE),
    cfg.IntOpt(
        'sqlite_busy_timeout',
        default=10,
        min=0,
        help='Seconds a SQLite reader or writer waits for another '
             'process\'s lock on the database file (the busy timeout of '
             'the driver) before failing with "database is locked". '
             'Concurrent writers queue within it. Ignored for MySQL and '
             'PostgreSQL, and when the URL or connection_parameters set '
             'timeout.'),
]


#: The options of the fleet view: how often a process reports the table it
#: holds, and when the row of a process that stopped reporting goes.
fleet_opts = [
    cfg.IntOpt(
        'report_interval',
        default=300,
        min=0,
        help='Seconds between the reports a process reading the alias '
             'database makes of the table it holds (one row per process '
             'in pci_alias_consumers, listed by "nova-pci-alias-manage '
             'status"). A process writes its row at once when the revision '
             'it holds changes or its last error appears or clears, and at '
             'most once per this interval otherwise: one UPDATE statement. '
             '0 turns reporting off.'),
    cfg.IntOpt(
        'consumer_expiry',
        default=86400,
        min=1,
        help='Seconds after which the row of a process that stopped '
             'reporting is deleted, by the report of another process and '
             'by "nova-pci-alias-manage status".'),
]


def _database_opts():
    result = []
    for opt in copy.deepcopy(oslo_db_options.database_opts):
        if opt.dest in _UNUSED:
            continue
        if opt.dest in _DEFAULTS:
            opt.default = _DEFAULTS[opt.dest]
        if opt.dest == 'connection_parameters':
            opt.secret = True   # may hold a password, as connection does
        if opt.dest == 'connection':
            opt.help = (
                'The SQLAlchemy URL of the alias database, for example '
                'mysql+pymysql://nova:PASSWORD@db.example/nova_pci_alias or '
                'postgresql+psycopg2://nova:PASSWORD@db.example/'
                'nova_pci_alias. The default is a SQLite file under Nova\'s '
                'state directory, for a single node or a test bed. Every '
                'Nova node that lists the "database" source must use the '
                'same database.')
        result.append(opt)
    result.extend(copy.deepcopy(deadline_opts))
    result.extend(copy.deepcopy(fleet_opts))
    return result


database_opts = _database_opts()

_GROUP = optgroups.OptionGroup(
    GROUP,
    title='PCI alias database',
    help='The SQL database of the "database" alias source, and how to '
         'reach it. These are oslo.db\'s database options; connection '
         'defaults to a SQLite file. Create or upgrade the schema with '
         '"nova-pci-alias-manage db sync".',
    opts=database_opts)

# Options passed to the enginefacade as they are.
_ENGINE_KEYS = (
    'connection', 'slave_connection', 'sqlite_synchronous',
    'synchronous_reader', 'mysql_sql_mode', 'mysql_wsrep_sync_wait',
    'connection_recycle_time', 'max_pool_size', 'max_overflow',
    'pool_timeout', 'connection_debug', 'connection_trace', 'max_retries',
    'retry_interval')


def register_opts(conf):
    """Register the ``[pci_alias_database]`` options on ``conf``.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts`.
    """
    _GROUP.register(conf)


def list_opts():
    """Return ``[(group, opts)]`` for the sample configuration."""
    return _GROUP.list_opts()


def _deadline_parameters(url, group):
    """The driver parameters that carry the deadlines to ``url``'s driver.

    Only for the drivers known to take them: an unknown parameter would
    make another driver refuse to connect.
    """
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == 'sqlite' and driver == 'pysqlite':
        return {'timeout': group.sqlite_busy_timeout}
    if backend == 'mysql':
        parameters = {'connect_timeout': group.connect_timeout}
        if driver in ('pymysql', 'mysqldb'):
            parameters['read_timeout'] = group.statement_timeout
            parameters['write_timeout'] = group.statement_timeout
        return parameters
    if backend == 'postgresql':
        parameters = {'connect_timeout': group.connect_timeout}
        if driver in ('psycopg2', 'psycopg'):
            # libpq passes "options" to the server at start-up.
            parameters['options'] = '-c statement_timeout=%d' % (
                group.statement_timeout * 1000)
        return parameters
    return {}


def _missing_deadlines(group):
    """The deadline parameters that the URL and connection_parameters lack.

    :returns: ``{name: value}``.
    """
    url = sa_url.make_url(group.connection)
    # A blank value counts as given: "options=" turns PostgreSQL's off.
    given = set(url.query) | set(parse.parse_qs(
        group.connection_parameters or '', keep_blank_values=True))
    return {key: value for key, value in
            _deadline_parameters(url, group).items() if key not in given}


def added_parameters(conf):
    """Return the names of the parameters this package adds to the URL.

    For messages, which name the database as it is configured.
    """
    return set(_missing_deadlines(conf[GROUP]))


def engine_settings(conf):
    """Return the enginefacade settings that ``conf`` asks for.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts` with the options of
        :func:`register_opts`.
    :returns: keyword arguments for the ``configure()`` of an oslo.db
        transaction context.
    """
    group = conf[GROUP]
    settings = {key: group[key] for key in _ENGINE_KEYS}
    parameters = group.connection_parameters or ''
    extra = _missing_deadlines(group)
    if extra:
        extra = parse.urlencode(extra, quote_via=parse.quote)
        parameters = '%s&%s' % (parameters, extra) if parameters else extra
    settings['connection_parameters'] = parameters
    return settings


def deadlines(conf=None):
    """Return ``{option name: seconds}`` of the three deadlines.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts` with the options of
        :func:`register_opts`; the options' defaults when None.
    """
    return {opt.dest: (opt.default if conf is None else conf[GROUP][opt.dest])
            for opt in deadline_opts}


def retry_settings(conf=None):
    """Return the keyword arguments of ``oslo_db.api.wrap_db_retry``.

    Lost connections and deadlocks are retried, but not by
    ``retry_on_disconnect``: the caller's ``exception_checker`` decides,
    so that a call that ran into a deadline is not retried (every attempt
    would wait for the whole deadline again).

    :param conf: a :class:`oslo_config.cfg.ConfigOpts` with the options of
        :func:`register_opts`; the options' defaults when None.
    """
    if conf is None:
        group = {opt.dest: opt.default for opt in database_opts}
    else:
        group = conf[GROUP]
    return {'max_retries': group['db_max_retries'],
            'retry_interval': group['db_retry_interval'],
            'inc_retry_interval': group['db_inc_retry_interval'],
            'max_retry_interval': group['db_max_retry_interval'],
            'retry_on_disconnect': False,
            'retry_on_deadlock': True}


def masked_url(url_text):
    """Return a connection URL with its password masked, for messages.

    :param url_text: a SQLAlchemy URL.
    :returns: the URL with ``***`` for the password, or a placeholder
        when SQLAlchemy cannot read it (so nothing secret can leak).
    """
    try:
        return sa_url.make_url(url_text).render_as_string(hide_password=True)
    except Exception:
        return '(an unreadable connection URL)'
