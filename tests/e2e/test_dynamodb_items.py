"""DynamoDB shim, data plane: PutItem (ConditionExpression, ReturnValues ALL_OLD), GetItem
(ProjectionExpression), DeleteItem, UpdateItem (UpdateExpression SET / REMOVE / ADD / DELETE,
ConditionExpression, every ReturnValues mode, IAM), Query (KeyConditionExpression, FilterExpression,
ScanIndexForward, Limit / ExclusiveStartKey paging), Scan (FilterExpression, paging, Select
COUNT), every AttributeValue type round-tripping, and the item validation errors of
docs/spec/dynamodb-sse.md §5.2 / §5.3. Each behaviour runs on an owned-key table and on a table under a
customer managed key (the KMS path must not change item semantics); the aws CLI covers
put-item / get-item / delete-item / query / scan.
"""
import json

import boto3.dynamodb.types
import botocore.exceptions

import harness
from ddb_case import INVALID, DdbCase, new_name, normalize, sse_kms, table_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

EVERY_TYPE = {
    "pk": {"S": "every-type"},
    "s": {"S": "h\u00e9llo \u2603 \"quoted\" \n newline"},
    "empty_s": {"S": ""},
    "n_int": {"N": "42"},
    "n_neg": {"N": "-17"},
    "n_frac": {"N": "3.14159"},
    "n_big": {"N": "12345678901234567890123456789012345678"},
    "b": {"B": bytes(range(256))},
    "empty_b": {"B": b""},
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "nul": {"NULL": True},
    "m": {"M": {"inner": {"S": "x"}, "deep": {"M": {"n": {"N": "1"}, "l": {"L": [{"S": "y"}]}}}}},
    "empty_m": {"M": {}},
    "l": {"L": [{"S": "a"}, {"N": "2"}, {"B": b"\x01"}, {"BOOL": False}, {"NULL": True},
                {"L": []}, {"M": {"k": {"SS": ["v"]}}}]},
    "empty_l": {"L": []},
    "ss": {"SS": ["alpha", "beta", "gamma"]},
    "ns": {"NS": ["1", "2.5", "-3"]},
    "bs": {"BS": [b"\x00", b"\xff\xfe", b"abc"]},
}
class ItemsBase(DdbCase):
    srv = SRV
    SSE = None  # SSESpecification of the tables this class creates

    @classmethod
    def setUpClass(cls):
        cls.sse = None

    def table_sse(self):
        if self.SSE == "cmk":
            if type(self).sse is None:
                type(self).sse = sse_kms(self.create_key()["Arn"])
            return type(self).sse
        return None

    def new_table(self, range_type=None, prefix="items"):
        name = new_name(prefix)
        self.create_table(name, sse=self.table_sse(), range_type=range_type)
        return name

    def sorted_table(self):
        """pk S + sk N with items pk=p, sk=1..10 (odd ones have tag=odd)."""
        name = self.new_table(range_type="N", prefix="query")
        for i in range(1, 11):
            item = {"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"S": f"v{i}"}}
            if i % 2:
                item["tag"] = {"S": "odd"}
            self.ddb.put_item(TableName=name, Item=item)
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "other"}, "sk": {"N": "1"}})
        return name

    # --- round trips -------------------------------------------------------------------
    def test_every_attribute_value_type_round_trips(self):
        name = self.new_table()
        self.ddb.put_item(TableName=name, Item=EVERY_TYPE)
        got = self.ddb.get_item(TableName=name, Key={"pk": EVERY_TYPE["pk"]}, ConsistentRead=True)
        self.assertEqual(set(got["Item"]), set(EVERY_TYPE))
        self.assertEqual(normalize(got["Item"]), normalize(EVERY_TYPE))
        # Exact bytes of binaries.
        self.assertEqual(got["Item"]["b"]["B"], bytes(range(256)))
        self.assertEqual(got["Item"]["empty_b"]["B"], b"")
        self.assertEqual(got["Item"]["n_big"]["N"], "12345678901234567890123456789012345678")
        # The boto3 resource layer (TypeSerializer/TypeDeserializer) reads it back too.
        deser = boto3.dynamodb.types.TypeDeserializer()
        py = {k: deser.deserialize(v) for k, v in got["Item"].items()}
        self.assertEqual(py["ss"], {"alpha", "beta", "gamma"})
        self.assertEqual(py["m"]["deep"]["n"], 1)
        # And via Scan.
        scanned = self.ddb.scan(TableName=name)["Items"]
        self.assertEqual([normalize(i) for i in scanned], [normalize(EVERY_TYPE)])

    def test_cli_put_get_delete(self):
        name = self.new_table(prefix="cli")
        res = self.ddb_cli("put-item", "--table-name", name, "--item",
                           '{"pk": {"S": "k1"}, "n": {"N": "7"}, "ss": {"SS": ["x", "y"]}}')
        self.assertEqual(res.rc, 0, res.stderr)
        res = self.ddb_cli("get-item", "--table-name", name, "--key", '{"pk": {"S": "k1"}}')
        self.assertEqual(res.rc, 0, res.stderr)
        item = res.json["Item"]
        self.assertEqual(item["n"], {"N": "7"})
        self.assertEqual(sorted(item["ss"]["SS"]), ["x", "y"])
        res = self.ddb_cli("get-item", "--table-name", name, "--key", '{"pk": {"S": "k1"}}',
                           "--projection-expression", "n")
        self.assertEqual(res.json["Item"], {"n": {"N": "7"}})
        res = self.ddb_cli("query", "--table-name", name, "--key-condition-expression", "pk = :p",
                           "--expression-attribute-values", '{":p": {"S": "k1"}}')
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual((res.json["Count"], res.json["Items"][0]["pk"]), (1, {"S": "k1"}))
        res = self.ddb_cli("delete-item", "--table-name", name, "--key", '{"pk": {"S": "k1"}}',
                           "--return-values", "ALL_OLD")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["Attributes"]["n"], {"N": "7"})
        res = self.ddb_cli("get-item", "--table-name", name, "--key", '{"pk": {"S": "k1"}}')
        self.assertEqual((res.rc, res.json), (0, None))  # {} prints nothing
        res = self.ddb_cli("scan", "--table-name", name, "--select", "COUNT")
        self.assertEqual(res.json["Count"], 0)

    def test_cli_update_batches_and_transactions(self):
        name = self.new_table(prefix="cli")
        res = self.ddb_cli("update-item", "--table-name", name, "--key", '{"pk": {"S": "c"}}',
                           "--update-expression", "SET hits = if_not_exists(hits, :z) + :one",
                           "--expression-attribute-values", '{":z": {"N": "0"}, ":one": {"N": "1"}}',
                           "--return-values", "UPDATED_NEW")
        self.assertEqual((res.rc, res.json), (0, {"Attributes": {"hits": {"N": "1"}}}), res.stderr)
        puts = [{"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(3)]
        res = self.ddb_cli("batch-write-item", "--request-items", json.dumps({name: puts}))
        self.assertEqual((res.rc, res.json), (0, {"UnprocessedItems": {}}), res.stderr)
        res = self.ddb_cli("batch-get-item", "--request-items",
                           json.dumps({name: {"Keys": [{"pk": {"S": f"b{i}"}} for i in range(3)]}}))
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(sorted(i["pk"]["S"] for i in res.json["Responses"][name]), ["b0", "b1", "b2"])
        checkout = [{"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "c"}},
                                        "ConditionExpression": "hits = :one",
                                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                    {"Delete": {"TableName": name, "Key": {"pk": {"S": "b0"}},
                                "ConditionExpression": "attribute_exists(pk)"}}]
        res = self.ddb_cli("transact-write-items", "--transact-items", json.dumps(checkout))
        self.assertEqual(res.rc, 0, res.stderr)
        # Again: b0 is gone, so the delete's condition cancels the transaction.
        res = self.ddb_cli("transact-write-items", "--transact-items", json.dumps(checkout))
        self.assertNotEqual(res.rc, 0)
        self.assertIn("TransactionCanceledException", res.stderr)
        self.assertEqual(self.ddb.scan(TableName=name, Select="COUNT")["Count"], 3)

    # --- PutItem / GetItem / DeleteItem ------------------------------------------------------
    def test_put_item_return_values_and_overwrite(self):
        name = self.new_table()
        r = self.ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}},
                              ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", r)
        r = self.ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "w": {"S": "two"}},
                              ReturnValues="ALL_OLD")
        self.assertEqual(r["Attributes"], {"pk": {"S": "a"}, "v": {"N": "1"}})
        r = self.ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "x": {"BOOL": True}})
        self.assertNotIn("Attributes", r)  # ReturnValues NONE
        # PutItem replaces the whole item.
        self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "x": {"BOOL": True}})

    def test_a_failed_condition_returns_the_old_item_when_asked(self):
        name = self.new_table()
        old = {"pk": {"S": "o"}, "ver": {"N": "1"}, "note": {"S": "kept"}}
        self.ddb.put_item(TableName=name, Item=old)
        attempts = {
            "PutItem": lambda **kw: self.ddb.put_item(TableName=name, Item={"pk": {"S": "o"}}, **kw),
            "UpdateItem": lambda **kw: self.ddb.update_item(TableName=name, Key={"pk": {"S": "o"}},
                                                            UpdateExpression="REMOVE note", **kw),
            "DeleteItem": lambda **kw: self.ddb.delete_item(TableName=name, Key={"pk": {"S": "o"}}, **kw),
        }
        for op, attempt in attempts.items():
            with self.subTest(op):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    attempt(ConditionExpression="attribute_not_exists(pk)",
                            ReturnValuesOnConditionCheckFailure="ALL_OLD")
                self.assertEqual(cm.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
                self.assertEqual(cm.exception.response["Item"], old)
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    attempt(ConditionExpression="attribute_not_exists(pk)")
                self.assertNotIn("Item", cm.exception.response)
                self.assertDdbError("ValidationException", None, attempt,
                                    ConditionExpression="attribute_not_exists(pk)",
                                    ReturnValuesOnConditionCheckFailure="ALL_NEW")
        self.assertEqual(self.get(name, "o"), old)  # nothing changed

    def test_conditional_put(self):
        name = self.new_table()
        put = self.ddb.put_item
        put(TableName=name, Item={"pk": {"S": "a"}, "ver": {"N": "1"}},
            ConditionExpression="attribute_not_exists(pk)")
        self.assertDdbError("ConditionalCheckFailedException", "The conditional request failed",
                            put, TableName=name, Item={"pk": {"S": "a"}, "ver": {"N": "9"}},
                            ConditionExpression="attribute_not_exists(pk)")
        self.assertDdbError("ConditionalCheckFailedException", "The conditional request failed",
                            put, TableName=name, Item={"pk": {"S": "a"}, "ver": {"N": "9"}},
                            ConditionExpression="#v = :old",
                            ExpressionAttributeNames={"#v": "ver"},
                            ExpressionAttributeValues={":old": {"N": "5"}})
        self.assertEqual(self.get(name, "a")["ver"], {"N": "1"})
        put(TableName=name, Item={"pk": {"S": "a"}, "ver": {"N": "2"}},
            ConditionExpression="#v = :old AND attribute_exists(pk)",
            ExpressionAttributeNames={"#v": "ver"}, ExpressionAttributeValues={":old": {"N": "1"}})
        self.assertEqual(self.get(name, "a")["ver"], {"N": "2"})

    def test_get_item_projection_and_missing(self):
        name = self.new_table()
        self.ddb.put_item(TableName=name, Item={
            "pk": {"S": "a"}, "name": {"S": "n"}, "size": {"N": "3"},
            "m": {"M": {"x": {"S": "1"}, "y": {"S": "2"}}}, "hidden": {"S": "h"}})
        r = self.ddb.get_item(TableName=name, Key={"pk": {"S": "a"}},
                              ProjectionExpression="#n, #s, m.x",
                              ExpressionAttributeNames={"#n": "name", "#s": "size"})  # reserved words
        self.assertEqual(r["Item"], {"name": {"S": "n"}, "size": {"N": "3"}, "m": {"M": {"x": {"S": "1"}}}})
        r = self.ddb.get_item(TableName=name, Key={"pk": {"S": "missing"}})
        self.assertNotIn("Item", r)

    def test_delete_item(self):
        name = self.new_table()
        self.put(name, "a", v={"N": "1"})
        self.assertDdbError("ConditionalCheckFailedException", "The conditional request failed",
                            self.ddb.delete_item, TableName=name, Key={"pk": {"S": "a"}},
                            ConditionExpression="v = :two",
                            ExpressionAttributeValues={":two": {"N": "2"}})
        self.assertIsNotNone(self.get(name, "a"))
        r = self.ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}}, ReturnValues="ALL_OLD")
        self.assertEqual(r["Attributes"], {"pk": {"S": "a"}, "v": {"N": "1"}})
        self.assertIsNone(self.get(name, "a"))
        r = self.ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}}, ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", r)  # deleting a missing item is fine

    # --- UpdateItem ----------------------------------------------------------------------
    def update(self, name, pk, expression, values=None, names=None, **kw):
        if values:
            kw["ExpressionAttributeValues"] = values
        if names:
            kw["ExpressionAttributeNames"] = names
        return self.ddb.update_item(TableName=name, Key={"pk": {"S": pk}}, UpdateExpression=expression,
                                    **kw)

    def assertUpdateFails(self, code, message, *args, **kw):
        """self.update(*args, **kw) fails with `code` / `message`."""
        self.assertDdbError(code, message, lambda: self.update(*args, **kw))

    def test_update_counters(self):
        name = self.new_table()
        one = {":one": {"N": "1"}}
        self.update(name, "c", "ADD hits :one", one)  # creates the item and the counter
        self.update(name, "c", "ADD hits :one", one)
        self.update(name, "c", "SET #v = if_not_exists(#v, :zero) + :one",
                    {":zero": {"N": "0"}, ":one": {"N": "1"}}, {"#v": "views"})
        self.update(name, "c", "SET #v = #v + :one, price = :p - :d",
                    {":one": {"N": "1"}, ":p": {"N": "100"}, ":d": {"N": "88.3"}}, {"#v": "views"})
        self.assertEqual(self.get(name, "c"), {"pk": {"S": "c"}, "hits": {"N": "2"}, "views": {"N": "2"},
                                               "price": {"N": "11.7"}})
        self.assertUpdateFails("ValidationException",
                            "An operand in the update expression has an incorrect data type",
                            name, "c", "SET pk2 = hits + :s", {":s": {"S": "x"}})
        self.assertUpdateFails("ValidationException", "The provided expression refers to an attribute "
                            "that does not exist in the item",
                            name, "c", "SET a = absent + :one", one)
        self.assertNotIn("pk2", self.get(name, "c"))

    def test_update_lists_maps_and_sets(self):
        name = self.new_table()
        self.put(name, "d", l={"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]},
                 m={"M": {"keep": {"S": "k"}, "drop": {"S": "d"}}}, tags={"SS": ["a", "b"]})
        self.update(name, "d", "SET l = list_append(l, :more)", {":more": {"L": [{"N": "3"}]}})
        self.update(name, "d", "SET m.added = :x REMOVE m.#d, l[0] ADD tags :add DELETE stale :gone",
                    {":x": {"S": "x"}, ":add": {"SS": ["c"]}, ":gone": {"SS": ["z"]}}, {"#d": "drop"})
        item = self.get(name, "d")
        self.assertEqual(item["l"], {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]})
        self.assertEqual(item["m"], {"M": {"keep": {"S": "k"}, "added": {"S": "x"}}})
        self.assertEqual(set(item["tags"]["SS"]), {"a", "b", "c"})
        self.update(name, "d", "SET l = list_append(:front, l)", {":front": {"L": [{"S": "f"}]}})
        self.assertEqual(self.get(name, "d")["l"], {"L": [{"S": "f"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]})
        self.update(name, "d", "DELETE tags :ab", {":ab": {"SS": ["a", "b"]}})
        self.assertEqual(self.get(name, "d")["tags"], {"SS": ["c"]})
        self.update(name, "d", "DELETE tags :c", {":c": {"SS": ["c"]}})  # emptied: removed
        self.assertNotIn("tags", self.get(name, "d"))
        self.assertUpdateFails("ValidationException", "The document path provided in the update expression "
                            "is invalid for update",
                            name, "d", "SET nothere.x = :x", {":x": {"S": "x"}})
        self.assertUpdateFails("ValidationException", "1 validation error detected: Invalid UpdateExpression: "
                            "Two document paths overlap with each other; must remove or rewrite one of "
                            "these paths; path one: [m], path two: [m, keep]",
                            name, "d", "SET m = :x REMOVE m.keep", {":x": {"S": "x"}})
        self.assertUpdateFails("ValidationException", "1 validation error detected: Invalid UpdateExpression: "
                            "Syntax error; token: \":\", near: \"hits : incr\"",
                            name, "d", "SET hits : incr")
        self.assertUpdateFails("ValidationException", "1 validation error detected: Value provided in "
                            "ExpressionAttributeValues unused in expressions: keys: {:unused}",
                            name, "d", "REMOVE a", {":unused": {"S": "x"}})

    def test_update_conditions_and_return_values(self):
        name = self.new_table()
        self.put(name, "r", a={"N": "1"}, b={"S": "old"})
        fails = ("ConditionalCheckFailedException", "The conditional request failed")
        self.assertUpdateFails(*fails, name, "r", "SET a = :two",
                            {":two": {"N": "2"}, ":x": {"N": "9"}}, ConditionExpression="a = :x",
                            ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertUpdateFails(*fails, name, "nobody", "SET a = :two", {":two": {"N": "2"}},
                            ConditionExpression="attribute_exists(pk)")
        self.assertIsNone(self.get(name, "nobody"))  # nothing created on failure
        self.assertEqual(self.get(name, "r")["a"], {"N": "1"})
        two = {":two": {"N": "2"}}
        r = self.update(name, "r", "SET a = :two", two, ConditionExpression="attribute_exists(pk)")
        self.assertNotIn("Attributes", r)
        r = self.update(name, "r", "SET c = :two", two, ReturnValues="ALL_OLD")
        self.assertEqual(r["Attributes"], {"pk": {"S": "r"}, "a": {"N": "2"}, "b": {"S": "old"}})
        r = self.update(name, "r", "SET a = :x, n = :x", {":x": {"N": "3"}}, ReturnValues="UPDATED_OLD")
        self.assertEqual(r["Attributes"], {"a": {"N": "2"}})
        r = self.update(name, "r", "SET a = :x REMOVE b", {":x": {"N": "4"}}, ReturnValues="ALL_NEW")
        self.assertEqual(r["Attributes"], {"pk": {"S": "r"}, "a": {"N": "4"}, "c": {"N": "2"},
                                           "n": {"N": "3"}})
        r = self.update(name, "r", "ADD a :x REMOVE c", {":x": {"N": "1"}}, ReturnValues="UPDATED_NEW")
        self.assertEqual(r["Attributes"], {"a": {"N": "5"}})
        self.assertUpdateFails("ValidationException", "1 validation error detected: Value 'ALL' at "
                            "'returnValues' failed to satisfy constraint: Member must satisfy enum value "
                            "set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]",
                            name, "r", "REMOVE z", ReturnValues="ALL")

    def test_update_missing_item_and_key_attributes(self):
        name = self.new_table()
        r = self.update(name, "new", "SET v = :v", {":v": {"S": "x"}}, ReturnValues="ALL_NEW")
        self.assertEqual(r["Attributes"], {"pk": {"S": "new"}, "v": {"S": "x"}})
        self.assertEqual(self.get(name, "new"), {"pk": {"S": "new"}, "v": {"S": "x"}})
        r = self.update(name, "gone", "REMOVE v", ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", r)
        self.assertEqual(self.get(name, "gone"), {"pk": {"S": "gone"}})
        self.assertUpdateFails("ValidationException", INVALID + "Cannot update attribute pk. This attribute "
                            "is part of the key",
                            name, "new", "SET pk = :v", {":v": {"S": "y"}})
        self.assertUpdateFails("ValidationException", "Item size to update has exceeded the maximum allowed "
                            "size", name, "new", "SET big = :b, big2 = :b",
                            {":b": {"S": "x" * 250_000}})
        self.assertEqual(self.get(name, "new"), {"pk": {"S": "new"}, "v": {"S": "x"}})

    def test_update_denied_by_iam(self):
        name = self.new_table()
        self.put(name, "a", v={"S": "secret"})
        self.assertAccessDenied(self.ddb_as("app").update_item, harness.user_arn("app"),
                                "dynamodb:UpdateItem", table_arn(name), "no-identity", TableName=name,
                                Key={"pk": {"S": "a"}}, UpdateExpression="REMOVE v")
        self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "v": {"S": "secret"}})

    # --- Query / Scan --------------------------------------------------------------------
    def sks(self, items):
        return [int(i["sk"]["N"]) for i in items]

    def test_query_conditions_and_order(self):
        name = self.sorted_table()
        q = self.ddb.query
        r = q(TableName=name, KeyConditionExpression="pk = :p",
              ExpressionAttributeValues={":p": {"S": "p"}})
        self.assertEqual(self.sks(r["Items"]), list(range(1, 11)))  # numeric order, not 1,10,2
        self.assertEqual((r["Count"], r["ScannedCount"]), (10, 10))
        self.assertNotIn("LastEvaluatedKey", r)
        r = q(TableName=name, KeyConditionExpression="pk = :p", ScanIndexForward=False,
              ExpressionAttributeValues={":p": {"S": "p"}})
        self.assertEqual(self.sks(r["Items"]), list(range(10, 0, -1)))
        r = q(TableName=name, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
              ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"N": "3"}, ":b": {"N": "6"}})
        self.assertEqual(self.sks(r["Items"]), [3, 4, 5, 6])
        r = q(TableName=name, KeyConditionExpression="#k = :p AND sk > :a",
              ExpressionAttributeNames={"#k": "pk"},
              ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"N": "8"}})
        self.assertEqual(self.sks(r["Items"]), [9, 10])
        r = q(TableName=name, KeyConditionExpression="pk = :p AND sk <= :five",
              FilterExpression="tag = :odd",
              ExpressionAttributeValues={":p": {"S": "p"}, ":odd": {"S": "odd"},
                                         ":five": {"N": "5"}})
        self.assertEqual(self.sks(r["Items"]), [1, 3, 5])
        self.assertEqual((r["Count"], r["ScannedCount"]), (3, 5))
        r = q(TableName=name, KeyConditionExpression="pk = :p",
              ExpressionAttributeValues={":p": {"S": "nobody"}})
        self.assertEqual((r["Items"], r["Count"]), ([], 0))

    def test_consumed_capacity_of_item_calls(self):
        name = self.new_table()
        item = {"pk": {"S": "c"}, "photo": {"B": b"x" * 5000}}  # about 5 KB
        r = self.ddb.put_item(TableName=name, Item=item, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 5.0})
        r = self.ddb.get_item(TableName=name, Key={"pk": {"S": "c"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 1.0})
        r = self.ddb.get_item(TableName=name, Key={"pk": {"S": "c"}}, ConsistentRead=True,
                              ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 2.0,
                                                 "Table": {"CapacityUnits": 2.0}})
        r = self.ddb.update_item(TableName=name, Key={"pk": {"S": "c"}}, UpdateExpression="REMOVE photo",
                                 ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 5.0})
        r = self.ddb.delete_item(TableName=name, Key={"pk": {"S": "c"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], {"TableName": name, "CapacityUnits": 1.0})
        self.assertNotIn("ConsumedCapacity", self.ddb.get_item(TableName=name, Key={"pk": {"S": "c"}}))
        self.assertDdbError("ValidationException", "1 validation error detected: Value 'ALL' at "
                            "'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value "
                            "set: [INDEXES, TOTAL, NONE]", self.ddb.get_item, TableName=name,
                            Key={"pk": {"S": "c"}}, ReturnConsumedCapacity="ALL")

    def test_key_size_limits(self):
        name = self.new_table(range_type="B", prefix="keysize")
        # The largest keys DynamoDB takes: 2048 bytes of partition key, 1024 of sort key.
        item = {"pk": {"S": "k" * 2048}, "sk": {"B": b"\x01" * 1024}}
        self.ddb.put_item(TableName=name, Item=item)
        self.assertEqual(self.ddb.get_item(TableName=name, Key=item)["Item"], item)
        self.assertDdbError("ValidationException", INVALID + "Aggregated size of all range keys has exceeded the "
                            "size limit of 1024 bytes", self.ddb.put_item, TableName=name,
                            Item={"pk": {"S": "a"}, "sk": {"B": b"\x01" * 1025}})
        self.assertEqual(self.ddb.scan(TableName=name)["Count"], 1)

    def test_query_begins_with(self):
        name = self.new_table(range_type="S", prefix="prefix")
        for sk in ("2024-01-05", "2024-02-01", "2024-02-17", "2025-02-01"):
            self.ddb.put_item(TableName=name, Item={"pk": {"S": "d"}, "sk": {"S": sk}})
        r = self.ddb.query(TableName=name,
                           KeyConditionExpression="pk = :p AND begins_with(sk, :pre)",
                           ExpressionAttributeValues={":p": {"S": "d"}, ":pre": {"S": "2024-02"}})
        self.assertEqual([i["sk"]["S"] for i in r["Items"]], ["2024-02-01", "2024-02-17"])

    def test_query_paging(self):
        name = self.sorted_table()
        seen, kw, pages = [], {}, 0
        while True:
            r = self.ddb.query(TableName=name, KeyConditionExpression="pk = :p", Limit=3,
                               ScanIndexForward=False,
                               ExpressionAttributeValues={":p": {"S": "p"}}, **kw)
            pages += 1
            self.assertLessEqual(r["Count"], 3)
            seen += self.sks(r["Items"])
            if "LastEvaluatedKey" not in r:
                break
            self.assertEqual(r["LastEvaluatedKey"], {"pk": {"S": "p"},
                                                     "sk": {"N": str(seen[-1])}})
            kw = {"ExclusiveStartKey": r["LastEvaluatedKey"]}
            self.assertLess(pages, 10)
        self.assertEqual(seen, list(range(10, 0, -1)))
        self.assertGreaterEqual(pages, 4)

    def test_scan_filter_paging_and_count(self):
        name = self.sorted_table()
        r = self.ddb.scan(TableName=name)
        self.assertEqual((r["Count"], r["ScannedCount"]), (11, 11))
        r = self.ddb.scan(TableName=name, FilterExpression="attribute_exists(tag)")
        self.assertEqual(sorted(self.sks(r["Items"])), [1, 3, 5, 7, 9])
        self.assertEqual((r["Count"], r["ScannedCount"]), (5, 11))
        r = self.ddb.scan(TableName=name, Select="COUNT", FilterExpression="sk >= :s",
                          ExpressionAttributeValues={":s": {"N": "9"}})
        self.assertNotIn("Items", r)
        self.assertEqual((r["Count"], r["ScannedCount"]), (2, 11))  # p/9, p/10
        keys, kw, pages = [], {}, 0
        while True:
            r = self.ddb.scan(TableName=name, Limit=4, **kw)
            pages += 1
            self.assertLessEqual(len(r["Items"]), 4)
            keys += [(i["pk"]["S"], i["sk"]["N"]) for i in r["Items"]]
            if "LastEvaluatedKey" not in r:
                break
            kw = {"ExclusiveStartKey": r["LastEvaluatedKey"]}
            self.assertLess(pages, 10)
        self.assertEqual(len(keys), 11)
        self.assertEqual(len(set(keys)), 11)
        self.assertGreaterEqual(pages, 3)

    # --- validation -------------------------------------------------------------------
    def test_item_validation_errors(self):
        name = self.new_table()
        put, get = self.ddb.put_item, self.ddb.get_item
        cases = [
            (put, {"Item": {"v": {"S": "x"}}}, INVALID + "Missing the key pk in the item"),
            (put, {"Item": {"pk": {"N": "1"}}},
             INVALID + "Type mismatch for key pk expected: S actual: N"),
            (get, {"Key": {"pk": {"S": "a"}, "extra": {"S": "b"}}},
             "The provided key element does not match the schema"),
            (get, {"Key": {"other": {"S": "a"}}},
             "The provided key element does not match the schema"),
            (put, {"Item": {"pk": {"S": ""}}},
             "One or more parameter values are not valid. The AttributeValue for a key attribute "
             "cannot contain an empty string value. Key: pk"),
            (put, {"Item": {"pk": {"S": "a"}, "n": {"N": "twelve"}}},
             "The parameter cannot be converted to a numeric value: twelve"),
            (put, {"Item": {"pk": {"S": "é" * 1025}}},
             INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"),
            (get, {"Key": {"pk": {"S": "k" * 2049}}},
             INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"),
        ]
        for fn, kw, message in cases:
            with self.subTest(message=message):
                self.assertDdbError("ValidationException", message, fn, TableName=name, **kw)
        # An empty AttributeValue is caught client-side by botocore; send it raw.
        r = self.srv.ddb_raw(harness.ADMIN, "PutItem",
                             {"TableName": name, "Item": {"pk": {"S": "a"}, "v": {}}})
        self.assertRawError(r, "ValidationException",
                            "Supplied AttributeValue is empty, must contain exactly one of the "
                            "supported datatypes")
        self.assertEqual(self.ddb.scan(TableName=name)["Count"], 0)


class OwnedKeyItemsTest(ItemsBase):
    SSE = None


class CmkItemsTest(ItemsBase):
    SSE = "cmk"

    def test_table_is_kms_encrypted(self):
        name = self.new_table()
        self.assertEqual(self.table(name)["SSEDescription"]["KMSMasterKeyArn"],
                         self.table_sse()["KMSMasterKeyId"])


del ItemsBase  # only the concrete classes run
