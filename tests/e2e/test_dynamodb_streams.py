"""DynamoDB shim, DynamoDB Streams (docs/spec/dynamodb.md §6, §7; docs/spec/dynamodb-sse.md §3.4):

- StreamSpecification on CreateTable and UpdateTable (every view type, the enable/disable
  texts), DescribeTable's StreamSpecification / LatestStreamLabel / LatestStreamArn;
- the Streams API through boto3's `dynamodbstreams` client and the aws CLI: ListStreams,
  DescribeStream, GetShardIterator (every iterator type), GetRecords (paging, limits, errors);
- records for PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems with the
  images of each view type, none for writes that change nothing or fail their condition;
- streams closed by a disable or DeleteTable stay readable; re-enabling mints a new stream;
- records survive a restart; records older than 24 h are trimmed (TrimmedDataAccessException),
  also while the table's CMK is disabled; iterators expire after 15 minutes;
- on a CMK table: readable while the key is usable, the data-plane KMS error once the
  5-minute table-key cache runs out after DisableKey, readable again after EnableKey; and the
  --ddb-streams-readable-while-key-unusable switch.

Time moves with POST /_kmslab/clock (Server.advance_clock), never by sleeping.
"""
import os

import harness
from ddb_case import DdbCase, INVALID, key_disabled, new_name, sse_kms, table_arn

DAY = 24 * 3600
LABEL = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$"
VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
TRIMMED = "The data you are trying to access has been trimmed"
EXPIRED = "The provided iterator exceeds the maximum age allowed."


def spec(view_type):
    return {"StreamEnabled": True, "StreamViewType": view_type}


class StreamsCase(DdbCase):
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=list(cls.ARGS))
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    @property
    def streams(self):
        return self.srv.client_as(harness.ADMIN, "dynamodbstreams")

    def stream_table(self, view_type="NEW_AND_OLD_IMAGES", sse=None, name=None):
        """A table with a stream; returns (name, stream arn)."""
        name = name or new_name("st")
        desc = self.create_table(name, sse=sse, StreamSpecification=spec(view_type))
        return name, desc["LatestStreamArn"]

    def shard(self, arn):
        (shard,) = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        return shard

    def iterator(self, arn, kind="TRIM_HORIZON", **kw):
        shard = self.shard(arn)
        return self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                               ShardIteratorType=kind, **kw)["ShardIterator"]

    def records(self, arn, kind="TRIM_HORIZON", **kw):
        """Every record from `kind` to the end of what is there now."""
        it, out = self.iterator(arn, kind, **kw), []
        while it:
            r = self.streams.get_records(ShardIterator=it)
            out += r["Records"]
            if not r["Records"]:
                break
            it = r.get("NextShardIterator")
        return out

    def events(self, arn, **kw):
        return [r["eventName"] for r in self.records(arn, **kw)]


