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


"""The actor and the times of the change history."""

import datetime

from oslotest import base

from nova_pci_alias.sources.database import history


class TestIsoTime(base.BaseTestCase):

    def test_naive_datetime_is_utc(self):
        self.assertEqual('2026-12-01T14:20:00Z', history.isotime(
            datetime.datetime(2026, 12, 1, 14, 20, 0, 123)))

    def test_aware_datetime_is_converted(self):
        zone = datetime.timezone(datetime.timedelta(hours=1))
        self.assertEqual('2026-12-01T14:20:00Z', history.isotime(
            datetime.datetime(2026, 12, 1, 15, 20, tzinfo=zone)))

    def test_no_time_stays_none(self):
        self.assertIsNone(history.isotime(None))
