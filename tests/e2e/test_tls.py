"""HTTPS: `kmslab serve --tls` with real clients.

TlsFrontEndTest runs every test of test_http_front_end.py over HTTPS (body limits, keep-alive,
pipelining, slow and idle clients, the 408 deadline, malformed HTTP, Date, x-amz-crc32), so
the plain listener's behaviour is held under TLS too. TlsTest: boto3 trusting the certificate
with verify= (KMS and DynamoDB), the aws CLI with --ca-bundle and AWS_CA_BUNDLE, clients that
do not trust the certificate (they fail verification), plain HTTP sent to the HTTPS port (a
400), stalled handshakes (closed at the header deadline, starving nobody), the generated pair
(its names, key, modes; reused, replaced when damaged or near its end), a user's own pair made
here with `cryptography`, and the startup errors (exit 2, the key never printed).
"""
import base64
import datetime
import http.client
import ipaddress
import json
import os
import shutil
import socket
import ssl
import stat
import tempfile
import time
import unittest.mock
import urllib.parse

import boto3
import botocore.config
import botocore.exceptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import harness
import test_http_front_end as front_end
from ddb_case import DdbCase, new_name

SRV = harness.Server(args=("--tls",))
setUpModule = SRV.start
tearDownModule = SRV.shutdown

PLAIN_HTTP_TO_HTTPS = "The plain HTTP request was sent to an HTTPS port."
GENERATED_NOTE = "(self-signed for localhost, 127.0.0.1 and ::1: trust it in your clients)"


def write_pair(directory, key=None, days=1, names=("localhost",), ips=("127.0.0.1",),
               prefix=""):
    """A self-signed certificate made with `cryptography` for `key` (default: a new RSA-2048
    key), valid until `days` days from now (negative: expired), written with its key
    as DIRECTORY/PREFIXcert.pem and PREFIXkey.pem; returns (cert path, key path, key)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = now + datetime.timedelta(days=days)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    sans = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(min(now, not_after) - datetime.timedelta(hours=1))
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path = os.path.join(directory, prefix + "cert.pem")
    key_path = os.path.join(directory, prefix + "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path, key


def key_body(key_path):
    """The base64 lines of a PEM key: what must never be printed."""
    with open(key_path, encoding="ascii") as f:
        return [line for line in f.read().splitlines() if line and not line.startswith("-----")]


def boto3_client(srv, service, verify, endpoint=None):
    """A boto3 client of `service` signing as admin, as a user would write it."""
    return boto3.client(service, endpoint_url=endpoint or srv.url, verify=verify,
                        region_name=harness.REGION, aws_access_key_id=harness.ACCESS_KEY,
                        aws_secret_access_key=harness.SECRET_KEY,
                        config=botocore.config.Config(retries={"total_max_attempts": 1}))


def plain_url(srv):
    return srv.url.replace("https://", "http://", 1)


class TlsFrontEndTest(front_end.FrontEndTest):
    """test_http_front_end's tests, over HTTPS."""
    srv = SRV


