"""DynamoDB shim, batches (docs/spec/dynamodb.md §3.1, §3.2, §10, §12): BatchWriteItem and
BatchGetItem on a table under a customer managed key (25 puts read back, mixed puts and deletes,
projections, tables named by ARN, ConsumedCapacity TOTAL / INDEXES), boto3's resource-layer
batch_writer(), every validation text with nothing written by a refused batch, a KMS key
disabled under one table of a batch, IAM: a caller allowed on one table of two is refused
the whole call with DynamoDB's AccessDenied wording, and the trail's data events of batches
(keys and attribute names per table, never a value).
"""
import copy
import re

import boto3
import botocore.config

import harness
from harness import ACCOUNT, REGION, user_arn
from ddb_case import INVALID, DdbCase, key_disabled, new_name, sse_kms, table_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

NOT_FOUND = "Requested resource not found"
DUPLICATES = "Provided list of item keys contains duplicates"
SCHEMA = "The provided key element does not match the schema"
EMPTY_KEY = ("One or more parameter values are not valid. The AttributeValue for a key attribute "
             "cannot contain an empty string value. Key: pk")
TOO_BIG = "Item size has exceeded the maximum allowed size"


def key(pk):
    return {"pk": {"S": pk}}


def put(pk, **attrs):
    return {"PutRequest": {"Item": {**key(pk), **attrs}}}


def delete(pk):
    return {"DeleteRequest": {"Key": key(pk)}}


def by_pk(items):
    return sorted(items, key=lambda i: i["pk"]["S"])


def over_25(name):
    return ("^" + re.escape("1 validation error detected: Value '{" + name + "=[")
            + r".*\]\}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
            r"constraint: \[Member must have length less than or equal to 25, Member must have "
            r"length greater than or equal to 1\]$")


def admin_session():
    return boto3.session.Session(aws_access_key_id=harness.ADMIN.access_key,
                                 aws_secret_access_key=harness.ADMIN.secret_key, region_name=REGION)


class BatchCase(DdbCase):
    def loose_ddb(self):
        """A DynamoDB client without botocore's parameter validation, to reach the server's."""
        cfg = botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=False)
        return admin_session().client("dynamodb", endpoint_url=self.srv.url, config=cfg)

    def assertUnchanged(self, name, expected):
        """The table holds exactly `expected` (items)."""
        self.assertEqual(by_pk(self.ddb.scan(TableName=name)["Items"]), by_pk(expected))


