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

"""The options of the ``remote`` alias source, in ``[pci_alias_remote]``.

Besides its own options (where the document is, how often to check it, how
large it may be, where to keep a copy), the group holds the standard
keystoneauth1 options, registered with keystoneauth1's loading helpers: the
session options (TLS and timeout), the authentication options (any Keystone
auth plugin, or none) and the adapter options (service catalog discovery and
retries).
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova_pci_alias import optgroups

GROUP = 'pci_alias_remote'

#: Seconds to wait for the server when ``[pci_alias_remote] timeout`` is not
#: set: never wait forever.
DEFAULT_TIMEOUT = 10.0


remote_opts = [
    cfg.URIOpt(
        'url',
        schemes=['http', 'https'],
        # A URL can carry a user name and password, or a signature in its
        # query string (an object store's temporary URL).
        secret=True,
        help='The URL of the alias document. When it is not set, the '
             'document is found through the service catalog: see '
             'service_type and path. Secret: it may hold credentials or a '
             'signature, so it is not printed when the options are '
             'logged, and messages show it with its user information and '
             'query string masked.'),
    cfg.StrOpt(
        'path',
        default='/v1/aliases',
        help='The path of the alias document under the endpoint found in '
             'the service catalog (or given as endpoint_override). Used '
             'only when url is not set.'),
    cfg.IntOpt(
        'min_refresh_interval',
        default=0,
        min=0,
        help='The fewest seconds between two requests to the server, '
             'whatever its Cache-Control header says. The registry checks '
             'no more often than [pci_alias] refresh_interval anyway.'),
    cfg.IntOpt(
        'max_refresh_interval',
        default=600,
        min=0,
        help='The most seconds a document is used without asking the '
             'server again: a longer Cache-Control max-age is cut to this, '
             'so a change is seen within this time.'),
    cfg.IntOpt(
        'max_payload_bytes',
        default=1024 * 1024,
        min=1,
        help='The largest document accepted, in bytes. A larger response '
             'is refused without being read whole.'),
    cfg.StrOpt(
        'cache_file',
        help='A local file keeping the last good document, written '
             'atomically with owner-only permissions after each good '
             'download. When the first download after a start fails, the '
             'aliases are served from this file (and a warning says so). '
             'The file is used only if it is a regular file (not a '
             'symbolic link, FIFO or device) owned by the service\'s user '
             'and writable by no one else. Not set: no copy is kept.'),
    cfg.BoolOpt(
        'allow_insecure_http',
        default=False,
        help='Fetch a plain http:// URL without logging a warning. Aliases '
             'fetched over plain HTTP can be read and changed in transit; '
             'prefer https.'),
    cfg.BoolOpt(
        'report_to_server',
        default=True,
        help='Tell the server, with each request for the document, who '
             'this process is and what it holds: a request header '
             'OpenStack-PCI-Alias-Client with the host name, program name, '
             'process id, the ETag of the document held, when it was '
             'loaded and last checked, and the last error (cut short). The '
             'alias service lists it in its fleet view (GET /v1/consumers, '
             '"nova-pci-alias-manage status"); any other server ignores '
             'the header.'),
]

_GROUP = optgroups.OptionGroup(
    GROUP,
    title='Remote PCI alias document',
    help='The "remote" alias source: a PCI alias document fetched over '
         'HTTP(S) through a keystoneauth1 session.',
    opts=remote_opts)


def _session_opts():
    options = ks_loading.get_session_conf_options()
    cfg.set_defaults(options, timeout=DEFAULT_TIMEOUT)
    for option in options:
        if option.dest == 'timeout':
            option.help = (
                'Seconds one check of the document may take as a whole: '
                'finding the endpoint (and authenticating), connecting, '
                'the TLS handshake, the headers and the whole body, '
                'retries and redirects included. A server that is slower, '
                'even one sending a byte at a time, fails the check.')
    return options


#: The keystoneauth1 options of the group that can carry a credential and
#: that keystoneauth1 does not mark secret (its auth plugins mark their
#: passwords, secrets and tokens themselves).
SECRET_ADAPTER_OPTS = ('endpoint_override',)


def _adapter_opts():
    options = ks_loading.get_adapter_conf_options(include_deprecated=False)
    cfg.set_defaults(options, valid_interfaces=['internal', 'public'])
    for option in options:
        if option.dest in SECRET_ADAPTER_OPTS:
            # A URL, which can hold a user name and password.
            option.secret = True
    return options


def register_opts(conf):
    """Register every option of ``[pci_alias_remote]`` on ``conf``.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts`.
    """
    _GROUP.register(conf)
    conf.register_opts(_session_opts(), group=GROUP)
    conf.register_opts(_adapter_opts(), group=GROUP)
    ks_loading.register_auth_conf_options(conf, GROUP)


def list_opts():
    """Return the options of ``[pci_alias_remote]`` for the sample config.

    The Keystone ``password`` auth plugin's options are listed as an
    example; any other plugin's options are read once ``auth_type`` names
    it.

    :returns: a list with one ``(OptGroup, [Opt, ...])`` tuple.
    """
    return _GROUP.list_opts(
        _session_opts(),
        ks_loading.get_auth_common_conf_options(),
        ks_loading.get_auth_plugin_conf_options('password'),
        _adapter_opts())
