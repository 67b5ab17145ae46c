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

"""The version document at ``/``."""

from nova_pci_alias.tests.unit.service import base


class TestVersionDocument(base.APITestCase):

    def test_document(self):
        self.assertEqual({'versions': [{
            'id': 'v1.0', 'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': self.serve() + '/v1/'}]}]},
            self.send(path='/').json)

    def test_behind_a_tls_proxy_the_link_is_https(self):
        self.conf_fixture.config(group='oslo_middleware',
                                 enable_proxy_headers_parsing=True)
        response = self.send(path='/', headers={
            'X-Forwarded-Proto': 'https',
            'X-Forwarded-Host': 'aliases.example'})
        self.assertEqual('https://aliases.example/v1/',
                         response.json['versions'][0]['links'][0]['href'])

    def test_content_type_is_json(self):
        self.assertEqual('application/json',
                         self.send(path='/').headers['Content-Type'])

    def test_other_methods_are_not_allowed(self):
        self.assertEqual(405, self.send('POST', path='/').status)
