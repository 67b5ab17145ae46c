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

"""Pluggable, validated PCI alias definitions for OpenStack Nova.

The stable core needs no configuration at all::

    import nova_pci_alias
    from nova_pci_alias import request

    table = nova_pci_alias.parse_aliases(
        ['{"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}'])
    request.translate_alias_to_requests('gpu:2', aliases=table)

Everything else (the alias sources, the registry that merges them, the
command-line tools) is built on :func:`parse_aliases` and
:mod:`nova_pci_alias.request`; :mod:`nova_pci_alias.placement` turns
requests into Placement request groups for PCI in Placement.
"""

from nova_pci_alias.alias import parse_aliases

__all__ = ['parse_aliases']
