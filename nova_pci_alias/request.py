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

"""Turn a flavor's ``pci_passthrough:alias`` extra spec into PCI requests.

The functions here are pure apart from one thing: when no ``aliases=`` table
is given, the table comes from the configured alias sources (see
:mod:`nova_pci_alias.registry`).

The extra spec's grammar is ``NAME:COUNT[,NAME:COUNT...]``.  Each item gives
one request, a dict::

    {"count": 2, "spec": [{...}, ...], "alias_name": "gpu",
     "numa_policy": "preferred", "request_id": "<fresh uuid4>"}

``spec`` is always a fresh copy, so a caller may change a request freely.
The requests of a flavor can be kept in an instance's system metadata under
``PREFIXpci_requests`` (the prefix lets a resize keep the old and the new
flavor's requests side by side).
"""

import collections.abc
import functools
from typing import Any
import uuid

from oslo_serialization import jsonutils

from nova_pci_alias import alias as alias_mod
from nova_pci_alias import bounds
from nova_pci_alias import exception

#: The flavor extra spec that names the aliases a flavor asks for.
ALIAS_EXTRA_SPEC = 'pci_passthrough:alias'
#: The flavor extra spec and image property of the PCI NUMA policy.
FLAVOR_NUMA_POLICY_SPEC = 'hw:pci_numa_affinity_policy'
IMAGE_NUMA_POLICY_PROP = 'hw_pci_numa_affinity_policy'
#: The system metadata key (after its prefix) the requests are kept under.
SYSMETA_KEY = 'pci_requests'

# One device spec of an alias.
_Spec = collections.abc.Mapping[str, Any]
# What the functions take for an alias table: what parse_aliases returns,
# or any mapping of alias names to (numa_policy, specs) pairs.
_Aliases = collections.abc.Mapping[
    str, tuple[str, collections.abc.Iterable[_Spec]]]
# One PCI request, as made here or read back from system metadata.
_Request = dict[str, Any]
# One item of an extra spec: (name, count, item text); see _split_alias_spec.
_Item = tuple[str | None, int | None, str]


def _get_alias_from_config() -> alias_mod.AliasTable:
    """Return the alias table of the configured sources.

    The historical name of :func:`get_alias_from_config`.
    """
    from nova_pci_alias import registry
    return registry.get_registry().get_table()


get_alias_from_config = _get_alias_from_config


def _split_alias_spec(alias_spec: str) -> tuple[_Item, ...]:
    """Split an extra spec into ``((name, count, item), ...)``.

    ``name`` is None for a malformed item and ``count`` is None for a bad
    count, so that the caller can report the first bad item in order.  A
    count above :data:`~nova_pci_alias.bounds.MAX_DEVICE_COUNT` is kept as
    ``MAX_DEVICE_COUNT + 1`` (it is never turned into an int of its own:
    a count may have thousands of digits).

    :raises nova_pci_alias.exception.InvalidAliasSpec: more than
        :data:`~nova_pci_alias.bounds.MAX_ALIAS_SPEC_ITEMS` items (an error
        is not cached: a value refused is refused each time).
    """
    raw_items = alias_spec.split(',')
    if len(raw_items) > bounds.MAX_ALIAS_SPEC_ITEMS:
        raise exception.InvalidAliasSpec(
            'Invalid PCI alias request %s: it has %d items; at most %d are '
            'allowed' % (bounds.shown(alias_spec, 60), len(raw_items),
                         bounds.MAX_ALIAS_SPEC_ITEMS))
    items: list[_Item] = []
    for item in raw_items:
        parts = item.split(':')
        if len(parts) != 2 or not parts[0].strip():
            items.append((None, None, item))
            continue
        name, count_text = parts[0].strip(), parts[1].strip()
        count: int | None
        if count_text.isascii() and count_text.isdigit():
            digits = count_text.lstrip('0')
            if len(digits) > len(str(bounds.MAX_DEVICE_COUNT)):
                count = bounds.MAX_DEVICE_COUNT + 1
            else:
                count = int(count_text)
                if count < 1:
                    count = None
        else:
            count = None
        items.append((name, count, item))
    return tuple(items)


