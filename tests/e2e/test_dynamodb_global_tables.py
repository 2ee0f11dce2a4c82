"""DynamoDB shim, global tables version 2019.11.21 (docs/spec/dynamodb.md §8.1, §8.2;
docs/spec/dynamodb-sse.md §3; docs/spec/kms.md §9), with boto3 and the aws CLI.

- UpdateTable ReplicaUpdates Create/Delete and every validation text of §8.1/§8.2;
- the seed example (§8.2 Seed 003): table `example`, replicas us-east-2 and us-west-2 under
  customer managed keys; without per-replica keys AWS's "must be specified" text;
- each replica's keys are set up in its own Region: DynamoDB's grant there names
  dynamodb.<region>.amazonaws.com, and a key policy's kms:ViaService must allow that Region;
- writes in one Region are read in the others; last writer wins by (time, Region);
- a replica whose key is disabled: its reads fail once the cache runs out, the source keeps
  serving, the replica shows INACCESSIBLE_ENCRYPTION_CREDENTIALS after the key check, and it
  catches up with the writes it missed after EnableKey;
- DeleteTable of one replica leaves the others; Delete retires the replica's grant;
- a replica turns on the table's stream (NEW_AND_OLD_IMAGES unless it had one), and a stream with
  replicas cannot be disabled;
- ReplicaUpdates Create/Delete are also authorized as dynamodb:CreateTableReplica/DeleteTableReplica
  on the table and dynamodb:CreateTable/DeleteTable on its ARN in the replica Region (§10);
- ReplicaUpdates Update: a new key for one replica (UPDATING until the switch completes, then
  its new KMSMasterKeyId, the old grant retired), the key texts, TableClassOverride as
  ReplicaTableClassSummary;
- a deleted replica shows DELETING for a while; one inaccessible for 20 hours leaves the group;
- a write acknowledged but not yet replicated survives a restart (SIGTERM and kill -9) and reaches
  the replica when due.
"""
import copy
import json
import re

import harness
from harness import ACCOUNT, REGION, key_arn, root_arn, user_arn
from ddb_case import (INVALID, UUID, DdbCase, context_of, java_kms, new_name, sse_kms)

EAST2, WEST2 = "us-east-2", "us-west-2"
CREATE_SECONDS = 4
DELAY_SECONDS = 5
SRV = harness.Server(args=["--ddb-replica-create-seconds", str(CREATE_SECONDS),
                           "--ddb-detection-seconds", "600", "--ddb-recovery-seconds", "600"])
LAG_SRV = harness.Server(args=["--ddb-replication-delay-seconds", str(DELAY_SECONDS)])
LONG_DELAY_SECONDS = 120
LONG_LAG_SRV = harness.Server(args=["--ddb-replication-delay-seconds", str(LONG_DELAY_SECONDS)])

LOCAL_REGION = ("Cannot add, delete, or update the local region through ReplicaUpdates. Use "
                "CreateTable, DeleteTable, or UpdateTable as required.")
TWO_ACTIONS = "Update table operation with more than one create or delete replica actions not allowed"
NO_ACTIONS = "There are no actions specified in the Replica Update Action of the request."
KEY_PER_REPLICA = INVALID + "KMSMasterKeyId must be specified for each replica."
MIXED_KEYS = INVALID + "All replica keys must either be Customer Managed CMK or AWS Managed CMK."
REPLICA_UPDATING = ("Operation cannot be performed while replica server-side encryption status is in "
                    "UPDATING state. Please retry the request after the status is updated to ENABLED.")
NOT_PAY_PER_REQUEST = "Table write capacity should either be Pay-Per-Request or AutoScaled."
NO_STREAM_DISABLE = INVALID + "Disabling Stream is not allowed for a Global Table replica."


def already_tables(name):
    return (f"Failed to create a the new replica of table with name: \u2018{name}\u2019 because one or "
            "more replicas already existed as tables.")


def via(region):
    return f"dynamodb.{region}.amazonaws.com"


def db_lead_policy(via_service):
    """The documented CMK policy for db-lead (docs/spec/dynamodb-sse.md §4), ViaService as given."""
    op = "StringLike" if "*" in via_service else "StringEquals"
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "db-lead through DynamoDB", "Effect": "Allow", "Principal": {"AWS": user_arn("db-lead")},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:DescribeKey", "kms:CreateGrant"], "Resource": "*",
         "Condition": {op: {"kms:ViaService": via_service}}},
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": root_arn()},
         "Action": "kms:*", "Resource": "*"}]}


