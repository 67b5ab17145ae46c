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

"""Alias definitions: the one schema and the immutable alias table.

This module is pure: no configuration, no I/O.  Every alias source hands its
raw entries to :func:`parse_aliases`, so one set of rules applies whatever
the entries came from.

An alias entry is a JSON object (or the JSON text of one)::

    {"name": "gpu", "vendor_id": "10de", "product_id": "1db6",
     "device_type": "type-PCI", "numa_policy": "preferred"}

Parsing a list of entries gives an :class:`AliasTable`, a read-only mapping
of alias name to :class:`Alias` ``(numa_policy, specs)``.  Entries that share
a name are OR-ed: their specs are kept in order.
"""

import collections
import collections.abc
import copy
import functools
import json
import types
import typing

import fastjsonschema

from nova_pci_alias import bounds
from nova_pci_alias import exception

if typing.TYPE_CHECKING:
    import jsonschema.protocols

#: The NUMA affinity policies an alias or a flavor may ask for.
NUMA_POLICIES = ('required', 'legacy', 'preferred', 'socket')
#: The policy of an alias entry that names none.
DEFAULT_NUMA_POLICY = 'legacy'
#: The device types an alias entry may ask for.
DEVICE_TYPES = ('type-PCI', 'type-PF', 'type-VF')

_HEX4 = {'type': 'string', 'pattern': '^[0-9a-fA-F]{4}$',
         'minLength': 4, 'maxLength': 4}

#: The JSON schema of one alias entry (JSON Schema draft 7).  ``minLength``
#: and ``maxLength`` on the IDs refuse a trailing newline, which a ``$`` in
#: the pattern alone would let through.
ALIAS_ENTRY_SCHEMA: typing.Mapping[str, typing.Any] = types.MappingProxyType({
    '$schema': 'http://json-schema.org/draft-07/schema#',
    'type': 'object',
    'additionalProperties': False,
    'required': ['name'],
    'properties': {
        'name': {'type': 'string', 'minLength': 1, 'maxLength': 256},
        'vendor_id': _HEX4,
        'product_id': _HEX4,
        'device_type': {'type': 'string', 'enum': list(DEVICE_TYPES)},
        'numa_policy': {'type': 'string', 'enum': list(NUMA_POLICIES)},
        'capability_type': {'type': 'string', 'enum': ['pci']},
        'resource_class': {'type': 'string'},
        'traits': {'type': 'string'},
        'live_migratable': {'type': 'string'},
    },
})

#: The keys an alias entry may have, in the order of the schema.  Every other
#: list of fields (the database columns, the tools' help) is derived from it.
ENTRY_FIELDS: tuple[str, ...] = tuple(ALIAS_ENTRY_SCHEMA['properties'])

#: An alias entry as a source yields it: a mapping, or the JSON text of one.
Definition = typing.Mapping[str, typing.Any] | str | bytes | bytearray

# Built once per process: building a validator is most of the cost of
# validating a small object.  jsonschema's validator is the reference and
# words every error; fastjsonschema compiles the same schema to Python code
# that checks a valid entry some twenty times faster, so it goes first and
# jsonschema only looks at the entries it refuses.  jsonschema (and
# oslo.utils' strutils, for live_migratable) are imported when first
# needed: importing them costs a command-line tool more than its work.
_FAST_CHECK = fastjsonschema.compile(copy.deepcopy(dict(ALIAS_ENTRY_SCHEMA)))


@functools.cache
def _validator():
    import jsonschema
    return jsonschema.Draft7Validator(copy.deepcopy(dict(ALIAS_ENTRY_SCHEMA)))


_MULTIPLE_SPECS_MSG = (
    'The PCI alias(es) %s have multiple specs but '
    '[filter_scheduler]pci_in_placement is True. The PCI in Placement '
    'feature only supports one spec per alias. You can assign the same '
    'resource_class to multiple [pci]device_spec matchers to allow using '
    'different devices for the same alias.')
_MISSING_IDS_MSG = (
    'The PCI alias(es) %s does not have vendor_id and product_id fields set.')
_MISSING_IDS_OR_RC_MSG = (
    'The PCI alias(es) %s does not have vendor_id and product_id fields set '
    'or resource_class field set.')


