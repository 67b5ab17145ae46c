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


"""Keystone's v3 token API, as much as a password login of ``openstack``.

The bodies are keystoneauth1's own test fixtures
(:mod:`keystoneauth1.fixture`): the version document of ``GET /v3`` and a
project-scoped token whose catalog the test writes.  Enough to check how
the commands pick their endpoint from a catalog; the real Keystone is the
functional tests'.
"""

import json

from keystoneauth1 import fixture
import webob
import webob.dec

#: The token id every login gets.
TOKEN_ID = 'gAAAAAB-pci-alias-test-token'


class IdentityApp:
    """Answers ``GET /v3`` and ``POST /v3/auth/tokens``.

    :param token: the :class:`keystoneauth1.fixture.V3Token` to issue.

    ``self.logins`` counts the ``POST /v3/auth/tokens`` answered.
    """

    def __init__(self, token):
        self.token = token
        self.logins = 0

    @webob.dec.wsgify
    def __call__(self, req):
        path = req.path_info.rstrip('/')
        if path == '/v3' and req.method == 'GET':
            return _json({'version': fixture.V3Discovery(
                req.host_url + '/v3/')})
        if path == '/v3/auth/tokens' and req.method == 'POST':
            self.logins += 1
            response = _json(self.token, status=201)
            response.headers['X-Subject-Token'] = TOKEN_ID
            return response
        return webob.Response(status=404)


def _json(value, status=200):
    return webob.Response(status=status, body=json.dumps(value).encode(),
                          content_type='application/json', charset=None)
