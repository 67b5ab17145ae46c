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
import uuid

from oslo_serialization import jsonutils

from nova_pci_alias import alias as alias_mod
from nova_pci_alias import exception

#: The flavor extra spec that names the aliases a flavor asks for.
ALIAS_EXTRA_SPEC = 'pci_passthrough:alias'
#: The flavor extra spec and image property of the PCI NUMA policy.
FLAVOR_NUMA_POLICY_SPEC = 'hw:pci_numa_affinity_policy'
IMAGE_NUMA_POLICY_PROP = 'hw_pci_numa_affinity_policy'
#: The system metadata key (after its prefix) the requests are kept under.
SYSMETA_KEY = 'pci_requests'


def _get_alias_from_config():
    """Return the alias table of the configured sources.

    The historical name of :func:`get_alias_from_config`.
    """
    from nova_pci_alias import registry
    return registry.get_registry().get_table()


get_alias_from_config = _get_alias_from_config


@functools.lru_cache(maxsize=1024)
def _parse_alias_spec(alias_spec):
    """Split an extra spec into ``((name, count, item), ...)``.

    ``name`` is None for a malformed item and ``count`` is None for a bad
    count, so that the caller can report the first bad item in order.
    Cached: a flavor's extra spec is translated again and again.
    """
    items = []
    for item in alias_spec.split(','):
        parts = item.split(':')
        if len(parts) != 2 or not parts[0].strip():
            items.append((None, None, item))
            continue
        name, count = parts[0].strip(), parts[1].strip()
        if count.isascii() and count.isdigit() and int(count) >= 1:
            count = int(count)
        else:
            count = None
        items.append((name, count, item))
    return tuple(items)


def _check_policy(policy):
    if policy not in alias_mod.NUMA_POLICIES:
        raise exception.InvalidPCINUMAAffinity(policy=policy)


def _translate_alias_to_requests(alias_spec, affinity_policy=None, *,
                                 aliases=None):
    """Translate a ``pci_passthrough:alias`` value into PCI requests.

    :param alias_spec: the extra spec's value, ``NAME:COUNT[,...]``.
    :param affinity_policy: a NUMA policy that overrides each alias's own.
    :param aliases: an alias table from :func:`nova_pci_alias.parse_aliases`;
        the configured sources' table when None.
    :returns: a list of request dicts, one per item, in item order.
    :raises nova_pci_alias.exception.InvalidAliasSpec: a malformed item or
        count (the first one, left to right).
    :raises nova_pci_alias.exception.PciRequestAliasNotDefined: an item
        names an alias the table lacks.
    :raises nova_pci_alias.exception.InvalidPCINUMAAffinity: a bad
        ``affinity_policy``.
    """
    if affinity_policy:
        _check_policy(affinity_policy)
    if not isinstance(alias_spec, str):
        raise exception.InvalidAliasSpec(item=alias_spec,
                                         alias_spec=alias_spec)
    items = _parse_alias_spec(alias_spec)
    if aliases is None:
        aliases = _get_alias_from_config()
    requests = []
    for name, count, item in items:
        if name is None:
            raise exception.InvalidAliasSpec(item=item, alias_spec=alias_spec)
        try:
            numa_policy, specs = aliases[name]
        except KeyError:
            raise exception.PciRequestAliasNotDefined(alias=name) from None
        if count is None:
            raise exception.InvalidAliasSpec(item=item, alias_spec=alias_spec)
        requests.append({
            'count': count,
            'spec': [dict(spec) for spec in specs],
            'alias_name': name,
            'numa_policy': affinity_policy or numa_policy,
            'request_id': str(uuid.uuid4()),
        })
    return requests


translate_alias_to_requests = _translate_alias_to_requests


def _lookup(obj, key, default=None):
    """Read ``key`` from a mapping, a dict-like object or plain attributes.

    Objects with a ``get(key, default)`` method (dicts, and the versioned
    objects Nova passes around) are asked through it, so a field that is
    not set reads as ``default``; anything else through ``getattr``.
    """
    if obj is None:
        return default
    getter = getattr(obj, 'get', None)
    if callable(getter):
        try:
            return getter(key, default)
        except TypeError:
            pass
    return getattr(obj, key, default)


