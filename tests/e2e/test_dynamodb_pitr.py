"""DynamoDB shim, point-in-time recovery (docs/spec/dynamodb.md §9, docs/spec/dynamodb-sse.md §2):
UpdateContinuousBackups / DescribeContinuousBackups / RestoreTableToPointInTime, with boto3
and the aws CLI.

- shapes and texts: DISABLED by default, ENABLED with RecoveryPeriodInDays (35 unless given,
  1-35), Earliest/LatestRestorableDateTime (latest = server clock - 5 min), disabling with a
  period refused, missing tables, works while the table is INACCESSIBLE_ENCRYPTION_CREDENTIALS;
- restores rebuild the table as of a time in the window (items written later are not there,
  items deleted later are), with the restore errors of §9;
- a restore point before a key switch needs the key in force then: it works while that key is
  enabled, fails with the KMS error once it is disabled (whatever the override), works again
  after EnableKey; the restored table's SSEDescription names that key unless overridden;
- deleting a table with PITR leaves `<table>$DeletedTableBackup` (BackupType SYSTEM),
  restorable as any backup;
- the history survives a restart;
- a new table refuses UpdateContinuousBackups for --ddb-pitr-setup-seconds
  (ContinuousBackupsUnavailableException; the other classes run with 0);
- RestoreTableToPointInTime from another Region's table (by SourceTableArn) needs
  SSESpecificationOverride, resolves its key in the caller's Region and creates the table there.

Time moves with POST /_kmslab/clock, never by sleeping.
"""
import datetime
import re

import harness
from ddb_case import DdbCase, key_disabled, new_name, sse_kms, table_arn

SWITCH_SECONDS = 20
LAG = datetime.timedelta(minutes=5)
NO_SETUP = ["--ddb-pitr-setup-seconds", "0"]
SRV = harness.Server(args=["--ddb-sse-update-seconds", str(SWITCH_SECONDS), *NO_SETUP])
setUpModule = SRV.start
tearDownModule = SRV.shutdown

PERIOD_WITH_DISABLE = ("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling "
                       "point-in-time recovery.")
EITHER_TIME = ("Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must "
               "be specified, but not both")
BAD_TIME = "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime."


def pitr_spec(enabled, days=None):
    spec = {"PointInTimeRecoveryEnabled": enabled}
    if days is not None:
        spec["RecoveryPeriodInDays"] = days
    return spec


class PitrCase(DdbCase):
    srv = SRV

    def enable(self, name, days=None):
        return self.ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification=pitr_spec(True, days)
        )["ContinuousBackupsDescription"]

    def describe(self, name):
        return self.ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]

    def window(self, name):
        d = self.describe(name)["PointInTimeRecoveryDescription"]
        return d["EarliestRestorableDateTime"], d["LatestRestorableDateTime"]

    def clock_dt(self):
        ms = self.srv.clock()["epochMillis"]
        return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)

    def restore(self, name, at=None, target=None, **kw):
        target = target or new_name("pitr")
        if at is None:
            kw["UseLatestRestorableTime"] = True
        else:
            kw["RestoreDateTime"] = at
        desc = self.ddb.restore_table_to_point_in_time(
            SourceTableName=name, TargetTableName=target, **kw)["TableDescription"]
        self.assertEqual(desc["TableName"], target)
        return target, desc

    def pks(self, name):
        return sorted(i["pk"]["S"] for i in self.ddb.scan(TableName=name)["Items"])

    def sse_of(self, arn):
        return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": arn}


