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

"""Nova's global configuration, parsed from a ``nova.conf`` of a test.

What the functional tests share: the ``nova.conf`` lines that enable the
``nova_pci_alias`` driver, the ``nova-pci-alias-manage`` command beside
the interpreter, and the reset of Nova's configuration between parses.
"""

import os
import sys

import nova.conf

CONF = nova.conf.CONF
MANAGE = os.path.join(os.path.dirname(sys.executable),
                      'nova-pci-alias-manage')

DRIVER_LINES = """\
[DEFAULT]
config_source = pci_alias_driver

[pci_alias_driver]
driver = nova_pci_alias
sources = %(sources)s
"""


def forget_configuration_sources():
    """Drop the oslo.config sources of the last parse of Nova's CONF.

    A service parses its configuration once.  These tests parse it again
    for each test, and ``ConfigOpts.clear()`` keeps both the sources opened
    by earlier parses and the values cached from them.
    """
    CONF._sources.clear()
    CONF._ConfigOpts__drivers_cache.clear()
