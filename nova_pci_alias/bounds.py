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

"""The limits on what the package's API accepts, and the checks of them.

Every input of the public API is bounded in size and depth, so that no input
can make a call slow, exhaust memory or the interpreter's stack, or fail
with anything but the package's own errors.  Each limit is far above what a
real cloud needs; the reasons are given with each constant and in the
reference documentation (*Limits* in ``reference/alias-format``).

This module is pure: no configuration, no I/O.
"""

import collections.abc
from typing import Any

#: How deep JSON values may nest: an alias entry is one flat object (depth
#: 1), an alias document and stored requests are three to four levels deep.
MAX_DEPTH = 32

#: The most characters of one alias entry's JSON text (and the most
#: characters, counted as :func:`oversize` does, of an entry given as a
#: mapping).  A real entry is one or two hundred characters; the longest a
#: schema-valid one can reasonably be is a long list of traits.
MAX_ENTRY_SIZE = 64 * 1024

#: The most alias entries one table may be built from.  Real tables have a
#: few dozen; this is some hundred times more.
MAX_ENTRIES = 10000

#: The most characters of an alias document (16 MiB): room for
#: :data:`MAX_ENTRIES` entries of well over a kilobyte each.
MAX_DOCUMENT_SIZE = 16 * 1024 * 1024

#: The most characters of a ``pci_passthrough:alias`` extra spec value.
#: Nova keeps an extra spec value in a column of 255 characters, so no
#: flavor can hold a longer one; this is sixteen times that.
MAX_ALIAS_SPEC_LENGTH = 4096

#: The most ``NAME:COUNT`` items of one extra spec value: 255 characters
#: hold at most 64 (``a:1,`` repeated).
MAX_ALIAS_SPEC_ITEMS = 256

#: The most PCI devices one extra spec may ask for, over all its items (so
#: also the largest COUNT of one item), and the most Placement request
#: groups made from one flavor's requests.  A guest's PCI topology has room
#: for a few hundred devices at the very most and real flavors ask for one
#: to a few dozen.
MAX_DEVICE_COUNT = 1024

#: Extra spec values longer than this are parsed each time rather than
#: cached (the length of Nova's column, so every real value is cached).
#: With :data:`ALIAS_SPEC_CACHE_SIZE` values (a cloud has a few dozen
#: flavors with PCI devices), the cache holds at most about 2 MiB (7.5 KiB
#: for the worst value of 255 characters) whatever it is asked for.
MAX_CACHED_ALIAS_SPEC_LENGTH = 255
ALIAS_SPEC_CACHE_SIZE = 256

#: The most characters of the PCI requests kept in an instance's system
#: metadata (1 MiB).  Nova keeps a system metadata value in a TEXT column,
#: at most 64 KiB.
MAX_STORED_REQUESTS_LENGTH = 1024 * 1024

#: The most rows of a system metadata list (Nova's database form) searched
#: for the requests.  An instance has a few dozen rows; Glance allows 128
#: image properties by default, each of which may be copied there.
MAX_SYSTEM_METADATA_ROWS = 10000

#: The most PCI requests one call of
#: :func:`nova_pci_alias.placement.request_groups` takes, Neutron port
#: requests included.
MAX_REQUESTS = 4096

#: The longest resource class or trait name Placement accepts.
MAX_PLACEMENT_NAME_LENGTH = 255

_SCALARS = (str, bytes, bytearray, int, float, type(None))
# Larger integers are refused where JSON is expected: Python cannot print
# one of more than 4300 digits, and no alias field is a number.
_MAX_INT_BITS = 1024


def oversize(value: object, max_depth: int = MAX_DEPTH,
             max_size: int | None = None) -> str | None:
    """Say why ``value`` is too deep, too large or not JSON, or return None.

    Walks ``value`` without recursion, stopping as soon as a limit is
    passed, so the cost is bounded by the limits, not by ``value``.  Lists,
    tuples and mappings are entered; the size counts one per value plus the
    length of each string and each mapping key.  A value of a type JSON
    has no counterpart for (an object, a set, a subclass of str or int), a
    mapping key that is not a string and an integer of more than 1024 bits
    are refused too: any of them could make a message about the value fail
    or run away.

    :param value: a JSON-like value (what :func:`json.loads` returns, or a
        mapping handed to the API).
    :param max_depth: how deep containers may nest (a flat list is 1).
    :param max_size: the largest size, or None for no limit.
    :returns: a sentence saying which limit is passed, or None.
    :raises Exception: whatever a caller's mapping raises when read; the
        callers turn it into their own error.
    """
    size = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        size += 1
        kind = type(current)
        if kind in (str, bytes, bytearray):
            size += len(current)
        elif kind is int:
            if current.bit_length() > _MAX_INT_BITS:
                return 'a number of more than %d bits' % _MAX_INT_BITS
        elif kind in (bool, float, type(None)):
            pass
        elif not isinstance(current, (collections.abc.Mapping, list,
                                      tuple)):
            return 'a value of type %s, which JSON does not have' % (
                type_name(current))
        else:
            depth += 1
            if depth > max_depth:
                return 'nested more than %d levels deep' % max_depth
            size += len(current)
            if max_size is not None and size > max_size:
                break
            if isinstance(current, collections.abc.Mapping):
                for key, item in current.items():
                    if not isinstance(key, str):
                        return 'a key of type %s; JSON keys are strings' % (
                            type_name(key))
                    size += len(key)
                    stack.append((item, depth))
            else:
                stack.extend((item, depth) for item in current)
        if max_size is not None and size > max_size:
            break
    else:
        return None
    return 'larger than %d characters' % max_size


def shown(value: object, limit: int = 100) -> str:
    """Return a short, printable description of any value, for messages.

    Strings, bytes, numbers and None are shown by their ``repr``, cut to
    about ``limit`` characters; any other value by its type, since its own
    ``repr`` may be huge or may fail.  Never raises.
    """
    try:
        if isinstance(value, _SCALARS):
            text = repr(value)
        else:
            text = '<%s object>' % type(value).__name__
    except Exception:
        text = '<%s object>' % type(value).__name__
    return cut(text, limit)


#: The most characters of an error's reason: a schema error quotes the
#: offending value, which may be as long as an entry or a document.
MAX_REASON_LENGTH = 1000


def cut(text: str, limit: int = MAX_REASON_LENGTH) -> str:
    """Return ``text``, cut to ``limit`` characters and saying so."""
    if len(text) > limit:
        return '%s... (%d characters)' % (text[:limit], len(text))
    return text


def type_name(value: object) -> str:
    """The name of ``value``'s type, for messages."""
    return type(value).__name__
