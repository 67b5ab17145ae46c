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

"""The alias service: the OpenStack API of the cloud's PCI aliases.

``nova-pci-alias-api`` publishes the table that the sources listed in
``[pci_alias] sources`` produce (a database, a configuration file, a
third-party source) as an alias document at ``GET /v1/aliases``, so that
many Nova nodes can read one catalogue with the ``remote`` source; with the
``database`` source, admins also change the aliases through it and read
their history. Keystone tokens are checked by keystonemiddleware, requests
authorised by oslo.policy.

* :mod:`nova_pci_alias.service.app` -- the WSGI application: resources and
  middleware put together;
* :mod:`nova_pci_alias.service.router` -- dispatch by path and method
  (routes);
* :mod:`nova_pci_alias.service.auth` -- auth_token or noauth, and the
  request context of an authenticated request;
* :mod:`nova_pci_alias.service.policy` and
  :mod:`nova_pci_alias.service.policies` -- the enforcer and the rules in
  code;
* :mod:`nova_pci_alias.service.version` -- the version document at ``/``;
* :mod:`nova_pci_alias.service.aliases` -- ``/v1/aliases`` and
  ``/v1/aliases/{name}``;
* :mod:`nova_pci_alias.service.history` -- ``/v1/history``;
* :mod:`nova_pci_alias.service.writes` -- writes to the alias database;
* :mod:`nova_pci_alias.service.body` -- reading a JSON request body;
* :mod:`nova_pci_alias.service.options` -- the ``[pci_alias_api]`` options;
* :mod:`nova_pci_alias.service.errors` -- its JSON errors (API-SIG form);
* :mod:`nova_pci_alias.service.context` -- the request context that puts the
  request id on log lines;
* :mod:`nova_pci_alias.service.health` -- the ``pci_alias_table`` backend of
  oslo.middleware's healthcheck;
* :mod:`nova_pci_alias.service.wsgi` -- the application factory;
* :mod:`nova_pci_alias.wsgi.api` -- the module-level ``application`` that
  uWSGI, gunicorn and mod_wsgi load;
* :mod:`nova_pci_alias.cmd.service` -- a single-process development server.
"""
