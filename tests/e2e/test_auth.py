"""Authentication: SigV4 verified against the fixture secrets (strict), forged, expired and
missing signatures, `--auth open`, and `kmslab creds` (issue 4)."""
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tempfile

import harness
from harness import ADMIN, AWS_CLI, Creds, access_denied, creds_of, key_arn, root_arn, user_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

UNRECOGNIZED = "The security token included in the request is invalid."
BAD_SIGNATURE = ("The request signature we calculated does not match the signature you provided. "
                 "Check your AWS Secret Access Key and signing method. Consult the service "
                 "documentation for details.")
MISSING = "Missing Authentication Token"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
EXPIRED_RE = re.compile(r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) "
                        r"\((\d{8}T\d{6}Z) - 15 min\.\)$")
NOT_YET_RE = re.compile(r"^Signature not yet current: (\d{8}T\d{6}Z) is still later than "
                        r"(\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ 15 min\.\)$")
UNKNOWN_KEY = Creds("AKIAKMSLABNOSUCHKEY1", "kmslab-nobody-secret")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def sign_listing(creds, body, headers, signed_names):
    """The Authorization header of a KMS POST / whose SignedHeaders is `signed_names` exactly
    as given (repeats included), signed as AWS's specification builds it: one canonical
    header line per listed name. botocore cannot sign such a list; this is its arithmetic."""
    stamp = headers["X-Amz-Date"]
    by_name = {k.lower(): v for k, v in headers.items()}
    canonical = "\n".join(["POST", "/", ""] + [n + ":" + by_name[n.lower()] for n in signed_names] +
                          ["", ";".join(signed_names), hashlib.sha256(body).hexdigest()])
    scope = "/".join([stamp[:8], harness.REGION, "kms", "aws4_request"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + creds.secret_key).encode()
    for part in (stamp[:8], harness.REGION, "kms", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
            % (creds.access_key, scope, ";".join(signed_names), signature))


def parse_amz(text):
    return datetime.datetime.strptime(text, AMZ_DATE).replace(tzinfo=datetime.timezone.utc)


class StrictAuthTest(harness.KmsTestCase):
    srv = SRV

    def test_fixture_keys_authenticate(self):
        # Each fixture key is accepted and acts as its own principal: allowed or denied by
        # that principal's IAM policies (ListAliases is IAM-only).
        allowed = ("admin", "auditor", "root@111122223333", "partner-admin", "root@444455556666")
        denied = {"app": user_arn("app"), "db-lead": user_arn("db-lead"),
                  "partner-app": user_arn("partner-app", harness.PARTNER)}
        for name in allowed + tuple(denied):
            with self.subTest(name=name):
                r = self.srv.raw_as(creds_of(name), "ListAliases", {})
                if name in allowed:
                    self.assertEqual(r.status, 200, r.data)
                else:
                    self.assertRawError(r, "AccessDeniedException",
                                        access_denied(denied[name], "kms:ListAliases", "*",
                                                      "no-identity"))

    def test_unknown_access_key(self):
        r = self.srv.raw_as(UNKNOWN_KEY, "ListKeys", {})
        self.assertRawError(r, "UnrecognizedClientException", UNRECOGNIZED)
        client = self.srv.client_as(UNKNOWN_KEY)
        self.assertApiError("UnrecognizedClientException", UNRECOGNIZED, client.list_keys)
        # A real-looking AWS example key is not a fixture key either.
        r = self.srv.raw_as(Creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                            "ListKeys", {})
        self.assertRawError(r, "UnrecognizedClientException", UNRECOGNIZED)

    def test_wrong_secret_is_a_bad_signature(self):
        forged = Creds(harness.ACCESS_KEY, "not-the-admin-secret")
        r = self.srv.raw_as(forged, "ListKeys", {})
        self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)
        self.assertApiError("InvalidSignatureException", BAD_SIGNATURE,
                            self.srv.client_as(forged).create_key)
        # Another principal's secret with admin's key id is just as wrong.
        app = creds_of("app")
        r = self.srv.raw_as(Creds(harness.ACCESS_KEY, app.secret_key), "ListKeys", {})
        self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)
        r = self.srv.raw_as(Creds(app.access_key, harness.SECRET_KEY), "ListKeys", {})
        self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)

    def test_forged_call_changes_nothing(self):
        before = self.all_key_ids()
        forged = Creds(harness.ACCESS_KEY, "forged")
        self.assertApiError("InvalidSignatureException", BAD_SIGNATURE,
                            self.srv.client_as(forged).create_key, Description="forged")
        self.assertEqual(sorted(self.all_key_ids()), sorted(before))

    def test_tampered_request(self):
        url = self.srv.url + "/"
        hdrs = {"Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "TrentService.GenerateRandom"}
        signed = harness.sign(url, b'{"NumberOfBytes": 8}', hdrs, ADMIN, "kms")
        ok = harness.send(url, b'{"NumberOfBytes": 8}', signed)
        self.assertEqual(ok.status, 200, ok.data)
        # Same headers, another body: the payload hash no longer matches.
        r = harness.send(url, b'{"NumberOfBytes": 9}', signed)
        self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)
        # Same body, another (signed) target header.
        r = harness.send(url, b'{"NumberOfBytes": 8}',
                         dict(signed, **{"X-Amz-Target": "TrentService.CreateKey"}))
        self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)

    def test_signed_headers_naming_one_twice(self):
        # No signer lists a header twice; the server refuses such a list without building
        # its canonical request (which could be thousands of times the request's size),
        # even when the signature is right for it.
        url = self.srv.url + "/"
        body = b'{"NumberOfBytes": 8}'
        hdrs = {"Content-Type": "application/x-amz-json-1.1", "Host": url.split("/")[2],
                "X-Amz-Date": now().strftime(AMZ_DATE),
                "X-Amz-Target": "TrentService.GenerateRandom"}
        names = ["content-type", "host", "x-amz-date", "x-amz-target"]
        ok = harness.send(url, body, dict(hdrs, Authorization=sign_listing(ADMIN, body, hdrs, names)))
        self.assertEqual(ok.status, 200, ok.data)  # the signer above is right
        for repeated in (["content-type", "host", "host", "x-amz-date", "x-amz-target"],
                         names + ["HOST"], names + ["x-amz-date"] * 2000):
            with self.subTest(listed=len(repeated)):
                auth = sign_listing(ADMIN, body, hdrs, repeated)
                r = harness.send(url, body, dict(hdrs, Authorization=auth))
                self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)

    def test_signature_scoped_to_another_service(self):
        # A KMS call whose credential scope names sts (or s3) is not signed for KMS. The
        # reference gives no text for this case, so only the code is checked.
        for service in ("sts", "s3"):
            with self.subTest(service=service):
                r = harness.send(
                    self.srv.url + "/", b"{}",
                    harness.sign(self.srv.url + "/", b"{}",
                                 {"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": "TrentService.ListKeys"}, ADMIN, service))
                self.assertRawError(r, "InvalidSignatureException")

    def test_missing_authorization(self):
        r = self.srv.raw_as(None, "ListKeys", {})
        self.assertRawError(r, "MissingAuthenticationTokenException", MISSING)
        r = self.srv.raw_as(None, "CreateKey", {})
        self.assertRawError(r, "MissingAuthenticationTokenException", MISSING)

    def test_missing_authorization_cli(self):
        before = self.all_key_ids()
        res = self.srv.aws(None, "kms", "create-key")
        self.assertCliError(res, "MissingAuthenticationTokenException", "CreateKey", MISSING)
        self.assertEqual(sorted(self.all_key_ids()), sorted(before))

    def test_signature_expired(self):
        signed_at = now() - datetime.timedelta(minutes=20)
        r = self.srv.raw_as(ADMIN, "ListKeys", {}, when=signed_at)
        self.assertRawError(r, "InvalidSignatureException")
        message = r.body.get("message", r.body.get("Message"))
        self.assertTrue(message.startswith("Signature expired: "), message)
        m = EXPIRED_RE.match(message)
        self.assertIsNotNone(m, message)
        self.assertEqual(m.group(1), signed_at.strftime(AMZ_DATE))
        server_now = parse_amz(m.group(3))
        self.assertLess(abs((server_now - now()).total_seconds()), 120, message)
        self.assertEqual(parse_amz(m.group(2)), server_now - datetime.timedelta(minutes=15))

    def test_signature_not_yet_current(self):
        signed_at = now() + datetime.timedelta(minutes=20)
        r = self.srv.raw_as(ADMIN, "ListKeys", {}, when=signed_at)
        self.assertRawError(r, "InvalidSignatureException")
        message = r.body.get("message", r.body.get("Message"))
        self.assertTrue(message.startswith("Signature not yet current: "), message)
        m = NOT_YET_RE.match(message)
        self.assertIsNotNone(m, message)
        self.assertEqual(m.group(1), signed_at.strftime(AMZ_DATE))
        server_now = parse_amz(m.group(3))
        self.assertLess(abs((server_now - now()).total_seconds()), 120, message)
        self.assertEqual(parse_amz(m.group(2)), server_now + datetime.timedelta(minutes=15))

    def test_clock_skew_within_15_minutes(self):
        for minutes in (-13, 13):
            with self.subTest(minutes=minutes):
                r = self.srv.raw_as(ADMIN, "ListKeys", {},
                                    when=now() + datetime.timedelta(minutes=minutes))
                self.assertEqual(r.status, 200, r.data)

    def test_cli_bad_credentials(self):
        res = self.srv.aws(Creds(harness.ACCESS_KEY, "wrong"), "kms", "list-keys")
        self.assertCliError(res, "InvalidSignatureException", "ListKeys", BAD_SIGNATURE)
        res = self.srv.aws(UNKNOWN_KEY, "kms", "list-keys")
        self.assertCliError(res, "UnrecognizedClientException", "ListKeys", UNRECOGNIZED)

    def test_auth_failures_are_not_policy_denials(self):
        before = len(self.srv.denials())
        self.srv.raw_as(UNKNOWN_KEY, "ListKeys", {})
        self.srv.raw_as(None, "ListKeys", {})
        self.srv.raw_as(Creds(harness.ACCESS_KEY, "wrong"), "ListKeys", {})
        self.assertEqual(len(self.srv.denials()), before)


