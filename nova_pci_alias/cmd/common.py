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

"""What every command of the package shares: the runner and the exit codes.

Each console script (``nova-pci-alias``, ``nova-pci-alias-manage``,
``nova-pci-alias-api``) is a :class:`Command`: its name, a one-paragraph
description, the exit codes it can end with, how it registers its options
and what it does.  :func:`run` does the rest the same way for all of them:
it parses the command line with oslo.config (``--help`` and ``--version``
included), sets up oslo.log, calls the action, and turns what comes out of
it (the package's errors, :class:`CommandError`, oslo.config's errors,
``SystemExit``, ``KeyboardInterrupt``) into one error line on standard
error and an exit code.

The exit codes are those of :data:`EXIT_CODES`, one set for every command,
so that a script reads them the same way whichever tool it runs; the
documentation lists them in ``doc/source/cli/index.rst``.
"""

import argparse
import importlib.metadata
import sys

from oslo_config import cfg
from oslo_log import log as logging

from nova_pci_alias import exception

EXIT_OK = 0
EXIT_INVALID_ALIAS = 1
EXIT_USAGE = 2
EXIT_SOURCE = 3
EXIT_BAD_REQUEST = 4
EXIT_NOT_READY = 5
EXIT_LISTEN = 6
EXIT_EMPTY = 7
EXIT_BEHIND = 8
EXIT_INTERRUPTED = 130

#: What each exit code means, as ``--help`` shows it.
EXIT_CODES = {
    EXIT_OK: 'success',
    EXIT_INVALID_ALIAS: 'an invalid alias definition or alias document',
    EXIT_USAGE: 'a usage or configuration error',
    EXIT_SOURCE: 'an alias source cannot be read (database unreachable, '
                 'URL failing) or is not installed',
    EXIT_BAD_REQUEST: 'a bad request: an unknown alias name or revision, a '
                      'malformed extra spec, an unknown NUMA policy',
    EXIT_NOT_READY: 'the alias database has no schema, or an older one '
                    '(run "nova-pci-alias-manage db sync")',
    EXIT_LISTEN: 'the service cannot listen on its address',
    EXIT_EMPTY: 'the alias table is, or would be left, empty (refused '
                'unless --allow-empty)',
    EXIT_BEHIND: 'a process reading the alias database has held an older '
                 'table than the current one for longer than the threshold '
                 '("nova-pci-alias-manage status")',
    EXIT_INTERRUPTED: 'interrupted (SIGINT, Ctrl-C)',
}

#: The distribution whose version ``--version`` prints.
DISTRIBUTION = 'nova_pci_alias'

#: The codes a command that reads or writes the alias table can end with.
TABLE_EXIT_CODES = (EXIT_OK, EXIT_INVALID_ALIAS, EXIT_SOURCE,
                    EXIT_BAD_REQUEST, EXIT_NOT_READY, EXIT_EMPTY)

# Most specific first: the first class an error is an instance of wins.
_EXIT_CODES = (
    (exception.PciInvalidAlias, EXIT_INVALID_ALIAS),
    (exception.InvalidAliasDocument, EXIT_INVALID_ALIAS),
    (exception.AliasTableNotEmpty, EXIT_USAGE),
    # A conditional write whose table moved on: read it again and retry.
    (exception.AliasTableChanged, EXIT_USAGE),
    (exception.NoAliasSource, EXIT_USAGE),
    (exception.AuthNotConfigured, EXIT_USAGE),
    (exception.EmptyAliasImport, EXIT_EMPTY),
    (exception.EmptyAliasTable, EXIT_EMPTY),
    (exception.AliasSourceNotReady, EXIT_NOT_READY),
    (exception.AliasSourceNotFound, EXIT_SOURCE),
    (exception.AliasSourceError, EXIT_SOURCE),
    (exception.PciRequestAliasNotDefined, EXIT_BAD_REQUEST),
    (exception.AliasRevisionNotFound, EXIT_BAD_REQUEST),
    (exception.InvalidAliasSpec, EXIT_BAD_REQUEST),
    (exception.InvalidPCINUMAAffinity, EXIT_BAD_REQUEST),
    (exception.InvalidInput, EXIT_BAD_REQUEST),
)

# The codes run() itself ends a command with.
_RUNNER_CODES = frozenset((EXIT_USAGE, EXIT_INTERRUPTED))


class CommandError(Exception):
    """A failure of a command's own, and the exit code it ends with.

    :param message: the error line, without the ``PROG: error:`` prefix.
    :param code: one of :data:`EXIT_CODES`; :data:`EXIT_USAGE` by default.
    """

    def __init__(self, message, code=EXIT_USAGE):
        super().__init__(message)
        self.code = code