# A flavor's extra spec is translated again and again.  Only values that
# fit Nova's column are cached, so the cache stays small (about 2 MiB at
# the most) whatever it is asked for.
_cached_split = functools.lru_cache(maxsize=bounds.ALIAS_SPEC_CACHE_SIZE)(
    _split_alias_spec)


def _parse_alias_spec(alias_spec: str) -> tuple[_Item, ...]:
    """Split an extra spec into items, as :func:`_split_alias_spec` does.

    Cached for values of up to
    :data:`~nova_pci_alias.bounds.MAX_CACHED_ALIAS_SPEC_LENGTH` characters.

    :raises nova_pci_alias.exception.InvalidAliasSpec: the value is longer
        than :data:`~nova_pci_alias.bounds.MAX_ALIAS_SPEC_LENGTH` or has
        more than :data:`~nova_pci_alias.bounds.MAX_ALIAS_SPEC_ITEMS`
        items.
    """
    if len(alias_spec) > bounds.MAX_ALIAS_SPEC_LENGTH:
        raise exception.InvalidAliasSpec(
            'Invalid PCI alias request %s: it is %d characters long; at '
            'most %d are allowed' % (bounds.shown(alias_spec, 60),
                                     len(alias_spec),
                                     bounds.MAX_ALIAS_SPEC_LENGTH))
    if len(alias_spec) > bounds.MAX_CACHED_ALIAS_SPEC_LENGTH:
        return _split_alias_spec(alias_spec)
    return _cached_split(alias_spec)


# So that tests and the benchmark can empty and inspect the cache (mypy does
# not know that a function may be given attributes).
_parse_alias_spec.cache_clear = (  # type: ignore[attr-defined]
    _cached_split.cache_clear)
_parse_alias_spec.cache_info = (  # type: ignore[attr-defined]
    _cached_split.cache_info)


def _check_policy(policy: object) -> None:
    if not isinstance(policy, str) or policy not in alias_mod.NUMA_POLICIES:
        raise exception.InvalidPCINUMAAffinity(policy=_policy_shown(policy))


def _policy_shown(policy: object) -> str:
    if isinstance(policy, str) and len(policy) <= 100:
        return policy
    return bounds.shown(policy)


def _check_affinity_policy(affinity_policy: str | None) -> str | None:
    """Check the caller's policy: None or '' (no override), or a policy."""
    if affinity_policy is None or (isinstance(affinity_policy, str)
                                   and not affinity_policy):
        return None
    _check_policy(affinity_policy)
    return str.__str__(affinity_policy)


def _alias_of(aliases: _Aliases,
              name: str) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(numa_policy, specs)`` of ``name`` in a caller's table."""
    try:
        numa_policy, specs = aliases[name]
        return numa_policy, [dict(spec) for spec in specs]
    except KeyError:
        raise exception.PciRequestAliasNotDefined(alias=name) from None
    except Exception as exc:
        raise exception.InvalidInput(
            what='alias table',
            reason='alias %r cannot be read from it (%s); pass what '
                   'nova_pci_alias.parse_aliases returns'
                   % (name, bounds.type_name(exc))) from None


