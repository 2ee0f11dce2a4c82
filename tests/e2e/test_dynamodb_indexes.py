"""DynamoDB local and global secondary indexes (docs/spec/dynamodb.md sections 4, 5, 10):
CreateTable with LSIs and GSIs on a table under a customer managed key, DescribeTable's index
entries, Query and Scan through an index (sparse, projections, paging, parallel Scan), every
write's index-key checks, UpdateTable GlobalSecondaryIndexUpdates on the server clock, IAM on
the index ARN, and index reads failing exactly as base-table reads once the key is disabled.

Time moves with POST /_kmslab/clock (Server.advance_clock), never by sleeping.
"""
import json
import os

import harness
from ddb_case import INVALID, DdbCase, key_disabled, new_name, sse_kms, table_arn
from harness import user_arn

RIU = "Attempt to change a resource which is still in use: "
ONE_ONLINE = ("Subscriber limit exceeded: Only 1 online index can be created or deleted "
              "simultaneously per table")


def s(v):
    return {"S": v}


def n(v):
    return {"N": str(v)}


def key_schema(hash_name, range_name=None):
    keys = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name:
        keys.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return keys


def attrs(**types):
    return [{"AttributeName": k, "AttributeType": t} for k, t in types.items()]


LSI = {"IndexName": "by-day", "KeySchema": key_schema("pk", "day"),
       "Projection": {"ProjectionType": "KEYS_ONLY"}}
