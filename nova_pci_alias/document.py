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

"""The alias document and the ``[pci] alias`` line form of alias entries.

This module is pure: no configuration, no I/O.  It writes an alias list in
the two forms it travels in.  The ``remote`` source reads alias documents,
the alias service and ``nova-pci-alias-manage alias export`` write them::

    {"version": 1,
     "aliases": [
       {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"},
       {"name": "nic", "vendor_id": "8086", "product_id": "154c",
        "device_type": "type-VF"}
     ]}

:func:`decode_document` checks the document's shape (:data:`DOCUMENT_SCHEMA`)
and returns the entries, unvalidated: the entries are validated like every
other source's, with :func:`nova_pci_alias.parse_aliases`.
:func:`encode_document` writes the canonical form: keys sorted, no
insignificant whitespace, UTF-8, so equal tables give equal bytes (and equal
ETags).

The line form is what Nova reads: one ``[pci] alias`` value per entry.
:func:`option_value` writes one value (the oslo.config driver answers Nova
with them), :func:`nova_conf_lines` a whole ``[pci]`` section
(``nova-pci-alias-manage alias export --format nova-conf``)::

    [pci]
    alias = {"name": "gpu", "vendor_id": "10de", "product_id": "1db6"}
"""

import copy
import hashlib
import json
import types
import typing

import jsonschema

from nova_pci_alias import alias
from nova_pci_alias import bounds
from nova_pci_alias import exception

#: The document version this package reads and writes.
VERSION = 1

#: The JSON schema of an alias document (JSON Schema draft 7).  Each element
#: of ``aliases`` must be an object; its contents are checked against the
#: alias entry schema (:data:`nova_pci_alias.alias.ALIAS_ENTRY_SCHEMA`) when
#: the table is built, where an error can name the entry's position.
DOCUMENT_SCHEMA: typing.Mapping[str, typing.Any] = types.MappingProxyType({
    '$schema': 'http://json-schema.org/draft-07/schema#',
    'title': 'nova_pci_alias alias document',
    'type': 'object',
    'additionalProperties': False,
    'required': ['version', 'aliases'],
    'properties': {
        'version': {'const': VERSION},
        'aliases': {'type': 'array', 'items': {'type': 'object'}},
    },
})

_VALIDATOR = jsonschema.Draft7Validator(copy.deepcopy(dict(DOCUMENT_SCHEMA)))


def full_schema() -> dict[str, typing.Any]:
    """Return the document schema with the entry schema inlined.

    For publishing (the reference documentation, a service's users): the
    one schema that checks a whole document, entries included.
    """
    schema = copy.deepcopy(dict(DOCUMENT_SCHEMA))
    entry = copy.deepcopy(dict(alias.ALIAS_ENTRY_SCHEMA))
    entry.pop('$schema', None)
    schema['properties']['aliases']['items'] = entry
    return schema


def _invalid(origin, reason):
    if not isinstance(origin, str):
        origin = bounds.shown(origin)
    return exception.InvalidAliasDocument(origin=origin,
                                          reason=bounds.cut(reason))


def _load(body, origin):
    """The JSON value of a document's body, within the limits."""
    if not isinstance(body, (str, bytes, bytearray)):
        raise _invalid(origin, 'expected the document as bytes or text, not '
                       '%s' % bounds.type_name(body))
    if len(body) > bounds.MAX_DOCUMENT_SIZE:
        raise _invalid(origin, 'the document is %d bytes long; at most %d '
                       'are read' % (len(body), bounds.MAX_DOCUMENT_SIZE))
    try:
        if isinstance(body, (bytes, bytearray)):
            body = bytes(body).decode('utf-8')
        document = alias.strict_json_loads(body)
    except RecursionError:
        document, problem = None, 'nested too deeply'
    except ValueError as exc:
        raise _invalid(origin, 'not JSON: %s' % (
            exc or type(exc).__name__)) from None
    else:
        problem = bounds.oversize(document)
    if problem is not None:
        raise _invalid(origin, 'the document is %s; an alias document '
                       'is nested at most %d levels deep'
                       % (problem, bounds.MAX_DEPTH))
    return document


def decode_document(body: bytes | bytearray | str,
                    origin: str) -> list[typing.Any]:
    """Return the alias entries of an alias document.

    :param body: the document, as bytes (UTF-8) or text, of at most
        :data:`~nova_pci_alias.bounds.MAX_DOCUMENT_SIZE` characters,
        nested at most :data:`~nova_pci_alias.bounds.MAX_DEPTH` levels,
        with at most :data:`~nova_pci_alias.bounds.MAX_ENTRIES` entries.
    :param origin: where the document came from (a URL or a file name),
        for the error message.
    :returns: a list of entry dicts, in document order, not yet validated.
    :raises nova_pci_alias.exception.InvalidAliasDocument: the body is not
        JSON, not a version 1 alias document, or past the limits.
    """
    document = _load(body, origin)
    aliases = document.get('aliases') if isinstance(document, dict) else None
    if isinstance(aliases, list) and len(aliases) > bounds.MAX_ENTRIES:
        raise _invalid(origin, 'the document has %d alias entries; at most '
                       '%d are allowed' % (len(aliases), bounds.MAX_ENTRIES))
    error = alias.schema_error(_VALIDATOR, document)
    if error is not None:
        reason, path = error
        if path:
            reason += ' (at %s)' % path
        if isinstance(document, dict) and 'version' in document and (
                document['version'] != VERSION):
            reason = ('unsupported document version %s; this package reads '
                      'version %d' % (bounds.shown(document['version']),
                                      VERSION))
        raise _invalid(origin, reason)
    return document['aliases']


def encode_document(entries: typing.Iterable[typing.Mapping[str, str]],
                    pretty: bool = False) -> bytes:
    """Return the canonical bytes of the alias document of ``entries``.

    :param entries: alias entries (mappings), in order; typically a
        table's :attr:`~nova_pci_alias.alias.AliasTable.entries`.
    :param pretty: indent by two spaces and end with a newline, for files
        that people read and edit; otherwise no insignificant whitespace.
    :returns: UTF-8 bytes with keys sorted, so that the same entries always
        give the same bytes.
    """
    document = {'version': VERSION,
                'aliases': [dict(entry) for entry in entries]}
    if pretty:
        text = json.dumps(document, sort_keys=True, indent=2,
                          ensure_ascii=False) + '\n'
    else:
        text = json.dumps(document, sort_keys=True, separators=(',', ':'),
                          ensure_ascii=False)
    return text.encode('utf-8')


def etag_of(body: bytes) -> str:
    """Return a strong ETag (quoted) for document bytes."""
    return '"%s"' % hashlib.sha256(body).hexdigest()


def option_value(entry: typing.Mapping[str, str]) -> str:
    """Return one alias entry as a ``[pci] alias`` value.

    The entry's JSON text, with ``$`` doubled: oslo.config expands
    ``$name`` in every value it reads, from a file or from a source, and
    reads ``$$`` as a literal ``$``.
    """
    return json.dumps(dict(entry)).replace('$', '$$')


def nova_conf_lines(entries: typing.Iterable[typing.Mapping[str, str]]
                    ) -> bytes:
    """Return the ``[pci]`` section of a nova.conf holding ``entries``.

    :param entries: alias entries (mappings), in order.
    :returns: UTF-8 bytes: a ``[pci]`` line, then one ``alias =`` line per
        entry (:func:`option_value`), each ending with a newline.
    """
    lines = ['[pci]'] + ['alias = %s' % option_value(entry)
                         for entry in entries]
    return ('\n'.join(lines) + '\n').encode('utf-8')
