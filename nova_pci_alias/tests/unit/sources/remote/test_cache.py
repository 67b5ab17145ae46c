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

"""Tests of :mod:`nova_pci_alias.sources.remote.cache`.

The cache file that lets a restart during an outage start from the last
good document.
"""

import errno
import json
import os
import stat
import subprocess
import sys
import tempfile
import threading

import fixtures
from oslotest import base as oslotest_base

from nova_pci_alias import exception
from nova_pci_alias.sources.remote import cache as remote_cache
from nova_pci_alias.sources.remote import source as remote
from nova_pci_alias.tests.unit.fakes import entry
from nova_pci_alias.tests.unit.sources.remote import base as remote_base


# A process writing the cache file, stopped just before its data is synced
# (it says "writing" then): its temporary file exists and is locked.
_PAUSED_WRITER = """
import os, sys, time
from nova_pci_alias.sources.remote import cache as remote_cache
def paused_fsync(fd):
    print('writing', flush=True)
    time.sleep(60)
os.fsync = paused_fsync
remote_cache.write(sys.argv[1], b'{"version": 1, "aliases": []}')
"""


class PausedCacheWriterFixture(fixtures.Fixture):
    """A process in the middle of writing the cache file ``path``."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def _setUp(self):
        self.process = subprocess.Popen(
            [sys.executable, '-c', _PAUSED_WRITER, self.path],
            stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.process.stdout.close)
        self.addCleanup(self.kill)
        if self.process.stdout.readline() != 'writing\n':
            raise RuntimeError('the writer process failed')

    def kill(self):
        """Kill the writer with SIGKILL, as the OOM killer would."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


# A user and group id that own nothing in the tests' directories.
_NOBODY = 65534


class EffectiveUserFixture(fixtures.Fixture):
    """The process acts as user and group ``uid`` (it must run as root)."""

    def __init__(self, uid):
        super().__init__()
        self.uid = uid

    def _setUp(self):
        os.setegid(self.uid)
        self.addCleanup(os.setegid, 0)
        os.seteuid(self.uid)
        self.addCleanup(os.seteuid, 0)


