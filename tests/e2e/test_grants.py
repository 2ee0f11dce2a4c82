"""Grants (issue 5): CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant
with AWS's validation and errors; grants authorizing their grantees (constraints, role,
session, account and cross-account grantees); CreateGrant allowed by a grant (subset rules);
the CreateGrant condition keys; grant tokens under `kmslab serve --grant-delay`; explain with
grants; the aws CLI. Reference: docs/spec/kms.md sections 3, 5.2, 5.4, 5.5, 6 and 10.

Who is who (fixtures/identities.json): admin has kms:* in IAM; app has Encrypt, Decrypt,
GenerateDataKey*; auditor Describe*, Get*, List*; db-lead no kms at all; role db-team has
KmsKeyAdministrators (kms:Create*, kms:Revoke*, no cryptography); role Admin kms:*;
partner-admin (444455556666) kms:*, partner-app nothing.
"""
import datetime
import json
import os
import re
import tempfile
import time
import uuid

import harness
from harness import (ACCOUNT, PARTNER, Creds, access_denied, creds_of, key_arn, load_policy,
                     role_arn, root_arn, session_arn, user_arn)

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

GRANT_ID_RE = re.compile(r"^[0-9a-f]{64}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]+$")  # URL-safe base64 without padding
DRY_RUN = "The request would have succeeded, but the DryRun option is set."
EXIT_ALLOW, EXIT_DENY = 0, 3

LEAD = user_arn("db-lead")
APP = user_arn("app")
ADMIN = user_arn("admin")
AUDITOR = user_arn("auditor")
PARTNER_ADMIN = user_arn("partner-admin", PARTNER)
PARTNER_APP = user_arn("partner-app", PARTNER)
DB_TEAM = role_arn("db-team")

# The GrantOperation names a symmetric encryption key supports, and those it does not.
SYMMETRIC_OPS = ["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                 "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
                 "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey"]
NOT_SYMMETRIC_OPS = ["Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac",
                     "DeriveSharedSecret"]
CRYPTO = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
BLUE = {"tenant": "blue"}


def stmt(sid, effect, principal, action, condition=None, not_action=False):
    s = {"Sid": sid, "Effect": effect, "Principal": principal,
         ("NotAction" if not_action else "Action"): action, "Resource": "*"}
    if condition:
        s["Condition"] = condition
    return s


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def aws(arn):
    return {"AWS": arn}


ROOT_DELEGATION = stmt("Enable IAM User Permissions", "Allow", aws(root_arn()), "kms:*")
# The account administers the key through IAM but may not use it for cryptography.
ROOT_ADMIN_ONLY = stmt("Enable IAM administration", "Allow", aws(root_arn()), CRYPTO,
                       not_action=True)


def unknown_grant_id():
    return os.urandom(32).hex()


class GrantCase(harness.KmsTestCase):
    srv = SRV

    # --- keys, principals ------------------------------------------------------------
    def key_with(self, doc, bypass=False):
        kw = {"BypassPolicyLockoutSafetyCheck": True} if bypass else {}
        return self.kms.create_key(Policy=json.dumps(doc), **kw)["KeyMetadata"]

    def session(self, role, name):
        """A KMS client for a session of `role`, assumed by admin."""
        c = self.as_("admin", "sts").assume_role(RoleArn=role_arn(role),
                                                 RoleSessionName=name)["Credentials"]
        return self.srv.client_as(Creds(c["AccessKeyId"], c["SecretAccessKey"],
                                        c["SessionToken"]))

    # --- grants ------------------------------------------------------------------------
    def grant(self, key_id, grantee, operations, client=None, **kw):
        """CreateGrant (as admin unless `client`); returns the response."""
        r = (client or self.kms).create_grant(KeyId=key_id, GranteePrincipal=grantee,
                                              Operations=list(operations), **kw)
        self.assertRegex(r["GrantId"], GRANT_ID_RE)
        self.assertRegex(r["GrantToken"], TOKEN_RE)
        return r

    def grants_of(self, key_id, client=None, **kw):
        """Every ListGrants entry of the key, following markers."""
        client = client or self.kms
        out, kw = [], dict(kw, Limit=100)
        while True:
            r = client.list_grants(KeyId=key_id, **kw)
            out += r["Grants"]
            if not r.get("Truncated"):
                self.assertNotIn("NextMarker", r)
                return out
            kw["Marker"] = r["NextMarker"]

    def grant_ids(self, key_id, client=None, **kw):
        return sorted(g["GrantId"] for g in self.grants_of(key_id, client, **kw))

    def retirable(self, retiring, client=None, **kw):
        client = client or self.kms
        out, kw = [], dict(kw, Limit=100)
        while True:
            r = client.list_retirable_grants(RetiringPrincipal=retiring, **kw)
            out += r["Grants"]
            if not r.get("Truncated"):
                return out
            kw["Marker"] = r["NextMarker"]

    def assertListed(self, entry, expected):
        """A ListGrants entry equals `expected` (Operations compared as a set) and has a
        recent CreationDate."""
        entry = dict(entry)
        self.assertRecent(entry.pop("CreationDate"))
        got_ops = entry.pop("Operations")
        want = dict(expected)
        self.assertEqual(sorted(got_ops), sorted(want.pop("Operations")))
        self.assertEqual(entry, want)

    def assertValidation(self, fn, prefix="1 validation error detected", **kw):
        err = self.assertApiError("ValidationException", None, fn, **kw)
        self.assertTrue(err.response["Error"]["Message"].startswith(prefix),
                        err.response["Error"]["Message"])
        return err

    def encrypt(self, client, key_id, context=None, **kw):
        if context is not None:
            kw["EncryptionContext"] = context
        return client.encrypt(KeyId=key_id, Plaintext=b"grant data", **kw)


