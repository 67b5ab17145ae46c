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

"""The ``remote`` alias source: an alias document fetched over HTTP(S).

The document (see :mod:`nova_pci_alias.document`) can be a static file on
any web server, or the answer of ``nova-pci-alias-api``::

    [pci_alias]
    sources = remote

    [pci_alias_remote]
    url = https://inventory.example.com/nova/aliases.json
    cafile = /etc/pki/tls/certs/inventory-ca.pem
    cache_file = /var/lib/nova/pci-aliases.json

How it fits the registry: :meth:`RemoteSource.change_token` is where the
server is asked, with a conditional ``GET`` (``If-None-Match`` /
``If-Modified-Since``).  A ``304 Not Modified`` returns the same token, so
the registry neither reads nor validates the entries again.  A ``200``
is checked as a document and kept; its token is the SHA-256 of the body, so
the same bytes served again (by a server without validators, or by another
replica with other ETags) are not validated again either.  While a
``Cache-Control: max-age`` (clamped to ``min_refresh_interval`` ..
``max_refresh_interval``) lasts, the server is not asked at all.

When the server fails after a good load, the source raises and keeps what it
had; the registry keeps serving the last good table.  When the very first
download fails, the last good document kept in ``cache_file`` is served,
with a warning.  The cache file is written when the registry says a new
document's entries loaded (:meth:`RemoteSource.entries_accepted`), so it
never holds a document that failed validation.

Each request tells the server who this process is and what it holds (the
:data:`~nova_pci_alias.client_report.HEADER` header, from what the registry
last said to :meth:`RemoteSource.report`), so that the alias service can
list the compute nodes in its fleet view; ``report_to_server = false``
turns that off.
"""

import collections
import os
import socket

from oslo_log import log as logging
from oslo_utils import timeutils
import webob.cachecontrol

from nova_pci_alias import client_report
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import outage
from nova_pci_alias import sources
from nova_pci_alias.sources.remote import cache
from nova_pci_alias.sources.remote import http
from nova_pci_alias.sources.remote import options

LOG = logging.getLogger(__name__)

#: The name of this source's entry point.
NAME = 'remote'

# What the source holds: the token given to the registry, the entries, the
# validators to send next time, where the entries came from (the URL, or the
# cache file) and the document's bytes.  Replaced whole, never changed in
# place.
_Held = collections.namedtuple(
    '_Held', 'token entries etag last_modified location from_cache body')

# What the cache file gives: its document's bytes, entries and age in
# seconds; or, when it cannot stand in for the server, why not (and None
# for the rest).
_Cached = collections.namedtuple('_Cached', 'body entries age why')


def _now():
    """The monotonic clock the source measures freshness with."""
    return timeutils.now()