class ContinuousBackupsTest(PitrCase):

    def test_enable_describe_disable(self):
        name = new_name("pitr-src")
        self.create_table(name)
        self.assertEqual(self.describe(name), {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}})
        before = self.clock_dt()
        desc = self.enable(name)
        self.assertEqual(desc["ContinuousBackupsStatus"], "ENABLED")
        pitr = desc["PointInTimeRecoveryDescription"]
        self.assertEqual(pitr["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(pitr["RecoveryPeriodInDays"], 35)
        earliest = pitr["EarliestRestorableDateTime"]
        self.assertGreaterEqual(earliest, before.replace(microsecond=0))
        self.assertLessEqual(earliest, self.clock_dt() + datetime.timedelta(seconds=1))
        self.assertEqual(self.describe(name), desc)
        by_arn = self.ddb.describe_continuous_backups(TableName=table_arn(name))
        self.assertEqual(by_arn["ContinuousBackupsDescription"], desc)

        # Latest trails the server clock by 5 minutes; earliest stays at the enabling.
        self.srv.advance_clock(3600)
        earliest2, latest = self.window(name)
        self.assertEqual(earliest2, earliest)
        self.assertLess(abs((self.clock_dt() - LAG - latest).total_seconds()), 5)

        # Enabling again sets the period and keeps the history.
        pitr = self.enable(name, days=7)["PointInTimeRecoveryDescription"]
        self.assertEqual((pitr["RecoveryPeriodInDays"], pitr["EarliestRestorableDateTime"]),
                         (7, earliest))
        # Past the period the window starts period days ago.
        self.srv.advance_clock(8 * 86400)
        earliest3, latest = self.window(name)
        self.assertLess(abs((self.clock_dt() - datetime.timedelta(days=7) - earliest3)
                            .total_seconds()), 5)

        off = self.ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification=pitr_spec(False))
        self.assertEqual(off["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})
        self.assertDdbError("PointInTimeRecoveryUnavailableException",
                            f"Point in time recovery is not enabled for table '{name}'",
                            self.restore, name=name)
        # Re-enabling starts a new window.
        pitr = self.enable(name)["PointInTimeRecoveryDescription"]
        self.assertGreater(pitr["EarliestRestorableDateTime"], earliest3)

    @harness.cli_newer_than_debian("RecoveryPeriodInDays (2025)")
    def test_cli(self):
        name = new_name("pitr-cli")
        self.create_table(name)
        res = self.ddb_cli("update-continuous-backups", "--table-name", name,
                           "--point-in-time-recovery-specification",
                           "PointInTimeRecoveryEnabled=true,RecoveryPeriodInDays=10")
        self.assertEqual(res.rc, 0, res.stderr)
        pitr = res.json["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual((pitr["PointInTimeRecoveryStatus"], pitr["RecoveryPeriodInDays"]),
                         ("ENABLED", 10))
        self.put(name, "one")
        self.srv.advance_clock(400)
        target = new_name("pitr-cli-restored")
        res = self.ddb_cli("restore-table-to-point-in-time", "--source-table-name", name,
                           "--target-table-name", target, "--use-latest-restorable-time")
        self.assertEqual(res.rc, 0, res.stderr)
        summary = res.json["TableDescription"]["RestoreSummary"]
        self.assertEqual((summary["SourceTableArn"], summary["RestoreInProgress"]),
                         (table_arn(name), True))
        self.assertNotIn("SourceBackupArn", summary)
        self.wait_status(target, "ACTIVE")
        self.assertEqual(self.pks(target), ["one"])
        res = self.ddb_cli("update-continuous-backups", "--table-name", name,
                           "--point-in-time-recovery-specification",
                           "PointInTimeRecoveryEnabled=false,RecoveryPeriodInDays=10")
        self.assertCliFails(res, "ValidationException", "UpdateContinuousBackups",
                            PERIOD_WITH_DISABLE)

    def test_errors(self):
        name = new_name("pitr-err")
        self.create_table(name)
        for days, constraint in ((0, "greater than or equal to 1"),
                                 (36, "less than or equal to 35")):
            with self.subTest(days=days):  # raw: boto3 refuses 0 itself
                r = self.srv.ddb_raw(harness.ADMIN, "UpdateContinuousBackups", {
                    "TableName": name, "PointInTimeRecoverySpecification": pitr_spec(True, days)})
                self.assertEqual(r.status, 400)
                self.assertTrue(r.body["__type"].endswith("#ValidationException"), r.body)
                self.assertEqual(r.body["message"],
                                 f"1 validation error detected: Value '{days}' at "
                                 "'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed "
                                 f"to satisfy constraint: Member must have value {constraint}")
        self.assertDdbError("ValidationException", PERIOD_WITH_DISABLE,
                            self.ddb.update_continuous_backups, TableName=name,
                            PointInTimeRecoverySpecification=pitr_spec(False, 5))
        self.assertEqual(self.describe(name)["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})
        missing = new_name("none")
        self.assertDdbError("TableNotFoundException", f"Table not found: {missing}",
                            self.ddb.describe_continuous_backups, TableName=missing)
        self.assertDdbError("TableNotFoundException", f"Table not found: {missing}",
                            self.ddb.update_continuous_backups, TableName=missing,
                            PointInTimeRecoverySpecification=pitr_spec(True))
        self.assertDdbError("PointInTimeRecoveryUnavailableException",
                            f"Point in time recovery is not enabled for table '{name}'",
                            self.restore, name=name)

        self.enable(name)
        self.put(name, "a")
        self.srv.advance_clock(400)
        earliest, latest = self.window(name)
        target = new_name("pitr-never")
        for kw in ({}, {"UseLatestRestorableTime": True, "RestoreDateTime": latest},
                   {"UseLatestRestorableTime": False}):
            with self.subTest(kw=kw):
                self.assertDdbError("ValidationException", EITHER_TIME,
                                    self.ddb.restore_table_to_point_in_time,
                                    SourceTableName=name, TargetTableName=target, **kw)
        for at in (earliest - datetime.timedelta(seconds=1), latest + datetime.timedelta(seconds=2)):
            with self.subTest(at=at):
                self.assertDdbError("InvalidRestoreTimeException", BAD_TIME, self.restore,
                                    name=name, at=at, target=target)
        self.assertDdbError("SourceTableNotFoundException", f"Source table not found: {missing}",
                            self.restore, name=missing, target=target)
        self.assertDdbError("TableAlreadyExistsException", f"Table already exists: {name}",
                            self.restore, name=name, target=name)
        self.assertTableGone(target)

    def test_works_while_the_table_is_inaccessible(self):
        key = self.create_key()
        name = new_name("pitr-inacc")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        self.put(name, "a")
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(1000)
        self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        pitr = self.enable(name)["PointInTimeRecoveryDescription"]
        self.assertEqual(pitr["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(self.describe(name)["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"],
                         35)
        self.srv.advance_clock(400)
        target = new_name("pitr-inacc-restored")
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.restore,
                            name=name, target=target)
        self.assertTableGone(target)
        self.kms.enable_key(KeyId=key["KeyId"])
        target, desc = self.restore(name)
        self.assertEqual(desc["SSEDescription"], self.sse_of(key["Arn"]))
        self.assertEqual(self.pks(target), ["a"])  # the items as of enabling


class RestoreTest(PitrCase):

    def test_restore_to_an_earlier_point(self):
        name = new_name("pitr-src")
        self.create_table(name)
        self.put(name, "before-enabling")
        self.enable(name)
        t0, _ = self.window(name)  # the first whole second after enabling
        self.srv.advance_clock(2)
        self.put(name, "first", v={"S": "1"})
        self.srv.advance_clock(60)
        self.put(name, "second")
        self.put(name, "first", v={"S": "changed"})
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "before-enabling"}})
        self.srv.advance_clock(60)
        self.put(name, "third")
        self.srv.advance_clock(400)

        at = t0 + datetime.timedelta(seconds=30)
        target, desc = self.restore(name, at=at)
        self.assertEqual(desc["TableStatus"], "CREATING")
        summary = desc["RestoreSummary"]
        self.assertEqual(summary["SourceTableArn"], table_arn(name))
        self.assertEqual(summary["RestoreDateTime"], at)
        self.assertTrue(summary["RestoreInProgress"])
        self.assertNotIn("SSEDescription", desc)
        restored = self.wait_status(target, "ACTIVE")
        self.assertEqual(restored["ItemCount"], 2)
        self.assertEqual(self.pks(target), ["before-enabling", "first"])
        self.assertEqual(self.get(target, "first")["v"], {"S": "1"})

        target, _ = self.restore(name, at=t0 + datetime.timedelta(seconds=90))
        self.assertEqual(self.pks(target), ["first", "second"])
        self.assertEqual(self.get(target, "first")["v"], {"S": "changed"})
        target, _ = self.restore(name, at=t0)  # the snapshot taken when enabling
        self.assertEqual(self.pks(target), ["before-enabling"])
        target, _ = self.restore(name)
        self.assertEqual(self.pks(target), ["first", "second", "third"])
        # Writes to the restored table do not touch the source, nor its history.
        self.put(target, "only-in-target")
        self.assertEqual(self.pks(name), ["first", "second", "third"])
        # Not copied: PITR itself.
        self.assertEqual(self.describe(target)["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})

    def test_every_write_path_is_recorded(self):
        name = new_name("pitr-paths")
        self.create_table(name)
        self.enable(name)
        self.srv.advance_clock(2)
        self.ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": "batch"}}}}]})
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "transact"}}}}])
        self.ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'partiql'}}")
        self.ddb.update_item(TableName=name, Key={"pk": {"S": "updated"}},
                             UpdateExpression="SET #n = :v", ExpressionAttributeNames={"#n": "note"},
                             ExpressionAttributeValues={":v": {"S": "x"}})
        t1 = self.clock_dt()
        self.srv.advance_clock(60)
        self.ddb.batch_write_item(RequestItems={name: [
            {"DeleteRequest": {"Key": {"pk": {"S": "batch"}}}}]})
        self.ddb.transact_write_items(TransactItems=[
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "transact"}}}}])
        self.ddb.execute_statement(Statement=f"DELETE FROM \"{name}\" WHERE pk = 'partiql'")
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "updated"}})
        self.srv.advance_clock(400)
        target, _ = self.restore(name, at=t1.replace(microsecond=0) + datetime.timedelta(seconds=1))
        self.assertEqual(self.pks(target), ["batch", "partiql", "transact", "updated"])
        self.assertEqual(self.get(target, "updated")["note"], {"S": "x"})
        target, _ = self.restore(name)
        self.assertEqual(self.pks(target), [])

    def test_restore_by_arn_with_overrides(self):
        key = self.create_key()
        name = new_name("pitr-src")
        self.create_table(name, ProvisionedThroughput={"ReadCapacityUnits": 5,
                                                       "WriteCapacityUnits": 5})
        self.enable(name)
        self.put(name, "a")
        self.srv.advance_clock(400)
        target = new_name("pitr-arn")
        desc = self.ddb.restore_table_to_point_in_time(
            SourceTableArn=table_arn(name), TargetTableName=target, UseLatestRestorableTime=True,
            BillingModeOverride="PAY_PER_REQUEST",
            SSESpecificationOverride=sse_kms(key["KeyId"]))["TableDescription"]
        self.assertEqual(desc["SSEDescription"], self.sse_of(key["Arn"]))
        self.assertEqual(desc["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.wait_status(target, "ACTIVE")
        self.assertEqual(self.pks(target), ["a"])
        (grant,) = self.table_grants(key["KeyId"], target)
        self.assertTableGrant(grant, key["Arn"], target)

    def test_restore_point_before_a_key_switch_needs_the_old_key(self):
        a, b = self.create_key(), self.create_key()
        name = new_name("pitr-keys")
        self.create_table(name, sse=sse_kms(a["KeyId"]))
        self.put(name, "under-a")
        self.enable(name)
        t0, _ = self.window(name)
        self.srv.advance_clock(60)
        self.ddb.update_table(TableName=name, SSESpecification=sse_kms(b["KeyId"]))
        self.srv.advance_clock(SWITCH_SECONDS + 1)
        self.wait_sse_settled(name)
        self.assertEqual(self.table(name)["SSEDescription"], self.sse_of(b["Arn"]))
        self.put(name, "under-b")
        self.srv.advance_clock(400)
        before_switch = t0 + datetime.timedelta(seconds=30)

        target, desc = self.restore(name, at=before_switch)
        self.assertEqual(desc["SSEDescription"], self.sse_of(a["Arn"]))
        self.assertEqual(self.wait_status(target, "ACTIVE")["SSEDescription"],
                         self.sse_of(a["Arn"]))
        self.assertEqual(self.pks(target), ["under-a"])
        (grant,) = self.table_grants(a["KeyId"], target)
        self.assertTableGrant(grant, a["Arn"], target)
        target, desc = self.restore(name)
        self.assertEqual(desc["SSEDescription"], self.sse_of(b["Arn"]))
        self.assertEqual(self.pks(target), ["under-a", "under-b"])

        self.kms.disable_key(KeyId=a["KeyId"])
        for override in (None, {"Enabled": False}, sse_kms(b["KeyId"])):
            with self.subTest(override=override):
                target = new_name("pitr-never")
                kw = {} if override is None else {"SSESpecificationOverride": override}
                self.assertDdbError("ValidationException", key_disabled(a["Arn"]), self.restore,
                                    name=name, at=before_switch, target=target, **kw)
                self.assertTableGone(target)
                self.assertEqual(self.table_grants(b["KeyId"], target), [])
        # After the switch only B is needed.
        target, desc = self.restore(name, SSESpecificationOverride={"Enabled": False})
        self.assertNotIn("SSEDescription", desc)
        self.assertEqual(self.pks(target), ["under-a", "under-b"])

        self.kms.enable_key(KeyId=a["KeyId"])
        target, desc = self.restore(name, at=before_switch,
                                    SSESpecificationOverride=sse_kms(b["KeyId"]))
        self.assertEqual(desc["SSEDescription"], self.sse_of(b["Arn"]))
        self.assertEqual(self.pks(target), ["under-a"])


class AuthorizationTest(PitrCase):

    def test_each_operation_is_authorized_as_its_action(self):
        name = new_name("pitr-authz")
        self.create_table(name)
        self.enable(name)
        player = self.ddb_as("player-one")
        target = new_name("pitr-authz-target")

        def denied(action):
            return (f"User: {harness.user_arn('player-one')} is not authorized to perform: "
                    f"dynamodb:{action} on resource: {table_arn(name)} because no "
                    f"identity-based policy allows the dynamodb:{action} action")
        self.assertDdbError("AccessDeniedException", denied("DescribeContinuousBackups"),
                            player.describe_continuous_backups, TableName=name)
        self.assertDdbError("AccessDeniedException", denied("UpdateContinuousBackups"),
                            player.update_continuous_backups, TableName=name,
                            PointInTimeRecoverySpecification=pitr_spec(False))
        self.assertDdbError("AccessDeniedException", denied("RestoreTableToPointInTime"),
                            player.restore_table_to_point_in_time, SourceTableName=name,
                            TargetTableName=target, UseLatestRestorableTime=True)
        self.assertTableGone(target)
        self.assertEqual(self.describe(name)["PointInTimeRecoveryDescription"]
                         ["PointInTimeRecoveryStatus"], "ENABLED")


class DeletedTableBackupTest(PitrCase):

    def test_deleting_a_pitr_table_leaves_a_system_backup(self):
        key = self.create_key()
        name = new_name("pitr-del")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        self.enable(name)
        for pk in ("a", "b"):
            self.put(name, pk)
        plain = new_name("plain-del")
        self.create_table(plain)
        deleted_at = self.clock_dt()
        self.ddb.delete_table(TableName=name)
        self.ddb.delete_table(TableName=plain)
        self.assertTableGone(name)

        self.assertEqual(self.ddb.list_backups(TableName=name)["BackupSummaries"], [])  # USER only
        (summary,) = self.ddb.list_backups(TableName=name, BackupType="SYSTEM")["BackupSummaries"]
        self.assertEqual(self.ddb.list_backups(TableName=name, BackupType="ALL")["BackupSummaries"],
                         [summary])
        self.assertEqual(self.ddb.list_backups(TableName=plain, BackupType="ALL")["BackupSummaries"],
                         [])
        self.assertEqual(summary["BackupName"], f"{name}$DeletedTableBackup")
        self.assertEqual(summary["BackupType"], "SYSTEM")
        self.assertEqual(summary["TableArn"], table_arn(name))
        created = summary["BackupCreationDateTime"]
        self.assertLess(abs((created - deleted_at).total_seconds()), 5)
        self.assertAlmostEqual((summary["BackupExpiryDateTime"] - created).total_seconds(),
                               35 * 86400, delta=0.01)

        desc = self.ddb.describe_backup(BackupArn=summary["BackupArn"])["BackupDescription"]
        self.assertEqual(desc["BackupDetails"]["BackupType"], "SYSTEM")
        self.assertEqual(desc["SourceTableFeatureDetails"]["SSEDescription"], self.sse_of(key["Arn"]))
        desc = self.ddb.restore_table_from_backup(TargetTableName=name,
                                                  BackupArn=summary["BackupArn"])["TableDescription"]
        self.assertEqual(desc["SSEDescription"], self.sse_of(key["Arn"]))
        self.wait_status(name, "ACTIVE")
        self.assertEqual(self.pks(name), ["a", "b"])
        self.assertEqual(self.describe(name)["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})

        # Kept 35 days.
        self.srv.advance_clock(35 * 86400 + 10)
        self.assertEqual(self.ddb.list_backups(TableName=name, BackupType="SYSTEM")["BackupSummaries"],
                         [])
        arn = summary["BackupArn"]
        self.assertDdbError("BackupNotFoundException", f"Backup not found: {arn}",
                            self.ddb.describe_backup, BackupArn=arn)


class OwnServerCase(PitrCase):
    """A server of its own, started with ARGS."""
    ARGS = NO_SETUP

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=list(cls.ARGS))
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()


class RestartTest(OwnServerCase):
    """A server of its own: a restart resets the clock offset the other tests advanced."""

    def test_history_survives_a_restart(self):
        key = self.create_key()
        name = new_name("pitr-restart")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        self.enable(name)
        t0, _ = self.window(name)
        self.put(name, "early")
        self.srv.advance_clock(120)
        self.put(name, "late")
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "early"}})
        self.srv.restart()
        self.srv.advance_clock(600)  # the offset is not kept: move past the writes again
        earliest, _ = self.window(name)
        self.assertEqual(earliest, t0)
        target, desc = self.restore(name, at=t0 + datetime.timedelta(seconds=60))
        self.assertEqual(desc["SSEDescription"], self.sse_of(key["Arn"]))
        self.assertEqual(self.pks(target), ["early"])
        target, _ = self.restore(name)
        self.assertEqual(self.pks(target), ["late"])
        # The restored table's counts are kept too: a restart, and DescribeTable before any read.
        restored = self.table(target)
        self.assertEqual(restored["ItemCount"], 1)
        self.srv.restart()
        self.assertEqual((self.table(target)["ItemCount"], self.table(target)["TableSizeBytes"]),
                         (1, restored["TableSizeBytes"]))


