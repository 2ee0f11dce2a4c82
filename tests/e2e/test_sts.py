"""STS on the KMS port: GetCallerIdentity per principal, AssumeRole with trust policies and
the caller's IAM, and what role sessions may do with keys (issue 4)."""
import datetime
import json
import re

import boto3
import botocore.config
import botocore.exceptions

import harness
from harness import (ACCOUNT, PARTNER, Creds, access_denied, creds_of, role_arn, root_arn,
                     session_arn, user_arn)

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

UNRECOGNIZED = "The security token included in the request is invalid."


def assume_denied(caller, role):
    return f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"


class StsCase(harness.KmsTestCase):
    srv = SRV

    def sts(self, name):
        return self.as_(name, "sts")

    def assume(self, name, role, session, **kw):
        """AssumeRole as fixture principal `name` (or a Creds); returns (response, Creds)."""
        client = (self.srv.client_as(name, "sts") if isinstance(name, Creds)
                  else self.sts(name))
        r = client.assume_role(RoleArn=role_arn(role), RoleSessionName=session, **kw)
        c = r["Credentials"]
        return r, Creds(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    def assertStsDenied(self, fn, message, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], "AccessDenied", resp["Error"])
        self.assertEqual(resp["Error"]["Message"], message)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 403)
        return cm.exception


class CallerIdentityTest(StsCase):

    def test_get_caller_identity_per_principal(self):
        expected = {
            "admin": (user_arn("admin"), ACCOUNT),
            "db-lead": (user_arn("db-lead"), ACCOUNT),
            "app": (user_arn("app"), ACCOUNT),
            "auditor": (user_arn("auditor"), ACCOUNT),
            "partner-admin": (user_arn("partner-admin", PARTNER), PARTNER),
            "partner-app": (user_arn("partner-app", PARTNER), PARTNER),
        }
        user_ids = set()
        for name, (arn, account) in expected.items():
            with self.subTest(name=name):
                r = self.sts(name).get_caller_identity()
                self.assertEqual((r["Arn"], r["Account"]), (arn, account))
                self.assertRegex(r["UserId"], r"^AIDA[A-Z0-9]{12,}$")
                user_ids.add(r["UserId"])
        self.assertEqual(len(user_ids), len(expected))  # unique ids
        # The same user always gets the same id.
        self.assertIn(self.sts("app").get_caller_identity()["UserId"], user_ids)

    def test_get_caller_identity_root(self):
        for account in (ACCOUNT, PARTNER):
            with self.subTest(account=account):
                r = self.sts(f"root@{account}").get_caller_identity()
                self.assertEqual((r["Arn"], r["Account"], r["UserId"]),
                                 (root_arn(account), account, account))

    def test_get_caller_identity_raw_xml(self):
        r = self.srv.sts_raw(creds_of("auditor"), {"Action": "GetCallerIdentity"})
        self.assertEqual(r.status, 200, r.data)
        text = r.data.decode()
        self.assertIn("<GetCallerIdentityResponse", text)
        self.assertIn(f"<Arn>{user_arn('auditor')}</Arn>", text)
        self.assertIn(f"<Account>{ACCOUNT}</Account>", text)
        self.assertEqual(re.search(r"<RequestId>([^<]+)</RequestId>", text).group(1),
                         r.headers["x-amzn-RequestId"])

    def test_get_caller_identity_cli(self):
        res = self.srv.aws(creds_of("db-lead"), "sts", "get-caller-identity")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual((res.json["Arn"], res.json["Account"]), (user_arn("db-lead"), ACCOUNT))

    def test_sts_authentication_failures(self):
        r = self.srv.sts_raw(Creds(harness.ACCESS_KEY, "wrong"), {"Action": "GetCallerIdentity"})
        self.assertEqual(r.status, 403, r.data)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", r.data.decode())
        r = self.srv.sts_raw(Creds("AKIAKMSLABNOSUCHKEY1", "x"), {"Action": "GetCallerIdentity"})
        self.assertEqual(r.status, 403, r.data)
        self.assertIn("<Code>InvalidClientTokenId</Code>", r.data.decode())
        r = self.srv.sts_raw(None, {"Action": "GetCallerIdentity"})
        self.assertEqual(r.status, 403, r.data)
        self.assertIn("<Code>MissingAuthenticationToken</Code>", r.data.decode())


