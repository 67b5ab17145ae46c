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

"""Throw-away TLS certificates for the tests, made with ``cryptography``.

:class:`TLSFixture` writes, into a temporary directory, a self-signed
certificate authority, a server certificate for ``127.0.0.1`` and a client
certificate, both signed by that authority, and makes the server-side
:class:`ssl.SSLContext` to serve HTTPS with them.
"""

import datetime
import ipaddress
import os
import ssl

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
import fixtures


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _certificate(subject, key, issuer, issuer_key, is_ca=False,
                 ip_address=None, usage=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject))
               .issuer_name(_name(issuer))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=is_ca,
                                                    path_length=None),
                              critical=True))
    if is_ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False)
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()), critical=False)
    if ip_address is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address(ip_address))]),
            critical=False)
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class TLSFixture(fixtures.Fixture):
    """A certificate authority with a server and a client certificate.

    Paths of PEM files: ``ca_file``, ``server_cert``/``server_key``,
    ``client_cert``/``client_key``.  :meth:`server_context` returns the
    server-side SSL context, optionally requiring a client certificate
    signed by the authority.
    """

    def _setUp(self):
        directory = self.useFixture(fixtures.TempDir()).path
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = _certificate('test CA', ca_key, 'test CA', ca_key,
                               is_ca=True)
        self.ca_file = self._write(directory, 'ca.pem', _cert_pem(ca_cert))
        for role, usage, ip in (
                ('server', ExtendedKeyUsageOID.SERVER_AUTH, '127.0.0.1'),
                ('client', ExtendedKeyUsageOID.CLIENT_AUTH, None)):
            key = ec.generate_private_key(ec.SECP256R1())
            cert = _certificate('test %s' % role, key, 'test CA', ca_key,
                                ip_address=ip, usage=usage)
            setattr(self, '%s_cert' % role, self._write(
                directory, '%s.pem' % role, _cert_pem(cert)))
            setattr(self, '%s_key' % role, self._write(
                directory, '%s-key.pem' % role, _key_pem(key)))

    @staticmethod
    def _write(directory, name, data):
        path = os.path.join(directory, name)
        with open(path, 'wb') as pem:
            pem.write(data)
        return path

    def server_context(self, require_client_cert=False):
        """Return a server-side SSL context with the server certificate.

        :param require_client_cert: refuse clients without a certificate
            signed by the test authority.
        """
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert, self.server_key)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(self.ca_file)
        return context
