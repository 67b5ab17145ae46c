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

"""The checks of ``nova-pci-alias-status upgrade check``.

:class:`AliasUpgradeChecks` is an oslo.upgradecheck
:class:`~oslo_upgradecheck.upgradecheck.UpgradeCommands`: each check is a
method that reads the configuration the command parsed (a node's
``nova.conf``, as the other tools read it) and returns a
:class:`~oslo_upgradecheck.upgradecheck.Result` whose details name what is
wrong and where: alias names, file paths, the masked database URL.  A
check never raises: what it cannot read is its result.

Each problem is reported by one check.  "Alias sources and table" says
whether the table loads as Nova would load it now, under the current
``pci_in_placement`` rule (with PCI in Placement on, that includes the
one-spec rule, and Nova's message names the aliases).  "PCI in Placement
readiness" looks at a table that loads and names what stands in the way
of PCI in Placement; when the table does not load, it says so and leaves
the failure to the other check.  "Fleet view" names the processes that
have held an older table than the database's for longer than twice
``[pci_alias] refresh_interval`` (:mod:`~nova_pci_alias.sources.database.
fleet_view`); it has nothing to say without a ``database`` source.
"""

import contextlib
import os

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck

from nova_pci_alias.cmd import alias as alias_cmd
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import registry
from nova_pci_alias.sources import config as config_source
from nova_pci_alias.sources.database import fleet_view
from nova_pci_alias.sources.database import history
from nova_pci_alias.sources.database import models
from nova_pci_alias.sources.database import queries
from nova_pci_alias.sources.remote import cache
from nova_pci_alias.sources.remote import options as remote_options

Code = upgradecheck.Code
Result = upgradecheck.Result

#: A cache file that differs from the served document is reported once it
#: is older than this many refresh intervals (the larger of ``[pci_alias]
#: refresh_interval`` and ``[pci_alias_remote] max_refresh_interval``).
STALE_CACHE_INTERVALS = 3

DATABASE_SOURCE = 'database'
REMOTE_SOURCE = 'remote'


def _joined(names):
    return ', '.join(names) or '(none)'


def _alias_variable():
    """The environment variable that sets ``[pci] alias``, if it is set.

    oslo.config reads an option from ``OS_<GROUP>__<OPTION>`` (upper case),
    as its documentation of environment variables says; the name is made
    the same way here, so that no private module of oslo.config is used.
    """
    name = 'OS_%s__%s' % (config_source.GROUP.upper(),
                          config_source.alias_opt.dest.upper())
    return name if name in os.environ else None


def _alias_lines(path):
    """How many ``[pci] alias`` (or ``[DEFAULT] pci_alias``) lines a file has.

    Read with oslo.config's own parser, without the configuration's
    oslo.config sources, so that the driver is not asked.
    """
    sections = {}
    cfg.ConfigParser(path, sections).parse()
    count = 0
    for section, values in sections.items():
        key = 'alias' if section.lower() == 'pci' else (
            'pci_alias' if section == 'DEFAULT' else None)
        count += len(values.get(key, ())) if key else 0
    return count


def _process(judged):
    """One process of the fleet view that is behind, for a check's text."""
    row = judged.consumer
    held = ('revision %d' % row['revision'] if row['revision'] is not None
            else 'no known revision')
    since = ('since %s' % history.isotime(judged.behind_since)
             if judged.behind_since is not None else 'since when unknown')
    return '%s %s pid %d (%s, behind %s)' % (
        row['host'], row['service'], row['pid'], held, since)


