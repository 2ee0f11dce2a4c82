"""Authorization by key policies and IAM identity policies: the reference's §4-§7 driven
through boto3 as the fixture principals (issue 4).

Who is who (fixtures/identities.json): admin has kms:* in IAM; app has Encrypt, Decrypt,
GenerateDataKey*; auditor has Describe*, Get*, List*; db-lead has no kms in IAM;
partner-admin (account 444455556666) has kms:*, partner-app nothing.
"""
import json
import os
import uuid

import harness
from harness import (ACCOUNT, PARTNER, access_denied, alias_arn, creds_of, key_arn,
                     load_policy, root_arn, user_arn)

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
CRYPTO = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]


def stmt(sid, effect, principal, action, condition=None, resource="*", not_action=False):
    s = {"Sid": sid, "Effect": effect, "Principal": principal,
         ("NotAction" if not_action else "Action"): action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    return s


def policy(*statements, pid=None):
    doc = {"Version": "2012-10-17"}
    if pid:
        doc["Id"] = pid
    doc["Statement"] = list(statements)
    return doc


def aws(arn):
    return {"AWS": arn}


ROOT_DELEGATION = stmt("Enable IAM User Permissions", "Allow", aws(root_arn()), "kms:*")
# The account may administer the key through IAM, but not use it for cryptography.
ROOT_ADMIN_ONLY = stmt("Enable IAM administration", "Allow", aws(root_arn()), CRYPTO,
                       not_action=True)


class PolicyCase(harness.KmsTestCase):
    srv = SRV

    def key_with(self, doc, bypass=False, client=None):
        client = client or self.kms
        kw = {"BypassPolicyLockoutSafetyCheck": True} if bypass else {}
        return client.create_key(Policy=json.dumps(doc), **kw)["KeyMetadata"]

    def policy_text(self, key_id, client=None):
        return (client or self.kms).get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]


