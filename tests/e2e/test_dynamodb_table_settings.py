"""DynamoDB shim, table settings (docs/spec/dynamodb.md §9 and §8.3):

- TagResource / UntagResource / ListTagsOfResource on table ARNs: overwrite, the 50-tag limit
  (post-merge, ValidationException), aws: keys, bad and index ARNs, missing tables, empty lists,
  stored with the table (they survive a restart), authorized as dynamodb:<Op> on the ARN;
  on stream ARNs: a stream's own tags (not its table's), while the stream is kept;
- CreateTable with Tags also needs dynamodb:TagResource on the new table's ARN;
- DeletionProtectionEnabled: CreateTable, UpdateTable (alone in its call), DeleteTable refused;
- BillingModeSummary shapes and UpdateTable's BillingMode / ProvisionedThroughput, TableClass / TableClassSummary and its 2-per-30-days quota,
  WarmThroughput, DescribeLimits, DescribeEndpoints;
- CreateGlobalTable / UpdateGlobalTable (2017.11.29) refused with AWS's 2026 text;
- on a CMK table: tags, deletion protection and TTL describes work while the table is
  INACCESSIBLE_ENCRYPTION_CREDENTIALS;
- ItemCount / TableSizeBytes and the indexes' IndexSizeBytes / ItemCount survive a restart,
  before anything loads the items (even with the table's key disabled).
"""
import harness
from ddb_case import INVALID, DdbCase, new_name, sse_kms, table_arn, table_not_found
from harness import ACCOUNT, user_arn

PROTECTED = ("Resource cannot be deleted as it is currently protected against deletion. "
             "Disable deletion protection first.")
TOO_MANY = "Number of Tags exceed the current limit for the provided ResourceArn"
LEGACY = (INVALID + "DynamoDB global tables version 2017.11.29 is not supported. We recommend using "
          "DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).")
BAD_CLASS = ("Invalid table-class parameter provided. Please try again with a valid table-class value: "
             "[STANDARD, STANDARD_INFREQUENT_ACCESS].")

SRV = harness.Server()


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.shutdown()


class SettingsCase(DdbCase):
    srv = SRV

    def tags(self, arn):
        return self.ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]

    def raw(self, op, body):
        return self.srv.ddb_raw(harness.ADMIN, op, body)

    def assertTagCallsDenied(self, arn):
        """User app (no DynamoDB permissions) is denied each tag call, as dynamodb:<Op> on `arn`."""
        app = self.ddb_as("app")
        for fn, kw, action in ((app.list_tags_of_resource, {}, "ListTagsOfResource"),
                               (app.tag_resource, {"Tags": [{"Key": "a", "Value": "b"}]}, "TagResource"),
                               (app.untag_resource, {"TagKeys": ["a"]}, "UntagResource")):
            with self.subTest(action=action):
                msg = self.assertDdbError("AccessDeniedException", None, fn, ResourceArn=arn, **kw)
                self.assertIn(f"dynamodb:{action} on resource: {arn}", msg)


