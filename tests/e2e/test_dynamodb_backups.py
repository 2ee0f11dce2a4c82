"""DynamoDB shim, on-demand backups (docs/spec/dynamodb-sse.md §2): CreateBackup / DescribeBackup /
ListBackups / DeleteBackup / RestoreTableFromBackup, with the aws CLI and boto3.

- response shapes (BackupArn format, CREATING then AVAILABLE, SourceTableDetails, RestoreSummary);
- SourceTableFeatureDetails.SSEDescription names the key in force when the backup was made
  (absent for owned-key backups) and keeps naming it after the table switches keys;
- restoring needs that key usable (disabled -> the KMS error, nothing created; enabled again ->
  the restore works and the items are there);
- SSESpecificationOverride picks the restored table's key (owned, AWS managed, another CMK,
  unknown key -> the KMS error);
- TableAlreadyExistsException, BackupNotFoundException; backups survive DeleteTable.
"""
import re
import uuid

import harness
from harness import ACCOUNT, REGION, key_arn
from ddb_case import DdbCase, key_disabled, key_not_found, new_name, sse_kms, table_arn

SWITCH_SECONDS = 20
SRV = harness.Server(args=["--ddb-sse-update-seconds", str(SWITCH_SECONDS)])
setUpModule = SRV.start
tearDownModule = SRV.shutdown


def backup_arn_re(name):
    return ("^" + re.escape(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}/backup/")
            + r"\d{13}-[0-9a-f]{8}$")


class BackupCase(DdbCase):
    srv = SRV

    def filled_table(self, sse=None, n=4, prefix="src"):
        name = new_name(prefix)
        self.create_table(name, sse=sse)
        for i in range(n):
            self.put(name, f"item-{i}", v={"S": f"value {i}"}, n={"N": str(i)})
        return name

    def assertFilled(self, name, n=4):
        items = self.ddb.scan(TableName=name)["Items"]
        self.assertEqual(len(items), n)
        for i in range(n):
            self.assertEqual(self.get(name, f"item-{i}"),
                             {"pk": {"S": f"item-{i}"}, "v": {"S": f"value {i}"},
                              "n": {"N": str(i)}})

    def backup(self, name, backup_name="backup"):
        return self.ddb.create_backup(TableName=name, BackupName=backup_name)["BackupDetails"]

    def describe_backup(self, arn):
        return self.ddb.describe_backup(BackupArn=arn)["BackupDescription"]

    def backup_sse(self, arn):
        return self.describe_backup(arn)["SourceTableFeatureDetails"].get("SSEDescription")

    def restore(self, arn, target=None, **kw):
        target = target or new_name("restored")
        desc = self.ddb.restore_table_from_backup(TargetTableName=target, BackupArn=arn,
                                                  **kw)["TableDescription"]
        self.assertEqual(desc["TableName"], target)
        return target, desc

    def sse_of(self, arn):
        return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": arn}

    def switch(self, name, sse):
        self.ddb.update_table(TableName=name, SSESpecification=sse)
        self.srv.advance_clock(SWITCH_SECONDS + 1)
        return self.wait_sse_settled(name)


