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

"""A WSGI application that loads as Nova's API does, for uWSGI.

    uwsgi --wsgi-file nova_api_app.py ...   (NOVA_CONF in the environment)

At load, like ``nova.api.openstack.wsgi_app``: Nova's configuration is
parsed from the file named by ``NOVA_CONF`` (which enables the driver) and
Nova's ``get_alias_from_config()`` validates the aliases.  Each request
answers ``PID NAMES``: the worker's process id and Nova's alias names,
sorted and comma-separated, as that worker's Nova holds them now.
"""

import os

import nova.conf
from nova.pci import request
from oslo_log import log as logging

CONF = nova.conf.CONF

logging.register_options(CONF)
CONF(['--config-file', os.environ['NOVA_CONF']], project='nova',
     default_config_files=[], default_config_dirs=[])
logging.setup(CONF, 'nova')
request.get_alias_from_config()


def application(environ, start_response):
    body = '%d %s' % (os.getpid(),
                      ','.join(sorted(request.get_alias_from_config())))
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [body.encode()]
