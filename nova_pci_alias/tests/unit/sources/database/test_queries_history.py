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

"""Tests of the change history: every write recorded, read back, restored,
pruned.

On every backend.
"""

import sqlalchemy as sa

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias.sources.database import history
from nova_pci_alias.sources.database import queries
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.database import base

ACTOR = history.Actor(user_id='u1', project_id='p1', request_id='req-1',
                      os_user='root', host='ctl-1')
WHO = ('user_id', 'project_id', 'request_id', 'os_user', 'host')


def _etag(entries):
    return document.etag_of(document.encode_document(entries))


def _who(change):
    return history.Actor(*(change[field] for field in WHO))


class TestRecording(base.DatabaseTestCase):
    """Each write records one change, with its actor and tables."""

    def newest(self):
        return queries.get_change(queries.get_revision())

    def test_create_is_recorded(self):
        queries.create_entry(entry('a'), actor=ACTOR)
        self.assertEqual(('create', 'a', 1), (
            self.newest()['operation'], self.newest()['alias'],
            self.newest()['revision']))

    def test_create_records_its_actor(self):
        queries.create_entry(entry('a'), actor=ACTOR)
        self.assertEqual(ACTOR, _who(self.newest()))

    def test_create_records_the_tables(self):
        queries.create_entry(entry('a'))
        queries.create_entry(entry('b'))
        change = self.newest()
        self.assertEqual(([entry('a')], [entry('a'), entry('b')]),
                         (change['before'], change['after']))

    def test_delete_is_recorded_with_the_tables(self):
        queries.import_entries([entry('a'), entry('b')], 'test')
        queries.delete_alias('a', actor=ACTOR)
        change = self.newest()
        self.assertEqual(
            ('delete', 'a', [entry('a'), entry('b')], [entry('b')], ACTOR),
            (change['operation'], change['alias'], change['before'],
             change['after'], _who(change)))

    def test_import_is_recorded_with_the_tables(self):
        queries.import_entries([entry('a')], 'test')
        queries.import_entries([entry('b')], 'test', replace=True,
                               actor=ACTOR)
        change = self.newest()
        self.assertEqual(
            ('import', None, [entry('a')], [entry('b')], ACTOR),
            (change['operation'], change['alias'], change['before'],
             change['after'], _who(change)))

    def test_put_is_recorded_with_the_tables(self):
        queries.import_entries([entry('a')], 'test')
        queries.put_alias('a', [entry('a', '0002')], actor=ACTOR)
        change = self.newest()
        self.assertEqual(
            ('put', 'a', [entry('a')], [entry('a', '0002')], ACTOR),
            (change['operation'], change['alias'], change['before'],
             change['after'], _who(change)))

    def test_normalised_entries_are_recorded(self):
        queries.create_entry(entry(' a ', live_migratable='Yes'))
        self.assertEqual([entry('a', live_migratable='true')],
                         self.newest()['after'])

    def test_unknown_actor_records_nothing_about_who(self):
        queries.create_entry(entry('a'))
        self.assertEqual(history.Actor(), _who(self.newest()))

    def test_long_actor_fields_are_cut_to_the_column(self):
        queries.create_entry(entry('a'), actor=history.Actor(
            host='h' * 300))
        self.assertEqual(255, len(self.newest()['host']))

    def test_change_has_a_time(self):
        queries.create_entry(entry('a'))
        self.assertIsNotNone(self.newest()['created_at'])

    def test_refused_write_records_nothing(self):
        queries.create_entry(entry('a'))
        self.assertRaises(exception.PciInvalidAlias, queries.create_entry,
                          entry('b', vendor_id='x'))
        self.assertEqual([1], [c['revision'] for c in queries.get_history()])

    def test_refused_delete_records_nothing(self):
        self.assertRaises(exception.PciRequestAliasNotDefined,
                          queries.delete_alias, 'nosuch')
        self.assertEqual([], queries.get_history())

    def test_every_revision_has_its_change(self):
        queries.create_entry(entry('a'))
        queries.put_alias('b', [entry('b')])
        queries.delete_alias('a')
        queries.import_entries([entry('c')], 'test', replace=True)
        self.assertEqual([4, 3, 2, 1],
                         [c['revision'] for c in queries.get_history()])


