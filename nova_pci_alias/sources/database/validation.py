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

"""Validation of a whole alias table before it is written to the database.

Pure: no I/O.  The database must never hold a table that would fail to
load, so every write validates the whole resulting table with
:func:`nova_pci_alias.parse_aliases`, the one schema of every source.  For
an import, where an operator wants to fix every mistake in one go, each entry
is also checked on its own first, so that all the invalid entries are
reported, not only the first.
"""

from nova_pci_alias import alias
from nova_pci_alias import exception


def find_errors(entries, *, pci_in_placement=False):
    """Return every error of an alias list, entry by entry.

    :param entries: alias entries (mappings or JSON text), in order.
    :param pci_in_placement: apply the rules of PCI in Placement.
    :returns: a list of ``(position, PciInvalidAlias)``: one pair per entry
        that is invalid on its own (position from 0); when there is none,
        the first error of the list as a whole (an entry that conflicts
        with an earlier one, or a whole-table rule, position None), if any.
    """
    errors = []
    for position, entry in enumerate(entries):
        try:
            alias.parse_aliases([entry], pci_in_placement=pci_in_placement)
        except exception.PciInvalidAlias as exc:
            errors.append((position, exc))
    if errors:
        return errors
    try:
        alias.parse_aliases(entries, pci_in_placement=pci_in_placement)
    except exception.PciInvalidAlias as exc:
        return [(exc.position, exc)]
    return []


def validated_table(entries, origin, *, pci_in_placement=False):
    """Return the alias table of ``entries``, or report every error.

    :param entries: alias entries (mappings or JSON text), in order.
    :param origin: what the entries are, for the message (a file name, say).
    :param pci_in_placement: apply the rules of PCI in Placement.
    :returns: the :class:`~nova_pci_alias.alias.AliasTable`; its
        ``entries`` are the normalised entries to store.
    :raises nova_pci_alias.exception.PciInvalidAliasEntries: naming every
        invalid entry with its position.
    """
    entries = list(entries)
    try:
        # The usual case, a valid list, costs one parse; only an invalid
        # one is looked at entry by entry, to report every mistake.
        return alias.parse_aliases(entries,
                                   pci_in_placement=pci_in_placement)
    except exception.PciInvalidAlias:
        pass
    errors = find_errors(entries, pci_in_placement=pci_in_placement)
    raise exception.PciInvalidAliasEntries(errors=errors, origin=origin)