def _translate_alias_to_requests(
        alias_spec: str, affinity_policy: str | None = None, *,
        aliases: _Aliases | None = None) -> list[_Request]:
    """Translate a ``pci_passthrough:alias`` value into PCI requests.

    :param alias_spec: the extra spec's value, ``NAME:COUNT[,...]``: at
        most :data:`~nova_pci_alias.bounds.MAX_ALIAS_SPEC_LENGTH`
        characters and
        :data:`~nova_pci_alias.bounds.MAX_ALIAS_SPEC_ITEMS` items, asking
        for at most :data:`~nova_pci_alias.bounds.MAX_DEVICE_COUNT`
        devices in all.
    :param affinity_policy: a NUMA policy that overrides each alias's own.
    :param aliases: an alias table from :func:`nova_pci_alias.parse_aliases`;
        the configured sources' table when None.
    :returns: a list of request dicts, one per item, in item order.
    :raises nova_pci_alias.exception.InvalidAliasSpec: not a string, too
        long, too many items or devices, or a malformed item or count (the
        first one, left to right).
    :raises nova_pci_alias.exception.PciRequestAliasNotDefined: an item
        names an alias the table lacks.
    :raises nova_pci_alias.exception.InvalidPCINUMAAffinity: a bad
        ``affinity_policy``.
    :raises nova_pci_alias.exception.InvalidInput: ``aliases`` is not an
        alias table.
    """
    affinity_policy = _check_affinity_policy(affinity_policy)
    if not isinstance(alias_spec, str):
        shown = bounds.shown(alias_spec)
        raise exception.InvalidAliasSpec(item=shown, alias_spec=shown)
    # An exact str: a subclass's own methods are never called.
    alias_spec = str.__str__(alias_spec)
    items = _parse_alias_spec(alias_spec)
    if aliases is None:
        aliases = _get_alias_from_config()
    elif not isinstance(aliases, collections.abc.Mapping):
        raise exception.InvalidInput(
            what='alias table',
            reason='expected what nova_pci_alias.parse_aliases returns, '
                   'not %s' % bounds.type_name(aliases))
    requests = []
    devices = 0
    for name, count, item in items:
        if name is None:
            raise exception.InvalidAliasSpec(item=item, alias_spec=alias_spec)
        numa_policy, specs = _alias_of(aliases, name)
        if count is None:
            raise exception.InvalidAliasSpec(item=item, alias_spec=alias_spec)
        devices += count
        if devices > bounds.MAX_DEVICE_COUNT:
            raise exception.InvalidAliasSpec(
                'Invalid PCI alias request %r in %s: the value asks for more '
                'than %d devices in all' % (
                    item, bounds.shown(alias_spec, 200),
                    bounds.MAX_DEVICE_COUNT))
        requests.append({
            'count': count,
            'spec': specs,
            'alias_name': name,
            'numa_policy': affinity_policy or numa_policy,
            'request_id': str(uuid.uuid4()),
        })
    return requests


translate_alias_to_requests = _translate_alias_to_requests


def _lookup(obj: object, key: str, what: str) -> Any:
    """Read ``key`` from a mapping, a dict-like object or plain attributes.

    Objects with a ``get(key, default)`` method (dicts, and the versioned
    objects Nova passes around) are asked through it, so a field that is
    not set reads as None; anything else through ``getattr``.

    :param what: what ``obj`` is, for the error.
    :raises nova_pci_alias.exception.InvalidInput: reading ``obj`` raised.
    """
    if obj is None:
        return None
    try:
        getter = getattr(obj, 'get', None)
        if callable(getter):
            try:
                return getter(key, None)
            except TypeError:
                pass
        return getattr(obj, key, None)
    except Exception as exc:
        raise exception.InvalidInput(
            what=what, reason='reading %r from it raised %s'
            % (key, bounds.type_name(exc))) from None


def _extra_specs(flavor: object) -> collections.abc.Mapping[str, Any] | None:
    """The flavor's extra specs: a mapping, or None when it has none."""
    extra_specs = _lookup(flavor, 'extra_specs', 'flavor')
    if extra_specs is None or isinstance(extra_specs,
                                         collections.abc.Mapping):
        return extra_specs
    raise exception.InvalidInput(
        what='flavor', reason='its extra_specs must be a mapping, not %s'
        % bounds.type_name(extra_specs))


_ABSENT = object()


def _extra_spec(extra_specs: collections.abc.Mapping[str, Any] | None,
                key: str) -> Any:
    """``extra_specs[key]``, or _ABSENT (also when there are no extra specs).

    :raises nova_pci_alias.exception.InvalidInput: reading it raised.
    """
    if extra_specs is None:
        return _ABSENT
    try:
        if key not in extra_specs:
            return _ABSENT
        return extra_specs[key]
    except Exception as exc:
        raise exception.InvalidInput(
            what='flavor', reason='reading extra spec %r raised %s'
            % (key, bounds.type_name(exc))) from None


def get_pci_requests_from_flavor(
        flavor: object, affinity_policy: str | None = None, *,
        aliases: _Aliases | None = None) -> list[_Request]:
    """Return the PCI requests a flavor's extra specs ask for.

    :param flavor: a dict or any object with ``extra_specs`` (item or
        attribute access), a mapping or None.
    :param affinity_policy: a NUMA policy that overrides each alias's own.
    :param aliases: an alias table; the configured sources' when None.
    :returns: a list of request dicts; ``[]`` when the flavor has no
        ``pci_passthrough:alias`` extra spec (the alias table is then not
        loaded at all).
    :raises nova_pci_alias.exception.InvalidInput: ``extra_specs`` is not
        a mapping, or cannot be read.
    :raises: the errors of :func:`translate_alias_to_requests`.
    """
    alias_spec = _extra_spec(_extra_specs(flavor), ALIAS_EXTRA_SPEC)
    if alias_spec is _ABSENT:
        return []
    return _translate_alias_to_requests(
        alias_spec, affinity_policy, aliases=aliases)


