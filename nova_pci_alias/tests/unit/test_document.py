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

"""Tests of the alias document format."""

import json
import os

import fixtures
import jsonschema
from oslo_config import cfg
from oslotest import base

import nova_pci_alias
from nova_pci_alias import bounds
from nova_pci_alias import document
from nova_pci_alias import exception
from nova_pci_alias.tests import adversarial
from nova_pci_alias.tests.unit.fakes import entry

ORIGIN = 'https://cmdb.example/aliases'


class TestDecode(base.BaseTestCase):

    def decode_error(self, body):
        return str(self.assertRaises(exception.InvalidAliasDocument,
                                     document.decode_document, body, ORIGIN))

    def test_entries_in_order(self):
        body = json.dumps({'version': 1,
                           'aliases': [entry('b'), entry('a')]})
        self.assertEqual(['b', 'a'], [e['name'] for e in
                                      document.decode_document(body, ORIGIN)])

    def test_bytes_body(self):
        body = b'{"version": 1, "aliases": []}'
        self.assertEqual([], document.decode_document(body, ORIGIN))

    def test_error_names_the_origin(self):
        self.assertIn(ORIGIN, self.decode_error('nope'))

    def test_not_json(self):
        self.assertIn('not JSON', self.decode_error('{"version": 1,'))

    def test_not_utf8(self):
        self.assertIn('not JSON', self.decode_error(b'\xff\xfe'))

    def test_nan_is_refused(self):
        self.assertIn('not JSON', self.decode_error(
            '{"version": NaN, "aliases": []}'))

    def test_not_an_object(self):
        self.assertIn('is not of type', self.decode_error('[]'))

    def test_wrong_version(self):
        self.assertIn('unsupported document version 2', self.decode_error(
            '{"version": 2, "aliases": []}'))

    def test_missing_aliases(self):
        self.assertIn("'aliases' is a required property",
                      self.decode_error('{"version": 1}'))

    def test_unknown_top_level_key(self):
        self.assertIn('Additional properties are not allowed',
                      self.decode_error(
                          '{"version": 1, "aliases": [], "alias": []}'))

    def test_entry_that_is_not_an_object(self):
        self.assertIn('(at aliases/1)', self.decode_error(
            '{"version": 1, "aliases": [{"name": "a"}, "b"]}'))


class TestDecodeBounds(base.BaseTestCase):
    """InvalidAliasDocument for every body, within the limits."""

    decode_error = TestDecode.decode_error

    def test_entry_nested_990_deep(self):
        # Loads, but a schema message about it would recurse too deeply.
        self.assertIn('nested at most 32 levels deep', self.decode_error(
            '{"version": 1, "aliases": [%s]}'
            % adversarial.nested_text(990)))

    def test_entry_nested_past_the_limit(self):
        self.assertIn('nested more than 32 levels deep', self.decode_error(
            '{"version": 1, "aliases": [%s]}'
            % adversarial.nested_text(40)))

    def test_nested_past_the_interpreter_stack(self):
        self.assertIn('nested', self.decode_error(
            adversarial.nested_text(100000)))

    def test_body_longer_than_the_limit(self):
        body = '{"version": 1, "aliases": [], "x": "%s"}' % (
            ' ' * bounds.MAX_DOCUMENT_SIZE)
        self.assertIn('at most 16777216 are read', self.decode_error(body))

    def test_more_entries_than_the_limit(self):
        body = json.dumps({'version': 1, 'aliases': [
            {}] * (bounds.MAX_ENTRIES + 1)})
        self.assertIn('10001 alias entries', self.decode_error(body))

    def test_body_that_is_not_text(self):
        self.assertIn('not int', self.decode_error(42))

    def test_body_none(self):
        self.assertIn('not NoneType', self.decode_error(None))

    def test_long_schema_message_is_cut(self):
        self.assertLess(len(self.decode_error(json.dumps(
            {'version': 1, 'aliases': 'x' * 100000}))), 1300)


