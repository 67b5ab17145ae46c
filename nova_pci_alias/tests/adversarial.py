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

"""Hostile inputs for the tests: objects that fail when read, deep JSON.

Shared by the unit tests and the fuzz tests (``tox -e fuzz``).
"""

import collections.abc


class Boom(Exception):
    """What the hostile objects raise: no module of the package knows it."""


class RaisingMapping(collections.abc.Mapping):
    """A mapping whose every read (keys, items, lookups, len) raises."""

    def __getitem__(self, key):
        raise Boom('__getitem__')

    def __iter__(self):
        raise Boom('__iter__')

    def __len__(self):
        raise Boom('__len__')

    def get(self, key, default=None):
        raise Boom('get')

    def keys(self):
        raise Boom('keys')

    def __contains__(self, key):
        raise Boom('__contains__')


class RaisingDict(dict):
    """A dict (so it passes ``isinstance(x, dict)``) whose reads raise."""

    def __getitem__(self, key):
        raise Boom('__getitem__')

    def get(self, key, default=None):
        raise Boom('get')

    def keys(self):
        raise Boom('keys')

    def items(self):
        raise Boom('items')

    def __iter__(self):
        raise Boom('__iter__')

    def __len__(self):
        raise Boom('__len__')

    def __contains__(self, key):
        raise Boom('__contains__')

    def pop(self, *args):
        raise Boom('pop')

    def __setitem__(self, key, value):
        raise Boom('__setitem__')


class Unprintable:
    """An object whose str, repr, bool and == all raise."""

    def __str__(self):
        raise Boom('__str__')

    __repr__ = __str__

    def __bool__(self):
        raise Boom('__bool__')

    def __eq__(self, other):
        raise Boom('__eq__')

    __hash__ = object.__hash__


class RaisingAttributes:
    """An object whose every attribute read raises (a flavor, an image)."""

    def __getattr__(self, name):
        raise Boom(name)


def raising_iterable(after=1):
    """A generator that yields ``after`` valid entries, then raises."""
    for index in range(after):
        yield {'name': 'n%d' % index, 'vendor_id': '10de',
               'product_id': '1db6'}
    raise Boom('next')


def nested_text(depth, opening='['):
    """JSON text of ``depth`` nested arrays (or objects, with ``{``)."""
    if opening == '[':
        return '[' * depth + ']' * depth
    return '{"a":' * depth + '1' + '}' * depth


def nested_value(depth):
    """A list nested ``depth`` levels deep, built without recursion."""
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value