def _policy_value(value: object) -> str | None:
    """A NUMA policy read from a flavor or image: a str or None."""
    if value is _ABSENT or value is None:
        return None
    if isinstance(value, str):
        return str.__str__(value) or None
    raise exception.InvalidPCINUMAAffinity(policy=bounds.shown(value))


def get_pci_numa_policy_constraint(flavor: object,
                                   image_meta: object) -> str | None:
    """Return the PCI NUMA policy a flavor and an image ask for, or None.

    :param flavor: a dict or object with ``extra_specs`` (a mapping).
    :param image_meta: a dict or object with a ``properties`` mapping (or
        object), or None.
    :raises nova_pci_alias.exception.ImagePCINUMAPolicyForbidden: both set a
        policy and they differ.
    :raises nova_pci_alias.exception.InvalidPCINUMAAffinity: the policy is
        not one of :data:`nova_pci_alias.alias.NUMA_POLICIES`.
    :raises nova_pci_alias.exception.InvalidInput: the flavor's or the
        image's values cannot be read.
    """
    flavor_policy = _policy_value(_extra_spec(_extra_specs(flavor),
                                              FLAVOR_NUMA_POLICY_SPEC))
    image_policy = _policy_value(_lookup(
        _lookup(image_meta, 'properties', 'image_meta'),
        IMAGE_NUMA_POLICY_PROP, 'image properties'))
    if flavor_policy and image_policy and flavor_policy != image_policy:
        raise exception.ImagePCINUMAPolicyForbidden()
    policy = flavor_policy or image_policy
    if policy:
        _check_policy(policy)
    return policy


def _sysmeta_value(system_metadata: object, key: str) -> Any:
    if system_metadata is None:
        return None
    if isinstance(system_metadata, collections.abc.Mapping):
        try:
            return system_metadata.get(key)
        except Exception as exc:
            raise exception.InvalidInput(
                what='instance system_metadata',
                reason='reading %r raised %s'
                % (key, bounds.type_name(exc))) from None
    if not isinstance(system_metadata, (list, tuple)):
        raise exception.InvalidInput(
            what='instance system_metadata',
            reason='expected a mapping or a list of key/value rows, not %s'
            % bounds.type_name(system_metadata))
    if len(system_metadata) > bounds.MAX_SYSTEM_METADATA_ROWS:
        raise exception.InvalidInput(
            what='instance system_metadata',
            reason='%d rows; at most %d are read' % (
                len(system_metadata), bounds.MAX_SYSTEM_METADATA_ROWS))
    for row in system_metadata:
        row_key = _lookup(row, 'key', 'system_metadata row')
        if isinstance(row_key, str) and row_key == key:
            return _lookup(row, 'value', 'system_metadata row')
    return None


def _check_prefix(prefix: str) -> str:
    if not isinstance(prefix, str):
        raise exception.InvalidInput(
            what='system metadata key prefix',
            reason='expected a string such as "old_", not %s'
            % bounds.shown(prefix))
    return str.__str__(prefix)


def _stored_requests(value: object, key: str) -> list[_Request]:
    """Decode the JSON text of stored requests, within the limits."""
    if not isinstance(value, (str, bytes, bytearray)):
        raise exception.InvalidStashedRequests(
            key=key, reason='expected JSON text, not %s'
            % bounds.type_name(value))
    if len(value) > bounds.MAX_STORED_REQUESTS_LENGTH:
        raise exception.InvalidStashedRequests(
            key=key, reason='%d characters; at most %d are read' % (
                len(value), bounds.MAX_STORED_REQUESTS_LENGTH))
    problem: str | None
    try:
        stored = jsonutils.loads(bytes(value) if isinstance(
            value, bytearray) else value)
    except RecursionError:
        stored = None
        problem = 'nested more than %d levels deep' % bounds.MAX_DEPTH
    except ValueError as exc:
        raise exception.InvalidStashedRequests(
            key=key, reason=bounds.shown(str(exc), 200)) from None
    else:
        problem = bounds.oversize(stored)
    if problem is not None:
        raise exception.InvalidStashedRequests(key=key, reason=problem)
    if not isinstance(stored, list) or not all(
            isinstance(r, dict) for r in stored):
        raise exception.InvalidStashedRequests(
            key=key, reason='expected a JSON list of objects')
    return stored


