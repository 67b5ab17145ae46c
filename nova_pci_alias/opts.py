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

"""The options of nova_pci_alias, and ``list_opts()`` for the generator.

Options of the registry live here, in ``[pci_alias]``; the alias service's
in :mod:`nova_pci_alias.api.options`; each alias source
declares its own group's options through
:meth:`nova_pci_alias.sources.AliasSource.list_opts`, which
:func:`list_opts` collects from every installed source.
"""

import copy

from oslo_config import cfg
import stevedore

from nova_pci_alias.api import options as api_options
from nova_pci_alias import sources

GROUP = 'pci_alias'


def _alias_group():
    # A new OptGroup for each ConfigOpts: oslo.config keeps a group's option
    # overrides on the OptGroup object it was given, so one shared object
    # would leak set_override() from one configuration into every other.
    return cfg.OptGroup(
        GROUP,
        title='PCI alias sources',
        help='Where PCI alias definitions come from, and how often they are '
             'checked for changes.')


registry_opts = [
    cfg.ListOpt(
        'sources',
        default=['config'],
        help='The alias sources to read, in order of precedence: when two '
             'sources define the same alias name, the first one listed '
             'owns it and the other definition is ignored (and logged). '
             'Each name is a plugin in the "nova_pci_alias.sources" '
             'namespace; this package ships "config", "database" and '
             '"remote".'),
    cfg.IntOpt(
        'refresh_interval',
        default=60,
        min=0,
        help='Seconds between checks of the sources for changes. A source '
             'is read again only when its change token differs; a source '
             'that offers no token is read again at each check. 0 checks '
             'on every lookup. A failed check keeps the last good table.'),
    cfg.BoolOpt(
        'pci_in_placement',
        default=False,
        help='Validate aliases with the rules of PCI in Placement: one '
             'spec per alias, and a resource_class may stand in for '
             'vendor_id and product_id. Set it to the value of Nova\'s '
             '[filter_scheduler] pci_in_placement.'),
]


def register_opts(conf):
    """Register the registry's options on ``conf``."""
    conf.register_group(_alias_group())
    conf.register_opts(registry_opts, group=GROUP)


def list_opts():
    """Return every option of this package and its installed sources.

    The ``oslo.config.opts`` entry point, for ``oslo-config-generator``.
    """
    result = [(_alias_group(), copy.deepcopy(registry_opts))]
    result.extend(api_options.list_opts())
    manager = stevedore.ExtensionManager(sources.NAMESPACE)
    for name in sorted(manager.names()):
        result.extend(manager[name].plugin.list_opts())
    return result
