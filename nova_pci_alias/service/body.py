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

"""What the alias service reads of a request: its JSON body.

:func:`json_body` refuses, before anything is decoded, a body of another
media type (``415``) or longer than ``[pci_alias_api]
max_request_body_size`` (``413``, without reading it); then a body that is
not JSON (``400``). :func:`entries_body` checks the shape of a ``PUT
/v1/aliases/{name}`` body, ``{"entries": [ENTRY, ...]}``, and names what is
wrong and where; the entries themselves are checked by the write, with the
whole table (SPEC 1).
"""

import json

from nova_pci_alias import bounds
from nova_pci_alias.service import errors

#: The media type of every body the service reads.
JSON = 'application/json'


def _bad(detail):
    return errors.APIError(400, errors.BAD_REQUEST, detail)


def json_body(req, limit):
    """Return the decoded JSON body of ``req``.

    :param req: the :class:`webob.Request`.
    :param limit: the largest body, in bytes.
    :raises nova_pci_alias.service.errors.APIError: 415, 413 or 400.
    """
    if req.content_type != JSON:
        raise errors.APIError(
            415, errors.UNSUPPORTED_MEDIA_TYPE,
            'The body must be JSON, sent with "Content-Type: %s"; it was '
            'sent as %s.' % (JSON, bounds.shown(req.content_type or 'none')))
    length = req.content_length
    if length is not None and length > limit:
        raise errors.APIError(
            413, errors.TOO_LARGE,
            'The body has %d bytes; this service reads at most %d '
            '([pci_alias_api] max_request_body_size).' % (length, limit))
    if not length:
        raise _bad('The request has no body; send a JSON object.')
    try:
        return json.loads(req.body)
    except (ValueError, RecursionError) as exc:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors; nesting
        # deeper than the interpreter's stack is a RecursionError.
        raise _bad('The body is not valid JSON: %s.'
                   % bounds.cut(str(exc), 200))


def entries_body(value, name):
    """Return the entries of a ``PUT /v1/aliases/{name}`` body.

    :param value: the decoded body.
    :param name: the alias name of the path.
    :returns: the list of entries, each a dict.
    :raises nova_pci_alias.service.errors.APIError: 400, naming what is
        wrong: the body is not ``{"entries": [...]}``, the list is empty, an
        entry is not an object, or names another alias.
    """
    if not isinstance(value, dict):
        raise _bad('The body must be a JSON object {"entries": [ENTRY, '
                   '...]}; it is %s.' % _json_type(value))
    unknown = sorted(set(value) - {'entries'})
    if unknown:
        raise _bad('The body has the key %s; it may only have "entries".'
                   % bounds.shown(unknown[0]))
    if 'entries' not in value:
        raise _bad('The body has no "entries": send {"entries": [ENTRY, '
                   '...]}.')
    entries = value['entries']
    if not isinstance(entries, list):
        raise _bad('"entries" must be a list of alias entries; it is %s.'
                   % _json_type(entries))
    if not entries:
        raise _bad('"entries" is empty: an alias has at least one entry '
                   '(DELETE /v1/aliases/%s removes it).' % name)
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise _bad('entries[%d] must be a JSON object (an alias '
                       'entry); it is %s.' % (index, _json_type(entry)))
        if 'name' in entry and entry['name'] != name:
            raise _bad('entries[%d] has the name %s, not the alias %s of '
                       'the path; leave "name" out or give the same one.'
                       % (index, bounds.shown(entry['name']),
                          bounds.shown(name)))
    return entries


_JSON_TYPES = ((dict, 'an object'), (list, 'a list'), (str, 'a string'),
               (bool, 'a boolean'), ((int, float), 'a number'))


def _json_type(value):
    if value is None:
        return 'null'
    for types, word in _JSON_TYPES:
        if isinstance(value, types):
            return word
    return type(value).__name__