class TagsTest(SettingsCase):

    def test_tag_untag_list(self):
        name = new_name("tags")
        self.create_table(name)
        arn = table_arn(name)
        self.assertEqual(self.tags(arn), [])
        self.assertEqual(self.ddb.tag_resource(ResourceArn=arn, Tags=[
            {"Key": "team", "Value": "audio"}, {"Key": "env", "Value": ""}])["ResponseMetadata"]["HTTPStatusCode"],
            200)
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "video"}])
        self.assertEqual(self.tags(arn), [{"Key": "team", "Value": "video"}, {"Key": "env", "Value": ""}])
        self.ddb.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
        self.assertEqual(self.tags(arn), [{"Key": "env", "Value": ""}])
        # Tags go with the table: restart, still there.
        self.srv.restart()
        self.assertEqual(self.tags(arn), [{"Key": "env", "Value": ""}])

    def test_create_table_with_tags_and_the_cli(self):
        name = new_name("tags")
        self.create_table(name, Tags=[{"Key": "owner", "Value": "db-lead"}])
        res = self.ddb_cli("list-tags-of-resource", "--resource-arn", table_arn(name))
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json, {"Tags": [{"Key": "owner", "Value": "db-lead"}]})
        res = self.ddb_cli("tag-resource", "--resource-arn", table_arn(name), "--tags", "Key=aws:x,Value=1")
        self.assertCliFails(res, "ValidationException", "TagResource", "Tag Key cannot be prefixed with aws:, Key: aws:x")

    def test_fifty_tags_after_the_merge(self):
        name = new_name("tags")
        self.create_table(name)
        arn = table_arn(name)
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i:02}", "Value": "v"} for i in range(50)])
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k01", "Value": "new"}])
        self.assertDdbError("ValidationException", TOO_MANY, self.ddb.tag_resource, ResourceArn=arn,
                            Tags=[{"Key": "k01", "Value": "x"}, {"Key": "k50", "Value": "x"}])
        tags = self.tags(arn)
        self.assertEqual(len(tags), 50)
        self.assertIn({"Key": "k01", "Value": "new"}, tags)
        self.assertDdbError("ValidationException", TOO_MANY, self.ddb.tag_resource, ResourceArn=table_arn(
            new_name("none")), Tags=[{"Key": f"x{i}", "Value": "v"} for i in range(51)])

    def test_texts(self):
        name = new_name("tags")
        self.create_table(name)
        arn = table_arn(name)
        self.assertDdbError("ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:owner",
                            self.ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "aws:owner", "Value": "x"}])
        self.assertRawError(self.raw("TagResource", {"ResourceArn": arn, "Tags": []}), "ValidationException",
                            "Atleast one Tag needs to be provided as Input.")
        self.assertRawError(self.raw("UntagResource", {"ResourceArn": arn, "TagKeys": []}),
                            "ValidationException", "Atleast one Tag Key needs to be provided as Input.")
        self.assertRawError(self.raw("TagResource", {"ResourceArn": arn, "Tags": [{"Key": "k" * 129, "Value": ""}]}),
                            "ValidationException", "The Tag Key provided is invalid, Key: " + "k" * 129)
        self.assertRawError(self.raw("TagResource", {"ResourceArn": arn, "Tags": [{"Key": "a", "Value": "b"},
                                                                                  {"Key": "a", "Value": "c"}]}),
                            "ValidationException", "Duplicate Tag Keys provided as input: Duplicate Tag Key found a")
        missing = table_arn(new_name("gone"))
        for fn, kw in ((self.ddb.list_tags_of_resource, {}),
                       (self.ddb.tag_resource, {"Tags": [{"Key": "a", "Value": "b"}]}),
                       (self.ddb.untag_resource, {"TagKeys": ["a"]})):
            with self.subTest(op=fn.__name__):
                self.assertDdbError("ResourceNotFoundException",
                                    f"Requested resource not found: ResourcArn: {missing} not found",
                                    fn, ResourceArn=missing, **kw)
        self.assertDdbError("ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input nope",
                            self.ddb.list_tags_of_resource, ResourceArn="nope")
        index = arn + "/index/by-owner"
        self.assertDdbError("ValidationException",
                            INVALID + "Invalid resource arn provided, only table or stream is accepted. Provided "
                            "resource arn: " + index, self.ddb.list_tags_of_resource, ResourceArn=index)
        stream = arn + "/stream/2026-12-03T20:00:00.000"
        self.assertDdbError("ResourceNotFoundException",
                            f"Requested resource not found: ResourcArn: {stream} not found",
                            self.ddb.list_tags_of_resource, ResourceArn=stream)

    def test_authorized_on_the_table_arn(self):
        name = new_name("tags")
        self.create_table(name)
        self.assertTagCallsDenied(table_arn(name))


