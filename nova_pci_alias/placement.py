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

"""Express PCI requests as Placement request groups (PCI in Placement).

When Nova tracks PCI devices in Placement, each device a flavor asks for is
scheduled as a request group of its own.  This module makes those groups
from the request dicts of :mod:`nova_pci_alias.request`: a request for
``count`` devices gives ``count`` groups, each asking for one unit of the
spec's resource class with the spec's traits::

    {"requester_id": "<request_id>-0",
     "resources": {"CUSTOM_PCI_10DE_1DB6": 1},
     "required_traits": {"CUSTOM_FAST"},
     "use_same_provider": True}

Resource class and trait names are normalised as Nova does it, with the
standard names of os-resource-classes and os-traits, except that spaces
around each comma-separated trait are ignored and empty traits dropped.

The module is pure: no configuration, no I/O.  Whether PCI in Placement is
on is the caller's decision (``[filter_scheduler] pci_in_placement`` in
Nova); call :func:`request_groups` only when it is.
"""

import collections.abc
import functools
from typing import Any

import os_resource_classes
import os_traits

from nova_pci_alias import bounds
from nova_pci_alias import exception

_STANDARD_RESOURCE_CLASSES = frozenset(os_resource_classes.STANDARDS)

# A device spec, and a PCI request, as nova_pci_alias.request makes them.
_Spec = collections.abc.Mapping[str, Any]
_Request = collections.abc.Mapping[str, Any]


@functools.lru_cache(maxsize=1)
def _standard_traits() -> frozenset[str]:
    # os_traits.get_traits() walks the module's namespace on every call.
    return frozenset(os_traits.get_traits())


def _describe(spec: _Spec) -> str:
    try:
        return '{%s}' % ', '.join(
            '%s: %s' % (bounds.shown(key), bounds.shown(spec[key]))
            for key in sorted(spec, key=bounds.shown))
    except Exception:
        return '<unreadable %s>' % bounds.type_name(spec)


def _invalid_spec(reason: str) -> exception.PciPlacementError:
    return exception.PciPlacementError('Invalid PCI device spec: %s' % reason)


def _text_field(spec: object, key: str, max_length: int) -> str | None:
    """``spec[key]`` when it is a string (or None when absent or empty)."""
    if not isinstance(spec, collections.abc.Mapping):
        raise _invalid_spec('expected a mapping, not %s'
                            % bounds.type_name(spec))
    try:
        value = spec.get(key)
    except Exception as exc:
        raise _invalid_spec('reading %r raised %s'
                            % (key, bounds.type_name(exc))) from None
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid_spec('%s must be a string, not %s'
                            % (key, bounds.shown(value)))
    if len(value) > max_length:
        raise _invalid_spec('%s is %d characters long; at most %d are '
                            'allowed' % (key, len(value), max_length))
    return str.__str__(value) or None


def _checked_name(name: str, what: str) -> str:
    if len(name) > bounds.MAX_PLACEMENT_NAME_LENGTH:
        raise _invalid_spec('the %s %s is longer than the %d characters '
                            'Placement allows'
                            % (what, bounds.shown(name, 60),
                               bounds.MAX_PLACEMENT_NAME_LENGTH))
    return name


