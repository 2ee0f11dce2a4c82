"""DynamoDB shim, server-side encryption (docs/spec/dynamodb-sse.md §1, §3, §4):

- CreateTable with the AWS owned key, the AWS managed key (alias/aws/dynamodb created on first
  use, its metadata and key policy) and customer managed keys (every key id form); the
  per-table grant DynamoDB creates, and its retirement by DeleteTable;
- the request-validation errors (§1.5) and the KMS-derived errors (§1.6) with their exact
  texts, each leaving no table and no grant behind;
- the data plane on a KMS table: the 300 s table-key cache, revoked grants, disabled keys,
  keys pending deletion, callers without KMS permission (§1.7, §3.3, §3.4);
- the background key check: INACCESSIBLE_ENCRYPTION_CREDENTIALS with
  InaccessibleEncryptionDateTime, and recovery (--ddb-detection-seconds,
  --ddb-recovery-seconds, defaults 900 / 1200);
- UpdateTable key switches (§1.4): UPDATING with the old key for --ddb-sse-update-seconds
  (default 22), grants moved, switching back to the owned key, a disabled old key holding the
  switch, healing an inaccessible table, the busy-table errors and the change quota.

Time moves with POST /_kmslab/clock (Server.advance_clock), never by sleeping, except where
a test checks that a short switch completes on its own.
"""
import datetime
import json
import re
import time
import uuid

import harness
from harness import key_arn, role_arn, root_arn, user_arn
from ddb_case import (AES256_UNSUPPORTED, ALREADY_DEFAULT, AWS_MANAGED_POLICY, CIPHERTEXT_DENIED,
                      KEY_WITH_DISABLED, KMS_ACCESS_DENIED_ANY, KMS_TYPE_REQUIRED,
                      MANAGED_ALIAS, MANAGED_DESCRIPTION, SAME_KEY, SSE_BUSY, SSE_ONLY,
                      SSETYPE_WITH_DISABLED, DdbCase, alias_not_found, kms_access_denied,
                      key_disabled, key_not_found, key_pending_deletion, new_name,
                      not_updating, sse_kms)

LEAD = user_arn("db-lead")
SWITCH_SECONDS = 30  # --ddb-sse-update-seconds of the servers that drive switches by clock


class ServerPerClass(DdbCase):
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=list(cls.ARGS))
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    # --- helpers -----------------------------------------------------------------------
    def cmk_table(self, key=None, name=None, client=None, items=3):
        """A table under a new (or the given) CMK with `items` items; returns (name, key)."""
        key = key or self.create_key()
        name = name or new_name("sse")
        desc = self.create_table(name, client=client, sse=sse_kms(key["KeyId"]))
        self.assertEqual(desc["SSEDescription"]["KMSMasterKeyArn"], key["Arn"])
        for i in range(items):
            self.put(name, f"item-{i}", client=client, v={"S": f"value {i}"})
        return name, key

    def assertItems(self, name, n=3, client=None):
        for i in range(n):
            self.assertEqual(self.get(name, f"item-{i}", client=client),
                             {"pk": {"S": f"item-{i}"}, "v": {"S": f"value {i}"}})

    def assertSse(self, sse, status, arn):
        self.assertEqual(sse, {"Status": status, "SSEType": "KMS", "KMSMasterKeyArn": arn})

    def switch(self, name, sse):
        desc = self.ddb.update_table(TableName=name, SSESpecification=sse)["TableDescription"]
        return desc

    def finish_switch(self, name, seconds=SWITCH_SECONDS + 1):
        self.srv.advance_clock(seconds)
        return self.wait_sse_settled(name)

    def clock_dt(self):
        ms = self.srv.clock()["epochMillis"]
        return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)

    def data_plane_fails(self, name, code, pattern, client=None):
        """GetItem, PutItem, UpdateItem, Query and Scan all fail with `code` / `pattern`."""
        c = client or self.ddb
        calls = [(c.get_item, {"Key": {"pk": {"S": "item-0"}}}),
                 (c.put_item, {"Item": {"pk": {"S": "new"}}}),
                 (c.update_item, {"Key": {"pk": {"S": "item-0"}}, "UpdateExpression": "REMOVE v"}),
                 (c.query, {"KeyConditionExpression": "pk = :p",
                            "ExpressionAttributeValues": {":p": {"S": "item-0"}}}),
                 (c.scan, {})]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__):
                self.assertDdbError(code, pattern, fn, TableName=name, **kw)


