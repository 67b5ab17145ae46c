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

"""Dispatch of the alias service's requests by path and method (routes).

A :class:`Router` holds a :class:`routes.Mapper`, in placement's manner:
each :class:`Route` connects one path template to a handler per method,
and a last route for the same path, with no method condition, answers any
other method ``405 Method Not Allowed`` with ``Allow``. A path that no
route matches goes to the router's ``default`` WSGI application (``404``,
or the next router).

A handler is called with the :class:`webob.Request` and the variables of
the path, and returns a :class:`webob.Response`. It refuses a request by
raising :class:`~nova_pci_alias.service.errors.APIError`; any other
exception is logged with its traceback and answered with a JSON ``500``
that tells the client nothing more.
"""

import collections

from oslo_log import log as logging
import routes
import webob
import webob.dec

from nova_pci_alias.service import errors

LOG = logging.getLogger(__name__)


class Route(collections.namedtuple(
        'Route', ['path', 'methods', 'requirements'])):
    """One resource: a path template and its handler for each method.

    :ivar path: a :mod:`routes` template, e.g. ``/v1/aliases/{name}``.
    :ivar methods: a mapping of HTTP method to handler; a ``GET`` handler
        also answers ``HEAD``, unless ``HEAD`` is given.
    :ivar requirements: the regular expressions the path variables must
        match, e.g. ``{'revision': r'\\d+'}``.
    """

    __slots__ = ()

    def __new__(cls, path, methods, requirements=None):
        methods = dict(methods)
        if 'GET' in methods:
            methods.setdefault('HEAD', methods['GET'])
        return super().__new__(cls, path, methods, dict(requirements or {}))

    @property
    def allow(self):
        """The value of the ``Allow`` header: its methods, sorted."""
        return ', '.join(sorted(self.methods))


def not_found(req, default_detail='No resource at %s.'):
    """The 404 of a path that no route matches."""
    return errors.error_response(req.environ, 404, errors.NOT_FOUND,
                                 default_detail % req.path_info)


@webob.dec.wsgify
def not_found_app(req):
    """A WSGI application that answers 404 to everything."""
    return not_found(req)


def _not_allowed(route):
    def handler(req, **_):
        raise errors.APIError(
            405, errors.METHOD_NOT_ALLOWED,
            'Method %s is not allowed on %s; it allows %s.'
            % (req.method, req.path_info, route.allow),
            headers=[('Allow', route.allow)])
    return handler


class Router:
    """Send each request to the handler of its path and method.

    :param routes_: the :class:`Route` objects, tried in order.
    :param default: the WSGI application for a path no route matches.
    """

    def __init__(self, routes_, default=not_found_app):
        self._mapper = routes.Mapper()
        for route in routes_:
            for method, handler in route.methods.items():
                self._mapper.connect(
                    route.path, handler=handler,
                    requirements=route.requirements,
                    conditions={'method': [method]})
            self._mapper.connect(route.path, handler=_not_allowed(route),
                                 requirements=route.requirements)
        self._default = default

    @webob.dec.wsgify
    def __call__(self, req):
        match = self._mapper.match(req.path_info, environ=req.environ)
        try:
            if match is None:
                return req.get_response(self._default)
            handler = match.pop('handler')
            return handler(req, **match)
        except errors.APIError as exc:
            return exc.response(req.environ)
        except Exception:
            LOG.exception('Unexpected error serving %s %s', req.method,
                          req.path_info)
            return errors.error_response(
                req.environ, 500, errors.INTERNAL_ERROR,
                'The alias service failed unexpectedly; the error is in '
                'its log under this request id.')