class AliasUpgradeChecks(upgradecheck.UpgradeCommands):
    """The alias checks of a node's configuration.

    :param conf: the parsed :class:`oslo_config.cfg.ConfigOpts` (the
        registry's and Nova's options registered).
    """

    display_title = 'nova_pci_alias upgrade check results'

    def __init__(self, conf):
        super().__init__()
        self.conf = conf
        self._loaded = None

    # What the checks share: the sources chosen, and the table loaded once.

    def _files(self):
        return _joined(alias_cmd.files_read(self.conf))

    def _source_names(self):
        """``(names, None)``, or ``(None, error)`` when they cannot be read."""
        try:
            return registry.configured_source_names(self.conf), None
        except exception.NovaPciAliasException as exc:
            return None, exc

    def _rules(self):
        return ('the rules of PCI in Placement' if
                opts.pci_in_placement(self.conf) else
                'Nova\'s rules without PCI in Placement')

    @contextlib.contextmanager
    def _without_cache_file(self):
        """Read the ``remote`` source without its cache file.

        So that the checks neither rewrite the file (a source writes it
        once a new document has loaded) nor let it answer for a server
        that fails: the file is checked on its own.
        """
        group = remote_options.GROUP
        remote_options.register_opts(self.conf)
        self.conf.set_override('cache_file', None, group=group)
        try:
            yield
        finally:
            self.conf.clear_override('cache_file', group=group)

    def _table(self):
        """``(table, None)`` or ``(None, error)``, loaded once."""
        if self._loaded is None:
            try:
                with self._without_cache_file():
                    # A check, not a process serving aliases: it leaves
                    # no row in the fleet view.
                    table = registry.AliasRegistry.from_config(
                        self.conf, reporting=False).get_table()
                self._loaded = (table, None)
            except exception.NovaPciAliasException as exc:
                self._loaded = (None, exc)
        return self._loaded

    # The checks.

    def _check_database_schema(self):
        """The alias database's schema is this release's."""
        names, error = self._source_names()
        if error is not None:
            return Result(Code.FAILURE, 'Cannot tell which alias sources are '
                          'configured: %s' % error)
        if DATABASE_SOURCE not in names:
            return Result(Code.SUCCESS, 'Not applicable: the configured '
                          'alias sources (%s) do not include "database".'
                          % _joined(names))
        try:
            queries.configure(self.conf)
            where = queries.database_location()
            revision = queries.schema_revision()
        except exception.NovaPciAliasException as exc:
            return Result(Code.FAILURE, str(exc))
        if revision is None:
            return Result(Code.FAILURE, 'The PCI alias database %s has no '
                          'schema: run "nova-pci-alias-manage db sync".'
                          % where)
        if revision == models.SCHEMA_HEAD:
            return Result(Code.SUCCESS, 'The PCI alias database %s is at '
                          'schema revision %s.' % (where, revision))
        if revision in models.SCHEMA_REVISIONS:
            return Result(Code.FAILURE, 'The PCI alias database %s is at '
                          'schema revision %s, older than this release\'s '
                          '%s: run "nova-pci-alias-manage db sync".'
                          % (where, revision, models.SCHEMA_HEAD))
        return Result(Code.WARNING, 'The PCI alias database %s is at schema '
                      'revision %s, which this release does not know (its '
                      'head is %s): a newer release synced it. This release '
                      'still reads it.' % (where, revision,
                                           models.SCHEMA_HEAD))

    def _check_sources_and_table(self):
        """Every source is reachable and the merged table is valid."""
        table, error = self._table()
        names, _ = self._source_names()
        files = self._files()
        if error is not None:
            return Result(Code.FAILURE, '%s (configuration files: %s)'
                          % (error, files))
        sources = _joined(names)
        if not len(table):
            return Result(Code.WARNING, 'The alias sources %s give no alias: '
                          'Nova would get an empty [pci] alias list '
                          '(configuration files: %s).' % (sources, files))
        return Result(Code.SUCCESS, '%d aliases (%d entries) from sources '
                      '%s, valid under %s (configuration files: %s).' % (
                          len(table), len(table.entries), sources,
                          self._rules(), files))

    def _check_pci_alias_lines(self):
        """No ``[pci] alias`` value hides the driver's aliases."""
        groups = opts.driver_groups(self.conf)
        if not groups:
            return Result(Code.SUCCESS, 'Not applicable: no group of '
                          '[DEFAULT] config_source uses the %s driver, so '
                          'Nova reads [pci] alias from its configuration '
                          'files.' % opts.CONFIG_DRIVER)
        places = []
        for path in alias_cmd.files_read(self.conf):
            try:
                count = _alias_lines(path)
            except (OSError, cfg.ParseError) as exc:
                return Result(Code.FAILURE, 'Cannot read %s: %s'
                              % (path, exc))
            if count:
                places.append('%s (%d lines)' % (path, count))
        variable = _alias_variable()
        if variable:
            places.append('the environment variable %s' % variable)
        if places:
            return Result(Code.FAILURE, '[pci] alias is set in %s, which '
                          'takes precedence over the %s driver of [%s]: Nova '
                          'uses those values and not the sources %s. Import '
                          'the lines ("nova-pci-alias-manage alias import '
                          '--from-config FILE") and remove them.' % (
                              _joined(places), opts.CONFIG_DRIVER,
                              groups[0], _joined(self._source_names()[0]
                                                 or ())))
        return Result(Code.SUCCESS, 'No [pci] alias value in the '
                      'configuration files (%s) or the environment hides '
                      'the %s driver of [%s].' % (
                          self._files(), opts.CONFIG_DRIVER, groups[0]))

    def _check_placement_readiness(self):
        """Name the aliases that stand in the way of PCI in Placement."""
        table, error = self._table()
        if error is not None:
            return Result(Code.SUCCESS, 'Not assessed: the alias table does '
                          'not load (see "Alias sources and table").')
        several = [name for name in table if len(table[name].specs) > 1]
        no_class = [name for name in table
                    if any('resource_class' not in spec
                           for spec in table[name].specs)]
        on = opts.pci_in_placement(self.conf)
        problems = []
        if several:
            problems.append('aliases with several specs, which PCI in '
                            'Placement refuses: %s' % ', '.join(several))
        if no_class:
            problems.append('aliases without resource_class, which '
                            'Placement then asks for as '
                            'CUSTOM_PCI_<vendor_id>_<product_id> (the '
                            'computes\' [pci] device_spec must not give '
                            'those devices another resource class): %s'
                            % ', '.join(no_class))
        state = 'on' if on else 'off'
        if not problems:
            return Result(Code.SUCCESS, 'Every alias has one spec with a '
                          'resource_class (PCI in Placement is %s).' % state)
        return Result(Code.WARNING, 'PCI in Placement is %s; %s.'
                      % (state, '; '.join(problems)))

    def _stale_after(self):
        return STALE_CACHE_INTERVALS * max(
            self.conf.pci_alias.refresh_interval,
            self.conf[remote_options.GROUP].max_refresh_interval)

    def _served_entries(self):
        """The entries the server serves now, or None when it fails.

        Asked of a ``remote`` source of its own, without the cache file.
        """
        try:
            with self._without_cache_file():
                (_, source), = registry.load_sources(self.conf,
                                                     [REMOTE_SOURCE])
                source.change_token()
                return list(source.entries())
        except exception.NovaPciAliasException:
            return None

    def _check_remote_cache_file(self):
        """The ``remote`` source's cache file holds a recent document."""
        names, error = self._source_names()
        if error is not None or REMOTE_SOURCE not in names:
            return Result(Code.SUCCESS, 'Not applicable: the "remote" '
                          'source is not configured.')
        remote_options.register_opts(self.conf)
        path = self.conf[remote_options.GROUP].cache_file
        group = remote_options.GROUP
        if not path:
            return Result(Code.WARNING, '[%s] cache_file is not set: a '
                          'service of this node that starts while the '
                          'alias server is unreachable has no aliases.'
                          % group)
        try:
            cached = cache.read(path)
        except (cache.UntrustedCacheFile, OSError) as exc:
            return Result(Code.WARNING, '%s (run this check as the user of '
                          'the Nova services)' % exc)
        if cached is None:
            return Result(Code.WARNING, 'The cache file %s of [%s] does not '
                          'exist: a service of this node that starts while '
                          'the alias server is unreachable has no aliases. '
                          'It is written when a service loads the document.'
                          % (path, group))
        body, age = cached
        try:
            kept = document.decode_document(body, path)
        except exception.InvalidAliasDocument as exc:
            return Result(Code.WARNING, 'The cache file cannot stand in for '
                          'the server: %s' % exc)
        served = self._served_entries()
        if served is not None and kept == served:
            return Result(Code.SUCCESS, 'The cache file %s holds the '
                          'document the server serves now (written %d '
                          'seconds ago).' % (path, age))
        stale_after = self._stale_after()
        compared = ('differs from the document the server serves now' if
                    served is not None else 'could not be compared with the '
                    'server\'s document (the server cannot be read)')
        if age > stale_after:
            return Result(Code.WARNING, 'The cache file %s %s and was '
                          'written %d seconds ago, more than %d: a service '
                          'of this node that starts while the server is '
                          'unreachable would load old aliases.'
                          % (path, compared, age, stale_after))
        return Result(Code.SUCCESS, 'The cache file %s %s; it was written %d '
                      'seconds ago, less than %d.' % (path, compared, age,
                                                      stale_after))

    def _check_fleet_view(self):
        """No process of the fleet view is behind for too long."""
        names, error = self._source_names()
        if error is not None or DATABASE_SOURCE not in names:
            return Result(Code.SUCCESS, 'No database source: skipped (the '
                          'fleet view is kept in the alias database).')
        try:
            queries.configure(self.conf)
            view = fleet_view.read(self.conf)
        except exception.NovaPciAliasException:
            return Result(Code.SUCCESS, 'Not assessed: the alias database '
                          'cannot be read (see "Alias database schema").')
        overdue = fleet_view.overdue(view)
        if not overdue:
            return Result(Code.SUCCESS, '%d processes in the fleet view; '
                          'none has been behind revision %d of the alias '
                          'table for longer than %d seconds.' % (
                              len(view.judged), view.current,
                              view.behind_after))
        return Result(Code.WARNING, '%d of %d processes have been behind '
                      'revision %d of the alias table for longer than %d '
                      'seconds: %s. They serve an older table: look at '
                      'their logs (and last error), or restart them; '
                      '"nova-pci-alias-manage status" lists them all.' % (
                          len(overdue), len(view.judged), view.current,
                          view.behind_after,
                          '; '.join(_process(one) for one in overdue)))

    _upgrade_checks = (
        ('Alias database schema', _check_database_schema),
        ('Alias sources and table', _check_sources_and_table),
        ('[pci] alias beside the driver', _check_pci_alias_lines),
        ('PCI in Placement readiness', _check_placement_readiness),
        ('Remote cache file', _check_remote_cache_file),
        ('Fleet view', _check_fleet_view),
    )
