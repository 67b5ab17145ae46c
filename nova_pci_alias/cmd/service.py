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

"""``nova-pci-alias-api``: run the alias service for development.

::

    nova-pci-alias-api [--config-file F] [--host 127.0.0.1] [--port 8790]

A single-process, multi-threaded server from the standard library
(:mod:`wsgiref`), listening on 127.0.0.1 unless told otherwise.  It is meant
for development and tests; production runs the same application under
uWSGI, gunicorn or mod_wsgi (:mod:`nova_pci_alias.wsgi.api`).

Exit codes: those of :data:`nova_pci_alias.cmd.common.EXIT_CODES`; 0 once
stopped by SIGINT or SIGTERM, 2 also for ``[pci_alias] sources`` not set
(the service refuses to guess what to publish), 6 when the address cannot
be listened on (in use, not permitted).
"""

import signal
import socket
import socketserver
import sys
from wsgiref import simple_server

from oslo_config import cfg
from oslo_log import log as logging

from nova_pci_alias.cmd import common
from nova_pci_alias import opts
from nova_pci_alias.service import app as app_mod
from nova_pci_alias.service import wsgi

LOG = logging.getLogger(__name__)

#: The port the development server listens on by default.
DEFAULT_PORT = 8790

# Command-line only: ``dest`` keeps them apart from Nova's own
# ``[DEFAULT] host`` when the server reads nova.conf.
cli_opts = [
    cfg.HostAddressOpt(
        'host',
        dest='listen_host',
        default='127.0.0.1',
        help='The address to listen on. Keep the default unless the '
             'clients are elsewhere: this server is for development, and '
             'serves plain HTTP.'),
    cfg.PortOpt(
        'port',
        dest='listen_port',
        default=DEFAULT_PORT,
        help='The port to listen on; 0 picks a free one (it is logged).'),
]


class _RequestHandler(simple_server.WSGIRequestHandler):
    """Sends the access log to oslo.log instead of standard error."""

    def log_message(self, format, *args):
        LOG.info('%s %s', self.address_string(), format % args)


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           simple_server.WSGIServer):
    daemon_threads = True


def make_server(host, port, application):
    """Return a threaded wsgiref server listening on ``host``:``port``.

    :param host: an IPv4 or IPv6 address, or a host name.
    :param port: a port number; 0 for any free port.
    :param application: the WSGI application to serve.
    :raises OSError: the address cannot be listened on.
    """
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    server_class = type('WSGIServer', (_ThreadingWSGIServer,),
                        {'address_family': family})
    return simple_server.make_server(host, port, application,
                                     server_class=server_class,
                                     handler_class=_RequestHandler)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt()


def _register(conf):
    conf.register_cli_opts(cli_opts)
    opts.register_nova_opts(conf)


def _serve(conf, out, err):
    """Build the application, then serve it until SIGINT or SIGTERM."""
    application = app_mod.build_app(conf, keep_checking=True)
    wsgi.settle()
    host, port = conf.listen_host, conf.listen_port
    try:
        server = make_server(host, port, application)
    except OSError as exc:
        raise common.CommandError(
            'cannot listen on %s port %d: %s'
            % (host, port, exc.strerror or exc), common.EXIT_LISTEN)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    bound_host, bound_port = server.server_address[:2]
    LOG.info('Development server of the PCI alias service listening on '
             '%(host)s port %(port)d (wsgiref; use uWSGI, gunicorn or '
             'mod_wsgi in production).', {'host': bound_host,
                                          'port': bound_port})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        LOG.info('Stopping the development server.')
    finally:
        server.server_close()


COMMAND = common.Command(
    prog=wsgi.PROG,
    description='Run the PCI alias service, which publishes the alias '
                'table of its own [pci_alias] sources as an alias document '
                'at /v1/aliases, on a single-process development server '
                '(wsgiref, plain HTTP) until SIGINT or SIGTERM. Production '
                'runs the same application, '
                'nova_pci_alias.wsgi.api:application, under uWSGI, '
                'gunicorn or mod_wsgi.',
    exit_codes=(common.EXIT_OK, common.EXIT_SOURCE, common.EXIT_LISTEN),
    register=_register,
    action=_serve)


def main(argv=None, conf=None, out=None, err=None):
    """Run the development server until SIGINT or SIGTERM.

    :param argv: the command-line arguments, without the program name;
        ``sys.argv[1:]`` when None.
    :param conf: the :class:`oslo_config.cfg.ConfigOpts` to use; a new one
        when None.
    :param out: unused: the server writes nothing but its log and its
        errors (``--help`` and ``--version`` go to standard output, as
        argparse writes them).
    :param err: where to write a fatal error; standard error when None.
    :returns: the exit code (see :func:`common.run`).
    """
    return common.run(COMMAND, argv, conf=conf, out=out, err=err)


if __name__ == '__main__':
    sys.exit(main())