class TestCacheFile(remote_base.RemoteTestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.cache_file = os.path.join(self.directory, 'aliases.json')

    def cached_source(self, **options):
        return self.source(cache_file=self.cache_file, **options)

    def cached_registry(self):
        return self.registry(cache_file=self.cache_file)

    def read_cache(self):
        with open(self.cache_file, 'rb') as cache:
            return cache.read()

    def restart_during_outage(self):
        self.cached_registry().get_table()
        self.server.stop()
        return remote.RemoteSource(self.conf)

    def test_written_after_a_good_load(self):
        self.cached_registry().get_table()
        self.assertEqual(self.app.body, self.read_cache())

    def test_not_written_before_the_registry_accepts(self):
        self.cached_source().entries()
        self.assertFalse(os.path.exists(self.cache_file))

    def test_owner_only_permissions(self):
        self.cached_registry().get_table()
        self.assertEqual(0o600,
                         stat.S_IMODE(os.stat(self.cache_file).st_mode))

    def test_replaced_by_a_new_document(self):
        reg = self.cached_registry()
        reg.get_table()
        self.app.set_entries([entry('c')])
        reg.refresh()
        self.assertEqual(self.app.body, self.read_cache())

    def test_no_temporary_file_left(self):
        self.cached_registry().get_table()
        self.assertEqual(['aliases.json'], os.listdir(self.directory))

    def test_document_with_invalid_alias_is_not_cached(self):
        reg = self.cached_registry()
        reg.get_table()
        good = self.app.body
        self.app.set_entries([entry('a', vendor_id='bad')])
        self.assertRaises(exception.PciInvalidAlias, reg.refresh)
        self.assertEqual(good, self.read_cache())

    def test_document_with_a_shadowed_invalid_alias_is_cached(self):
        # The registry ignores an entry that an earlier source shadows, so
        # the document loads, and is the one to keep.
        reg = self.registry(sources=('config', 'remote'),
                            cache_file=self.cache_file)
        self.conf_fixture.config(group='pci', alias=[
            json.dumps(entry('a'))])
        self.app.set_entries([entry('a', vendor_id='bad'), entry('b')])
        reg.get_table()
        self.assertEqual(self.app.body, self.read_cache())

    def test_restart_during_outage_serves_the_cache(self):
        src = self.restart_during_outage()
        self.assertEqual(['a', 'b'], self.names(src))

    def test_restart_during_outage_is_logged(self):
        self.restart_during_outage().entries()
        self.assertIn("PCI alias source 'remote' serves the aliases kept in "
                      "the cache file %s" % self.cache_file,
                      self.logger.output)

    def test_restart_during_outage_through_the_registry(self):
        self.cached_registry().get_table()
        self.server.stop()
        self.assertEqual(['a', 'b'], list(self.registry(
            cache_file=self.cache_file).get_table()))

    def test_cached_location_names_the_file(self):
        src = self.restart_during_outage()
        src.entries()
        self.assertEqual('%s (cached from %s)' % (self.cache_file, self.url),
                         src.location())

    def test_server_back_after_a_restart_is_logged(self):
        self.cached_registry().get_table()
        self.app.status = '503 Service Unavailable'
        src = remote.RemoteSource(self.conf)
        src.entries()
        self.app.status = None
        src.change_token()
        self.assertIn("PCI alias source 'remote' fetched %s again"
                      % self.url, self.logger.output)

    def test_missing_cache_file(self):
        self.server.stop()
        self.assertIn('the cache file %s does not exist' % self.cache_file,
                      self.first_load_error(self.cached_source()))

    def test_invalid_cache_file_is_refused(self):
        with open(self.cache_file, 'wb') as cache:
            cache.write(b'{"version": 1')
        self.server.stop()
        self.assertIn('Invalid PCI alias document from %s: not JSON'
                      % self.cache_file,
                      self.first_load_error(self.cached_source()))

    def temporary_files(self):
        return [name for name in os.listdir(self.directory)
                if name != 'aliases.json']

    def test_leftover_of_a_killed_writer_is_removed(self):
        self.useFixture(PausedCacheWriterFixture(self.cache_file)).kill()
        self.cached_registry().get_table()
        self.assertEqual([], self.temporary_files())

    def test_leftovers_of_many_killed_writers_are_removed(self):
        # All three alive at once: none of them removes another's file.
        writers = [self.useFixture(PausedCacheWriterFixture(self.cache_file))
                   for _ in range(3)]
        for writer in writers:
            writer.kill()
        self.cached_registry().get_table()
        self.assertIn("PCI alias source 'remote' removed 3 temporary files "
                      "that interrupted writes of its cache file %s left "
                      "behind" % self.cache_file, self.logger.output)

    def test_temporary_file_of_a_live_writer_is_kept(self):
        self.useFixture(PausedCacheWriterFixture(self.cache_file))
        self.cached_registry().get_table()
        self.assertEqual(1, len(self.temporary_files()))

    def test_files_of_other_names_are_kept(self):
        other = os.path.join(self.directory, '.other.json.abcdefgh.tmp')
        open(other, 'wb').close()
        self.cached_registry().get_table()
        self.assertEqual(['.other.json.abcdefgh.tmp'],
                         self.temporary_files())

    def write_cache(self, mode=0o600):
        self.cached_registry().get_table()
        os.chmod(self.cache_file, mode)
        self.server.stop()

    def refusal(self):
        return self.first_load_error(remote.RemoteSource(self.conf))

    def assertRefused(self, reason):
        self.assertIn('the cache file %s is refused: %s'
                      % (self.cache_file, reason), self.refusal())

    def test_owner_only_cache_file_is_served(self):
        self.write_cache()
        self.assertEqual(['a', 'b'], self.names(remote.RemoteSource(
            self.conf)))

    def test_group_writable_cache_file_is_refused(self):
        self.write_cache(0o660)
        self.assertRefused('it is writable by its group or by others (mode '
                           '0660)')

    def test_world_writable_cache_file_is_refused(self):
        self.write_cache(0o602)
        self.assertRefused('it is writable by its group or by others (mode '
                           '0602)')

    def test_symbolic_link_is_refused(self):
        self.write_cache()
        os.rename(self.cache_file, self.cache_file + '.real')
        os.symlink(self.cache_file + '.real', self.cache_file)
        self.assertRefused('it is a symbolic link, not a regular file')

    def test_directory_is_refused(self):
        self.configure(cache_file=self.cache_file)
        os.mkdir(self.cache_file)
        self.server.stop()
        self.assertRefused('it is a directory, not a regular file')

    def test_fifo_is_refused_without_blocking(self):
        self.configure(cache_file=self.cache_file)
        os.mkfifo(self.cache_file)
        self.server.stop()
        # Without O_NONBLOCK the open would wait for a writer for ever:
        # open one after a while, so that such a failure ends.
        unblock = threading.Timer(10, self.open_fifo_for_writing)
        unblock.start()
        self.addCleanup(unblock.cancel)
        self.assertRefused('it is a FIFO, not a regular file')

    def open_fifo_for_writing(self):
        try:
            os.close(os.open(self.cache_file, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass

    def test_cache_file_of_another_user_is_refused(self):
        if os.geteuid() != 0:
            self.skipTest('changing a file\'s owner needs root')
        self.write_cache()
        os.chown(self.cache_file, 12345, 12345)
        self.assertRefused('it is owned by uid 12345')

    def test_unwritable_cache_file_is_logged(self):
        self.cache_file = os.path.join(self.directory, 'missing', 'a.json')
        self.cached_registry().get_table()
        self.assertIn('cannot write its cache file %s' % self.cache_file,
                      self.logger.output)

    def test_unwritable_cache_file_leaves_no_temporary_file(self):
        # The temporary file is written, but cannot replace a directory.
        os.mkdir(self.cache_file)
        self.cached_registry().get_table()
        self.assertEqual([], self.temporary_files())

    def leftover_name(self):
        return os.path.join(self.directory, '.aliases.json.abcdefgh.tmp')

    def test_symbolic_link_named_as_a_leftover_is_kept(self):
        # Never followed: its target, wherever it is, is not removed, and
        # the cache file is written.
        target = os.path.join(self.directory, 'target')
        open(target, 'wb').close()
        os.symlink(target, self.leftover_name())
        self.cached_registry().get_table()
        self.assertEqual(['.aliases.json.abcdefgh.tmp', 'aliases.json',
                          'target'], sorted(os.listdir(self.directory)))

    def test_fifo_named_as_a_leftover_is_kept(self):
        os.mkfifo(self.leftover_name())
        self.cached_registry().get_table()
        self.assertEqual(['.aliases.json.abcdefgh.tmp', 'aliases.json'],
                         sorted(os.listdir(self.directory)))

    def let_others_enter(self, directory):
        while directory != os.path.dirname(directory):
            mode = stat.S_IMODE(os.stat(directory).st_mode)
            if not mode & stat.S_IXOTH:
                os.chmod(directory, mode | stat.S_IXOTH)
                self.addCleanup(os.chmod, directory, mode)
            directory = os.path.dirname(directory)

    def test_unreadable_cache_file_is_reported(self):
        # Owned by the service's user and trusted, but not readable.
        self.write_cache(0o200)
        if os.geteuid() == 0:
            # Root reads any file: read as another user, who may enter
            # the directories above the file.
            os.chown(self.cache_file, _NOBODY, -1)
            self.let_others_enter(self.directory)
            self.useFixture(EffectiveUserFixture(_NOBODY))
        self.assertIn('cannot read the cache file: [Errno %d]'
                      % errno.EACCES, self.refusal())

    def test_cache_file_below_a_regular_file_is_reported(self):
        self.configure(cache_file=os.path.join(self.directory, 'file',
                                               'aliases.json'))
        open(os.path.join(self.directory, 'file'), 'wb').close()
        self.server.stop()
        self.assertIn('cannot read the cache file: [Errno %d]'
                      % errno.ENOTDIR, self.refusal())


class RacingCleanupFixture(fixtures.Fixture):
    """Another writer cleans up just after each new temporary file is made.

    Its cleanup runs between this writer's creating a temporary file and
    locking it, the one moment the file is not held: it takes the file for
    a leftover and removes it.  ``times`` such races happen.
    """

    def __init__(self, path, times):
        super().__init__()
        self.path = path
        self.times = times

    def _setUp(self):
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args, **kwargs):
            made = real_mkstemp(*args, **kwargs)
            if self.times:
                self.times -= 1
                remote_cache.remove_leftovers(self.path)
            return made

        self.useFixture(fixtures.MonkeyPatch('tempfile.mkstemp', mkstemp))


class TestRacingWriters(oslotest_base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.cache_file = os.path.join(self.directory, 'aliases.json')

    def test_temporary_file_removed_before_its_lock_is_made_again(self):
        self.useFixture(RacingCleanupFixture(self.cache_file, 1))
        remote_cache.write(self.cache_file, b'new')
        with open(self.cache_file, 'rb') as cache:
            self.assertEqual(b'new', cache.read())

    def test_temporary_files_that_keep_disappearing_fail_the_write(self):
        remote_cache.write(self.cache_file, b'old')
        self.useFixture(RacingCleanupFixture(self.cache_file, 3))
        exc = self.assertRaises(OSError, remote_cache.write,
                                self.cache_file, b'new')
        self.assertEqual(errno.EAGAIN, exc.errno)
