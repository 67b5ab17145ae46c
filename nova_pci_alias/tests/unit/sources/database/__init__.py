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

"""Tests of the database alias source and its tool.

Tests that need a database run on SQLite always, and on MySQL/MariaDB and
PostgreSQL when oslo.db's test fixtures can reach them with the
``openstack_citest`` credentials (``tools/test-setup.sh`` creates them);
otherwise those variants are skipped.  ``OS_TEST_DBAPI_ADMIN_CONNECTION``
chooses other servers, as for any OpenStack project.
"""

from oslo_db.sqlalchemy import test_fixtures

load_tests = test_fixtures.optimize_package_test_loader(__file__)
