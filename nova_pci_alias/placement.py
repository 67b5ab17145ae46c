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

import functools

import os_resource_classes
import os_traits

from nova_pci_alias import exception

_STANDARD_RESOURCE_CLASSES = frozenset(os_resource_classes.STANDARDS)


@functools.lru_cache(maxsize=1)
def _standard_traits():
    # os_traits.get_traits() walks the module's namespace on every call.
    return frozenset(os_traits.get_traits())


def _describe(spec):
    return '{%s}' % ', '.join(
        '%r: %r' % (key, spec[key]) for key in sorted(spec, key=str))


def resource_class(spec):
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
    """
    requested = spec.get('resource_class')
    if requested:
        name = requested.upper()
        if (name in _STANDARD_RESOURCE_CLASSES
                or os_resource_classes.is_custom(name)):
            return name
        return os_resource_classes.normalize_name(name)
    missing = [key for key in ('vendor_id', 'product_id') if not spec.get(key)]
    if missing:
        raise exception.PciPlacementNoResourceClass(
            spec=_describe(spec), missing=' or '.join(missing))
    return ('CUSTOM_PCI_%s_%s' % (spec['vendor_id'],
                                  spec['product_id'])).upper()


def _trait(name):
    if name in _standard_traits():
        return name
    name = name.upper()
    if os_traits.is_custom(name):
        return name
    return os_traits.normalize_name(name)


def required_traits(spec):
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
    """
    traits = spec.get('traits') or ''
    return {_trait(item) for item in (raw.strip()
                                      for raw in traits.split(','))
            if item}


def request_groups(requests):
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
        back by :func:`nova_pci_alias.request.get_instance_pci_requests`.
        Not modified.
    :returns: a list of request group dicts; ``[]`` when no request asks
        for a device through an alias.
    :raises nova_pci_alias.exception.PciPlacementMultipleSpecs: a request
        has more than one spec (or none).
    :raises nova_pci_alias.exception.PciPlacementNoResourceClass: a
        request's spec has no resource class and lacks a vendor or product
        ID.
    :raises nova_pci_alias.exception.PciPlacementError: a request has no
        ``request_id`` (one stored by an old version), so its groups could
        not be told apart.

    The first bad request, in order, decides the error; nothing is returned
    then.
    """
    groups = []
    for request in requests:
        alias = request.get('alias_name')
        if alias is None:
            continue
        specs = request.get('spec') or []
        if len(specs) != 1:
            raise exception.PciPlacementMultipleSpecs(alias=alias,
                                                      count=len(specs))
        request_id = request.get('request_id')
        if not request_id:
            raise exception.PciPlacementError(
                alias=alias,
                reason='it has no request_id to name its request groups by')
        spec = specs[0]
        try:
            rc = resource_class(spec)
        except exception.PciPlacementNoResourceClass as exc:
            raise exception.PciPlacementNoResourceClass(
                'PCI alias %s: %s' % (alias, exc), alias=alias,
                **exc.kwargs) from None
        traits = required_traits(spec)
        for index in range(request['count']):
            groups.append({
                'requester_id': '%s-%d' % (request_id, index),
                'resources': {rc: 1},
                'required_traits': set(traits),
                'use_same_provider': True,
            })
    return groups
