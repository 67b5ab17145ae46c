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

:meth:`AliasRegistry.from_config` is the one place that turns a
configuration into an ordered list of sources: it decides which option
names them (``[pci_alias] sources``, or the ``sources`` of the group of the
oslo.config driver), refuses a list that cannot be used, and loads the
named plugins with stevedore.  The registry reads their entries in order,
lets the first source that defines a name own it, validates the merged
list once with :func:`nova_pci_alias.parse_aliases` and keeps the resulting
immutable table.

Lookups never wait for a source once a table is loaded: the first lookup
loads the table in the calling thread (and raises when it cannot; lookups
that waited for it meanwhile get its error too), and from then on a lookup
returns the current table at once.  At most once per
``[pci_alias] refresh_interval`` a lookup starts a check of the sources in a
daemon thread (one at a time); a source is read again only when its change
token moved.  A check builds a whole new table before swapping it in with
one assignment, so a reader sees the old table or the new one, never a mix.
A check that fails (a source is down, or now holds an invalid entry) keeps
the last good table and logs the failure once per outage;
:attr:`AliasRegistry.status` tells a health check how the last check went.
After every load and check, failed or not, each source hears of it
(:meth:`~nova_pci_alias.sources.AliasSource.report`), outside the lock
that serialises the checks, so that a source can record what this process
holds (the ``database`` source's fleet view).
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
import copy
import importlib.metadata
import threading
import time
import typing
import weakref

from oslo_config import cfg
from oslo_log import log as logging
import stevedore

from nova_pci_alias import alias
from nova_pci_alias import exception
from nova_pci_alias import forks
from nova_pci_alias import opts
from nova_pci_alias import outage
from nova_pci_alias import sources

LOG = logging.getLogger(__name__)


def installed_source_names() -> list[str]:
    """Return the sorted names of the installed alias source plugins."""
    return sorted({ep.name for ep in importlib.metadata.entry_points(
        group=sources.NAMESPACE)})


#: The name of the ``config`` source, which reads ``[pci] alias``: the
#: option that the oslo.config driver answers.
CONFIG_SOURCE = 'config'


def _driver_group_names(conf, group):
    """``[group] sources`` of a group that uses the oslo.config driver."""
    names = list(conf[group].sources)
    if CONFIG_SOURCE in names:
        raise exception.AliasSourcesMisconfigured(
            group=group,
            reason='lists "%s", which cannot be read there: it reads [pci] '
                   'alias, the option that the nova_pci_alias driver of '
                   '[%s] answers; list other sources in [%s] sources, and '
                   'move the [pci] alias lines with "nova-pci-alias-manage '
                   'alias import --from-config"'
                   % (CONFIG_SOURCE, group, group))
    if not names:
        raise exception.AliasSourcesMisconfigured(
            group=group, reason='is empty: name at least one alias source')
    return names


def _explicit_names(conf):
    """``[pci_alias] sources``, which must be set and name a source."""
    if not opts.sources_set(conf):
        files = ', '.join(conf.config_file) or 'none'
        raise exception.AliasSourcesMisconfigured(
            '[%s] sources is not set in the configuration files read '
            '(%s): the PCI alias service publishes only the sources it is '
            'told to; set it, for example "sources = database".'
            % (opts.GROUP, files))
    names = list(conf.pci_alias.sources)
    if not names:
        location = conf.get_location('sources', opts.GROUP)
        raise exception.AliasSourcesMisconfigured(
            '[%s] sources is empty (%s): the PCI alias service would '
            'publish no alias; name at least one source.'
            % (opts.GROUP, location.detail or location.location.name))
    return names


def configured_source_names(conf: cfg.ConfigOpts,
                            group: str | None = None) -> list[str]:
    """Return the names of the sources that ``conf`` chooses, in order.

    What :meth:`AliasRegistry.from_config` loads; see it for the rules.

    :raises nova_pci_alias.exception.AliasSourcesMisconfigured: the list
        cannot be used.
    """
    opts.register_opts(conf)
    if group is None and not opts.sources_set(conf):
        # What Nova gets, when the configuration enables the driver.
        group = next(iter(opts.driver_groups(conf)), None)
    if group is None:
        names = list(conf.pci_alias.sources)    # set, or its default
    elif group == opts.GROUP:
        names = _explicit_names(conf)
    else:
        names = _driver_group_names(conf, group)
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise exception.AliasSourcesMisconfigured(
            group=group or opts.GROUP,
            reason='lists %s twice: list each source once, at the place '
                   'of its precedence'
                   % ', '.join(repr(name) for name in twice))
    return names


def load_sources(conf: cfg.ConfigOpts, names: Iterable[str]
                 ) -> list[tuple[str, sources.AliasSource]]:
    """Create the named sources, in order, with stevedore.

    Each is a plugin of the ``nova_pci_alias.sources`` namespace, created
    with ``conf``.  The names are taken as given: choosing them is
    :func:`configured_source_names`'s job.

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
    if not names:
        return []
    manager = stevedore.NamedExtensionManager(
        sources.NAMESPACE, names, name_order=True, invoke_on_load=True,
        invoke_args=(conf,), on_load_failure_callback=on_failure,
        on_missing_entrypoints_callback=on_missing)
    # invoke_on_load: every extension holds its source object.
    return [(ext.name, typing.cast(sources.AliasSource, ext.obj))
            for ext in manager]


class _SourceState:
    """One configured source, its name, and how its last acceptance went."""

    __slots__ = ('name', 'source', 'accepting', 'reporting')

    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.accepting = outage.Outage(
            LOG, 'PCI alias source %(source)r failed after its entries '
            'were loaded; the new table is served: %(error)s',
            recovery='PCI alias source %(source)r no longer fails after '
            'its entries are loaded.', level=logging.WARNING)
        self.reporting = outage.Outage(
            LOG, 'PCI alias source %(source)r failed to report the table '
            'this process holds; aliases are served as before: %(error)s',
            recovery='PCI alias source %(source)r reports again.',
            level=logging.WARNING)


#: What the registry holds after a successful load: the table, and for each
#: source (in order) the change token and the entries it was built from.
#: Replaced as a whole, in one assignment, so that a thread (or a process
#: forked at any moment) never sees a table beside another table's tokens.
_Loaded = collections.namedtuple('_Loaded', ['table', 'tokens', 'entries'])


class RegistryStatus(collections.namedtuple('RegistryStatus', [
        'loaded', 'loaded_at', 'last_check_at', 'last_success_at',
        'last_error', 'check_running_since'])):
    """How the registry's table and its last check stand; read-only.

    Times are seconds since the epoch (:func:`time.time`), or None.

    ``loaded``
        True once a table has loaded: lookups then always get a table.
    ``loaded_at``
        When the table served now was swapped in.
    ``last_check_at``
        When the last load or check of the sources ended, failed or not.
    ``last_success_at``
        When the last load or check that succeeded ended (whether or not
        the table changed).
    ``last_error``
        The error of the last load or check, as text naming the source
        (and never a secret), or None when it succeeded.
    ``check_running_since``
        When the background check running now started, or None.
    """

    __slots__ = ()


_NEVER_CHECKED = RegistryStatus(False, None, None, None, None, None)

#: A background check running longer than this many refresh intervals (and
#: than ``_STUCK_AFTER_MIN`` seconds) is logged once, as probably hung.
_STUCK_AFTER_INTERVALS = 3
_STUCK_AFTER_MIN = 60.0

#: The registries of this process, to reset after a fork.
_REGISTRIES: weakref.WeakSet[AliasRegistry] = weakref.WeakSet()


def _where(state):
    """A source's name and, if it says, where it reads from."""
    place = state.source.location()
    return '%r at %s' % (state.name, place) if place else repr(state.name)


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
    :param source_list: the ``(name, AliasSource)`` pairs to read, in order
        of precedence.  :meth:`from_config` builds the registry of the
        sources that a configuration names.
    :param reporting: tell the sources how each check went
        (:meth:`~nova_pci_alias.sources.AliasSource.report`); False for a
        command that exits once it has read the table, and would leave a
        row in the fleet view for a table nobody serves.

    :meth:`get_table` loads the table on first use, in the calling thread,
    and raises when that fails.  Once a table is loaded it never calls a
    source: when a check is due (every ``[pci_alias] refresh_interval``) it
    starts one background check, in a daemon thread, and returns the
    current table at once.  Only one check runs at a time; while a source
    hangs, its check waits for the source's own timeout and readers keep
    the current table.  A background check that fails keeps the last good
    table, logs the failure once per outage and logs the recovery.
    Lookups that wait while the first load runs share its outcome: when it
    fails, they raise its error without asking the sources again.
    :meth:`refresh` checks synchronously and raises, for the tools.

    :attr:`status` is a :class:`RegistryStatus`: whether a table is loaded,
    when it was loaded, when the sources were last checked and last
    checked successfully, the last check's error (or None), and since when
    a background check has been running.

    A process forked from one holding a registry gets a registry that
    checks in its own thread (threads do not survive a fork).  Whether
    Nova's services are monkey-patched by eventlet, and what that means
    for the check, is in the configuration guide.

    Whether the rules of PCI in Placement apply is asked at each validation,
    with :func:`nova_pci_alias.opts.pci_in_placement`.
    """

    def __init__(self, conf: cfg.ConfigOpts,
                 source_list: Iterable[tuple[str, sources.AliasSource]],
                 *, reporting: bool = True) -> None:
        opts.register_opts(conf)
        self.conf = conf
        self._reporting = reporting
        self._states = [_SourceState(name, src) for name, src in source_list]
        self._loaded = None
        self._next_check = 0.0
        self._refreshing = outage.Outage(
            LOG, 'Refreshing the PCI alias table failed; still serving the '
            'last good table of %(count)d aliases until a refresh '
            'succeeds: %(error)s',
            recovery='Refreshing the PCI alias table works again; serving '
            'the current table of %(count)d aliases.')
        # A copy of the error of the last first load that failed, for the
        # lookups that waited for it.
        self._first_failure = None
        self._status = _NEVER_CHECKED
        self._keep_checking = False
        self._ticker = None
        self._listeners: list[typing.Callable[[alias.AliasTable], None]] = []
        self._reset_threads()
        _REGISTRIES.add(self)

    @classmethod
    def from_config(cls, conf: cfg.ConfigOpts, group: str | None = None,
                    *, reporting: bool = True) -> AliasRegistry:
        """Return the registry of the sources that ``conf`` names.

        The one place where a configuration chooses its sources.  Which
        option names them depends on ``group``:

        None (the tools, and the process-wide registry)
            ``[pci_alias] sources`` when it is set (in a file, the
            environment, the command line or by an override).  When it is
            not, and ``[DEFAULT] config_source`` names a group that uses
            the ``nova_pci_alias`` oslo.config driver (as nova.conf does
            once Nova reads its aliases through it), the first such
            group's ``sources``, with the rules of a driver group below:
            the aliases Nova gets.  Otherwise ``[pci_alias] sources``'s
            default, ``config``.  An empty list gives an empty table.
        ``"pci_alias"`` (the alias service)
            ``[pci_alias] sources``, which must be set, and name at least
            one source: its default is for the tools reading nova.conf.
        any other group (the oslo.config driver's)
            That group's ``sources`` (default ``database``), which must
            name at least one source, and not ``config``: that source
            reads ``[pci] alias``, the option the driver answers.

        In every case a name listed twice is refused, and each name is a
        plugin of the ``nova_pci_alias.sources`` namespace, loaded in the
        order listed with ``conf`` as its argument.

        :param conf: the :class:`oslo_config.cfg.ConfigOpts` to read.
        :param group: the group whose ``sources`` option to read, as above.
        :param reporting: as for the constructor.
        :raises nova_pci_alias.exception.AliasSourcesMisconfigured: the
            list of sources cannot be used (it says why, and what to set).
        :raises nova_pci_alias.exception.AliasSourceNotFound: a name has
            no installed plugin (the error names the namespace and the
            installed sources).
        :raises nova_pci_alias.exception.AliasSourceError: a plugin failed
            to import or to start.
        """
        return cls(conf, load_sources(conf, configured_source_names(
            conf, group)), reporting=reporting)

    def _reset_threads(self):
        # ``_lock`` serialises the calls of the sources (loads, checks and
        # refreshes); ``_checks`` guards the background check's bookkeeping.
        self._lock = threading.Lock()
        self._checks = threading.Condition(threading.Lock())
        self._checker = None
        # (monotonic start, wall-clock start, monotonic time to call it
        # stuck at) of the running check, or None.
        self._check_started = None
        self._stuck_logged = False
        self._calling = None             # the source a check is waiting on

    @property
    def source_names(self) -> list[str]:
        """The names of the sources, in order of precedence."""
        return [state.name for state in self._states]

    @property
    def status(self) -> RegistryStatus:
        """A :class:`RegistryStatus` of the table and of the last check."""
        started = self._check_started
        return self._status._replace(
            check_running_since=None if started is None else started[1])

    def get_table(self) -> alias.AliasTable:
        """Return the current alias table, loading it on first use.

        Once a table is loaded this never waits for a source: a check that
        is due runs in the background, and the current table is returned.

        :raises nova_pci_alias.exception.PciInvalidAlias: the first load
            found an invalid table.
        :raises nova_pci_alias.exception.AliasSourceError: the first load
            could not read a source.
        """
        loaded = self._loaded
        if loaded is None:
            return self._first_table()
        if time.monotonic() >= self._next_check:
            self._start_check()
        return loaded.table

    def _first_table(self):
        """Load the table in the calling thread.

        Lookups that waited while another lookup's first load failed get
        that failure instead of asking the sources again.
        """
        waited_for = self._first_failure
        loaded_here: list[bool] = []
        tried = outage.attempt(self._load_first, waited_for, loaded_here)
        if loaded_here:
            # Outside the lock (the lookups that waited go on) and outside
            # any except block (a report's log line holds no traceback).
            self._report()
        if tried.error is not None:
            raise tried.error
        return tried.value

    def _load_first(self, waited_for, loaded_here):
        with self._lock:
            if self._loaded is None:
                if self._first_failure is not waited_for:
                    raise _copy_of(self._first_failure)
                loaded_here.append(True)
                try:
                    self._checked(self._reload, force=True)
                except Exception as exc:
                    self._first_failure = _copy_of(exc)
                    raise
                self._first_failure = None
            return self._loaded.table

    def refresh(self, force: bool = False) -> bool:
        """Check the sources now, in the calling thread; reload what changed.

        Unlike :meth:`get_table`, a failure is raised to the caller, and the
        last good table is kept.  A background check that runs meanwhile is
        waited for.

        :param force: read every source again, changed or not.
        :returns: True when a new table was swapped in.
        """
        tried = outage.attempt(self._refresh_locked, force)
        self._report()
        if tried.error is not None:
            raise tried.error
        return tried.value

    def _refresh_locked(self, force):
        with self._lock:
            return self._checked(self._reload, force=force)

    def check(self) -> alias.AliasTable:
        """Check the sources now, in the calling thread, as a background check.

        For a caller that runs its own schedule of checks (the oslo.config
        driver's live refresh): as :meth:`refresh`, but a failure is not
        raised: the last good table is kept and the failure logged once
        per outage, as a background check does.  Before a first table has
        loaded this is the first load, whose error is raised.

        :returns: the table served after the check.
        """
        if self._loaded is None:
            return self._first_table()
        with self._lock:
            self._check_keeping_last_good()
        self._report()
        return self._loaded.table

    def keep_checking(self) -> None:
        """Check the sources on schedule, whether or not lookups come.

        For a process that serves the table to others (the alias service):
        without it, a check starts at the first lookup after it is due, and
        that lookup still gets the table it had, so a change reaches the
        next reader up to two intervals late.  A daemon thread of this
        process (started again in a forked child, uWSGI's workers
        included) starts each background check as soon as it is due; the
        checks themselves are the same.  The thread ends when the registry
        is no longer used.  Call it once the first table has loaded.
        """
        if self._keep_checking:
            return
        self._keep_checking = True
        forks.hook_uwsgi()
        self._start_ticker()

    def stop_checking(self) -> None:
        """Stop the checks that :meth:`keep_checking` started."""
        self._keep_checking = False
        self._ticker = None

    @property
    def checking(self) -> bool:
        """Whether this process checks on schedule now (its thread runs)."""
        ticker = self._ticker
        return (self._keep_checking and ticker is not None
                and ticker.is_alive())

    def check_soon(self) -> None:
        """Start a background check now, due or not (unless one runs)."""
        if self._loaded is None:
            return
        self._next_check = 0.0
        self._start_check()

    def on_check(self, listener: typing.Callable[[alias.AliasTable], None]
                 ) -> None:
        """Call ``listener(table)`` after each background check.

        In the check's thread, once the sources have heard of it, with the
        table served after the check (the same object when nothing
        changed).  No other check starts until the listener returns.  A
        listener that raises is logged, and called again after the next
        check.
        """
        self._listeners.append(listener)

    def _start_ticker(self):
        ticker = threading.Thread(target=_tick, args=(weakref.ref(self),),
                                  daemon=True, name='nova-pci-alias-ticker')
        self._ticker = ticker
        ticker.start()

    def _seconds_to_next_check(self):
        return self._next_check - time.monotonic()

    def wait_for_check(self, timeout: float | None = None) -> bool:
        """Wait until no background check runs.

        :param timeout: seconds to wait at most; None waits as long as the
            check takes.
        :returns: True when no check runs any more, False on timeout.
        """
        with self._checks:
            return self._checks.wait_for(lambda: self._checker is None,
                                         timeout)

    def _start_check(self):
        if self._checker is not None:
            # A check runs: most readers get here while a source hangs, and
            # go without taking the lock.
            self._log_if_stuck()
            return
        with self._checks:
            if self._checker is not None:
                return
            if time.monotonic() < self._next_check:
                return      # another reader's check ran meanwhile
            checker = threading.Thread(
                target=self._check_in_background, daemon=True,
                name='nova-pci-alias-check')
            self._checker = checker
            now = time.monotonic()
            stuck_after = max(_STUCK_AFTER_MIN, _STUCK_AFTER_INTERVALS
                              * self.conf.pci_alias.refresh_interval)
            self._check_started = (now, time.time(), now + stuck_after)
            self._stuck_logged = False
            # RuntimeError: no thread left, or the interpreter is exiting.
            started = outage.attempt(checker.start, errors=RuntimeError)
            if started.error is not None:
                self._checker = self._check_started = None
                self._next_check = (time.monotonic()
                                    + self.conf.pci_alias.refresh_interval)
        if started.error is not None:
            self._refreshing.failed(
                'could not start a check: %s' % started.error,
                count=len(self._loaded.table))

    def _log_if_stuck(self):
        started = self._check_started
        if self._stuck_logged or started is None:
            return
        now = time.monotonic()
        if now < started[2]:
            return
        running = now - started[0]
        with self._checks:
            if self._stuck_logged or self._check_started is not started:
                return
            self._stuck_logged = True
        LOG.warning('The check of the PCI alias sources has been running '
                    'for %(seconds)d seconds, waiting for source '
                    '%(source)r; the table of %(count)d aliases loaded '
                    'before is served meanwhile, and no other check starts '
                    'until this one ends.',
                    {'seconds': running, 'source': self._calling,
                     'count': len(self._loaded.table)})

    def _check_in_background(self):
        try:
            with self._lock:
                self._check_keeping_last_good()
            self._report()
            self._tell_listeners()
        finally:
            with self._checks:
                self._checker = self._check_started = None
                self._checks.notify_all()

    def _tell_listeners(self):
        table = self._loaded.table
        for listener in list(self._listeners):
            tried = outage.attempt(listener, table)
            if tried.error is not None:
                LOG.error('A listener of the PCI alias table failed after a '
                          'check: %s', tried.error)

    def _check_keeping_last_good(self):
        tried = outage.attempt(self._checked, self._reload)
        if tried.error is not None:
            self._next_check = (time.monotonic()
                                + self.conf.pci_alias.refresh_interval)
            self._refreshing.failed(tried.error,
                                    count=len(self._loaded.table))
        else:
            self._refreshing.succeeded(count=len(self._loaded.table))

    def _checked(self, load, **kwargs):
        """Run a load, recording how it went in :attr:`status`."""
        try:
            changed = load(**kwargs)
        except Exception as exc:
            self._status = self._status._replace(
                last_check_at=time.time(), last_error=str(exc))
            raise
        now = time.time()
        self._status = self._status._replace(
            loaded=True, last_check_at=now, last_success_at=now,
            last_error=None,
            loaded_at=now if changed else self._status.loaded_at)
        return changed

    def _call(self, state, what):
        self._calling = state.name
        try:
            return _call_source(state, what)
        finally:
            self._calling = None

    def _reload(self, force=False):
        loaded = self._loaded
        tokens = [self._call(state, 'change_token')
                  for state in self._states]
        if loaded is None:
            old_tokens = old_entries = [None] * len(self._states)
            force = True
        else:
            old_tokens, old_entries = loaded.tokens, loaded.entries
        changed = [force or token is None or token != old
                   for token, old in zip(tokens, old_tokens)]
        if loaded is not None and not any(changed):
            self._next_check = (time.monotonic()
                                + self.conf.pci_alias.refresh_interval)
            return False
        fresh = [list(self._call(state, 'entries')) if change else old
                 for state, change, old in zip(self._states, changed,
                                               old_entries)]
        table = self._build(fresh)
        self._loaded = _Loaded(table, tokens, fresh)
        self._next_check = (time.monotonic()
                            + self.conf.pci_alias.refresh_interval)
        if loaded is not None and len(loaded.table) and not len(table):
            self._warn_emptied(loaded.table)
        for state, change in zip(self._states, changed):
            if change:
                self._tell_accepted(state)
        return True

    def _warn_emptied(self, previous):
        LOG.warning('The PCI alias table went from %(aliases)d aliases '
                    '(%(entries)d entries) to none: the sources %(sources)s '
                    'now define no alias. Nova finds no alias of a flavor '
                    'from now on.',
                    {'aliases': len(previous),
                     'entries': len(previous.entries),
                     'sources': ', '.join(_where(state)
                                          for state in self._states)
                     or '(none)'})

    def _report(self):
        """Tell every source how the check that just ended went.

        Called outside ``_lock``: a source's report (a database write) never
        holds up a load or a check.  A failure is logged once per outage.
        """
        if not self._reporting:
            return
        status = self.status
        loaded = self._loaded
        for index, state in enumerate(self._states):
            token = None if loaded is None else loaded.tokens[index]
            tried = outage.attempt(state.source.report, status, token)
            if tried.error is not None:
                state.reporting.failed(tried.error, source=state.name)
            else:
                state.reporting.succeeded(source=state.name)

    @staticmethod
    def _tell_accepted(state):
        tried = outage.attempt(state.source.entries_accepted)
        if tried.error is not None:
            state.accepting.failed(tried.error, source=state.name)
        else:
            state.accepting.succeeded(source=state.name)

    def _build(self, per_source_entries):
        merged = []
        origins = []
        owners = {}
        single = len(self._states) == 1
        for state, entries in zip(self._states, per_source_entries):
            if single:
                # Nothing to shadow: parse_aliases decodes each entry.
                merged = list(entries)
                origins = [(state, index) for index in range(len(merged))]
                break
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
            located = exception.PciInvalidAlias(
                '%s [alias source %s, entry %d]' % (exc, _where(state),
                                                    index + 1))
            located.position = exc.position
            raise located from None


def _copy_of(failure):
    """A new exception like ``failure``, without its traceback.

    Raised in a thread that did not make the call that failed: one
    exception raised in several threads would mix their tracebacks.
    """
    try:
        again = copy.copy(failure)
    except Exception:
        return failure      # an error class that cannot be copied
    again.__cause__ = failure.__cause__
    again.__suppress_context__ = failure.__suppress_context__
    return again


#: The longest and shortest sleep of a registry's ticker, in seconds.
_TICK_MAX = 1.0
_TICK_MIN = 0.05


def _tick(registry_ref):
    """Start each due check of a registry, until it is garbage."""
    while True:
        reg = registry_ref()
        if reg is None or reg._ticker is not threading.current_thread():
            return
        wait = reg._seconds_to_next_check()
        if wait <= 0 and reg._loaded is not None:
            reg._start_check()
            wait = _TICK_MAX    # at most one check a second, interval 0 too
        del reg
        time.sleep(min(_TICK_MAX, max(_TICK_MIN, wait)))


@forks.in_child_after_fork
def _after_fork_in_child():
    # The check thread of the parent does not exist here, and a lock it held
    # at the fork would stay held for ever: start afresh.  The loaded table
    # is kept; a check that was running in the parent is due at once.
    for reg in list(_REGISTRIES):
        reg._reset_threads()
        if reg._keep_checking:
            reg._start_ticker()


_REGISTRY = None
_REGISTRY_LOCK = threading.Lock()


def get_registry(conf: cfg.ConfigOpts | None = None) -> AliasRegistry:
    """Return the process-wide registry, built on first use.

    :param conf: the configuration to build it from, with
        :meth:`AliasRegistry.from_config`; the global
        :data:`oslo_config.cfg.CONF` when None.  Ignored once built.
    """
    global _REGISTRY
    registry = _REGISTRY
    if registry is None:
        with _REGISTRY_LOCK:
            if _REGISTRY is None:
                _REGISTRY = AliasRegistry.from_config(
                    cfg.CONF if conf is None else conf)
            registry = _REGISTRY
    return registry


def reset_registry() -> None:
    """Forget the process-wide registry; the next use builds a new one."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        _REGISTRY = None