# =========================================================================================
class CreateGrantTest(GrantCase):

    def test_create_grant_and_list_shape(self):
        md = self.create_key()
        r = self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt"])
        self.assertEqual(set(r) - {"ResponseMetadata"}, {"GrantId", "GrantToken"})
        self.assertNotIn("=", r["GrantToken"])
        listed = self.kms.list_grants(KeyId=md["KeyId"])
        self.assertFalse(listed["Truncated"])
        self.assertNotIn("NextMarker", listed)
        self.assertEqual(len(listed["Grants"]), 1)
        self.assertListed(listed["Grants"][0], {
            "KeyId": md["Arn"], "GrantId": r["GrantId"], "GranteePrincipal": LEAD,
            "IssuingAccount": root_arn(), "Operations": ["Encrypt", "Decrypt"]})

    def test_full_grant_listed(self):
        md = self.create_key()
        r = self.grant(md["Arn"], PARTNER_APP, SYMMETRIC_OPS, RetiringPrincipal=APP,
                       Name="full:grant/with_all-chars09",
                       Constraints={"EncryptionContextSubset": {"tenant": "blue", "Dept": "Ops"}})
        (entry,) = self.grants_of(md["Arn"])
        self.assertListed(entry, {
            "KeyId": md["Arn"], "GrantId": r["GrantId"], "Name": "full:grant/with_all-chars09",
            "GranteePrincipal": PARTNER_APP, "RetiringPrincipal": APP,
            "IssuingAccount": root_arn(), "Operations": SYMMETRIC_OPS,
            "Constraints": {"EncryptionContextSubset": {"tenant": "blue", "Dept": "Ops"}}})
        r2 = self.grant(md["KeyId"], LEAD, ["Decrypt"],
                        Constraints={"EncryptionContextEquals": BLUE})
        (entry,) = self.grants_of(md["KeyId"], GrantId=r2["GrantId"])
        self.assertEqual(entry["Constraints"], {"EncryptionContextEquals": BLUE})

    def test_key_id_forms(self):
        md = self.create_key()
        a = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        b = self.grant(md["Arn"], LEAD, ["Encrypt"])
        self.assertNotEqual(a["GrantId"], b["GrantId"])  # no Name: two grants
        self.assertEqual(self.grant_ids(md["KeyId"]), sorted([a["GrantId"], b["GrantId"]]))
        alias = self.create_alias(md["KeyId"])
        for key_id in (alias, harness.alias_arn(alias)):
            with self.subTest(key_id=key_id):
                self.assertApiError("NotFoundException", None, self.kms.create_grant,
                                    KeyId=key_id, GranteePrincipal=LEAD, Operations=["Encrypt"])
        missing = str(uuid.uuid4())
        self.assertApiError("NotFoundException", f"Key '{key_arn(missing)}' does not exist",
                            self.kms.create_grant, KeyId=missing, GranteePrincipal=LEAD,
                            Operations=["Encrypt"])
        self.assertEqual(len(self.grants_of(md["KeyId"])), 2)

    def test_grantee_principal_forms(self):
        md = self.create_key()
        accepted = [ACCOUNT, root_arn(), root_arn(PARTNER), LEAD, PARTNER_APP, DB_TEAM,
                    session_arn("db-team", "alpha"),
                    f"arn:aws:sts::{ACCOUNT}:federated-user/carol"]
        for grantee in accepted:
            with self.subTest(grantee=grantee):
                r = self.grant(md["KeyId"], grantee, ["DescribeKey"])
                (entry,) = self.grants_of(md["KeyId"], GrantId=r["GrantId"])
                if grantee == ACCOUNT:
                    self.assertIn(entry["GranteePrincipal"], (ACCOUNT, root_arn()))
                else:
                    self.assertEqual(entry["GranteePrincipal"], grantee)
        # A service principal is accepted only when the service itself forwards the call.
        for grantee in ("dynamodb.us-east-1.amazonaws.com", "dynamodb.amazonaws.com",
                        f"arn:aws:iam::{ACCOUNT}:group/admins"):
            with self.subTest(grantee=grantee):
                self.assertApiError("ValidationException", None, self.kms.create_grant,
                                    KeyId=md["KeyId"], GranteePrincipal=grantee,
                                    Operations=["Decrypt"])
        self.assertEqual(len(self.grants_of(md["KeyId"])), len(accepted))

    def test_required_members(self):
        md = self.create_key()
        self.assertValidation(self.loose.create_grant, KeyId=md["KeyId"], Operations=["Encrypt"])
        self.assertValidation(self.loose.create_grant, KeyId=md["KeyId"], GranteePrincipal=LEAD)
        self.assertValidation(self.loose.create_grant, KeyId=md["KeyId"], GranteePrincipal=LEAD,
                              Operations=[])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_operation_names_not_actions(self):
        md = self.create_key()
        for ops in (["DECRYPT"], ["kms:Decrypt"], ["decrypt"], ["Encrypt", "ReEncrypt"]):
            with self.subTest(ops=ops):
                err = self.assertValidation(self.kms.create_grant, KeyId=md["KeyId"],
                                            GranteePrincipal=LEAD, Operations=ops)
                # The contract's text: "Value '[...]' at 'operations' failed to satisfy
                # constraint: Member must satisfy constraint: [Member must satisfy enum ...]]".
                self.assertIn("' at 'operations' failed to satisfy constraint: ",
                              err.response["Error"]["Message"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_operations_a_symmetric_key_cannot_do(self):
        md = self.create_key()
        for op in NOT_SYMMETRIC_OPS:
            with self.subTest(op=op):
                self.assertApiError("ValidationException", None, self.kms.create_grant,
                                    KeyId=md["KeyId"], GranteePrincipal=LEAD, Operations=[op])
                self.assertApiError("ValidationException", None, self.kms.create_grant,
                                    KeyId=md["KeyId"], GranteePrincipal=LEAD,
                                    Operations=["Decrypt", op])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_constraints(self):
        md = self.create_key()
        self.assertApiError("ValidationException", None, self.kms.create_grant,
                            KeyId=md["KeyId"], GranteePrincipal=LEAD, Operations=["Decrypt"],
                            Constraints={"EncryptionContextSubset": BLUE,
                                         "EncryptionContextEquals": BLUE})
        self.assertEqual(self.grants_of(md["KeyId"]), [])
        self.grant(md["KeyId"], LEAD, ["Decrypt"], Constraints={"EncryptionContextSubset": BLUE})
        self.grant(md["KeyId"], LEAD, ["Decrypt"], Constraints={"EncryptionContextEquals": BLUE})
        self.assertEqual(sorted(list(g["Constraints"]) for g in self.grants_of(md["KeyId"])),
                         [["EncryptionContextEquals"], ["EncryptionContextSubset"]])

    def test_name_validation(self):
        md = self.create_key()
        for name in ("has space", "semi;colon", "dot.name", "x" * 257, ""):
            with self.subTest(name=name[:20]):
                self.assertValidation(self.loose.create_grant, KeyId=md["KeyId"],
                                      GranteePrincipal=LEAD, Operations=["Encrypt"], Name=name)
        self.assertEqual(self.grants_of(md["KeyId"]), [])
        r = self.grant(md["KeyId"], LEAD, ["Encrypt"], Name="n" * 256)
        self.assertEqual(self.grants_of(md["KeyId"], GrantId=r["GrantId"])[0]["Name"], "n" * 256)

    def test_same_name_and_parameters_is_idempotent(self):
        md, other = self.create_key(), self.create_key()
        params = dict(RetiringPrincipal=APP, Name="idempotent-grant",
                      Constraints={"EncryptionContextSubset": BLUE})
        first = self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt"], **params)
        again = self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt"], **params)
        self.assertEqual(again["GrantId"], first["GrantId"])
        self.assertNotEqual(again["GrantToken"], first["GrantToken"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [first["GrantId"]])
        # The same name on another key, or other parameters: new grants.
        elsewhere = self.grant(other["KeyId"], LEAD, ["Encrypt", "Decrypt"], **params)
        self.assertNotEqual(elsewhere["GrantId"], first["GrantId"])
        variants = (
            dict(params, GranteePrincipal=APP, Operations=["Encrypt", "Decrypt"]),
            dict(params, GranteePrincipal=LEAD, Operations=["Encrypt"]),
            dict(params, GranteePrincipal=LEAD, Operations=["Encrypt", "Decrypt"],
                 RetiringPrincipal=AUDITOR),
            dict(params, GranteePrincipal=LEAD, Operations=["Encrypt", "Decrypt"],
                 Constraints={"EncryptionContextEquals": BLUE}),
        )
        ids = {first["GrantId"]}
        for v in variants:
            with self.subTest(variant=v):
                r = self.kms.create_grant(KeyId=md["KeyId"], **v)
                self.assertNotIn(r["GrantId"], ids)
                ids.add(r["GrantId"])
        self.assertEqual(self.grant_ids(md["KeyId"]), sorted(ids))
        # Without a Name, identical calls make distinct grants.
        a = self.grant(other["KeyId"], APP, ["Encrypt"])
        b = self.grant(other["KeyId"], APP, ["Encrypt"])
        self.assertNotEqual(a["GrantId"], b["GrantId"])

    def test_key_states(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.",
                            self.kms.create_grant, KeyId=md["KeyId"], GranteePrincipal=LEAD,
                            Operations=["Encrypt"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [g["GrantId"]])  # any state
        # The grantee is authorized, then the key state fails the call.
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.",
                            self.as_("db-lead").encrypt, KeyId=md["KeyId"], Plaintext=b"x")
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.assertApiError("KMSInvalidStateException", f"{md['Arn']} is pending deletion.",
                            self.kms.create_grant, KeyId=md["Arn"], GranteePrincipal=LEAD,
                            Operations=["Encrypt"])
        self.assertEqual(self.grant_ids(md["Arn"]), [g["GrantId"]])
        # RevokeGrant works in any state too.
        self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_create_grant_authorization(self):
        md = self.create_key()  # default policy: kms:CreateGrant through IAM
        for name in ("db-lead", "app", "auditor"):
            with self.subTest(name=name):
                self.assertAccessDenied(self.as_(name).create_grant, user_arn(name),
                                        "kms:CreateGrant", md["Arn"], "no-identity",
                                        KeyId=md["KeyId"], GranteePrincipal=user_arn(name),
                                        Operations=["Encrypt"])
        self.assertAccessDenied(self.as_("partner-admin").create_grant, PARTNER_ADMIN,
                                "kms:CreateGrant", md["Arn"], "no-resource", KeyId=md["Arn"],
                                GranteePrincipal=PARTNER_ADMIN, Operations=["Encrypt"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])
        # kms:Create* in db-team's IAM covers kms:CreateGrant; root needs nothing.
        self.grant(md["KeyId"], LEAD, ["Encrypt"], client=self.session("db-team", "granter"))
        self.grant(md["KeyId"], LEAD, ["Encrypt"], client=self.as_("root@111122223333"))
        self.assertEqual(len(self.grants_of(md["KeyId"])), 2)

    def test_cross_account_create_grant(self):
        doc = load_policy("cross-account-partner")
        doc["Statement"][1]["Action"].append("kms:CreateGrant")
        md = self.key_with(doc)
        pa = self.as_("partner-admin")
        r = self.grant(md["Arn"], PARTNER_APP, ["Encrypt"], client=pa)
        self.assertIn(r["GrantId"], self.grant_ids(md["KeyId"]))
        self.encrypt(self.as_("partner-app"), md["Arn"])
        # The unmodified partner policy does not list kms:CreateGrant.
        closed = self.key_with(load_policy("cross-account-partner"))
        self.assertAccessDenied(pa.create_grant, PARTNER_ADMIN, "kms:CreateGrant", closed["Arn"],
                                "no-resource", KeyId=closed["Arn"], GranteePrincipal=PARTNER_APP,
                                Operations=["Encrypt"])

    def test_dry_run(self):
        # Raw requests: Debian's 2022 botocore has no DryRun member.
        md = self.create_key()
        grant = {"KeyId": md["KeyId"], "GranteePrincipal": LEAD, "Operations": ["Encrypt"], "DryRun": True}
        self.assertRawError(self.srv.raw_as(harness.ADMIN, "CreateGrant", grant), "DryRunOperationException",
                            DRY_RUN)
        self.assertEqual(self.grants_of(md["KeyId"]), [])
        self.assertRawError(self.srv.raw_as(creds_of("db-lead"), "CreateGrant", grant), "AccessDeniedException",
                            access_denied(LEAD, "kms:CreateGrant", md["Arn"], "no-identity"))
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)
        self.assertRawError(self.srv.raw_as(harness.ADMIN, "RevokeGrant",
                                            {"KeyId": md["KeyId"], "GrantId": g["GrantId"], "DryRun": True}),
                            "DryRunOperationException", DRY_RUN)
        self.assertRawError(self.srv.raw_as(creds_of("app"), "RetireGrant",
                                            {"GrantToken": g["GrantToken"], "DryRun": True}),
                            "DryRunOperationException", DRY_RUN)
        self.assertEqual(self.grant_ids(md["KeyId"]), [g["GrantId"]])
        self.encrypt(self.as_("db-lead"), md["KeyId"])


# =========================================================================================
class ListGrantsTest(GrantCase):

    def test_pagination(self):
        md = self.create_key()
        made = sorted(self.grant(md["KeyId"], LEAD, ["Encrypt"])["GrantId"] for _ in range(5))
        seen, kw, pages = [], {"Limit": 2}, 0
        while True:
            r = self.kms.list_grants(KeyId=md["KeyId"], **kw)
            pages += 1
            seen += [g["GrantId"] for g in r["Grants"]]
            if not r["Truncated"]:
                self.assertNotIn("NextMarker", r)
                self.assertEqual(len(r["Grants"]), 1)
                break
            self.assertEqual(len(r["Grants"]), 2)
            kw["Marker"] = r["NextMarker"]
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), made)

    def test_default_limit_is_50(self):
        md = self.create_key()
        for _ in range(51):
            self.kms.create_grant(KeyId=md["KeyId"], GranteePrincipal=APP, Operations=["Encrypt"])
        r = self.kms.list_grants(KeyId=md["KeyId"])
        self.assertEqual(len(r["Grants"]), 50)
        self.assertTrue(r["Truncated"])
        rest = self.kms.list_grants(KeyId=md["KeyId"], Marker=r["NextMarker"])
        self.assertEqual(len(rest["Grants"]), 1)
        self.assertFalse(rest["Truncated"])
        self.assertEqual(len({g["GrantId"] for g in r["Grants"] + rest["Grants"]}), 51)
        self.assertEqual(len(self.kms.list_grants(KeyId=md["KeyId"], Limit=100)["Grants"]), 51)

    def test_limit_validation(self):
        md = self.create_key()
        for limit in (0, 101):
            with self.subTest(limit=limit):
                self.assertValidation(self.loose.list_grants, KeyId=md["KeyId"], Limit=limit)

    def test_filters(self):
        md, other = self.create_key(), self.create_key()
        lead1 = self.grant(md["KeyId"], LEAD, ["Encrypt"])["GrantId"]
        lead2 = self.grant(md["KeyId"], LEAD, ["Decrypt"])["GrantId"]
        app = self.grant(md["KeyId"], APP, ["Encrypt"])["GrantId"]
        elsewhere = self.grant(other["KeyId"], LEAD, ["Encrypt"])["GrantId"]
        self.assertEqual(self.grant_ids(md["KeyId"]), sorted([lead1, lead2, app]))
        self.assertEqual(self.grant_ids(other["Arn"]), [elsewhere])
        self.assertEqual(self.grant_ids(md["KeyId"], GranteePrincipal=LEAD), sorted([lead1, lead2]))
        self.assertEqual(self.grant_ids(md["KeyId"], GranteePrincipal=APP), [app])
        self.assertEqual(self.grant_ids(md["KeyId"], GrantId=lead2), [lead2])
        self.assertEqual(self.grant_ids(md["KeyId"], GrantId=lead2, GranteePrincipal=LEAD),
                         [lead2])

    def test_key_id_forms(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"])["GrantId"]
        self.assertEqual(self.grant_ids(md["Arn"]), [g])
        alias = self.create_alias(md["KeyId"])
        self.assertApiError("NotFoundException", None, self.kms.list_grants, KeyId=alias)
        missing = str(uuid.uuid4())
        self.assertApiError("NotFoundException", f"Key '{key_arn(missing)}' does not exist",
                            self.kms.list_grants, KeyId=missing)

    def test_list_grants_authorization(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, SYMMETRIC_OPS)["GrantId"]
        self.grant(md["Arn"], PARTNER_APP, SYMMETRIC_OPS)
        self.assertIn(g, self.grant_ids(md["KeyId"], self.as_("auditor")))  # kms:List*
        self.assertIn(g, self.grant_ids(md["KeyId"], self.session("db-team", "lister")))
        # A grant never allows ListGrants, whatever its operations.
        self.assertAccessDenied(self.as_("db-lead").list_grants, LEAD, "kms:ListGrants",
                                md["Arn"], "no-identity", KeyId=md["KeyId"])
        self.assertAccessDenied(self.as_("app").list_grants, APP, "kms:ListGrants", md["Arn"],
                                "no-identity", KeyId=md["KeyId"])
        self.assertAccessDenied(self.as_("partner-app").list_grants, PARTNER_APP,
                                "kms:ListGrants", md["Arn"], "no-resource", KeyId=md["Arn"])


# =========================================================================================
class ListRetirableGrantsTest(GrantCase):

    def test_lists_grants_of_every_key(self):
        a, b = self.create_key(), self.create_key()
        retiring = session_arn("db-team", "retirer-" + uuid.uuid4().hex[:8])
        g1 = self.grant(a["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=retiring,
                        Name="retirable-one")
        g2 = self.grant(b["KeyId"], APP, ["Decrypt", "RetireGrant"], RetiringPrincipal=retiring,
                        Constraints={"EncryptionContextEquals": BLUE})
        self.grant(a["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)  # another principal
        self.grant(b["KeyId"], retiring, ["Encrypt"])  # grantee, not retiring principal
        found = {g["GrantId"]: g for g in self.retirable(retiring)}
        self.assertEqual(sorted(found), sorted([g1["GrantId"], g2["GrantId"]]))
        self.assertListed(found[g1["GrantId"]], {
            "KeyId": a["Arn"], "GrantId": g1["GrantId"], "Name": "retirable-one",
            "GranteePrincipal": LEAD, "RetiringPrincipal": retiring,
            "IssuingAccount": root_arn(), "Operations": ["Encrypt"]})
        self.assertListed(found[g2["GrantId"]], {
            "KeyId": b["Arn"], "GrantId": g2["GrantId"], "GranteePrincipal": APP,
            "RetiringPrincipal": retiring, "IssuingAccount": root_arn(),
            "Operations": ["Decrypt", "RetireGrant"],
            "Constraints": {"EncryptionContextEquals": BLUE}})
        # Retired grants leave the list.
        self.kms.revoke_grant(KeyId=a["KeyId"], GrantId=g1["GrantId"])
        self.assertEqual([g["GrantId"] for g in self.retirable(retiring)], [g2["GrantId"]])

    def test_includes_grants_on_another_accounts_keys(self):
        pa = self.as_("partner-admin")
        partner_key = pa.create_key()["KeyMetadata"]
        retiring = role_arn("db-team")
        g = self.grant(partner_key["Arn"], LEAD, ["Encrypt"], client=pa,
                       RetiringPrincipal=retiring)
        found = [x for x in self.retirable(retiring) if x["GrantId"] == g["GrantId"]]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["KeyId"], partner_key["Arn"])
        self.assertEqual(found[0]["GranteePrincipal"], LEAD)
        self.assertEqual(found[0]["IssuingAccount"], root_arn(PARTNER))

    def test_only_the_callers_region(self):
        retiring = session_arn("db-team", "regional-" + uuid.uuid4().hex[:8])
        eu = self.srv.client(region="eu-west-1")
        eu_key = eu.create_key()["KeyMetadata"]
        here = self.grant(self.create_key()["KeyId"], LEAD, ["Encrypt"],
                          RetiringPrincipal=retiring)
        there = self.grant(eu_key["KeyId"], LEAD, ["Encrypt"], client=eu,
                           RetiringPrincipal=retiring)
        self.assertEqual([g["GrantId"] for g in self.retirable(retiring)], [here["GrantId"]])
        found = self.retirable(retiring, eu)
        self.assertEqual([g["GrantId"] for g in found], [there["GrantId"]])
        self.assertEqual(found[0]["KeyId"], eu_key["Arn"])

    def test_pagination(self):
        md = self.create_key()
        retiring = session_arn("db-team", "pager-" + uuid.uuid4().hex[:8])
        made = sorted(self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=retiring)
                      ["GrantId"] for _ in range(3))
        r = self.kms.list_retirable_grants(RetiringPrincipal=retiring, Limit=2)
        self.assertEqual(len(r["Grants"]), 2)
        self.assertTrue(r["Truncated"])
        rest = self.kms.list_retirable_grants(RetiringPrincipal=retiring, Limit=2,
                                              Marker=r["NextMarker"])
        self.assertFalse(rest["Truncated"])
        self.assertEqual(sorted(g["GrantId"] for g in r["Grants"] + rest["Grants"]), made)

    def test_iam_only(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("db-lead everything on the key", "Allow", aws(LEAD), "kms:*")))
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=LEAD)
        # auditor has kms:List* in IAM.
        self.assertIn(g["GrantId"],
                      [x["GrantId"] for x in self.retirable(LEAD, self.as_("auditor"))])
        # db-lead has no IAM: the key policy naming it does not count (IAM only).
        for name in ("db-lead", "app"):
            with self.subTest(name=name):
                err = self.assertApiError("AccessDeniedException", None,
                                          self.as_(name).list_retirable_grants,
                                          RetiringPrincipal=LEAD)
                msg = err.response["Error"]["Message"]
                self.assertTrue(msg.startswith(
                    f"User: {user_arn(name)} is not authorized to perform: "
                    "kms:ListRetirableGrants on resource: "), msg)
                self.assertTrue(msg.endswith(
                    " because no identity-based policy allows the kms:ListRetirableGrants "
                    "action"), msg)