class UsageError(CommandError):
    """A command line that cannot be carried out as given (exit code 2)."""


class Command:
    """One console script, as :func:`run` runs it.

    :param prog: the script's name, as errors and ``--help`` show it.
    :param description: one paragraph saying what the command does.
    :param exit_codes: the codes of :data:`EXIT_CODES` it can end with;
        ``--help`` lists them, with those :func:`run` gives every command
        (:data:`EXIT_USAGE`, :data:`EXIT_INTERRUPTED`).
    :param register: ``register(conf)`` registers the command's own
        options (its command-line options and sub-commands, the
        configuration options it reads); oslo.log's are added by
        :func:`run`.
    :param action: ``action(conf, out, err)`` does the work once the
        command line is parsed and logging is set up; it returns the exit
        code, or None for :data:`EXIT_OK`.
    """

    def __init__(self, prog, description, exit_codes, register, action):
        unknown = set(exit_codes) - set(EXIT_CODES)
        if unknown:
            raise ValueError('no such exit code: %s' % sorted(unknown))
        self.prog = prog
        self.description = description
        self.exit_codes = tuple(sorted(set(exit_codes) | _RUNNER_CODES))
        self.register = register
        self.action = action

    def main(self, argv=None, conf=None, out=None, err=None):
        """Run the command; return its exit code (see :func:`run`)."""
        return run(self, argv, conf=conf, out=out, err=err)

    def epilog(self):
        """The exit codes paragraph of ``--help``."""
        codes = '; '.join('%d %s' % (code, EXIT_CODES[code])
                          for code in self.exit_codes)
        return ('Exit codes: %s. Errors are one line each on standard '
                'error.' % codes)


def counting(least, what):
    """An argument parser ``type``: an integer of at least ``least``.

    :param what: what the number is, for the error, as ``a revision``.
    """
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(
                '%s must be an integer of at least %d, not %r' % (
                    what, least, text))
        return value
    return parse


def version():
    """The installed version of the package, as ``--version`` prints it."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return 'unknown (not installed)'


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


def _report_package_error(err, prog, exc):
    """Report an error of the package; return its exit code."""
    if isinstance(exc, exception.PciInvalidAliasEntries):
        # One line per invalid entry, each with its position.
        origin = exc.kwargs.get('origin')
        for position, error in exc.errors:
            report(err, prog, '%s: %s' % (
                origin, exception.describe_entry_error(position, error)))
        return EXIT_INVALID_ALIAS
    report(err, prog, exc)
    return exit_code(exc)


def system_exit_code(exc, err, prog):
    """The exit code of a ``SystemExit``, as the command returns it.

    argparse and oslo.config raise it after ``--help`` and ``--version``
    (code 0), and after printing why they refused a command line (code 2,
    or 1 from oslo.config for an option value of the wrong type): a usage
    error.  Any other ``SystemExit`` (``sys.exit()`` in a plugin) ends the
    command the same way, so that it only ever exits with a code of
    :data:`EXIT_CODES`; a message it carries is reported.
    """
    code = exc.code
    if code is None or code == 0:
        return EXIT_OK
    if not isinstance(code, int):
        report(err, prog, code)
    return EXIT_USAGE


def _parse(command, conf, argv):
    command.register(conf)
    logging.register_options(conf)
    conf(sys.argv[1:] if argv is None else argv, project='nova',
         prog=command.prog, version='%(prog)s ' + version(),
         description=command.description, epilog=command.epilog())


def run(command, argv=None, conf=None, out=None, err=None):
    """Run ``command``; return its exit code.

    :param command: the :class:`Command`.
    :param argv: the command-line arguments, without the program name;
        ``sys.argv[1:]`` when None.
    :param conf: the :class:`oslo_config.cfg.ConfigOpts` to use; a new one
        when None.
    :param out: where the command writes its results; standard output
        when None.
    :param err: where errors and warnings go; standard error when None.
    :returns: one of :data:`EXIT_CODES`.
    """
    conf = cfg.ConfigOpts() if conf is None else conf
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = command.prog
    try:
        _parse(command, conf, argv)
        logging.setup(conf, prog)
        code = command.action(conf, out, err)
    except exception.NovaPciAliasException as exc:
        return _report_package_error(err, prog, exc)
    except CommandError as exc:
        report(err, prog, exc)
        return exc.code
    except cfg.Error as exc:
        report(err, prog, exc)
        return EXIT_USAGE
    except SystemExit as exc:
        return system_exit_code(exc, err, prog)
    except KeyboardInterrupt:
        report(err, prog, 'interrupted')
        return EXIT_INTERRUPTED
    return EXIT_OK if code is None else code
