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

"""The ``config`` alias source: ``[pci] alias`` in the configuration files.

Reads the option exactly as Nova does: a multi-valued string option, one
JSON object per value, also accepted under its deprecated name
``[DEFAULT] pci_alias``::

    [pci]
    alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
    alias = {"name": "nic", "vendor_id": "8086", "product_id": "154d",
             "device_type": "type-PF"}

Inside a Nova process the option is already registered by Nova; the source
then reads Nova's option rather than registering its own.  The line form of
an entry (its ``$`` doubled) is written by
:func:`nova_pci_alias.document.option_value`.
"""

from oslo_config import cfg

from nova_pci_alias import sources

GROUP = 'pci'

alias_opt = cfg.MultiStrOpt(
    'alias',
    default=[],
    deprecated_name='pci_alias',
    deprecated_group='DEFAULT',
    help="""\
A PCI alias: a JSON object naming a kind of PCI device that a flavor can ask
for with its ``pci_passthrough:alias`` extra spec. Give the option once per
entry. Entries that share a name are alternatives of one alias. Keys:

* ``name`` (required): the alias name, without ``:`` or ``,``.
* ``vendor_id``, ``product_id``: four hex digits each.
* ``device_type``: ``type-PCI``, ``type-PF`` or ``type-VF``.
* ``numa_policy``: ``required``, ``legacy`` (the default), ``preferred`` or
  ``socket``.
* ``capability_type``: ``pci``.
* ``resource_class``, ``traits``: for PCI in Placement.
* ``live_migratable``: ``yes`` or ``no``.

Example::

  alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}

This option is read by the ``config`` alias source, which is used when
``[pci_alias] sources`` names it.""")


class ConfigSource(sources.AliasSource):
    """Alias entries from the ``[pci] alias`` option."""

    def __init__(self, conf):
        super().__init__(conf)
        try:
            conf.register_opt(alias_opt, group=GROUP)
        except cfg.DuplicateOptError:
            # Nova (or another library) registered its own ``[pci] alias``;
            # it is the same option, so read that one.
            pass

    def entries(self):
        return list(self.conf[GROUP].alias)

    def location(self):
        files = getattr(self.conf, 'config_file', None)
        return ', '.join(files) if files else None

    def change_token(self):
        # Values can change when the configuration files are reloaded.
        return tuple(self.conf[GROUP].alias)

    @classmethod
    def list_opts(cls):
        return [(GROUP, [alias_opt])]
