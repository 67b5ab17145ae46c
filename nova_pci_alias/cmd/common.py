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

"""What every command of the package shares: exit codes and error lines.

One set of exit codes for ``nova-pci-alias``, ``nova-pci-alias-manage`` and
``nova-pci-alias-api``, so that a script reads them the same way whichever
tool it runs:

== ==================================================================
0  success
1  an invalid alias definition or alias document
2  a usage or configuration error
3  an alias source cannot be read (database unreachable, URL failing)
   or is not installed
4  a bad request: an unknown alias name, a malformed extra spec, an
   unknown NUMA policy
5  the alias database has no schema, or an older one: run
   ``nova-pci-alias-manage db sync``
6  the service cannot listen on its address
7  the alias table is, or would be left, empty: ``validate`` of a
   configuration whose sources give no alias, an ``alias import`` of a
   document without entries (both refused unless ``--allow-empty``)
== ==================================================================
"""

from nova_pci_alias import exception

EXIT_OK = 0
EXIT_INVALID_ALIAS = 1
EXIT_USAGE = 2
EXIT_SOURCE = 3
EXIT_BAD_REQUEST = 4
EXIT_NOT_READY = 5
EXIT_LISTEN = 6
EXIT_EMPTY = 7

# Most specific first: the first class an error is an instance of wins.
_EXIT_CODES = (
    (exception.PciInvalidAlias, EXIT_INVALID_ALIAS),
    (exception.InvalidAliasDocument, EXIT_INVALID_ALIAS),
    (exception.AliasTableNotEmpty, EXIT_USAGE),
    (exception.NoAliasSource, EXIT_USAGE),
    (exception.EmptyAliasImport, EXIT_EMPTY),
    (exception.EmptyAliasTable, EXIT_EMPTY),
    (exception.AliasSourceNotReady, EXIT_NOT_READY),
    (exception.AliasSourceNotFound, EXIT_SOURCE),
    (exception.AliasSourceError, EXIT_SOURCE),
    (exception.PciRequestAliasNotDefined, EXIT_BAD_REQUEST),
    (exception.InvalidAliasSpec, EXIT_BAD_REQUEST),
    (exception.InvalidPCINUMAAffinity, EXIT_BAD_REQUEST),
    (exception.InvalidInput, EXIT_BAD_REQUEST),
)


def exit_code(exc):
    """Return the exit code for an error of this package.

    :param exc: a :class:`~nova_pci_alias.exception.NovaPciAliasException`.
    :returns: one of the ``EXIT_*`` codes; :data:`EXIT_SOURCE` for an error
        of no listed kind (a source failing in a way of its own).
    """
    for cls, code in _EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return EXIT_SOURCE


def report(err, prog, message):
    """Write one error line, ``PROG: error: MESSAGE``, to ``err``."""
    err.write('%s: error: %s\n' % (prog, message))


def warn(err, prog, message):
    """Write one warning line, ``PROG: WARNING: MESSAGE``, to ``err``."""
    err.write('%s: WARNING: %s\n' % (prog, message))
