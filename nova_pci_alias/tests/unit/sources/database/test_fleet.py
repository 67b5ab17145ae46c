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

"""Which processes of the fleet view are behind, since when, or silent."""

import datetime

from oslotest import base

from nova_pci_alias.sources.database import fleet

NOW = datetime.datetime(2026, 12, 1, 15, 0, 0)


def minutes_ago(minutes):
    return NOW - datetime.timedelta(minutes=minutes)


#: Changes 3, 4 and 5, made 30, 20 and 10 minutes ago; newest first.
HISTORY = [{'revision': revision, 'created_at': minutes_ago(minutes)}
           for revision, minutes in ((5, 10), (4, 20), (3, 30))]


def consumer(revision, reported_minutes_ago=0):
    return {'revision': revision,
            'reported_at': minutes_ago(reported_minutes_ago)}


def judged(*consumers, behind_after=600, silent_after=600, history=HISTORY):
    return fleet.judge(consumers, 5, history, now=NOW,
                       behind_after=behind_after, silent_after=silent_after)


class TestJudge(base.BaseTestCase):

    def test_the_current_revision_is_not_behind(self):
        self.assertFalse(judged(consumer(5))[0].behind)

    def test_an_older_revision_is_behind(self):
        self.assertTrue(judged(consumer(3))[0].behind)

    def test_behind_since_the_first_change_after_its_revision(self):
        self.assertEqual(minutes_ago(20), judged(consumer(3))[0].behind_since)

    def test_no_table_is_behind_since_the_oldest_change(self):
        self.assertEqual(minutes_ago(30),
                         judged(consumer(None))[0].behind_since)

    def test_overdue_past_the_threshold(self):
        self.assertTrue(judged(consumer(3))[0].overdue)

    def test_not_overdue_within_the_threshold(self):
        self.assertFalse(judged(consumer(4))[0].overdue)

    def test_unknown_since_counts_as_overdue(self):
        self.assertTrue(judged(consumer(1), history=[])[0].overdue)

    def test_silent_after_its_last_report(self):
        self.assertTrue(judged(consumer(5, 11))[0].silent)

    def test_not_silent_within(self):
        self.assertFalse(judged(consumer(5, 9))[0].silent)

    def test_never_silent_without_reports(self):
        self.assertFalse(judged(consumer(5, 99), silent_after=None)[0].silent)
