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

"""The condition of a conditional write: the table's ETag, as ``If-Match``.

Pure: no I/O.  A write through the alias service may name the ETags of the
tables it was based on; the database compares them with the ETag of the
table it holds, under the writers' lock, and writes nothing when none of
them matches.  The ETag of a table is the one the alias service serves for
it: the hash of its alias document (:func:`nova_pci_alias.document.
etag_of`).  Comparison is strong, as for ``If-Match`` (RFC 9110): a weak
ETag (``W/"..."``) never matches.
"""

from nova_pci_alias import bounds
from nova_pci_alias import document
from nova_pci_alias import exception

#: The ETag that matches any table.
ANY = '*'


def table_etag(entries):
    """Return the ETag (quoted) of the alias table holding ``entries``."""
    return document.etag_of(document.encode_document(entries))


def _opaque(tag):
    """The ETag's value, quoted or not, for a strong comparison."""
    tag = tag.strip()
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        return tag[1:-1]
    return tag


def check(if_match, entries):
    """Raise unless one of ``if_match`` is the ETag of ``entries``' table.

    :param if_match: None (no condition), or a list of ETag strings (quoted
        or not), or ``*`` for any table; a single string is one ETag, and
        an item that is not a string matches nothing.
    :param entries: the entries of the table as committed.
    :raises nova_pci_alias.exception.AliasTableChanged: none matches.
    :raises nova_pci_alias.exception.InvalidInput: ``if_match`` is neither
        a string nor a list.
    """
    if if_match is None:
        return
    if isinstance(if_match, str):
        tags = [if_match]
    elif isinstance(if_match, (list, tuple, set, frozenset)):
        tags = [tag for tag in if_match if isinstance(tag, str)]
    else:
        raise exception.InvalidInput(
            what='ETags to match', reason='a list of strings, not %s' %
            bounds.shown(if_match))
    if any(tag.strip() == ANY for tag in tags):
        return
    current = table_etag(entries)
    wanted = _opaque(current)
    for tag in tags:
        if _opaque(tag) == wanted:
            return
    raise exception.AliasTableChanged(
        expected=', '.join(tag.strip() for tag in tags) or '(none)',
        current=current)