class TestConditionalWrites(base.DatabaseTestCase):
    """``if_match``: the write happens only on the table it names."""

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('a')], 'test')
        self.etag = _etag([entry('a')])

    def unchanged(self):
        return queries.get_entries(), queries.get_revision()

    def test_create_on_a_matching_etag(self):
        queries.create_entry(entry('b'), if_match=[self.etag])
        self.assertEqual(2, queries.get_revision())

    def test_create_on_another_etag_writes_nothing(self):
        self.assertRaises(exception.AliasTableChanged, queries.create_entry,
                          entry('b'), if_match=['"stale"'])
        self.assertEqual(([entry('a')], 1), self.unchanged())

    def test_delete_on_another_etag_writes_nothing(self):
        self.assertRaises(exception.AliasTableChanged, queries.delete_alias,
                          'a', if_match=['"stale"'])
        self.assertEqual(([entry('a')], 1), self.unchanged())

    def test_import_on_another_etag_writes_nothing(self):
        self.assertRaises(exception.AliasTableChanged, queries.import_entries,
                          [entry('b')], 'test', replace=True,
                          if_match=['"stale"'])
        self.assertEqual(([entry('a')], 1), self.unchanged())

    def test_put_on_another_etag_writes_nothing(self):
        self.assertRaises(exception.AliasTableChanged, queries.put_alias,
                          'b', [entry('b')], if_match=['"stale"'])
        self.assertEqual(([entry('a')], 1), self.unchanged())

    def test_refused_condition_records_nothing(self):
        self.assertRaises(exception.AliasTableChanged, queries.put_alias,
                          'b', [entry('b')], if_match=['"stale"'])
        self.assertEqual([1], [c['revision'] for c in queries.get_history()])

    def test_etag_of_a_previous_table_is_stale(self):
        queries.put_alias('b', [entry('b')], if_match=[self.etag])
        self.assertRaises(exception.AliasTableChanged, queries.put_alias,
                          'c', [entry('c')], if_match=[self.etag])

    def test_etag_returned_by_a_write_is_the_next_condition(self):
        etag = queries.put_alias('b', [entry('b')])['etag']
        queries.put_alias('c', [entry('c')], if_match=[etag])
        self.assertEqual(['a', 'b', 'c'],
                         [e['name'] for e in queries.get_entries()])

    def test_restore_on_another_etag_writes_nothing(self):
        queries.create_entry(entry('b'))
        self.assertRaises(exception.AliasTableChanged,
                          queries.restore_revision, 1, if_match=['"stale"'])
        self.assertEqual(2, len(queries.get_entries()))


class TestReading(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        for name in 'abcde':
            queries.create_entry(entry(name))

    def test_newest_first(self):
        self.assertEqual([5, 4, 3, 2, 1],
                         [c['revision'] for c in queries.get_history()])

    def test_limit(self):
        self.assertEqual([5, 4], [c['revision']
                                  for c in queries.get_history(limit=2)])

    def test_marker_gives_older_changes(self):
        self.assertEqual([2, 1], [c['revision'] for c in
                                  queries.get_history(marker=3)])

    def test_marker_and_limit(self):
        self.assertEqual([3], [c['revision'] for c in
                               queries.get_history(limit=1, marker=4)])

    def test_summaries_hold_no_tables(self):
        self.assertNotIn('after', queries.get_history(limit=1)[0])

    def test_summary_fields(self):
        self.assertEqual(
            {'revision', 'created_at', 'operation', 'alias',
             'restored_revision', 'user_id', 'project_id', 'request_id',
             'os_user', 'host'}, set(queries.get_history(limit=1)[0]))

    def test_change_is_its_summary_with_the_tables(self):
        change = queries.get_change(3)
        del change['before'], change['after']
        self.assertEqual(queries.get_history(limit=1, marker=4)[0], change)

    def test_unknown_change(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.get_change, 42)


class TestRestore(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('a'), entry('b')], 'test')  # 1
        queries.delete_alias('a')  # 2
        queries.put_alias('c', [entry('c')])  # 3

    def test_restores_the_table_of_a_revision(self):
        queries.restore_revision(1)
        self.assertEqual([entry('a'), entry('b')], queries.get_entries())

    def test_is_a_new_revision(self):
        self.assertEqual(4, queries.restore_revision(2)['revision'])

    def test_returns_the_table_and_its_etag(self):
        result = queries.restore_revision(2)
        self.assertEqual(
            {'revision': 4, 'created': False, 'entries': [entry('b')],
             'etag': _etag([entry('b')])}, result)

    def test_is_recorded_with_the_revision_restored(self):
        queries.restore_revision(1, actor=ACTOR)
        change = queries.get_change(4)
        self.assertEqual(('restore', 1, None, ACTOR), (
            change['operation'], change['restored_revision'],
            change['alias'], _who(change)))

    def test_records_the_tables(self):
        queries.restore_revision(1)
        change = queries.get_change(4)
        self.assertEqual(([entry('b'), entry('c')], [entry('a'), entry('b')]),
                         (change['before'], change['after']))

    def test_table_before_the_first_change(self):
        # Revision 0: the empty table the first recorded change started
        # from.
        queries.restore_revision(0)
        self.assertEqual([], queries.get_entries())

    def test_a_restore_can_be_restored_away(self):
        queries.restore_revision(1)
        queries.restore_revision(3)
        self.assertEqual([entry('b'), entry('c')], queries.get_entries())

    def test_unknown_revision(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.restore_revision, 42)

    def test_unknown_revision_writes_nothing(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.restore_revision, 42)
        self.assertEqual(3, queries.get_revision())

    def test_invalid_table_writes_nothing(self):
        # Valid when it was written; not under the rules of PCI in
        # Placement, which allow one spec per alias.
        queries.create_entry(entry('c', '0002'))
        self.assertRaises(exception.PciInvalidAlias,
                          queries.restore_revision, 4,
                          pci_in_placement=True)
        self.assertEqual(4, queries.get_revision())


