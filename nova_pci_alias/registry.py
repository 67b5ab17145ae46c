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

"""The alias registry: one validated alias table from the configured sources.

The registry loads the sources named in ``[pci_alias] sources`` with
stevedore, reads their entries in that order, lets the first source that
defines a name own it, validates the merged list once with
:func:`nova_pci_alias.parse_aliases` and keeps the resulting immutable table.

Lookups are cheap: the table is checked for changes at most once per
``[pci_alias] refresh_interval``, and a source is read again only when its
change token moved.  A refresh builds a whole new table before swapping it in
with one assignment, so a reader sees the old table or the new one, never a
mix.  A refresh that fails (a source is down, or now holds an invalid entry)
keeps the last good table and logs the failure once per outage; a registry
that has never loaded raises instead.
"""

import importlib.metadata
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
import stevedore

from nova_pci_alias import alias
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias import sources

LOG = logging.getLogger(__name__)


def installed_source_names():
    """Return the sorted names of the installed alias source plugins."""
    return sorted({ep.name for ep in importlib.metadata.entry_points(
        group=sources.NAMESPACE)})


def load_sources(conf, names):
    """Create the named sources, in order.

    :returns: a list of ``(name, AliasSource)``.
    :raises nova_pci_alias.exception.AliasSourceNotFound: a name has no
        installed plugin.
    :raises nova_pci_alias.exception.AliasSourceError: a plugin failed to
        import or to start.
    """
    def on_missing(missing):
        raise exception.AliasSourceNotFound(
            name=', '.join(sorted(missing)), namespace=sources.NAMESPACE,
            installed=', '.join(installed_source_names()) or '(none)')

    def on_failure(manager, entrypoint, exc):
        raise exception.AliasSourceError(source=entrypoint.name,
                                         reason=exc) from exc

    names = list(names)
    if len(set(names)) != len(names):
        raise exception.AliasSourceError(
            source=', '.join(names), reason='a source is listed twice in '
            '[%s] sources' % opts.GROUP)
    if not names:
        return []
    manager = stevedore.NamedExtensionManager(
        sources.NAMESPACE, names, name_order=True, invoke_on_load=True,
        invoke_args=(conf,), on_load_failure_callback=on_failure,
        on_missing_entrypoints_callback=on_missing)
    return [(ext.name, ext.obj) for ext in manager]


class _SourceState:
    """What the registry last read from one source."""

    __slots__ = ('name', 'source', 'token', 'entries')

    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.token = None
        self.entries = None


def _call_source(state, what):
    """Call a source method, turning any failure into AliasSourceError."""
    try:
        return getattr(state.source, what)()
    except exception.AliasSourceError:
        raise
    except Exception as exc:
        raise exception.AliasSourceError(source=state.name,
                                         reason=exc) from exc