GSI = {"IndexName": "by-city", "KeySchema": key_schema("city", "score"),
       "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["label"]}}


class IndexesTest(DdbCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    # --- helpers ---------------------------------------------------------------------------
    def indexed_table(self, key=None, name=None):
        """A CMK table (pk S, sk S) with LSI by-day and GSI by-city; returns (name, key)."""
        key = key or self.create_key()
        name = name or new_name("idx")
        desc = self.ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST", SSESpecification=sse_kms(key["KeyId"]),
            AttributeDefinitions=attrs(pk="S", sk="S", day="S", city="S", score="N"),
            KeySchema=key_schema("pk", "sk"), LocalSecondaryIndexes=[LSI],
            GlobalSecondaryIndexes=[GSI])["TableDescription"]
        # CreateTable's own answer: the table and its GSIs CREATING, never Backfilling.
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["IndexStatus"], "CREATING")
        self.assertNotIn("Backfilling", desc["GlobalSecondaryIndexes"][0])
        return name, key

    def fill(self, name):
        items = [
            {"pk": s("a"), "sk": s("1"), "day": s("2026-01-03"), "city": s("Oslo"), "score": n(30),
             "label": s("one"), "extra": s("x")},
            {"pk": s("a"), "sk": s("2"), "day": s("2026-01-01"), "city": s("Oslo"), "score": n(10),
             "label": s("two"), "extra": s("y")},
            {"pk": s("b"), "sk": s("1"), "city": s("Oslo"), "score": n(20), "extra": s("z")},
            {"pk": s("b"), "sk": s("2"), "day": s("2026-01-02"), "city": s("Rome"), "score": n(5)},
            {"pk": s("c"), "sk": s("1"), "day": s("2026-01-05")},  # in neither GSI nor (pk c) LSI gap
        ]
        for item in items:
            self.ddb.put_item(TableName=name, Item=item)
        return items

    def query_city(self, name, city, **kw):
        kw.setdefault("KeyConditionExpression", "city = :c")
        kw.setdefault("ExpressionAttributeValues", {":c": s(city)})
        return self.ddb.query(TableName=name, IndexName="by-city", **kw)

    # --- tests -----------------------------------------------------------------------------
    def test_create_and_describe(self):
        name, _ = self.indexed_table()
        self.fill(name)
        t = self.table(name)
        self.assertEqual(sorted(a["AttributeName"] for a in t["AttributeDefinitions"]),
                         ["city", "day", "pk", "score", "sk"])
        gsi, = t["GlobalSecondaryIndexes"]
        self.assertEqual(gsi["IndexName"], "by-city")
        self.assertEqual(gsi["IndexStatus"], "ACTIVE")
        self.assertNotIn("Backfilling", gsi)
        self.assertEqual(gsi["Projection"], GSI["Projection"])
        self.assertEqual(gsi["ProvisionedThroughput"],
                         {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
        self.assertEqual(gsi["WarmThroughput"],
                         {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"})
        self.assertEqual(gsi["IndexArn"], table_arn(name) + "/index/by-city")
        self.assertEqual(gsi["ItemCount"], 4)
        self.assertGreater(gsi["IndexSizeBytes"], 0)
        lsi, = t["LocalSecondaryIndexes"]
        self.assertEqual(set(lsi), {"IndexName", "KeySchema", "Projection", "IndexSizeBytes", "ItemCount",
                                    "IndexArn"})
        self.assertEqual(lsi["ItemCount"], 4)
        self.assertEqual(lsi["IndexArn"], table_arn(name) + "/index/by-day")
        # Live counts follow deletes.
        self.ddb.delete_item(TableName=name, Key={"pk": s("a"), "sk": s("1")})
        t = self.table(name)
        self.assertEqual(t["GlobalSecondaryIndexes"][0]["ItemCount"], 3)
        self.assertEqual(t["LocalSecondaryIndexes"][0]["ItemCount"], 3)

    def test_query_gsi_sparse_and_projected(self):
        name, _ = self.indexed_table()
        self.fill(name)
        r = self.query_city(name, "Oslo")
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["10", "20", "30"])
        # INCLUDE: keys of the table and the index, and label; never extra.
        self.assertEqual(r["Items"][0], {"pk": s("a"), "sk": s("2"), "city": s("Oslo"), "score": n(10),
                                         "label": s("two")})
        self.assertTrue(all("extra" not in i for i in r["Items"]))
        r = self.query_city(name, "Oslo", ScanIndexForward=False, Select="ALL_PROJECTED_ATTRIBUTES")
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["30", "20", "10"])
        r = self.query_city(name, "Oslo", KeyConditionExpression="city = :c AND score > :v",
                            ExpressionAttributeValues={":c": s("Oslo"), ":v": n(15)})
        self.assertEqual(r["Count"], 2)
        # Paging: LastEvaluatedKey carries the table's and the index's keys.
        r = self.query_city(name, "Oslo", Limit=1)
        self.assertEqual(r["LastEvaluatedKey"], {"pk": s("a"), "sk": s("2"), "city": s("Oslo"),
                                                 "score": n(10)})
        r = self.query_city(name, "Oslo", Limit=5, ExclusiveStartKey=r["LastEvaluatedKey"])
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["20", "30"])
        self.assertNotIn("LastEvaluatedKey", r)
        self.assertDdbError("ValidationException",
                            "The provided starting key is invalid: The provided key element does not match the schema",
                            self.query_city, name=name, city="Oslo",
                            ExclusiveStartKey={"pk": s("a"), "sk": s("2")})
        # Scan of the GSI: only the items holding both index keys.
        r = self.ddb.scan(TableName=name, IndexName="by-city")
        self.assertEqual(r["Count"], 4)
        seen = []
        for segment in range(3):
            seen += self.ddb.scan(TableName=name, IndexName="by-city", Segment=segment,
                                  TotalSegments=3)["Items"]
        self.assertEqual(sorted((i["pk"]["S"], i["sk"]["S"]) for i in seen),
                         [("a", "1"), ("a", "2"), ("b", "1"), ("b", "2")])
        # GSI refusals.
        self.assertDdbError("ValidationException",
                            INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index "
                            "by-city because its projection type is not ALL",
                            self.query_city, name=name, city="Oslo", Select="ALL_ATTRIBUTES")
        self.assertDdbError("ValidationException", "Consistent reads are not supported on global secondary indexes",
                            self.query_city, name=name, city="Oslo", ConsistentRead=True)
        self.assertDdbError("ValidationException", "The table does not have the specified index: nope",
                            self.ddb.query, TableName=name, IndexName="nope", KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": s("a")})
        self.assertDdbError("ValidationException",
                            INVALID + "Condition parameter type does not match schema type",
                            self.ddb.query, TableName=name, IndexName="by-city",
                            KeyConditionExpression="city = :c", ExpressionAttributeValues={":c": n(1)})

    def test_query_lsi(self):
        name, _ = self.indexed_table()
        self.fill(name)
        q = dict(TableName=name, IndexName="by-day", KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": s("a")})
        r = self.ddb.query(**q)
        # KEYS_ONLY, ordered by day.
        self.assertEqual(r["Items"], [{"pk": s("a"), "sk": s("2"), "day": s("2026-01-01")},
                                      {"pk": s("a"), "sk": s("1"), "day": s("2026-01-03")}])
        # An LSI fetches the rest from the table; consistent reads allowed.
        r = self.ddb.query(Select="ALL_ATTRIBUTES", ConsistentRead=True, **q)
        self.assertEqual(r["Items"][0]["extra"], s("y"))
        r = self.ddb.query(ProjectionExpression="label", **q)
        self.assertEqual(r["Items"], [{"label": s("two")}, {"label": s("one")}])
        # Sparse: b/1 has no day.
        r = self.ddb.query(TableName=name, IndexName="by-day", KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": s("b")})
        self.assertEqual([i["sk"]["S"] for i in r["Items"]], ["2"])
        self.assertDdbError("ValidationException",
                            "1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when "
                            "Querying using an IndexName",
                            self.ddb.query, TableName=name, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": s("a")}, Select="ALL_PROJECTED_ATTRIBUTES")

    def test_writes_check_index_keys(self):
        name, _ = self.indexed_table()
        self.fill(name)
        mismatch = INVALID + "Type mismatch for Index Key score Expected: N Actual: S IndexName: by-city"
        empty = ("One or more parameter values are not valid. A value specified for a secondary index key is not "
                 "supported. The AttributeValue for a key attribute cannot contain an empty string value. "
                 "IndexName: by-day, IndexKey: day")
        bad = {"pk": s("z"), "sk": s("1"), "score": s("high")}
        self.assertDdbError("ValidationException", mismatch, self.ddb.put_item, TableName=name, Item=bad)
        self.assertDdbError("ValidationException", empty, self.ddb.put_item, TableName=name,
                            Item={"pk": s("z"), "sk": s("1"), "day": s("")})
        self.assertDdbError("ValidationException", mismatch, self.ddb.batch_write_item,
                            RequestItems={name: [{"PutRequest": {"Item": bad}}]})
        self.assertDdbError("ValidationException", mismatch,  # a data error: no envelope
                            self.ddb.update_item, TableName=name, Key={"pk": s("a"), "sk": s("1")},
                            UpdateExpression="SET score = :v", ExpressionAttributeValues={":v": s("high")})
        self.assertDdbError("ValidationException", mismatch, self.ddb.transact_write_items,
                            TransactItems=[{"Put": {"TableName": name, "Item": bad}}])
        self.assertDdbError("ValidationException", mismatch, self.ddb.execute_statement,
                            Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'z', 'sk': '1', 'score': 'high'}}")
        # Nothing changed.
        self.assertNotIn("Item", self.ddb.get_item(TableName=name, Key={"pk": s("z"), "sk": s("1")}))
        self.assertEqual(self.ddb.get_item(TableName=name, Key={"pk": s("a"), "sk": s("1")})["Item"]["score"], n(30))
        # Moving an item between index partitions; removing its key drops it from the index.
        self.ddb.update_item(TableName=name, Key={"pk": s("a"), "sk": s("1")}, UpdateExpression="SET city = :c",
                             ExpressionAttributeValues={":c": s("Rome")})
        self.assertEqual(self.query_city(name, "Rome")["Count"], 2)
        self.ddb.update_item(TableName=name, Key={"pk": s("a"), "sk": s("1")}, UpdateExpression="REMOVE score")
        self.assertEqual(self.query_city(name, "Rome")["Count"], 1)
        self.assertEqual(self.query_city(name, "Oslo")["Count"], 2)

    def test_create_table_validation(self):
        name = new_name("bad")
        base = dict(TableName=name, BillingMode="PAY_PER_REQUEST")

        def lsi(i, hash_name="pk", range_name="day", **kw):
            return dict({"IndexName": f"lsi{i}", "KeySchema": key_schema(hash_name, range_name),
                         "Projection": {"ProjectionType": "ALL"}}, **kw)

        def gsi(i, **kw):
            return dict({"IndexName": f"gsi{i}", "KeySchema": key_schema("city"),
                         "Projection": {"ProjectionType": "ALL"}}, **kw)

        cases = [
            ("lsi on hash-only table",
             dict(AttributeDefinitions=attrs(pk="S", day="S"), KeySchema=key_schema("pk"),
                  LocalSecondaryIndexes=[lsi(0)]),
             INVALID + "Table KeySchema does not have a range key, which is required when specifying a "
                       "LocalSecondaryIndex"),
            ("lsi other hash",
             dict(AttributeDefinitions=attrs(pk="S", sk="S", day="S"), KeySchema=key_schema("pk", "sk"),
                  LocalSecondaryIndexes=[lsi(0, hash_name="day", range_name="sk")]),
             INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                       "lsi0. index hash key: day, table hash key: pk"),
            ("lsi without range",
             dict(AttributeDefinitions=attrs(pk="S", sk="S"), KeySchema=key_schema("pk", "sk"),
                  LocalSecondaryIndexes=[lsi(0, range_name=None)]),
             INVALID + "Index KeySchema does not have a range key for index: lsi0"),
            ("six lsis",
             dict(AttributeDefinitions=attrs(pk="S", sk="S", day="S"), KeySchema=key_schema("pk", "sk"),
                  LocalSecondaryIndexes=[lsi(i) for i in range(6)]),
             INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"),
            ("21 gsis",
             dict(AttributeDefinitions=attrs(pk="S", city="S"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(i) for i in range(21)]),
             INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20"),
            ("duplicate name",
             dict(AttributeDefinitions=attrs(pk="S", city="S"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(1), gsi(1)]),
             INVALID + "Duplicate index name: gsi1"),
            ("undefined key",
             dict(AttributeDefinitions=attrs(pk="S"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(1)]),
             INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [city], "
                       "AttributeDefinitions: [pk]"),
            ("unused definition",
             dict(AttributeDefinitions=attrs(pk="S", city="S", spare="N"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(1)]),
             INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, city, spare], "
                       "keys used: [pk, city]"),
            ("include without attributes",
             dict(AttributeDefinitions=attrs(pk="S", city="S"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(1, Projection={"ProjectionType": "INCLUDE"})]),
             INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
            ("keys only with attributes",
             dict(AttributeDefinitions=attrs(pk="S", city="S"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(1, Projection={"ProjectionType": "KEYS_ONLY",
                                                             "NonKeyAttributes": ["a"]})]),
             INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"),
            ("throughput on demand",
             dict(AttributeDefinitions=attrs(pk="S", city="S"), KeySchema=key_schema("pk"),
                  GlobalSecondaryIndexes=[gsi(1, ProvisionedThroughput={"ReadCapacityUnits": 1,
                                                                        "WriteCapacityUnits": 1})]),
             INVALID + "ProvisionedThroughput should not be specified for index: gsi1 when BillingMode is "
                       "PAY_PER_REQUEST"),
        ]
        for what, kw, message in cases:
            with self.subTest(what=what):
                self.assertDdbError("ValidationException", message, self.ddb.create_table, **base, **kw)
                self.assertTableGone(name)
        # Provisioned: the GSI's throughput shows as given.
        self.ddb.create_table(TableName=name, AttributeDefinitions=attrs(pk="S", city="S"),
                              KeySchema=key_schema("pk"),
                              ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
                              GlobalSecondaryIndexes=[gsi(1, ProvisionedThroughput={"ReadCapacityUnits": 4,
                                                                                    "WriteCapacityUnits": 5})])
        g, = self.table(name)["GlobalSecondaryIndexes"]
        self.assertEqual(g["ProvisionedThroughput"],
                         {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 4, "WriteCapacityUnits": 5})
        self.assertNotIn("WarmThroughput", g)

    def test_update_table_creates_and_deletes_a_gsi(self):
        key = self.create_key()
        name = new_name("online")
        self.create_table(name, sse=sse_kms(key["KeyId"]), range_type="S")
        for i in range(4):
            self.ddb.put_item(TableName=name, Item={"pk": s(f"p{i}"), "sk": s("1"), "color": s("red")})
        self.ddb.put_item(TableName=name, Item={"pk": s("odd"), "sk": s("1"), "color": n(7)})  # wrong type later
        # Through the aws CLI.
        res = self.ddb_cli("update-table", "--table-name", name, "--attribute-definitions",
                           "AttributeName=color,AttributeType=S", "--global-secondary-index-updates",
                           json.dumps([{"Create": {"IndexName": "by-color", "KeySchema": key_schema("color"),
                                                   "Projection": {"ProjectionType": "KEYS_ONLY"}}}]))
        self.assertEqual(res.rc, 0, res.stderr)
        desc = json.loads(res.stdout)["TableDescription"]
        self.assertEqual(desc["TableStatus"], "UPDATING")
        g, = desc["GlobalSecondaryIndexes"]
        self.assertEqual((g["IndexStatus"], g["Backfilling"]), ("CREATING", False))
        query = dict(TableName=name, IndexName="by-color", KeyConditionExpression="color = :c",
                     ExpressionAttributeValues={":c": s("red")})
        self.assertDdbError("ValidationException", "Cannot read from backfilling global secondary index: by-color",
                            self.ddb.query, **query)
        create_again = [{"Create": {"IndexName": "by-other", "KeySchema": key_schema("sk"),
                                    "Projection": {"ProjectionType": "ALL"}}}]
        self.assertDdbError("LimitExceededException", ONE_ONLINE, self.ddb.update_table, TableName=name,
                            GlobalSecondaryIndexUpdates=create_again)
        self.assertDdbError("ResourceInUseException",
                            RIU + "Index creation is in resource allocation phase. Retry deletion during backfilling "
                            f"phase or when the index is active. Table: {name} Index: by-color",
                            self.ddb.update_table, TableName=name,
                            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-color"}}])
        self.assertDdbError("ResourceInUseException",
                            RIU + "Cannot delete table while indexes are being created, updated, or deleted.",
                            self.ddb.delete_table, TableName=name)
        self.srv.advance_clock(1)
        t = self.wait_table(name, lambda t: t["GlobalSecondaryIndexes"][0].get("Backfilling"), what="backfilling")
        self.assertEqual(t["TableStatus"], "ACTIVE")
        self.srv.advance_clock(3)
        t = self.wait_table(name, lambda t: t["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE")
        self.assertNotIn("Backfilling", t["GlobalSecondaryIndexes"][0])
        # Backfilled, skipping the item whose color is a number.
        self.assertEqual(t["GlobalSecondaryIndexes"][0]["ItemCount"], 4)
        self.assertEqual(self.ddb.query(**query)["Count"], 4)
        self.assertIn("color", [a["AttributeName"] for a in t["AttributeDefinitions"]])
        self.assertDdbError("ValidationException", "Attempting to create an index which already exists",
                            self.ddb.update_table, TableName=name, AttributeDefinitions=attrs(color="S"),
                            GlobalSecondaryIndexUpdates=[{"Create": {
                                "IndexName": "by-color", "KeySchema": key_schema("color"),
                                "Projection": {"ProjectionType": "ALL"}}}])
        self.assertDdbError("ResourceNotFoundException", f"Requested resource not found: Index nope for table {name}",
                            self.ddb.update_table, TableName=name,
                            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}])
        # Delete: DELETING, then gone with the attribute definition only it used.
        desc = self.ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "by-color"}}])["TableDescription"]
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["IndexStatus"], "DELETING")
        self.assertDdbError("ResourceInUseException",
                            RIU + "Cannot delete table while indexes are being created, updated, or deleted.",
                            self.ddb.delete_table, TableName=name)
        self.srv.advance_clock(1)
        t = self.wait_table(name, lambda t: "GlobalSecondaryIndexes" not in t, what="index gone")
        self.assertEqual(sorted(a["AttributeName"] for a in t["AttributeDefinitions"]), ["pk", "sk"])
        self.assertDdbError("ValidationException", "The table does not have the specified index: by-color",
                            self.ddb.query, **query)
        self.ddb.delete_table(TableName=name)

    def test_entries_rebuilt_from_sealed_items_after_restart(self):
        name, _ = self.indexed_table()
        self.fill(name)
        for client in self.srv._clients.values():  # no keep-alive for a graceful stop to wait out
            if hasattr(client, "close"):
                client.close()
        self.srv.restart()
        r = self.query_city(name, "Oslo")
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["10", "20", "30"])
        t = self.table(name)
        self.assertEqual(t["GlobalSecondaryIndexes"][0]["ItemCount"], 4)
        self.assertEqual(t["LocalSecondaryIndexes"][0]["ItemCount"], 4)
        # No index key or value reaches the store in clear.
        for path in self.srv_files():
            with open(path, "rb") as f:
                data = f.read()
            self.assertNotIn(b"Oslo", data, path)

    def srv_files(self):
        out = []
        for root, _, files in os.walk(self.srv.data_dir):
            out += [os.path.join(root, f) for f in files]
        self.assertTrue(out)
        return out

    def test_backup_and_restore_keep_the_indexes(self):
        name, _ = self.indexed_table()
        self.fill(name)
        arn = self.ddb.create_backup(TableName=name, BackupName="with-indexes")["BackupDetails"]["BackupArn"]
        target = new_name("restored")
        desc = self.ddb.restore_table_from_backup(TargetTableName=target, BackupArn=arn)["TableDescription"]
        self.assertEqual([g["IndexName"] for g in desc["GlobalSecondaryIndexes"]], ["by-city"])
        self.assertEqual([i["IndexName"] for i in desc["LocalSecondaryIndexes"]], ["by-day"])
        r = self.query_city(target, "Oslo")
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["10", "20", "30"])
        self.assertEqual(self.table(target)["GlobalSecondaryIndexes"][0]["IndexArn"],
                         table_arn(target) + "/index/by-city")

    def test_throughput_update(self):
        name = new_name("prov")
        self.ddb.create_table(TableName=name, AttributeDefinitions=attrs(pk="S", city="S"),
                              KeySchema=key_schema("pk"),
                              ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                              GlobalSecondaryIndexes=[{"IndexName": "by-city", "KeySchema": key_schema("city"),
                                                       "Projection": {"ProjectionType": "ALL"},
                                                       "ProvisionedThroughput": {"ReadCapacityUnits": 1,
                                                                                 "WriteCapacityUnits": 1}}])
        desc = self.ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {
            "IndexName": "by-city", "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 8}}}])
        g, = desc["TableDescription"]["GlobalSecondaryIndexes"]
        self.assertEqual(g["IndexStatus"], "UPDATING")
        self.assertEqual((g["ProvisionedThroughput"]["ReadCapacityUnits"],
                          g["ProvisionedThroughput"]["WriteCapacityUnits"]), (7, 8))
        self.srv.advance_clock(2)
        self.wait_table(name, lambda t: t["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE")

    def test_index_reads_authorized_on_the_index_arn(self):
        # player-one may Query table GameScores (own items), not its indexes.
        name = "GameScores"
        self.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=attrs(UserId="S", GameTitle="S"),
                              KeySchema=key_schema("UserId"),
                              GlobalSecondaryIndexes=[{"IndexName": "by-title", "KeySchema": key_schema("GameTitle"),
                                                       "Projection": {"ProjectionType": "ALL"}}])
        try:
            player = self.ddb_as("player-one")
            userid = "AIDA4MV7EINLMUFHEQNT4"
            self.ddb.put_item(TableName=name, Item={"UserId": s(userid), "GameTitle": s("Chess")})
            r = player.query(TableName=name, KeyConditionExpression="UserId = :u",
                             ExpressionAttributeValues={":u": s(userid)})
            self.assertEqual(r["Count"], 1)
            index_arn = table_arn(name) + "/index/by-title"
            self.assertDdbError("AccessDeniedException",
                                harness.access_denied(user_arn("player-one"), "dynamodb:Query", index_arn,
                                                      "no-identity"),
                                player.query, TableName=name, IndexName="by-title",
                                KeyConditionExpression="GameTitle = :t", ExpressionAttributeValues={":t": s("Chess")})
            self.assertEqual(self.ddb.query(TableName=name, IndexName="by-title",
                                            KeyConditionExpression="GameTitle = :t",
                                            ExpressionAttributeValues={":t": s("Chess")})["Count"], 1)
        finally:
            self.ddb.delete_table(TableName=name)

    def test_index_query_fails_like_the_table_after_disable_key(self):
        name, key = self.indexed_table()
        self.fill(name)
        self.assertEqual(self.query_city(name, "Oslo")["Count"], 3)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertEqual(self.query_city(name, "Oslo")["Count"], 3)  # cached
        self.srv.advance_clock(360)
        table_msg = self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.query,
                                        TableName=name, KeyConditionExpression="pk = :p",
                                        ExpressionAttributeValues={":p": s("a")})
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.query_city, name=name,
                            city="Oslo")
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.scan, TableName=name,
                            IndexName="by-day")
        res = self.ddb_cli("query", "--table-name", name, "--index-name", "by-city", "--key-condition-expression",
                           "city = :c", "--expression-attribute-values", '{":c": {"S": "Oslo"}}')
        self.assertCliFails(res, "ValidationException", "Query", key_disabled(key["Arn"]))
        self.assertIn(key["Arn"], table_msg)
        # Recovery after EnableKey.
        self.kms.enable_key(KeyId=key["KeyId"])
        r = self.query_city(name, "Oslo")
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["10", "20", "30"])

    # --- ReturnConsumedCapacity --------------------------------------------------------------
    def test_consumed_capacity_per_index(self):
        name, _ = self.indexed_table()
        key = {"pk": s("a"), "sk": s("1")}

        def cap(r):
            return r["ConsumedCapacity"]

        def split(units, gsi=None, lsi=None):
            want = {"TableName": name, "CapacityUnits": units + (gsi or 0) + (lsi or 0),
                    "Table": {"CapacityUnits": units}}
            if gsi is not None:
                want["GlobalSecondaryIndexes"] = {"by-city": {"CapacityUnits": gsi}}
            if lsi is not None:
                want["LocalSecondaryIndexes"] = {"by-day": {"CapacityUnits": lsi}}
            return want

        def update(expression, values, **kw):
            return self.ddb.update_item(TableName=name, Key=key, UpdateExpression=expression,
                                        ExpressionAttributeValues=values, ReturnConsumedCapacity="INDEXES", **kw)

        item = {**key, "day": s("d1"), "city": s("Oslo"), "score": n(1)}
        # A new item in both indexes: one write each.
        self.assertEqual(cap(self.ddb.put_item(TableName=name, Item=item, ReturnConsumedCapacity="INDEXES")),
                         split(1.0, gsi=1.0, lsi=1.0))
        # TOTAL counts the indexes too.
        self.assertEqual(cap(self.ddb.put_item(TableName=name, Item={**item, "label": s("l0")},
                                               ReturnConsumedCapacity="TOTAL")),
                         {"TableName": name, "CapacityUnits": 2.0})  # only the GSI projects label
        # Moving the GSI key: a delete and a put there; the KEYS_ONLY LSI holds nothing that changed.
        self.assertEqual(cap(update("SET city = :c", {":c": s("Rome")})), split(1.0, gsi=2.0))
        # An attribute no index holds: the table alone.
        self.assertEqual(cap(update("SET extra = :x", {":x": s("x")})), split(1.0))
        # A projected attribute (INCLUDE label): one write of the GSI entry.
        self.assertEqual(cap(update("SET label = :l", {":l": s("l1")})), split(1.0, gsi=1.0))
        # Removing the LSI's sort key takes the item out of it.
        r = self.ddb.update_item(TableName=name, Key=key, UpdateExpression="REMOVE #d",
                                 ExpressionAttributeNames={"#d": "day"}, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(cap(r), split(1.0, lsi=1.0))
        # A sparse item costs no index.
        self.assertEqual(cap(self.ddb.put_item(TableName=name, Item={"pk": s("b"), "sk": s("1")},
                                               ReturnConsumedCapacity="INDEXES")), split(1.0))
        self.assertEqual(cap(self.ddb.delete_item(TableName=name, Key=key, ReturnConsumedCapacity="INDEXES")),
                         split(1.0, gsi=1.0))
        # BatchWriteItem sums per table; TransactWriteItems doubles the table's share only.
        r = self.ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": item}}, {"PutRequest": {"Item": {**item, "sk": s("2")}}}]},
            ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], [split(2.0, gsi=2.0, lsi=2.0)])
        r = self.ddb.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": {**item, "sk": s("3")}}}],
                                          ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], [split(2.0, gsi=1.0, lsi=1.0)])
        # Reads of an index are the index's; an LSI asked for what it does not project reads the table too.
        r = self.query_city(name, "Oslo", ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["Count"], 3)
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 0.5,
                                                 "Table": {"CapacityUnits": 0.0},
                                                 "GlobalSecondaryIndexes": {"by-city": {"CapacityUnits": 0.5}}})
        r = self.ddb.query(TableName=name, IndexName="by-day", KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": s("a")}, ConsistentRead=True,
                           ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 1.0,
                                                 "Table": {"CapacityUnits": 0.0},
                                                 "LocalSecondaryIndexes": {"by-day": {"CapacityUnits": 1.0}}})
        r = self.ddb.query(TableName=name, IndexName="by-day", KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": s("a")}, Select="ALL_ATTRIBUTES",
                           ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["Count"], 3)
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 2.0,
                                                 "Table": {"CapacityUnits": 1.5},
                                                 "LocalSecondaryIndexes": {"by-day": {"CapacityUnits": 0.5}}})
        r = self.ddb.scan(TableName=name, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], split(0.5))

    # --- PartiQL on an index -----------------------------------------------------------------
    def select(self, statement, **kw):
        return self.ddb.execute_statement(Statement=statement, **kw)

    def test_partiql_select_reads_the_index(self):
        name, _ = self.indexed_table()
        self.fill(name)
        # Equality on the index partition key: a Query of the index, through its projection.
        r = self.select(f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\'')
        self.assertEqual(r["Items"], self.query_city(name, "Oslo")["Items"])
        self.assertEqual([i["score"]["N"] for i in r["Items"]], ["10", "20", "30"])
        self.assertTrue(all("extra" not in i for i in r["Items"]))
        # No WHERE: the whole index, sparse (pk c has no city).
        r = self.select(f'SELECT pk, sk FROM "{name}"."by-city"')
        self.assertEqual(sorted((i["pk"]["S"], i["sk"]["S"]) for i in r["Items"]),
                         [("a", "1"), ("a", "2"), ("b", "1"), ("b", "2")])
        # A condition on the index sort key: the index scanned, filtered.
        r = self.select(f'SELECT pk, score FROM "{name}"."by-city" WHERE city = ? AND score > ?',
                        Parameters=[s("Oslo"), n(15)])
        self.assertEqual(sorted(i["score"]["N"] for i in r["Items"]), ["20", "30"])
        # Pages of the index with Limit and NextToken.
        seen, kw = [], {}
        while True:
            r = self.select(f'SELECT score FROM "{name}"."by-city" WHERE city = \'Oslo\'', Limit=1, **kw)
            seen += [i["score"]["N"] for i in r["Items"]]
            if "NextToken" not in r:
                break
            kw["NextToken"] = r["NextToken"]
        self.assertEqual(seen, ["10", "20", "30"])
        # ReturnConsumedCapacity: the index's reads; an INSERT's writes with each index's.
        r = self.select(f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\'', ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 0.5,
                                                 "Table": {"CapacityUnits": 0.0},
                                                 "GlobalSecondaryIndexes": {"by-city": {"CapacityUnits": 0.5}}})
        r = self.select(f"INSERT INTO \"{name}\" VALUE {{'pk': 'd', 'sk': '1', 'city': 'Oslo', 'score': 1}}",
                        ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 2.0})
        # An LSI (KEYS_ONLY), in its sort order; ConsistentRead is fine on an LSI.
        r = self.select(f'SELECT * FROM "{name}"."by-day" WHERE pk = \'a\'', ConsistentRead=True)
        self.assertEqual(r["Items"], [{"pk": s("a"), "sk": s("2"), "day": s("2026-01-01")},
                                      {"pk": s("a"), "sk": s("1"), "day": s("2026-01-03")}])

    def test_partiql_index_errors(self):
        name, _ = self.indexed_table()
        self.fill(name)
        self.assertDdbError("ValidationException", "The table does not have the specified index", self.select,
                            statement=f'SELECT * FROM "{name}"."no-such" WHERE pk = \'a\'')
        self.assertDdbError("ValidationException",
                            "Strongly consistent read is not supported on Global Secondary Indexes", self.select,
                            statement=f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\'', ConsistentRead=True)
        for write in (f'INSERT INTO "{name}"."by-city" VALUE {{\'pk\': \'z\', \'sk\': \'1\'}}',
                      f'UPDATE "{name}"."by-city" SET label = \'x\' WHERE pk = \'a\' AND sk = \'1\'',
                      f'DELETE FROM "{name}"."by-city" WHERE pk = \'a\' AND sk = \'1\''):
            self.assertDdbError("ValidationException", "This operation is not supported on an index", self.select,
                                statement=write)
        self.assertIsNone(self.ddb.get_item(TableName=name, Key={"pk": s("z"), "sk": s("1")}).get("Item"))
        self.assertEqual(self.ddb.get_item(TableName=name, Key={"pk": s("a"), "sk": s("1")})["Item"]["label"],
                         s("one"))
        self.assertDdbError("ValidationException",
                            "A path may contain at most 2 components in the FROM clause", self.select,
                            statement=f'SELECT * FROM "{name}"."by-city"."x"')
        self.assertDdbError("ValidationException", "Path component cannot be an empty string", self.select,
                            statement=f'SELECT * FROM "{name}".""')
        self.assertDdbError("ValidationException",
                            INVALID + "Global secondary index by-city does not project [extra]", self.select,
                            statement=f'SELECT pk, extra FROM "{name}"."by-city" WHERE city = \'Oslo\'')
        self.assertDdbError("ValidationException",
                            INVALID + "Secondary index by-city does not project one or more filter attributes: "
                            "[extra]", self.select,
                            statement=f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\' AND extra = \'x\'')
        # A batch reads the table by its key: an index SELECT fails its own entry.
        r = self.ddb.batch_execute_statement(Statements=[
            {"Statement": f'SELECT * FROM "{name}" WHERE pk = \'a\' AND sk = \'1\''},
            {"Statement": f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\''}])["Responses"]
        self.assertEqual(r[0]["Item"]["label"], s("one"))
        self.assertEqual(r[1], {"Error": {"Code": "ValidationError", "Message": (
            "Select statements within BatchExecuteStatement must specify the primary key in the where clause.")}})
        self.assertDdbError("ValidationException",
                            "Validation failed in TransactStatements[1]: Reads on indices are not supported within "
                            "transactions.", self.ddb.execute_transaction, TransactStatements=[
                                {"Statement": f'SELECT * FROM "{name}" WHERE pk = \'a\' AND sk = \'1\''},
                                {"Statement": f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\''}])

    def test_partiql_index_select_fails_like_the_table_after_disable_key(self):
        name, key = self.indexed_table()
        self.fill(name)
        on_index = f'SELECT * FROM "{name}"."by-city" WHERE city = \'Oslo\''
        self.assertEqual(len(self.select(on_index)["Items"]), 3)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(360)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.select,
                            statement=f'SELECT * FROM "{name}" WHERE pk = \'a\'')
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.select, statement=on_index)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.select,
                            statement=f'SELECT * FROM "{name}"."by-day"')
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(len(self.select(on_index)["Items"]), 3)


