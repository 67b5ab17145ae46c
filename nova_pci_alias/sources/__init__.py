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

"""The alias source plugin interface.

An *alias source* yields raw alias entries: the ``config`` source reads
``[pci] alias`` from the configuration, others read a database or a remote
document.  Sources are plugins, found through the stevedore namespace
:data:`NAMESPACE`; a deployer lists the ones to use, in order::

    [pci_alias]
    sources = config, database

A third party adds a source by declaring an entry point in that namespace for
a subclass of :class:`AliasSource`; nothing here needs to change.  Sources
never validate entries on their own terms: the registry validates the merged
list of every source with :func:`nova_pci_alias.parse_aliases`.
"""

import abc
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oslo_config import cfg

#: The stevedore namespace alias source plugins are registered in.
NAMESPACE = 'nova_pci_alias.sources'


class AliasSource(metaclass=abc.ABCMeta):
    """A supplier of alias entries.

    The registry creates each configured source once, as
    ``SourceClass(conf)``.  The constructor registers the source's own
    options (in a group of its own) and must not do I/O: the first
    :meth:`entries` call is where a source first reaches its backend.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` to read options
        from.
    """

    def __init__(self, conf: 'cfg.ConfigOpts') -> None:
        self.conf = conf

    @abc.abstractmethod
    def entries(self) -> Sequence[Mapping[str, Any] | str]:
        """Return this source's alias entries, in order.

        :returns: a list of alias entries, each a dict or the JSON text of
            an object, exactly as defined in the alias schema.  Entries are
            not validated here.
        :raises nova_pci_alias.exception.AliasSourceError: the entries
            cannot be read now.  The message must say which backend failed
            (without secrets) and why.
        """

    def change_token(self) -> Hashable | None:
        """Return a cheap token that changes whenever the entries change.

        The registry calls this on each refresh and reads :meth:`entries`
        again only when the token differs from the last one.  A source that
        cannot tell cheaply returns None (the default), and is read again on
        every refresh.

        :returns: a hashable, comparable value, or None.
        :raises nova_pci_alias.exception.AliasSourceError: the backend cannot
            be reached.
        """
        return None

    def entries_accepted(self) -> None:
        """Hear that the entries :meth:`entries` last returned are served.

        The registry calls this after a table built with those entries
        passed validation and replaced the previous one.  A source that
        keeps a copy of what its backend said (a cache file, say) saves it
        here, so that the copy only ever holds entries that loaded.  The
        default does nothing.  An error raised here is logged by the
        registry; the new table stays in service.
        """

    def report(self, status: Any, token: Hashable | None) -> None:
        """Hear how the registry's last check of the sources went.

        The registry calls this after every load and check of its sources,
        successful or not (the first load included), outside the lock that
        serialises the checks: in the background check's thread, or after
        the first load (or a :meth:`~nova_pci_alias.registry.AliasRegistry.
        refresh`) in the calling thread.  A source that keeps a record of
        the processes reading it (the ``database`` source's fleet view)
        writes it here, throttled; it must return quickly when nothing is
        due, and never raise: an error raised here is logged by the
        registry once per outage, and aliases are served as before.  The
        default does nothing.

        :param status: the registry's
            :class:`~nova_pci_alias.registry.RegistryStatus` after the check.
        :param token: this source's :meth:`change_token` of the table
            served now, or None before a table first loaded.
        """

    def location(self) -> str | None:
        """Return where this source reads from, for messages.

        The registry adds it to the error that reports an invalid entry of
        this source, so an operator knows which file, database or URL to
        fix.  It must hold no secret: mask passwords in URLs.

        :returns: a short text such as a masked database URL or a document
            URL, or None (the default) when the source name says enough.
        """
        return None

    @classmethod
    def list_opts(cls) -> Sequence[tuple[str, Sequence['cfg.Opt']]]:
        """Return this source's options for the sample configuration.

        :returns: a list of ``(group_name, [Opt, ...])`` tuples.
        """
        return []
