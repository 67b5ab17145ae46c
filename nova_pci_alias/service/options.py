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

"""The options of the alias service, in ``[pci_alias_api]``."""

from oslo_config import cfg

from nova_pci_alias import optgroups

GROUP = 'pci_alias_api'

api_opts = [
    cfg.IntOpt(
        'cache_max_age',
        default=60,
        min=0,
        help='Seconds a client or a caching proxy may keep the alias '
             'document before asking again, sent as "Cache-Control: '
             'max-age=N". Clients revalidate with If-None-Match, which '
             'costs the service no encoding. Keep it at or below '
             '[pci_alias] refresh_interval of the readers; 0 asks them '
             'to revalidate on every read.'),
    cfg.IntOpt(
        'retry_after',
        default=10,
        min=1,
        help='Seconds during which the service answers 503 without trying '
             'its sources again when they have never loaded (and sent to '
             'clients as "Retry-After"). It keeps a broken backend from '
             'being asked once per request. Once a table has loaded, a '
             'failing source is retried every [pci_alias] '
             'refresh_interval and the last good table is served '
             'meanwhile.'),
    cfg.StrOpt(
        'auth_strategy',
        default='keystone',
        choices=[
            ('keystone', 'Every resource but the version document at / '
                         'and /healthcheck needs a Keystone token, checked '
                         'by keystonemiddleware\'s auth_token with the '
                         '[keystone_authtoken] options.'),
            ('noauth', 'No authentication: every request acts as an admin '
                       '(user and project "noauth", or the X-User-Id and '
                       'X-Project-Id headers of the request). For '
                       'development and tests only; the service logs a '
                       'WARNING when it starts.'),
        ],
        help='How the service authenticates its clients.'),
    cfg.IntOpt(
        'max_request_body_size',
        default=1024 * 1024,
        min=1,
        help='The largest request body, in bytes, that the service reads; '
             'a larger one is answered 413 without being read.'),
]

_GROUP = optgroups.OptionGroup(
    GROUP,
    title='PCI alias service',
    help='How nova-pci-alias-api publishes the alias table of its own '
         '[pci_alias] sources at GET /v1/aliases, whom it lets in, and '
         'what it reads of a request.',
    opts=api_opts)


def register_opts(conf):
    """Register the ``[pci_alias_api]`` options on ``conf``.

    :param conf: a :class:`oslo_config.cfg.ConfigOpts`.
    """
    _GROUP.register(conf)


def list_opts():
    """Return the service's options, for ``oslo-config-generator``.

    The ``nova_pci_alias.service`` entry point of the ``oslo.config.opts``
    namespace.

    :returns: a list of one ``(OptGroup, [Opt, ...])`` tuple.
    """
    return _GROUP.list_opts()