# =========================================================================================
class CreateTableSseTest(ServerPerClass):
    ARGS = ("--ddb-sse-update-seconds", str(SWITCH_SECONDS))

    def test_owned_key_variants_have_no_sse_description(self):
        for spec in (None, {}, {"Enabled": False}):
            with self.subTest(spec=spec):
                name = new_name("owned")
                desc = self.create_table(name, sse=spec)
                self.assertNotIn("SSEDescription", desc)
                self.assertNotIn("SSEDescription", self.table(name))
                self.put(name, "a", v={"S": "x"})
                self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "v": {"S": "x"}})

    def test_cli_create_table_with_cmk(self):
        key = self.create_key()
        alias = self.create_alias(key["KeyId"])
        name = new_name("cli-cmk")
        res = self.ddb_cli(
            "create-table", "--table-name", name,
            "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
            "--sse-specification", f"Enabled=true,SSEType=KMS,KMSMasterKeyId={alias}")
        self.assertEqual(res.rc, 0, res.stderr)
        desc = res.json["TableDescription"]
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertSse(desc["SSEDescription"], "ENABLED", key["Arn"])  # alias resolved
        res = self.ddb_cli("describe-table", "--table-name", name)
        self.assertEqual(res.json["Table"]["TableStatus"], "ACTIVE")
        self.assertSse(res.json["Table"]["SSEDescription"], "ENABLED", key["Arn"])
        (grant,) = self.grants(key["KeyId"])
        self.assertTableGrant(grant, key["Arn"], name)
        res = self.ddb_cli("put-item", "--table-name", name, "--item",
                           '{"pk": {"S": "cli"}, "v": {"S": "via cli"}}')
        self.assertEqual(res.rc, 0, res.stderr)
        res = self.ddb_cli("get-item", "--table-name", name, "--key", '{"pk": {"S": "cli"}}')
        self.assertEqual(res.json["Item"], {"pk": {"S": "cli"}, "v": {"S": "via cli"}})
        res = self.ddb_cli("delete-table", "--table-name", name)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertSse(res.json["TableDescription"]["SSEDescription"], "ENABLED", key["Arn"])
        self.assertEqual(self.grants(key["KeyId"]), [])  # DeleteTable retired the grant

    def test_every_key_id_form_resolves_to_the_arn(self):
        key = self.create_key()
        alias = self.create_alias(key["KeyId"])
        forms = {"key id": key["KeyId"], "key arn": key["Arn"], "alias": alias,
                 "alias arn": harness.alias_arn(alias)}
        names = []
        for form, key_id in forms.items():
            with self.subTest(form=form):
                name = new_name("form")
                names.append(name)
                desc = self.create_table(name, sse=sse_kms(key_id))
                self.assertSse(desc["SSEDescription"], "ENABLED", key["Arn"])
                self.assertSse(self.table(name)["SSEDescription"], "ENABLED", key["Arn"])
        # Enabled may be omitted when SSEType is KMS.
        name = new_name("form")
        names.append(name)
        desc = self.create_table(name, sse={"SSEType": "KMS", "KMSMasterKeyId": key["KeyId"]})
        self.assertSse(desc["SSEDescription"], "ENABLED", key["Arn"])
        # One grant per table, each constrained to its own table name.
        grants = self.grants(key["KeyId"])
        self.assertEqual(sorted(g["Constraints"]["EncryptionContextSubset"]
                                ["aws:dynamodb:tableName"] for g in grants), sorted(names))
        for g in grants:
            self.assertTableGrant(g, key["Arn"], g["Constraints"]["EncryptionContextSubset"]
                                  ["aws:dynamodb:tableName"])
        self.assertEqual(len({g["GrantId"] for g in grants}), len(names))
        # Re-pointing the alias does not move a table (resolved once, at write time).
        other = self.create_key()
        self.kms.update_alias(AliasName=alias, TargetKeyId=other["KeyId"])
        self.assertSse(self.table(names[2])["SSEDescription"], "ENABLED", key["Arn"])

    def test_validation_errors(self):
        key = self.create_key()
        cases = [
            ({"Enabled": False, "SSEType": "KMS"}, SSETYPE_WITH_DISABLED),
            ({"Enabled": False, "SSEType": "AES256"}, SSETYPE_WITH_DISABLED),
            ({"Enabled": False, "SSEType": "KMS", "KMSMasterKeyId": key["KeyId"]},
             SSETYPE_WITH_DISABLED),  # the SSEType message wins
            ({"Enabled": False, "KMSMasterKeyId": key["KeyId"]}, KEY_WITH_DISABLED),
            ({"Enabled": True, "SSEType": "AES256"}, AES256_UNSUPPORTED),
            ({"Enabled": True, "KMSMasterKeyId": key["KeyId"]}, KMS_TYPE_REQUIRED),
        ]
        for spec, message in cases:
            with self.subTest(spec=spec):
                name = new_name("bad")
                self.assertDdbError("ValidationException", message, self.create_table,
                                    name=name, sse=spec)
                self.assertTableGone(name)
        name = new_name("bad")
        res = self.ddb_cli("create-table", "--table-name", name,
                           "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                           "--key-schema", "AttributeName=pk,KeyType=HASH",
                           "--billing-mode", "PAY_PER_REQUEST",
                           "--sse-specification", "Enabled=true,SSEType=AES256")
        self.assertCliFails(res, "ValidationException", "CreateTable", AES256_UNSUPPORTED)
        # Lower-case enum values only reach the server raw (clients validate enums).
        r = self.srv.ddb_raw(harness.ADMIN, "CreateTable", {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "SSESpecification": {"Enabled": True, "SSEType": "kms"}})
        self.assertRawError(r, "ValidationException",
                            "1 validation error detected: Value 'kms' at 'sSESpecification.sSEType' "
                            "failed to satisfy constraint: Member must satisfy enum value set: "
                            "[AES256, KMS]")
        self.assertTableGone(name)
        self.assertEqual(self.grants(key["KeyId"]), [])
        self.assertIsNone(self.managed_key_id())  # no rejected call created aws/dynamodb

    def test_kms_errors_leave_nothing_behind(self):
        missing = str(uuid.uuid4())
        disabled = self.create_key()
        self.kms.disable_key(KeyId=disabled["KeyId"])
        pending = self.create_key()
        self.kms.schedule_key_deletion(KeyId=pending["KeyId"], PendingWindowInDays=7)
        cases = [
            ("unknown key id", missing, key_not_found(key_arn(missing))),
            ("unknown key arn", key_arn(missing), key_not_found(key_arn(missing))),
            ("unknown alias", "alias/e2e-no-such-alias", alias_not_found("alias/e2e-no-such-alias")),
            ("unknown alias arn", harness.alias_arn("alias/e2e-nope"),
             alias_not_found("alias/e2e-nope")),
            ("disabled key", disabled["KeyId"], key_disabled(disabled["Arn"])),
            ("pending deletion", pending["Arn"], key_pending_deletion(pending["Arn"])),
        ]
        for what, key_id, pattern in cases:
            with self.subTest(what=what):
                name = new_name("kmserr")
                self.assertDdbError("ValidationException", pattern, self.create_table,
                                    name=name, sse=sse_kms(key_id))
                self.assertTableGone(name)
        self.assertEqual(self.grants(disabled["KeyId"]), [])
        self.assertEqual(self.grants(pending["KeyId"]), [])
        # The same through the CLI.
        name = new_name("kmserr")
        res = self.ddb_cli("create-table", "--table-name", name,
                           "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                           "--key-schema", "AttributeName=pk,KeyType=HASH",
                           "--billing-mode", "PAY_PER_REQUEST", "--sse-specification",
                           f"Enabled=true,SSEType=KMS,KMSMasterKeyId={disabled['Arn']}")
        self.assertCliFails(res, "ValidationException", "CreateTable", key_disabled(disabled["Arn"]))
        self.assertTableGone(name)

    def test_caller_may_not_create_grant(self):
        # db-lead may DescribeKey through DynamoDB, but not CreateGrant.
        key = self.key_with({"Version": "2012-10-17", "Statement": [
            {"Sid": "admin", "Effect": "Allow", "Principal": {"AWS": user_arn("admin")},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "lead", "Effect": "Allow", "Principal": {"AWS": LEAD},
             "Action": ["kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
             "Resource": "*",
             "Condition": {"StringLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}}}]})
        name = new_name("nogrant")
        self.assertDdbError(
            "AccessDeniedException",
            kms_access_denied(harness.access_denied(LEAD, "kms:CreateGrant", key["Arn"],
                                                    "no-resource")),
            self.create_table, client=self.ddb_as("db-lead"), name=name,
            sse=sse_kms(key["Arn"]))
        self.assertTableGone(name)
        self.assertEqual(self.grants(key["KeyId"]), [])
        # With the default key policy db-lead (no kms in IAM) is refused already at DescribeKey.
        plain = self.create_key()
        self.assertDdbError(
            "AccessDeniedException",
            kms_access_denied(harness.access_denied(LEAD, "kms:DescribeKey", plain["Arn"],
                                                    "no-identity")),
            self.create_table, client=self.ddb_as("db-lead"), name=name,
            sse=sse_kms(plain["KeyId"]))
        self.assertTableGone(name)
        self.assertEqual(self.grants(plain["KeyId"]), [])

    def test_delete_table_retires_only_its_grant(self):
        key = self.create_key()
        a, _ = self.cmk_table(key, items=1)
        b, _ = self.cmk_table(key, items=1)
        self.assertEqual(len(self.grants(key["KeyId"])), 2)
        desc = self.ddb.delete_table(TableName=a)["TableDescription"]
        self.assertEqual(desc["TableStatus"], "DELETING")
        self.assertTableGone(a)
        (left,) = self.grants(key["KeyId"])
        self.assertTableGrant(left, key["Arn"], b)
        self.assertEqual(self.get(b, "item-0"), {"pk": {"S": "item-0"}, "v": {"S": "value 0"}})


# =========================================================================================
class ManagedKeyTest(ServerPerClass):
    """alias/aws/dynamodb on a fresh server (the tests run in name order)."""

    def test_1_owned_tables_do_not_create_the_managed_key(self):
        self.create_table(new_name("owned"))
        self.create_table(new_name("owned"), sse={"Enabled": False})
        self.assertIsNone(self.managed_key_id())
        self.assertEqual(self.all_key_ids(), [])

    def test_2_enabled_true_creates_the_managed_key(self):
        name = new_name("managed")
        desc = self.create_table(name, sse={"Enabled": True})
        key_id = self.managed_key_id()
        self.assertIsNotNone(key_id)
        self.assertSse(desc["SSEDescription"], "ENABLED", key_arn(key_id))
        md = self.describe(key_id)
        self.assertEqual(md["Description"], MANAGED_DESCRIPTION)
        self.assertEqual(md["KeyManager"], "AWS")
        self.assertEqual((md["KeySpec"], md["CustomerMasterKeySpec"]),
                         ("SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT"))
        self.assertEqual((md["KeyUsage"], md["Origin"], md["MultiRegion"], md["Enabled"]),
                         ("ENCRYPT_DECRYPT", "AWS_KMS", False, True))
        policy = json.loads(self.kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
        self.assertEqual(policy, AWS_MANAGED_POLICY)
        (grant,) = self.grants(key_id)
        self.assertTableGrant(grant, key_arn(key_id), name)
        self.put(name, "a", v={"S": "managed"})
        self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "v": {"S": "managed"}})

    def test_3_every_managed_form_reuses_the_key(self):
        key_id = self.managed_key_id()
        self.assertIsNotNone(key_id)
        before = sorted(self.all_key_ids())
        for spec in ({"Enabled": True}, {"SSEType": "KMS"}, {"Enabled": True, "SSEType": "KMS"},
                     sse_kms(MANAGED_ALIAS)):
            with self.subTest(spec=spec):
                desc = self.create_table(new_name("managed"), sse=spec)
                self.assertSse(desc["SSEDescription"], "ENABLED", key_arn(key_id))
        self.assertEqual(sorted(self.all_key_ids()), before)
        self.assertEqual([a["AliasName"] for a in self.all_aliases()
                          if a["AliasName"] == MANAGED_ALIAS], [MANAGED_ALIAS])

    def test_4_any_dynamodb_user_of_the_account_may_use_it(self):
        # db-lead has no kms permission in IAM; the managed key policy lets it in via DynamoDB.
        lead = self.ddb_as("db-lead")
        name = new_name("lead-managed")
        desc = self.create_table(name, client=lead, sse={"Enabled": True})
        self.assertSse(desc["SSEDescription"], "ENABLED", key_arn(self.managed_key_id()))
        self.put(name, "a", client=lead, v={"N": "1"})
        self.assertEqual(self.get(name, "a", client=lead), {"pk": {"S": "a"}, "v": {"N": "1"}})

    def test_5_cli_sse_enabled(self):
        name = new_name("cli-managed")
        res = self.ddb_cli("create-table", "--table-name", name,
                           "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                           "--key-schema", "AttributeName=pk,KeyType=HASH",
                           "--billing-mode", "PAY_PER_REQUEST", "--sse-specification", "Enabled=true")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertSse(res.json["TableDescription"]["SSEDescription"], "ENABLED",
                       key_arn(self.managed_key_id()))


# =========================================================================================
class DataPlaneTest(ServerPerClass):
    """Default switches: table keys cached 300 s, checks every 900 s / 1200 s."""

    def test_revoked_grant(self):
        name, key = self.cmk_table()
        (grant,) = self.grants(key["KeyId"])
        self.kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
        self.assertItems(name)  # the cached table key still works
        self.put(name, "after-revoke")
        self.srv.advance_clock(360)
        self.data_plane_fails(name, "AccessDeniedException", KMS_ACCESS_DENIED_ANY)
        table = self.table(name)
        self.assertEqual(table["TableStatus"], "ACTIVE")  # not detected yet (900 s check)
        self.assertSse(table["SSEDescription"], "ENABLED", key["Arn"])
        before = self.clock_dt()
        self.srv.advance_clock(600)
        table = self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        sse = dict(table["SSEDescription"])
        detected = sse.pop("InaccessibleEncryptionDateTime")
        self.assertSse(sse, "ENABLED", key["Arn"])
        self.assertGreaterEqual(detected, before)
        self.assertLessEqual(detected, self.clock_dt())
        self.assertNotIn("ArchivalSummary", table)
        # What still works and what does not.
        self.assertIn(name, self.ddb.list_tables()["TableNames"])
        self.data_plane_fails(name, "AccessDeniedException", KMS_ACCESS_DENIED_ANY)
        self.assertDdbError("AccessDeniedException", KMS_ACCESS_DENIED_ANY, self.ddb.create_backup,
                            TableName=name, BackupName="no-backup")
        desc = self.ddb.delete_table(TableName=name)["TableDescription"]
        self.assertEqual(desc["TableStatus"], "DELETING")
        self.assertIn("InaccessibleEncryptionDateTime", desc["SSEDescription"])
        self.assertTableGone(name)

    def test_disabled_key_and_recovery(self):
        name, key = self.cmk_table()
        self.assertItems(name)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertItems(name)  # cached
        self.srv.advance_clock(360)
        self.data_plane_fails(name, "ValidationException", key_disabled(key["Arn"]))
        res = self.ddb_cli("get-item", "--table-name", name, "--key", '{"pk": {"S": "item-0"}}')
        self.assertCliFails(res, "ValidationException", "GetItem", key_disabled(key["Arn"]))
        self.assertEqual(self.table(name)["TableStatus"], "ACTIVE")
        self.srv.advance_clock(600)
        table = self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        self.assertIn("InaccessibleEncryptionDateTime", table["SSEDescription"])
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.create_backup,
                            TableName=name, BackupName="no-backup")
        # Every SSE change fails with the error naming the old key.
        other = self.create_key()
        for spec in (sse_kms(other["KeyId"]), {"Enabled": False}):
            with self.subTest(spec=spec):
                self.assertDdbError("ValidationException", key_disabled(key["Arn"]),
                                    self.switch, name=name, sse=spec)
        self.assertEqual(self.grants(other["KeyId"]), [])
        # Recovery: EnableKey, then the next check (1200 s while inaccessible).
        self.kms.enable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(600)
        time.sleep(0.3)
        self.assertEqual(self.table(name)["TableStatus"], "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        self.srv.advance_clock(700)
        table = self.wait_status(name, "ACTIVE")
        self.assertSse(table["SSEDescription"], "ENABLED", key["Arn"])
        self.assertItems(name)
        self.put(name, "after-recovery")
        self.assertIsNotNone(self.get(name, "after-recovery"))

    def test_pending_deletion(self):
        name, key = self.cmk_table()
        self.assertItems(name)
        self.kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=30)
        self.assertItems(name)
        self.srv.advance_clock(360)
        self.data_plane_fails(name, "ValidationException", key_pending_deletion(key["Arn"]))
        # CancelKeyDeletion leaves the key Disabled: still failing.
        self.kms.cancel_key_deletion(KeyId=key["KeyId"])
        self.srv.advance_clock(360)
        self.data_plane_fails(name, "ValidationException", key_disabled(key["Arn"]))
        self.kms.enable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(360)
        self.assertItems(name)

    def test_caller_without_kms_permission(self):
        # The default key policy delegates to IAM; db-lead has dynamodb:* but no kms.
        name, key = self.cmk_table()
        lead = self.ddb_as("db-lead")
        pattern = kms_access_denied(CIPHERTEXT_DENIED)
        self.data_plane_fails(name, "AccessDeniedException", pattern, client=lead)
        res = self.ddb_cli("put-item", "--table-name", name, "--item", '{"pk": {"S": "x"}}',
                           creds=harness.creds_of("db-lead"))
        self.assertCliFails(res, "AccessDeniedException", "PutItem", pattern)
        self.assertIsNone(self.get(name, "new"))
        self.assertIsNone(self.get(name, "x"))
        self.assertItems(name)  # admin still can
        # The table's metadata is no secret.
        self.assertSse(self.table(name, client=lead)["SSEDescription"], "ENABLED", key["Arn"])

    def test_key_policy_change_takes_effect_after_the_cache(self):
        admin_stmt = {"Sid": "admin", "Effect": "Allow", "Principal": {"AWS": user_arn("admin")},
                      "Action": "kms:*", "Resource": "*"}
        lead_stmt = {"Sid": "lead", "Effect": "Allow", "Principal": {"AWS": LEAD},
                     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
                     "Resource": "*",
                     "Condition": {"StringLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}}}
        key = self.key_with({"Version": "2012-10-17", "Statement": [admin_stmt, lead_stmt]})
        lead = self.ddb_as("db-lead")
        name, _ = self.cmk_table(key, client=lead)
        self.assertItems(name, client=lead)
        self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                                Policy=json.dumps({"Version": "2012-10-17",
                                                   "Statement": [admin_stmt]}))
        self.assertItems(name, client=lead)  # cached for 300 s
        self.srv.advance_clock(240)
        self.assertItems(name, client=lead)
        self.srv.advance_clock(120)
        self.data_plane_fails(name, "AccessDeniedException", kms_access_denied(CIPHERTEXT_DENIED),
                              client=lead)
        self.assertItems(name)  # admin's own Decrypt is still allowed

    def test_default_switch_duration_is_22_seconds(self):
        name, old = self.cmk_table(items=1)
        new = self.create_key()
        self.switch(name, sse_kms(new["KeyId"]))
        self.srv.advance_clock(20)
        time.sleep(0.3)
        self.assertSse(self.table(name)["SSEDescription"], "UPDATING", old["Arn"])
        self.srv.advance_clock(3)
        self.assertSse(self.wait_sse_settled(name)["SSEDescription"], "ENABLED", new["Arn"])


# =========================================================================================
class DetectionSwitchesTest(ServerPerClass):
    ARGS = ("--ddb-detection-seconds", "60", "--ddb-recovery-seconds", "30",
            "--ddb-sse-update-seconds", "1")

    def test_short_detection_and_recovery(self):
        name, key = self.cmk_table()
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(61)
        table = self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        self.assertIn("InaccessibleEncryptionDateTime", table["SSEDescription"])
        self.kms.enable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(31)
        table = self.wait_status(name, "ACTIVE")
        self.assertSse(table["SSEDescription"], "ENABLED", key["Arn"])
        self.srv.advance_clock(300)
        self.assertItems(name)

    def test_short_switch_completes_on_its_own(self):
        name, old = self.cmk_table(items=1)
        new = self.create_key()
        desc = self.switch(name, sse_kms(new["KeyId"]))
        self.assertSse(desc["SSEDescription"], "UPDATING", old["Arn"])
        table = self.wait_sse_settled(name, timeout=15)  # real time: about 1 s
        self.assertSse(table["SSEDescription"], "ENABLED", new["Arn"])
        self.assertItems(name, 1)


# =========================================================================================
class KeySwitchTest(ServerPerClass):
    ARGS = ("--ddb-sse-update-seconds", str(SWITCH_SECONDS))

    def test_cli_switch_cmk_to_cmk(self):
        name, old = self.cmk_table()
        new = self.create_key()
        res = self.ddb_cli("update-table", "--table-name", name, "--sse-specification",
                           f"Enabled=true,SSEType=KMS,KMSMasterKeyId={new['KeyId']}")
        self.assertEqual(res.rc, 0, res.stderr)
        desc = res.json["TableDescription"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        self.assertSse(desc["SSEDescription"], "UPDATING", old["Arn"])
        table = self.table(name)
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertSse(table["SSEDescription"], "UPDATING", old["Arn"])
        self.assertItems(name)  # no downtime
        self.put(name, "during-switch", v={"S": "d"})
        table = self.finish_switch(name)
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertSse(table["SSEDescription"], "ENABLED", new["Arn"])
        self.assertEqual(self.table_grants(old["KeyId"], name), [])  # old grant retired
        (grant,) = self.table_grants(new["KeyId"], name)
        self.assertTableGrant(grant, new["Arn"], name)
        self.assertItems(name)
        self.assertEqual(self.get(name, "during-switch")["v"], {"S": "d"})
        # The table no longer needs the old key at all.
        self.kms.disable_key(KeyId=old["KeyId"])
        self.srv.advance_clock(360)
        self.assertItems(name)
        res = self.ddb_cli("describe-table", "--table-name", name)
        self.assertSse(res.json["Table"]["SSEDescription"], "ENABLED", new["Arn"])

    def test_switch_back_to_owned_key(self):
        name, old = self.cmk_table()
        desc = self.switch(name, {"Enabled": False})
        self.assertSse(desc["SSEDescription"], "UPDATING", old["Arn"])
        self.assertItems(name)
        table = self.finish_switch(name)
        self.assertNotIn("SSEDescription", table)
        self.assertEqual(self.grants(old["KeyId"]), [])
        self.assertItems(name)
        # The owned-key table no longer depends on the key.
        self.kms.disable_key(KeyId=old["KeyId"])
        self.srv.advance_clock(1000)
        time.sleep(0.3)
        self.assertEqual(self.table(name)["TableStatus"], "ACTIVE")
        self.assertItems(name)

    def test_switch_owned_to_cmk_and_managed(self):
        name = new_name("owned")
        self.create_table(name)
        self.put(name, "item-0", v={"S": "value 0"})
        key = self.create_key()
        desc = self.switch(name, sse_kms(key["Arn"]))
        self.assertEqual(desc["SSEDescription"], {"Status": "UPDATING"})
        self.assertEqual(len(self.table_grants(key["KeyId"], name)), 1)  # granted at once
        table = self.finish_switch(name)
        self.assertSse(table["SSEDescription"], "ENABLED", key["Arn"])
        self.assertEqual(len(self.table_grants(key["KeyId"], name)), 1)
        self.assertItems(name, 1)
        # CMK -> AWS managed key.
        desc = self.switch(name, {"Enabled": True})
        self.assertSse(desc["SSEDescription"], "UPDATING", key["Arn"])
        table = self.finish_switch(name)
        managed = self.managed_key_id()
        self.assertIsNotNone(managed)
        self.assertSse(table["SSEDescription"], "ENABLED", key_arn(managed))
        self.assertEqual(self.table_grants(key["KeyId"], name), [])
        self.assertEqual(len(self.table_grants(managed, name)), 1)
        self.assertItems(name, 1)

    def test_update_validation_errors(self):
        owned = new_name("owned")
        self.create_table(owned)
        name, key = self.cmk_table(items=1)
        other = self.create_key()
        missing = str(uuid.uuid4())
        disabled = self.create_key()
        self.kms.disable_key(KeyId=disabled["KeyId"])
        cases = [
            (name, sse_kms(key["Arn"]), "ValidationException", SAME_KEY),
            (owned, {"Enabled": False}, "ValidationException", ALREADY_DEFAULT),
            (name, {"Enabled": False, "SSEType": "KMS"}, "ValidationException",
             SSETYPE_WITH_DISABLED),
            (name, {"Enabled": False, "KMSMasterKeyId": other["KeyId"]}, "ValidationException",
             KEY_WITH_DISABLED),
            (name, {"Enabled": True, "SSEType": "AES256"}, "ValidationException",
             AES256_UNSUPPORTED),
            (name, {"Enabled": True, "KMSMasterKeyId": other["KeyId"]}, "ValidationException",
             KMS_TYPE_REQUIRED),
            (name, sse_kms(missing), "ValidationException", key_not_found(key_arn(missing))),
            (name, sse_kms("alias/e2e-missing"), "ValidationException",
             alias_not_found("alias/e2e-missing")),
            (name, sse_kms(disabled["KeyId"]), "ValidationException", key_disabled(disabled["Arn"])),
        ]
        for table_name, spec, code, message in cases:
            with self.subTest(spec=spec):
                self.assertDdbError(code, message, self.switch, name=table_name, sse=spec)
        res = self.ddb_cli("update-table", "--table-name", name, "--sse-specification",
                           f"Enabled=true,SSEType=KMS,KMSMasterKeyId={key['Arn']}")
        self.assertCliFails(res, "ValidationException", "UpdateTable", SAME_KEY)
        # SSE plus another change: nothing applied.
        for extra in ({"BillingMode": "PROVISIONED",
                       "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}},
                      {"ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}):
            with self.subTest(extra=extra):
                self.assertDdbError("ValidationException", SSE_ONLY, self.ddb.update_table,
                                    TableName=name, SSESpecification=sse_kms(other["KeyId"]),
                                    **extra)
        table = self.table(name)
        self.assertSse(table["SSEDescription"], "ENABLED", key["Arn"])
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertNotIn("SSEDescription", self.table(owned))
        self.assertEqual(self.grants(other["KeyId"]), [])
        self.assertEqual(self.grants(disabled["KeyId"]), [])
        self.assertEqual(len(self.grants(key["KeyId"])), 1)

    def test_same_key_by_id_or_alias_is_a_full_switch(self):
        name, key = self.cmk_table(items=1)
        alias = self.create_alias(key["KeyId"])
        for key_id in (key["KeyId"], alias):
            with self.subTest(key_id=key_id):
                desc = self.switch(name, sse_kms(key_id))
                self.assertSse(desc["SSEDescription"], "UPDATING", key["Arn"])
                table = self.finish_switch(name)
                self.assertSse(table["SSEDescription"], "ENABLED", key["Arn"])
                (grant,) = self.grants(key["KeyId"])
                self.assertTableGrant(grant, key["Arn"], name)
                self.assertItems(name, 1)

    def test_busy_while_updating(self):
        name, old = self.cmk_table(items=1)
        new, third = self.create_key(), self.create_key()
        self.switch(name, sse_kms(new["KeyId"]))
        self.assertDdbError("ResourceInUseException", not_updating(name), self.ddb.delete_table,
                            TableName=name)
        res = self.ddb_cli("delete-table", "--table-name", name)
        self.assertCliFails(res, "ResourceInUseException", "DeleteTable", not_updating(name))
        for spec in ({"Enabled": False}, sse_kms(third["KeyId"]), {"Enabled": True}):
            with self.subTest(spec=spec):
                self.assertDdbError("ResourceInUseException", SSE_BUSY, self.switch, name=name,
                                    sse=spec)
        self.assertEqual(self.grants(third["KeyId"]), [])
        table = self.finish_switch(name)
        self.assertSse(table["SSEDescription"], "ENABLED", new["Arn"])
        self.ddb.delete_table(TableName=name)  # free again
        self.assertTableGone(name)
        self.assertEqual(self.grants(new["KeyId"]), [])
        self.assertEqual(self.grants(old["KeyId"]), [])

    def test_identical_resend_while_updating_is_accepted(self):
        name, old = self.cmk_table(items=1)
        new = self.create_key()
        self.switch(name, sse_kms(new["KeyId"]))
        desc = self.switch(name, sse_kms(new["KeyId"]))
        self.assertEqual(desc["SSEDescription"]["Status"], "UPDATING")
        table = self.finish_switch(name)
        self.assertSse(table["SSEDescription"], "ENABLED", new["Arn"])
        self.assertEqual(len(self.table_grants(new["KeyId"], name)), 1)

    def test_disabled_old_key_holds_the_switch(self):
        name, old = self.cmk_table()
        new = self.create_key()
        self.switch(name, sse_kms(new["KeyId"]))
        self.kms.disable_key(KeyId=old["KeyId"])
        self.srv.advance_clock(SWITCH_SECONDS * 3)
        time.sleep(0.5)
        self.assertEqual(self.table(name)["SSEDescription"]["Status"], "UPDATING")
        self.srv.advance_clock(SWITCH_SECONDS * 3)
        time.sleep(0.3)
        self.assertEqual(self.table(name)["SSEDescription"]["Status"], "UPDATING")
        self.kms.enable_key(KeyId=old["KeyId"])
        table = self.finish_switch(name)
        self.assertSse(table["SSEDescription"], "ENABLED", new["Arn"])
        self.assertEqual(self.table_grants(old["KeyId"], name), [])
        self.assertItems(name)

    def test_switch_heals_a_table_whose_grant_was_revoked(self):
        name, old = self.cmk_table()
        (grant,) = self.grants(old["KeyId"])
        self.kms.revoke_grant(KeyId=old["KeyId"], GrantId=grant["GrantId"])
        self.srv.advance_clock(901)
        self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        new = self.create_key()
        res = self.ddb_cli("update-table", "--table-name", name, "--sse-specification",
                           f"Enabled=true,SSEType=KMS,KMSMasterKeyId={new['Arn']}")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableDescription"]["SSEDescription"]["Status"], "UPDATING")
        table = self.finish_switch(name)
        table = self.wait_status(name, "ACTIVE")
        self.assertSse(table["SSEDescription"], "ENABLED", new["Arn"])
        self.assertItems(name)

    def test_change_quota(self):
        name, key = self.cmk_table(items=1)
        keys = [self.create_key() for _ in range(2)]
        specs = [sse_kms(keys[0]["KeyId"]), sse_kms(keys[1]["KeyId"]), {"Enabled": False},
                 sse_kms(keys[0]["KeyId"])]
        for spec in specs:  # four changes in the window
            self.switch(name, spec)
            self.finish_switch(name)
        limited = ("^" + re.escape("Subscriber limit exceeded: Encryption mode changes are limited "
                                   "in the 24h window ending at ") + ".+" +
                   re.escape(". After the first 4 change, each subsequent change in the same "
                             "window can be performed at most once every 21600 seconds. Number of "
                             "updates today: 4. Last change at ") + ".+$")
        self.assertDdbError("LimitExceededException", limited, self.switch, name=name,
                            sse=sse_kms(keys[1]["KeyId"]))
        # The quota check comes before key validation.
        missing = str(uuid.uuid4())
        self.assertDdbError("LimitExceededException", limited, self.switch, name=name,
                            sse=sse_kms(missing))
        self.srv.advance_clock(3 * 3600)
        self.assertDdbError("LimitExceededException", limited, self.switch, name=name,
                            sse=sse_kms(keys[1]["KeyId"]))
        self.assertSse(self.table(name)["SSEDescription"], "ENABLED", keys[0]["Arn"])
        # 6 h after the 4th change, a 5th is allowed (rejected calls consumed nothing).
        self.srv.advance_clock(3 * 3600)
        desc = self.switch(name, sse_kms(keys[1]["KeyId"]))
        self.assertSse(desc["SSEDescription"], "UPDATING", keys[0]["Arn"])
        self.assertSse(self.finish_switch(name)["SSEDescription"], "ENABLED", keys[1]["Arn"])