Alias = collections.namedtuple('Alias', ['numa_policy', 'specs'])
Alias.__doc__ = """One alias of the table.

``numa_policy`` is the alias's NUMA affinity policy; ``specs`` is a tuple of
read-only device specs (mappings), any of which satisfies a request.
"""


class AliasTable(collections.abc.Mapping):
    """A validated, read-only alias table: name -> :class:`Alias`.

    ``entries`` holds the entries the table was built from, as read-only
    mappings with their names stripped, in order; a source or a tool that
    must hand the table on (as JSON, say) uses them.
    """

    __slots__ = ('_aliases', 'entries')

    def __init__(self, aliases: typing.Mapping[str, Alias],
                 entries: tuple[typing.Mapping[str, str], ...]) -> None:
        self._aliases = aliases
        self.entries = entries

    def __getitem__(self, name: str) -> Alias:
        return self._aliases[name]

    def __contains__(self, name: object) -> bool:
        return name in self._aliases

    def __iter__(self) -> typing.Iterator[str]:
        return iter(self._aliases)

    def __len__(self) -> int:
        return len(self._aliases)

    def __repr__(self) -> str:
        return 'AliasTable(%r)' % (self._aliases,)


def _reject_constant(name):
    raise ValueError('%s is not valid JSON' % name)


def strict_json_loads(text: str | bytes | bytearray) -> typing.Any:
    """Parse JSON text, refusing ``NaN`` and ``Infinity``.

    :raises ValueError: not strict JSON (including undecodable bytes).
    :raises RecursionError: nested too deeply.
    """
    return json.loads(text, parse_constant=_reject_constant)


def schema_error(validator: 'jsonschema.protocols.Validator',
                 instance: typing.Any) -> tuple[str, str] | None:
    """Return the most relevant schema error of ``instance``, or None.

    :param validator: a :mod:`jsonschema` validator.
    :returns: ``(message, path)``, where ``path`` is the ``/``-joined
        location of the offending value ('' for the instance itself).
    """
    import jsonschema
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is None:
        return None
    return error.message, '/'.join(str(p) for p in error.absolute_path)


def _entry_schema_error(entry):
    """Return the schema error of one entry, as :func:`schema_error` does."""
    try:
        _FAST_CHECK(entry)
        return None
    except fastjsonschema.JsonSchemaException:
        # jsonschema decides, and words the error as Nova does.
        return schema_error(_validator(), entry)


def _invalid(reason, position=None):
    exc = exception.PciInvalidAlias(reason=bounds.cut(reason))
    exc.position = position
    return exc


def _unstorable_text(entry):
    """Say which string of a decoded entry no backend could keep, if any.

    PostgreSQL refuses NUL characters and UTF-8 (every database, the alias
    document) refuses lone surrogates; a name holding either could not be
    referenced from a flavor either.
    """
    for key, value in entry.items():
        for text in (key, value):
            if not isinstance(text, str) or text.isascii() and (
                    '\x00' not in text):
                continue
            if '\x00' in text:
                return 'a NUL character in %s' % bounds.shown(key)
            try:
                text.encode('utf-8')
            except UnicodeEncodeError:
                return 'a lone surrogate (not Unicode text) in %s' % (
                    bounds.shown(key))
    return None


def _exact(value):
    return str.__str__(value) if isinstance(value, str) else value


def _read_mapping(definition, position):
    """Copy a caller's mapping into a new dict, whatever it raises."""
    try:
        if len(definition) > bounds.MAX_ENTRY_SIZE:
            raise _invalid('an alias entry has %d keys; at most %d are '
                           'allowed' % (len(definition),
                                        bounds.MAX_ENTRY_SIZE), position)
        # Exact strs: the schema's messages never call a subclass's repr.
        return {_exact(key): _exact(value)
                for key, value in definition.items()}
    except exception.PciInvalidAlias:
        raise
    except Exception as exc:
        raise _invalid('the alias entry (a %s) cannot be read: it raised %s'
                       % (bounds.type_name(definition),
                          bounds.type_name(exc)), position) from None