class TestEncode(base.BaseTestCase):

    def test_round_trip(self):
        table = nova_pci_alias.parse_aliases([entry('a'), entry('b')])
        body = document.encode_document(table.entries)
        self.assertEqual(list(table.entries),
                         document.decode_document(body, ORIGIN))

    def test_canonical_bytes(self):
        self.assertEqual(
            b'{"aliases":[{"name":"a","product_id":"1db6","vendor_id":'
            b'"10de"}],"version":1}',
            document.encode_document([entry('a')]))

    def test_pretty_ends_with_a_newline(self):
        self.assertTrue(document.encode_document(
            [entry('a')], pretty=True).endswith(b'}\n'))

    def test_same_entries_same_etag(self):
        self.assertEqual(
            document.etag_of(document.encode_document([entry('a')])),
            document.etag_of(document.encode_document([entry('a')])))

    def test_different_entries_different_etag(self):
        self.assertNotEqual(
            document.etag_of(document.encode_document([entry('a')])),
            document.etag_of(document.encode_document([entry('b')])))


class TestFullSchema(base.BaseTestCase):

    def test_checks_entries_too(self):
        bad = {'version': 1, 'aliases': [entry('a', vendor_id='nope')]}
        self.assertRaises(jsonschema.ValidationError, jsonschema.validate,
                          bad, document.full_schema())

    def test_accepts_an_encoded_document(self):
        body = document.encode_document([entry('a', device_type='type-VF')])
        self.assertIsNone(jsonschema.validate(json.loads(body),
                                              document.full_schema()))

    def test_published_schema_file_matches_the_code(self):
        path = os.path.join(os.path.dirname(nova_pci_alias.__file__),
                            os.pardir, 'doc', 'source', 'reference',
                            'alias-document.schema.json')
        if not os.path.exists(path):
            self.skipTest('not run from a source tree')
        with open(path) as schema:
            self.assertEqual(document.full_schema(), json.load(schema))


class TestLineForm(base.BaseTestCase):

    def read_back(self, lines):
        """The ``[pci] alias`` values oslo.config reads from ``lines``."""
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'nova.conf')
        with open(path, 'wb') as f:
            f.write(lines)
        conf = cfg.ConfigOpts()
        conf.register_opt(cfg.MultiStrOpt('alias', default=[]), group='pci')
        conf([], default_config_files=[path], default_config_dirs=[])
        return conf.pci.alias

    def test_value_is_the_entry_as_json_in_its_order(self):
        self.assertEqual(
            '{"name": "a", "vendor_id": "10de", "product_id": "1db6"}',
            document.option_value(entry('a')))

    def test_value_doubles_a_dollar_sign(self):
        self.assertEqual('{"name": "a$$HOME$$"}',
                         document.option_value({'name': 'a$HOME$'}))

    def test_value_is_ascii(self):
        self.assertEqual('{"name": "caf\\u00e9"}',
                         document.option_value({'name': 'caf\u00e9'}))

    def test_section_has_one_line_per_entry(self):
        self.assertEqual(
            b'[pci]\n'
            b'alias = {"name": "a", "vendor_id": "10de", '
            b'"product_id": "1db6"}\n'
            b'alias = {"name": "b", "vendor_id": "10de", '
            b'"product_id": "0002"}\n',
            document.nova_conf_lines([entry('a'), entry('b', '0002')]))

    def test_section_of_no_entries(self):
        self.assertEqual(b'[pci]\n', document.nova_conf_lines([]))

    def test_oslo_config_reads_the_entries_back(self):
        entries = [entry('gpu$HOME'), entry('caf\u00e9', '0002'),
                   entry('${x}', '0003', traits='A,B')]
        self.assertEqual(entries, [
            json.loads(value) for value in
            self.read_back(document.nova_conf_lines(entries))])
