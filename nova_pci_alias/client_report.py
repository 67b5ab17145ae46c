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

"""The client report: what a ``remote`` client tells the alias service.

A compute node's ``remote`` source sends, with each ``GET`` of the alias
document, the request header :data:`HEADER` saying who it is and what it
holds, so that the alias service can list it in the fleet view beside the
processes that read the database (``nova-pci-alias-manage status``,
``GET /v1/consumers``).  The value is one line of compact JSON (ASCII
only, so that it is a valid header value)::

    OpenStack-PCI-Alias-Client: {"checked_at": "2026-12-01T14:20:00Z",
      "error": null, "etag": "9f86d0...", "host": "compute-1",
      "loaded_at": "2026-12-01T14:05:00Z", "pid": 4242,
      "service": "nova-compute"}

``host``, ``service`` (the program's name) and ``pid`` name the process;
``etag`` is the opaque part of the ETag of the document it holds (the
SHA-256 of its bytes, in hexadecimal), null before a first load;
``loaded_at`` and ``checked_at`` are when its table was swapped in and
when its sources were last checked, in UTC to the second; ``error`` is the
last check's error, cut to :data:`ERROR_LENGTH` characters, null when it
worked.  Keys this release does not know are ignored.

This module only encodes and decodes (no I/O): :func:`encode` for the
client, :func:`decode` for the service, which refuses anything else with
:class:`~nova_pci_alias.exception.InvalidInput`.
"""

import collections
import datetime
import json
import os
import re
import sys

from nova_pci_alias import exception

#: The name of the request header.
HEADER = 'OpenStack-PCI-Alias-Client'

#: The longest header value accepted, in bytes (a report of ASCII names
#: and errors takes about 300; every field at its longest, in characters
#: JSON escapes, fits).
MAX_BYTES = 4096
#: The longest host name (as the fleet view stores it).
HOST_LENGTH = 255
#: The longest program name.
SERVICE_LENGTH = 64
#: The longest error text; a longer one is cut, ending with ``...``.
ERROR_LENGTH = 255
#: The program name reported when ``sys.argv`` does not give one.
UNKNOWN_SERVICE = 'python'

_MAX_PID = 2 ** 31 - 1
_ETAG = re.compile(r'\A"?([0-9a-f]{64})"?\Z')
_TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'

#: A decoded report: ``etag`` is the quoted ETag (``"9f86..."``) or None;
#: the times are naive UTC datetimes or None.
ClientReport = collections.namedtuple('ClientReport', [
    'host', 'service', 'pid', 'etag', 'loaded_at', 'checked_at', 'error'])


#: The WSGI servers whose program name says nothing of the application.
WSGI_SERVERS = frozenset(['uwsgi', 'gunicorn', 'httpd', 'apache2',
                          'mod_wsgi-express'])

#: The WSGI entry modules of the services that read aliases, and the name
#: each service goes by: a process of a WSGI server that has imported one
#: reports that name rather than the server's.
WSGI_ENTRY_MODULES = (
    ('nova.wsgi.osapi_compute', 'nova-api'),
    ('nova.wsgi.metadata', 'nova-metadata-api'),
    ('nova_pci_alias.wsgi.api', 'nova-pci-alias-api'),
)


def service_name():
    """The name of the running service, as ``nova-compute``.

    The program's name; under a WSGI server (uWSGI, gunicorn, Apache), the
    name of the service whose WSGI entry module it loaded, as ``nova-api``
    (:data:`WSGI_ENTRY_MODULES`).
    """
    argv = getattr(sys, 'argv', None) or ['']
    name = os.path.basename(argv[0] or '')
    if name in WSGI_SERVERS:
        name = next((service for module, service in WSGI_ENTRY_MODULES
                     if module in sys.modules), name)
    return (name or UNKNOWN_SERVICE)[:SERVICE_LENGTH]


def short_error(text):
    """An error's text cut to :data:`ERROR_LENGTH`; None stays None."""
    if text is None:
        return None
    text = str(text)
    if len(text) <= ERROR_LENGTH:
        return text
    return text[:ERROR_LENGTH - 3] + '...'


def _isotime(seconds):
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(
        seconds, datetime.timezone.utc).strftime(_TIME_FORMAT)


def encode(host, service, pid, etag, loaded_at, checked_at, error):
    """Return the header value of a client's report.

    :param host: the host name.
    :param service: the program's name.
    :param pid: the process id.
    :param etag: the ETag of the document held (quoted or not), or None.
    :param loaded_at: when the table was loaded, seconds since the epoch,
        or None.
    :param checked_at: when the sources were last checked, likewise.
    :param error: the last check's error text, or None.
    :returns: the value, at most :data:`MAX_BYTES` bytes (the host name and
        the error are cut to fit).
    """
    match = _ETAG.match(etag) if isinstance(etag, str) else None
    value = {
        'host': str(host)[:HOST_LENGTH],
        'service': str(service)[:SERVICE_LENGTH],
        'pid': pid,
        'etag': match.group(1) if match else None,
        'loaded_at': _isotime(loaded_at),
        'checked_at': _isotime(checked_at),
        'error': short_error(error),
    }
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


def _invalid(reason):
    return exception.InvalidInput(what='%s header' % HEADER, reason=reason)


def _text(value, key, limit, required=True):
    text = value.get(key)
    if text is None and not required:
        return None
    if not isinstance(text, str) or not text or len(text) > limit:
        raise _invalid('%s must be a text of 1 to %d characters'
                       % (key, limit))
    return text


def _time(value, key):
    text = value.get(key)
    if text is None:
        return None
    try:
        return datetime.datetime.strptime(text, _TIME_FORMAT)
    except (TypeError, ValueError):
        raise _invalid('%s must be a time such as 2026-12-01T14:20:00Z, or '
                       'null' % key) from None


def decode(raw):
    """Read a header value into a :class:`ClientReport`.

    :param raw: the header's value (a str).
    :raises nova_pci_alias.exception.InvalidInput: the value is too long,
        not a JSON object, or a field is missing or of the wrong form; the
        message says which (and never repeats the value).
    """
    if not isinstance(raw, str) or len(raw.encode('utf-8', 'replace')) > (
            MAX_BYTES):
        raise _invalid('the value must be a text of at most %d bytes'
                       % MAX_BYTES)
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise _invalid('the value is not JSON') from None
    if not isinstance(value, dict):
        raise _invalid('the value is not a JSON object')
    pid = value.get('pid')
    if type(pid) is not int or not 0 < pid <= _MAX_PID:
        raise _invalid('pid must be a positive integer')
    etag = value.get('etag')
    if etag is not None:
        match = _ETAG.match(etag) if isinstance(etag, str) else None
        if match is None:
            raise _invalid('etag must be 64 hexadecimal digits, or null')
        etag = '"%s"' % match.group(1)
    error = value.get('error')
    if error is not None and not isinstance(error, str):
        raise _invalid('error must be a text, or null')
    return ClientReport(
        host=_text(value, 'host', HOST_LENGTH),
        service=_text(value, 'service', SERVICE_LENGTH),
        pid=pid, etag=etag, loaded_at=_time(value, 'loaded_at'),
        checked_at=_time(value, 'checked_at'), error=short_error(error))
