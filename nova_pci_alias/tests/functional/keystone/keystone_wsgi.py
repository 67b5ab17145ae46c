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

"""Keystone's WSGI application, for a WSGI server such as gunicorn.

Keystone reads its configuration with oslo.config, which parses the
process's command line: under gunicorn that is gunicorn's own arguments,
which Keystone refuses.  This module empties the command line before it
imports Keystone's application; the configuration files come from
``OS_KEYSTONE_CONFIG_FILES``.
"""

import sys

sys.argv = sys.argv[:1]

from keystone.wsgi import api  # noqa: E402

#: Keystone's public (and only) WSGI application.
application = api.application