class CredsCommandTest(harness.KmsTestCase):
    srv = SRV

    def shell(self, script, **extra_env):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                   AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="", KMSLAB=harness.KMSLAB_BIN,
                   AWS=AWS_CLI, URL=self.srv.url, **extra_env)
        return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                              timeout=120)

    def test_creds_prints_export_lines(self):
        for name in ("admin", "db-lead", "app", "auditor", "partner-admin", "partner-app"):
            with self.subTest(name=name):
                p = harness.kmslab("creds", name)
                self.assertEqual(p.returncode, 0, p.stderr)
                c = creds_of(name)
                lines = p.stdout.splitlines()
                self.assertIn(f"export AWS_ACCESS_KEY_ID={c.access_key}", lines)
                self.assertIn(f"export AWS_SECRET_ACCESS_KEY={c.secret_key}", lines)

    def test_creds_unknown_name_fails(self):
        p = harness.kmslab("creds", "nobody-at-all")
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("export AWS_ACCESS_KEY_ID=", p.stdout)

    def test_creds_eval_then_aws_cli(self):
        for name, arn in (("admin", user_arn("admin")),
                          ("partner-app", user_arn("partner-app", harness.PARTNER))):
            with self.subTest(name=name):
                p = self.shell('eval "$("$KMSLAB" creds %s)" && "$AWS" sts get-caller-identity '
                               '--endpoint-url "$URL" --region us-east-1 --output json' % name)
                self.assertEqual(p.returncode, 0, p.stderr)
                ident = json.loads(p.stdout)
                self.assertEqual(ident["Arn"], arn)
                self.assertEqual(ident["Account"], arn.split(":")[4])

    def test_creds_eval_replaces_an_earlier_identity(self):
        # A shell that already holds another identity (here: db-lead's keys and a stale
        # session token) switches to admin in one line.
        lead = creds_of("db-lead")
        p = self.shell('eval "$("$KMSLAB" creds admin)" && "$AWS" kms create-key '
                       '--endpoint-url "$URL" --region us-east-1 --output json',
                       AWS_ACCESS_KEY_ID=lead.access_key, AWS_SECRET_ACCESS_KEY=lead.secret_key,
                       AWS_SESSION_TOKEN="stale-session-token-of-an-earlier-role")
        self.assertEqual(p.returncode, 0, p.stderr)
        key_id = json.loads(p.stdout)["KeyMetadata"]["KeyId"]
        self.assertEqual(self.describe(key_id)["Arn"], key_arn(key_id))

    def test_creds_custom_fixtures(self):
        tmp = tempfile.mkdtemp(prefix="kmslab-fixtures-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        ids = harness.fixture_identities()
        ids["accounts"][harness.ACCOUNT]["users"].append(
            {"name": "carol", "accessKeys": [{"id": "AKIAKMSLABCAROL11111", "secret": "carol-s3cret"}]})
        harness.write_fixtures(tmp, ids)
        p = harness.kmslab("creds", "carol", "--fixtures", tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("export AWS_ACCESS_KEY_ID=AKIAKMSLABCAROL11111", p.stdout.splitlines())
        self.assertIn("export AWS_SECRET_ACCESS_KEY=carol-s3cret", p.stdout.splitlines())
        self.assertNotEqual(harness.kmslab("creds", "carol").returncode, 0)


class OpenAuthTest(harness.KmsTestCase):
    """`--auth open`: missing or unknown credentials act as the account root; fixture keys
    still act as (and must sign as) their principal."""

    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(auth="open").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def identity(self, creds):
        r = self.srv.sts_raw(creds, {"Action": "GetCallerIdentity"})
        self.assertEqual(r.status, 200, r.data)
        return re.search(r"<Arn>([^<]+)</Arn>", r.data.decode()).group(1)

    def test_unsigned_and_unknown_act_as_root(self):
        self.assertEqual(self.identity(None), root_arn())
        self.assertEqual(self.identity(UNKNOWN_KEY), root_arn())
        self.assertEqual(self.identity(creds_of("app")), user_arn("app"))

    def test_unsigned_kms_calls_work_as_root(self):
        r = self.srv.raw_as(None, "CreateKey", {"Description": "open"})
        self.assertEqual(r.status, 200, r.data)
        key_id = r.body["KeyMetadata"]["KeyId"]
        self.assertEqual(r.body["KeyMetadata"]["AWSAccountId"], harness.ACCOUNT)
        r = self.srv.raw_as(UNKNOWN_KEY, "Encrypt", {"KeyId": key_id, "Plaintext": "aGk="})
        self.assertEqual(r.status, 200, r.data)
        r = self.srv.raw_as(None, "GetKeyPolicy", {"KeyId": key_id, "PolicyName": "default"})
        self.assertEqual(r.status, 200, r.data)
        self.assertEqual(json.loads(r.body["Policy"])["Id"], "key-default-1")

    def test_unsigned_cli(self):
        res = self.srv.aws(None, "kms", "create-key", "--description", "via-cli")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["KeyMetadata"]["Description"], "via-cli")
        res = self.srv.aws(UNKNOWN_KEY, "kms", "describe-key", "--key-id",
                           res.json["KeyMetadata"]["KeyId"])
        self.assertEqual(res.rc, 0, res.stderr)

    def test_fixture_keys_keep_their_principal(self):
        key_id = self.srv.client_as(ADMIN).create_key()["KeyMetadata"]["KeyId"]
        lead = self.srv.client_as(creds_of("db-lead"))
        self.assertAccessDenied(lead.encrypt, user_arn("db-lead"), "kms:Encrypt", key_arn(key_id),
                                "no-identity", KeyId=key_id, Plaintext=b"x")
        self.assertAccessDenied(lead.create_key, user_arn("db-lead"), "kms:CreateKey", "*",
                                "no-identity")

    def test_fixture_keys_must_sign_correctly(self):
        r = self.srv.raw_as(Creds(harness.ACCESS_KEY, "wrong"), "ListKeys", {})
        self.assertRawError(r, "InvalidSignatureException", BAD_SIGNATURE)

    def test_open_root_is_still_subject_to_key_policies(self):
        policy = harness.load_policy("dynamodb-cmk-db-lead")  # names no account principal
        md = self.srv.client_as(ADMIN).create_key(Policy=json.dumps(policy),
                                                  BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
        r = self.srv.raw_as(None, "DescribeKey", {"KeyId": md["KeyId"]})
        self.assertRawError(r, "AccessDeniedException",
                            access_denied(root_arn(), "kms:DescribeKey", md["Arn"], "no-resource"))