# =========================================================================================
class GrantAuthorizesTest(GrantCase):

    def test_grantee_without_any_policy(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x")
        self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt"])
        r = self.encrypt(lead, md["KeyId"])
        self.assertEqual(r["KeyId"], md["Arn"])
        self.assertEqual(lead.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"],
                         b"grant data")
        # Only the listed operations.
        self.assertAccessDenied(lead.generate_data_key, LEAD, "kms:GenerateDataKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], KeySpec="AES_256")
        self.assertAccessDenied(lead.describe_key, LEAD, "kms:DescribeKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"])
        self.assertAccessDenied(lead.disable_key, LEAD, "kms:DisableKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"])
        # Only this key.
        other = self.create_key()
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", other["Arn"], "no-identity",
                                KeyId=other["KeyId"], Plaintext=b"x")
        # Another user is not the grantee.
        self.assertAccessDenied(self.as_("auditor").encrypt, AUDITOR, "kms:Encrypt", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], Plaintext=b"x")

    def test_grant_works_at_once_by_default(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["DescribeKey"])
        self.assertEqual(self.as_("db-lead").describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"],
                         md["Arn"])
        self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertAccessDenied(self.as_("db-lead").describe_key, LEAD, "kms:DescribeKey",
                                md["Arn"], "no-identity", KeyId=md["KeyId"])

    def test_key_policy_without_the_grantee(self):
        # No root delegation for cryptography, and db-lead not named: only the grant helps.
        md = self.key_with(policy(ROOT_ADMIN_ONLY))
        lead, app = self.as_("db-lead"), self.as_("app")
        self.assertAccessDenied(app.encrypt, APP, "kms:Encrypt", md["Arn"], "no-resource",
                                KeyId=md["KeyId"], Plaintext=b"x")
        self.grant(md["KeyId"], LEAD, ["Encrypt", "GenerateDataKey"])
        self.encrypt(lead, md["KeyId"])
        self.assertEqual(len(lead.generate_data_key(KeyId=md["KeyId"],
                                                    NumberOfBytes=24)["Plaintext"]), 24)
        self.assertAccessDenied(app.encrypt, APP, "kms:Encrypt", md["Arn"], "no-resource",
                                KeyId=md["KeyId"], Plaintext=b"x")

    def test_generate_data_key_does_not_imply_without_plaintext(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        self.grant(md["KeyId"], LEAD, ["GenerateDataKey"])
        self.assertEqual(len(lead.generate_data_key(KeyId=md["KeyId"],
                                                    KeySpec="AES_256")["Plaintext"]), 32)
        self.assertAccessDenied(lead.generate_data_key_without_plaintext, LEAD,
                                "kms:GenerateDataKeyWithoutPlaintext", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], KeySpec="AES_256")
        self.grant(md["KeyId"], LEAD, ["GenerateDataKeyWithoutPlaintext"])
        self.assertIn("CiphertextBlob", lead.generate_data_key_without_plaintext(
            KeyId=md["KeyId"], KeySpec="AES_128"))
        # Decrypt is an operation of its own too.
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertAccessDenied(lead.decrypt, LEAD, "kms:Decrypt", md["Arn"], "no-identity",
                                CiphertextBlob=blob)

    def test_re_encrypt_needs_from_and_to(self):
        src, dst = self.create_key(), self.create_key()
        lead = self.as_("db-lead")
        blob = self.kms.encrypt(KeyId=src["KeyId"], Plaintext=b"move me")["CiphertextBlob"]
        self.grant(src["KeyId"], LEAD, ["Decrypt"])
        self.grant(dst["KeyId"], LEAD, ["ReEncryptTo"])
        self.assertAccessDenied(lead.re_encrypt, LEAD, "kms:ReEncryptFrom", src["Arn"],
                                "no-identity", CiphertextBlob=blob, DestinationKeyId=dst["KeyId"])
        self.grant(src["KeyId"], LEAD, ["ReEncryptFrom"])
        r = lead.re_encrypt(CiphertextBlob=blob, DestinationKeyId=dst["KeyId"])
        self.assertEqual((r["SourceKeyId"], r["KeyId"]), (src["Arn"], dst["Arn"]))
        self.assertEqual(self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"],
                         b"move me")
        third = self.create_key()
        self.assertAccessDenied(lead.re_encrypt, LEAD, "kms:ReEncryptTo", third["Arn"],
                                "no-identity", CiphertextBlob=blob,
                                DestinationKeyId=third["KeyId"])

    def test_subset_constraint(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt", "GenerateDataKey"],
                   Constraints={"EncryptionContextSubset": BLUE})
        for ctx in (BLUE, {"tenant": "blue", "extra": "pair"}, {"TENANT": "blue"},
                    {"Tenant": "blue", "x": "y"}):
            with self.subTest(ctx=ctx):
                blob = self.encrypt(lead, md["KeyId"], ctx)["CiphertextBlob"]
                self.assertEqual(lead.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
                                 ["Plaintext"], b"grant data")
                lead.generate_data_key(KeyId=md["KeyId"], KeySpec="AES_256",
                                       EncryptionContext=ctx)
        for ctx in (None, {}, {"tenant": "red"}, {"tenant": "Blue"}, {"other": "blue"},
                    {"tenant ": "blue"}):
            with self.subTest(ctx=ctx):
                self.assertAccessDenied(self.encrypt, LEAD, "kms:Encrypt", md["Arn"],
                                        "no-identity", client=lead, key_id=md["KeyId"],
                                        context=ctx)
        # Decrypt is checked against the context in the request, not the ciphertext's.
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x",
                                EncryptionContext=BLUE)["CiphertextBlob"]
        self.assertAccessDenied(lead.decrypt, LEAD, "kms:Decrypt", md["Arn"], "no-identity",
                                CiphertextBlob=blob)

    def test_equals_constraint(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        pair = {"tenant": "blue", "dept": "ops"}
        self.grant(md["KeyId"], LEAD, ["Encrypt"], Constraints={"EncryptionContextEquals": pair})
        for ctx in (pair, {"dept": "ops", "tenant": "blue"}, {"TENANT": "blue", "Dept": "ops"}):
            with self.subTest(ctx=ctx):
                self.encrypt(lead, md["KeyId"], ctx)
        for ctx in (None, {}, BLUE, dict(pair, extra="x"), {"tenant": "blue", "dept": "OPS"}):
            with self.subTest(ctx=ctx):
                self.assertAccessDenied(self.encrypt, LEAD, "kms:Encrypt", md["Arn"],
                                        "no-identity", client=lead, key_id=md["KeyId"],
                                        context=ctx)

    def test_constraints_ignored_for_describe_key(self):
        md = self.create_key()
        self.grant(md["KeyId"], LEAD, ["DescribeKey", "Encrypt"],
                   Constraints={"EncryptionContextEquals": BLUE})
        lead = self.as_("db-lead")
        self.assertEqual(lead.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["KeyId"],
                         md["KeyId"])
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x")

    def test_role_grantee_covers_every_session(self):
        md = self.create_key()  # db-team's IAM has no cryptography
        one, two = self.session("db-team", "one"), self.session("db-team", "two")
        self.assertAccessDenied(one.encrypt, session_arn("db-team", "one"), "kms:Encrypt",
                                md["Arn"], "no-identity", KeyId=md["KeyId"], Plaintext=b"x")
        self.grant(md["KeyId"], DB_TEAM, ["Encrypt"])
        self.assertEqual(self.encrypt(one, md["KeyId"])["KeyId"], md["Arn"])
        self.assertEqual(self.encrypt(two, md["KeyId"])["KeyId"], md["Arn"])
        # The Admin role is another role.
        admin_role_key = self.key_with(policy(ROOT_ADMIN_ONLY))
        self.grant(admin_role_key["KeyId"], DB_TEAM, ["Encrypt"])
        other_role = self.session("Admin", "outsider")
        self.assertAccessDenied(other_role.encrypt, session_arn("Admin", "outsider"),
                                "kms:Encrypt", admin_role_key["Arn"], "no-resource",
                                KeyId=admin_role_key["KeyId"], Plaintext=b"x")

    def test_session_grantee_covers_that_session_only(self):
        md = self.create_key()
        self.grant(md["KeyId"], session_arn("db-team", "alpha"), ["Encrypt"])
        self.encrypt(self.session("db-team", "alpha"), md["KeyId"])
        self.assertAccessDenied(self.session("db-team", "beta").encrypt,
                                session_arn("db-team", "beta"), "kms:Encrypt", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], Plaintext=b"x")

    def test_account_grantee_needs_iam_in_that_account(self):
        md = self.key_with(policy(ROOT_ADMIN_ONLY))
        app = self.as_("app")
        self.assertAccessDenied(app.encrypt, APP, "kms:Encrypt", md["Arn"], "no-resource",
                                KeyId=md["KeyId"], Plaintext=b"x")
        self.grant(md["KeyId"], root_arn(), ["Encrypt"])
        self.encrypt(app, md["KeyId"])  # IAM kms:Encrypt
        self.encrypt(self.kms, md["KeyId"])  # IAM kms:*
        self.encrypt(self.as_("root@111122223333"), md["KeyId"])  # root needs nothing more
        for name in ("db-lead", "auditor"):
            with self.subTest(name=name):
                self.assertAccessDenied(self.as_(name).encrypt, user_arn(name), "kms:Encrypt",
                                        md["Arn"], "no-resource", KeyId=md["KeyId"],
                                        Plaintext=b"x")

    def test_cross_account_account_grantee(self):
        md = self.create_key()
        pa = self.as_("partner-admin")
        self.assertAccessDenied(pa.encrypt, PARTNER_ADMIN, "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["Arn"], Plaintext=b"x")
        self.grant(md["KeyId"], root_arn(PARTNER), ["Encrypt"])
        self.encrypt(pa, md["Arn"])
        self.encrypt(self.as_("root@444455556666"), md["Arn"])
        self.assertAccessDenied(self.as_("partner-app").encrypt, PARTNER_APP, "kms:Encrypt",
                                md["Arn"], "no-resource", KeyId=md["Arn"], Plaintext=b"x")
        # The bare account id is the same account principal.
        bare = self.create_key()
        self.grant(bare["KeyId"], PARTNER, ["Encrypt"])
        self.encrypt(pa, bare["Arn"])
        self.assertAccessDenied(self.as_("partner-app").encrypt, PARTNER_APP, "kms:Encrypt",
                                bare["Arn"], "no-resource", KeyId=bare["Arn"], Plaintext=b"x")

    def test_cross_account_grantee_needs_no_iam(self):
        md = self.create_key()
        pap = self.as_("partner-app")  # no policies at all
        self.assertAccessDenied(pap.encrypt, PARTNER_APP, "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["Arn"], Plaintext=b"x")
        self.assertAccessDenied(pap.describe_key, PARTNER_APP, "kms:DescribeKey", md["Arn"],
                                "no-resource", KeyId=md["Arn"])
        self.grant(md["KeyId"], PARTNER_APP, ["Encrypt", "Decrypt", "DescribeKey"])
        r = self.encrypt(pap, md["Arn"], {"purpose": "partner"})
        self.assertEqual(r["KeyId"], md["Arn"])
        dec = pap.decrypt(CiphertextBlob=r["CiphertextBlob"],
                          EncryptionContext={"purpose": "partner"})  # the blob names the key
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"grant data", md["Arn"]))
        self.assertEqual(pap.describe_key(KeyId=md["Arn"])["KeyMetadata"]["AWSAccountId"],
                         ACCOUNT)
        self.assertAccessDenied(pap.generate_data_key, PARTNER_APP, "kms:GenerateDataKey",
                                md["Arn"], "no-resource", KeyId=md["Arn"], KeySpec="AES_256")
        # A bare key id resolves in the caller's own account.
        own = f"arn:aws:kms:us-east-1:{PARTNER}:key/{md['KeyId']}"
        self.assertApiError("NotFoundException", f"Key '{own}' does not exist",
                            pap.encrypt, KeyId=md["KeyId"], Plaintext=b"x")
        # partner-admin is not the grantee.
        self.assertAccessDenied(self.as_("partner-admin").encrypt, PARTNER_ADMIN, "kms:Encrypt",
                                md["Arn"], "no-resource", KeyId=md["Arn"], Plaintext=b"x")

    def test_explicit_deny_beats_a_grant(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("Never db-lead encrypt", "Deny", aws(LEAD), "kms:Encrypt")))
        self.grant(md["KeyId"], LEAD, ["Encrypt", "DescribeKey"])
        lead = self.as_("db-lead")
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"],
                                "explicit-resource", KeyId=md["KeyId"], Plaintext=b"x")
        lead.describe_key(KeyId=md["KeyId"])

    def test_revoked_and_retired_grants_stop_at_once(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        g1 = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        self.encrypt(lead, md["KeyId"])
        self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=g1["GrantId"])
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x")
        g2 = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)
        self.encrypt(lead, md["KeyId"])
        self.as_("app").retire_grant(GrantToken=g2["GrantToken"])
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x")
        # Nor does its token bring it back.
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x",
                                GrantTokens=[g2["GrantToken"]])

    def test_token_is_accepted_with_default_delay(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        self.encrypt(self.as_("db-lead"), md["KeyId"], GrantTokens=[g["GrantToken"]])
        self.assertApiError("InvalidGrantTokenException", None, self.kms.encrypt,
                            KeyId=md["KeyId"], Plaintext=b"x", GrantTokens=["not a grant token"])


# =========================================================================================
class GrantFromGrantTest(GrantCase):
    """db-lead (no IAM) holds a grant with CreateGrant and hands out children to
    partner-app."""

    def parent(self, constraints=None, ops=("Encrypt", "Decrypt", "CreateGrant")):
        md = self.create_key()
        kw = {"Constraints": constraints} if constraints else {}
        self.grant(md["KeyId"], LEAD, ops, **kw)
        return md

    def child_ok(self, md, ops, constraints=None):
        kw = {"Constraints": constraints} if constraints else {}
        return self.grant(md["KeyId"], PARTNER_APP, ops, client=self.as_("db-lead"), **kw)

    def child_denied(self, md, ops, constraints=None):
        kw = {"Constraints": constraints} if constraints else {}
        self.assertAccessDenied(self.as_("db-lead").create_grant, LEAD, "kms:CreateGrant",
                                md["Arn"], "no-identity", KeyId=md["KeyId"],
                                GranteePrincipal=PARTNER_APP, Operations=list(ops), **kw)

    def test_operations_must_be_a_subset(self):
        md = self.parent()
        g = self.child_ok(md, ["Encrypt"])
        self.child_ok(md, ["Encrypt", "Decrypt", "CreateGrant"])
        for ops in (["GenerateDataKey"], ["Encrypt", "DescribeKey"], ["RetireGrant"],
                    ["Decrypt", "ReEncryptFrom"]):
            with self.subTest(ops=ops):
                self.child_denied(md, ops)
        # The child works for partner-app, which has no policies.
        self.encrypt(self.as_("partner-app"), md["Arn"])
        self.assertIn(g["GrantId"], self.grant_ids(md["KeyId"], GranteePrincipal=PARTNER_APP))
        self.assertEqual(len(self.grants_of(md["KeyId"], GranteePrincipal=PARTNER_APP)), 2)

    def test_parent_subset_constraint(self):
        md = self.parent({"EncryptionContextSubset": BLUE})
        for c in ({"EncryptionContextSubset": BLUE},
                  {"EncryptionContextSubset": {"tenant": "blue", "dept": "ops"}},
                  {"EncryptionContextSubset": {"TENANT": "blue"}},  # keys ignore case
                  {"EncryptionContextEquals": BLUE},
                  {"EncryptionContextEquals": {"tenant": "blue", "dept": "ops"}}):
            with self.subTest(child=c):
                self.child_ok(md, ["Encrypt"], c)
        for c in (None, {"EncryptionContextSubset": {"tenant": "red"}},
                  {"EncryptionContextSubset": {"dept": "ops"}},
                  {"EncryptionContextEquals": {"dept": "ops"}},
                  {"EncryptionContextSubset": {"tenant": "Blue"}}):
            with self.subTest(child=c):
                self.child_denied(md, ["Encrypt"], c)

    def test_parent_equals_constraint(self):
        md = self.parent({"EncryptionContextEquals": BLUE})
        self.child_ok(md, ["Decrypt"], {"EncryptionContextEquals": BLUE})
        for c in (None, {"EncryptionContextSubset": BLUE},
                  {"EncryptionContextEquals": {"tenant": "blue", "dept": "ops"}},
                  {"EncryptionContextEquals": {"tenant": "red"}}):
            with self.subTest(child=c):
                self.child_denied(md, ["Decrypt"], c)

    def test_unconstrained_parent_places_no_constraint_limit(self):
        md = self.parent(ops=("Encrypt", "CreateGrant"))
        self.child_ok(md, ["Encrypt"])
        self.child_ok(md, ["Encrypt"], {"EncryptionContextEquals": BLUE})
        self.child_denied(md, ["Decrypt"])

    def test_chain_of_grants(self):
        md = self.parent({"EncryptionContextSubset": BLUE})
        self.child_ok(md, ["Encrypt", "CreateGrant"],
                      {"EncryptionContextSubset": {"tenant": "blue", "dept": "ops"}})
        pap = self.as_("partner-app")
        ctx = {"tenant": "blue", "dept": "ops"}
        self.grant(md["Arn"], DB_TEAM, ["Encrypt"], client=pap,
                   Constraints={"EncryptionContextEquals": ctx})
        self.encrypt(self.session("db-team", "chained"), md["KeyId"], ctx)
        self.assertAccessDenied(pap.create_grant, PARTNER_APP, "kms:CreateGrant", md["Arn"],
                                "no-resource", KeyId=md["Arn"], GranteePrincipal=DB_TEAM,
                                Operations=["Encrypt"],
                                Constraints={"EncryptionContextSubset": BLUE})

    def test_create_grant_needs_the_parent_operation(self):
        md = self.parent(ops=("Encrypt", "Decrypt"))
        self.child_denied(md, ["Encrypt"])

    def test_policy_authorized_create_grant_has_no_limit(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("db-lead may create grants", "Allow", aws(LEAD), "kms:CreateGrant")))
        lead = self.as_("db-lead")
        # db-lead itself may not encrypt, yet it grants that to partner-app.
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x")
        self.grant(md["KeyId"], PARTNER_APP, ["Encrypt", "Decrypt", "GenerateDataKey",
                                              "CreateGrant"], client=lead)
        self.grant(md["KeyId"], PARTNER_APP, ["DescribeKey"], client=lead,
                   Constraints={"EncryptionContextSubset": BLUE})
        pap = self.as_("partner-app")
        self.encrypt(pap, md["Arn"])
        pap.generate_data_key(KeyId=md["Arn"], KeySpec="AES_256")
        pap.describe_key(KeyId=md["Arn"])