def resource_class(spec: _Spec) -> str:
    """Return the Placement resource class of one device spec.

    A non-empty ``resource_class`` is upper-cased; a standard resource
    class (``PGPU``) or a custom one (``CUSTOM_...``) is then kept, and
    anything else becomes a custom class name with
    :func:`os_resource_classes.normalize_name` (``my-gpu`` gives
    ``CUSTOM_MY_GPU``).  Without one, the class is
    ``CUSTOM_PCI_<vendor_id>_<product_id>`` in upper case.

    :param spec: a device spec (a mapping), one item of a request's
        ``spec`` list.
    :returns: the resource class name.
    :raises nova_pci_alias.exception.PciPlacementNoResourceClass: the spec
        has no non-empty ``resource_class`` and lacks ``vendor_id`` or
        ``product_id`` (the message names what is missing).
    :raises nova_pci_alias.exception.PciPlacementError: the spec is not a
        mapping, a value is not a string, or the name would be longer than
        the 255 characters Placement allows.
    """
    requested = _text_field(spec, 'resource_class',
                            bounds.MAX_PLACEMENT_NAME_LENGTH)
    if requested:
        name = requested.upper()
        if (name in _STANDARD_RESOURCE_CLASSES
                or os_resource_classes.is_custom(name)):
            return name
        return _checked_name(os_resource_classes.normalize_name(name),
                             'resource class')
    ids = {key: _text_field(spec, key, bounds.MAX_PLACEMENT_NAME_LENGTH)
           for key in ('vendor_id', 'product_id')}
    missing = [key for key in ('vendor_id', 'product_id') if not ids[key]]
    if missing:
        raise exception.PciPlacementNoResourceClass(
            spec=_describe(spec), missing=' or '.join(missing))
    return _checked_name(('CUSTOM_PCI_%s_%s' % (
        ids['vendor_id'], ids['product_id'])).upper(), 'resource class')


def _trait(name: str) -> str:
    if name in _standard_traits():
        return name
    name = name.upper()
    if os_traits.is_custom(name):
        return _checked_name(name, 'trait')
    return _checked_name(os_traits.normalize_name(name), 'trait')


def required_traits(spec: _Spec) -> set[str]:
    """Return the Placement traits one device spec requires.

    ``traits`` is a comma-separated list.  Spaces around each item are
    ignored and empty items dropped.  An item that is a standard trait name
    exactly (``HW_GPU_API_VULKAN``) is kept; anything else is upper-cased,
    then kept if it is a custom trait (``CUSTOM_...``) or else made one with
    :func:`os_traits.normalize_name` (``blue`` gives ``CUSTOM_BLUE``).  As in
    Nova, a standard name in lower case is not recognised as standard.

    :param spec: a device spec (a mapping).
    :returns: a new set of trait names; empty when ``traits`` is absent or
        empty.
    :raises nova_pci_alias.exception.PciPlacementError: the spec is not a
        mapping, ``traits`` is not a string or is longer than an alias
        entry may be (:data:`~nova_pci_alias.bounds.MAX_ENTRY_SIZE`), or a
        trait would be longer than the 255 characters Placement allows.
    """
    traits = _text_field(spec, 'traits', bounds.MAX_ENTRY_SIZE) or ''
    return {_trait(item) for item in (raw.strip()
                                      for raw in traits.split(','))
            if item}


def _request_field(request: _Request, key: str, position: int) -> Any:
    try:
        return request.get(key)
    except Exception as exc:
        raise exception.PciPlacementError(
            'PCI request %d cannot be read: reading %r raised %s'
            % (position + 1, key, bounds.type_name(exc))) from None


def _each_request(requests: collections.abc.Iterable[_Request]
                  ) -> collections.abc.Iterator[tuple[int, _Request]]:
    """Yield ``(position, request)``, within the limits, as mappings."""
    if isinstance(requests, (str, bytes, bytearray,
                             collections.abc.Mapping)) or not isinstance(
            requests, collections.abc.Iterable):
        raise exception.PciPlacementError(
            'PCI requests must be a list of request dicts, not %s'
            % bounds.type_name(requests))
    iterator = iter(requests)
    position = 0
    while True:
        try:
            request = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise exception.PciPlacementError(
                'PCI requests cannot be read: request %d raised %s'
                % (position + 1, bounds.type_name(exc))) from None
        if position >= bounds.MAX_REQUESTS:
            raise exception.PciPlacementError(
                'more than %d PCI requests' % bounds.MAX_REQUESTS)
        if not isinstance(request, collections.abc.Mapping):
            raise exception.PciPlacementError(
                'PCI request %d is not a request dict but %s'
                % (position + 1, bounds.type_name(request)))
        yield position, request
        position += 1