class GlobalCase(DdbCase):
    srv = SRV

    def kms_in(self, region):
        return self.srv.client(region=region)

    def ddb_in(self, region, creds=None):
        return self.srv.ddb(creds, region=region)

    def key_in(self, region, policy=None):
        kw = {"Policy": json.dumps(policy)} if policy else {}
        return self.kms_in(region).create_key(**kw)["KeyMetadata"]

    def add_replica(self, name, region, key=None, client=None):
        create = {"RegionName": region}
        if key:
            create["KMSMasterKeyId"] = key
        return (client or self.ddb).update_table(
            TableName=name, ReplicaUpdates=[{"Create": create}])["TableDescription"]

    def replicas(self, name, region=REGION):
        return self.ddb_in(region).describe_table(TableName=name)["Table"].get("Replicas")

    def put_in(self, region, name, pk, **attrs):
        return self.put(name, pk, client=self.ddb_in(region), **attrs)

    def get_in(self, region, name, pk):
        return self.get(name, pk, client=self.ddb_in(region))

    def cmk_global_table(self, regions=(WEST2,), items=2):
        """A CMK table in REGION with replicas in `regions` (a CMK each); returns (name, keys by Region)."""
        keys = {REGION: self.key_in(REGION)}
        name = new_name("global")
        self.create_table(name, sse=sse_kms(keys[REGION]["Arn"]))
        for i in range(items):
            self.put(name, f"item-{i}", v={"S": f"value {i}"})
        for r in regions:
            keys[r] = self.key_in(r)
            self.add_replica(name, r, keys[r]["Arn"])
        return name, keys


