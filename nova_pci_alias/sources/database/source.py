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

"""``DatabaseSource``: the alias source plugin named ``database``.

Reads the alias entries of the database set in ``[pci_alias_database]``
(see :mod:`nova_pci_alias.sources.database.options`).  Its change token is
the database's revision counter, one single-row query, so the registry reads
the entries again only after a write.  Entries are handed to the registry
unvalidated, like every source's: rows written by hand are checked by the
same rules as any other entry.

After each check of the sources the source reports the revision the
process serves to the database's ``pci_alias_consumers`` table
(:mod:`~nova_pci_alias.sources.database.consumers`), throttled to one
statement per ``[pci_alias_database] report_interval``; not after a
check in which the database itself failed to answer.
"""

from nova_pci_alias import sources
from nova_pci_alias.sources.database import consumers
from nova_pci_alias.sources.database import options
from nova_pci_alias.sources.database import queries


class DatabaseSource(sources.AliasSource):
    """Alias entries from the alias database.

    :param conf: the :class:`oslo_config.cfg.ConfigOpts` holding the
        ``[pci_alias_database]`` options (registered here).
    """

    def __init__(self, conf):
        super().__init__(conf)
        options.register_opts(conf)
        self._configured = False
        self._reporter = consumers.Reporter(conf)
        self._read_failed = False

    def _database(self):
        # Configured on first use, not in __init__: the options may still
        # change between the source's creation and its first read.
        if not self._configured:
            queries.configure(self.conf)
            self._configured = True
        return queries

    def _read(self, query):
        self._read_failed = True
        result = query()
        self._read_failed = False
        return result

    def entries(self):
        """Return the stored entries, in order.

        :raises nova_pci_alias.exception.AliasSourceNotReady: the schema is
            missing or out of date.
        :raises nova_pci_alias.exception.AliasSourceError: the database
            cannot be reached.
        """
        return self._read(self._database().get_entries)

    def change_token(self):
        """Return the database's revision counter (one tiny query)."""
        return self._read(self._database().get_revision)

    def report(self, status, token):
        """Write this process's row of the fleet view, when it is due.

        Skipped when this source's own last read failed: a database that
        did not answer a read would make the write wait for its deadline
        too, and the first lookup, which reports after its failed load,
        would wait twice.
        """
        if self._read_failed:
            return
        self._database()
        self._reporter.report(status, token)

    def location(self):
        """Return the connection URL in use, with the password masked."""
        return self._database().database_location()

    @classmethod
    def list_opts(cls):
        return options.list_opts()