class BatchTest(BatchCase):
    srv = SRV

    def test_25_puts_read_back_on_a_cmk_table(self):
        key_md = self.create_key()
        name = new_name("batch")
        self.create_table(name, sse=sse_kms(key_md["Arn"]))
        items = [{**key(f"item-{i:02d}"), "v": {"S": f"value {i}"}, "n": {"N": str(i)}} for i in range(25)]
        r = self.ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": i}} for i in items]},
                                      ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["UnprocessedItems"], {})
        self.assertEqual(r["ConsumedCapacity"], [{"TableName": name, "CapacityUnits": 25.0}])
        self.assertNotIn("ItemCollectionMetrics", r)
        keys = [key(i["pk"]["S"]) for i in items] + [key("missing")]
        r = self.ddb.batch_get_item(RequestItems={name: {"Keys": keys, "ConsistentRead": True}},
                                    ReturnConsumedCapacity="INDEXES")
        self.assertEqual(by_pk(r["Responses"][name]), items)
        self.assertEqual(r["UnprocessedKeys"], {})
        self.assertEqual(r["ConsumedCapacity"], [{"TableName": name, "CapacityUnits": 26.0,
                                                  "Table": {"CapacityUnits": 26.0}}])
        # Eventually consistent by default: half the units; no ConsumedCapacity unless asked.
        r = self.ddb.batch_get_item(RequestItems={name: {"Keys": keys[:4]}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], [{"TableName": name, "CapacityUnits": 2.0}])
        self.assertNotIn("ConsumedCapacity", self.ddb.batch_get_item(RequestItems={name: {"Keys": keys[:1]}}))
        # The items are sealed under the table's key: GetItem agrees.
        self.assertEqual(self.get(name, "item-07"), items[7])

    def test_mixed_writes_tables_by_arn_and_projections(self):
        a, b = new_name("batch-a"), new_name("batch-b")
        self.create_table(a)
        self.create_table(b, range_type="N")
        self.put(a, "gone", v={"S": "old"})
        self.put(a, "kept", v={"S": "old"})
        r = self.ddb.batch_write_item(RequestItems={
            a: [delete("gone"), put("kept", v={"S": "new"}), delete("never-was"), put("fresh")],
            table_arn(b): [{"PutRequest": {"Item": {**key("p"), "sk": {"N": "1"}, "x": {"S": "y"}}}}]})
        self.assertEqual(r, {"UnprocessedItems": {}, "ResponseMetadata": r["ResponseMetadata"]})
        self.assertUnchanged(a, [{**key("kept"), "v": {"S": "new"}}, key("fresh")])
        r = self.ddb.batch_get_item(RequestItems={
            table_arn(a): {"Keys": [key("kept"), key("fresh")], "ProjectionExpression": "#v",
                           "ExpressionAttributeNames": {"#v": "v"}},
            b: {"Keys": [{**key("p"), "sk": {"N": "1"}}]}})
        # Keyed as sent; a present item whose projection matches nothing is {}.
        self.assertEqual(sorted(r["Responses"][table_arn(a)], key=len), [{}, {"v": {"S": "new"}}])
        self.assertEqual(r["Responses"][b], [{**key("p"), "sk": {"N": "1"}, "x": {"S": "y"}}])
        self.assertEqual(r["UnprocessedKeys"], {})

    def test_resource_batch_writer(self):
        name = new_name("writer")
        self.create_table(name)
        table = admin_session().resource("dynamodb", endpoint_url=self.srv.url).Table(name)
        with table.batch_writer() as writer:  # flushes every 25 requests: two BatchWriteItem calls
            for i in range(30):
                writer.put_item(Item={"pk": f"w-{i}", "n": i, "tags": {"a", "b"}})
            writer.delete_item(Key={"pk": "w-0"})
        got = table.scan()["Items"]
        self.assertEqual(sorted(int(i["n"]) for i in got), list(range(1, 30)))
        self.assertEqual(table.get_item(Key={"pk": "w-5"})["Item"], {"pk": "w-5", "n": 5, "tags": {"a", "b"}})

    def test_get_validation_texts(self):
        name = new_name("bget")
        self.create_table(name)
        other = new_name("bget")
        self.create_table(other)
        loose = self.loose_ddb()
        fails = lambda code, message, **kw: self.assertDdbError(code, message, loose.batch_get_item, **kw)
        fails("ValidationException", "The requestItems parameter is required for BatchGetItem", RequestItems={})
        for op in ("BatchGetItem", "BatchWriteItem"):  # botocore cannot send these without RequestItems
            r = self.srv.ddb_raw(harness.ADMIN, op, {"ReturnConsumedCapacity": "TOTAL"})
            self.assertEqual((r.status, harness.error_type(r.body), r.body["message"]),
                             (400, "ValidationException", f"The requestItems parameter is required for {op}"))
        fails("ValidationException", f"1 validation error detected: Value at 'RequestItems.{name}.member.Keys' "
              "failed to satisfy constraint: Member must have length less than or equal to 100",
              RequestItems={name: {"Keys": [key(str(i)) for i in range(101)]}})
        fails("ValidationException", "Too many items requested for the BatchGetItem call",
              RequestItems={name: {"Keys": [key(str(i)) for i in range(60)]},
                            other: {"Keys": [key(str(i)) for i in range(41)]}})
        fails("ValidationException", DUPLICATES, RequestItems={name: {"Keys": [key("a"), key("b"), key("a")]}})
        fails("ValidationException", DUPLICATES,
              RequestItems={name: {"Keys": [key("a")]}, table_arn(name): {"Keys": [key("a")]}})
        fails("ResourceNotFoundException", NOT_FOUND,
              RequestItems={name: {"Keys": [key("a")]}, "no-such-table": {"Keys": [key("a")]}})
        # Another account's table needs its resource-based policy too (none here).
        foreign = f"arn:aws:dynamodb:{REGION}:444455556666:table/{name}"
        fails("AccessDeniedException",
              harness.access_denied(user_arn("admin"), "dynamodb:BatchGetItem", foreign, "no-resource"),
              RequestItems={foreign: {"Keys": [key("a")]}})
        fails("ValidationException", SCHEMA, RequestItems={name: {"Keys": [{"pk": {"N": "1"}}]}})
        fails("ValidationException", SCHEMA, RequestItems={name: {"Keys": [{**key("a"), "x": {"S": "y"}}]}})
        fails("ValidationException", EMPTY_KEY, RequestItems={name: {"Keys": [key("")]}})
        fails("ValidationException", "1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed "
              "to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
              RequestItems={name: {"Keys": [key("a")]}}, ReturnConsumedCapacity="ALL")

    def test_write_validation_texts_and_nothing_written(self):
        name = new_name("bwrite")
        self.create_table(name)
        other = new_name("bwrite")
        self.create_table(other, range_type="S")
        self.put(name, "old", v={"S": "kept"})
        before = [{**key("old"), "v": {"S": "kept"}}]
        loose = self.loose_ddb()
        good = put("new", v={"S": "x"})

        def fails(code, message, **kw):
            self.assertDdbError(code, message, loose.batch_write_item, **kw)
            self.assertUnchanged(name, before)
            self.assertUnchanged(other, [])

        fails("ValidationException", "The requestItems parameter is required for BatchWriteItem", RequestItems={})
        fails("ValidationException", over_25(name), RequestItems={name: [put(f"p{i}") for i in range(26)]})
        fails("ValidationException", over_25(name), RequestItems={name: []})
        fails("ValidationException", "Too many items requested for the BatchWriteItem call",
              RequestItems={name: [put(f"p{i}") for i in range(13)],
                            other: [{"PutRequest": {"Item": {**key(f"p{i}"), "sk": {"S": "s"}}}} for i in range(13)]})
        fails("ValidationException", DUPLICATES, RequestItems={name: [good, delete("new")]})
        fails("ValidationException", DUPLICATES, RequestItems={name: [good], table_arn(name): [put("new")]})
        fails("ResourceNotFoundException", NOT_FOUND, RequestItems={name: [good], "no-such-table": [put("a")]})
        for bad in ({"PutRequest": {"Item": {"v": {"S": "no key"}}}},
                    {"PutRequest": {"Item": {"pk": {"N": "1"}}}},
                    {"PutRequest": {"Item": {"pk": {"S": "a"}}}, "DeleteRequest": {"Key": key("b")}},
                    {"DeleteRequest": {"Key": {**key("a"), "v": {"S": "b"}}}}):
            with self.subTest(bad=bad):
                message = SCHEMA if len(bad) == 1 else None
                fails("ValidationException", message, RequestItems={name: [good, bad]})
        fails("ValidationException", SCHEMA, RequestItems={name: [good], other: [put("no-sort-key")]})
        fails("ValidationException", EMPTY_KEY, RequestItems={name: [good, put("")]})
        fails("ValidationException", TOO_BIG, RequestItems={name: [good, put("big", v={"S": "x" * 410_000})]})
        fails("ValidationException", INVALID + "An string set  may not be empty",
              RequestItems={name: [good, put("set", s={"SS": []})]})
        fails("ValidationException", "1 validation error detected: Value 'ALL' at 'returnItemCollectionMetrics' "
              "failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
              RequestItems={name: [good]}, ReturnItemCollectionMetrics="ALL")
        # The same batch, made good, goes through.
        r = self.ddb.batch_write_item(RequestItems={name: [good]}, ReturnItemCollectionMetrics="SIZE",
                                      ReturnConsumedCapacity="INDEXES")
        self.assertEqual(r["ConsumedCapacity"], [{"TableName": name, "CapacityUnits": 1.0,
                                                  "Table": {"CapacityUnits": 1.0}}])
        self.assertNotIn("ItemCollectionMetrics", r)

    def test_disabled_key_fails_the_batch_as_put_item_fails(self):
        key_md = self.create_key()
        name, plain = new_name("bdis"), new_name("bdis")
        self.create_table(name, sse=sse_kms(key_md["Arn"]))
        self.create_table(plain)
        self.ddb.batch_write_item(RequestItems={name: [put("a")]})
        self.kms.disable_key(KeyId=key_md["KeyId"])
        self.srv.advance_clock(360)  # past the 300 s table-key cache
        pattern = key_disabled(key_md["Arn"])
        self.assertDdbError("ValidationException", pattern, self.ddb.put_item, TableName=name, Item=key("b"))
        self.assertDdbError("ValidationException", pattern, self.ddb.batch_write_item,
                            RequestItems={plain: [put("p")], name: [put("b")]})
        self.assertDdbError("ValidationException", pattern, self.ddb.batch_get_item,
                            RequestItems={plain: {"Keys": [key("p")]}, name: {"Keys": [key("a")]}})
        self.assertUnchanged(plain, [])  # the other table's write was never made
        self.kms.enable_key(KeyId=key_md["KeyId"])
        self.srv.advance_clock(360)
        r = self.ddb.batch_get_item(RequestItems={name: {"Keys": [key("a")]}})
        self.assertEqual(r["Responses"], {name: [key("a")]})