class KeyPolicyTest(PolicyCase):

    def test_default_key_policy(self):
        md = self.create_key()
        # PolicyName in the output is newer than Debian's 2022 botocore: call() falls back
        # to a raw request when the client does not model it.
        r = self.call("GetKeyPolicy", need=("PolicyName",), KeyId=md["KeyId"], PolicyName="default")
        self.assertEqual(r["PolicyName"], "default")
        doc = json.loads(r["Policy"])
        self.assertEqual(doc["Id"], "key-default-1")
        self.assertEqual(doc["Version"], "2012-10-17")
        self.assertEqual(doc["Statement"], [{
            "Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*", "Resource": "*"}])
        self.assertEqual(doc, load_policy("default-key-policy"))
        listed = self.kms.list_key_policies(KeyId=md["Arn"])
        self.assertEqual((listed["PolicyNames"], listed["Truncated"]), (["default"], False))
        # auditor reads it through the root delegation and its kms:Get* / kms:List*.
        auditor = self.as_("auditor")
        self.assertEqual(self.policy_text(md["KeyId"], auditor), r["Policy"])
        self.assertEqual(auditor.list_key_policies(KeyId=md["KeyId"])["PolicyNames"], ["default"])

    def test_default_key_policy_cli(self):
        md = self.create_key()
        res = self.srv.cli("get-key-policy", "--key-id", md["KeyId"], "--policy-name", "default")
        self.assertEqual(res.rc, 0, res.stderr)
        # Older CLIs (Debian's 2.9) do not model the PolicyName output member.
        if "PolicyName" in res.json or harness.cli_major_version() == 1:
            self.assertEqual(res.json["PolicyName"], "default")
        self.assertEqual(json.loads(res.json["Policy"]), load_policy("default-key-policy"))

    def test_put_key_policy_round_trip(self):
        md = self.create_key()
        doc = policy(ROOT_DELEGATION,
                     stmt("Allow app", "Allow", aws(user_arn("app")), ["kms:Encrypt"]),
                     pid="round-trip")
        text = json.dumps(doc, indent=3)
        r = self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=text)
        self.assertEqual(set(r) - {"ResponseMetadata"}, set())
        self.assertEqual(self.policy_text(md["KeyId"]), text)

    def test_allowed_by_key_policy_naming_a_user_without_iam(self):
        # db-lead has no kms permission in IAM; a key policy naming the user is enough.
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Allow db-lead to use the key", "Allow", aws(user_arn("db-lead")),
                 ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"])))
        lead = self.as_("db-lead")
        blob = lead.encrypt(KeyId=md["KeyId"], Plaintext=b"lead data")["CiphertextBlob"]
        self.assertEqual(lead.decrypt(CiphertextBlob=blob)["Plaintext"], b"lead data")
        self.assertEqual(lead.describe_key(KeyId=md["Arn"])["KeyMetadata"]["KeyId"], md["KeyId"])
        # Actions the statement does not list fall back to the root delegation: IAM decides.
        self.assertAccessDenied(lead.generate_data_key, user_arn("db-lead"),
                                "kms:GenerateDataKey", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], KeySpec="AES_256")
        self.assertAccessDenied(lead.disable_key, user_arn("db-lead"), "kms:DisableKey",
                                md["Arn"], "no-identity", KeyId=md["KeyId"])
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")

    def test_allowed_by_key_policy_alone_without_root(self):
        md = self.key_with(policy(
            stmt("Allow app to encrypt", "Allow", aws(user_arn("app")), ["kms:Encrypt"])),
            bypass=True)
        app = self.as_("app")
        self.assertEqual(app.encrypt(KeyId=md["Arn"], Plaintext=b"x")["KeyId"], md["Arn"])
        # No path in the key policy: IAM allows are worthless (admin kms:*, app Decrypt).
        blob = app.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(app.decrypt, user_arn("app"), "kms:Decrypt", md["Arn"],
                                "no-resource", CiphertextBlob=blob)
        self.assertAccessDenied(app.generate_data_key, user_arn("app"), "kms:GenerateDataKey",
                                md["Arn"], "no-resource", KeyId=md["KeyId"], KeySpec="AES_256")
        self.assertAccessDenied(self.kms.describe_key, user_arn("admin"), "kms:DescribeKey",
                                md["Arn"], "no-resource", KeyId=md["KeyId"])
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("auditor").get_key_policy, user_arn("auditor"),
                                "kms:GetKeyPolicy", md["Arn"], "no-resource",
                                KeyId=md["KeyId"], PolicyName="default")

    def test_principal_star_with_caller_account(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Anyone in the account may describe", "Allow", "*", "kms:DescribeKey",
                 {"StringEquals": {"kms:CallerAccount": ACCOUNT}})))
        # "*" counts as a direct grant: db-lead needs no IAM.
        self.assertEqual(self.as_("db-lead").describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"],
                         md["Arn"])
        # partner-admin has kms:* in IAM, but kms:CallerAccount is 444455556666.
        self.assertAccessDenied(self.as_("partner-admin").describe_key, user_arn("partner-admin", PARTNER),
                                "kms:DescribeKey", md["Arn"], "no-resource", KeyId=md["Arn"])

    def test_dynamodb_only_policy_denies_every_direct_call(self):
        md = self.key_with(load_policy("dynamodb-cmk-db-lead"), bypass=True)
        lead = self.as_("db-lead")
        self.assertAccessDenied(lead.encrypt, user_arn("db-lead"), "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(lead.generate_data_key, user_arn("db-lead"),
                                "kms:GenerateDataKey", md["Arn"], "no-resource",
                                KeyId=md["KeyId"], KeySpec="AES_256")
        self.assertAccessDenied(lead.describe_key, user_arn("db-lead"), "kms:DescribeKey",
                                md["Arn"], "no-resource", KeyId=md["KeyId"])
        self.assertAccessDenied(self.kms.describe_key, user_arn("admin"), "kms:DescribeKey",
                                md["Arn"], "no-resource", KeyId=md["KeyId"])
        self.assertAccessDenied(self.kms.put_key_policy, user_arn("admin"), "kms:PutKeyPolicy",
                                md["Arn"], "no-resource", KeyId=md["KeyId"],
                                PolicyName="default",
                                Policy=json.dumps(load_policy("default-key-policy")))

    def test_aws_managed_dynamodb_policy(self):
        md = self.key_with(load_policy("aws-managed-dynamodb"), bypass=True)
        # Direct use: only through DynamoDB, and the account statement covers metadata only.
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["KeyId"], Plaintext=b"x")
        self.assertEqual(self.describe(md["KeyId"])["Arn"], md["Arn"])  # root delegation + IAM
        self.assertAccessDenied(self.as_("db-lead").describe_key, user_arn("db-lead"),
                                "kms:DescribeKey", md["Arn"], "no-identity", KeyId=md["KeyId"])

    def test_implicit_deny_by_iam(self):
        md = self.create_key()  # the default policy delegates everything to IAM
        lead, auditor, app = self.as_("db-lead"), self.as_("auditor"), self.as_("app")
        for op, action, kw in (("encrypt", "kms:Encrypt", {"Plaintext": b"x"}),
                               ("describe_key", "kms:DescribeKey", {}),
                               ("generate_data_key", "kms:GenerateDataKey", {"KeySpec": "AES_256"})):
            with self.subTest(op=op):
                self.assertAccessDenied(getattr(lead, op), user_arn("db-lead"), action,
                                        md["Arn"], "no-identity", KeyId=md["KeyId"], **kw)
        self.assertAccessDenied(auditor.encrypt, user_arn("auditor"), "kms:Encrypt", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], Plaintext=b"x")
        self.assertEqual(auditor.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"], md["Arn"])
        blob = app.encrypt(KeyId=md["KeyId"], Plaintext=b"app")["CiphertextBlob"]
        self.assertEqual(app.decrypt(CiphertextBlob=blob)["Plaintext"], b"app")
        self.assertAccessDenied(app.disable_key, user_arn("app"), "kms:DisableKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"])
        self.assertAccessDenied(app.describe_key, user_arn("app"), "kms:DescribeKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"])
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")

    def test_denial_names_the_key_arn_for_an_alias(self):
        md = self.create_key()
        name = self.create_alias(md["KeyId"])
        lead = self.as_("db-lead")
        for key_id in (name, alias_arn(name), md["Arn"]):
            with self.subTest(key_id=key_id):
                self.assertAccessDenied(lead.encrypt, user_arn("db-lead"), "kms:Encrypt",
                                        md["Arn"], "no-identity", KeyId=key_id, Plaintext=b"x")

    def test_implicit_deny_cli(self):
        md = self.create_key()
        res = self.srv.aws(creds_of("db-lead"), "kms", "encrypt", "--key-id", md["KeyId"],
                           "--plaintext", "fileb://" + self.srv.file(b"cli data"))
        self.assertCliError(res, "AccessDeniedException", "Encrypt",
                            access_denied(user_arn("db-lead"), "kms:Encrypt", md["Arn"],
                                          "no-identity"))
        res = self.srv.aws(creds_of("app"), "kms", "encrypt", "--key-id", md["KeyId"],
                           "--plaintext", "fileb://" + self.srv.file(b"cli data"))
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["KeyId"], md["Arn"])

    def test_access_denied_comes_before_key_state(self):
        md = self.create_key()
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertAccessDenied(self.as_("db-lead").encrypt, user_arn("db-lead"), "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["KeyId"], Plaintext=b"x")
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.kms.encrypt,
                            KeyId=md["KeyId"], Plaintext=b"x")

    def test_statement_without_resource_never_matches(self):
        no_resource = {"Sid": "No resource", "Effect": "Allow", "Principal": aws(user_arn("db-lead")),
                       "Action": "kms:Encrypt"}
        md = self.key_with(policy(ROOT_DELEGATION, no_resource))  # accepted
        self.assertAccessDenied(self.as_("db-lead").encrypt, user_arn("db-lead"), "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["KeyId"], Plaintext=b"x")

    def test_resource_as_the_key_arn(self):
        md = self.create_key()
        doc = policy(ROOT_DELEGATION,
                     stmt("This key by ARN", "Allow", aws(user_arn("db-lead")), "kms:Encrypt",
                          resource=md["Arn"]),
                     stmt("Another key", "Allow", aws(user_arn("db-lead")), "kms:Decrypt",
                          resource=key_arn(str(uuid.uuid4()))))
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc))
        lead = self.as_("db-lead")
        blob = lead.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(lead.decrypt, user_arn("db-lead"), "kms:Decrypt", md["Arn"],
                                "no-identity", CiphertextBlob=blob)

    def test_action_wildcards_are_case_insensitive(self):
        doc = policy(ROOT_DELEGATION,
                     stmt("Mixed case", "Allow", aws(user_arn("db-lead")),
                          ["KMS:encrypt", "kms:generatedatakey*", "kms:Descr?beKey"]))
        md = self.key_with(doc)
        lead = self.as_("db-lead")
        lead.encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        lead.generate_data_key_without_plaintext(KeyId=md["KeyId"], KeySpec="AES_256")
        lead.describe_key(KeyId=md["KeyId"])
        self.assertAccessDenied(lead.decrypt, user_arn("db-lead"), "kms:Decrypt", md["Arn"],
                                "no-identity",
                                CiphertextBlob=lead.encrypt(KeyId=md["KeyId"],
                                                            Plaintext=b"x")["CiphertextBlob"])

    def test_policy_variables(self):
        # ${aws:username} resolves for users; db-lead is allowed through "*" only when its
        # PrincipalArn equals the user ARN built from its own name.
        doc = policy(ROOT_DELEGATION,
                     stmt("Users by their own name", "Allow", "*", "kms:DescribeKey",
                          {"StringEquals": {"aws:PrincipalArn":
                                            f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"}}),
                     stmt("Only the app user", "Allow", "*", "kms:Encrypt",
                          {"StringEquals": {"aws:username": "app"}}))
        md = self.key_with(doc)
        self.as_("db-lead").describe_key(KeyId=md["KeyId"])
        self.assertAccessDenied(self.as_("db-lead").encrypt, user_arn("db-lead"), "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["KeyId"], Plaintext=b"x")


class ExplicitDenyTest(PolicyCase):

    def test_key_policy_deny_beats_iam_allow(self):
        md = self.key_with(load_policy("deny-decrypt-outside-dynamodb"))
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
        self.assertAccessDenied(self.kms.decrypt, user_arn("admin"), "kms:Decrypt", md["Arn"],
                                "explicit-resource", CiphertextBlob=blob)
        self.assertAccessDenied(self.as_("app").decrypt, user_arn("app"), "kms:Decrypt",
                                md["Arn"], "explicit-resource", CiphertextBlob=blob,
                                KeyId=md["KeyId"])
        # GenerateDataKey is not denied, and returns the plaintext key directly.
        self.assertEqual(len(self.kms.generate_data_key(KeyId=md["KeyId"],
                                                        KeySpec="AES_256")["Plaintext"]), 32)

    def test_key_policy_deny_beats_direct_allow(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Allow app", "Allow", aws(user_arn("app")), ["kms:Encrypt", "kms:Decrypt"]),
            stmt("But never encrypt for app", "Deny", aws(user_arn("app")), "kms:Encrypt")))
        app = self.as_("app")
        self.assertAccessDenied(app.encrypt, user_arn("app"), "kms:Encrypt", md["Arn"],
                                "explicit-resource", KeyId=md["KeyId"], Plaintext=b"x")
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"admin")["CiphertextBlob"]
        self.assertEqual(app.decrypt(CiphertextBlob=blob)["Plaintext"], b"admin")

    def test_explicit_deny_cli(self):
        md = self.key_with(load_policy("deny-decrypt-outside-dynamodb"))
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        res = self.srv.cli("decrypt", "--ciphertext-blob", "fileb://" + self.srv.file(blob))
        self.assertCliError(res, "AccessDeniedException", "Decrypt",
                            access_denied(user_arn("admin"), "kms:Decrypt", md["Arn"],
                                          "explicit-resource"))

    def test_deny_on_another_principal_does_not_apply(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Deny db-lead everything", "Deny", aws(user_arn("db-lead")), "kms:*")))
        self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("db-lead").describe_key, user_arn("db-lead"),
                                "kms:DescribeKey", md["Arn"], "explicit-resource",
                                KeyId=md["KeyId"])

    def test_deny_with_not_principal(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            {"Sid": "Only admin may encrypt", "Effect": "Deny",
             "NotPrincipal": {"AWS": [user_arn("admin"), root_arn()]},
             "Action": "kms:Encrypt", "Resource": "*"}))
        self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("app").encrypt, user_arn("app"), "kms:Encrypt",
                                md["Arn"], "explicit-resource", KeyId=md["KeyId"],
                                Plaintext=b"x")

    def test_reencrypt_checks_both_keys(self):
        src = self.create_key()
        dst = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("No re-encryption into this key", "Deny", "*", "kms:ReEncryptTo")))
        blob = self.kms.encrypt(KeyId=src["KeyId"], Plaintext=b"move me")["CiphertextBlob"]
        self.assertAccessDenied(self.kms.re_encrypt, user_arn("admin"), "kms:ReEncryptTo",
                                dst["Arn"], "explicit-resource", CiphertextBlob=blob,
                                DestinationKeyId=dst["KeyId"])
        # app may re-encrypt into `into` (named there), but has no kms:ReEncrypt* in IAM
        # for the source key, which only delegates to IAM.
        into = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("app may re-encrypt into this key", "Allow", aws(user_arn("app")),
                 "kms:ReEncryptTo")))
        self.assertAccessDenied(self.as_("app").re_encrypt, user_arn("app"), "kms:ReEncryptFrom",
                                src["Arn"], "no-identity", CiphertextBlob=blob,
                                DestinationKeyId=into["KeyId"])
        r = self.kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=into["KeyId"])
        self.assertEqual((r["SourceKeyId"], r["KeyId"]), (src["Arn"], into["Arn"]))