def get_pci_requests_from_flavor(flavor, affinity_policy=None, *,
                                 aliases=None):
    """Return the PCI requests a flavor's extra specs ask for.

    :param flavor: a dict or any object with ``extra_specs`` (item or
        attribute access).
    :param affinity_policy: a NUMA policy that overrides each alias's own.
    :param aliases: an alias table; the configured sources' when None.
    :returns: a list of request dicts; ``[]`` when the flavor has no
        ``pci_passthrough:alias`` extra spec (the alias table is then not
        loaded at all).
    """
    extra_specs = _lookup(flavor, 'extra_specs')
    if not extra_specs or ALIAS_EXTRA_SPEC not in extra_specs:
        return []
    return _translate_alias_to_requests(
        extra_specs[ALIAS_EXTRA_SPEC], affinity_policy, aliases=aliases)


def get_pci_numa_policy_constraint(flavor, image_meta):
    """Return the PCI NUMA policy a flavor and an image ask for, or None.

    :param flavor: a dict or object with ``extra_specs``.
    :param image_meta: a dict or object with a ``properties`` mapping (or
        object), or None.
    :raises nova_pci_alias.exception.ImagePCINUMAPolicyForbidden: both set a
        policy and they differ.
    :raises nova_pci_alias.exception.InvalidPCINUMAAffinity: the policy is
        not one of :data:`nova_pci_alias.alias.NUMA_POLICIES`.
    """
    flavor_policy = _lookup(_lookup(flavor, 'extra_specs'),
                            FLAVOR_NUMA_POLICY_SPEC)
    image_policy = _lookup(_lookup(image_meta, 'properties'),
                           IMAGE_NUMA_POLICY_PROP)
    if flavor_policy and image_policy and flavor_policy != image_policy:
        raise exception.ImagePCINUMAPolicyForbidden()
    policy = flavor_policy or image_policy
    if policy:
        _check_policy(policy)
    return policy or None


def _sysmeta_value(system_metadata, key):
    if isinstance(system_metadata, collections.abc.Mapping):
        return system_metadata.get(key)
    for row in system_metadata or ():
        if _lookup(row, 'key') == key:
            return _lookup(row, 'value')
    return None


def get_instance_pci_requests(instance, prefix=''):
    """Return the PCI requests kept in an instance's system metadata.

    :param instance: a dict or object with ``system_metadata``: a dict, or a
        list of ``{"key": ..., "value": ...}`` rows.
    :param prefix: the key prefix (``old_``, ``new_`` during a resize).
    :returns: a list of request dicts, ``[]`` when none are kept.  Entries
        written by old versions read back with ``numa_policy`` ``legacy``
        and ``request_id`` None.
    :raises nova_pci_alias.exception.InvalidStashedRequests: the stored
        value is not a JSON list of requests.
    """
    key = prefix + SYSMETA_KEY
    value = _sysmeta_value(_lookup(instance, 'system_metadata'), key)
    if not value:
        return []
    try:
        stored = jsonutils.loads(value)
    except (TypeError, ValueError) as exc:
        raise exception.InvalidStashedRequests(key=key, reason=exc)
    if not isinstance(stored, list) or not all(
            isinstance(r, dict) for r in stored):
        raise exception.InvalidStashedRequests(
            key=key, reason='expected a JSON list of objects')
    requests = []
    for request in stored:
        request = dict(request)
        request.setdefault('numa_policy', alias_mod.DEFAULT_NUMA_POLICY)
        request.setdefault('request_id', None)
        requests.append(request)
    return requests


def save_flavor_pci_info(metadata, instance_type, prefix='', *,
                         aliases=None):
    """Keep a flavor's PCI requests in ``metadata`` as JSON.

    Stores nothing when the flavor asks for no PCI device.

    :param metadata: the instance's system metadata dict, updated in place.
    :param instance_type: the flavor.
    :param prefix: the key prefix (``old_``, ``new_`` during a resize).
    :param aliases: an alias table; the configured sources' when None.
    """
    requests = get_pci_requests_from_flavor(instance_type, aliases=aliases)
    if requests:
        metadata[prefix + SYSMETA_KEY] = jsonutils.dumps(requests)


def delete_flavor_pci_info(metadata, *prefixes):
    """Remove the PCI requests kept under each prefix, where present."""
    for prefix in prefixes:
        metadata.pop(prefix + SYSMETA_KEY, None)
