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

"""The ``remote`` source's cache file: the last good document, on disk.

A node that restarts while the alias server is unreachable still needs its
aliases; the ``remote`` source keeps the raw bytes of the last good document
in ``[pci_alias_remote] cache_file`` and reads them back then.

Writing: the file is replaced atomically (a temporary file
``.NAME.XXXXXXXX.tmp`` in the same directory, flushed to disk, then renamed
over the old one), so a reader never sees half a file, and it is readable
by its owner only.  The writer holds an exclusive ``flock`` on its
temporary file until the rename; a temporary file of that pattern that no
process holds was left by a writer that died (killed, or the node lost
power), and the next write removes it.

Reading trusts the file as ssh trusts a private key: only a regular file
(not a symbolic link, a FIFO or a device, which are opened without
following or blocking), owned by the process's effective user, and
writable by no one else.  Any other file is refused with
:class:`UntrustedCacheFile`.  What the bytes mean is checked by the caller,
like a downloaded document.
"""

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import time

#: Permissions of the cache file: the owner may read and write it.
FILE_MODE = 0o600

_TEMP_SUFFIX = '.tmp'

# Opening never follows a symbolic link nor waits for a FIFO's writer.
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

_KINDS = ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO'),
          (stat.S_ISCHR, 'a character device'),
          (stat.S_ISBLK, 'a block device'), (stat.S_ISSOCK, 'a socket'),
          (stat.S_ISLNK, 'a symbolic link'))


class UntrustedCacheFile(Exception):
    """The cache file exists but is not to be trusted.

    The text names the file, the reason and the fix.
    """

    def __init__(self, path, reason):
        super().__init__(
            'the cache file %s is refused: %s; it must be a regular file '
            'owned by the service\'s user (uid %d) and writable by no one '
            'else (chmod 600), or be removed' % (path, reason, os.geteuid()))


def _temp_prefix(name):
    return '.%s.' % name


def write(path, body):
    """Replace the cache file with ``body``, atomically.

    Temporary files left in the directory by writers that died are removed
    first.

    :param path: the cache file's path; its directory must exist.
    :param body: the document's bytes.
    :returns: the number of leftover temporary files removed.
    :raises OSError: the file could not be written; the old one is left.
    """
    directory, name = os.path.split(os.path.abspath(path))
    removed = remove_leftovers(path)
    fd, temp_path = _locked_temp_file(directory, name)
    try:
        with os.fdopen(fd, 'wb') as temp_file:
            os.fchmod(temp_file.fileno(), FILE_MODE)
            temp_file.write(body)
            temp_file.flush()
            os.fsync(temp_file.fileno())
            # Renamed while the lock is held: closing the file releases it.
            os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        raise
    return removed


def _locked_temp_file(directory, name, attempts=3):
    """Create a temporary file for ``name`` and lock it; return (fd, path).

    Between its creation and the lock, another writer may take a new file
    for a leftover and remove it; then a new one is made.
    """
    for _attempt in range(attempts):
        fd, temp_path = tempfile.mkstemp(dir=directory,
                                         prefix=_temp_prefix(name),
                                         suffix=_TEMP_SUFFIX)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _is_at(temp_path, os.fstat(fd)):
                return fd, temp_path
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise OSError(errno.EAGAIN, 'temporary files for %s keep disappearing '
                  'in %s' % (name, directory))


def _is_at(path, info):
    """True if ``path`` is (still) the file ``info`` was taken of."""
    try:
        current = os.lstat(path)
    except FileNotFoundError:
        return False
    return (current.st_dev, current.st_ino) == (info.st_dev, info.st_ino)


def remove_leftovers(path):
    """Remove the temporary files of ``path`` that no writer holds.

    Only files of this module's pattern (``.NAME.*.tmp`` beside the cache
    file), regular and owned by this process's user, are considered; one
    that a live writer holds locked is left alone.

    :param path: the cache file's path.
    :returns: the number of files removed.
    """
    directory, name = os.path.split(os.path.abspath(path))
    prefix = _temp_prefix(name)
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    removed = 0
    for entry in names:
        if entry.startswith(prefix) and entry.endswith(_TEMP_SUFFIX):
            removed += _remove_if_abandoned(os.path.join(directory, entry))
    return removed


def _remove_if_abandoned(temp_path):
    try:
        fd = os.open(temp_path, _OPEN_FLAGS)
    except OSError:
        return 0
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return 0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0   # a live writer's
        # Still a leftover under that name (not renamed meanwhile)?
        if not _is_at(temp_path, info):
            return 0
        os.unlink(temp_path)
        return 1
    except OSError:
        return 0
    finally:
        os.close(fd)


def read(path):
    """Return the cache file's bytes and age, or None if there is none.

    :param path: the cache file's path.
    :returns: ``(body, age)``: the bytes, and the seconds since the file
        was written; None when the file does not exist.
    :raises UntrustedCacheFile: the file is not a regular file owned by
        this process's user and writable by no one else.
    :raises OSError: the file exists but cannot be read.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        # A symbolic link (ELOOP), or a socket (ENXIO).
        _check_trusted(path, _lstat_or_raise(path, exc))
        raise
    try:
        info = os.fstat(fd)
        _check_trusted(path, info)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, 'rb') as cache:
        body = cache.read()
    return body, max(0.0, time.time() - info.st_mtime)


def _lstat_or_raise(path, exc):
    try:
        return os.lstat(path)
    except OSError:
        raise exc from None


def _check_trusted(path, info):
    """Raise UntrustedCacheFile unless ``info`` is of a trusted file."""
    mode = info.st_mode
    if not stat.S_ISREG(mode):
        kind = next((text for test, text in _KINDS if test(mode)),
                    'a special file')
        raise UntrustedCacheFile(path, 'it is %s, not a regular file' % kind)
    if info.st_uid != os.geteuid():
        raise UntrustedCacheFile(path, 'it is owned by uid %d'
                                 % info.st_uid)
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UntrustedCacheFile(path, 'it is writable by its group or by '
                                 'others (mode %04o)' % stat.S_IMODE(mode))
