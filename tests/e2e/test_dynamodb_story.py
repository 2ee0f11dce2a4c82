"""The seed's story (reference aws-docs/dynamodb-encryption-at-rest-usage-notes.md), told with
the aws CLI as the users would: db-lead (dynamodb:* in IAM, no kms at all) encrypts a table
under a customer managed key whose policy (policies/dynamodb-cmk-db-lead.json) lets db-lead use
the key only through DynamoDB, and the db-team role view the key and revoke grants.

- the per-table grant shows in ListGrants (as db-team); items round-trip; db-lead's direct
  kms calls on the key are refused;
- db-team revokes the grant: reads keep working from the cached table key, then fail 6 min
  later (server clock);
- a disabled key (policies/dynamodb-cmk-db-lead-managed.json, which lets the account's IAM
  admins manage the key): reads fail after the cache, work again after EnableKey;
- the AWS managed key path (alias/aws/dynamodb);
- a key switch, a backup made before it and restored after it, and DeleteTable retiring the
  grants.
"""
import json
import re

import harness
from harness import Creds, role_arn, user_arn
from ddb_case import (KMS_ACCESS_DENIED_ANY, MANAGED_DESCRIPTION, DdbCase, context_of,
                      key_disabled, new_name)

SWITCH_SECONDS = 20
SRV = harness.Server(args=["--ddb-sse-update-seconds", str(SWITCH_SECONDS)])
setUpModule = SRV.start
tearDownModule = SRV.shutdown

LEAD = user_arn("db-lead")
LEAD_CREDS = harness.creds_of("db-lead")


