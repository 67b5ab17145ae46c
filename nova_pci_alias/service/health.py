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

"""The ``pci_alias_table`` backend of oslo.middleware's healthcheck.

``/healthcheck`` of the alias service answers ``503`` while the service
cannot publish an alias table (its sources never loaded), through this
plugin of the ``oslo.middleware.healthcheck`` namespace, listed in
``[healthcheck] backends`` (the service's default).

oslo.middleware creates its backends with stevedore, with nothing but the
configuration, while :func:`nova_pci_alias.service.app.build_app` builds the
healthcheck. So the application hands its document resource over for the
time of that construction: :func:`handing_over` sets a context variable
that each backend created meanwhile reads in its constructor. Nothing
outlives the construction (no process-wide handle that the next
application built in the same process would replace), each application's
backend checks that application's own resource, and the application learns
whether a backend took it (:attr:`Handover.backends`), so that a backend
listed but not installed is an error at start-up, not a check that always
passes.
"""

import contextlib
import contextvars

from oslo_log import log as logging
from oslo_middleware.healthcheck import pluginbase

LOG = logging.getLogger(__name__)

#: The name of the backend, in ``[healthcheck] backends``.
BACKEND_NAME = 'pci_alias_table'

#: The reason given when the table can be served.
HEALTHY_REASON = 'OK'
#: The reason given when it cannot; the details are in the service's log.
UNAVAILABLE_REASON = ('No PCI alias table can be served: the alias sources '
                      'have not loaded.')
#: The reason given by a backend created outside the alias service.
UNBOUND_REASON = ('The %s healthcheck backend only checks the PCI alias '
                  'service, and runs outside it.' % BACKEND_NAME)

_HANDOVER = contextvars.ContextVar('nova_pci_alias_api_health_handover',
                                   default=None)


class Handover:
    """What a backend takes from the application under construction.

    :param resource: the object whose ``availability()`` is checked.

    ``backends`` lists the backends that took it.
    """

    def __init__(self, resource):
        self.resource = resource
        self.backends = []


@contextlib.contextmanager
def handing_over(resource):
    """Give ``resource`` to the backends created within the block.

    :returns: a context manager yielding the :class:`Handover`.
    """
    handover = Handover(resource)
    token = _HANDOVER.set(handover)
    try:
        yield handover
    finally:
        _HANDOVER.reset(token)


class AliasTableHealthcheck(pluginbase.HealthcheckBaseExtension):
    """Unhealthy while the alias service cannot publish a table.

    The check asks the service's document resource for its current
    publication, as a request for ``/v1/aliases`` would: before the first
    load, that asks the sources again once ``[pci_alias_api] retry_after``
    has passed, so a load balancer that sends nothing but health checks to
    a replica it took out still brings it back once its sources load.
    """

    def __init__(self, oslo_conf, conf):
        super().__init__(oslo_conf, conf)
        handover = _HANDOVER.get()
        self._resource = None if handover is None else handover.resource
        if handover is not None:
            handover.backends.append(self)

    def healthcheck(self, server_port):
        if self._resource is None:
            return pluginbase.HealthcheckResult(False, UNBOUND_REASON)
        try:
            available = self._resource.availability()
        except Exception:
            LOG.exception('The PCI alias table health check failed '
                          'unexpectedly')
            available = False
        if available:
            return pluginbase.HealthcheckResult(True, HEALTHY_REASON)
        return pluginbase.HealthcheckResult(False, UNAVAILABLE_REASON)
