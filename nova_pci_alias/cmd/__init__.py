"""Console scripts of nova_pci_alias: thin layers over the library."""
