"""Unit tests: no server, no network, no installed Nova."""