class StreamTagsTest(SettingsCase):

    def stream_table(self):
        name = new_name("stags")
        desc = self.create_table(name, Tags=[{"Key": "table", "Value": "t"}],
                                 StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        return name, desc["LatestStreamArn"]

    def test_a_stream_has_tags_of_its_own(self):
        name, stream = self.stream_table()
        self.assertEqual(self.tags(stream), [])  # not inherited from the table
        self.ddb.tag_resource(ResourceArn=stream, Tags=[{"Key": "team", "Value": "analytics"},
                                                        {"Key": "env", "Value": "prod"}])
        self.ddb.untag_resource(ResourceArn=stream, TagKeys=["env"])
        self.assertEqual(self.tags(stream), [{"Key": "team", "Value": "analytics"}])
        self.assertEqual(self.tags(table_arn(name)), [{"Key": "table", "Value": "t"}])
        self.assertDdbError("ValidationException", TOO_MANY, self.ddb.tag_resource, ResourceArn=stream,
                            Tags=[{"Key": f"k{i:02}", "Value": "v"} for i in range(50)])
        # Kept with the stream: a restart, and the stream's disable, leave them.
        self.srv.restart()
        self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.assertEqual(self.tags(stream), [{"Key": "team", "Value": "analytics"}])
        res = self.ddb_cli("list-tags-of-resource", "--resource-arn", stream)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json, {"Tags": [{"Key": "team", "Value": "analytics"}]})

    def test_missing_and_expired_streams_are_not_found(self):
        name, stream = self.stream_table()
        arn = table_arn(name)
        for missing in (arn + "/stream/2026-12-03T20:00:00.000", arn + "/stream/anything",
                        table_arn(new_name("gone")) + "/stream/2026-12-03T20:00:00.000"):
            for fn, kw in ((self.ddb.list_tags_of_resource, {}),
                           (self.ddb.tag_resource, {"Tags": [{"Key": "a", "Value": "b"}]}),
                           (self.ddb.untag_resource, {"TagKeys": ["a"]})):
                with self.subTest(arn=missing, op=fn.__name__):
                    self.assertDdbError("ResourceNotFoundException",
                                        f"Requested resource not found: ResourcArn: {missing} not found",
                                        fn, ResourceArn=missing, **kw)
        self.ddb.tag_resource(ResourceArn=stream, Tags=[{"Key": "a", "Value": "b"}])
        self.ddb.delete_table(TableName=name)
        self.assertEqual(self.tags(stream), [{"Key": "a", "Value": "b"}])  # readable 24 h after DeleteTable
        self.srv.advance_clock(24 * 3600 + 1)
        self.assertDdbError("ResourceNotFoundException",
                            f"Requested resource not found: ResourcArn: {stream} not found",
                            self.ddb.list_tags_of_resource, ResourceArn=stream)

    def test_authorized_on_the_stream_arn(self):
        _, stream = self.stream_table()
        self.assertTagCallsDenied(stream)
        self.assertEqual(self.tags(stream), [])


# A user who may create and describe tables, and nothing else: no dynamodb:TagResource.
TABLE_MAKER = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["dynamodb:CreateTable", "dynamodb:DescribeTable"],
    "Resource": f"arn:aws:dynamodb:*:{ACCOUNT}:table/*"}]}