class ReplicaUpdatesValidationTest(GlobalCase):
    def test_texts_of_8_1(self):
        key = self.key_in(REGION)
        name = new_name("valid")
        self.create_table(name, sse=sse_kms(key["Arn"]))
        upd = self.ddb.update_table
        self.assertDdbError("ValidationException", LOCAL_REGION, upd, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": REGION, "KMSMasterKeyId": key["Arn"]}}])
        self.assertDdbError("ValidationException", LOCAL_REGION, upd, TableName=name,
                            ReplicaUpdates=[{"Delete": {"RegionName": REGION}}])
        self.assertDdbError("ValidationException", TWO_ACTIONS, upd, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": WEST2, "KMSMasterKeyId": "a"}},
                                            {"Create": {"RegionName": EAST2, "KMSMasterKeyId": "b"}}])
        self.assertDdbError("ValidationException", NO_ACTIONS, upd, TableName=name, ReplicaUpdates=[{}])
        self.assertDdbError("ValidationException", KEY_PER_REPLICA, upd, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": WEST2}}])
        self.assertDdbError("ValidationException", MIXED_KEYS, upd, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": WEST2,
                                                        "KMSMasterKeyId": "alias/aws/dynamodb"}}])
        # Another Region's key: the KMS validation error "for region <r>".
        msg = self.assertDdbError("ValidationException", None, upd, TableName=name,
                                  ReplicaUpdates=[{"Create": {"RegionName": WEST2, "KMSMasterKeyId": key["Arn"]}}])
        self.assertRegex(msg, "^" + re.escape(
            f"KMS validation error for region {WEST2}: com.amazonaws.services.kms.model.NotFoundException: ")
            + ".*" + re.escape(REGION))
        # A table of that name already in the replica Region.
        self.create_table(name, client=self.ddb_in(EAST2))
        self.assertDdbError("ValidationException", already_tables(name), upd, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": EAST2,
                                                        "KMSMasterKeyId": self.key_in(EAST2)["Arn"]}}])
        # Nothing was created anywhere.
        self.assertNotIn("Replicas", self.table(name))
        self.assertEqual(self.ddb_in(WEST2).list_tables()["TableNames"].count(name), 0)

    def test_provisioned_and_owned_tables(self):
        name = new_name("prov")
        self.create_table(name, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        self.assertDdbError("ValidationException", NOT_PAY_PER_REQUEST, self.ddb.update_table, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": WEST2}}])
        owned = new_name("owned")
        self.create_table(owned)
        self.assertDdbError("ValidationException", KEY_PER_REPLICA, self.ddb.update_table, TableName=owned,
                            ReplicaUpdates=[{"Create": {"RegionName": WEST2,
                                                        "KMSMasterKeyId": self.key_in(WEST2)["Arn"]}}])
        desc = self.add_replica(owned, WEST2)
        self.assertEqual(desc["GlobalTableVersion"], "2019.11.21")
        self.assertEqual(desc["Replicas"], [{"RegionName": WEST2, "ReplicaStatus": "CREATING"}])
        self.put(owned, "a", v={"S": "owned"})
        self.assertEqual(self.get_in(WEST2, owned, "a"), {"pk": {"S": "a"}, "v": {"S": "owned"}})

    def test_disabled_replica_key_is_the_updating_text(self):
        key = self.key_in(REGION)
        name = new_name("disabled")
        self.create_table(name, sse=sse_kms(key["Arn"]))
        west = self.key_in(WEST2)
        self.kms_in(WEST2).disable_key(KeyId=west["KeyId"])
        self.assertDdbError("ValidationException", REPLICA_UPDATING, self.ddb.update_table, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": WEST2, "KMSMasterKeyId": west["Arn"]}}])
        self.assertEqual(self.kms_in(WEST2).list_grants(KeyId=west["KeyId"])["Grants"], [])


class SeedExampleTest(GlobalCase):
    """§8.2 Seed 003: `example`, PAY_PER_REQUEST, hash TestTableHashKey S, replicas us-east-2
    and us-west-2 under customer managed keys."""

    def create_example(self, name, key):
        self.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "TestTableHashKey", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "TestTableHashKey", "KeyType": "HASH"}],
                              SSESpecification=sse_kms(key["Arn"]))

    def test_seed_example(self):
        name = "example"
        key = self.key_in(REGION)
        self.create_example(name, key)
        # As the seed's Terraform sends it (no per-replica kms_key_arn): AWS's refusal.
        self.assertDdbError("ValidationException", KEY_PER_REPLICA, self.ddb.update_table, TableName=name,
                            ReplicaUpdates=[{"Create": {"RegionName": EAST2}}])
        keys = {r: self.key_in(r) for r in (EAST2, WEST2)}
        for r in (EAST2, WEST2):
            self.add_replica(name, r, keys[r]["KeyId"])  # a key id, resolved in the replica's Region
        t = self.table(name)
        self.assertEqual(t["GlobalTableVersion"], "2019.11.21")
        self.assertEqual([(r["RegionName"], r["ReplicaStatus"], r["KMSMasterKeyId"]) for r in t["Replicas"]],
                         [(EAST2, "CREATING", keys[EAST2]["Arn"]), (WEST2, "CREATING", keys[WEST2]["Arn"])])
        west = self.ddb_in(WEST2).describe_table(TableName=name)["Table"]
        self.assertEqual(west["TableStatus"], "CREATING")
        self.srv.advance_clock(CREATE_SECONDS + 1)
        self.assertEqual([r["ReplicaStatus"] for r in self.replicas(name)], ["ACTIVE", "ACTIVE"])
        west = self.ddb_in(WEST2).describe_table(TableName=name)["Table"]
        self.assertEqual(west["TableStatus"], "ACTIVE")
        self.assertEqual(west["TableArn"], f"arn:aws:dynamodb:{WEST2}:{ACCOUNT}:table/{name}")
        self.assertEqual(west["SSEDescription"]["KMSMasterKeyArn"], keys[WEST2]["Arn"])
        self.assertEqual([(r["RegionName"], r.get("KMSMasterKeyId")) for r in west["Replicas"]],
                         [(REGION, key["Arn"]), (EAST2, keys[EAST2]["Arn"])])
        # Writes anywhere reach every Region.
        item = {"TestTableHashKey": {"S": "from-east-2"}, "v": {"N": "2"}}
        self.ddb_in(EAST2).put_item(TableName=name, Item=item)
        for r in (REGION, EAST2, WEST2):
            got = self.ddb_in(r).get_item(TableName=name, Key={"TestTableHashKey": {"S": "from-east-2"}})
            self.assertEqual(got.get("Item"), item, r)
        # One grant per replica, in its own Region, for DynamoDB there (ListGrants per Region).
        for r in (EAST2, WEST2):
            (grant,) = self.kms_in(r).list_grants(KeyId=keys[r]["KeyId"])["Grants"]
            self.assertEqual(grant["GranteePrincipal"], via(r))
            self.assertEqual(grant["RetiringPrincipal"], via(r))
            self.assertEqual(grant["Constraints"], {"EncryptionContextSubset": context_of(name)})
            self.assertEqual(grant["KeyId"], keys[r]["Arn"])
        (grant,) = self.kms.list_grants(KeyId=key["KeyId"])["Grants"]
        self.assertEqual(grant["GranteePrincipal"], via(REGION))
        # The aws CLI sees the group too.
        res = self.srv.aws(harness.ADMIN, "dynamodb", "describe-table", "--table-name", name, region=EAST2)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(sorted(r["RegionName"] for r in res.json["Table"]["Replicas"]), [REGION, WEST2])
        # Delete one replica: its table is gone and its grant retired; the others stay.
        desc = self.ddb.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": EAST2}}])
        self.assertEqual([(r["RegionName"], r["ReplicaStatus"]) for r in desc["TableDescription"]["Replicas"]],
                         [(EAST2, "DELETING"), (WEST2, "ACTIVE")])
        self.assertEqual([r["ReplicaStatus"] for r in self.replicas(name, WEST2)], ["ACTIVE", "DELETING"])
        self.wait_table(name, lambda t: [r["RegionName"] for r in t["Replicas"]] == [WEST2],
                        timeout=CREATE_SECONDS + 5, what="replica deleted")
        self.assertEqual(self.kms_in(EAST2).list_grants(KeyId=keys[EAST2]["KeyId"])["Grants"], [])
        self.assertDdbError("ResourceNotFoundException", f"Requested resource not found: Table: {name} not found",
                            self.ddb_in(EAST2).describe_table, TableName=name)
        self.assertEqual([r["RegionName"] for r in self.replicas(name, WEST2)], [REGION])
        # DeleteTable in one Region deletes only that replica.
        self.ddb_in(WEST2).delete_table(TableName=name)
        self.assertNotIn("Replicas", self.table(name))
        self.assertEqual(self.kms_in(WEST2).list_grants(KeyId=keys[WEST2]["KeyId"])["Grants"], [])
        self.ddb.put_item(TableName=name, Item={"TestTableHashKey": {"S": "after"}})
        self.ddb.delete_table(TableName=name)


