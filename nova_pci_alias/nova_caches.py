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

"""The two caches that keep ``[pci] alias`` in a Nova process.

Everything the driver's live refresh (:mod:`nova_pci_alias.live_refresh`)
needs from Nova and from oslo.config is here, so that a change in either
touches one module:

oslo.config's caches of option values
    A :class:`~oslo_config.cfg.ConfigOpts` asks a source driver for an
    option once per process: besides the cache of values that many of its
    calls drop, it keeps what each driver answered in a second cache that
    only ``reload_config_files()`` drops (oslo.config 10.7), and that call
    would also re-read every option of every file, including those that
    must not change while a service runs.  So the driver answers the first
    table, and each later one is given to oslo.config with
    :meth:`~oslo_config.cfg.ConfigOpts.set_override` (public, and ahead of
    every other place a value comes from).  That is done only while the
    value Nova reads is the driver's or an override of ours: a value set in
    the files, the environment or the command line hides the driver
    anyway, and another override belongs to someone else.
Nova's parsed aliases
    ``nova.pci.request.get_alias_from_config`` is wrapped in
    :func:`functools.cache` (nova 34.0.0), so Nova parses ``[pci] alias``
    once per process.  Its ``cache_clear()`` (functools' public method,
    which Nova's own test base calls after changing ``[pci] alias``) drops
    it; calling the function again parses the new value, which also checks
    that Nova accepts it before any request needs it.

:func:`unsupported_reason` says, once at start-up, whether the running
Nova and oslo.config offer what this needs; the driver then logs one
WARNING and behaves as without live refresh.  A Nova whose function is no
longer cached needs only the override; one that caches its aliases
somewhere this module does not know is found out at the first change
(Nova's alias names do not follow), logged, and live refresh stops.  This
package never imports Nova: "inside Nova" means that Nova's
``nova.exception`` module is already imported, and Nova's aliases are
looked for in ``nova.pci.request`` then; a Nova process without that module
is unsupported.
"""

import sys

from oslo_config import cfg

from nova_pci_alias import nova_compat

#: The option the driver answers, as ``(group, name)``.
ALIAS_OPTION = ('pci', 'alias')

#: The module and function of Nova that parse and cache ``[pci] alias``.
NOVA_MODULE = 'nova.pci.request'
NOVA_FUNCTION = 'get_alias_from_config'


def nova_alias_function():
    """Return Nova's cached alias parser, or None outside Nova."""
    module = sys.modules.get(NOVA_MODULE)
    if module is None:
        return None
    return getattr(module, NOVA_FUNCTION, None)


def unsupported_reason(conf):
    """Why live refresh cannot work in this process, or None when it can.

    :param conf: the :class:`~oslo_config.cfg.ConfigOpts` the driver's
        source serves.
    """
    if not callable(getattr(conf, 'set_override', None)):
        return ('this oslo.config has no ConfigOpts.set_override(), with '
                'which live refresh gives Nova a new [pci] alias')
    module = sys.modules.get(NOVA_MODULE)
    if module is None:
        if nova_compat.nova_exception_module() is not None:
            # Inside Nova (its exceptions are loaded), yet not the module
            # that nova 34 parses its aliases in.
            return ('this Nova has no %s module, in which live refresh '
                    'drops the cache of %s()' % (NOVA_MODULE, NOVA_FUNCTION))
        return None
    function = getattr(module, NOVA_FUNCTION, None)
    if not callable(function):
        return ('this Nova has no %s.%s(), whose cache live refresh drops'
                % (NOVA_MODULE, NOVA_FUNCTION))
    if (hasattr(function, '__wrapped__')
            and not callable(getattr(function, 'cache_clear', None))):
        return ('%s.%s() of this Nova is wrapped in a cache without '
                'cache_clear()' % (NOVA_MODULE, NOVA_FUNCTION))
    return None


def alias_location(conf):
    """Where ``[pci] alias`` of ``conf`` comes from now, or None."""
    group, name = ALIAS_OPTION
    try:
        return conf.get_location(name, group)
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        return None


def option_value(conf):
    """``[pci] alias`` as ``conf`` answers it now."""
    group, name = ALIAS_OPTION
    return conf[group][name]


def set_option_value(conf, values):
    """Make ``[pci] alias`` of ``conf`` answer ``values`` from now on."""
    group, name = ALIAS_OPTION
    conf.set_override(name, values, group=group)


def drop_nova_cache():
    """Drop Nova's parsed aliases, if this is Nova and they are cached."""
    cache_clear = getattr(nova_alias_function(), 'cache_clear', None)
    if cache_clear is not None:
        cache_clear()


def nova_alias_names():
    """The alias names Nova holds, parsing them if its cache was dropped.

    :returns: a set of names, or None outside Nova.
    :raises Exception: whatever Nova raises for aliases it refuses.
    """
    function = nova_alias_function()
    if function is None:
        return None
    return set(function())