# =========================================================================================
class ConditionKeysTest(GrantCase):
    """Key policies whose only CreateGrant path is a db-lead statement with a condition."""

    def key_for(self, condition):
        return self.key_with(policy(
            stmt("Enable IAM administration", "Allow", aws(root_arn()), ["kms:CreateGrant"],
                 not_action=True),
            stmt("db-lead creates grants", "Allow", aws(LEAD), "kms:CreateGrant", condition)))

    def denied(self, md, client=None, caller=LEAD, **kw):
        kw.setdefault("GranteePrincipal", DB_TEAM)
        kw.setdefault("Operations", ["Decrypt"])
        self.assertAccessDenied((client or self.as_("db-lead")).create_grant, caller,
                                "kms:CreateGrant", md["Arn"], "no-resource", KeyId=md["KeyId"],
                                **kw)

    def allowed(self, md, **kw):
        kw.setdefault("GranteePrincipal", DB_TEAM)
        kw.setdefault("Operations", ["Decrypt"])
        return self.as_("db-lead").create_grant(KeyId=md["KeyId"], **kw)

    def test_grantee_principal(self):
        md = self.key_for({"StringEquals": {"kms:GranteePrincipal": DB_TEAM}})
        self.allowed(md, Operations=["Decrypt", "Encrypt", "GenerateDataKey"])
        for grantee in (PARTNER_APP, LEAD, session_arn("db-team", "s"), root_arn()):
            with self.subTest(grantee=grantee):
                self.denied(md, GranteePrincipal=grantee)
        # admin's kms:* in IAM does not help: the account statement excludes CreateGrant.
        self.denied(md, client=self.kms, caller=ADMIN)
        self.assertEqual([g["GranteePrincipal"] for g in self.grants_of(md["KeyId"])], [DB_TEAM])

    def test_grant_operations_for_all_values(self):
        md = self.key_for({"ForAllValues:StringEquals":
                           {"kms:GrantOperations": ["Decrypt", "Encrypt"]}})
        for ops in (["Decrypt"], ["Encrypt"], ["Encrypt", "Decrypt"]):
            with self.subTest(ops=ops):
                self.allowed(md, Operations=ops)
        for ops in (["Decrypt", "GenerateDataKey"], ["ReEncryptFrom"], ["Decrypt", "CreateGrant"],
                    ["Encrypt", "DescribeKey"]):
            with self.subTest(ops=ops):
                self.denied(md, Operations=ops)
        self.assertEqual(len(self.grants_of(md["KeyId"])), 3)

    def test_grant_constraint_type(self):
        md = self.key_for({"StringEquals": {"kms:GrantConstraintType": "EncryptionContextSubset"}})
        self.allowed(md, Constraints={"EncryptionContextSubset": BLUE})
        self.denied(md, Constraints={"EncryptionContextEquals": BLUE})
        self.denied(md)  # no constraint: the key is absent
        md = self.key_for({"Null": {"kms:GrantConstraintType": "true"}})
        self.allowed(md)
        self.denied(md, Constraints={"EncryptionContextEquals": BLUE})

    def test_retiring_principal(self):
        md = self.key_for({"StringEquals": {"kms:RetiringPrincipal": APP}})
        self.allowed(md, RetiringPrincipal=APP)
        self.denied(md, RetiringPrincipal=AUDITOR)
        self.denied(md)

    def test_grant_is_for_aws_resource(self):
        md = self.key_for({"Bool": {"kms:GrantIsForAWSResource": "true"}})
        self.denied(md)
        md = self.key_for({"Bool": {"kms:GrantIsForAWSResource": "false"}})  # false, not absent
        self.allowed(md)


