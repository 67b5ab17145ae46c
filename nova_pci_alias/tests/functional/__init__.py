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

"""Functional tests against nova 34.0.0 (``tox -e nova``).

Importing ``nova.tests.functional`` makes Nova choose, for the whole
process, between eventlet and native threads; ``tox -e nova`` asks for
native threads (``OS_NOVA_DISABLE_EVENTLET_PATCHING``), which Nova refuses
once anything has imported eventlet.  So it is imported here, before any
test module imports the rest of Nova.  ``tox -e keystone`` runs the tests
of ``keystone/`` only, with no Nova installed: nothing is imported then.
"""

try:
    import nova.tests.functional  # noqa: F401
except ModuleNotFoundError as exc:
    if exc.name != 'nova':
        raise