# =========================================================================================
class StreamSpecificationTest(StreamsCase):

    def test_create_table_with_stream_is_described(self):
        for view in VIEW_TYPES:
            with self.subTest(view=view):
                name = new_name("spec")
                desc = self.create_table(name, StreamSpecification=spec(view))
                self.assertEqual(desc["StreamSpecification"], spec(view))
                label = desc["LatestStreamLabel"]
                self.assertRegex(label, LABEL)
                self.assertEqual(desc["LatestStreamArn"], f"{table_arn(name)}/stream/{label}")
                table = self.table(name)
                self.assertEqual(table["StreamSpecification"], spec(view))
                self.assertEqual(table["LatestStreamArn"], desc["LatestStreamArn"])
                listed = self.streams.list_streams(TableName=name)["Streams"]
                self.assertEqual(listed, [{"StreamArn": desc["LatestStreamArn"], "TableName": name,
                                           "StreamLabel": label}])
                d = self.streams.describe_stream(StreamArn=desc["LatestStreamArn"])["StreamDescription"]
                self.assertEqual(d["StreamStatus"], "ENABLING")  # for --ddb-stream-transition-seconds (5)
                self.assertEqual(d["StreamViewType"], view)
                self.assertEqual(d["TableName"], name)
                self.assertEqual(d["StreamLabel"], label)
                self.assertEqual(d["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"}])
                (shard,) = d["Shards"]
                self.assertRegex(shard["ShardId"], r"^shardId-\d{20}-[0-9a-f]{8}$")
                self.assertRegex(shard["SequenceNumberRange"]["StartingSequenceNumber"], r"^\d{21}$")
                self.assertNotIn("EndingSequenceNumber", shard["SequenceNumberRange"])

    def test_status_is_enabling_then_enabled_on_the_server_clock(self):
        name, arn = self.stream_table()
        status = lambda: self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"]
        self.assertEqual(status(), "ENABLING")
        self.put(name, "a", v={"S": "1"})  # records are kept from the start
        self.srv.advance_clock(4)
        self.assertEqual(status(), "ENABLING")
        self.srv.advance_clock(1)
        self.assertEqual(status(), "ENABLED")
        self.assertEqual(self.events(arn), ["INSERT"])

    def test_table_without_stream_has_none(self):
        name = new_name("plain")
        desc = self.create_table(name, StreamSpecification={"StreamEnabled": False})
        for d in (desc, self.table(name)):
            self.assertNotIn("StreamSpecification", d)
            self.assertNotIn("LatestStreamArn", d)
        self.assertEqual(self.streams.list_streams(TableName=name)["Streams"], [])

    def test_specification_errors(self):
        name = new_name("errs")
        self.assertDdbError("ValidationException",
                            INVALID + "Table is being created with a stream enabled, UpdateViewType is required",
                            self.create_table, name=name, StreamSpecification={"StreamEnabled": True})
        self.assertDdbError("ResourceNotFoundException", None, self.table, name=name)
        self.create_table(name)
        up = self.ddb.update_table
        self.assertDdbError("ValidationException", f"Table has no stream to disable: TableName: {name}",
                            up, TableName=name, StreamSpecification={"StreamEnabled": False})
        self.assertDdbError("ValidationException",
                            INVALID + "If stream is being enabled then UpdateViewType is required",
                            up, TableName=name, StreamSpecification={"StreamEnabled": True})
        self.assertDdbError("ValidationException",
                            INVALID + "If stream is being disabled, then UpdateViewType must not be specified",
                            up, TableName=name,
                            StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})
        desc = up(TableName=name, StreamSpecification=spec("KEYS_ONLY"))["TableDescription"]
        self.assertEqual(desc["TableStatus"], "UPDATING")
        self.assertEqual(desc["StreamSpecification"], spec("KEYS_ONLY"))
        for view in ("KEYS_ONLY", "NEW_IMAGE"):
            self.assertDdbError("ValidationException", f"Table already has an enabled stream: TableName: {name}",
                                up, TableName=name, StreamSpecification=spec(view))
        raw = self.srv.ddb_raw(harness.ADMIN, "UpdateTable", {
            "TableName": name, "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "ALL"}})
        self.assertEqual(raw.status, 400)
        self.assertEqual(raw.body["message"],
                         "1 validation error detected: Value 'ALL' at 'streamSpecification.streamViewType' "
                         "failed to satisfy constraint: Member must satisfy enum value set: "
                         "[NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]")

    def test_disable_keeps_the_old_stream_and_reenable_mints_a_new_one(self):
        name, first = self.stream_table("NEW_IMAGE")
        self.put(name, "a", v={"S": "1"})
        self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        table = self.table(name)
        self.assertNotIn("StreamSpecification", table)
        self.assertEqual(table["LatestStreamArn"], first)
        self.put(name, "b", v={"S": "2"})  # no stream: no record anywhere
        d = self.streams.describe_stream(StreamArn=first)["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "DISABLING")
        self.srv.advance_clock(5)
        d = self.streams.describe_stream(StreamArn=first)["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "DISABLED")
        rng = d["Shards"][0]["SequenceNumberRange"]
        self.assertIn("EndingSequenceNumber", rng)
        # The closed shard is read to its end: no next iterator.
        r = self.streams.get_records(ShardIterator=self.iterator(first))
        self.assertEqual([x["eventName"] for x in r["Records"]], ["INSERT"])
        self.assertNotIn("NextShardIterator", r)
        desc = self.ddb.update_table(TableName=name, StreamSpecification=spec("KEYS_ONLY"))["TableDescription"]
        second = desc["LatestStreamArn"]
        self.assertNotEqual(second, first)
        arns = [s["StreamArn"] for s in self.streams.list_streams(TableName=name)["Streams"]]
        self.assertEqual(sorted(arns), sorted([first, second]))
        self.put(name, "c", v={"S": "3"})
        self.assertEqual(self.events(second), ["INSERT"])
        self.assertEqual(self.events(first), ["INSERT"])

    def test_delete_table_leaves_a_readable_disabled_stream(self):
        name, arn = self.stream_table()
        self.put(name, "a", v={"S": "1"})
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
        self.ddb.delete_table(TableName=name)
        d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "DISABLING")
        self.srv.advance_clock(5)
        d = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(d["StreamStatus"], "DISABLED")
        self.assertEqual(self.events(arn), ["INSERT", "REMOVE"])
        self.assertIn(arn, [s["StreamArn"] for s in self.streams.list_streams()["Streams"]])


# =========================================================================================
class RecordsTest(StreamsCase):

    def write_all_kinds(self, name):
        """INSERT, MODIFY (overwrite), MODIFY (update), REMOVE, and writes that change nothing."""
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "one"}})
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "two"}})
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "two"}})  # same item
        self.ddb.update_item(TableName=name, Key={"pk": {"S": "k"}}, UpdateExpression="SET w = :w",
                             ExpressionAttributeValues={":w": {"S": "3"}})
        self.assertDdbError("ConditionalCheckFailedException", None, self.ddb.put_item, TableName=name,
                            Item={"pk": {"S": "k"}}, ConditionExpression="attribute_not_exists(pk)")
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "k"}})
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "missing"}})  # nothing to delete

    def test_a_table_with_an_index_and_a_stream_follows_both(self):
        # Each change is parsed once for the index and the stream (item_changes.h): both still see it.
        name = new_name("st")
        arn = self.ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST", StreamSpecification=spec("NEW_AND_OLD_IMAGES"),
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "v", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{"IndexName": "by-v", "KeySchema": [{"AttributeName": "v", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}])["TableDescription"]["LatestStreamArn"]
        self.write_all_kinds(name)
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "two"}, "w": {"S": "4"}})

        def by_v(v):
            return self.ddb.query(TableName=name, IndexName="by-v", KeyConditionExpression="v = :v",
                                  ExpressionAttributeValues={":v": {"S": v}})["Items"]

        self.assertEqual(by_v("one"), [])
        self.assertEqual(by_v("two"), [{"pk": {"S": "k"}, "v": {"S": "two"}, "w": {"S": "4"}}])
        recs = self.records(arn)
        self.assertEqual([r["eventName"] for r in recs], ["INSERT", "MODIFY", "MODIFY", "REMOVE", "INSERT"])
        self.assertEqual(recs[1]["dynamodb"]["OldImage"], {"pk": {"S": "k"}, "v": {"S": "one"}})
        self.assertEqual(recs[4]["dynamodb"]["NewImage"], {"pk": {"S": "k"}, "v": {"S": "two"}, "w": {"S": "4"}})

    def test_every_view_type_has_its_images(self):
        one = {"pk": {"S": "k"}, "v": {"S": "one"}}
        two = {"pk": {"S": "k"}, "v": {"S": "two"}}
        three = {"pk": {"S": "k"}, "v": {"S": "two"}, "w": {"S": "3"}}
        expected_new = [one, two, three, None]
        expected_old = [None, one, two, three]
        for view in VIEW_TYPES:
            with self.subTest(view=view):
                name, arn = self.stream_table(view)
                self.write_all_kinds(name)
                recs = self.records(arn)
                self.assertEqual([r["eventName"] for r in recs], ["INSERT", "MODIFY", "MODIFY", "REMOVE"])
                seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
                self.assertEqual(seqs, sorted(set(seqs)))
                for r, new, old in zip(recs, expected_new, expected_old):
                    self.assertEqual(r["eventVersion"], "1.1")
                    self.assertEqual(r["eventSource"], "aws:dynamodb")
                    self.assertEqual(r["awsRegion"], harness.REGION)
                    self.assertRegex(r["eventID"], r"^[0-9a-f]{32}$")
                    self.assertNotIn("userIdentity", r)
                    ddb = r["dynamodb"]
                    self.assertEqual(ddb["Keys"], {"pk": {"S": "k"}})
                    self.assertEqual(ddb["StreamViewType"], view)
                    self.assertIn("ApproximateCreationDateTime", ddb)
                    want_new = new if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") else None
                    want_old = old if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") else None
                    self.assertEqual(ddb.get("NewImage"), want_new)
                    self.assertEqual(ddb.get("OldImage"), want_old)
                    size = 3  # Keys {pk: "k"}: 2 + 1; images of S values: name + value lengths
                    for image in (want_new, want_old):
                        if image:
                            size += sum(len(k) + len(v["S"]) for k, v in image.items())
                    self.assertEqual(ddb["SizeBytes"], size)

    def test_size_bytes_matches_the_recording(self):
        # Reference §6.3: Keys {id:"Fred"} 6 + New {id,name} 14 + Old 6 = 26.
        name = new_name("fred")
        self.ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              StreamSpecification=spec("NEW_AND_OLD_IMAGES"))
        arn = self.table(name)["LatestStreamArn"]
        self.ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}})
        self.ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}, "name": {"S": "Fred"}})
        self.assertEqual([r["dynamodb"]["SizeBytes"] for r in self.records(arn)], [12, 26])

    def test_batch_and_transaction_writes(self):
        name, arn = self.stream_table("KEYS_ONLY")
        self.put(name, "old", v={"S": "x"})
        self.ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": "b1"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "old"}, "v": {"S": "y"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "nothing"}}}}]})
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "t1"}}}},
            {"Update": {"TableName": name, "Key": {"pk": {"S": "b1"}}, "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "z"}}}},
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "old"}}}}])
        recs = self.records(arn)
        self.assertEqual([(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in recs],
                         [("INSERT", "old"), ("INSERT", "b1"), ("MODIFY", "old"),
                          ("INSERT", "t1"), ("MODIFY", "b1"), ("REMOVE", "old")])

    def test_iterator_types_and_paging(self):
        name, arn = self.stream_table("KEYS_ONLY")
        for i in range(5):
            self.put(name, f"i{i}")
        recs = self.records(arn)
        seqs = [r["dynamodb"]["SequenceNumber"] for r in recs]
        self.assertEqual(len(seqs), 5)
        latest = self.iterator(arn, "LATEST")
        self.assertEqual(self.streams.get_records(ShardIterator=latest)["Records"], [])
        keys = lambda rs: [r["dynamodb"]["Keys"]["pk"]["S"] for r in rs]  # noqa: E731
        self.assertEqual(keys(self.records(arn, "AT_SEQUENCE_NUMBER", SequenceNumber=seqs[2])),
                         ["i2", "i3", "i4"])
        self.assertEqual(keys(self.records(arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=seqs[2])),
                         ["i3", "i4"])
        # Pages of two, each with a next iterator on an open shard.
        it, pages = self.iterator(arn), []
        for _ in range(4):
            r = self.streams.get_records(ShardIterator=it, Limit=2)
            pages.append(keys(r["Records"]))
            it = r["NextShardIterator"]
        self.assertEqual(pages, [["i0", "i1"], ["i2", "i3"], ["i4"], []])
        self.put(name, "i5")
        self.assertEqual(keys(self.streams.get_records(ShardIterator=it)["Records"]), ["i5"])
        self.assertEqual(keys(self.streams.get_records(ShardIterator=latest)["Records"]), ["i5"])

    def test_api_errors(self):
        name, arn = self.stream_table("KEYS_ONLY")
        shard = self.shard(arn)["ShardId"]
        it = self.iterator(arn)
        s = self.streams
        self.assertDdbError("LimitExceededException", None, s.get_records, ShardIterator=it, Limit=1001)
        self.assertDdbError("ValidationException", "Invalid ShardIterator", s.get_records,
                            ShardIterator=it[:-6] + "AAAA==")
        self.assertDdbError("ValidationException", "Invalid ShardIterator", s.get_records,
                            ShardIterator="x" * 100)
        forged = arn.replace(name, name + "x") + it[len(arn):]
        self.assertDdbError("ValidationException", "Invalid ShardIterator", s.get_records, ShardIterator=forged)
        self.assertDdbError("ValidationException", None, s.get_shard_iterator, StreamArn=arn, ShardId=shard,
                            ShardIteratorType="AT_SEQUENCE_NUMBER")
        missing = arn.replace(name, name + "-gone")
        self.assertDdbError("ResourceNotFoundException",
                            f"Requested resource not found: Stream: {missing} not found",
                            s.describe_stream, StreamArn=missing)
        self.assertDdbError("ResourceNotFoundException", None, s.get_shard_iterator, StreamArn=arn,
                            ShardId="shardId-00000000000000000000-00000000", ShardIteratorType="LATEST")
        # A streams target is not a DynamoDB operation, and the reverse.
        raw = self.srv.ddb_raw(harness.ADMIN, "ListStreams", {})
        self.assertEqual(raw.status, 400)
        self.assertIn("UnknownOperationException", raw.body["__type"])

    def test_expired_iterator(self):
        name, arn = self.stream_table("KEYS_ONLY")
        self.put(name, "a")
        it = self.iterator(arn)
        self.srv.advance_clock(15 * 60 + 1)
        self.assertDdbError("ExpiredIteratorException", EXPIRED, self.streams.get_records, ShardIterator=it)
        self.assertEqual(self.events(arn), ["INSERT"])

    def test_aws_cli_reads_a_stream(self):
        name, arn = self.stream_table("NEW_IMAGE")
        self.put(name, "cli", v={"S": "via cli"})
        res = self.srv.aws(harness.ADMIN, "dynamodbstreams", "describe-stream", "--stream-arn", arn)
        self.assertEqual(res.rc, 0, res.stderr)
        shard = res.json["StreamDescription"]["Shards"][0]["ShardId"]
        res = self.srv.aws(harness.ADMIN, "dynamodbstreams", "get-shard-iterator", "--stream-arn", arn,
                           "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON")
        self.assertEqual(res.rc, 0, res.stderr)
        res = self.srv.aws(harness.ADMIN, "dynamodbstreams", "get-records", "--shard-iterator",
                           res.json["ShardIterator"])
        self.assertEqual(res.rc, 0, res.stderr)
        (rec,) = res.json["Records"]
        self.assertEqual(rec["dynamodb"]["NewImage"], {"pk": {"S": "cli"}, "v": {"S": "via cli"}})


# =========================================================================================
class RestartAndTrimTest(StreamsCase):

    def test_records_survive_a_restart(self):
        key = self.create_key()
        tables = [self.stream_table("NEW_IMAGE"), self.stream_table("NEW_IMAGE", sse=sse_kms(key["KeyId"]))]
        for name, _ in tables:
            self.put(name, "a", v={"S": "1"})
            self.put(name, "a", v={"S": "2"})
        before = {arn: self.records(arn) for _, arn in tables}
        for c in self.srv._clients.values():
            if hasattr(c, "close"):
                c.close()
        self.srv.restart()
        for name, arn in tables:
            self.assertEqual(self.records(arn), before[arn])
            self.put(name, "b")
            recs = self.records(arn)
            self.assertEqual([r["eventName"] for r in recs], ["INSERT", "MODIFY", "INSERT"])
            seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
            self.assertEqual(seqs, sorted(set(seqs)))

    def test_records_reach_the_disk_only_sealed(self):
        name, arn = self.stream_table("NEW_AND_OLD_IMAGES")
        secret = "stream-secret-" + new_name("v")
        self.put(name, "s", v={"S": secret})
        self.put(name, "s", v={"S": secret + "-2"})
        self.assertEqual(len(self.records(arn)), 2)
        for root, _, files in os.walk(self.srv.data_dir):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    self.assertNotIn(secret.encode(), fh.read(), f)

    def test_records_older_than_a_day_are_trimmed(self):
        name, arn = self.stream_table("KEYS_ONLY")
        self.put(name, "old")
        old_seq = self.records(arn)[0]["dynamodb"]["SequenceNumber"]
        self.srv.advance_clock(DAY - 60)
        self.put(name, "new")
        self.assertEqual(len(self.records(arn)), 2)
        horizon = self.iterator(arn)
        self.srv.advance_clock(120)  # "old" is now older than 24 h
        self.assertDdbError("TrimmedDataAccessException", TRIMMED, self.streams.get_records,
                            ShardIterator=horizon)
        self.assertDdbError("TrimmedDataAccessException", TRIMMED, self.iterator, arn=arn,
                            kind="AT_SEQUENCE_NUMBER", SequenceNumber=old_seq)
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in self.records(arn)], ["new"])
        # Also after a restart (the trim point is stored).
        for c in self.srv._clients.values():
            if hasattr(c, "close"):
                c.close()
        self.srv.restart()
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in self.records(arn)], ["new"])

    def test_closed_streams_are_forgotten_after_a_day(self):
        name, arn = self.stream_table("KEYS_ONLY")
        self.put(name, "a")
        self.ddb.delete_table(TableName=name)
        self.srv.advance_clock(DAY - 60)
        self.assertEqual(self.events(arn), ["INSERT"])
        self.srv.advance_clock(120)
        self.assertNotIn(arn, [s["StreamArn"] for s in self.streams.list_streams()["Streams"]])
        self.assertDdbError("ResourceNotFoundException", None, self.streams.describe_stream, StreamArn=arn)