class BackupLifecycleTest(BackupCase):

    def test_cli_backup_and_restore_owned_table(self):
        name = self.filled_table()
        res = self.ddb_cli("create-backup", "--table-name", name, "--backup-name", "nightly")
        self.assertEqual(res.rc, 0, res.stderr)
        details = res.json["BackupDetails"]
        self.assertRegex(details["BackupArn"], backup_arn_re(name))
        self.assertEqual(details["BackupName"], "nightly")
        self.assertEqual(details["BackupStatus"], "CREATING")
        self.assertEqual(details["BackupType"], "USER")
        self.assertIn("BackupSizeBytes", details)
        self.assertIn("BackupCreationDateTime", details)
        arn = details["BackupArn"]

        desc = self.describe_backup(arn)
        self.assertEqual(desc["BackupDetails"]["BackupStatus"], "AVAILABLE")
        self.assertEqual(desc["BackupDetails"]["BackupArn"], arn)
        src = desc["SourceTableDetails"]
        table = self.table(name)
        self.assertEqual(src["TableName"], name)
        self.assertEqual(src["TableArn"], table_arn(name))
        self.assertEqual(src["TableId"], table["TableId"])
        self.assertEqual(src["KeySchema"], table["KeySchema"])
        self.assertEqual(src["ItemCount"], 4)
        self.assertEqual(src["BillingMode"], "PAY_PER_REQUEST")
        self.assertNotIn("SSEDescription", desc.get("SourceTableFeatureDetails", {}))

        listed = self.ddb.list_backups(TableName=name)["BackupSummaries"]
        self.assertEqual([b["BackupArn"] for b in listed], [arn])
        self.assertEqual(listed[0]["BackupName"], "nightly")
        self.assertEqual(listed[0]["TableName"], name)
        res = self.ddb_cli("list-backups", "--table-name", name)
        self.assertEqual([b["BackupArn"] for b in res.json["BackupSummaries"]], [arn])

        target = new_name("restored")
        res = self.ddb_cli("restore-table-from-backup", "--target-table-name", target,
                           "--backup-arn", arn)
        self.assertEqual(res.rc, 0, res.stderr)
        tdesc = res.json["TableDescription"]
        self.assertEqual(tdesc["TableName"], target)
        self.assertEqual(tdesc["TableStatus"], "CREATING")
        summary = tdesc["RestoreSummary"]
        self.assertEqual((summary["SourceBackupArn"], summary["SourceTableArn"],
                          summary["RestoreInProgress"]), (arn, table_arn(name), True))
        self.assertNotIn("SSEDescription", tdesc)
        restored = self.wait_status(target, "ACTIVE")
        self.assertNotIn("RestoreSummary", restored)
        self.assertNotIn("SSEDescription", restored)
        self.assertNotEqual(restored["TableId"], table["TableId"])
        self.assertFilled(target)

        res = self.ddb_cli("delete-backup", "--backup-arn", arn)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["BackupDescription"]["BackupDetails"]["BackupArn"], arn)
        self.assertDdbError("BackupNotFoundException", f"Backup not found: {arn}",
                            self.ddb.describe_backup, BackupArn=arn)
        self.assertEqual(self.ddb.list_backups(TableName=name)["BackupSummaries"], [])

    def test_backup_is_a_snapshot(self):
        name = self.filled_table()
        arn = self.backup(name)["BackupArn"]
        self.put(name, "later", v={"S": "after the backup"})
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "item-0"}})
        target, _ = self.restore(arn)
        self.wait_status(target, "ACTIVE")
        self.assertIsNone(self.get(target, "later"))
        self.assertFilled(target)

    def test_errors(self):
        name = self.filled_table(n=1)
        arn = self.backup(name)["BackupArn"]
        self.assertDdbError("TableAlreadyExistsException", f"Table already exists: {name}",
                            self.restore, arn=arn, target=name)
        res = self.ddb_cli("restore-table-from-backup", "--target-table-name", name,
                           "--backup-arn", arn)
        self.assertCliFails(res, "TableAlreadyExistsException", "RestoreTableFromBackup",
                            f"Table already exists: {name}")
        unknown = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}/backup/1700000000000-0badf00d"
        for fn, kw in ((self.ddb.describe_backup, {"BackupArn": unknown}),
                       (self.ddb.delete_backup, {"BackupArn": unknown}),
                       (self.ddb.restore_table_from_backup,
                        {"BackupArn": unknown, "TargetTableName": new_name("never")})):
            with self.subTest(op=fn.__name__):
                self.assertDdbError("BackupNotFoundException", f"Backup not found: {unknown}", fn,
                                    **kw)
        missing = new_name("none")
        self.assertDdbError("TableNotFoundException", f"Table not found: {missing}",
                            self.ddb.create_backup, TableName=missing, BackupName="backup")

    def test_backups_survive_delete_table(self):
        key = self.create_key()
        name = self.filled_table(sse=sse_kms(key["KeyId"]))
        arn = self.backup(name, "keep-me")["BackupArn"]
        self.ddb.delete_table(TableName=name)
        self.assertTableGone(name)
        self.assertEqual(self.table_grants(key["KeyId"], name), [])  # retired by DeleteTable
        desc = self.describe_backup(arn)
        self.assertEqual(desc["BackupDetails"]["BackupStatus"], "AVAILABLE")
        self.assertEqual(desc["SourceTableFeatureDetails"]["SSEDescription"], self.sse_of(key["Arn"]))
        self.assertIn(arn, [b["BackupArn"] for b in self.ddb.list_backups()["BackupSummaries"]])
        # Restore under the old name.
        target, tdesc = self.restore(arn, target=name)
        self.assertEqual(tdesc["SSEDescription"], self.sse_of(key["Arn"]))
        self.wait_status(name, "ACTIVE")
        self.assertFilled(name)
        (grant,) = self.table_grants(key["KeyId"], name)
        self.assertTableGrant(grant, key["Arn"], name)


