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

"""The ``remote`` alias source: an alias document fetched over HTTP(S).

A compute node reads its aliases from the alias service (or any web server
holding an alias document) instead of the database, so it needs no database
credentials::

    [pci_alias]
    sources = remote

    [pci_alias_remote]
    url = https://aliases.example.com/v1/aliases
    cache_file = /var/lib/nova/pci-aliases.json

The modules, from the entry point down:

* :mod:`~nova_pci_alias.sources.remote.source` -- :class:`RemoteSource`,
  the plugin: change tokens, the last good document, outages;
* :mod:`~nova_pci_alias.sources.remote.http` -- one conditional ``GET``
  through a keystoneauth1 session, with a size limit;
* :mod:`~nova_pci_alias.sources.remote.deadline` -- the overall deadline
  that bounds a download, however slowly the server answers;
* :mod:`~nova_pci_alias.sources.remote.cache` -- the cache file that lets
  a restart during an outage start from the last good document;
* :mod:`~nova_pci_alias.sources.remote.options` -- the
  ``[pci_alias_remote]`` options.
"""
