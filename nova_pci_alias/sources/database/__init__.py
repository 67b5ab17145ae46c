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

"""The ``database`` alias source: alias entries in a SQL table.

Large clouds keep one alias catalogue for every Nova node.  This source reads
it from SQL through oslo.db: SQLite by default (a file, no server needed),
MySQL/MariaDB (PyMySQL) or PostgreSQL (psycopg2) in production::

    [pci_alias]
    sources = config, database

    [pci_alias_database]
    connection = mysql+pymysql://nova:PASSWORD@db.example/nova_pci_alias

The package is laid out one idea per module:

``options``
    the ``[pci_alias_database]`` options: oslo.db's database options in a
    group of their own, with short retry defaults.
``models``
    the SQLAlchemy models: one row per alias entry, a column per field of
    the alias entry schema (derived from it), a one-row revision
    counter that every write bumps (the source's change token), the
    change history, one row per write, and the processes reading the
    database.
``migrations/`` and ``migration``
    the alembic migrations shipped in the package, and the functions that
    run them (``nova-pci-alias-manage db sync``).
``validation``
    pure checks of a whole alias table before it is written.
``preconditions``
    pure: the ETag of a table, and the ``If-Match`` check of a
    conditional write.
``history``
    who made a change (:class:`~nova_pci_alias.sources.database.history.
    Actor`), as its history row records it.
``queries``
    the data access functions, on an enginefacade transaction context of
    this package's own.
``consumers``
    the fleet view: each process reports the revision it holds to
    ``pci_alias_consumers``, throttled.
``fleet``
    pure: which processes of the fleet view are behind, since when, or
    silent (``nova-pci-alias-manage status``).
``errors``
    what oslo.db, SQLAlchemy and the drivers raise, as the package's
    errors; the filter that keeps oslo.db from logging them again.
``source``
    :class:`~nova_pci_alias.sources.database.source.DatabaseSource`, the
    plugin the registry loads.
"""
