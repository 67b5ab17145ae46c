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

"""The alias service under uWSGI, with the documented command.

uWSGI embeds Python and looks the callable up in the module's dictionary,
so a lazily built ``application`` (a module ``__getattr__``) is never
found there and every request gets 500. These tests run the command of
``doc/source/admin/service.rst`` on a free port of 127.0.0.1. uWSGI builds
from source when pip installs it; ``tox -e nova`` has it, and the tests
skip where its binary is not beside the interpreter.
"""

import os
import sys

from oslotest import base

from nova_pci_alias.tests.unit.wsgi import servers

UWSGI = os.path.join(os.path.dirname(sys.executable), 'uwsgi')


class TestUWSGI(servers.ServerCommandTests, base.BaseTestCase):

    SERVER = UWSGI
    #: As documented, with the port of the test.
    ARGV = ['--http-socket', '127.0.0.1:{port}', '--master', '--processes',
            '2', '--threads', '4', '--lazy-apps', '--need-app',
            '--die-on-term', '--module', servers.ENTRY_POINT]

    def setUp(self):
        super().setUp()
        if not os.path.exists(UWSGI):
            self.skipTest('uWSGI is not installed beside %s (pip install '
                          'uWSGI; tox -e nova has it)' % sys.executable)
