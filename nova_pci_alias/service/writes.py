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

"""The writes of the alias service: to its alias database, with history.

A :class:`TableWriter` runs one write of
:mod:`nova_pci_alias.sources.database.queries` for a request: with the
request's :class:`~nova_pci_alias.sources.database.history.Actor` (the
token's user and project, the request id), the ETags of its ``If-Match``,
and the validation rules of ``[pci_alias] pci_in_placement``; then it
refreshes the service's registry, so that the next read serves the new
table. The package's errors become the API's: an invalid table ``400``, a
table that moved on ``412``, an unknown alias or revision ``404``, a
database that cannot be reached ``503`` (the reason is logged, not sent).

The service writes only where it reads: when ``database`` is one of its
``[pci_alias] sources``, configured by its ``[pci_alias_database]``
options; elsewhere every write is ``405`` (the table is read-only there).
Conditional writes compare with the ETag of the database's table, which is
the ETag of ``GET /v1/aliases`` when ``database`` is the only source.
"""

from oslo_log import log as logging
import webob.etag

from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias import opts
from nova_pci_alias.service import auth
from nova_pci_alias.service import errors
from nova_pci_alias.sources.database import history

LOG = logging.getLogger(__name__)

#: The source the service writes to.
DATABASE_SOURCE = 'database'

#: The methods of a resource whose table is read-only on this service.
READ_ONLY_ALLOW = 'GET, HEAD'

UNAVAILABLE_DETAIL = ('The alias database cannot be reached; nothing was '
                      'written. The reason is in the service\'s log under '
                      'this request id.')

_NOT_FOUND = (exception.PciRequestAliasNotDefined,
              exception.AliasRevisionNotFound)
_INVALID = (exception.PciInvalidAlias, exception.PciPlacementError,
            exception.InvalidInput)


def if_match(req):
    """Return the ETags of the request's ``If-Match``, or None.

    :returns: None without the header; ``['*']`` for ``*``; else the list
        of the ETags named (unquoted).
    """
    value = req.headers.get('If-Match')
    if value is None:
        return None
    matcher = webob.etag.ETagMatcher.parse(value)
    if matcher is webob.etag.AnyETag:
        return ['*']
    return list(getattr(matcher, 'etags', ()))


def actor_of(req):
    """The history's Actor of a request: its token's user and project."""
    context = req.environ[auth.CONTEXT_KEY]
    return history.Actor(user_id=context.user_id,
                         project_id=context.project_id,
                         request_id=context.request_id)


class TableWriter:
    """Runs the database writes of the service's requests.

    :param conf: the service's :class:`oslo_config.cfg.ConfigOpts`.
    :param registry: the registry whose table the service serves; it is
        refreshed after each write.
    """

    def __init__(self, conf, registry):
        self._conf = conf
        self._registry = registry
        self.writable = DATABASE_SOURCE in (conf.pci_alias.sources or ())
        self._queries = None
        if self.writable:
            # Imported only where the service has a database.
            from nova_pci_alias.sources.database import queries
            queries.configure(conf)
            self._queries = queries

    @property
    def queries(self):
        """The :mod:`~nova_pci_alias.sources.database.queries` module.

        :raises nova_pci_alias.service.errors.APIError: 405, the service
            has no database (see :meth:`check_writable`).
        """
        self.check_writable()
        return self._queries

    def check_writable(self):
        """Raise a 405 APIError unless the service has a database."""
        if self._queries is None:
            raise errors.APIError(
                405, errors.READ_ONLY,
                'The PCI alias table is read-only on this service: its '
                '[pci_alias] sources do not include database, so it has '
                'nothing to write to and no history.',
                headers=[('Allow', READ_ONLY_ALLOW)])

    def read(self, func, *args, **kwargs):
        """Run a read of the database (the history), translating errors."""
        queries = self.queries
        return self._translated(getattr(queries, func), *args, **kwargs)

    def read_with(self, func, *args, **kwargs):
        """Run a function that reads the database, translating errors.

        ``func(*args, **kwargs)`` reads through ``queries`` (the fleet
        view); its errors become the API's as those of :meth:`read`.
        """
        self.check_writable()
        return self._translated(func, *args, **kwargs)

    def write(self, req, func, *args, conditional=True, **kwargs):
        """Run one write of ``queries`` for ``req``; refresh the registry.

        :param req: the :class:`webob.Request`.
        :param func: the name of the function of ``queries``.
        :param conditional: pass the request's ``If-Match`` on.
        :returns: what the function returns.
        :raises nova_pci_alias.service.errors.APIError: the write failed.
        """
        queries = self.queries
        kwargs['actor'] = actor_of(req)
        if conditional:
            kwargs['if_match'] = if_match(req)
        kwargs['pci_in_placement'] = opts.pci_in_placement(self._conf)
        result = self._translated(getattr(queries, func), *args, **kwargs)
        self._refresh()
        return result

    def database_etag(self):
        """The ETag of the database's table as it is now (after a write)."""
        entries = self._translated(self.queries.get_entries)
        return document.etag_of(document.encode_document(entries))

    def _translated(self, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except _NOT_FOUND as exc:
            raise errors.APIError(404, errors.NOT_FOUND, str(exc))
        except _INVALID as exc:
            raise errors.APIError(400, errors.INVALID_ALIAS, str(exc))
        except exception.AliasTableChanged as exc:
            raise errors.APIError(412, errors.TABLE_CHANGED, str(exc))
        except exception.AliasSourceError as exc:
            failure = exc
        LOG.warning('The alias database failed: %s', failure)
        raise errors.APIError(503, errors.TABLE_UNAVAILABLE,
                              UNAVAILABLE_DETAIL)

    def _refresh(self):
        try:
            self._registry.refresh()
        except Exception as exc:
            # The write is committed; the next check will pick it up.
            LOG.warning('The PCI alias table was written, but reloading '
                        'the sources failed: %s; the new table is served '
                        'once a later check succeeds.', exc)