class TlsTest(DdbCase):
    srv = SRV

    def assertEncryptDecrypt(self, kms):
        key = kms.create_key(Description="over TLS")["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"sent over HTTPS")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"sent over HTTPS")

    def test_listening_line_names_https_and_the_certificate(self):
        out, _ = SRV.printed()
        cert_path = os.path.join(SRV.data_dir, "tls", "cert.pem")
        self.assertRegex(SRV.url, r"^https://127\.0\.0\.1:\d+$")
        self.assertIn(f"kmslab listening on {SRV.url}\n", out)
        self.assertIn(f"kmslab TLS certificate: {cert_path} {GENERATED_NOTE}\n", out)
        self.assertEqual(SRV.ca_bundle, cert_path)

    def test_generated_pair_names_localhost_and_is_the_users_alone(self):
        tls_dir = os.path.join(SRV.data_dir, "tls")
        self.assertEqual(stat.S_IMODE(os.stat(tls_dir).st_mode), 0o700)
        for name in ("cert.pem", "key.pem"):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(tls_dir, name)).st_mode), 0o600, name)
        with open(os.path.join(tls_dir, "cert.pem"), "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        with open(os.path.join(tls_dir, "key.pem"), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(sans.get_values_for_type(x509.DNSName), ["localhost"])
        self.assertEqual(sans.get_values_for_type(x509.IPAddress),
                         [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")])
        self.assertIsInstance(key, ec.EllipticCurvePrivateKey)
        self.assertEqual(key.curve.name, "secp256r1")
        self.assertEqual(key.public_key().public_numbers(), cert.public_key().public_numbers())
        self.assertEqual(cert.issuer, cert.subject)
        self.assertFalse(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
        self.assertIn(ExtendedKeyUsageOID.SERVER_AUTH,
                      cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        left = cert.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc)
        self.assertGreater(left, datetime.timedelta(days=360))
        # The key is a secret: nothing the server printed carries it.
        out, err = SRV.printed()
        for line in key_body(os.path.join(tls_dir, "key.pem")):
            self.assertNotIn(line, out + err)

    def test_boto3_trusting_the_certificate_uses_kms_and_dynamodb(self):
        # verify=<the certificate>, or AWS_CA_BUNDLE naming it.
        self.assertEncryptDecrypt(boto3_client(SRV, "kms", verify=SRV.ca_bundle))
        with unittest.mock.patch.dict(os.environ, {"AWS_CA_BUNDLE": SRV.ca_bundle}):
            boto3_client(SRV, "kms", verify=None).list_keys()
        ddb = boto3_client(SRV, "dynamodb", verify=SRV.ca_bundle)
        name = self.create_table(new_name("tls"), client=ddb)["TableName"]
        self.wait_status(name, "ACTIVE")
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "over TLS"}})
        item = ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}, ConsistentRead=True)["Item"]
        self.assertEqual(item, {"pk": {"S": "a"}, "v": {"S": "over TLS"}})

    def test_aws_cli_trusts_the_certificate_with_ca_bundle_or_aws_ca_bundle(self):
        created = SRV.aws(harness.ADMIN, "kms", "create-key")  # the harness adds --ca-bundle
        self.assertEqual(created.rc, 0, created.stderr)
        key = created.json["KeyMetadata"]["KeyId"]
        encrypted = SRV.aws(harness.ADMIN, "kms", "encrypt", "--key-id", key,
                            "--plaintext", "fileb://" + SRV.file(b"cli over TLS"))
        self.assertEqual(encrypted.rc, 0, encrypted.stderr)
        decrypted = SRV.aws(harness.ADMIN, "kms", "decrypt", "--ciphertext-blob",
                            "fileb://" + SRV.file(base64.b64decode(encrypted.json["CiphertextBlob"])),
                            trust=False, env={"AWS_CA_BUNDLE": SRV.ca_bundle})
        self.assertEqual(decrypted.rc, 0, decrypted.stderr)
        self.assertEqual(base64.b64decode(decrypted.json["Plaintext"]), b"cli over TLS")
        tables = SRV.aws(harness.ADMIN, "dynamodb", "list-tables", trust=False,
                         env={"AWS_CA_BUNDLE": SRV.ca_bundle})
        self.assertEqual(tables.rc, 0, tables.stderr)
        self.assertIn("TableNames", tables.json)

    def test_clients_that_do_not_trust_the_certificate_fail_verification(self):
        # boto3 and the aws CLI with their default trust (certifi's public roots).
        with self.assertRaises(botocore.exceptions.SSLError) as cm:
            boto3_client(SRV, "kms", verify=True).list_keys()
        self.assertIn("CERTIFICATE_VERIFY_FAILED", str(cm.exception))
        res = SRV.aws(harness.ADMIN, "kms", "list-keys", trust=False)
        self.assertNotEqual(res.rc, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", res.stderr)
        # Python's ssl trusting the certificate but expecting another name.
        u = urllib.parse.urlparse(SRV.url)
        with socket.create_connection((u.hostname, u.port)) as raw:
            with self.assertRaises(ssl.SSLCertVerificationError) as cm:
                SRV.ssl_context().wrap_socket(raw, server_hostname="kmslab.example")
        self.assertIn("Hostname mismatch", str(cm.exception))
        self.kms.list_keys()  # and the server still serves

    def test_plain_http_to_the_https_port_is_refused_with_400(self):
        u = urllib.parse.urlparse(SRV.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        try:
            start = time.monotonic()
            conn.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "TrentService.ListKeys",
                                                           "Content-Type": front_end.KMS_JSON})
            r = conn.getresponse()
            body = r.read()
            self.assertLess(time.monotonic() - start, front_end.PROMPT)
        finally:
            conn.close()
        self.assertEqual(r.status, 400, body)
        self.assertEqual(r.getheader("Connection"), "close")
        self.assertRegex(r.getheader("x-amzn-RequestId"), harness.UUID_RE)
        self.assertIsNotNone(r.getheader("Date"))
        self.assertEqual(json.loads(body),
                         {"__type": "BadRequestException", "message": PLAIN_HTTP_TO_HTTPS})
        # An SDK and the CLI pointed at http:// get that error.
        self.assertApiError("BadRequestException", PLAIN_HTTP_TO_HTTPS,
                            boto3_client(SRV, "kms", verify=False, endpoint=plain_url(SRV)).list_keys)
        self.assertCliError(SRV.aws(harness.ADMIN, "kms", "list-keys", endpoint=plain_url(SRV)),
                            "BadRequestException", "ListKeys", PLAIN_HTTP_TO_HTTPS)

    def test_stalled_handshakes_are_closed_at_the_header_deadline_and_starve_nobody(self):
        u = urllib.parse.urlparse(SRV.url)
        self.kms.list_keys()  # the client's connection is open before the stalls
        stalled = []
        try:
            start = time.monotonic()
            for n in range(100):
                s = socket.create_connection((u.hostname, u.port))
                if n % 2:
                    s.sendall(b"\x16\x03\x01\x02")  # the start of a ClientHello's record, then nothing
                stalled.append(s)
            fresh = boto3_client(SRV, "kms", verify=SRV.ca_bundle)
            for client in (self.kms, fresh):
                begun = time.monotonic()
                client.list_keys()
                self.assertLess(time.monotonic() - begun, 2.0)
            for s in stalled[::10]:
                s.settimeout(15)
                try:
                    self.assertEqual(s.recv(100), b"")  # closed without a word
                except ConnectionResetError:
                    pass
            elapsed = time.monotonic() - start
            self.assertGreater(elapsed, 8.0)
            self.assertLess(elapsed, 13.0)
        finally:
            for s in stalled:
                s.close()

    def test_a_users_own_certificate_and_key(self):
        directory = tempfile.mkdtemp(prefix="kmslab-tls-pair-")
        srv = None
        try:
            cert, key, _ = write_pair(directory)
            srv = harness.Server(args=("--tls", "--tls-cert", cert, "--tls-key", key))
            srv.start()
            self.assertEqual(srv.ca_bundle, cert)
            self.assertIn(f"kmslab TLS certificate: {cert}\n", srv.printed()[0])
            self.assertEncryptDecrypt(boto3_client(srv, "kms", verify=cert))
            self.assertFalse(os.path.exists(os.path.join(srv.data_dir, "tls")))
            out, err = srv.printed()
            for line in key_body(key):
                self.assertNotIn(line, out + err)
        finally:
            if srv is not None:
                srv.shutdown()
            shutil.rmtree(directory, ignore_errors=True)

    def test_bad_certificate_setups_stop_the_start_with_exit_2(self):
        directory = tempfile.mkdtemp(prefix="kmslab-tls-bad-")
        try:
            cert, key, rsa_key = write_pair(directory)
            other_cert, other_key, _ = write_pair(directory, prefix="other-")
            encrypted = os.path.join(directory, "encrypted-key.pem")
            with open(encrypted, "wb") as f:
                f.write(rsa_key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                    serialization.BestAvailableEncryption(b"passphrase")))
            missing = os.path.join(directory, "missing.pem")
            cases = [
                (("--tls", "--tls-cert", cert), "--tls-cert and --tls-key go together"),
                (("--tls", "--tls-key", key), "--tls-cert and --tls-key go together"),
                (("--tls-cert", cert, "--tls-key", key), "--tls-cert and --tls-key need --tls"),
                (("--tls", "--tls-cert", missing, "--tls-key", key),
                 f"TLS certificate: cannot read {missing}"),
                (("--tls", "--tls-cert", cert, "--tls-key", missing),
                 f"TLS private key: cannot read {missing}"),
                (("--tls", "--tls-cert", key, "--tls-key", key), f"TLS certificate: no PEM certificate in {key}"),
                (("--tls", "--tls-cert", cert, "--tls-key", cert),
                 f"TLS private key: no unencrypted PEM private key in {cert}"),
                (("--tls", "--tls-cert", cert, "--tls-key", encrypted),
                 f"TLS private key: no unencrypted PEM private key in {encrypted}"),
                (("--tls", "--tls-cert", cert, "--tls-key", other_key),
                 f"TLS private key: the key in {other_key} is not the key of the certificate in {cert}"),
            ]
            secrets = key_body(key) + key_body(other_key)
            for args, message in cases:
                with self.subTest(args=args):
                    p = harness.kmslab("serve", "--host", "127.0.0.1", "--port", "0", "--data",
                                       os.path.join(directory, "data"), *args, input="")
                    self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
                    self.assertEqual(p.stderr, f"kmslab serve: {message}\n")
                    self.assertNotIn("listening", p.stdout)
                    self.assertFalse(os.path.exists(os.path.join(directory, "data")))
                    for line in secrets:
                        self.assertNotIn(line, p.stdout + p.stderr)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def test_generated_pair_is_reused_and_replaced_when_damaged_or_near_its_end(self):
        srv = harness.Server(args=("--tls",))
        srv.start()
        try:
            tls_dir = os.path.join(srv.data_dir, "tls")
            cert_path = os.path.join(tls_dir, "cert.pem")

            def cert_bytes():
                with open(cert_path, "rb") as f:
                    return f.read()

            def own_key():
                with open(os.path.join(tls_dir, "key.pem"), "rb") as f:
                    return serialization.load_pem_private_key(f.read(), password=None)

            def garble_certificate():
                with open(cert_path, "w", encoding="ascii") as f:
                    f.write("not PEM")

            def certificate_of_another_key():
                other_cert, _, _ = write_pair(tls_dir, days=400, prefix="other-")
                os.replace(other_cert, cert_path)

            first = cert_bytes()
            srv.restart()
            self.assertEqual(cert_bytes(), first, "a sound pair is reused")
            self.assertEncryptDecrypt(srv.client())

            damages = {
                "key missing": lambda: os.remove(os.path.join(tls_dir, "key.pem")),
                "certificate missing": lambda: os.remove(cert_path),
                "certificate unreadable": garble_certificate,
                "certificate of another key": certificate_of_another_key,
                "certificate expired": lambda: write_pair(tls_dir, key=own_key(), days=-1),
                "certificate ending in 10 days": lambda: write_pair(tls_dir, key=own_key(), days=10),
            }
            for what, damage in damages.items():
                with self.subTest(what):
                    before = cert_bytes() if os.path.exists(cert_path) else b""
                    srv.stop()
                    damage()
                    srv.start()
                    now = cert_bytes()
                    self.assertNotEqual(now, before)
                    cert = x509.load_pem_x509_certificate(now)
                    self.assertGreater(cert.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc),
                                       datetime.timedelta(days=360))
                    self.assertEqual(stat.S_IMODE(os.stat(cert_path).st_mode), 0o600)
                    self.assertEncryptDecrypt(srv.client())
        finally:
            srv.shutdown()