class SetupWindowTest(OwnServerCase):
    """A server with the default --ddb-pitr-setup-seconds (5)."""
    ARGS = ()

    def test_a_new_table_refuses_continuous_backups_for_a_while(self):
        name = new_name("pitr-new")
        self.create_table(name)
        unavailable = f"Backups are being enabled for the table: {name}. Please retry later"
        for enabled in (True, False):
            with self.subTest(enabled=enabled):
                self.assertDdbError("ContinuousBackupsUnavailableException", unavailable,
                                    self.ddb.update_continuous_backups, TableName=name,
                                    PointInTimeRecoverySpecification=pitr_spec(enabled))
        self.assertEqual(self.describe(name)["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})
        self.srv.advance_clock(4)
        self.assertDdbError("ContinuousBackupsUnavailableException", unavailable, self.enable, name=name)
        self.srv.advance_clock(1)
        self.assertEqual(self.enable(name)["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
                         "ENABLED")
        res = self.ddb_cli("update-continuous-backups", "--table-name", name,
                           "--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=false")
        self.assertEqual(res.rc, 0, res.stderr)


OTHER_REGION = "eu-west-1"


class CrossRegionRestoreTest(PitrCase):

    def other(self, service):
        return self.srv.client_as(harness.ADMIN, service, region=OTHER_REGION)

    def source_in_other_region(self):
        """A PITR table with item "a" in OTHER_REGION under a key of that Region; returns (name, arn, key)."""
        key = self.other("kms").create_key()["KeyMetadata"]
        name = new_name("pitr-eu")
        self.create_table(name, client=self.other("dynamodb"), sse=sse_kms(key["KeyId"]))
        self.other("dynamodb").update_continuous_backups(TableName=name,
                                                         PointInTimeRecoverySpecification=pitr_spec(True))
        self.put(name, "a", client=self.other("dynamodb"))
        self.srv.advance_clock(400)
        return name, f"arn:aws:dynamodb:{OTHER_REGION}:{harness.ACCOUNT}:table/{name}", key

    def test_restore_from_another_region(self):
        name, source_arn, _ = self.source_in_other_region()
        key = self.create_key()
        alias = self.create_alias(key["KeyId"])
        target = new_name("pitr-us")
        self.assertDdbError("ValidationException",
                            "Invalid Request: sseSpecificationOverride must be provided for cross-region restores",
                            self.ddb.restore_table_to_point_in_time, SourceTableArn=source_arn,
                            TargetTableName=target, UseLatestRestorableTime=True)
        self.assertTableGone(target)
        desc = self.ddb.restore_table_to_point_in_time(
            SourceTableArn=source_arn, TargetTableName=target, UseLatestRestorableTime=True,
            SSESpecificationOverride=sse_kms(alias))["TableDescription"]
        self.assertEqual(desc["TableArn"], table_arn(target))  # in the caller's Region
        self.assertEqual(desc["SSEDescription"], self.sse_of(key["Arn"]))
        self.assertEqual(desc["RestoreSummary"]["SourceTableArn"], source_arn)
        self.wait_status(target, "ACTIVE")
        self.assertEqual(self.pks(target), ["a"])
        (grant,) = self.table_grants(key["KeyId"], target)
        self.assertTableGrant(grant, key["Arn"], target)
        self.assertDdbError("ResourceNotFoundException", None, self.other("dynamodb").describe_table,
                            TableName=target)
        # The source is untouched, and its own Region restores it without an override.
        self.assertEqual(self.pks_in_other(name), ["a"])
        local = new_name("pitr-eu-copy")
        self.other("dynamodb").restore_table_to_point_in_time(SourceTableName=name, TargetTableName=local,
                                                              UseLatestRestorableTime=True)
        self.assertEqual(self.pks_in_other(local), ["a"])

    def pks_in_other(self, name):
        return sorted(i["pk"]["S"] for i in self.other("dynamodb").scan(TableName=name)["Items"])

    def test_the_override_key_is_resolved_in_the_target_region(self):
        _, source_arn, _ = self.source_in_other_region()
        eu_key = self.other("kms").create_key()["KeyMetadata"]
        eu_alias = "alias/e2e-eu-" + new_name("k")
        self.other("kms").create_alias(AliasName=eu_alias, TargetKeyId=eu_key["KeyId"])
        target = new_name("pitr-us")
        us_alias_arn = f"arn:aws:kms:{harness.REGION}:{harness.ACCOUNT}:{eu_alias}"
        self.assertDdbError("ValidationException", "^KMS validation error: .*NotFoundException: Alias "
                            + re.escape(us_alias_arn) + " is not found",
                            self.ddb.restore_table_to_point_in_time,
                            SourceTableArn=source_arn, TargetTableName=target, UseLatestRestorableTime=True,
                            SSESpecificationOverride=sse_kms(eu_alias))  # no such alias in us-east-1
        self.assertTableGone(target)
        missing = f"arn:aws:dynamodb:{OTHER_REGION}:{harness.ACCOUNT}:table/{new_name('none')}"
        self.assertDdbError("SourceTableNotFoundException", f"Source table not found: {missing}",
                            self.ddb.restore_table_to_point_in_time, SourceTableArn=missing,
                            TargetTableName=target, UseLatestRestorableTime=True,
                            SSESpecificationOverride={"Enabled": False})