# =========================================================================================
class RetireGrantTest(GrantCase):

    def test_retiring_principal_retires_by_token(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=AUDITOR)
        r = self.as_("auditor").retire_grant(GrantToken=g["GrantToken"])
        self.assertEqual(set(r) - {"ResponseMetadata"}, set())
        self.assertEqual(self.grants_of(md["KeyId"]), [])
        self.assertApiError("NotFoundException", None, self.as_("auditor").retire_grant,
                            GrantToken=g["GrantToken"])

    def test_retiring_principal_retires_by_key_and_grant_id(self):
        md = self.create_key()
        for key_id in (md["Arn"], md["KeyId"]):
            with self.subTest(key_id=key_id):
                g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=AUDITOR)
                self.as_("auditor").retire_grant(KeyId=key_id, GrantId=g["GrantId"])
                self.assertNotIn(g["GrantId"], self.grant_ids(md["KeyId"]))
                self.assertApiError("NotFoundException", None, self.as_("auditor").retire_grant,
                                    KeyId=key_id, GrantId=g["GrantId"])

    def test_retiring_role_covers_its_sessions(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=DB_TEAM)
        self.session("db-team", "retire").retire_grant(GrantToken=g["GrantToken"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_grantee_retires_only_with_retire_grant_operation(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        without = self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt"])
        self.assertAccessDenied(lead.retire_grant, LEAD, "kms:RetireGrant", md["Arn"],
                                "no-identity", GrantToken=without["GrantToken"])
        self.assertAccessDenied(lead.retire_grant, LEAD, "kms:RetireGrant", md["Arn"],
                                "no-identity", KeyId=md["Arn"], GrantId=without["GrantId"])
        # Constraints are ignored for RetireGrant.
        with_op = self.grant(md["KeyId"], LEAD, ["Encrypt", "RetireGrant"],
                             Constraints={"EncryptionContextEquals": BLUE})
        lead.retire_grant(GrantToken=with_op["GrantToken"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [without["GrantId"]])
        # A grant with RetireGrant lets its grantee retire only that grant.
        again = self.grant(md["KeyId"], LEAD, ["RetireGrant"])
        self.assertAccessDenied(lead.retire_grant, LEAD, "kms:RetireGrant", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], GrantId=without["GrantId"])
        lead.retire_grant(KeyId=md["KeyId"], GrantId=again["GrantId"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [without["GrantId"]])

    def test_issuing_account(self):
        md = self.create_key()
        ids = [self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)["GrantId"]
               for _ in range(3)]
        # root of the issuing account needs nothing; admin has kms:* in IAM.
        self.as_("root@111122223333").retire_grant(KeyId=md["Arn"], GrantId=ids[0])
        self.kms.retire_grant(KeyId=md["KeyId"], GrantId=ids[1])
        self.assertEqual(self.grant_ids(md["KeyId"]), [ids[2]])
        # auditor has no kms:RetireGrant in IAM, db-lead no IAM at all.
        for name in ("auditor", "db-lead"):
            with self.subTest(name=name):
                self.assertAccessDenied(self.as_(name).retire_grant, user_arn(name),
                                        "kms:RetireGrant", md["Arn"], "no-identity",
                                        KeyId=md["KeyId"], GrantId=ids[2])
        self.assertEqual(self.grant_ids(md["KeyId"]), [ids[2]])

    def test_key_policy_retire_grant_has_no_effect(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("db-lead may retire (ineffective)", "Allow", aws(LEAD),
                 ["kms:RetireGrant", "kms:DescribeKey"])))
        g = self.grant(md["KeyId"], APP, ["Encrypt"])
        lead = self.as_("db-lead")
        lead.describe_key(KeyId=md["KeyId"])  # the statement itself is effective
        self.assertAccessDenied(lead.retire_grant, LEAD, "kms:RetireGrant", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertAccessDenied(lead.retire_grant, LEAD, "kms:RetireGrant", md["Arn"],
                                "no-identity", GrantToken=g["GrantToken"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [g["GrantId"]])

    def test_cross_account_retire(self):
        md = self.create_key()
        pap = self.as_("partner-app")
        by_retiring = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=PARTNER_APP)
        by_grantee = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt", "RetireGrant"])
        neither = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt"])
        pap.retire_grant(GrantToken=by_retiring["GrantToken"])
        pap.retire_grant(KeyId=md["Arn"], GrantId=by_grantee["GrantId"])
        self.assertAccessDenied(pap.retire_grant, PARTNER_APP, "kms:RetireGrant", md["Arn"],
                                "no-resource", KeyId=md["Arn"], GrantId=neither["GrantId"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [neither["GrantId"]])

    def test_account_retiring_principal(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=root_arn(PARTNER))
        self.assertAccessDenied(self.as_("partner-app").retire_grant, PARTNER_APP,
                                "kms:RetireGrant", md["Arn"], "no-resource",
                                GrantToken=g["GrantToken"])
        self.as_("partner-admin").retire_grant(GrantToken=g["GrantToken"])  # kms:* in IAM
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_retire_errors(self):
        md = self.create_key()
        self.assertValidation(self.kms.retire_grant, prefix="")
        self.assertApiError("NotFoundException", None, self.kms.retire_grant, KeyId=md["Arn"],
                            GrantId=unknown_grant_id())
        for token in ("not a grant token", "%%%%", "!!"):
            with self.subTest(token=token):
                self.assertApiError("InvalidGrantTokenException", None, self.kms.retire_grant,
                                    GrantToken=token)
        self.assertApiError("InvalidGrantIdException", None, self.kms.retire_grant,
                            KeyId=md["Arn"], GrantId="not-a-grant-id")
        # A grant on another key is not found through this key.
        other = self.create_key()
        g = self.grant(other["KeyId"], LEAD, ["Encrypt"])
        self.assertApiError("NotFoundException", None, self.kms.retire_grant, KeyId=md["Arn"],
                            GrantId=g["GrantId"])
        self.assertEqual(self.grant_ids(other["KeyId"]), [g["GrantId"]])

    def test_retire_in_any_key_state(self):
        md = self.create_key()
        a = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)
        b = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)
        self.kms.disable_key(KeyId=md["KeyId"])
        self.as_("app").retire_grant(GrantToken=a["GrantToken"])
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.as_("app").retire_grant(KeyId=md["Arn"], GrantId=b["GrantId"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])


# =========================================================================================
class RevokeGrantTest(GrantCase):

    def test_revoke_by_administrators(self):
        md = self.create_key()
        ids = [self.grant(md["KeyId"], LEAD, ["Encrypt"])["GrantId"] for _ in range(3)]
        r = self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=ids[0])
        self.assertEqual(set(r) - {"ResponseMetadata"}, set())
        self.session("db-team", "revoker").revoke_grant(KeyId=md["Arn"], GrantId=ids[1])
        self.as_("root@111122223333").revoke_grant(KeyId=md["KeyId"], GrantId=ids[2])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_grants_never_allow_revoke(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, SYMMETRIC_OPS, RetiringPrincipal=LEAD)
        self.assertAccessDenied(self.as_("db-lead").revoke_grant, LEAD, "kms:RevokeGrant",
                                md["Arn"], "no-identity", KeyId=md["KeyId"], GrantId=g["GrantId"])
        for name in ("app", "auditor"):
            with self.subTest(name=name):
                self.assertAccessDenied(self.as_(name).revoke_grant, user_arn(name),
                                        "kms:RevokeGrant", md["Arn"], "no-identity",
                                        KeyId=md["KeyId"], GrantId=g["GrantId"])
        p = self.grant(md["KeyId"], PARTNER_APP, SYMMETRIC_OPS)
        self.assertAccessDenied(self.as_("partner-app").revoke_grant, PARTNER_APP,
                                "kms:RevokeGrant", md["Arn"], "no-resource", KeyId=md["Arn"],
                                GrantId=p["GrantId"])
        self.assertEqual(self.grant_ids(md["KeyId"]), sorted([g["GrantId"], p["GrantId"]]))

    def test_revoke_through_the_key_policy(self):
        md = self.key_with(policy(
            ROOT_DELEGATION,
            stmt("db-lead may revoke", "Allow", aws(LEAD), "kms:RevokeGrant")))
        g = self.grant(md["KeyId"], APP, ["Encrypt"])
        self.as_("db-lead").revoke_grant(KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])

    def test_revoke_errors(self):
        md, other = self.create_key(), self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        self.assertApiError("NotFoundException", None, self.kms.revoke_grant, KeyId=md["KeyId"],
                            GrantId=unknown_grant_id())
        self.assertApiError("NotFoundException", None, self.kms.revoke_grant,
                            KeyId=other["KeyId"], GrantId=g["GrantId"])
        self.assertApiError("InvalidGrantIdException", None, self.kms.revoke_grant,
                            KeyId=md["KeyId"], GrantId="not-a-grant-id")
        alias = self.create_alias(md["KeyId"])
        self.assertApiError("NotFoundException", None, self.kms.revoke_grant, KeyId=alias,
                            GrantId=g["GrantId"])
        self.assertValidation(self.loose.revoke_grant, prefix="", KeyId=md["KeyId"])
        self.assertEqual(self.grant_ids(md["KeyId"]), [g["GrantId"]])
        self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertApiError("NotFoundException", None, self.kms.revoke_grant, KeyId=md["KeyId"],
                            GrantId=g["GrantId"])