class ReplicationTest(GlobalCase):
    def test_existing_items_are_copied_and_writes_flow_both_ways(self):
        name, keys = self.cmk_global_table(items=3)
        for i in range(3):
            self.assertEqual(self.get_in(WEST2, name, f"item-{i}"),
                             {"pk": {"S": f"item-{i}"}, "v": {"S": f"value {i}"}})
        self.put_in(WEST2, name, "w", v={"S": "west"})
        self.assertEqual(self.get(name, "w"), {"pk": {"S": "w"}, "v": {"S": "west"}})
        self.ddb.update_item(TableName=name, Key={"pk": {"S": "w"}}, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": {"S": "east"}})
        self.assertEqual(self.get_in(WEST2, name, "w"), {"pk": {"S": "w"}, "v": {"S": "east"}})
        self.ddb_in(WEST2).delete_item(TableName=name, Key={"pk": {"S": "item-0"}})
        self.assertIsNone(self.get(name, "item-0"))
        self.ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(5)]})
        self.assertEqual(self.ddb_in(WEST2).scan(TableName=name, Select="COUNT")["Count"], 8)
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "t1"}}}},
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "b0"}}}}])
        self.assertIsNotNone(self.get_in(WEST2, name, "t1"))
        self.assertIsNone(self.get_in(WEST2, name, "b0"))
        self.assertEqual(self.ddb_in(WEST2).describe_table(TableName=name)["Table"]["ItemCount"],
                         self.table(name)["ItemCount"])

    def test_cli_adds_a_replica_and_the_group_survives_a_restart(self):
        key = self.key_in(REGION)
        name = new_name("cli")
        self.create_table(name, sse=sse_kms(key["Arn"]))
        self.put(name, "before", v={"S": "copied"})
        west = self.key_in(WEST2)
        res = self.ddb_cli("update-table", "--table-name", name, "--replica-updates",
                           json.dumps([{"Create": {"RegionName": WEST2, "KMSMasterKeyId": west["Arn"]}}]))
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableDescription"]["Replicas"],
                         [{"RegionName": WEST2, "ReplicaStatus": "CREATING", "KMSMasterKeyId": west["Arn"]}])
        res = self.ddb_cli("update-table", "--table-name", name, "--replica-updates",
                           json.dumps([{"Delete": {"RegionName": REGION}}]))
        self.assertCliFails(res, "ValidationException", "UpdateTable", LOCAL_REGION)
        self.srv.restart()
        # After a restart DynamoDB opens the replica's items under its grant to apply a write.
        self.put(name, "after", v={"S": "replicated"})
        self.assertEqual(self.get_in(WEST2, name, "before")["v"], {"S": "copied"})
        self.assertEqual(self.get_in(WEST2, name, "after")["v"], {"S": "replicated"})
        self.assertEqual([r["RegionName"] for r in self.replicas(name)], [WEST2])
        self.assertEqual([r["RegionName"] for r in self.replicas(name, WEST2)], [REGION])

    def test_via_service_wildcard_works_in_every_region(self):
        lead = harness.creds_of("db-lead")
        wildcard = db_lead_policy("dynamodb.*.amazonaws.com")
        key = self.key_in(REGION, wildcard)
        name = new_name("lead")
        self.create_table(name, client=self.ddb_in(REGION, lead), sse=sse_kms(key["Arn"]))
        west = self.key_in(WEST2, wildcard)
        self.add_replica(name, WEST2, west["Arn"], client=self.ddb_in(REGION, lead))
        self.put(name, "a", client=self.ddb_in(REGION, lead), v={"S": "x"})
        self.assertEqual(self.get(name, "a", client=self.ddb_in(WEST2, lead)), {"pk": {"S": "a"}, "v": {"S": "x"}})
        # The KMS calls in the replica Region came through dynamodb.us-west-2.amazonaws.com.
        (grant,) = self.kms_in(WEST2).list_grants(KeyId=west["KeyId"])["Grants"]
        self.assertEqual(grant["GranteePrincipal"], via(WEST2))

    def test_via_service_of_one_region_fails_the_replica(self):
        lead = harness.creds_of("db-lead")
        one_region = db_lead_policy(via(REGION))
        key = self.key_in(REGION, one_region)
        name = new_name("lead1")
        self.create_table(name, client=self.ddb_in(REGION, lead), sse=sse_kms(key["Arn"]))
        west = self.key_in(WEST2, one_region)
        msg = self.assertDdbError("AccessDeniedException", None, self.ddb_in(REGION, lead).update_table,
                                  TableName=name,
                                  ReplicaUpdates=[{"Create": {"RegionName": WEST2, "KMSMasterKeyId": west["Arn"]}}])
        self.assertRegex(msg, "^" + re.escape(
            f"KMS key access denied error for region {WEST2}: com.amazonaws.services.kms.model.AWSKMSException: "
            f"User: {user_arn('db-lead')} is not authorized to perform: kms:DescribeKey on resource: {west['Arn']}"))
        self.assertNotIn("Replicas", self.table(name))
        self.assertEqual(self.kms_in(WEST2).list_grants(KeyId=west["KeyId"])["Grants"], [])

    def test_disabled_replica_key(self):
        name, keys = self.cmk_global_table(items=1)
        west = self.ddb_in(WEST2)
        self.assertEqual(self.get(name, "item-0", client=west)["v"], {"S": "value 0"})
        self.kms_in(WEST2).disable_key(KeyId=keys[WEST2]["KeyId"])
        self.put(name, "cached", v={"S": "still replicated"})  # DynamoDB's table key is cached
        self.srv.advance_clock(301)
        self.assertDdbError("ValidationException",
                            java_kms("KMS key disabled error", "DisabledException", f"{keys[WEST2]['Arn']} is disabled."),
                            west.get_item, TableName=name, Key={"pk": {"S": "item-0"}})
        # The source keeps serving; the replica misses the write for now.
        self.put(name, "missed", v={"S": "while disabled"})
        self.assertEqual(self.get(name, "missed")["v"], {"S": "while disabled"})
        self.assertEqual([r["ReplicaStatus"] for r in self.replicas(name)], ["ACTIVE"])
        self.srv.advance_clock(601)  # the key check
        self.wait_table(name, lambda t: t["Replicas"][0]["ReplicaStatus"] == "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
                        what="replica inaccessible")
        self.assertEqual(west.describe_table(TableName=name)["Table"]["TableStatus"],
                         "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        self.assertEqual(self.get(name, "cached")["v"], {"S": "still replicated"})
        # Recovery: the key works again, the replica gets the writes it missed.
        self.kms_in(WEST2).enable_key(KeyId=keys[WEST2]["KeyId"])
        self.srv.advance_clock(601)
        self.wait_table(name, lambda t: t["Replicas"][0]["ReplicaStatus"] == "ACTIVE", what="replica recovered")
        self.assertEqual(self.get(name, "missed", client=west)["v"], {"S": "while disabled"})
        self.assertEqual(self.get(name, "cached", client=west)["v"], {"S": "still replicated"})
        self.put_in(WEST2, name, "back", v={"S": "west again"})
        self.assertEqual(self.get(name, "back")["v"], {"S": "west again"})

class LongInaccessibleTest(GlobalCase):
    """Its own server: the clock moves 20 hours, and a restart elsewhere would move it back."""
    srv = harness.Server(args=["--ddb-detection-seconds", "600", "--ddb-recovery-seconds", "600"])

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def test_a_replica_inaccessible_for_20_hours_leaves_the_group(self):
        name, keys = self.cmk_global_table(items=1)
        self.kms_in(WEST2).disable_key(KeyId=keys[WEST2]["KeyId"])
        self.srv.advance_clock(601)  # the key check (and the 5-minute cache) are past
        self.wait_table(name, lambda t: t["Replicas"][0]["ReplicaStatus"] == "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
                        what="replica inaccessible")
        self.srv.advance_clock(19 * 3600)
        self.assertEqual([r["RegionName"] for r in self.table(name)["Replicas"]], [WEST2])  # not yet
        self.srv.advance_clock(3600)
        self.wait_table(name, lambda t: "Replicas" not in t, what="replica dropped")
        # The replica's table stays, on its own; nothing flows to it once its key works again.
        self.assertNotIn("Replicas", self.table(name, client=self.ddb_in(WEST2)))
        self.kms_in(WEST2).enable_key(KeyId=keys[WEST2]["KeyId"])
        self.srv.advance_clock(601)
        self.put(name, "after", v={"S": "alone"})
        self.assertEqual(self.get_in(WEST2, name, "item-0")["v"], {"S": "value 0"})
        self.assertIsNone(self.get_in(WEST2, name, "after"))


class ReplicaUpdateTest(GlobalCase):
    # Its own server: the clock moves, and a restart in another test would move it back.
    srv = harness.Server(args=["--ddb-replica-create-seconds", str(CREATE_SECONDS)])

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def update(self, TableName, **update):
        return self.ddb.update_table(TableName=TableName, ReplicaUpdates=[{"Update": update}])["TableDescription"]

    def active_global_table(self, items):
        name, keys = self.cmk_global_table(items=items)
        self.srv.advance_clock(CREATE_SECONDS + 1)
        self.wait_table(name, lambda t: t["Replicas"][0]["ReplicaStatus"] == "ACTIVE", what="replica created")
        return name, keys

    def test_a_new_key_for_one_replica(self):
        name, keys = self.active_global_table(items=1)
        new_west = self.key_in(WEST2)
        desc = self.update(name, RegionName=WEST2, KMSMasterKeyId=new_west["Arn"])
        self.assertEqual(desc["Replicas"], [{"RegionName": WEST2, "ReplicaStatus": "UPDATING",
                                             "KMSMasterKeyId": keys[WEST2]["Arn"]}])
        (grant,) = self.kms_in(WEST2).list_grants(KeyId=new_west["KeyId"])["Grants"]
        self.assertEqual(grant["GranteePrincipal"], via(WEST2))
        self.assertDdbError("ResourceInUseException",
                            "Attempt to change a resource which is still in use: Server-Side Encryption is still "
                            "being updated", self.update, TableName=name, RegionName=WEST2, KMSMasterKeyId=new_west["Arn"])
        self.srv.advance_clock(23)
        self.wait_table(name, lambda t: t["Replicas"][0]["ReplicaStatus"] == "ACTIVE", what="switch done")
        self.assertEqual(self.replicas(name), [{"RegionName": WEST2, "ReplicaStatus": "ACTIVE",
                                                "KMSMasterKeyId": new_west["Arn"]}])
        self.assertEqual(self.kms_in(WEST2).list_grants(KeyId=keys[WEST2]["KeyId"])["Grants"], [])
        west = self.ddb_in(WEST2).describe_table(TableName=name)["Table"]
        self.assertEqual(west["SSEDescription"]["KMSMasterKeyArn"], new_west["Arn"])
        # The items moved to the new key and replication goes on.
        self.assertEqual(self.get_in(WEST2, name, "item-0")["v"], {"S": "value 0"})
        self.put(name, "after", v={"S": "new key"})
        self.assertEqual(self.get_in(WEST2, name, "after")["v"], {"S": "new key"})

    def test_key_texts_and_table_class(self):
        name, keys = self.cmk_global_table(items=0)
        self.assertDdbError("ValidationException",
                            "Create/Update/Delete of replica is not allowed while the replica is being added to "
                            f"table with name: \u2018{name}\u2019 in region: \u2018{WEST2}\u2019.",
                            self.update, TableName=name, RegionName=WEST2, KMSMasterKeyId=keys[WEST2]["Arn"])
        self.srv.advance_clock(CREATE_SECONDS + 1)
        self.wait_table(name, lambda t: t["Replicas"][0]["ReplicaStatus"] == "ACTIVE", what="replica created")
        self.assertDdbError("ValidationException", LOCAL_REGION, self.update, TableName=name, RegionName=REGION,
                            KMSMasterKeyId=keys[REGION]["Arn"])
        self.assertDdbError("ValidationException", KEY_PER_REPLICA, self.update, TableName=name, RegionName=WEST2)
        self.assertDdbError("ValidationException", MIXED_KEYS, self.update, TableName=name, RegionName=WEST2,
                            KMSMasterKeyId="alias/aws/dynamodb")
        msg = self.assertDdbError("ValidationException", None, self.update, TableName=name, RegionName=WEST2,
                                  KMSMasterKeyId=keys[REGION]["Arn"])
        self.assertTrue(msg.startswith(f"KMS validation error for region {WEST2}: "
                                       "com.amazonaws.services.kms.model.NotFoundException: "), msg)
        self.assertEqual([r["ReplicaStatus"] for r in self.replicas(name)], ["ACTIVE"])
        desc = self.update(name, RegionName=WEST2, KMSMasterKeyId=keys[WEST2]["Arn"],
                           TableClassOverride="STANDARD_INFREQUENT_ACCESS")
        (replica,) = desc["Replicas"]
        self.assertEqual(replica["ReplicaStatus"], "ACTIVE")  # the key it has: no switch
        self.assertEqual(replica["ReplicaTableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        self.assertRecent(replica["ReplicaTableClassSummary"]["LastUpdateDateTime"])
        self.assertEqual(len(self.kms_in(WEST2).list_grants(KeyId=keys[WEST2]["KeyId"])["Grants"]), 1)
        west = self.ddb_in(WEST2).describe_table(TableName=name)["Table"]
        self.assertEqual(west["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        self.assertNotIn("TableClassSummary", self.table(name))


class LastWriterWinsTest(GlobalCase):
    srv = LAG_SRV

    @classmethod
    def setUpClass(cls):
        LAG_SRV.start()

    @classmethod
    def tearDownClass(cls):
        LAG_SRV.shutdown()

    def test_later_write_wins_in_every_region(self):
        name = new_name("lww")
        self.create_table(name)
        self.add_replica(name, WEST2)
        self.put(name, "k", v={"S": "east first"})
        self.srv.advance_clock(1)
        self.put_in(WEST2, name, "k", v={"S": "west later"})
        # Not yet replicated: each Region has its own write.
        self.assertEqual(self.get(name, "k")["v"], {"S": "east first"})
        self.assertEqual(self.get_in(WEST2, name, "k")["v"], {"S": "west later"})
        self.srv.advance_clock(DELAY_SECONDS + 1)
        self.ddb.list_tables()  # any request applies what is due
        self.assertEqual(self.get(name, "k")["v"], {"S": "west later"})
        self.assertEqual(self.get_in(WEST2, name, "k")["v"], {"S": "west later"})
        # A delete later than a put wins too.
        self.put(name, "d", v={"S": "first"})
        self.srv.advance_clock(DELAY_SECONDS + 1)
        self.ddb.list_tables()
        self.assertEqual(self.get_in(WEST2, name, "d")["v"], {"S": "first"})
        self.put_in(WEST2, name, "d", v={"S": "west put"})
        self.srv.advance_clock(1)
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "d"}})
        self.srv.advance_clock(DELAY_SECONDS + 1)
        self.ddb.list_tables()
        self.assertIsNone(self.get(name, "d"))
        self.assertIsNone(self.get_in(WEST2, name, "d"))
        # The same writes in the other order: the later put wins.
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "k"}})
        self.srv.advance_clock(1)
        self.put_in(WEST2, name, "k", v={"S": "west after delete"})
        self.srv.advance_clock(DELAY_SECONDS + 1)
        self.ddb.list_tables()
        self.assertEqual(self.get(name, "k")["v"], {"S": "west after delete"})
        self.assertEqual(self.get_in(WEST2, name, "k")["v"], {"S": "west after delete"})


