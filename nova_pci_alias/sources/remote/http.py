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

"""Fetching the alias document over HTTP(S) through keystoneauth1.

This module does the I/O of the ``remote`` source and nothing else: it
builds a keystoneauth1 :class:`~keystoneauth1.session.Session` (TLS,
timeout, optional Keystone authentication) and
:class:`~keystoneauth1.adapter.Adapter` (service catalog discovery, retries)
from ``[pci_alias_remote]``, sends one conditional ``GET`` (with the
process's client report, :mod:`nova_pci_alias.client_report`), and reads
the body without ever holding more than the payload limit, all within one
overall deadline of ``timeout`` seconds
(:mod:`~nova_pci_alias.sources.remote.deadline`).  What the body means is
decided elsewhere (:mod:`nova_pci_alias.document`).

Nothing here logs or raises a URL's user name, password or query string:
:func:`mask_url` hides them.
"""

import collections
import contextlib
import importlib.metadata
import urllib.parse

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

from nova_pci_alias import client_report
from nova_pci_alias.sources.remote import deadline
from nova_pci_alias.sources.remote import options

LOG = logging.getLogger(__name__)

_CHUNK_BYTES = 64 * 1024

# Names this package in the User-Agent of its requests.
_APP_NAME = 'nova_pci_alias'


def _app_version():
    try:
        return importlib.metadata.version(_APP_NAME)
    except importlib.metadata.PackageNotFoundError:
        return None


class FetchFailed(Exception):
    """The document could not be fetched.

    The text says why, without secrets and without the URL: the caller
    adds the masked URL.
    """


#: What one successful request gave: ``status`` is 200 (``body`` holds the
#: document) or 304 (``body`` is None); ``headers`` are the response's
#: headers; ``url`` the URL asked for.
Fetched = collections.namedtuple('Fetched', 'status body headers url')


def mask_url(url):
    """Return ``url`` with its user information and query string hidden.

    A query string often carries a signature (an object store's temporary
    URL, say), so its value is hidden whole.

    :param url: an absolute URL.
    :returns: the URL with ``***`` for the user information and the query;
        the fragment is dropped.
    """
    parts = urllib.parse.urlsplit(url)
    _userinfo, at, hostport = parts.netloc.rpartition('@')
    netloc = ('***@' if at else '') + hostport
    query = '***' if parts.query else ''
    return urllib.parse.urlunsplit(
        (parts.scheme, netloc, parts.path, query, ''))


def join_url(endpoint, path):
    """Return ``path`` under the ``endpoint`` URL, with one slash between."""
    return '%s/%s' % (endpoint.rstrip('/'), path.lstrip('/'))