# =========================================================================================
class DelayedGrantTest(GrantCase):
    """`kmslab serve --grant-delay 60`: a new grant counts only in requests carrying its
    token."""

    srv = None
    DELAY = "60"

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=["--grant-delay", cls.DELAY])
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def test_fresh_grant_needs_its_token(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        g = self.grant(md["KeyId"], LEAD, ["Encrypt", "Decrypt"])
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x")
        tok = [g["GrantToken"]]
        blob = self.encrypt(lead, md["KeyId"], GrantTokens=tok)["CiphertextBlob"]
        self.assertAccessDenied(lead.decrypt, LEAD, "kms:Decrypt", md["Arn"], "no-identity",
                                CiphertextBlob=blob)
        self.assertEqual(lead.decrypt(CiphertextBlob=blob, GrantTokens=tok)["Plaintext"],
                         b"grant data")
        # The token makes the grant count; it does not widen it.
        self.assertAccessDenied(lead.generate_data_key, LEAD, "kms:GenerateDataKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], KeySpec="AES_256",
                                GrantTokens=tok)

    def test_cross_account_grantee_with_token(self):
        md = self.create_key()
        pap = self.as_("partner-app")
        g = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt", "DescribeKey"])
        self.assertAccessDenied(pap.encrypt, PARTNER_APP, "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId=md["Arn"], Plaintext=b"x")
        self.encrypt(pap, md["Arn"], GrantTokens=[g["GrantToken"]])
        pap.describe_key(KeyId=md["Arn"], GrantTokens=[g["GrantToken"]])

    def test_token_does_not_change_the_grantee_or_key(self):
        md, other = self.create_key(), self.create_key()
        lead = self.as_("db-lead")
        for_app = self.grant(md["KeyId"], APP, ["DescribeKey"])
        on_other = self.grant(other["KeyId"], LEAD, ["DescribeKey"])
        self.assertAccessDenied(lead.describe_key, LEAD, "kms:DescribeKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"],
                                GrantTokens=[for_app["GrantToken"], on_other["GrantToken"]])
        lead.describe_key(KeyId=other["KeyId"],
                          GrantTokens=[for_app["GrantToken"], on_other["GrantToken"]])

    def test_malformed_and_too_many_tokens(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        for token in ("not a grant token", "%%%%"):
            with self.subTest(token=token):
                self.assertApiError("InvalidGrantTokenException", None, self.kms.encrypt,
                                    KeyId=md["KeyId"], Plaintext=b"x", GrantTokens=[token])
                self.assertApiError("InvalidGrantTokenException", None,
                                    self.as_("db-lead").encrypt, KeyId=md["KeyId"],
                                    Plaintext=b"x", GrantTokens=[g["GrantToken"], token])
        # At most 10 tokens.
        self.assertValidation(self.loose.encrypt, KeyId=md["KeyId"], Plaintext=b"x",
                              GrantTokens=[g["GrantToken"]] * 11)
        r = self.srv.raw_as(creds_of("db-lead"), "Encrypt",
                            {"KeyId": md["KeyId"], "Plaintext": "eA==",
                             "GrantTokens": [g["GrantToken"]] * 11})
        self.assertRawError(r, "ValidationException")
        self.assertTrue(r.body.get("message", "").startswith("1 validation error detected"),
                        r.body)
        self.encrypt(self.as_("db-lead"), md["KeyId"], GrantTokens=[g["GrantToken"]] * 10)

    def test_create_grant_from_a_fresh_grant(self):
        md = self.create_key()
        parent = self.grant(md["KeyId"], LEAD, ["Encrypt", "CreateGrant"])
        lead = self.as_("db-lead")
        self.assertAccessDenied(lead.create_grant, LEAD, "kms:CreateGrant", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], GranteePrincipal=PARTNER_APP,
                                Operations=["Encrypt"])
        child = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt"], client=lead,
                           GrantTokens=[parent["GrantToken"]])
        self.encrypt(self.as_("partner-app"), md["Arn"], GrantTokens=[child["GrantToken"]])

    def test_revoked_or_retired_grant_token_is_worthless(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=APP)
        self.encrypt(lead, md["KeyId"], GrantTokens=[g["GrantToken"]])
        self.as_("app").retire_grant(GrantToken=g["GrantToken"])  # by token, at once
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x",
                                GrantTokens=[g["GrantToken"]])
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"])
        self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertAccessDenied(lead.encrypt, LEAD, "kms:Encrypt", md["Arn"], "no-identity",
                                KeyId=md["KeyId"], Plaintext=b"x",
                                GrantTokens=[g["GrantToken"]])


