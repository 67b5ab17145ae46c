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

"""The errors of nova_pci_alias.

Every error raised on purpose by this package derives from
:class:`NovaPciAliasException`.  The classes that Nova also has keep Nova's
names, keyword arguments and message texts, so code written for Nova's
``nova.exception`` can catch and print them unchanged: each class has a
``msg_fmt`` filled from the keyword arguments, and a positional message
replaces the whole text.
"""

from collections.abc import Iterable
from typing import Any


def _shown(value: object) -> str:
    try:
        return repr(value)
    except Exception:
        return '<%s object>' % type(value).__name__


class NovaPciAliasException(Exception):
    """Base class of every error raised by nova_pci_alias.

    :param message: if given, the whole message, used as it is.
    :param kwargs: values for the class's ``msg_fmt``; they are also kept
        on the instance as ``kwargs``.
    """

    msg_fmt = 'An unknown error occurred.'

    def __init__(self, message: object = None, **kwargs: Any) -> None:
        self.kwargs = kwargs
        try:
            if message is None:
                message = self.msg_fmt % kwargs
            message = str(message)
        except Exception:
            # A caller forgot an argument, or gave a value that cannot be
            # printed: show the template and what can be shown of the values
            # rather than failing while reporting another failure.
            message = '%s (%s)' % (self.msg_fmt, ', '.join(
                '%s=%s' % (key, _shown(value))
                for key, value in sorted(kwargs.items())))
        self.message = message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class PciInvalidAlias(NovaPciAliasException):
    """An alias definition, or a whole alias table, is invalid.

    ``position`` is the 0-based index of the offending entry in the list
    handed to :func:`nova_pci_alias.parse_aliases`, or None when the error is
    about the table as a whole.
    """

    msg_fmt = 'Invalid PCI alias definition: %(reason)s'
    position: int | None = None


class PciRequestAliasNotDefined(NovaPciAliasException):
    """A flavor asks for an alias name that the alias table does not have."""

    msg_fmt = 'PCI alias %(alias)s is not defined'


class InvalidAliasSpec(NovaPciAliasException, ValueError):
    """A ``pci_passthrough:alias`` extra spec is malformed.

    Also a :class:`ValueError`, which is what Nova raises for some of these.
    """

    msg_fmt = ('Invalid PCI alias request %(item)r in %(alias_spec)r: '
               'expected NAME:COUNT[,NAME:COUNT...] where COUNT is a whole '
               'number of at least 1')


class InvalidInput(NovaPciAliasException, ValueError):
    """An argument of the package's API has the wrong type or shape.

    For example a flavor whose ``extra_specs`` is not a mapping, or a key
    prefix that is not a string.  Also a :class:`ValueError`.
    """

    msg_fmt = 'Invalid %(what)s: %(reason)s'


class ImagePCINUMAPolicyForbidden(NovaPciAliasException):
    """An image asks for a PCI NUMA policy other than its flavor's."""

    msg_fmt = ("Image property 'hw_pci_numa_affinity_policy' is not "
               "permitted to override the 'hw:pci_numa_affinity_policy' "
               "flavor extra spec.")


class InvalidPCINUMAAffinity(NovaPciAliasException):
    """A PCI NUMA affinity policy is not one of the known policies."""

    msg_fmt = 'Invalid PCI NUMA affinity configured: %(policy)s'


class InvalidStashedRequests(NovaPciAliasException):
    """PCI requests kept in instance system metadata cannot be read."""

    msg_fmt = ('Cannot read the PCI requests stored under system metadata '
               'key %(key)r: %(reason)s')


class PciPlacementError(NovaPciAliasException, ValueError):
    """A PCI request cannot be turned into Placement request groups.

    Also a :class:`ValueError`, which is what Nova raises for a request it
    cannot place.  ``alias`` names the alias the request came from.
    """

    msg_fmt = ('The PCI request for alias %(alias)s cannot be expressed as '
               'Placement request groups: %(reason)s')


class PciPlacementMultipleSpecs(PciPlacementError):
    """A PCI request holds other than one device spec.

    With PCI in Placement a request must name exactly one device spec, since
    each of its devices is asked for as one resource class.
    """

    msg_fmt = ('The PCI request for alias %(alias)s has %(count)d device '
               'specs, but PCI in Placement needs exactly one spec per '
               'request. Give the alias a single entry; several '
               '[pci]device_spec matchers may share its resource_class.')


class PciPlacementNoResourceClass(PciPlacementError):
    """A device spec gives no way to name its Placement resource class.

    The spec has no ``resource_class`` (or an empty one) and lacks the
    vendor or product ID (``missing``) that a resource class would
    otherwise be made from.
    """

    msg_fmt = ('PCI device spec %(spec)s has no resource_class and no '
               '%(missing)s, so it has no Placement resource class: set '
               'resource_class, or both vendor_id and product_id, in the '
               'alias')


class AliasSourceError(NovaPciAliasException):
    """An alias source could not produce its entries."""

    msg_fmt = 'PCI alias source %(source)r failed: %(reason)s'