def decode_entry(definition: Definition,
                 position: int | None = None) -> typing.Any:
    """Return a new dict holding one alias entry, not yet validated.

    :param definition: a mapping, or the JSON text of an object (at most
        :data:`~nova_pci_alias.bounds.MAX_ENTRY_SIZE` characters, nested at
        most :data:`~nova_pci_alias.bounds.MAX_DEPTH` levels).
    :param position: the entry's index, kept on the error raised.
    :returns: the decoded value: a dict, or whatever other JSON value the
        text holds (the schema check refuses it).
    :raises nova_pci_alias.exception.PciInvalidAlias: not JSON, too large
        or too deep, holding a NUL character or a lone surrogate, or
        neither a mapping nor text.
    """
    if isinstance(definition, collections.abc.Mapping):
        entry = _read_mapping(definition, position)
    elif isinstance(definition, (str, bytes, bytearray)):
        if len(definition) > bounds.MAX_ENTRY_SIZE:
            raise _invalid('the JSON text of an alias entry is %d characters '
                           'long; at most %d are allowed'
                           % (len(definition), bounds.MAX_ENTRY_SIZE),
                           position)
        try:
            entry = strict_json_loads(definition)
        except RecursionError:
            raise _invalid('the JSON text of an alias entry is nested more '
                           'than %d levels deep' % bounds.MAX_DEPTH,
                           position) from None
        except ValueError as exc:
            # JSONDecodeError and UnicodeDecodeError are ValueErrors.
            raise _invalid(str(exc) or type(exc).__name__,
                           position) from None
    else:
        raise _invalid('an alias entry must be a JSON object or the JSON '
                       'text of one, not %s' % bounds.type_name(definition),
                       position)
    try:
        problem = bounds.oversize(entry, max_size=bounds.MAX_ENTRY_SIZE)
    except Exception as exc:
        problem = 'a value cannot be read (%s)' % bounds.type_name(exc)
    if problem is None and isinstance(entry, dict):
        problem = _unstorable_text(entry)
    if problem is not None:
        raise _invalid('the alias entry is not acceptable: %s' % problem,
                       position)
    return entry


def _load_entry(definition, position):
    """Return a fresh, validated dict for one definition."""
    entry = decode_entry(definition, position)
    error = _entry_schema_error(entry)
    if error is not None:
        reason, path = error
        if path:
            reason += ' (field %r)' % path
        raise _invalid(reason, position)
    name = entry['name'].strip()
    if not name:
        raise _invalid('alias name %r is empty once surrounding whitespace '
                       'is removed' % entry['name'], position)
    if ':' in name or ',' in name:
        raise _invalid("alias name %r contains ':' or ',' and so could never "
                       "be requested by a flavor" % name, position)
    entry['name'] = name
    live_migratable = entry.get('live_migratable')
    if live_migratable is not None:
        try:
            from oslo_utils import strutils
            flag = strutils.bool_from_string(live_migratable, strict=True)
        except ValueError as exc:
            raise _invalid('%s (field \'live_migratable\')' % exc, position)
        entry['live_migratable'] = 'true' if flag else 'false'
    return entry


def _spec_of(entry):
    spec = {k: v for k, v in entry.items()
            if k not in ('name', 'numa_policy', 'device_type')}
    if 'device_type' in entry:
        spec['dev_type'] = entry['device_type']
    return spec


def _each_definition(definitions):
    """Yield the caller's definitions, at most MAX_ENTRIES of them.

    Whatever the caller's iterable raises becomes a PciInvalidAlias.
    """
    if isinstance(definitions, (str, bytes, bytearray,
                                collections.abc.Mapping)):
        raise _invalid('the alias definitions must be a list of entries, '
                       'not one %s' % bounds.type_name(definitions))
    position = 0
    try:
        iterator = iter(definitions)
    except Exception:
        raise _invalid('the alias definitions must be a list of entries, '
                       'not %s' % bounds.type_name(definitions)) from None
    while True:
        try:
            definition = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise _invalid('the alias definitions cannot be read: entry %d '
                           'raised %s' % (position + 1,
                                          bounds.type_name(exc)),
                           position) from None
        if position >= bounds.MAX_ENTRIES:
            raise _invalid('more than %d alias entries; a table may have at '
                           'most %d' % (bounds.MAX_ENTRIES,
                                        bounds.MAX_ENTRIES), position)
        yield definition
        position += 1