class ShortGrantDelayTest(GrantCase):
    """`--grant-delay 2`: after the window the grant works without a token."""

    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=["--grant-delay", "2"])
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def test_grant_takes_effect_after_the_delay(self):
        md = self.create_key()
        lead = self.as_("db-lead")
        started = time.monotonic()
        self.grant(md["KeyId"], LEAD, ["DescribeKey"])
        self.assertAccessDenied(lead.describe_key, LEAD, "kms:DescribeKey", md["Arn"],
                                "no-identity", KeyId=md["KeyId"])
        self.assertLess(time.monotonic() - started, 1.5)  # the denial above was inside the window
        time.sleep(max(0.0, 2.6 - (time.monotonic() - started)))
        self.assertEqual(lead.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"], md["Arn"])


# =========================================================================================
class GrantPersistenceTest(GrantCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def test_grants_survive_a_restart(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt"], RetiringPrincipal=APP,
                       Name="durable", Constraints={"EncryptionContextSubset": BLUE})
        before = self.grants_of(md["KeyId"])
        self.assertEqual(self.srv.restart(), 0)
        self.assertEqual(self.grants_of(md["KeyId"]), before)
        self.encrypt(self.as_("partner-app"), md["Arn"], BLUE)
        again = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt"], RetiringPrincipal=APP,
                           Name="durable", Constraints={"EncryptionContextSubset": BLUE})
        self.assertEqual(again["GrantId"], g["GrantId"])
        self.as_("app").retire_grant(GrantToken=g["GrantToken"])
        self.assertEqual(self.grants_of(md["KeyId"]), [])


# =========================================================================================
class GrantExplainTest(GrantCase):

    def explain(self, request):
        fd, path = tempfile.mkstemp(prefix="explain-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(request, f)
        self.addCleanup(os.remove, path)
        p = harness.kmslab("explain", path, "--json")
        self.assertIn(p.returncode, (EXIT_ALLOW, EXIT_DENY), p.stderr)
        return p.returncode, json.loads(p.stdout)

    def test_explain_names_the_grant(self):
        md = self.create_key()
        g = self.grant(md["KeyId"], PARTNER_APP, ["Encrypt"],
                       Constraints={"EncryptionContextSubset": BLUE})
        self.grant(md["KeyId"], LEAD, ["Decrypt"])
        listed = self.srv.cli("list-grants", "--key-id", md["KeyId"])
        self.assertEqual(listed.rc, 0, listed.stderr)
        req = {"principal": "partner-app", "action": "kms:Encrypt", "resource": md["Arn"],
               "keyPolicy": load_policy("default-key-policy"), "grants": listed.json["Grants"],
               "context": {"kms:EncryptionContext:tenant": "blue"}}
        rc, out = self.explain(req)
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), out)
        self.assertEqual([d.get("grantId") for d in out["determining"] if d.get("grantId")],
                         [g["GrantId"]])
        # The same request as the server sees it.
        self.encrypt(self.as_("partner-app"), md["Arn"], BLUE)
        rc, out = self.explain(dict(req, action="kms:GenerateDataKey"))
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), out)
        self.assertEqual(out["message"], access_denied(PARTNER_APP, "kms:GenerateDataKey",
                                                       md["Arn"], "no-resource"))
        rc, out = self.explain(dict(req, context={"kms:EncryptionContext:tenant": "red"}))
        self.assertEqual((rc, out["decision"]), (EXIT_DENY, "ImplicitDeny"), out)
        rc, out = self.explain(dict(req, principal="db-lead", action="kms:Decrypt", context={}))
        self.assertEqual((rc, out["decision"]), (EXIT_ALLOW, "Allow"), out)
        self.assertEqual(len([d for d in out["determining"] if d.get("grantId")]), 1)