class DocumentClient:
    """Sends the document requests of one ``remote`` source.

    Building it reads the configuration and loads the auth plugin, but
    does no I/O.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` holding
        ``[pci_alias_remote]`` (registered).
    :raises FetchFailed: the options are incomplete or contradictory.
    """

    def __init__(self, conf):
        group = conf[options.GROUP]
        if not group.url and not (group.service_type
                                  or group.endpoint_override):
            raise FetchFailed(
                'no document to fetch: set [%s] url, or service_type (or '
                'endpoint_override) to find it through the service catalog'
                % options.GROUP)
        try:
            auth = ks_loading.load_auth_from_conf_options(
                conf, options.GROUP)
            session = ks_loading.load_session_from_conf_options(
                conf, options.GROUP, auth=auth, app_name=_APP_NAME,
                app_version=_app_version())
            self.adapter = ks_loading.load_adapter_from_conf_options(
                conf, options.GROUP, session=session)
        except (ks_exceptions.ClientException, TypeError) as exc:
            raise FetchFailed('invalid [%s] options: %s'
                              % (options.GROUP, exc)) from None
        deadline.mount(session)
        #: The seconds one exchange may take, as a whole.
        self.timeout = session.timeout or options.DEFAULT_TIMEOUT
        self.url = group.url
        self.path = group.path
        self.limit = group.max_payload_bytes

    def deadline(self):
        """Return a context manager bounding what runs in it by ``timeout``.

        :meth:`document_url` and :meth:`get` each run within one; called
        inside another, they share it: a check as a whole (finding the
        endpoint, authenticating, fetching) then has ``timeout`` seconds.
        """
        return deadline.Deadline(self.timeout)

    def _timed_out(self):
        return FetchFailed('timed out: no complete answer within %g seconds '
                           '([%s] timeout)' % (self.timeout,
                                               options.GROUP))

    @contextlib.contextmanager
    def _bounded(self):
        """Run the block within :meth:`deadline`; past it, say so.

        A failure once the deadline has passed is the deadline's doing
        (its sockets were shut down), and so is a block that ended after
        it: the body read may have been cut.
        """
        with self.deadline() as clock:
            try:
                yield
            except deadline.DeadlinePassed:
                raise self._timed_out() from None
            except FetchFailed:
                if clock.expired:
                    raise self._timed_out() from None
                raise
            if clock.expired:
                raise self._timed_out()

    def document_url(self):
        """Return the absolute URL of the document.

        The ``url`` option when set; otherwise the endpoint found in the
        service catalog (which may authenticate first) joined with the
        ``path`` option.

        :raises FetchFailed: no endpoint was found, or not in time.
        """
        if self.url:
            return self.url
        with self._bounded():
            try:
                endpoint = self.adapter.get_endpoint()
            except ks_exceptions.ClientException as exc:
                raise self._no_endpoint(exc) from None
        if not endpoint:
            raise FetchFailed('no endpoint of service type %r in the service '
                              'catalog' % self.adapter.service_type)
        return join_url(endpoint, self.path)

    def _no_endpoint(self, exc):
        return FetchFailed('cannot find the endpoint of service type %r in '
                           'the service catalog: %s'
                           % (self.adapter.service_type, exc))

    def get(self, url, etag=None, last_modified=None, report=None):
        """GET the document, conditionally when validators are given.

        :param url: the absolute URL (from :meth:`document_url`).
        :param etag: the ETag of the document held, sent as
            ``If-None-Match``.
        :param last_modified: the ``Last-Modified`` of the document held,
            sent as ``If-Modified-Since`` when there is no ETag.
        :param report: the value of the
            :data:`~nova_pci_alias.client_report.HEADER` request header
            (:func:`nova_pci_alias.client_report.encode`), or None.
        :returns: a :class:`Fetched`.
        :raises FetchFailed: no complete answer within ``timeout`` seconds
            (from connecting to the body's last byte), an HTTP status other
            than 200 or 304, or a body larger than ``max_payload_bytes``.
        """
        headers = {'Accept': 'application/json'}
        if etag:
            headers['If-None-Match'] = etag
        elif last_modified:
            headers['If-Modified-Since'] = last_modified
        if report:
            headers[client_report.HEADER] = report
        with self._bounded():
            return self._get(url, headers)

    def _get(self, url, headers):
        scrub = _Scrubber(url)
        try:
            # log=False: keystoneauth's debug log of the response would read
            # the whole body, however large.
            response = self.adapter.get(url, headers=headers, stream=True,
                                        raise_exc=False, log=False,
                                        timeout=self.timeout)
        except ks_exceptions.ConnectTimeout:
            # A socket operation timed out before the watchdog fired.
            raise self._timed_out() from None
        except ks_exceptions.ClientException as exc:
            raise FetchFailed(scrub(exc)) from None
        with contextlib.closing(response):
            LOG.debug('GET %(url)s: HTTP %(status)s',
                      {'url': mask_url(url), 'status': response.status_code})
            if response.status_code == 304:
                return Fetched(304, None, response.headers, url)
            if response.status_code != 200:
                raise FetchFailed('HTTP %d %s' % (response.status_code,
                                                  response.reason or ''))
            body = self._read_bounded(response, scrub)
        return Fetched(200, body, response.headers, url)

    def _read_bounded(self, response, scrub):
        too_large = ('the document is larger than [%s] max_payload_bytes '
                     '(%d bytes)' % (options.GROUP, self.limit))
        length = response.headers.get('Content-Length', '')
        if length.isdigit() and int(length) > self.limit:
            raise FetchFailed('%s: Content-Length is %s'
                              % (too_large, length))
        chunks = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK_BYTES):
                size += len(chunk)
                if size > self.limit:
                    raise FetchFailed(too_large)
                chunks.append(chunk)
        except OSError as exc:
            # requests' errors while reading (RequestException and its
            # subclasses) are OSErrors.
            raise FetchFailed('reading the response failed: %s'
                              % scrub(exc)) from None
        return b''.join(chunks)


class _Scrubber:
    """Removes a URL's secrets from an error text that quotes the URL."""

    def __init__(self, url):
        self.url = url
        self.masked = mask_url(url)
        self.query = urllib.parse.urlsplit(url).query

    def __call__(self, exc):
        text = str(exc) or type(exc).__name__
        text = text.replace(self.url, self.masked)
        if self.query:
            text = text.replace(self.query, '***')
        return text
