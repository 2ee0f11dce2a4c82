"""`kmslab explain`: offline evaluation of one request (text and --json, exit 0 allowed /
3 denied), and the server's record of every denial (DATA/denials.jsonl, explain
--request-id) (issue 4)."""
import datetime
import json
import os
import shutil
import tempfile

import harness
from harness import (ACCOUNT, PARTNER, access_denied, creds_of, key_arn, load_policy, root_arn,
                     user_arn)

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

KEY = key_arn("1234abcd-12ab-34cd-56ef-1234567890ab")
DDB_SID = ("Allow access through Amazon DynamoDB for all principals in the account that are "
           "authorized to use Amazon DynamoDB")
VIEW_SID = "Allow administrators to view the KMS key and revoke grants"
DENY_SID = "Deny decrypt except through DynamoDB"
ROOT_SID = "Enable IAM User Permissions"
EXIT_ALLOW, EXIT_DENY = 0, 3


class ExplainCase(harness.KmsTestCase):
    srv = SRV

    def explain(self, request, *flags, as_json=True, stdin=False):
        """Run `kmslab explain` on `request` (a dict, written to a file, or fed on stdin);
        returns (exit code, parsed JSON or stdout text, stderr)."""
        text = json.dumps(request)
        if stdin:
            args, given = ["-"], text
        else:
            fd, path = tempfile.mkstemp(prefix="explain-", suffix=".json")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            self.addCleanup(os.remove, path)
            args, given = [path], None
        if as_json:
            args.append("--json")
        p = harness.kmslab("explain", *args, *flags, input=given)
        if as_json and p.returncode in (EXIT_ALLOW, EXIT_DENY):
            try:
                return p.returncode, json.loads(p.stdout), p.stderr
            except ValueError:
                self.fail(f"explain --json printed no JSON: {p.stdout!r} {p.stderr!r}")
        return p.returncode, p.stdout, p.stderr

    def assertDetermining(self, out, *expected):
        """`determining` lists exactly these (index, sid) pairs, in any order, each with a
        non-empty source."""
        for d in out["determining"]:
            self.assertTrue(d.get("source"), d)
        self.assertEqual(sorted((d["index"], d["sid"]) for d in out["determining"]),
                         sorted(expected), out["determining"])


def ddb_request(**extra):
    return dict({"principal": "db-lead", "action": "kms:GenerateDataKey", "resource": KEY,
                 "keyPolicy": load_policy("dynamodb-cmk-db-lead")}, **extra)