# =========================================================================================
class CmkStreamTest(StreamsCase):

    def test_disabled_key_fails_reads_after_the_cache_and_enable_key_recovers(self):
        key = self.create_key()
        name, arn = self.stream_table(sse=sse_kms(key["KeyId"]))
        self.put(name, "a", v={"S": "1"})
        self.put(name, "b", v={"S": "2"})
        self.assertEqual(self.events(arn), ["INSERT", "INSERT"])
        it = self.iterator(arn)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertEqual(len(self.streams.get_records(ShardIterator=it)["Records"]), 2)  # cached
        self.srv.advance_clock(360)
        shard = self.shard(arn)["ShardId"]  # DescribeStream needs no key
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.streams.get_records,
                            ShardIterator=it)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.streams.get_shard_iterator,
                            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.get_item,
                            TableName=name, Key={"pk": {"S": "a"}})
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(self.events(arn), ["INSERT", "INSERT"])
        self.put(name, "c")
        self.assertEqual(self.events(arn), ["INSERT", "INSERT", "INSERT"])

    def test_records_age_out_while_the_key_is_disabled(self):
        key = self.create_key()
        name, arn = self.stream_table("KEYS_ONLY", sse=sse_kms(key["KeyId"]))
        self.put(name, "early")
        self.srv.advance_clock(12 * 3600)
        self.put(name, "late")
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(12 * 3600 + 60)  # "early" is past 24 h, "late" is not
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.iterator, arn=arn)
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in self.records(arn)], ["late"])

    def test_stream_of_a_deleted_cmk_table(self):
        key = self.create_key()
        name, arn = self.stream_table("NEW_IMAGE", sse=sse_kms(key["KeyId"]))
        self.put(name, "a", v={"S": "1"})
        self.ddb.delete_table(TableName=name)
        self.assertEqual(self.events(arn), ["INSERT"])
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(360)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.iterator, arn=arn)
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(self.events(arn), ["INSERT"])


class ReadableWhileKeyUnusableTest(StreamsCase):
    ARGS = ("--ddb-streams-readable-while-key-unusable",)

    def test_switch_keeps_records_readable(self):
        key = self.create_key()
        name, arn = self.stream_table(sse=sse_kms(key["KeyId"]))
        self.put(name, "a", v={"S": "1"})
        self.assertEqual(self.events(arn), ["INSERT"])
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(360)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.get_item,
                            TableName=name, Key={"pk": {"S": "a"}})
        recs = self.records(arn)
        self.assertEqual(recs[0]["dynamodb"]["NewImage"], {"pk": {"S": "a"}, "v": {"S": "1"}})
