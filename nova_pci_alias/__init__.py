"""Pluggable, validated PCI alias definitions for OpenStack Nova.

The stable core needs no configuration at all::

    import nova_pci_alias
    from nova_pci_alias import request

    table = nova_pci_alias.parse_aliases(
        ['{"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}'])
    request.translate_alias_to_requests('gpu:2', aliases=table)

Everything else (the alias sources, the registry that merges them, the
command-line tools) is built on :func:`parse_aliases` and
:mod:`nova_pci_alias.request`.
"""

from nova_pci_alias.alias import parse_aliases

__all__ = ['parse_aliases']