class OfflineExplainTest(ExplainCase):

    def test_dynamodb_cmk_via_dynamodb_allowed(self):
        rc, out, err = self.explain(ddb_request(
            context={"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}))
        self.assertEqual(rc, EXIT_ALLOW, err)
        self.assertEqual(out["decision"], "Allow")
        self.assertDetermining(out, (0, DDB_SID))
        self.assertEqual(out["message"], "")
        self.assertIsInstance(out["trace"], list)
        self.assertTrue(out["trace"])

    def test_dynamodb_cmk_direct_call_denied(self):
        rc, out, err = self.explain(ddb_request())
        self.assertEqual(rc, EXIT_DENY, err)
        self.assertEqual(out["decision"], "ImplicitDeny")
        self.assertEqual(out["determining"], [])
        self.assertEqual(out["message"], access_denied(user_arn("db-lead"), "kms:GenerateDataKey",
                                                       KEY, "no-resource"))
        self.assertTrue(out["trace"])
        # Another service, or the right service in a pattern that does not match, is no better.
        for via in ("ec2.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com.evil"):
            with self.subTest(via=via):
                rc, out, err = self.explain(ddb_request(context={"kms:ViaService": via}))
                self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)

    def test_text_output(self):
        rc, text, err = self.explain(ddb_request(
            context={"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}), as_json=False)
        self.assertEqual(rc, EXIT_ALLOW, err)
        self.assertIn(DDB_SID, text)  # the determining statement
        rest = text.replace(DDB_SID, "").replace(VIEW_SID, "")
        self.assertRegex(rest, r"\bAllow\b")
        self.assertNotIn("Deny", rest)
        rc, text, err = self.explain(ddb_request(), as_json=False)
        self.assertEqual(rc, EXIT_DENY, err)
        self.assertIn("ImplicitDeny", text)
        self.assertIn(access_denied(user_arn("db-lead"), "kms:GenerateDataKey", KEY,
                                    "no-resource"), text)
        self.assertIn("kms:ViaService", text)  # the failing condition is named

    def test_stdin(self):
        rc, out, err = self.explain(ddb_request(), stdin=True)
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)
        rc, text, err = self.explain(ddb_request(
            context={"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}), stdin=True,
            as_json=False)
        self.assertEqual(rc, EXIT_ALLOW, err)

    def test_principal_as_arn_and_other_actions(self):
        rc, out, err = self.explain(ddb_request(
            principal=user_arn("db-lead"), action="kms:Decrypt",
            context={"kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"}))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        self.assertDetermining(out, (0, DDB_SID))
        rc, out, err = self.explain(ddb_request(
            action="kms:ScheduleKeyDeletion",
            context={"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}))
        self.assertEqual(rc, EXIT_DENY, err)
        self.assertEqual(out["message"], access_denied(user_arn("db-lead"),
                                                       "kms:ScheduleKeyDeletion", KEY,
                                                       "no-resource"))

    def test_role_principal(self):
        rc, out, err = self.explain(ddb_request(principal="role/db-team",
                                                action="kms:DescribeKey"))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        self.assertDetermining(out, (1, VIEW_SID))
        rc, out, err = self.explain(ddb_request(principal="role/db-team", action="kms:Encrypt"))
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)
        self.assertTrue(out["message"].endswith(
            " because no resource-based policy allows the kms:Encrypt action"), out["message"])

    def test_default_identity_policies_and_override(self):
        req = {"principal": "db-lead", "action": "kms:Encrypt", "resource": KEY,
               "keyPolicy": load_policy("default-key-policy")}
        rc, out, err = self.explain(req)
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)
        self.assertEqual(out["message"], access_denied(user_arn("db-lead"), "kms:Encrypt", KEY,
                                                       "no-identity"))
        allow = {"Version": "2012-10-17", "Statement": [
            {"Sid": "LeadMayEncrypt", "Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}]}
        rc, out, err = self.explain(dict(req, identityPolicies=[allow]))
        self.assertEqual((rc, out["decision"], out["message"]), (EXIT_ALLOW, "Allow", ""), err)
        self.assertDetermining(out, (0, ROOT_SID), (0, "LeadMayEncrypt"))
        # app's own IAM (the default) allows it.
        rc, out, err = self.explain(dict(req, principal="app"))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        # An empty list replaces app's policies.
        rc, out, err = self.explain(dict(req, principal="app", identityPolicies=[]))
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)

    def test_explicit_deny_in_key_policy(self):
        req = {"principal": "admin", "action": "kms:Decrypt", "resource": KEY,
               "keyPolicy": load_policy("deny-decrypt-outside-dynamodb")}
        rc, out, err = self.explain(req)
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ExplicitDeny"), err)
        self.assertDetermining(out, (1, DENY_SID))
        self.assertEqual(out["message"], access_denied(user_arn("admin"), "kms:Decrypt", KEY,
                                                       "explicit-resource"))
        rc, out, err = self.explain(dict(req, context={
            "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"}))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)

    def test_explicit_deny_in_identity_policy(self):
        deny = {"Version": "2012-10-17", "Statement": [
            {"Sid": "NoDecrypt", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}
        req = {"principal": "app", "action": "kms:Decrypt", "resource": KEY,
               "keyPolicy": load_policy("default-key-policy"),
               "identityPolicies": [{"Version": "2012-10-17", "Statement": [
                   {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}, deny]}
        rc, out, err = self.explain(req)
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ExplicitDeny"), err)
        self.assertEqual(out["message"], access_denied(user_arn("app"), "kms:Decrypt", KEY,
                                                       "explicit-identity"))
        self.assertDetermining(out, (0, "NoDecrypt"))

    def test_encryption_context(self):
        # The bundled policy delegates only administration to IAM (NotAction).
        doc = load_policy("encryption-context-required")
        req = {"principal": "app", "action": "kms:Encrypt", "resource": KEY, "keyPolicy": doc}
        rc, out, err = self.explain(dict(req, context={"kms:EncryptionContext:tenant": "blue"}))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        self.assertDetermining(out, (1, "Allow app only with its tenant context"))
        for ctx in ({"kms:EncryptionContext:tenant": "red"}, {}):
            with self.subTest(ctx=ctx):
                rc, out, err = self.explain(dict(req, context=ctx))
                self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)
                self.assertEqual(out["message"], access_denied(user_arn("app"), "kms:Encrypt",
                                                               KEY, "no-resource"))

    def test_cross_account(self):
        req = {"principal": "partner-app", "action": "kms:Encrypt", "resource": KEY,
               "keyPolicy": load_policy("cross-account-partner")}
        rc, out, err = self.explain(req)
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)
        self.assertEqual(out["message"], access_denied(user_arn("partner-app", PARTNER),
                                                       "kms:Encrypt", KEY, "no-identity"))
        rc, out, err = self.explain(dict(req, principal="partner-admin"))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        rc, out, err = self.explain(dict(req, principal="partner-admin",
                                         keyPolicy=load_policy("default-key-policy")))
        self.assertEqual(out["message"], access_denied(user_arn("partner-admin", PARTNER),
                                                       "kms:Encrypt", KEY, "no-resource"))
        self.assertEqual(rc, EXIT_DENY, err)

    def test_grant(self):
        grant = {"KeyId": KEY, "GrantId": "ab" * 32, "Name": "lead-encrypt",
                 "CreationDate": "2024-01-01T00:00:00Z",
                 "GranteePrincipal": user_arn("db-lead"), "IssuingAccount": root_arn(),
                 "Operations": ["Encrypt"],
                 "Constraints": {"EncryptionContextSubset": {"tenant": "blue"}}}
        req = {"principal": "db-lead", "action": "kms:Encrypt", "resource": KEY,
               "keyPolicy": load_policy("default-key-policy"), "grants": [grant]}
        rc, out, err = self.explain(dict(req, context={"kms:EncryptionContext:tenant": "blue"}))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        self.assertIn("ab" * 32, [d.get("grantId") for d in out["determining"]])
        rc, out, err = self.explain(req)  # no context: the constraint fails
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), err)

    def test_custom_fixtures(self):
        tmp = tempfile.mkdtemp(prefix="kmslab-fixtures-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        ids = harness.fixture_identities()
        ids["accounts"][ACCOUNT]["users"].append({
            "name": "carol",
            "accessKeys": [{"id": "AKIAKMSLABCAROL11111", "secret": "kmslab-carol-secret"}],
            "inlinePolicies": {"enc": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}]}}})
        harness.write_fixtures(tmp, ids)
        req = {"principal": "carol", "action": "kms:Encrypt", "resource": KEY,
               "keyPolicy": load_policy("default-key-policy")}
        rc, out, err = self.explain(req, "--fixtures", tmp)
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), err)
        rc, _, err = self.explain(req)  # carol is unknown to the bundled set
        self.assertNotIn(rc, (EXIT_ALLOW, EXIT_DENY))
        self.assertTrue(err.strip())

    def test_bad_input(self):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            f.write("{not json")
        self.addCleanup(os.remove, path)
        p = harness.kmslab("explain", path, "--json")
        self.assertNotIn(p.returncode, (EXIT_ALLOW, EXIT_DENY))
        self.assertTrue(p.stderr.strip())
        p = harness.kmslab("explain", "/nonexistent/request.json")
        self.assertNotIn(p.returncode, (EXIT_ALLOW, EXIT_DENY))
        rc, _, err = self.explain({"principal": "nobody-at-all", "action": "kms:Encrypt",
                                   "resource": KEY, "keyPolicy": load_policy("default-key-policy")})
        self.assertNotIn(rc, (EXIT_ALLOW, EXIT_DENY))
        self.assertTrue(err.strip())


class DenialLogTest(ExplainCase):

    def denied(self, fn, **kw):
        """Call fn(**kw), expecting AccessDeniedException; returns (request id, message)."""
        err = self.assertApiError("AccessDeniedException", None, fn, **kw)
        return err.response["ResponseMetadata"]["RequestId"], err.response["Error"]["Message"]

    def record(self, request_id):
        found = [d for d in self.srv.denials() if d["requestId"] == request_id]
        self.assertEqual(len(found), 1, f"{request_id} in {self.srv.denials()[-3:]}")
        return found[0]

    def test_denial_is_recorded(self):
        md = self.create_key()
        start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        rid, message = self.denied(self.as_("db-lead").encrypt, KeyId=md["KeyId"],
                                   Plaintext=b"x")
        self.assertEqual(message, access_denied(user_arn("db-lead"), "kms:Encrypt", md["Arn"],
                                                "no-identity"))
        rec = self.record(rid)
        self.assertEqual(set(rec), {"requestId", "time", "caller", "action", "resource",
                                    "message", "explanation"})
        self.assertEqual((rec["caller"], rec["action"], rec["resource"], rec["message"]),
                         (user_arn("db-lead"), "kms:Encrypt", md["Arn"], message))
        when = datetime.datetime.fromisoformat(rec["time"].replace("Z", "+00:00"))
        self.assertLessEqual(abs((when - start).total_seconds()), 120, rec["time"])
        self.assertIsInstance(rec["explanation"], str)
        self.assertTrue(rec["explanation"].strip())

    def test_request_id_matches_the_header(self):
        md = self.create_key()
        r = self.srv.raw_as(creds_of("auditor"), "Encrypt",
                            {"KeyId": md["KeyId"], "Plaintext": "eA=="})
        self.assertRawError(r, "AccessDeniedException",
                            access_denied(user_arn("auditor"), "kms:Encrypt", md["Arn"],
                                          "no-identity"))
        rec = self.record(r.headers["x-amzn-RequestId"])
        self.assertEqual(rec["caller"], user_arn("auditor"))

    def test_each_reason_is_recorded(self):
        ddb = self.kms.create_key(Policy=json.dumps(load_policy("dynamodb-cmk-db-lead")),
                                  BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
        deny = self.kms.create_key(
            Policy=json.dumps(load_policy("deny-decrypt-outside-dynamodb")))["KeyMetadata"]
        blob = self.kms.encrypt(KeyId=deny["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        cases = (
            (self.as_("db-lead").encrypt, {"KeyId": ddb["KeyId"], "Plaintext": b"x"},
             access_denied(user_arn("db-lead"), "kms:Encrypt", ddb["Arn"], "no-resource")),
            (self.kms.decrypt, {"CiphertextBlob": blob},
             access_denied(user_arn("admin"), "kms:Decrypt", deny["Arn"], "explicit-resource")),
            (self.as_("app").create_key, {},
             access_denied(user_arn("app"), "kms:CreateKey", "*", "no-identity")),
        )
        for fn, kw, expected in cases:
            with self.subTest(expected=expected):
                rid, message = self.denied(fn, **kw)
                self.assertEqual(message, expected)
                self.assertEqual(self.record(rid)["message"], expected)

    def test_allowed_calls_and_other_errors_are_not_recorded(self):
        before = len(self.srv.denials())
        md = self.create_key()
        self.as_("app").encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        self.assertApiError("NotFoundException", None, self.kms.describe_key,
                            KeyId=key_arn("00000000-0000-0000-0000-000000000000"))
        self.assertEqual(len(self.srv.denials()), before)

    def test_explain_request_id(self):
        md = self.create_key()
        rid, message = self.denied(self.as_("db-lead").describe_key, KeyId=md["KeyId"])
        p = harness.kmslab("explain", "--request-id", rid, "--data", self.srv.data_dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(message, p.stdout)
        self.assertIn(self.record(rid)["explanation"].strip().splitlines()[0], p.stdout)
        p = harness.kmslab("explain", "--request-id", "00000000-0000-4000-8000-000000000000",
                           "--data", self.srv.data_dir)
        self.assertNotEqual(p.returncode, 0)
        empty = tempfile.mkdtemp(prefix="kmslab-empty-")
        self.addCleanup(shutil.rmtree, empty, ignore_errors=True)
        p = harness.kmslab("explain", "--request-id", rid, "--data", empty)
        self.assertNotEqual(p.returncode, 0)

    def test_cli_denial_then_explain(self):
        md = self.create_key()
        before = {d["requestId"] for d in self.srv.denials()}
        res = self.srv.aws(creds_of("auditor"), "kms", "disable-key", "--key-id", md["KeyId"])
        expected = access_denied(user_arn("auditor"), "kms:DisableKey", md["Arn"], "no-identity")
        self.assertCliError(res, "AccessDeniedException", "DisableKey", expected)
        new = [d for d in self.srv.denials() if d["requestId"] not in before]
        self.assertEqual([d["message"] for d in new], [expected])
        p = harness.kmslab("explain", "--request-id", new[0]["requestId"], "--data",
                           self.srv.data_dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(expected, p.stdout)
