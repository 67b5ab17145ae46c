"""Tests of nova_pci_alias."""