# Query on one index only, for one index partition, through its projection (reference section 10's
# index example, with dynamodb:LeadingKeys naming the index's partition key values).
INDEX_TABLE = "Matches"
INDEX_ARN = table_arn(INDEX_TABLE) + "/index/by-title"
TITLE_READER = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "dynamodb:Query", "Resource": INDEX_ARN,
    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["Chess"]},
                  "StringEquals": {"dynamodb:Select": ["ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES"]}}},
    {"Effect": "Allow", "Action": "dynamodb:PartiQLSelect", "Resource": INDEX_ARN}]}


class IndexConditionKeysTest(DdbCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        ids = harness.fixture_identities()
        ids["accounts"][harness.ACCOUNT]["users"].append({
            "name": "title-reader", "accessKeys": [{"id": "AKIAKMSLABIDXR000001", "secret": "kmslab-title-secret"}],
            "inlinePolicies": {"index-only": TITLE_READER}})
        cls.srv = harness.start_with_identities(ids)
        cls.srv.ddb().create_table(
            TableName=INDEX_TABLE, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(UserId="S", Title="S"),
            KeySchema=key_schema("UserId"),
            GlobalSecondaryIndexes=[{"IndexName": "by-title", "KeySchema": key_schema("Title"),
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        for user, title in (("u1", "Chess"), ("u2", "Chess"), ("u3", "Go")):
            cls.srv.ddb().put_item(TableName=INDEX_TABLE, Item={"UserId": s(user), "Title": s(title),
                                                                "Secret": s("x")})

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def test_leading_keys_are_the_index_partition_keys(self):
        reader = self.srv.ddb(harness.creds_of("title-reader", self.srv.fixtures))

        def query(title, **kw):
            return reader.query(TableName=INDEX_TABLE, IndexName="by-title", KeyConditionExpression="Title = :t",
                                ExpressionAttributeValues={":t": s(title)}, **kw)

        r = query("Chess", Select="ALL_PROJECTED_ATTRIBUTES")
        self.assertEqual(sorted(i["UserId"]["S"] for i in r["Items"]), ["u1", "u2"])
        self.assertTrue(all(set(i) == {"UserId", "Title"} for i in r["Items"]))
        denied = harness.access_denied(user_arn("title-reader"), "dynamodb:Query", INDEX_ARN, "no-identity")
        self.assertDdbError("AccessDeniedException", denied, query, title="Go", Select="ALL_PROJECTED_ATTRIBUTES")
        # Select omitted counts as ALL_ATTRIBUTES.
        self.assertDdbError("AccessDeniedException", denied, query, title="Chess")
        # The table itself is another resource.
        self.assertDdbError("AccessDeniedException",
                            harness.access_denied(user_arn("title-reader"), "dynamodb:Query",
                                                  table_arn(INDEX_TABLE), "no-identity"),
                            reader.query, TableName=INDEX_TABLE, KeyConditionExpression="UserId = :u",
                            ExpressionAttributeValues={":u": s("u1")})

    def test_partiql_select_authorized_on_the_index_arn(self):
        reader = self.srv.ddb(harness.creds_of("title-reader", self.srv.fixtures))
        r = reader.execute_statement(Statement=f'SELECT * FROM "{INDEX_TABLE}"."by-title" WHERE Title = \'Chess\'')
        self.assertEqual(sorted(i["UserId"]["S"] for i in r["Items"]), ["u1", "u2"])
        self.assertTrue(all(set(i) == {"UserId", "Title"} for i in r["Items"]))
        self.assertDdbError("AccessDeniedException",
                            harness.access_denied(user_arn("title-reader"), "dynamodb:PartiQLSelect",
                                                  table_arn(INDEX_TABLE), "no-identity"),
                            reader.execute_statement, Statement=f'SELECT * FROM "{INDEX_TABLE}" WHERE UserId = \'u1\'')