# =========================================================================================
ALLOWED_PREFIX = "allowed-"


def identities():
    """The default fixtures plus user batcher, allowed DynamoDB on tables allowed-* only."""
    ids = copy.deepcopy(harness.fixture_identities())
    ids["accounts"][ACCOUNT]["users"].append({
        "name": "batcher",
        "accessKeys": [{"id": "AKIAKMSLABBATCH00001", "secret": "kmslab-batcher-secret"}],
        "inlinePolicies": {"one-table": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "dynamodb:*",
             "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{ALLOWED_PREFIX}*"}]}}})
    return ids


class BatchIamTest(BatchCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.start_with_identities(identities())

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def test_one_denied_table_refuses_the_whole_call(self):
        allowed, denied = new_name(ALLOWED_PREFIX + "t"), new_name("denied")
        self.create_table(allowed)
        self.create_table(denied)
        self.put(denied, "secret", v={"S": "x"})
        batcher = self.ddb_as("batcher")
        caller = user_arn("batcher")
        for action, fn, items in (
                ("dynamodb:BatchWriteItem", batcher.batch_write_item,
                 {allowed: [put("a")], denied: [put("d")]}),
                ("dynamodb:BatchWriteItem", batcher.batch_write_item,
                 {allowed: [put("a")], table_arn(denied): [put("d")]}),
                ("dynamodb:BatchGetItem", batcher.batch_get_item,
                 {allowed: {"Keys": [key("a")]}, denied: {"Keys": [key("secret")]}})):
            with self.subTest(action=action, tables=list(items)):
                self.assertDdbError("AccessDeniedException",
                                    harness.access_denied(caller, action, table_arn(denied), "no-identity"),
                                    fn, RequestItems=items)
        self.assertUnchanged(allowed, [])
        self.assertUnchanged(denied, [{**key("secret"), "v": {"S": "x"}}])
        # Alone, the allowed table works, by name or by ARN.
        batcher.batch_write_item(RequestItems={allowed: [put("a")], table_arn(allowed): [put("b")]})
        r = batcher.batch_get_item(RequestItems={allowed: {"Keys": [key("a"), key("b")]}})
        self.assertEqual(by_pk(r["Responses"][allowed]), [key("a"), key("b")])


# =========================================================================================
class BatchTrailTest(BatchCase):
    """With --ddb-data-events a batch is one data event: its tables as resources, keys in
    clear and items as attribute names per table, no item value anywhere in the trail."""
    srv = None
    MARKER = "batch-trail-value-marker-41d9"

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=("--ddb-data-events",))
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def event(self, name):
        r = self.srv.admin_request("GET", f"/_kmslab/trail?eventName={name}")
        self.assertEqual(r.status, 200, r.data)
        events = r.body["events"]
        self.assertEqual(len(events), 1, events)
        return events[0]

    def test_batches_are_data_events_without_values(self):
        a, b = new_name("trail"), new_name("trail")
        self.create_table(a)
        self.create_table(b)
        self.ddb.batch_write_item(RequestItems={
            a: [put("k1", secret={"S": self.MARKER}), delete("k2")],
            table_arn(b): [put("k3", secret={"SS": [self.MARKER]})]})
        r = self.ddb.batch_get_item(RequestItems={a: {"Keys": [key("k1")], "ProjectionExpression": "secret"}})
        self.assertEqual(r["Responses"][a], [{"secret": {"S": self.MARKER}}])
        write = self.event("BatchWriteItem")
        self.assertEqual((write["eventCategory"], write["readOnly"]), ("Data", False))
        self.assertEqual(write["requestParameters"], {"requestItems": {
            a: [{"putRequest": {"item": ["pk", "secret"]}}, {"deleteRequest": {"key": {"pk": "k2"}}}],
            table_arn(b): [{"putRequest": {"item": ["pk", "secret"]}}]}})
        self.assertEqual([res["ARN"] for res in write["resources"]], [table_arn(a), table_arn(b)])
        read = self.event("BatchGetItem")
        self.assertEqual((read["eventCategory"], read["readOnly"]), ("Data", True))
        self.assertEqual(read["requestParameters"], {"requestItems": {
            a: {"keys": [{"pk": "k1"}], "projectionExpression": "secret"}}})
        self.assertIsNone(read["responseElements"])
        with open(f"{self.srv.data_dir}/trail.jsonl", encoding="utf-8") as f:
            self.assertNotIn(self.MARKER, f.read())
