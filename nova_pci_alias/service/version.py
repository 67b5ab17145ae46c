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

"""The version document of the alias service, at ``/``.

What a client finds at the endpoint of the ``pci-alias`` service in the
Keystone catalog: the API versions and where each is. It needs no token::

    {"versions": [{"id": "v1.0", "status": "CURRENT",
                   "links": [{"rel": "self",
                              "href": "https://aliases.example/v1/"}]}]}

The links are absolute, built from the URL the client used (behind a TLS
proxy, with ``[oslo_middleware] enable_proxy_headers_parsing``).
"""

import json

import webob

#: The one version of the API.
VERSION_ID = 'v1.0'
#: Its path, under the service root.
VERSION_PATH = '/v1/'


def version_document(root):
    """Return the version document of a service at ``root``.

    :param root: the service's URL, without a trailing ``/``.
    :returns: a dict.
    """
    return {'versions': [{
        'id': VERSION_ID, 'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': root + VERSION_PATH}]}]}


def show(req):
    """``GET /``: the version document."""
    body = json.dumps(version_document(req.application_url), sort_keys=True)
    return webob.Response(body=body.encode('utf-8'),
                          content_type='application/json', charset=None)