class BackupKeysTest(BackupCase):

    def test_backup_names_the_key_in_force(self):
        a, b = self.create_key(), self.create_key()
        name = self.filled_table(sse=sse_kms(a["KeyId"]))
        res = self.ddb_cli("create-backup", "--table-name", name, "--backup-name", "under-a")
        self.assertEqual(res.rc, 0, res.stderr)
        under_a = res.json["BackupDetails"]["BackupArn"]
        self.assertEqual(self.backup_sse(under_a), self.sse_of(a["Arn"]))
        self.switch(name, sse_kms(b["KeyId"]))
        under_b = self.backup(name, "under-b")["BackupArn"]
        self.assertEqual(self.backup_sse(under_b), self.sse_of(b["Arn"]))
        self.assertEqual(self.backup_sse(under_a), self.sse_of(a["Arn"]))  # unchanged
        self.switch(name, {"Enabled": False})
        owned = self.backup(name, "owned")["BackupArn"]
        self.assertIsNone(self.backup_sse(owned))
        self.assertEqual(self.backup_sse(under_a), self.sse_of(a["Arn"]))
        # Restoring without an override keeps the backup's key.
        for arn, key in ((under_a, a), (under_b, b)):
            with self.subTest(key=key["Arn"]):
                target, desc = self.restore(arn)
                self.assertEqual(desc["SSEDescription"], self.sse_of(key["Arn"]))
                self.assertEqual(self.wait_status(target, "ACTIVE")["SSEDescription"],
                                 self.sse_of(key["Arn"]))
                self.assertFilled(target)
                (grant,) = self.table_grants(key["KeyId"], target)
                self.assertTableGrant(grant, key["Arn"], target)
        target, desc = self.restore(owned)
        self.assertNotIn("SSEDescription", desc)
        self.assertFilled(target)

    def test_restore_needs_the_backup_key(self):
        a, b = self.create_key(), self.create_key()
        name = self.filled_table(sse=sse_kms(a["KeyId"]))
        arn = self.backup(name)["BackupArn"]
        self.switch(name, sse_kms(b["KeyId"]))  # the table no longer uses A
        self.kms.disable_key(KeyId=a["KeyId"])
        for override in (None, {"Enabled": False}, sse_kms(b["KeyId"])):
            with self.subTest(override=override):
                target = new_name("restored")
                kw = {} if override is None else {"SSESpecificationOverride": override}
                self.assertDdbError("ValidationException", key_disabled(a["Arn"]), self.restore,
                                    arn=arn, target=target, **kw)
                self.assertTableGone(target)
                self.assertEqual(self.table_grants(b["KeyId"], target), [])
        target = new_name("restored")
        res = self.ddb_cli("restore-table-from-backup", "--target-table-name", target,
                           "--backup-arn", arn)
        self.assertCliFails(res, "ValidationException", "RestoreTableFromBackup",
                            key_disabled(a["Arn"]))
        self.assertTableGone(target)
        self.assertFilled(name)  # the source table, now under B, is unaffected
        self.kms.enable_key(KeyId=a["KeyId"])
        res = self.ddb_cli("restore-table-from-backup", "--target-table-name", target,
                           "--backup-arn", arn)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableDescription"]["SSEDescription"], self.sse_of(a["Arn"]))
        self.wait_status(target, "ACTIVE")
        self.assertFilled(target)

    def test_sse_specification_override(self):
        a, b = self.create_key(), self.create_key()
        name = self.filled_table(sse=sse_kms(a["KeyId"]))
        arn = self.backup(name)["BackupArn"]

        target, desc = self.restore(arn, SSESpecificationOverride={"Enabled": False})
        self.assertNotIn("SSEDescription", desc)
        self.assertNotIn("SSEDescription", self.wait_status(target, "ACTIVE"))
        self.assertFilled(target)
        self.assertEqual(self.table_grants(a["KeyId"], target), [])

        target, desc = self.restore(arn, SSESpecificationOverride=sse_kms(b["Arn"]))
        self.assertEqual(desc["SSEDescription"], self.sse_of(b["Arn"]))
        self.wait_status(target, "ACTIVE")
        self.assertFilled(target)
        (grant,) = self.table_grants(b["KeyId"], target)
        self.assertTableGrant(grant, b["Arn"], target)
        self.assertEqual(self.table_grants(a["KeyId"], target), [])

        target, desc = self.restore(arn, SSESpecificationOverride={"Enabled": True})
        managed = self.managed_key_id()
        self.assertIsNotNone(managed)
        self.assertEqual(desc["SSEDescription"], self.sse_of(key_arn(managed)))
        self.wait_status(target, "ACTIVE")
        self.assertFilled(target)

        target, _ = self.restore(arn, SSESpecificationOverride={})  # a plain 200
        self.wait_status(target, "ACTIVE")
        self.assertFilled(target)

        missing = str(uuid.uuid4())
        target = new_name("restored")
        self.assertDdbError("ValidationException", key_not_found(key_arn(missing)), self.restore,
                            arn=arn, target=target, SSESpecificationOverride=sse_kms(missing))
        self.assertTableGone(target)

        res = self.ddb_cli("restore-table-from-backup", "--target-table-name", target,
                           "--backup-arn", arn, "--sse-specification-override", "Enabled=false")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertNotIn("SSEDescription", res.json["TableDescription"])

    def test_managed_key_backup_is_inherited(self):
        name = self.filled_table(sse={"Enabled": True})
        managed = self.managed_key_id()
        arn = self.backup(name)["BackupArn"]
        self.assertEqual(self.backup_sse(arn), self.sse_of(key_arn(managed)))
        target, desc = self.restore(arn)
        self.assertEqual(desc["SSEDescription"], self.sse_of(key_arn(managed)))
        self.wait_status(target, "ACTIVE")
        self.assertFilled(target)

    def test_list_backups_filters_by_table(self):
        one, two = self.filled_table(n=1), self.filled_table(n=1)
        arns_one = {self.backup(one, f"one-{i}")["BackupArn"] for i in range(2)}
        arn_two = self.backup(two, "two")["BackupArn"]
        self.assertEqual({b["BackupArn"] for b in
                          self.ddb.list_backups(TableName=one)["BackupSummaries"]}, arns_one)
        all_arns = {b["BackupArn"] for b in self.ddb.list_backups()["BackupSummaries"]}
        self.assertLessEqual(arns_one | {arn_two}, all_arns)
        for arn in arns_one | {arn_two}:
            self.assertEqual(self.describe_backup(arn)["BackupDetails"]["BackupStatus"], "AVAILABLE")