class RemoteSource(sources.AliasSource):
    """Alias entries from a JSON alias document on an HTTP(S) server.

    Configured in ``[pci_alias_remote]``; the deployer guide "Aliases from
    a remote document" describes publishing, TLS, Keystone authentication,
    outages and the cache file.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts`; the options of
        ``[pci_alias_remote]`` are registered on it.
    """

    def __init__(self, conf):
        super().__init__(conf)
        options.register_opts(conf)
        self._client = None
        self._held = None
        self._fresh_until = 0.0
        self._url = None
        self._warned_plain_http = False
        # What the registry last reported: (token, loaded at, last checked,
        # last error), sent to the server with the next request; None
        # until the registry first reports.
        self._reported = None
        # From a first download that failed, and the cache file served
        # instead, to the next document fetched.
        self._on_cache_file = outage.Outage(
            LOG, 'PCI alias source %(source)r serves the aliases kept in '
            'the cache file %(path)s, written %(age)d seconds ago, because '
            'fetching the document failed: %(error)s',
            recovery='PCI alias source %(source)r fetched %(url)s again; its '
            'aliases no longer come from the cache file.',
            level=logging.WARNING)
        self._writing = outage.Outage(
            LOG, 'PCI alias source %(source)r cannot write its cache file '
            '%(path)s: %(error)s',
            recovery='PCI alias source %(source)r writes its cache file '
            '%(path)s again.', level=logging.WARNING)

    @property
    def _options(self):
        return self.conf[options.GROUP]

    def location(self):
        held = self._held
        if held is not None:
            return held.location
        group = self._options
        url = self._url or group.url
        if not url and group.endpoint_override:
            url = http.join_url(group.endpoint_override,
                                group.path)
        if url:
            return http.mask_url(url)
        return 'the %r endpoint of the service catalog' % (
            group.service_type)

    def change_token(self):
        held = self._held
        if held is not None and _now() < self._fresh_until:
            return held.token
        tried = outage.attempt(self._download, held,
                               errors=exception.AliasSourceError)
        if tried.error is None:
            self._held = tried.value
            return self._held.token
        self._fresh_until = 0.0
        if held is not None:
            raise tried.error
        self._held = self._load_cache_file(tried.error)
        return self._held.token

    def entries(self):
        if self._held is None:
            self.change_token()
        return list(self._held.entries)

    @classmethod
    def list_opts(cls):
        return options.list_opts()

    def _download(self, held):
        """Ask the server; return what to hold next.

        :raises nova_pci_alias.exception.AliasSourceError: no good document
            came; nothing held has changed.
        """
        validators = {}
        if held is not None and not held.from_cache:
            validators = {'etag': held.etag,
                          'last_modified': held.last_modified}
        try:
            if self._client is None:
                self._client = http.DocumentClient(self.conf)
            # One deadline for the endpoint look-up and the request.
            with self._client.deadline():
                url = self._url = self._client.document_url()
                self._warn_if_plain_http(url)
                fetched = self._client.get(url, report=self._report_value(),
                                           **validators)
        except http.FetchFailed as exc:
            raise exception.AliasSourceError(
                source=NAME, reason='%s: %s' % (self.location(), exc))
        answered = _now()
        location = http.mask_url(url)
        if fetched.status == 304:
            if not validators:
                raise exception.AliasSourceError(
                    source=NAME, reason='%s: HTTP 304 Not Modified to a '
                    'request that was not conditional' % location)
            self._fresh_until = answered + self._lifetime(fetched.headers)
            return held
        entries = document.decode_document(fetched.body, location)
        self._fresh_until = answered + self._lifetime(fetched.headers)
        token = document.etag_of(fetched.body)
        if not entries and (held is None or held.token != token):
            _warn_empty(location, held)
        self._on_cache_file.succeeded(source=NAME, url=location)
        return _Held(token, entries, fetched.headers.get('ETag'),
                     fetched.headers.get('Last-Modified'), location, False,
                     fetched.body)

    def report(self, status, token):
        """Keep how the registry's last check went, to tell the server.

        Sent with the next request for the document (when
        ``[pci_alias_remote] report_to_server`` is on), in the
        :data:`~nova_pci_alias.client_report.HEADER` header: the ETag of
        the document held (``token``), when the table was loaded and last
        checked, and the last error.  No request is made here.  Nothing
        is sent before the registry's first report: a command that reads
        the document once (and reports nothing) leaves no row in the fleet
        view.
        """
        self._reported = (token, status.loaded_at, status.last_check_at,
                          status.last_error)

    def _report_value(self):
        """The client report header's value, or None when not sent."""
        if self._reported is None or not self._options.report_to_server:
            return None
        token, loaded_at, checked_at, error = self._reported
        return client_report.encode(
            socket.gethostname(), client_report.service_name(),
            os.getpid(), token, loaded_at, checked_at, error)

    def _lifetime(self, headers):
        """Seconds to use a response before asking again."""
        group = self._options
        control = webob.cachecontrol.CacheControl.parse(
            headers.get('Cache-Control', ''), type='response')
        if control.no_store or control.no_cache:
            max_age = 0
        elif not isinstance(control.max_age, int):
            # Absent, or not a number: ask again at the next check.
            return group.min_refresh_interval
        else:
            max_age = control.max_age
            age = headers.get('Age', '')
            if age.isdigit():
                max_age -= int(age)
        return max(group.min_refresh_interval,
                   min(max_age, group.max_refresh_interval))

    def _warn_if_plain_http(self, url):
        if (self._warned_plain_http or self._options.allow_insecure_http
                or not url.lower().startswith('http:')):
            return
        self._warned_plain_http = True
        LOG.warning('PCI alias source %(source)r fetches %(url)s over plain '
                    'HTTP: the aliases can be read and changed on the way. '
                    'Use https, or set [%(group)s] allow_insecure_http = '
                    'true to accept this.',
                    {'source': NAME, 'url': http.mask_url(url),
                     'group': options.GROUP})

    def entries_accepted(self):
        """Keep the document just loaded in the cache file, if one is set.

        Called by the registry once the document's entries are part of a
        valid table, so the cache file only ever holds a document that
        loaded.
        """
        held = self._held
        path = self._options.cache_file
        if not path or held is None or held.from_cache:
            return
        tried = outage.attempt(cache.write, path, held.body, errors=OSError)
        if tried.error is not None:
            self._writing.failed(tried.error, source=NAME, path=path)
            return
        self._writing.succeeded(source=NAME, path=path)
        self._log_written(path, held, tried.value)

    @staticmethod
    def _log_written(path, held, removed):
        if removed:
            LOG.info('PCI alias source %(source)r removed %(count)d '
                     'temporary files that interrupted writes of its cache '
                     'file %(path)s left behind.',
                     {'source': NAME, 'count': removed, 'path': path})
        if not held.entries:
            LOG.warning('PCI alias source %(source)r keeps a document with '
                        'no aliases, from %(url)s, in its cache file '
                        '%(path)s: if this node starts while the server is '
                        'unreachable, it will have no aliases from it.',
                        {'source': NAME, 'url': held.location,
                         'path': path})

    def _load_cache_file(self, failure):
        """Return what the cache file holds, after a first download failed.

        :param failure: the AliasSourceError of the download.
        :raises nova_pci_alias.exception.AliasSourceError: there is no
            usable cache file either.
        """
        path = self._options.cache_file
        cached = _read_cache_file(path)
        if cached.why is not None:
            raise exception.AliasSourceError(
                source=NAME, reason='%s; and no aliases were loaded before, '
                'nor can be read from a cache file: %s'
                % (_reason_of(failure), cached.why))
        self._on_cache_file.failed(_reason_of(failure), source=NAME,
                                   path=path, age=cached.age)
        location = '%s (cached from %s)' % (path, self.location())
        return _Held(document.etag_of(cached.body), cached.entries, None,
                     None, location, True, cached.body)