def request_groups(requests: collections.abc.Iterable[_Request]
                   ) -> list[dict[str, Any]]:
    """Return the Placement request groups of a list of PCI requests.

    Each request of ``count`` N gives N groups of one device each, in
    request order and then device order.  A group is a new dict::

        {"requester_id": "REQUEST_ID-I",    # I from 0 to N-1
         "resources": {RESOURCE_CLASS: 1},
         "required_traits": {TRAIT, ...},
         "use_same_provider": True}

    where the resource class and traits are those of the request's one
    spec (see :func:`resource_class` and :func:`required_traits`).

    A request whose ``alias_name`` is None (or absent) did not come from a
    flavor: Nova makes such requests for Neutron ports and leaves them out
    of the groups, and so does this function.

    :param requests: request dicts as made by
        :func:`nova_pci_alias.request.translate_alias_to_requests` or read
        back by :func:`nova_pci_alias.request.get_instance_pci_requests`
        (at most :data:`~nova_pci_alias.bounds.MAX_REQUESTS`).  Not
        modified.
    :returns: a list of request group dicts; ``[]`` when no request asks
        for a device through an alias.
    :raises nova_pci_alias.exception.PciPlacementMultipleSpecs: a request
        has more than one spec (or none).
    :raises nova_pci_alias.exception.PciPlacementNoResourceClass: a
        request's spec has no resource class and lacks a vendor or product
        ID.
    :raises nova_pci_alias.exception.PciPlacementError: a request has no
        ``request_id`` (one stored by an old version), so its groups could
        not be told apart; or a request is not of the shape above (its
        ``count`` a whole number from 1, its ``spec`` a list); or the
        requests ask for more than
        :data:`~nova_pci_alias.bounds.MAX_DEVICE_COUNT` devices in all.

    The first bad request, in order, decides the error; nothing is returned
    then.
    """
    groups: list[dict[str, Any]] = []
    for position, request in _each_request(requests):
        alias = _request_field(request, 'alias_name', position)
        if alias is None:
            continue
        alias = alias if isinstance(alias, str) else bounds.shown(alias)
        specs = _request_field(request, 'spec', position)
        if specs is None:
            specs = []
        if not isinstance(specs, (list, tuple)):
            raise exception.PciPlacementError(
                alias=alias, reason='its spec is %s, not a list'
                % bounds.type_name(specs))
        if len(specs) != 1:
            raise exception.PciPlacementMultipleSpecs(alias=alias,
                                                      count=len(specs))
        request_id = _request_field(request, 'request_id', position)
        if request_id is None or (isinstance(request_id, str)
                                  and not request_id):
            raise exception.PciPlacementError(
                alias=alias,
                reason='it has no request_id to name its request groups by')
        if not isinstance(request_id, str):
            raise exception.PciPlacementError(
                alias=alias, reason='its request_id is %s, not a string'
                % bounds.shown(request_id))
        count = _request_field(request, 'count', position)
        if not isinstance(count, int) or isinstance(count, bool) or (
                count < 1):
            raise exception.PciPlacementError(
                alias=alias, reason='its count %s is not a whole number of '
                'at least 1' % bounds.shown(count))
        if len(groups) + count > bounds.MAX_DEVICE_COUNT:
            raise exception.PciPlacementError(
                alias=alias, reason='the requests ask for more than %d '
                'devices in all' % bounds.MAX_DEVICE_COUNT)
        spec = specs[0]
        try:
            rc = resource_class(spec)
        except exception.PciPlacementNoResourceClass as exc:
            raise exception.PciPlacementNoResourceClass(
                'PCI alias %s: %s' % (alias, exc), alias=alias,
                **exc.kwargs) from None
        traits = required_traits(spec)
        for index in range(count):
            groups.append({
                'requester_id': '%s-%d' % (request_id, index),
                'resources': {rc: 1},
                'required_traits': set(traits),
                'use_same_provider': True,
            })
    return groups