class AliasSourceNotFound(NovaPciAliasException):
    """A configured alias source name has no installed plugin."""

    msg_fmt = ('PCI alias source %(name)r is not installed: no entry point '
               'of that name in namespace %(namespace)r. Installed sources: '
               '%(installed)s')


class AliasSourceNotReady(AliasSourceError):
    """An alias source's backend answers, but cannot serve aliases yet.

    For example a database whose schema is missing or out of date.
    """

    msg_fmt = 'PCI alias source %(source)r is not ready: %(reason)s'


class InvalidAliasDocument(AliasSourceError):
    """A remote alias document is not a valid alias document.

    Raised for the document as a whole (not JSON, wrong version, wrong
    shape); invalid entries inside a well-formed document are reported by
    the registry with the entry's position.
    """

    msg_fmt = 'Invalid PCI alias document from %(origin)s: %(reason)s'


class PciInvalidAliasEntries(PciInvalidAlias):
    """Several alias entries of one list are invalid.

    Raised where every invalid entry must be reported at once (an import
    into the alias database).  ``errors`` holds ``(position, error)`` pairs:
    the 0-based position of each invalid entry (None for a whole-table
    error) and its :class:`PciInvalidAlias`.
    """

    msg_fmt = ('%(count)d invalid PCI alias entries in %(origin)s: '
               '%(details)s')

    def __init__(
            self, message: object = None,
            errors: Iterable[tuple[int | None, PciInvalidAlias]] = (),
            **kwargs: Any) -> None:
        self.errors = list(errors)
        if message is None:
            kwargs.setdefault('count', len(self.errors))
            kwargs.setdefault('details', '; '.join(
                describe_entry_error(position, error)
                for position, error in self.errors))
        super().__init__(message, **kwargs)


def describe_entry_error(position: int | None,
                         error: PciInvalidAlias) -> str:
    """Return ``entry N: MESSAGE`` (N from 1) for one invalid entry.

    :param position: the 0-based position, or None for a whole-table error.
    :param error: the entry's :class:`PciInvalidAlias`.
    """
    if position is None:
        return str(error)
    return 'entry %d: %s' % (position + 1, error)


class AliasTableNotEmpty(NovaPciAliasException):
    """An import would mix new entries with the ones already stored."""

    msg_fmt = ('the PCI alias database already holds %(count)d entries; '
               'import with --replace to replace them all')


class EmptyAliasImport(NovaPciAliasException):
    """An import would store no alias entries at all.

    Refused unless asked for explicitly, since it most often comes from the
    wrong file (or a nova.conf without ``[pci] alias``) and would leave
    every flavor that asks for a PCI alias unschedulable.
    """

    msg_fmt = ('%(origin)s holds no alias entries: importing it would leave '
               'the PCI alias database empty; pass --allow-empty if that is '
               'what you want')


class EmptyAliasTable(NovaPciAliasException):
    """The alias table the configuration gives is empty."""

    msg_fmt = ('the alias table is empty: 0 aliases from sources '
               '%(sources)s; configuration files: %(files)s. Pass '
               '--allow-empty if no PCI alias is intended')


class NoAliasSource(NovaPciAliasException):
    """The configuration names no alias source to read (or none was read)."""

    msg_fmt = ('no alias source is configured (configuration files: '
               '%(files)s): %(reason)s')


class AliasSourcesMisconfigured(NoAliasSource, AliasSourceError):
    """The configuration's list of alias sources cannot be used.

    The list is not set where it must be, or is empty, names a source
    twice, or names ``config`` where the oslo.config driver answers
    ``[pci] alias``.  A configuration error (the tools exit 2); an
    :class:`AliasSourceError` too, since no source can be read.
    """

    msg_fmt = '[%(group)s] sources %(reason)s'


class AliasTableChanged(NovaPciAliasException):
    """A conditional write found the alias table moved on.

    The write named the ETag of the table it was based on (``If-Match``),
    and the table committed since has another one: nothing was written.
    The alias service answers ``412 Precondition Failed``.
    """

    msg_fmt = ('the PCI alias table has changed since ETag %(expected)s '
               '(it is now %(current)s): nothing was written; read the '
               'table again and retry')


class AliasRevisionNotFound(NovaPciAliasException):
    """No recorded change gives the table at the revision asked for."""

    msg_fmt = ('no PCI alias table revision %(revision)s is recorded in the '
               'history (%(reason)s)')


class AuthNotConfigured(NovaPciAliasException):
    """The alias service is to check tokens but cannot: no Keystone user.

    ``[pci_alias_api] auth_strategy`` is ``keystone`` while
    ``[keystone_authtoken]`` names no usable auth plugin, with which
    keystonemiddleware would validate the clients' tokens: every request
    would fail.  The service refuses to start instead.
    """

    msg_fmt = ('[pci_alias_api] auth_strategy is keystone, but '
               '[%(group)s] %(reason)s, so no token could be validated. '
               'Configure [keystone_authtoken] as for any OpenStack service '
               '(www_authenticate_uri, auth_type = password, auth_url, '
               'username, password, project and domain names), or set '
               'auth_strategy = noauth, for development only')