def get_instance_pci_requests(instance: object,
                              prefix: str = '') -> list[_Request]:
    """Return the PCI requests kept in an instance's system metadata.

    :param instance: a dict or object with ``system_metadata``: a dict, or a
        list of ``{"key": ..., "value": ...}`` rows (at most
        :data:`~nova_pci_alias.bounds.MAX_SYSTEM_METADATA_ROWS`).
    :param prefix: the key prefix (``old_``, ``new_`` during a resize).
    :returns: a list of request dicts, ``[]`` when none are kept.  Entries
        written by old versions read back with ``numa_policy`` ``legacy``
        and ``request_id`` None.
    :raises nova_pci_alias.exception.InvalidStashedRequests: the stored
        value is not a JSON list of requests, or is longer than
        :data:`~nova_pci_alias.bounds.MAX_STORED_REQUESTS_LENGTH` or
        nested deeper than :data:`~nova_pci_alias.bounds.MAX_DEPTH`.
    :raises nova_pci_alias.exception.InvalidInput: ``prefix`` is not a
        string, or ``system_metadata`` is neither a mapping nor a list of
        rows, or cannot be read.
    """
    key = _check_prefix(prefix) + SYSMETA_KEY
    value = _sysmeta_value(
        _lookup(instance, 'system_metadata', 'instance'), key)
    if value is None or (isinstance(value, (str, bytes, bytearray))
                         and not value):
        return []
    requests = []
    for request in _stored_requests(value, key):
        request = dict(request)
        request.setdefault('numa_policy', alias_mod.DEFAULT_NUMA_POLICY)
        request.setdefault('request_id', None)
        requests.append(request)
    return requests


def save_flavor_pci_info(metadata: collections.abc.MutableMapping[str, Any],
                         instance_type: object, prefix: str = '', *,
                         aliases: _Aliases | None = None) -> None:
    """Keep a flavor's PCI requests in ``metadata`` as JSON.

    Stores nothing when the flavor asks for no PCI device.

    :param metadata: the instance's system metadata dict, updated in place.
    :param instance_type: the flavor.
    :param prefix: the key prefix (``old_``, ``new_`` during a resize).
    :param aliases: an alias table; the configured sources' when None.
    :raises nova_pci_alias.exception.InvalidInput: ``prefix`` is not a
        string, or ``metadata`` cannot be written.
    :raises: the errors of :func:`get_pci_requests_from_flavor`.
    """
    key = _check_prefix(prefix) + SYSMETA_KEY
    requests = get_pci_requests_from_flavor(instance_type, aliases=aliases)
    if not requests:
        return
    try:
        text = jsonutils.dumps(requests)
    except Exception as exc:
        raise exception.InvalidInput(
            what='alias table', reason='its specs cannot be written as '
            'JSON (%s)' % bounds.type_name(exc)) from None
    try:
        metadata[key] = text
    except Exception as exc:
        raise exception.InvalidInput(
            what='system metadata', reason='storing %r raised %s; expected '
            'a dict' % (key, bounds.type_name(exc))) from None


def delete_flavor_pci_info(metadata: collections.abc.MutableMapping[str, Any],
                           *prefixes: str) -> None:
    """Remove the PCI requests kept under each prefix, where present.

    :raises nova_pci_alias.exception.InvalidInput: a prefix is not a
        string, or ``metadata`` is not a dict.
    """
    keys = [_check_prefix(prefix) + SYSMETA_KEY for prefix in prefixes]
    for key in keys:
        try:
            metadata.pop(key, None)
        except Exception as exc:
            raise exception.InvalidInput(
                what='system metadata', reason='removing %r raised %s; '
                'expected a dict' % (key, bounds.type_name(exc))) from None