def _read_cache_file(path):
    """Read a cache file that is to stand in for the server.

    :param path: the ``cache_file`` option's value (empty when not set).
    :returns: a ``_Cached``: the document, or why there is none (the file
        is not set, missing, unreadable, untrusted or not a valid
        document).
    """
    if not path:
        return _no_cache('[%s] cache_file is not set' % options.GROUP)
    try:
        cached = cache.read(path)
    except cache.UntrustedCacheFile as exc:
        return _no_cache(exc)
    except OSError as exc:
        return _no_cache('cannot read the cache file: %s' % exc)
    if cached is None:
        return _no_cache('the cache file %s does not exist' % path)
    body, age = cached
    try:
        entries = document.decode_document(body, path)
    except exception.InvalidAliasDocument as exc:
        return _no_cache(exc)
    return _Cached(body, entries, age, None)


def _no_cache(why):
    """A ``_Cached`` that says why the cache file cannot be served."""
    return _Cached(None, None, None, why)


def _warn_empty(location, held):
    """Say that a new document holds no aliases, and what it replaces."""
    if held is not None and held.entries:
        replaces = 'it replaces %d aliases from %s' % (
            len(held.entries), held.location)
    else:
        replaces = 'none were held before'
    LOG.warning('PCI alias source %(source)r fetched a document with no '
                'aliases from %(url)s (%(replaces)s).',
                {'source': NAME, 'url': location, 'replaces': replaces})


def _reason_of(failure):
    """The text of a source error without the "source failed" prefix."""
    if type(failure) is exception.AliasSourceError:
        return failure.kwargs.get('reason', failure)
    return failure