# =========================================================================================
class GrantCliTest(GrantCase):

    def test_create_list_retire(self):
        md = self.create_key()
        res = self.srv.cli("create-grant", "--key-id", md["Arn"], "--grantee-principal",
                           PARTNER_APP, "--operations", "Encrypt", "Decrypt",
                           "--retiring-principal", APP, "--name", "cli-grant", "--constraints",
                           json.dumps({"EncryptionContextSubset": BLUE}))
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(set(res.json), {"GrantId", "GrantToken"})
        self.assertRegex(res.json["GrantId"], GRANT_ID_RE)
        self.assertRegex(res.json["GrantToken"], TOKEN_RE)
        grant_id, token = res.json["GrantId"], res.json["GrantToken"]

        res = self.srv.cli("list-grants", "--key-id", md["KeyId"])  # the CLI pages itself
        self.assertEqual(res.rc, 0, res.stderr)
        (entry,) = res.json["Grants"]
        created = entry.pop("CreationDate")  # epoch seconds (CLI v1) or ISO 8601 (v2)
        if isinstance(created, str):
            created = datetime.datetime.fromisoformat(created).timestamp()
        self.assertLess(abs(created - time.time()), 300, created)
        self.assertEqual(sorted(entry.pop("Operations")), ["Decrypt", "Encrypt"])
        self.assertEqual(entry, {"KeyId": md["Arn"], "GrantId": grant_id, "Name": "cli-grant",
                                 "GranteePrincipal": PARTNER_APP, "RetiringPrincipal": APP,
                                 "IssuingAccount": root_arn(),
                                 "Constraints": {"EncryptionContextSubset": BLUE}})

        # partner-app (no policies) uses the grant through the CLI.
        res = self.srv.aws(creds_of("partner-app"), "kms", "encrypt", "--key-id", md["Arn"],
                           "--plaintext", "fileb://" + self.srv.file(b"cli grant"),
                           "--encryption-context", "tenant=blue")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["KeyId"], md["Arn"])

        res = self.srv.aws(creds_of("app"), "kms", "retire-grant", "--grant-token", token)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.stdout.strip(), "")
        res = self.srv.cli("list-grants", "--key-id", md["KeyId"])
        self.assertEqual((res.rc, res.json["Grants"]), (0, []), res.stderr)
        res = self.srv.aws(creds_of("app"), "kms", "retire-grant", "--key-id", md["Arn"],
                           "--grant-id", grant_id)
        self.assertEqual(res.rc, 255 if harness.cli_major_version() == 1 else 254, res.stderr)
        self.assertIn("An error occurred (NotFoundException) when calling the RetireGrant "
                      "operation", res.stderr)

    def test_cli_errors(self):
        md = self.create_key()
        res = self.srv.cli("create-grant", "--key-id", md["KeyId"], "--grantee-principal", LEAD,
                           "--operations", "DECRYPT")
        self.assertEqual(res.rc, 255 if harness.cli_major_version() == 1 else 254, res.stderr)
        self.assertIn("An error occurred (ValidationException) when calling the CreateGrant "
                      "operation: 1 validation error detected", res.stderr)
        res = self.srv.aws(creds_of("db-lead"), "kms", "create-grant", "--key-id", md["KeyId"],
                           "--grantee-principal", LEAD, "--operations", "Decrypt")
        self.assertCliError(res, "AccessDeniedException", "CreateGrant",
                            access_denied(LEAD, "kms:CreateGrant", md["Arn"], "no-identity"))
        res = self.srv.aws(creds_of("app"), "kms", "retire-grant", "--grant-token",
                           "not a grant token")
        self.assertEqual(res.rc, 255 if harness.cli_major_version() == 1 else 254, res.stderr)
        self.assertIn("An error occurred (InvalidGrantTokenException) when calling the "
                      "RetireGrant operation", res.stderr)

    def test_revoke_and_list_retirable(self):
        md = self.create_key()
        retiring = session_arn("db-team", "cli-" + uuid.uuid4().hex[:8])
        g = self.grant(md["KeyId"], LEAD, ["Encrypt"], RetiringPrincipal=retiring)
        res = self.srv.cli("list-retirable-grants", "--retiring-principal", retiring)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual([x["GrantId"] for x in res.json["Grants"]], [g["GrantId"]])
        res = self.srv.cli("revoke-grant", "--key-id", md["KeyId"], "--grant-id", g["GrantId"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.stdout.strip(), "")
        res = self.srv.aws(creds_of("db-lead"), "kms", "encrypt", "--key-id", md["KeyId"],
                           "--plaintext", "fileb://" + self.srv.file(b"x"))
        self.assertCliError(res, "AccessDeniedException", "Encrypt",
                            access_denied(LEAD, "kms:Encrypt", md["Arn"], "no-identity"))