class EncryptionContextTest(PolicyCase):

    def test_tenant_blue_allowed(self):
        md = self.key_with(load_policy("encryption-context-required"))
        app = self.as_("app")
        blob = app.encrypt(KeyId=md["KeyId"], Plaintext=b"blue data",
                           EncryptionContext={"tenant": "blue"})["CiphertextBlob"]
        self.assertEqual(app.decrypt(CiphertextBlob=blob,
                                     EncryptionContext={"tenant": "blue"})["Plaintext"],
                         b"blue data")
        app.generate_data_key(KeyId=md["KeyId"], KeySpec="AES_256",
                              EncryptionContext={"tenant": "blue", "extra": "ok"})

    def test_bundled_policy_delegates_only_administration(self):
        # policies/encryption-context-required.json delegates everything but cryptography to
        # the account's IAM (NotAction caps what the account principal passes on), so app's
        # IAM allow on "*" does not reach Encrypt: the tenant statement is its only path.
        md = self.key_with(load_policy("encryption-context-required"))
        self.assertEqual(load_policy("encryption-context-required")["Statement"][0], ROOT_ADMIN_ONLY)
        self.kms.describe_key(KeyId=md["KeyId"])
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", md["Arn"], "no-resource",
                                KeyId=md["KeyId"], Plaintext=b"x")

    def scoped_key(self):
        """The bundled policy, whose root delegation covers administration only."""
        return self.key_with(load_policy("encryption-context-required"))

    def test_tenant_red_or_none_denied(self):
        md = self.scoped_key()
        app = self.as_("app")
        blob = app.encrypt(KeyId=md["KeyId"], Plaintext=b"x",
                           EncryptionContext={"tenant": "blue"})["CiphertextBlob"]
        for ctx in ({"tenant": "red"}, {}, {"other": "blue"}, {"tenant": "Blue"}):
            with self.subTest(ctx=ctx):
                self.assertAccessDenied(app.encrypt, user_arn("app"), "kms:Encrypt", md["Arn"],
                                        "no-resource", KeyId=md["KeyId"], Plaintext=b"x",
                                        EncryptionContext=ctx)
                self.assertAccessDenied(app.generate_data_key, user_arn("app"),
                                        "kms:GenerateDataKey", md["Arn"], "no-resource",
                                        KeyId=md["KeyId"], KeySpec="AES_256",
                                        EncryptionContext=ctx)
        # Decrypt is authorized on the request's context, before the ciphertext is checked.
        self.assertAccessDenied(app.decrypt, user_arn("app"), "kms:Decrypt", md["Arn"],
                                "no-resource", CiphertextBlob=blob,
                                EncryptionContext={"tenant": "red"})
        self.assertAccessDenied(app.decrypt, user_arn("app"), "kms:Decrypt", md["Arn"],
                                "no-resource", CiphertextBlob=blob)

    def test_context_key_name_is_case_insensitive(self):
        md = self.scoped_key()
        app = self.as_("app")
        blob = app.encrypt(KeyId=md["KeyId"], Plaintext=b"x",
                           EncryptionContext={"Tenant": "blue"})["CiphertextBlob"]
        self.assertEqual(app.decrypt(CiphertextBlob=blob,
                                     EncryptionContext={"Tenant": "blue"})["Plaintext"], b"x")

    def test_context_required_with_null_condition(self):
        doc = policy(ROOT_ADMIN_ONLY,
                     stmt("Any context, but some", "Allow", aws(user_arn("app")), "kms:Encrypt",
                          {"Null": {"kms:EncryptionContextKeys": "false"}}))
        md = self.key_with(doc)
        app = self.as_("app")
        app.encrypt(KeyId=md["KeyId"], Plaintext=b"x", EncryptionContext={"any": "thing"})
        self.assertAccessDenied(app.encrypt, user_arn("app"), "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["KeyId"], Plaintext=b"x")

    def test_request_alias_condition(self):
        md = self.create_key()
        good = self.create_alias(md["KeyId"], prefix="alias/e2e-tenant-")
        other = self.create_alias(md["KeyId"])
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(policy(
            ROOT_ADMIN_ONLY,
            stmt("Only through the tenant alias", "Allow", aws(user_arn("app")), "kms:Encrypt",
                 {"StringEquals": {"kms:RequestAlias": good}}))))
        app = self.as_("app")
        self.assertEqual(app.encrypt(KeyId=good, Plaintext=b"x")["KeyId"], md["Arn"])
        app.encrypt(KeyId=alias_arn(good), Plaintext=b"x")
        for key_id in (md["KeyId"], md["Arn"], other):
            with self.subTest(key_id=key_id):
                self.assertAccessDenied(app.encrypt, user_arn("app"), "kms:Encrypt", md["Arn"],
                                        "no-resource", KeyId=key_id, Plaintext=b"x")

    def test_for_all_values_on_encryption_context_refused(self):
        doc = policy(ROOT_DELEGATION,
                     stmt("Overly permissive", "Allow", aws(user_arn("app")), "kms:Encrypt",
                          {"ForAllValues:StringEquals": {"kms:EncryptionContext:tenant": "blue"}}))
        before = self.all_key_ids()
        err = self.assertApiError("MalformedPolicyDocumentException", None, self.kms.create_key,
                                  Policy=json.dumps(doc))
        self.assertTrue(err.response["Error"]["Message"].startswith("OverlyPermissiveCondition"),
                        err.response["Error"]["Message"])
        self.assertEqual(sorted(self.all_key_ids()), sorted(before))


