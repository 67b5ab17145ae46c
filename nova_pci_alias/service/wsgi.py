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

"""The factory of the alias service's WSGI application.

WSGI servers load :mod:`nova_pci_alias.wsgi.api`, whose module-level
``application`` this factory builds at import::

    uwsgi --http-socket 127.0.0.1:8790 --need-app --lazy-apps \\
        --module nova_pci_alias.wsgi.api:application
    gunicorn --bind 127.0.0.1:8790 nova_pci_alias.wsgi.api:application

This module builds nothing when imported; gunicorn can call the factory
itself with ``'nova_pci_alias.service.wsgi:init_application()'``.

The configuration files are the ones named in the environment variable
:data:`CONFIG_FILES_ENV` (separated by ``;``), and only those; or else
``nova.conf`` from the usual places (``~/.nova/``, ``/etc/nova/``, and the
directory ``/etc/nova/nova.conf.d/``), as for the other commands of this
package.
"""

import gc
import os

from oslo_config import cfg
from oslo_log import log as logging

from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias.service import app as app_mod

LOG = logging.getLogger(__name__)

#: The environment variable naming the configuration files, ``;``-separated.
CONFIG_FILES_ENV = 'NOVA_PCI_ALIAS_CONFIG_FILES'
#: The program name, for logging and the configuration file search.
PROG = 'nova-pci-alias-api'


def config_files_from_environment(environ=None):
    """Return the configuration files named in :data:`CONFIG_FILES_ENV`.

    :param environ: the environment to read; :data:`os.environ` when None.
    :returns: a list of paths, or None when the variable is unset or empty
        (the usual ``nova.conf`` locations are then searched).
    """
    environ = os.environ if environ is None else environ
    value = environ.get(CONFIG_FILES_ENV, '')
    files = [path.strip() for path in value.split(';') if path.strip()]
    return files or None


def init_application(config_files=None, conf=None):
    """Read the configuration, set up logging and build the application.

    :param config_files: the configuration files to read; by default those
        of :func:`config_files_from_environment`, else ``nova.conf`` (and
        ``nova.conf.d/``) from the usual places.
    :param conf: the :class:`oslo_config.cfg.ConfigOpts` to fill; a new one
        when None.
    :returns: the WSGI application.
    :raises oslo_config.cfg.Error: a configuration file is missing or
        invalid.
    :raises nova_pci_alias.exception.NovaPciAliasException: ``[pci_alias]
        sources`` is not set or empty
        (:class:`~nova_pci_alias.exception.AliasSourcesMisconfigured`), or a
        configured alias source is not installed or cannot start.
    """
    conf = cfg.ConfigOpts() if conf is None else conf
    if config_files is None:
        config_files = config_files_from_environment()
    opts.register_nova_opts(conf)
    logging.register_options(conf)
    # Files named explicitly are the whole configuration: no directory of
    # the usual places is searched then.
    conf([], project='nova', prog=PROG, default_config_files=config_files,
         default_config_dirs=None if config_files is None else [])
    logging.setup(conf, PROG)
    try:
        return app_mod.build_app(conf, keep_checking=True)
    except (cfg.Error, exception.NovaPciAliasException) as exc:
        failure = exc
    # Said in the service's own log, on one line (outside the except block,
    # where oslo.log would add the error's text again), then raised for the
    # WSGI server, which refuses to serve without an application.
    LOG.critical('The PCI alias service cannot start: %s', failure)
    raise failure


def settle():
    """Leave what the start-up built out of the collector's full scans.

    Called once the application is built, in a process that serves it: the
    modules, options and first alias table of a start-up live as long as
    the process, and Python's cyclic garbage collector would otherwise walk
    all of them at each of its full collections, which the allocations of
    a write to a large table set off (a tenth of a ``PUT`` to a
    10,000-alias table, measured by ``tools/bench_api.py``). They are
    collected once, then frozen (:func:`gc.freeze`): reference counting
    still frees what they drop, and what is built later is collected as
    usual.
    """
    gc.collect()
    gc.freeze()