class StoryTest(DdbCase):
    srv = SRV

    # --- the users' tools --------------------------------------------------------------------
    def lead_cli(self, *args):
        return self.srv.aws(LEAD_CREDS, "dynamodb", *args)

    def lead_kms_cli(self, *args):
        return self.srv.aws(LEAD_CREDS, "kms", *args)

    def team(self):
        """A KMS client of a db-team session (admin may assume the account's roles)."""
        if not hasattr(type(self), "_team_creds"):
            c = self.as_("admin", "sts").assume_role(RoleArn=role_arn("db-team"),
                                                     RoleSessionName="db-team-story")["Credentials"]
            type(self)._team_creds = Creds(c["AccessKeyId"], c["SecretAccessKey"],
                                           c["SessionToken"])
        return self.srv.client_as(type(self)._team_creds)

    def seed_key(self, policy_name="dynamodb-cmk-db-lead"):
        bypass = policy_name == "dynamodb-cmk-db-lead"  # names no key administrator
        return self.key_with(harness.load_policy(policy_name), bypass=bypass)

    def lead_creates_table(self, sse_arg):
        name = new_name("orders")
        res = self.lead_cli("create-table", "--table-name", name,
                            "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                            "--key-schema", "AttributeName=pk,KeyType=HASH",
                            "--billing-mode", "PAY_PER_REQUEST", "--sse-specification", sse_arg)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableDescription"]["TableStatus"], "CREATING")
        return name, res.json["TableDescription"]

    def lead_puts(self, name, pk, text):
        res = self.lead_cli("put-item", "--table-name", name, "--item",
                            json.dumps({"pk": {"S": pk}, "note": {"S": text}}))
        self.assertEqual(res.rc, 0, res.stderr)

    def lead_gets(self, name, pk):
        return self.lead_cli("get-item", "--table-name", name, "--key",
                             json.dumps({"pk": {"S": pk}}))

    def assertLeadReads(self, name, pk, text):
        res = self.lead_gets(name, pk)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["Item"], {"pk": {"S": pk}, "note": {"S": text}})

    def assertSseOn(self, sse, arn, status="ENABLED"):
        self.assertEqual(sse, {"Status": status, "SSEType": "KMS", "KMSMasterKeyArn": arn})

    def assertDirectUseRefused(self, key, reason):
        """db-lead's own (not via DynamoDB) kms calls with the table's context are refused."""
        table_ctx = context_of("any-table")
        lead = self.as_("db-lead")
        self.assertAccessDenied(lead.generate_data_key, LEAD, "kms:GenerateDataKey", key["Arn"],
                                reason, KeyId=key["Arn"], KeySpec="AES_256",
                                EncryptionContext=table_ctx)
        self.assertAccessDenied(lead.describe_key, LEAD, "kms:DescribeKey", key["Arn"], reason,
                                KeyId=key["Arn"])

    # =========================================================================================
    def test_seed_cmk_grant_revoked_by_db_team(self):
        key = self.seed_key()
        name, desc = self.lead_creates_table(
            f"Enabled=true,SSEType=KMS,KMSMasterKeyId={key['Arn']}")
        self.assertSseOn(desc["SSEDescription"], key["Arn"])
        res = self.lead_cli("describe-table", "--table-name", name)
        self.assertEqual(res.json["Table"]["TableStatus"], "ACTIVE")
        self.assertSseOn(res.json["Table"]["SSEDescription"], key["Arn"])

        # The grant, as the db-team role sees it.
        (grant,) = self.grants(key["KeyId"], client=self.team())
        self.assertTableGrant(grant, key["Arn"], name)
        # Nobody else may look: admin's IAM kms:* does not help (no root delegation).
        self.assertAccessDenied(self.kms.list_grants, user_arn("admin"), "kms:ListGrants",
                                key["Arn"], "no-resource", KeyId=key["Arn"])

        self.lead_puts(name, "order-1", "two coffees")
        self.assertLeadReads(name, "order-1", "two coffees")
        self.assertDirectUseRefused(key, "no-resource")

        # db-team revokes DynamoDB's grant.
        self.team().revoke_grant(KeyId=key["Arn"], GrantId=grant["GrantId"])
        self.assertEqual(self.grants(key["KeyId"], client=self.team()), [])
        self.assertLeadReads(name, "order-1", "two coffees")  # cached table key
        self.srv.advance_clock(360)
        res = self.lead_gets(name, "order-1")
        self.assertCliFails(res, "AccessDeniedException", "GetItem", KMS_ACCESS_DENIED_ANY)
        res = self.lead_cli("put-item", "--table-name", name, "--item",
                            json.dumps({"pk": {"S": "order-2"}}))
        self.assertCliFails(res, "AccessDeniedException", "PutItem", KMS_ACCESS_DENIED_ANY)
        res = self.lead_cli("delete-table", "--table-name", name)
        self.assertEqual(res.rc, 0, res.stderr)

    def test_disabled_key_and_reenabled(self):
        key = self.seed_key("dynamodb-cmk-db-lead-managed")
        name, _ = self.lead_creates_table(f"Enabled=true,SSEType=KMS,KMSMasterKeyId={key['KeyId']}")
        self.lead_puts(name, "order-1", "a sandwich")
        self.assertLeadReads(name, "order-1", "a sandwich")
        # Direct Decrypt of data under the table's context: refused (only via DynamoDB).
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"table key material",
                                EncryptionContext=context_of(name))["CiphertextBlob"]
        self.assertAccessDenied(self.as_("db-lead").decrypt, LEAD, "kms:Decrypt", key["Arn"],
                                "no-identity", CiphertextBlob=blob,
                                EncryptionContext=context_of(name))
        res = self.lead_kms_cli("decrypt", "--ciphertext-blob", "fileb://" + self.srv.file(blob),
                                "--encryption-context",
                                ",".join(f"{k}={v}" for k, v in context_of(name).items()))
        self.assertCliError(res, "AccessDeniedException", "Decrypt", harness.access_denied(
            LEAD, "kms:Decrypt", key["Arn"], "no-identity"))

        res = self.srv.aws(harness.ADMIN, "kms", "disable-key", "--key-id", key["KeyId"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertLeadReads(name, "order-1", "a sandwich")  # cached
        self.srv.advance_clock(360)
        res = self.lead_gets(name, "order-1")
        self.assertCliFails(res, "ValidationException", "GetItem", key_disabled(key["Arn"]))
        res = self.srv.aws(harness.ADMIN, "kms", "enable-key", "--key-id", key["KeyId"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertLeadReads(name, "order-1", "a sandwich")
        self.lead_puts(name, "order-2", "after re-enabling")
        self.assertLeadReads(name, "order-2", "after re-enabling")

    def test_aws_managed_key(self):
        name, desc = self.lead_creates_table("Enabled=true")
        md = self.kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
        self.assertEqual((md["KeyManager"], md["Description"]), ("AWS", MANAGED_DESCRIPTION))
        self.assertSseOn(desc["SSEDescription"], md["Arn"])
        (grant,) = self.table_grants(md["KeyId"], name)
        self.assertTableGrant(grant, md["Arn"], name)
        self.lead_puts(name, "order-1", "managed")
        self.assertLeadReads(name, "order-1", "managed")
        # Any principal of the account, but only through DynamoDB (the root statement
        # delegates no cryptography to IAM: no path in the key policy at all).
        self.assertAccessDenied(self.as_("db-lead").generate_data_key, LEAD,
                                "kms:GenerateDataKey", md["Arn"], "no-resource",
                                KeyId=md["Arn"], KeySpec="AES_256",
                                EncryptionContext=context_of(name))
        res = self.lead_cli("delete-table", "--table-name", name)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(self.table_grants(md["KeyId"], name), [])

    def test_key_switch_backup_restore_and_delete(self):
        old = self.seed_key("dynamodb-cmk-db-lead-managed")
        new = self.seed_key("dynamodb-cmk-db-lead-managed")
        name, _ = self.lead_creates_table(f"Enabled=true,SSEType=KMS,KMSMasterKeyId={old['Arn']}")
        self.lead_puts(name, "order-1", "before the switch")

        res = self.lead_cli("create-backup", "--table-name", name, "--backup-name", "pre-switch")
        self.assertEqual(res.rc, 0, res.stderr)
        backup_arn = res.json["BackupDetails"]["BackupArn"]
        self.assertRegex(backup_arn, "^" + re.escape(f"arn:aws:dynamodb:us-east-1:111122223333:table/{name}/backup/"))

        res = self.lead_cli("update-table", "--table-name", name, "--sse-specification",
                            f"Enabled=true,SSEType=KMS,KMSMasterKeyId={new['Arn']}")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertSseOn(res.json["TableDescription"]["SSEDescription"], old["Arn"], "UPDATING")
        self.assertLeadReads(name, "order-1", "before the switch")
        self.srv.advance_clock(SWITCH_SECONDS + 1)
        table = self.wait_sse_settled(name)
        self.assertSseOn(table["SSEDescription"], new["Arn"])
        self.assertEqual(self.grants(old["KeyId"], client=self.team()), [])
        (grant,) = self.grants(new["KeyId"], client=self.team())
        self.assertTableGrant(grant, new["Arn"], name)
        self.assertLeadReads(name, "order-1", "before the switch")

        res = self.lead_cli("describe-backup", "--backup-arn", backup_arn)
        self.assertSseOn(res.json["BackupDescription"]["SourceTableFeatureDetails"]
                         ["SSEDescription"], old["Arn"])
        restored = new_name("orders-restored")
        res = self.lead_cli("restore-table-from-backup", "--target-table-name", restored,
                            "--backup-arn", backup_arn)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertSseOn(res.json["TableDescription"]["SSEDescription"], old["Arn"])
        self.wait_status(restored, "ACTIVE")
        self.assertLeadReads(restored, "order-1", "before the switch")
        (grant,) = self.grants(old["KeyId"], client=self.team())
        self.assertTableGrant(grant, old["Arn"], restored)

        for table_name in (name, restored):
            res = self.lead_cli("delete-table", "--table-name", table_name)
            self.assertEqual(res.rc, 0, res.stderr)
            self.assertEqual(res.json["TableDescription"]["TableStatus"], "DELETING")
        self.assertEqual(self.grants(old["KeyId"], client=self.team()), [])
        self.assertEqual(self.grants(new["KeyId"], client=self.team()), [])
        res = self.lead_cli("describe-backup", "--backup-arn", backup_arn)
        self.assertEqual(res.json["BackupDescription"]["BackupDetails"]["BackupStatus"],
                         "AVAILABLE")