class AssumeRoleTest(StsCase):

    def test_admin_assumes_db_team(self):
        r, creds = self.assume("admin", "db-team", "alpha")
        arn = session_arn("db-team", "alpha")
        self.assertEqual(r["AssumedRoleUser"]["Arn"], arn)
        self.assertRegex(r["AssumedRoleUser"]["AssumedRoleId"], r"^AROA[A-Z0-9]{12,}:alpha$")
        self.assertTrue(creds.access_key and creds.secret_key and creds.token)
        self.assertNotIn(creds.access_key, {harness.ACCESS_KEY})
        expiration = r["Credentials"]["Expiration"]
        left = (expiration - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(3000 < left <= 3660, expiration)  # the default hour
        ident = self.srv.client_as(creds, "sts").get_caller_identity()
        self.assertEqual((ident["Arn"], ident["Account"], ident["UserId"]),
                         (arn, ACCOUNT, r["AssumedRoleUser"]["AssumedRoleId"]))

    def test_admin_assumes_Admin(self):
        r, creds = self.assume("admin", "Admin", "ops")
        self.assertEqual(r["AssumedRoleUser"]["Arn"], session_arn("Admin", "ops"))
        kms = self.srv.client_as(creds)
        md = kms.create_key()["KeyMetadata"]
        blob = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"as Admin")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"as Admin")

    def test_duration_seconds(self):
        r, _ = self.assume("admin", "db-team", "short", DurationSeconds=900)
        left = (r["Credentials"]["Expiration"]
                - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(800 < left <= 960, r["Credentials"]["Expiration"])

    def test_two_sessions_are_distinct(self):
        _, a = self.assume("admin", "db-team", "one")
        _, b = self.assume("admin", "db-team", "two")
        self.assertNotEqual(a.access_key, b.access_key)
        self.assertEqual(self.srv.client_as(a, "sts").get_caller_identity()["Arn"],
                         session_arn("db-team", "one"))
        self.assertEqual(self.srv.client_as(b, "sts").get_caller_identity()["Arn"],
                         session_arn("db-team", "two"))

    def test_root_assumes_db_team(self):
        r, _ = self.assume("root@111122223333", "db-team", "root-session")
        self.assertEqual(r["AssumedRoleUser"]["Arn"], session_arn("db-team", "root-session"))

    def test_db_lead_cannot_assume_db_team(self):
        # The trust policy delegates to the account, and db-lead's IAM has no sts:AssumeRole.
        self.assertStsDenied(self.sts("db-lead").assume_role,
                             assume_denied(user_arn("db-lead"), role_arn("db-team")),
                             RoleArn=role_arn("db-team"), RoleSessionName="nope")

    def test_other_refusals(self):
        cases = (
            ("app", "db-team", user_arn("app")),
            ("db-lead", "Admin", user_arn("db-lead")),  # Admin trusts user admin only
            ("auditor", "Admin", user_arn("auditor")),
            ("partner-admin", "db-team", user_arn("partner-admin", PARTNER)),  # other account
            ("admin", "no-such-role", user_arn("admin")),
        )
        for name, role, caller in cases:
            with self.subTest(name=name, role=role):
                self.assertStsDenied(self.sts(name).assume_role,
                                     assume_denied(caller, role_arn(role)),
                                     RoleArn=role_arn(role), RoleSessionName="nope")

    def test_session_without_iam_cannot_assume_again(self):
        # An Admin session has no sts:AssumeRole in its IAM; db-team trusts only the account.
        _, creds = self.assume("admin", "Admin", "hop")
        self.assertStsDenied(self.srv.client_as(creds, "sts").assume_role,
                             assume_denied(session_arn("Admin", "hop"), role_arn("db-team")),
                             RoleArn=role_arn("db-team"), RoleSessionName="second")

    def test_refusal_is_a_403_xml_error(self):
        r = self.srv.sts_raw(creds_of("db-lead"), {"Action": "AssumeRole",
                                                   "RoleArn": role_arn("db-team"),
                                                   "RoleSessionName": "raw"})
        self.assertEqual(r.status, 403, r.data)
        text = r.data.decode()
        self.assertIn("<Code>AccessDenied</Code>", text)
        self.assertIn("<Message>" + assume_denied(user_arn("db-lead"), role_arn("db-team"))
                      + "</Message>", text)

    def test_session_credentials_need_the_token(self):
        _, creds = self.assume("admin", "Admin", "tokenless")
        without = creds._replace(token=None)
        r = self.srv.raw_as(without, "ListKeys", {})
        self.assertRawError(r, "UnrecognizedClientException", UNRECOGNIZED)
        first = "Y" if creds.token[0] == "X" else "X"
        wrong = creds._replace(token=first + creds.token[1:])
        r = self.srv.raw_as(wrong, "ListKeys", {})
        self.assertRawError(r, "UnrecognizedClientException", UNRECOGNIZED)
        r = self.srv.raw_as(creds, "ListKeys", {})
        self.assertEqual(r.status, 200, r.data)

    def test_assume_role_cli(self):
        res = self.srv.aws(creds_of("admin"), "sts", "assume-role", "--role-arn",
                           role_arn("db-team"), "--role-session-name", "cli")
        self.assertEqual(res.rc, 0, res.stderr)
        c = res.json["Credentials"]
        creds = Creds(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        res = self.srv.aws(creds, "sts", "get-caller-identity")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["Arn"], session_arn("db-team", "cli"))
        res = self.srv.aws(creds_of("db-lead"), "sts", "assume-role", "--role-arn",
                           role_arn("db-team"), "--role-session-name", "cli")
        self.assertEqual(res.rc, 255 if harness.cli_major_version() == 1 else 254, res.stderr)
        self.assertIn("An error occurred (AccessDenied) when calling the AssumeRole operation: "
                      + assume_denied(user_arn("db-lead"), role_arn("db-team")), res.stderr)


class SessionAuthorizationTest(StsCase):

    def session(self, role="db-team", name="team"):
        return self.assume("admin", role, name)[1]

    def test_db_team_administers_but_cannot_encrypt(self):
        md = self.create_key()  # default policy: everything through IAM
        team = self.srv.client_as(self.session(name="keyadmin"))
        team.disable_key(KeyId=md["KeyId"])
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Disabled")
        team.enable_key(KeyId=md["KeyId"])
        self.assertEqual(team.describe_key(KeyId=md["Arn"])["KeyMetadata"]["KeyState"], "Enabled")
        self.assertEqual(json.loads(team.get_key_policy(KeyId=md["KeyId"],
                                                        PolicyName="default")["Policy"])["Id"],
                         "key-default-1")
        err = self.assertAccessDenied(team.encrypt, session_arn("db-team", "keyadmin"),
                                      "kms:Encrypt", md["Arn"], "no-identity",
                                      KeyId=md["KeyId"], Plaintext=b"x")
        rid = err.response["ResponseMetadata"]["RequestId"]
        records = [d for d in self.srv.denials() if d["requestId"] == rid]
        self.assertEqual(len(records), 1, self.srv.denials()[-3:])
        self.assertEqual(records[0]["caller"], session_arn("db-team", "keyadmin"))
        self.assertEqual(records[0]["action"], "kms:Encrypt")

    def test_key_policy_naming_the_role_covers_its_sessions(self):
        md = self.create_key()
        doc = load_default()
        doc["Statement"].append({"Sid": "db-team may encrypt", "Effect": "Allow",
                                 "Principal": {"AWS": role_arn("db-team")},
                                 "Action": "kms:Encrypt", "Resource": "*"})
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc))
        for name in ("first", "second"):
            with self.subTest(session=name):
                team = self.srv.client_as(self.session(name=name))
                self.assertEqual(team.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["KeyId"],
                                 md["Arn"])

    def test_key_policy_naming_one_session(self):
        md = self.create_key()
        doc = load_default()
        doc["Statement"].append({"Sid": "Only the alpha session", "Effect": "Allow",
                                 "Principal": {"AWS": session_arn("db-team", "alpha")},
                                 "Action": "kms:Encrypt", "Resource": "*"})
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc))
        self.srv.client_as(self.session(name="alpha")).encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.srv.client_as(self.session(name="beta")).encrypt,
                                session_arn("db-team", "beta"), "kms:Encrypt", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], Plaintext=b"x")

    def test_dynamodb_cmk_policy_for_db_team(self):
        md = self.kms.create_key(Policy=json.dumps(harness.load_policy("dynamodb-cmk-db-lead")),
                                 BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
        team = self.srv.client_as(self.session(name="viewer"))
        self.assertEqual(team.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"], md["Arn"])
        self.assertEqual(json.loads(team.get_key_policy(KeyId=md["KeyId"],
                                                        PolicyName="default")["Policy"]),
                         harness.load_policy("dynamodb-cmk-db-lead"))
        # Named for viewing only; its IAM kms:Disable* does not help without a root delegation.
        self.assertAccessDenied(team.disable_key, session_arn("db-team", "viewer"),
                                "kms:DisableKey", md["Arn"], "no-resource", KeyId=md["KeyId"])
        self.assertAccessDenied(team.encrypt, session_arn("db-team", "viewer"), "kms:Encrypt",
                                md["Arn"], "no-resource", KeyId=md["KeyId"], Plaintext=b"x")

    def test_principal_arn_condition_sees_the_role(self):
        # aws:PrincipalArn of a session is the role ARN, not the session ARN.
        md = self.create_key()
        doc = load_default()
        doc["Statement"].append({"Sid": "Role members by PrincipalArn", "Effect": "Allow",
                                 "Principal": "*", "Action": "kms:Encrypt", "Resource": "*",
                                 "Condition": {"ArnLike": {"aws:PrincipalArn": role_arn("db-*")}}})
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc))
        self.srv.client_as(self.session(name="cond")).encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("db-lead").encrypt, user_arn("db-lead"), "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["KeyId"], Plaintext=b"x")

    def test_session_denial_cli(self):
        md = self.create_key()
        creds = self.session(name="clisession")
        res = self.srv.aws(creds, "kms", "encrypt", "--key-id", md["KeyId"], "--plaintext",
                           "fileb://" + self.srv.file(b"x"))
        self.assertCliError(res, "AccessDeniedException", "Encrypt",
                            access_denied(session_arn("db-team", "clisession"), "kms:Encrypt",
                                          md["Arn"], "no-identity"))
        res = self.srv.aws(creds, "kms", "disable-key", "--key-id", md["KeyId"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Disabled")


def unvalidated_sts(srv, creds):
    """An STS client without botocore's client-side checks (which would refuse a
    one-character RoleSessionName or DurationSeconds below 900 before sending)."""
    session = boto3.session.Session(aws_access_key_id=creds.access_key,
                                    aws_secret_access_key=creds.secret_key,
                                    region_name=harness.REGION)
    cfg = botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=False)
    return session.client("sts", endpoint_url=srv.url, config=cfg)


class AssumeRoleValidationTest(StsCase):
    """AssumeRole's validation texts as AWS words them, and the role's MaxSessionDuration
    (3600 s unless the fixture role sets maxSessionDuration)."""

    def assertValidationError(self, message, client=None, **kw):
        client = client or unvalidated_sts(self.srv, creds_of("admin"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            client.assume_role(**kw)
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "ValidationError", err["Error"])
        self.assertEqual(err["Error"]["Message"], message)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_validation_texts(self):
        role = role_arn("Admin")
        prefix = "1 validation error detected: "
        self.assertValidationError(
            prefix + "Value 'a' at 'roleSessionName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 2",
            RoleArn=role, RoleSessionName="a")
        self.assertValidationError(
            prefix + "Value '899' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value greater than or equal to 900",
            RoleArn=role, RoleSessionName="ok", DurationSeconds=899)
        self.assertValidationError(
            prefix + "Value '43201' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value less than or equal to 43200",
            RoleArn=role, RoleSessionName="ok", DurationSeconds=43201)

    def test_default_max_session_duration_is_3600(self):
        for seconds in (3601, 43200):
            with self.subTest(seconds=seconds):
                self.assertValidationError(
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                    client=self.sts("admin"), RoleArn=role_arn("Admin"), RoleSessionName="long",
                    DurationSeconds=seconds)
        r, _ = self.assume("admin", "Admin", "hour", DurationSeconds=3600)
        left = (r["Credentials"]["Expiration"]
                - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(3500 < left <= 3660, r["Credentials"]["Expiration"])

    def test_fixture_role_max_session_duration(self):
        identities = harness.fixture_identities()
        for role in identities["accounts"][ACCOUNT]["roles"]:
            if role["name"] == "Admin":
                role["maxSessionDuration"] = 7200
        srv = harness.start_with_identities(identities)
        try:
            sts = srv.client_as(creds_of("admin"), "sts")
            r = sts.assume_role(RoleArn=role_arn("Admin"), RoleSessionName="two-hours",
                                DurationSeconds=7200)
            left = (r["Credentials"]["Expiration"]
                    - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
            self.assertTrue(7100 < left <= 7260, r["Credentials"]["Expiration"])
            self.assertValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                client=sts, RoleArn=role_arn("Admin"), RoleSessionName="longer",
                DurationSeconds=7201)
            # db-team keeps the default.
            self.assertValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                client=sts, RoleArn=role_arn("db-team"), RoleSessionName="longer",
                DurationSeconds=3601)
        finally:
            harness.shutdown_and_remove_fixtures(srv)

    def test_cli_reports_the_text(self):
        res = self.srv.aws(creds_of("admin"), "sts", "assume-role", "--role-arn", role_arn("Admin"),
                           "--role-session-name", "cli", "--duration-seconds", "7200")
        self.assertNotEqual(res.rc, 0)
        self.assertIn("(ValidationError) when calling the AssumeRole operation: The requested "
                      "DurationSeconds exceeds the MaxSessionDuration set for this role.", res.stderr)


def load_default():
    return harness.load_policy("default-key-policy")
