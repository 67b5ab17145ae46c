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

"""Unit tests: no installed Nova; the servers they need run on 127.0.0.1.

The tree mirrors the package: ``tests/unit/X/test_Y.py`` tests
``nova_pci_alias/X/Y.py``.  A test of several modules together sits at
the level of their common parent (``test_registry_database_and_remote.py``:
the registry over two plugins; ``test_properties.py``: ``alias`` and
``request``; ``test_secrets.py``: the options of every plugin).  Helpers
that tests share are modules without the ``test_`` prefix (``fakes.py``,
``httpserver.py`` tested by ``test_httpserver.py``, a package's
``base.py``); no test module imports another.
"""