class LockoutTest(PolicyCase):

    def test_create_key_lockout_check(self):
        doc = load_policy("dynamodb-cmk-db-lead")
        before = self.all_key_ids()
        self.assertApiError("MalformedPolicyDocumentException", LOCKOUT, self.kms.create_key,
                            Policy=json.dumps(doc))
        self.assertApiError("MalformedPolicyDocumentException", LOCKOUT, self.kms.create_key,
                            Policy=json.dumps(doc), BypassPolicyLockoutSafetyCheck=False)
        self.assertEqual(sorted(self.all_key_ids()), sorted(before))
        md = self.key_with(doc, bypass=True)
        self.assertIn(md["KeyId"], self.all_key_ids())
        # Created, and indeed locked: admin's kms:* in IAM no longer reaches it.
        self.assertAccessDenied(self.kms.get_key_policy, user_arn("admin"), "kms:GetKeyPolicy",
                                md["Arn"], "no-resource", KeyId=md["KeyId"],
                                PolicyName="default")
        # The managed variant keeps the root delegation and passes the check.
        md = self.key_with(load_policy("dynamodb-cmk-db-lead-managed"))
        self.assertEqual(json.loads(self.policy_text(md["KeyId"])),
                         load_policy("dynamodb-cmk-db-lead-managed"))

    def test_create_key_lockout_check_cli(self):
        path = os.path.join(harness.POLICIES, "dynamodb-cmk-db-lead.json")
        before = self.all_key_ids()
        res = self.srv.cli("create-key", "--policy", "file://" + path)
        self.assertCliError(res, "MalformedPolicyDocumentException", "CreateKey", LOCKOUT)
        self.assertEqual(sorted(self.all_key_ids()), sorted(before))
        res = self.srv.cli("create-key", "--policy", "file://" + path,
                           "--bypass-policy-lockout-safety-check")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertIn(res.json["KeyMetadata"]["KeyId"], self.all_key_ids())

    def test_put_key_policy_lockout_changes_nothing(self):
        md = self.create_key()
        before = self.policy_text(md["KeyId"])
        refused = [
            policy(stmt("Only app", "Allow", aws(user_arn("app")), ["kms:Encrypt"])),
            policy(stmt("Root may only read", "Allow", aws(root_arn()), ["kms:Describe*", "kms:Get*"])),
            policy(ROOT_DELEGATION,
                   stmt("But not policy changes", "Deny", aws(user_arn("admin")), "kms:PutKeyPolicy")),
        ]
        for doc in refused:
            with self.subTest(doc=doc["Statement"][-1]["Sid"]):
                self.assertApiError("MalformedPolicyDocumentException", LOCKOUT,
                                    self.kms.put_key_policy, KeyId=md["KeyId"],
                                    PolicyName="default", Policy=json.dumps(doc))
                self.assertEqual(self.policy_text(md["KeyId"]), before)
        # admin still holds the key exactly as before.
        self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("app").disable_key, user_arn("app"), "kms:DisableKey",
                                md["Arn"], "no-identity", KeyId=md["KeyId"])

    def test_put_key_policy_naming_the_caller_passes(self):
        md = self.create_key()
        doc = policy(stmt("Admin may change the policy", "Allow", aws(user_arn("admin")),
                          "kms:PutKeyPolicy"))
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc))
        # Nothing else is allowed any more, not even reading the policy back...
        self.assertAccessDenied(self.kms.get_key_policy, user_arn("admin"), "kms:GetKeyPolicy",
                                md["Arn"], "no-resource", KeyId=md["KeyId"],
                                PolicyName="default")
        # ...but the policy can be put back.
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default",
                                Policy=json.dumps(load_policy("default-key-policy")))
        self.assertEqual(json.loads(self.policy_text(md["KeyId"])),
                         load_policy("default-key-policy"))

    def test_put_key_policy_bypass_really_locks_out(self):
        md = self.create_key()
        doc = policy(stmt("Only app", "Allow", aws(user_arn("app")), ["kms:Encrypt"]))
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(doc),
                                BypassPolicyLockoutSafetyCheck=True)
        self.assertAccessDenied(self.kms.put_key_policy, user_arn("admin"), "kms:PutKeyPolicy",
                                md["Arn"], "no-resource", KeyId=md["KeyId"],
                                PolicyName="default",
                                Policy=json.dumps(load_policy("default-key-policy")))
        self.as_("app").encrypt(KeyId=md["KeyId"], Plaintext=b"x")

    def test_lockout_check_uses_the_callers_iam(self):
        # db-lead manages this key only through a statement naming it; a new policy that
        # merely delegates to IAM would lock db-lead (no kms in IAM) out.
        md = self.key_with(policy(
            ROOT_DELEGATION, stmt("db-lead owns the key", "Allow", aws(user_arn("db-lead")), "kms:*")))
        lead = self.as_("db-lead")
        before = self.policy_text(md["KeyId"], lead)
        self.assertApiError("MalformedPolicyDocumentException", LOCKOUT, lead.put_key_policy,
                            KeyId=md["KeyId"], PolicyName="default",
                            Policy=json.dumps(load_policy("default-key-policy")))
        self.assertEqual(self.policy_text(md["KeyId"], lead), before)
        # The same document is fine for admin, whose IAM allows kms:*.
        self.kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default",
                                Policy=json.dumps(load_policy("default-key-policy")))
        self.assertAccessDenied(lead.describe_key, user_arn("db-lead"), "kms:DescribeKey",
                                md["Arn"], "no-identity", KeyId=md["KeyId"])

    def test_malformed_documents(self):
        md = self.create_key()
        before = self.policy_text(md["KeyId"])
        bad = {
            "not json": "{not json",
            "no statement": json.dumps({"Version": "2012-10-17"}),
            "bad effect": json.dumps(policy(dict(ROOT_DELEGATION, Effect="Permit"))),
            "array root": json.dumps([ROOT_DELEGATION]),
        }
        for name, text in bad.items():
            with self.subTest(name=name):
                self.assertApiError("MalformedPolicyDocumentException", None,
                                    self.kms.put_key_policy, KeyId=md["KeyId"],
                                    PolicyName="default", Policy=text)
                self.assertApiError("MalformedPolicyDocumentException", None,
                                    self.kms.create_key, Policy=text,
                                    BypassPolicyLockoutSafetyCheck=True)
        self.assertEqual(self.policy_text(md["KeyId"]), before)