def parse_aliases(definitions: typing.Iterable[Definition], *,
                  pci_in_placement: bool = False) -> AliasTable:
    """Validate alias entries and build the alias table from them.

    :param definitions: an iterable of alias entries, in order: each a
        mapping or the JSON text of an object.  Not modified.  At most
        :data:`~nova_pci_alias.bounds.MAX_ENTRIES` entries, each within the
        limits of :func:`decode_entry`.
    :param pci_in_placement: apply the rules of Nova's PCI in Placement
        feature (one spec per alias; a ``resource_class`` may stand in for
        the vendor and product IDs).
    :returns: an :class:`AliasTable`.
    :raises nova_pci_alias.exception.PciInvalidAlias: for the first invalid
        entry in order (its ``position`` says which), else for the first
        failed whole-table check.  No table is returned in that case.
    """
    if isinstance(definitions, list):
        parsed_before = _LAST_TABLE.same_as(definitions, pci_in_placement)
        if parsed_before is not None:
            return parsed_before
    aliases: dict[str, tuple[str, list[dict[str, typing.Any]]]] = {}
    entries = []
    for position, definition in enumerate(_each_definition(definitions)):
        entry = _load_entry(definition, position)
        name = entry['name']
        numa_policy = entry.get('numa_policy', DEFAULT_NUMA_POLICY)
        spec = _spec_of(entry)
        known = aliases.get(name)
        if known is None:
            aliases[name] = (numa_policy, [spec])
        else:
            if known[0] != numa_policy:
                raise _invalid("NUMA policy mismatch for alias '%s'" % name,
                               position)
            if known[1][0].get('dev_type') != spec.get('dev_type'):
                raise _invalid("Device type mismatch for alias '%s'" % name,
                               position)
            known[1].append(spec)
        entries.append(types.MappingProxyType(entry))

    if pci_in_placement:
        multiple = [name for name, (_, specs) in aliases.items()
                    if len(specs) > 1]
        if multiple:
            raise exception.PciInvalidAlias(
                _MULTIPLE_SPECS_MSG % ','.join(multiple))

    missing = set()
    for name, (_, specs) in aliases.items():
        for spec in specs:
            if 'vendor_id' in spec and 'product_id' in spec:
                continue
            if pci_in_placement and 'resource_class' in spec:
                continue
            missing.add(name)
    if missing:
        template = (_MISSING_IDS_OR_RC_MSG if pci_in_placement
                    else _MISSING_IDS_MSG)
        raise exception.PciInvalidAlias(template % ','.join(sorted(missing)))

    frozen = {
        name: Alias(policy, tuple(types.MappingProxyType(s) for s in specs))
        for name, (policy, specs) in aliases.items()
    }
    table = AliasTable(frozen, tuple(entries))
    _LAST_TABLE.remember(table, pci_in_placement)
    return table


class _LastTable:
    """The table :func:`parse_aliases` built last, and the rules it used.

    A writer validates the whole table it stores, and the registry of the
    same process then reads that table back from its source and validates
    it again: the alias service's ``PUT`` did so with every entry of a
    large table.  The normalised entries of a table parse to the same
    table (:func:`parse_aliases` is idempotent on them), so a list of plain
    dicts of strings equal to the last table's entries, under the same
    rules, is given that table without a second parse.  Anything else is
    parsed as always; comparing costs a small part of a parse.
    """

    def __init__(self) -> None:
        self._last: tuple[bool, AliasTable] | None = None

    def remember(self, table: AliasTable, pci_in_placement: bool) -> None:
        self._last = (pci_in_placement, table)

    def same_as(self, definitions: list[typing.Any],
                pci_in_placement: bool) -> AliasTable | None:
        """Return the last table if ``definitions`` are its entries."""
        last = self._last
        if last is None or last[0] != pci_in_placement:
            return None
        table = last[1]
        if len(definitions) != len(table.entries):
            return None
        for definition, entry in zip(definitions, table.entries):
            # Exact dicts of exact strs only: nothing of a caller's class
            # decides the comparison.
            if (type(definition) is not dict
                    or len(definition) != len(entry)
                    or not all(type(key) is str and type(value) is str
                               for key, value in definition.items())
                    or definition != entry):
                return None
        return table


_LAST_TABLE = _LastTable()