class CreateTableTagsAuthorizationTest(DdbCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        ids = harness.fixture_identities()
        ids["accounts"][ACCOUNT]["users"].append({
            "name": "table-maker", "accessKeys": [{"id": "AKIAKMSLABTMAKER0001", "secret": "kmslab-table-maker"}],
            "inlinePolicies": {"tables": TABLE_MAKER}})
        cls.srv = harness.start_with_identities(ids)

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def test_tags_need_tag_resource_on_the_new_table(self):
        maker = self.ddb_as("table-maker")
        name = new_name("tmk")
        msg = self.assertDdbError("AccessDeniedException", None, self.create_table, name=name, client=maker,
                                  Tags=[{"Key": "team", "Value": "db"}])
        self.assertEqual(msg, harness.access_denied(user_arn("table-maker"), "dynamodb:TagResource",
                                                    table_arn(name), "no-identity"))
        self.assertTableGone(name)
        self.assertEqual(self.create_table(name, client=maker)["TableName"], name)
        self.assertEqual(self.ddb.list_tags_of_resource(ResourceArn=table_arn(name))["Tags"], [])
        # With TagResource allowed (the administrator), Tags are kept.
        other = new_name("tmk")
        self.create_table(other, Tags=[{"Key": "team", "Value": "db"}])
        self.assertEqual(self.ddb.list_tags_of_resource(ResourceArn=table_arn(other))["Tags"],
                         [{"Key": "team", "Value": "db"}])


class DeletionProtectionTest(SettingsCase):

    @harness.cli_newer_than_debian("DeletionProtectionEnabled (2023)")
    def test_protect_refuse_unprotect_delete(self):
        name = new_name("prot")
        desc = self.create_table(name, DeletionProtectionEnabled=True)
        self.assertTrue(desc["DeletionProtectionEnabled"])
        self.assertDdbError("ValidationException", PROTECTED, self.ddb.delete_table, TableName=name)
        self.assertTrue(self.table(name)["DeletionProtectionEnabled"])
        self.assertDdbError("ValidationException",
                            INVALID + "DeletionProtection modification must be the only operation in the request",
                            self.ddb.update_table, TableName=name, DeletionProtectionEnabled=False,
                            TableClass="STANDARD")
        res = self.ddb_cli("update-table", "--table-name", name, "--no-deletion-protection-enabled")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertFalse(res.json["TableDescription"]["DeletionProtectionEnabled"])
        self.ddb.delete_table(TableName=name)
        self.assertTableGone(name)

    def test_default_is_false(self):
        name = new_name("prot")
        self.assertFalse(self.create_table(name)["DeletionProtectionEnabled"])
        self.assertFalse(self.table(name)["DeletionProtectionEnabled"])


class ShapesTest(SettingsCase):

    def test_billing_mode_summary(self):
        name = new_name("bill")
        desc = self.create_table(name)
        self.assertEqual(desc["BillingModeSummary"], {"BillingMode": "PAY_PER_REQUEST"})
        summary = self.table(name)["BillingModeSummary"]
        self.assertEqual(summary["BillingMode"], "PAY_PER_REQUEST")
        self.assertIn("LastUpdateToPayPerRequestDateTime", summary)
        prov = new_name("bill")
        desc = self.create_table(prov, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        self.assertNotIn("BillingModeSummary", desc)
        self.assertNotIn("BillingModeSummary", self.table(prov))

    def test_billing_mode_updates(self):
        name = new_name("bill")
        self.create_table(name)
        created = self.table(name)["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"]
        self.assertDdbError("ValidationException", INVALID + "ReadCapacityUnits and WriteCapacityUnits must both "
                            "be specified when BillingMode is PROVISIONED", self.ddb.update_table,
                            TableName=name, BillingMode="PROVISIONED")
        self.assertDdbError("ValidationException", INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits "
                            "can be specified when BillingMode is PAY_PER_REQUEST", self.ddb.update_table,
                            TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        desc = self.ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput={
            "ReadCapacityUnits": 5, "WriteCapacityUnits": 7})["TableDescription"]
        self.assertEqual(desc["BillingModeSummary"], {"BillingMode": "PROVISIONED",
                                                      "LastUpdateToPayPerRequestDateTime": created})
        self.assertEqual((desc["ProvisionedThroughput"]["ReadCapacityUnits"],
                          desc["ProvisionedThroughput"]["WriteCapacityUnits"]), (5, 7))
        self.assertDdbError("ValidationException",
                            "The provisioned throughput for the table will not change. The requested value equals "
                            "the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
                            "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 7. "
                            "Requested WriteCapacityUnits: 7. Refer to the Amazon DynamoDB Developer Guide for "
                            "current limits and how to request higher limits.",
                            self.ddb.update_table, TableName=name,
                            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
        self.srv.advance_clock(100)
        self.ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
        t = self.table(name)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertGreater(t["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"], created)
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 0)
        # A table created PROVISIONED gains the summary when it goes on demand.
        prov = new_name("bill")
        self.create_table(prov, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        res = self.ddb_cli("update-table", "--table-name", prov, "--billing-mode", "PAY_PER_REQUEST")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableDescription"]["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.srv.restart()
        self.assertEqual(self.table(prov)["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")

    def test_table_class_and_quota(self):
        name = new_name("cls")
        t = self.table(self.create_table(name)["TableName"])
        self.assertNotIn("TableClassSummary", t)
        self.assertEqual(t["WarmThroughput"], {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000,
                                               "Status": "ACTIVE"})
        self.assertRawError(self.raw("UpdateTable", {"TableName": name, "TableClass": "GLACIER"}),
                            "ValidationException", BAD_CLASS)
        desc = self.ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")["TableDescription"]
        self.assertEqual(desc["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        self.assertIn("LastUpdateDateTime", desc["TableClassSummary"])
        self.ddb.update_table(TableName=name, TableClass="STANDARD")
        self.assertEqual(self.table(name)["TableClassSummary"]["TableClass"], "STANDARD")
        msg = self.assertDdbError("LimitExceededException", None, self.ddb.update_table, TableName=name,
                                  TableClass="STANDARD_INFREQUENT_ACCESS")
        self.assertIn("2 times in a 30 day period", msg)
        self.srv.advance_clock(30 * 24 * 3600 + 1)
        self.ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
        created = new_name("cls")
        desc = self.create_table(created, TableClass="STANDARD_INFREQUENT_ACCESS")
        self.assertEqual(desc["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        self.assertRawError(self.raw("CreateTable", {
            "TableName": new_name("cls"), "BillingMode": "PAY_PER_REQUEST", "TableClass": "COLD",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}), "ValidationException", BAD_CLASS)

    def test_limits_and_endpoints(self):
        limits = self.ddb.describe_limits()
        limits.pop("ResponseMetadata")
        self.assertEqual(limits, {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
                                  "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000})
        endpoints = self.ddb.describe_endpoints()["Endpoints"]
        self.assertEqual(endpoints, [{"Address": self.srv.url.split("://", 1)[1].rstrip("/"),
                                      "CachePeriodInMinutes": 1440}])

    def test_legacy_global_tables_refused(self):
        name = new_name("gt")
        self.create_table(name)
        self.assertDdbError("ValidationException", LEGACY, self.ddb.create_global_table, GlobalTableName=name,
                            ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": "us-west-2"}])
        self.assertDdbError("ValidationException", LEGACY, self.ddb.update_global_table, GlobalTableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
        msg = self.assertDdbError("AccessDeniedException", None, self.ddb_as("app").create_global_table,
                                  GlobalTableName=name, ReplicationGroup=[{"RegionName": "us-east-1"}])
        self.assertIn(f"dynamodb:CreateGlobalTable on resource: arn:aws:dynamodb::{harness.ACCOUNT}:"
                      f"global-table/{name}", msg)


class InaccessibleTableTest(SettingsCase):

    def test_settings_work_while_the_key_is_unusable(self):
        key = self.create_key()
        name = new_name("cmk")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        arn = table_arn(name)
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
        self.put(name, "a")
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(1000)
        self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        self.assertEqual(self.tags(arn), [{"Key": "k", "Value": "v"}])
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k2", "Value": "v"}])
        desc = self.ddb.update_table(TableName=name, DeletionProtectionEnabled=True)["TableDescription"]
        self.assertTrue(desc["DeletionProtectionEnabled"])
        self.assertDdbError("ValidationException", PROTECTED, self.ddb.delete_table, TableName=name)
        self.assertEqual(self.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "DISABLED"})
        # Recovery: EnableKey and the next check.
        self.kms.enable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(1300)
        self.wait_status(name, "ACTIVE")
        self.assertIsNotNone(self.get(name, "a"))
        self.assertEqual(len(self.tags(arn)), 2)
        self.ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
        self.ddb.delete_table(TableName=name)
        self.assertTableGone(name)
        self.assertDdbError("ResourceNotFoundException", table_not_found(name), self.ddb.update_table,
                            TableName=name, DeletionProtectionEnabled=True)


class CountsAfterRestartTest(SettingsCase):

    def create_indexed(self, name, **kw):
        self.ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "city", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{"IndexName": "by-city",
                                     "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}], **kw)

    def counts(self, name):
        t = self.table(name)
        (gsi,) = t["GlobalSecondaryIndexes"]
        return t["ItemCount"], t["TableSizeBytes"], gsi["ItemCount"], gsi["IndexSizeBytes"]

    def fill(self, name):
        for i in range(5):
            item = {"pk": {"S": f"item-{i}"}, "note": {"S": "x" * 10 * i}}
            if i % 2 == 0:
                item["city"] = {"S": "Oslo"}  # sparse index: 3 of the 5
            self.ddb.put_item(TableName=name, Item=item)

    def test_counts_survive_a_restart(self):
        name = new_name("cnt")
        self.create_indexed(name)
        self.fill(name)
        before = self.counts(name)
        self.assertEqual(before[0], 5)
        self.assertEqual(before[2], 3)
        self.assertGreater(before[1], before[3])
        self.assertGreater(before[3], 0)
        self.srv.restart()
        self.assertEqual(self.counts(name), before)  # DescribeTable alone, nothing loaded the items
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "item-0"}})  # loads, recounts, writes
        after = self.counts(name)
        self.assertEqual((after[0], after[2]), (4, 2))
        self.srv.restart()
        self.assertEqual(self.counts(name), after)
        self.assertEqual(self.ddb.scan(TableName=name, Select="COUNT")["Count"], 4)
        self.assertEqual(self.counts(name), after)

    def test_counts_survive_a_restart_while_the_key_is_disabled(self):
        key = self.create_key()
        name = new_name("cnt")
        self.create_indexed(name, SSESpecification=sse_kms(key["KeyId"]))
        self.fill(name)
        before = self.counts(name)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.restart()
        self.assertEqual(self.counts(name), before)  # the items cannot be loaded: the stored counts
        self.kms.enable_key(KeyId=key["KeyId"])