class TestHistoryBeforeTheUpgrade(base.DatabaseTestCase):
    """A table written before the history existed: restorable all the same.

    The revision counter stands at 7 with no change recorded, as after an
    upgrade from a release without history.
    """

    def setUp(self):
        super().setUp()
        queries.import_entries([entry('old')], 'test')
        with self.engine.begin() as connection:
            connection.execute(sa.text('DELETE FROM pci_alias_history'))
            connection.execute(sa.text(
                'UPDATE pci_alias_revision SET revision = 7'))
        queries.put_alias('new', [entry('new')])  # 8

    def test_the_table_before_the_first_change(self):
        queries.restore_revision(7)
        self.assertEqual([entry('old')], queries.get_entries())

    def test_older_revisions_are_unknown(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.restore_revision, 6)


class TestPrune(base.DatabaseTestCase):

    def setUp(self):
        super().setUp()
        for name in 'abcde':
            queries.create_entry(entry(name))

    def test_keeps_the_newest(self):
        queries.prune_history(2)
        self.assertEqual([5, 4], [c['revision']
                                  for c in queries.get_history()])

    def test_says_what_it_did(self):
        self.assertEqual((3, 4), queries.prune_history(2))

    def test_keeping_more_than_there_is(self):
        self.assertEqual((0, 1), queries.prune_history(10))

    def test_leaves_the_entries_and_the_revision(self):
        queries.prune_history(1)
        self.assertEqual((5, 5), (len(queries.get_entries()),
                                  queries.get_revision()))

    def test_the_revision_before_the_oldest_kept_is_restorable(self):
        queries.prune_history(2)
        queries.restore_revision(3)
        self.assertEqual(['a', 'b', 'c'],
                         [e['name'] for e in queries.get_entries()])

    def test_older_revisions_are_gone(self):
        queries.prune_history(2)
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.restore_revision, 2)

    def test_keep_must_be_positive(self):
        self.assertRaises(exception.InvalidInput, queries.prune_history, 0)


class TestArguments(base.DatabaseTestCase):
    """Arguments of the wrong type get the package's errors, on SQLite."""

    def test_change_of_a_string(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.get_change, '1')

    def test_change_of_a_negative_revision(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.get_change, -1)

    def test_restore_of_none(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.restore_revision, None)

    def test_restore_of_a_boolean(self):
        self.assertRaises(exception.AliasRevisionNotFound,
                          queries.restore_revision, True)

    def test_negative_limit(self):
        self.assertRaises(exception.InvalidInput, queries.get_history,
                          limit=-1)

    def test_marker_that_is_not_an_integer(self):
        self.assertRaises(exception.InvalidInput, queries.get_history,
                          marker='3')

    def test_zero_limit_gives_nothing(self):
        queries.create_entry(entry('a'))
        self.assertEqual([], queries.get_history(limit=0))


class TestRecordingMySQL(TestRecording):
    FIXTURE = base.MySQLFixture


class TestRecordingPostgreSQL(TestRecording):
    FIXTURE = base.PostgreSQLFixture


class TestConditionalWritesMySQL(TestConditionalWrites):
    FIXTURE = base.MySQLFixture


class TestConditionalWritesPostgreSQL(TestConditionalWrites):
    FIXTURE = base.PostgreSQLFixture


class TestReadingMySQL(TestReading):
    FIXTURE = base.MySQLFixture


class TestReadingPostgreSQL(TestReading):
    FIXTURE = base.PostgreSQLFixture


class TestPruneMySQL(TestPrune):
    FIXTURE = base.MySQLFixture


class TestPrunePostgreSQL(TestPrune):
    FIXTURE = base.PostgreSQLFixture


class TestRestoreMySQL(TestRestore):
    FIXTURE = base.MySQLFixture


class TestRestorePostgreSQL(TestRestore):
    FIXTURE = base.PostgreSQLFixture


class TestHistoryBeforeTheUpgradeMySQL(TestHistoryBeforeTheUpgrade):
    FIXTURE = base.MySQLFixture


class TestHistoryBeforeTheUpgradePostgreSQL(TestHistoryBeforeTheUpgrade):
    FIXTURE = base.PostgreSQLFixture
