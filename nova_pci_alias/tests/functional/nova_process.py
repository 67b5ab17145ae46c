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

"""A process that runs as a Nova service does, and prints Nova's aliases.

    python -m nova_pci_alias.tests.functional.nova_process \\
        eventlet|threading NOVA_CONF

It starts the way ``nova-compute`` starts: Nova's own ``monkey_patch``
module chooses the backend (eventlet patches the whole process), Nova's
configuration is parsed from ``NOVA_CONF`` (which enables the driver),
Nova's ``get_alias_from_config()`` validates the aliases, and oslo.service
launches a service with Nova's ``restart_method='mutate'``, so that
``SIGHUP`` reloads the configuration as it does in Nova.  The service
prints Nova's alias names, sorted and comma-separated after
``Nova aliases:``, on one line each time they change (the first line at
start-up).
"""

import os
import sys

from nova import monkey_patch

if __name__ == '__main__':
    os.environ['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = (
        '0' if sys.argv[1] == 'eventlet' else '1')
    monkey_patch.patch(backend=sys.argv[1])

import nova.conf  # noqa: E402
from nova.pci import request  # noqa: E402
from oslo_log import log as logging  # noqa: E402
from oslo_service import service  # noqa: E402

CONF = nova.conf.CONF

#: How a line of Nova's alias names begins.
PREFIX = 'Nova aliases: '

#: Seconds between two looks at Nova's aliases.
POLL = 0.05


class AliasPrinter(service.Service):
    """Prints Nova's alias names whenever they change."""

    def __init__(self):
        super().__init__()
        self.last = None

    def start(self):
        super().start()
        self.tg.add_timer(POLL, self.look)

    def look(self):
        names = ','.join(sorted(request.get_alias_from_config()))
        if names != self.last:
            self.last = names
            print(PREFIX + names, flush=True)


def main():
    sys.argv[0] = 'nova-compute'
    logging.register_options(CONF)
    CONF(['--config-file', sys.argv[2]], project='nova',
         default_config_files=[], default_config_dirs=[])
    logging.setup(CONF, 'nova')
    request.get_alias_from_config()
    launcher = service.launch(CONF, AliasPrinter(), workers=1,
                              restart_method='mutate', no_fork=True)
    launcher.wait()


if __name__ == '__main__':
    main()