class QueuedChangesSurviveRestartTest(GlobalCase):
    """An acknowledged write waiting for its replication delay is in the store, not only in memory."""
    srv = LONG_LAG_SRV

    @classmethod
    def setUpClass(cls):
        LONG_LAG_SRV.start()

    @classmethod
    def tearDownClass(cls):
        LONG_LAG_SRV.shutdown()

    def test_pending_changes_reach_the_replica_after_a_restart(self):
        name, keys = self.cmk_global_table(items=1)
        self.assertEqual(self.get_in(WEST2, name, "item-0")["v"], {"S": "value 0"})  # the copy
        ahead = 0  # how far the server clock is ahead of real time
        for how, restart in (("SIGTERM", self.srv.restart), ("kill -9", self.srv.kill9_restart)):
            with self.subTest(restart=how):
                pk = "pending-" + how.replace(" ", "")
                self.put(name, pk, v={"S": "east"})
                self.put_in(WEST2, name, "west-" + pk, v={"S": "west"})
                self.ddb.delete_item(TableName=name, Key={"pk": {"S": "item-0"}})
                self.put(name, "item-0", v={"S": "again " + how})
                self.assertIsNone(self.get_in(WEST2, name, pk))  # not yet: the delay
                restart()
                # The clock restarts from real time: still not due.
                self.assertIsNone(self.get_in(WEST2, name, pk))
                self.assertIsNone(self.get(name, "west-" + pk))
                # A restart resets the clock to real time: the writes were `ahead` seconds
                # past it, and are due a delay later.
                ahead += LONG_DELAY_SECONDS + 1
                self.srv.advance_clock(ahead)
                self.ddb.list_tables()  # any request applies what is due
                self.assertEqual(self.get_in(WEST2, name, pk), {"pk": {"S": pk}, "v": {"S": "east"}})
                self.assertEqual(self.get(name, "west-" + pk)["v"], {"S": "west"})
                self.assertEqual(self.get_in(WEST2, name, "item-0")["v"], {"S": "again " + how})
        # Applied changes are forgotten: a further restart replays nothing over a newer write.
        self.put_in(WEST2, name, "pending-SIGTERM", v={"S": "newer in west"})
        self.srv.advance_clock(LONG_DELAY_SECONDS + 1)
        self.ddb.list_tables()
        self.srv.restart()
        self.ddb.list_tables()
        self.assertEqual(self.get(name, "pending-SIGTERM")["v"], {"S": "newer in west"})
        self.assertEqual(self.get_in(WEST2, name, "pending-SIGTERM")["v"], {"S": "newer in west"})


