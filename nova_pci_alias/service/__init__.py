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

"""The alias service: the alias table of this configuration, over HTTP.

``nova-pci-alias-api`` publishes the table that the sources listed in
``[pci_alias] sources`` produce (a database, a configuration file, a
third-party source) as an alias document at ``GET /v1/aliases``, so that
many Nova nodes can read one catalogue with the ``remote`` source.

* :mod:`nova_pci_alias.service.options` -- the ``[pci_alias_api]`` options;
* :mod:`nova_pci_alias.service.app` -- the WSGI application and its
  middleware;
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
