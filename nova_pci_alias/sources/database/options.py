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

``connect_timeout`` is this package's own: the seconds to wait for a MySQL
or PostgreSQL server to accept a connection (psycopg2 would otherwise wait
for the operating system's TCP timeout, minutes for an unreachable host).
"""

import copy

from oslo_config import cfg
from oslo_db import options as oslo_db_options
from sqlalchemy.engine import url as sa_url

GROUP = 'pci_alias_database'

#: Where the alias database is when ``connection`` is not set.
DEFAULT_CONNECTION = 'sqlite:////var/lib/nova/nova_pci_alias.sqlite'


def _database_group():
    # A new OptGroup for each ConfigOpts: oslo.config keeps overrides on the
    # OptGroup object, so a shared one would leak them between
    # configurations.
    return cfg.OptGroup(
        GROUP,
        title='PCI alias database',
        help='The SQL database of the "database" alias source, and how to '
             'reach it. These are oslo.db\'s database options; connection '
             'defaults to a SQLite file. Create or upgrade the schema with '
             '"nova-pci-alias-manage db sync".')


# Options of oslo.db that mean nothing for this source.  Operations that
# lose their connection are always retried (db_max_retries = 0 turns that
# off), so use_db_reconnect would be a switch that does nothing.
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

connect_timeout_opt = cfg.IntOpt(
    'connect_timeout',
    default=5,
    min=1,
    help='Seconds to wait for a MySQL or PostgreSQL server to accept a '
         'connection, unless the connection URL or connection_parameters '
         'already set connect_timeout. Ignored for SQLite.')


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
    result.append(connect_timeout_opt)
    return result


database_opts = _database_opts()

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
    conf.register_group(_database_group())
    conf.register_opts(database_opts, group=GROUP)


def list_opts():
    """Return ``[(group, opts)]`` for the sample configuration."""
    return [(_database_group(), copy.deepcopy(database_opts))]


def _with_connect_timeout(url_text, parameters, timeout):
    """Return ``parameters`` with a connect timeout for server databases."""
    url = sa_url.make_url(url_text)
    if url.get_backend_name() not in ('mysql', 'postgresql'):
        return parameters
    if 'connect_timeout' in url.query or 'connect_timeout' in parameters:
        return parameters
    extra = 'connect_timeout=%d' % timeout
    return '%s&%s' % (parameters, extra) if parameters else extra


def engine_settings(conf):
    """Return the enginefacade settings that ``conf`` asks for.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts` with the options of
        :func:`register_opts`.
    :returns: keyword arguments for the ``configure()`` of an oslo.db
        transaction context.
    """
    group = conf[GROUP]
    settings = {key: group[key] for key in _ENGINE_KEYS}
    settings['connection_parameters'] = _with_connect_timeout(
        group.connection, group.connection_parameters or '',
        group.connect_timeout)
    return settings


def retry_settings(conf=None):
    """Return the keyword arguments of ``oslo_db.api.wrap_db_retry``.

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
            'retry_on_disconnect': True,
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
