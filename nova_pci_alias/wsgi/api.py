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

"""The alias service, as the WSGI application ``application``.

::

    uwsgi --http-socket 127.0.0.1:8790 --need-app --lazy-apps \\
        --module nova_pci_alias.wsgi.api:application
    gunicorn --bind 127.0.0.1:8790 nova_pci_alias.wsgi.api:application

Importing this module reads the configuration (the files named in
``NOVA_PCI_ALIAS_CONFIG_FILES``, else ``nova.conf`` from the usual places),
sets up logging and builds the application, loading the alias table: see
:func:`nova_pci_alias.service.wsgi.init_application`. An import that fails
(``[pci_alias] sources`` not set, a source not installed) leaves the server
with no application, which uWSGI's ``--need-app`` and gunicorn turn into a
refusal to start. Each worker process should import it itself (uWSGI's
``--lazy-apps``, gunicorn without ``--preload``), so that no connection to
a source is shared across a fork. What the start-up built is then left
out of the garbage collector's full scans (:func:`~nova_pci_alias.service.
wsgi.settle`).
"""

from nova_pci_alias.service import wsgi

#: The WSGI application of the alias service.
application = wsgi.init_application()
wsgi.settle()
