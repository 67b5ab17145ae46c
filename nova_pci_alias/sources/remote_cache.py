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
in ``[pci_alias_remote] cache_file`` and reads them back then.  The file is
replaced atomically (a temporary file in the same directory, flushed to
disk, then renamed over the old one), so a reader never sees half a file,
and it is readable by its owner only.  What the bytes mean is checked by
the caller, like a downloaded document.
"""

import contextlib
import os
import tempfile
import time

#: Permissions of the cache file: the owner may read and write it.
FILE_MODE = 0o600


def write(path, body):
    """Replace the cache file with ``body``, atomically.

    :param path: the cache file's path; its directory must exist.
    :param body: the document's bytes.
    :raises OSError: the file could not be written; the old one is left.
    """
    directory, name = os.path.split(os.path.abspath(path))
    fd, temp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % name,
                                     suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as temp_file:
            os.fchmod(temp_file.fileno(), FILE_MODE)
            temp_file.write(body)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        raise


def read(path):
    """Return the cache file's bytes and age, or None if there is none.

    :param path: the cache file's path.
    :returns: ``(body, age)``: the bytes, and the seconds since the file
        was written; None when the file does not exist.
    :raises OSError: the file exists but cannot be read.
    """
    try:
        with open(path, 'rb') as cache:
            body = cache.read()
            written = os.fstat(cache.fileno()).st_mtime
    except FileNotFoundError:
        return None
    return body, max(0.0, time.time() - written)