class IamOnlyOperationsTest(PolicyCase):

    def test_iam_only_denials(self):
        cases = (("auditor", "create_key", "kms:CreateKey", {}),
                 ("app", "create_key", "kms:CreateKey", {}),
                 ("db-lead", "list_keys", "kms:ListKeys", {}),
                 ("db-lead", "list_aliases", "kms:ListAliases", {}),
                 ("app", "generate_random", "kms:GenerateRandom", {"NumberOfBytes": 16}))
        for name, op, action, kw in cases:
            with self.subTest(name=name, op=op):
                self.assertAccessDenied(getattr(self.as_(name), op), user_arn(name), action, "*",
                                        "no-identity", **kw)
        self.assertAccessDenied(self.as_("partner-app").list_keys,
                                user_arn("partner-app", PARTNER), "kms:ListKeys", "*",
                                "no-identity")

    def test_key_policy_never_consulted(self):
        md = self.key_with(policy(
            stmt("Only app", "Allow", aws(user_arn("app")), "kms:Encrypt"),
            stmt("Deny everyone else everything", "Deny", "*", "kms:*",
                 {"StringNotEquals": {"aws:username": "app"}})), bypass=True)
        self.assertIn(md["KeyId"], self.all_key_ids())
        self.assertIn(md["KeyId"], self.all_key_ids(self.as_("auditor")))
        self.assertAccessDenied(self.as_("auditor").describe_key, user_arn("auditor"),
                                "kms:DescribeKey", md["Arn"], "explicit-resource",
                                KeyId=md["KeyId"])
        self.assertEqual(len(self.kms.generate_random(NumberOfBytes=16)["Plaintext"]), 16)
        self.assertEqual(len(self.as_("root@111122223333").generate_random(
            NumberOfBytes=8)["Plaintext"]), 8)

    def test_root_creates_keys_without_iam(self):
        root = self.as_("root@111122223333")
        md = root.create_key()["KeyMetadata"]
        self.assertEqual(md["AWSAccountId"], ACCOUNT)
        root.encrypt(KeyId=md["KeyId"], Plaintext=b"x")

    def test_alias_half_of_create_alias_is_iam_only(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("db-lead may alias the key", "Allow", aws(user_arn("db-lead")),
                 ["kms:CreateAlias", "kms:DescribeKey"])))
        name = "alias/e2e-lead-" + uuid.uuid4().hex[:8]
        self.assertAccessDenied(self.as_("db-lead").create_alias, user_arn("db-lead"),
                                "kms:CreateAlias", alias_arn(name), "no-identity",
                                AliasName=name, TargetKeyId=md["KeyId"])
        self.assertNotIn(name, [a["AliasName"] for a in self.all_aliases()])