class ReplicaStreamTest(GlobalCase):
    def stream_of(self, name, region=REGION):
        t = self.ddb_in(region).describe_table(TableName=name)["Table"]
        return t.get("StreamSpecification"), t.get("LatestStreamArn")

    def test_a_replica_turns_on_new_and_old_images(self):
        name = new_name("gs")
        self.create_table(name)
        self.assertEqual(self.stream_of(name), (None, None))
        self.add_replica(name, WEST2)
        spec = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        for region in (REGION, WEST2):
            got, arn = self.stream_of(name, region)
            self.assertEqual(got, spec, region)
            self.assertTrue(arn.startswith(f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}/stream/"), arn)
        # Each replica streams its own changes, the replicated ones too.
        self.put(name, "a", v={"S": "east"})
        streams = self.srv.client_as(harness.ADMIN, "dynamodbstreams", WEST2)
        arn = self.stream_of(name, WEST2)[1]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = streams.get_records(ShardIterator=it)["Records"]
        self.assertEqual([(r["eventName"], r["awsRegion"], r["dynamodb"]["NewImage"]) for r in records],
                         [("INSERT", WEST2, {"pk": {"S": "a"}, "v": {"S": "east"}})])
        # With replicas the stream stays on, in every Region.
        for region in (REGION, WEST2):
            self.assertDdbError("ValidationException", NO_STREAM_DISABLE, self.ddb_in(region).update_table,
                                TableName=name, StreamSpecification={"StreamEnabled": False})
        self.assertDdbError("ValidationException", f"Table already has an enabled stream: TableName: {name}",
                            self.ddb.update_table, TableName=name,
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        # Without replicas it can be turned off again.
        self.ddb.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": WEST2}}])
        self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.assertEqual(self.stream_of(name)[0], None)

    def test_an_existing_stream_keeps_its_view_type(self):
        name = new_name("gsk")
        self.create_table(name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        before = self.stream_of(name)[1]
        self.add_replica(name, WEST2)
        spec = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
        self.assertEqual(self.stream_of(name), (spec, before))
        self.assertEqual(self.stream_of(name, WEST2)[0], spec)


REPLICA_ADMINS = [
    # UpdateTable, but neither replica action.
    {"name": "table-admin", "accessKeys": [{"id": "AKIAKMSLABTABLEADM11", "secret": "table-admin-secret"}],
     "inlinePolicies": {"tables": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Resource": "*",
          "Action": ["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:DescribeTable",
                     "dynamodb:UpdateTable"]}]}}},
    # The replica actions, but CreateTable/DeleteTable only in REGION.
    {"name": "home-admin", "accessKeys": [{"id": "AKIAKMSLABHOMEADMIN1", "secret": "home-admin-secret"}],
     "inlinePolicies": {"tables": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Resource": "*",
          "Action": ["dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:CreateTableReplica",
                     "dynamodb:DeleteTableReplica"]},
         {"Effect": "Allow", "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*",
          "Action": ["dynamodb:CreateTable", "dynamodb:DeleteTable"]}]}}},
    # Everything a replica needs.
    {"name": "replica-admin", "accessKeys": [{"id": "AKIAKMSLABREPLADMIN1", "secret": "replica-admin-secret"}],
     "inlinePolicies": {"tables": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Resource": "*",
          "Action": ["dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:CreateTableReplica",
                     "dynamodb:DeleteTableReplica", "dynamodb:CreateTable", "dynamodb:DeleteTable"]}]}}},
]