class AliasRegistry:
    """The merged, validated alias table of an ordered list of sources.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` to read
        ``[pci_alias]`` (and the sources' own options) from.
    :param source_list: ``(name, AliasSource)`` pairs to use instead of the
        sources that :func:`nova_pci_alias.opts.source_names` names.

    Whether the rules of PCI in Placement apply is asked at each validation,
    with :func:`nova_pci_alias.opts.pci_in_placement`.
    """

    def __init__(self, conf, source_list=None):
        opts.register_opts(conf)
        self.conf = conf
        if source_list is None:
            source_list = load_sources(conf, opts.source_names(conf))
        self._states = [_SourceState(name, src) for name, src in source_list]
        self._lock = threading.Lock()
        self._table = None
        self._next_check = 0.0
        self._failing = False

    @property
    def source_names(self):
        """The names of the sources, in order of precedence."""
        return [state.name for state in self._states]

    def get_table(self):
        """Return the current alias table, loading or refreshing if due.

        :raises nova_pci_alias.exception.PciInvalidAlias: the first load
            found an invalid table.
        :raises nova_pci_alias.exception.AliasSourceError: the first load
            could not read a source.
        """
        table = self._table
        if table is not None and time.monotonic() < self._next_check:
            return table
        if table is None:
            with self._lock:
                if self._table is None:
                    self._reload(force=True)
                return self._table
        if self._lock.acquire(blocking=False):
            # Another thread may be refreshing already: its readers keep
            # the current table meanwhile rather than queueing.
            try:
                if time.monotonic() >= self._next_check:
                    self._refresh_keeping_last_good()
            finally:
                self._lock.release()
        return self._table

    def refresh(self, force=False):
        """Check the sources now, and reload what changed.

        Unlike :meth:`get_table`, a failure is raised to the caller, and the
        last good table is kept.

        :param force: read every source again, changed or not.
        :returns: True when a new table was swapped in.
        """
        with self._lock:
            return self._reload(force=force)

    def _refresh_keeping_last_good(self):
        try:
            self._reload()
            failure = None
        except Exception as exc:
            failure = exc
        # Logged outside the except block: oslo.log would add the error's
        # text a second time to a record logged while it is handled.
        if failure is not None:
            self._next_check = (time.monotonic()
                                + self.conf.pci_alias.refresh_interval)
            if not self._failing:
                self._failing = True
                LOG.error('Refreshing the PCI alias table failed; still '
                          'serving the last good table of %(count)d '
                          'aliases until a refresh succeeds: %(error)s',
                          {'count': len(self._table), 'error': failure})
            return
        if self._failing:
            self._failing = False
            LOG.info('Refreshing the PCI alias table works again; serving '
                     'the current table of %d aliases.', len(self._table))

    def _reload(self, force=False):
        tokens = [_call_source(state, 'change_token')
                  for state in self._states]
        changed = [force or state.entries is None or token is None
                   or token != state.token
                   for state, token in zip(self._states, tokens)]
        if self._table is not None and not any(changed):
            self._next_check = (time.monotonic()
                                + self.conf.pci_alias.refresh_interval)
            return False
        fresh = [list(_call_source(state, 'entries')) if change
                 else state.entries
                 for state, change in zip(self._states, changed)]
        table = self._build(fresh)
        for state, token, entries in zip(self._states, tokens, fresh):
            state.token = token
            state.entries = entries
        self._table = table
        self._next_check = (time.monotonic()
                            + self.conf.pci_alias.refresh_interval)
        for state, change in zip(self._states, changed):
            if change:
                self._tell_accepted(state)
        return True

    @staticmethod
    def _tell_accepted(state):
        try:
            state.source.entries_accepted()
            return
        except Exception as exc:
            failure = exc
        # Outside the except block, where oslo.log would repeat the error.
        LOG.warning('PCI alias source %(source)r failed after its entries '
                    'were loaded; the new table is served: %(error)s',
                    {'source': state.name, 'error': failure})

    def _build(self, per_source_entries):
        merged = []
        origins = []
        owners = {}
        for state, entries in zip(self._states, per_source_entries):
            for index, raw in enumerate(entries):
                try:
                    entry = alias.decode_entry(raw)
                except exception.PciInvalidAlias:
                    entry = raw   # parse_aliases reports it, with location
                name = entry.get('name') if isinstance(entry, dict) else None
                name = name.strip() if isinstance(name, str) else None
                owner = owners.setdefault(name, state.name)
                if name is not None and owner != state.name:
                    LOG.warning('PCI alias %(name)r from source %(source)r '
                                'is shadowed by the definition from source '
                                '%(owner)r and ignored.',
                                {'name': name, 'source': state.name,
                                 'owner': owner})
                    continue
                merged.append(entry)
                origins.append((state, index))
        try:
            return alias.parse_aliases(
                merged, pci_in_placement=opts.pci_in_placement(self.conf))
        except exception.PciInvalidAlias as exc:
            if exc.position is None:
                raise
            state, index = origins[exc.position]
            where = repr(state.name)
            place = state.source.location()
            if place:
                where += ' at %s' % place
            located = exception.PciInvalidAlias(
                '%s [alias source %s, entry %d]' % (exc, where, index + 1))
            located.position = exc.position
            raise located from None


_REGISTRY = None
_REGISTRY_LOCK = threading.Lock()


def get_registry(conf=None):
    """Return the process-wide registry, built on first use.

    :param conf: the configuration to build it from; the global
        :data:`oslo_config.cfg.CONF` when None.  Ignored once built.
    """
    global _REGISTRY
    registry = _REGISTRY
    if registry is None:
        with _REGISTRY_LOCK:
            if _REGISTRY is None:
                _REGISTRY = AliasRegistry(cfg.CONF if conf is None else conf)
            registry = _REGISTRY
    return registry


def reset_registry():
    """Forget the process-wide registry; the next use builds a new one."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        _REGISTRY = None