class CrossAccountTest(PolicyCase):
    PARTNER_ADMIN = user_arn("partner-admin", PARTNER)
    PARTNER_APP = user_arn("partner-app", PARTNER)

    def test_partner_admin_uses_the_key_by_arn(self):
        md = self.key_with(load_policy("cross-account-partner"))
        pa = self.as_("partner-admin")
        r = pa.encrypt(KeyId=md["Arn"], Plaintext=b"partner data")
        self.assertEqual(r["KeyId"], md["Arn"])
        self.assertEqual(pa.decrypt(CiphertextBlob=r["CiphertextBlob"],
                                    KeyId=md["Arn"])["Plaintext"], b"partner data")
        self.assertEqual(pa.describe_key(KeyId=md["Arn"])["KeyMetadata"]["AWSAccountId"], ACCOUNT)
        self.assertEqual(len(pa.generate_data_key(KeyId=md["Arn"], KeySpec="AES_256")["Plaintext"]),
                         32)
        # Symmetric Decrypt needs no KeyId: the ciphertext names the (foreign) key.
        self.assertEqual(pa.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"],
                         b"partner data")
        # The owner's own principals still work through the root delegation.
        self.assertEqual(self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"],
                         b"partner data")

    def test_partner_needs_the_key_arn(self):
        md = self.key_with(load_policy("cross-account-partner"))
        self.assertApiError("NotFoundException",
                            f"Key 'arn:aws:kms:us-east-1:{PARTNER}:key/{md['KeyId']}' does not exist",
                            self.as_("partner-admin").encrypt, KeyId=md["KeyId"], Plaintext=b"x")

    def test_partner_app_lacks_iam(self):
        md = self.key_with(load_policy("cross-account-partner"))
        self.assertAccessDenied(self.as_("partner-app").encrypt, self.PARTNER_APP, "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["Arn"], Plaintext=b"x")

    def test_key_without_partner_statement(self):
        md = self.create_key()
        pa = self.as_("partner-admin")
        self.assertAccessDenied(pa.encrypt, self.PARTNER_ADMIN, "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["Arn"], Plaintext=b"x")
        self.assertAccessDenied(pa.describe_key, self.PARTNER_ADMIN, "kms:DescribeKey", md["Arn"],
                                "no-resource", KeyId=md["Arn"])

    def test_statement_action_list_caps_the_partner(self):
        md = self.key_with(load_policy("cross-account-partner"))
        pa = self.as_("partner-admin")
        # ReEncrypt is cross-account eligible, but the partner statement does not list it.
        blob = pa.encrypt(KeyId=md["Arn"], Plaintext=b"x")["CiphertextBlob"]
        own = pa.create_key()["KeyMetadata"]  # the partner's own key: ReEncryptTo is fine
        self.assertAccessDenied(pa.re_encrypt, self.PARTNER_ADMIN, "kms:ReEncryptFrom",
                                md["Arn"], "no-resource", CiphertextBlob=blob,
                                DestinationKeyId=own["Arn"])

    def test_operations_that_are_never_cross_account(self):
        doc = load_policy("cross-account-partner")
        doc["Statement"][1]["Action"] = "kms:*"  # even when the key policy says so
        md = self.key_with(doc)
        pa = self.as_("partner-admin")
        for op, action, kw in (("get_key_policy", "kms:GetKeyPolicy", {"PolicyName": "default"}),
                               ("disable_key", "kms:DisableKey", {}),
                               ("schedule_key_deletion", "kms:ScheduleKeyDeletion",
                                {"PendingWindowInDays": 7})):
            with self.subTest(op=op):
                self.assertAccessDenied(getattr(pa, op), self.PARTNER_ADMIN, action, md["Arn"],
                                        "no-resource", KeyId=md["Arn"], **kw)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")
        pa.encrypt(KeyId=md["Arn"], Plaintext=b"x")

    def test_named_foreign_user_still_needs_its_iam(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Name both partner users", "Allow",
                 aws([self.PARTNER_ADMIN, self.PARTNER_APP]), ["kms:Encrypt", "kms:DescribeKey"])))
        self.as_("partner-admin").encrypt(KeyId=md["Arn"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("partner-app").encrypt, self.PARTNER_APP, "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["Arn"], Plaintext=b"x")

    def test_other_direction_partner_key(self):
        pa = self.as_("partner-admin")
        doc = policy(
            stmt("Enable IAM User Permissions", "Allow", aws(root_arn(PARTNER)), "kms:*"),
            stmt("Allow account 111122223333 to use the key", "Allow", aws(root_arn(ACCOUNT)),
                 ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]))
        md = pa.create_key(Policy=json.dumps(doc))["KeyMetadata"]
        self.assertEqual(md["AWSAccountId"], PARTNER)
        self.assertEqual(md["Arn"], f"arn:aws:kms:us-east-1:{PARTNER}:key/{md['KeyId']}")
        blob = self.kms.encrypt(KeyId=md["Arn"], Plaintext=b"to partner")["CiphertextBlob"]
        self.assertEqual(pa.decrypt(CiphertextBlob=blob)["Plaintext"], b"to partner")
        self.as_("app").encrypt(KeyId=md["Arn"], Plaintext=b"x")
        self.assertAccessDenied(self.as_("db-lead").encrypt, user_arn("db-lead"), "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["Arn"], Plaintext=b"x")
        self.assertAccessDenied(self.kms.get_key_policy, user_arn("admin"), "kms:GetKeyPolicy",
                                md["Arn"], "no-resource", KeyId=md["Arn"], PolicyName="default")
        self.assertApiError("NotFoundException",
                            f"Key '{key_arn(md['KeyId'])}' does not exist",
                            self.kms.describe_key, KeyId=md["KeyId"])
        # Each account lists only its own keys.
        self.assertNotIn(md["KeyId"], self.all_key_ids())
        partner_keys = self.all_key_ids(pa)
        self.assertIn(md["KeyId"], partner_keys)
        self.assertFalse(set(partner_keys) & set(self.all_key_ids()))
        # A partner key with its default policy is closed to account 111122223333.
        closed = pa.create_key()["KeyMetadata"]
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", closed["Arn"],
                                "no-resource", KeyId=closed["Arn"], Plaintext=b"x")

    def test_cross_account_cli(self):
        md = self.key_with(load_policy("cross-account-partner"))
        res = self.srv.aws(creds_of("partner-admin"), "kms", "describe-key", "--key-id", md["Arn"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["KeyMetadata"]["Arn"], md["Arn"])
        res = self.srv.aws(creds_of("partner-app"), "kms", "describe-key", "--key-id", md["Arn"])
        self.assertCliError(res, "AccessDeniedException", "DescribeKey",
                            access_denied(self.PARTNER_APP, "kms:DescribeKey", md["Arn"],
                                          "no-identity"))


class IdentityDenyTest(PolicyCase):
    """Explicit denies in IAM, from a fixture set written for this class: app gets an
    inline Deny of kms:Decrypt, db-lead a Deny of kms:Encrypt, and a new user carol has
    kms:* but a Deny of kms:CreateKey."""

    srv = None

    @classmethod
    def setUpClass(cls):
        ids = harness.fixture_identities()
        acct = ids["accounts"][ACCOUNT]
        users = {u["name"]: u for u in acct["users"]}
        users["app"].setdefault("inlinePolicies", {})["deny-decrypt"] = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}
        users["db-lead"].setdefault("inlinePolicies", {})["deny-encrypt"] = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*"}]}
        acct["users"].append({
            "name": "carol",
            "accessKeys": [{"id": "AKIAKMSLABCAROL11111", "secret": "kmslab-carol-secret"}],
            "managedPolicies": ["KmsFullAccess"],
            "inlinePolicies": {"no-new-keys": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*"}]}}})
        cls.srv = harness.start_with_identities(ids)
        cls.tmp = cls.srv.fixtures

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def test_iam_deny_beats_root_delegation(self):
        md = self.create_key()
        app = self.as_("app")
        blob = app.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(app.decrypt, user_arn("app"), "kms:Decrypt", md["Arn"],
                                "explicit-identity", CiphertextBlob=blob)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")

    def test_iam_deny_beats_a_key_policy_naming_the_user(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Name app and db-lead", "Allow", aws([user_arn("app"), user_arn("db-lead")]),
                 ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"])))
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(self.as_("app").decrypt, user_arn("app"), "kms:Decrypt",
                                md["Arn"], "explicit-identity", CiphertextBlob=blob)
        lead = self.as_("db-lead")
        self.assertAccessDenied(lead.encrypt, user_arn("db-lead"), "kms:Encrypt", md["Arn"],
                                "explicit-identity", KeyId=md["KeyId"], Plaintext=b"x")
        self.assertEqual(lead.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")

    def test_iam_deny_without_any_key_policy_path(self):
        md = self.key_with(policy(stmt("Only admin", "Allow", aws(user_arn("admin")), "kms:*")))
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(self.as_("app").decrypt, user_arn("app"), "kms:Decrypt",
                                md["Arn"], "explicit-identity", CiphertextBlob=blob)

    def test_resource_deny_reported_before_identity_deny(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Deny app decrypt here too", "Deny", aws(user_arn("app")), "kms:Decrypt")))
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(self.as_("app").decrypt, user_arn("app"), "kms:Decrypt",
                                md["Arn"], "explicit-resource", CiphertextBlob=blob)

    def test_iam_deny_on_an_iam_only_operation(self):
        carol = self.as_("carol")
        self.assertAccessDenied(carol.create_key, user_arn("carol"), "kms:CreateKey", "*",
                                "explicit-identity")
        carol.list_keys()
        md = self.create_key()
        carol.encrypt(KeyId=md["KeyId"], Plaintext=b"x")

    def test_iam_deny_cli(self):
        res = self.srv.aws(creds_of("carol", self.tmp), "kms", "create-key")
        self.assertCliError(res, "AccessDeniedException", "CreateKey",
                            access_denied(user_arn("carol"), "kms:CreateKey", "*",
                                          "explicit-identity"))