class ReplicaAuthorizationTest(GlobalCase):
    @classmethod
    def setUpClass(cls):
        ids = harness.fixture_identities()
        ids["accounts"][ACCOUNT]["users"] += copy.deepcopy(REPLICA_ADMINS)
        cls.srv = harness.start_with_identities(ids)

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def test_replica_actions_are_authorized(self):
        name = new_name("authz")
        self.create_table(name)
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        west_arn = f"arn:aws:dynamodb:{WEST2}:{ACCOUNT}:table/{name}"
        create = [{"Create": {"RegionName": WEST2}}]
        delete = [{"Delete": {"RegionName": WEST2}}]

        def refused(user, action, resource, updates):
            self.assertAccessDenied(self.ddb_as(user).update_table, user_arn(user), action, resource,
                                    "no-identity", TableName=name, ReplicaUpdates=updates)

        refused("table-admin", "dynamodb:CreateTableReplica", arn, create)
        refused("home-admin", "dynamodb:CreateTable", west_arn, create)
        self.assertNotIn("Replicas", self.table(name))
        self.ddb_as("replica-admin").update_table(TableName=name, ReplicaUpdates=create)
        self.assertEqual([r["RegionName"] for r in self.replicas(name)], [WEST2])
        refused("table-admin", "dynamodb:DeleteTableReplica", arn, delete)
        refused("home-admin", "dynamodb:DeleteTable", west_arn, delete)
        self.assertEqual([r["RegionName"] for r in self.replicas(name)], [WEST2])
        self.ddb_as("replica-admin").update_table(TableName=name, ReplicaUpdates=delete)
        self.assertEqual([r["ReplicaStatus"] for r in self.replicas(name)], ["DELETING"])
        self.wait_table(name, lambda t: "Replicas" not in t, what="replica deleted")
        # Other UpdateTable changes need only dynamodb:UpdateTable.
        self.ddb_as("table-admin").update_table(TableName=name, DeletionProtectionEnabled=False)
