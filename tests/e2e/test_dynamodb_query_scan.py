"""DynamoDB shim, Query and Scan (docs/spec/dynamodb.md §4): pages of at most 1 MB read
(boto3's paginators over 300 items of ~10 KB), Limit counted before the FilterExpression,
LastEvaluatedKey, parallel Scan (Segment / TotalSegments), Select and its validation texts,
nested ProjectionExpression (GetItem, Query, Scan), reserved words in every expression,
ReturnConsumedCapacity, and TableName given as a table ARN.
"""
import math

import harness
from ddb_case import DdbCase, new_name, table_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

MB = 1024 * 1024
PAYLOAD = "x" * 10000
RESERVED = "Attribute name is a reserved keyword; reserved keyword: "


def item_size(item):
    """DynamoDB's item size (reference §12.1) of an item of S and N values."""
    def value_size(av):
        (t, v), = av.items()
        if t == "S":
            return len(v.encode())
        digits = v.lstrip("-").replace(".", "").strip("0") or "0"
        return 1 + math.ceil(len(digits) / 2)
    return sum(len(name.encode()) + value_size(av) for name, av in item.items())


class QueryScanTest(DdbCase):
    srv = SRV

    @classmethod
    def setUpClass(cls):
        """`one_partition`: pk "big", sk 0..299 (n = sk, for filters); `many_partitions`: pk p0..p299;
        ~10 KB each."""
        cls.one_partition, cls.many_partitions = new_name("qs-one"), new_name("qs-many")
        case = cls()
        case.create_table(cls.one_partition, range_type="N")
        case.create_table(cls.many_partitions)
        for i in range(300):
            case.ddb.put_item(TableName=cls.one_partition,
                              Item={"pk": {"S": "big"}, "sk": {"N": str(i)}, "n": {"N": str(i)},
                                    "payload": {"S": PAYLOAD}})
            case.ddb.put_item(TableName=cls.many_partitions,
                              Item={"pk": {"S": f"p{i}"}, "payload": {"S": PAYLOAD}})

    def assertPagesOfOneMegabyte(self, pages):
        """Every page but the last stopped on the item that took its reads to 1 MB, and
        carried LastEvaluatedKey; the last one reached the end."""
        for page in pages[:-1]:
            sizes = [item_size(i) for i in page["Items"]]
            self.assertGreaterEqual(sum(sizes), MB)
            self.assertLess(sum(sizes[:-1]), MB)
            self.assertEqual(page["Count"], page["ScannedCount"])
            self.assertIn("LastEvaluatedKey", page)
        self.assertNotIn("LastEvaluatedKey", pages[-1])
        self.assertLess(sum(item_size(i) for i in pages[-1]["Items"]), MB)

    # --- pagination ---------------------------------------------------------------------
    def test_scan_paginator_sees_every_item_once_in_pages_of_1_mb(self):
        pages = list(self.ddb.get_paginator("scan").paginate(TableName=self.many_partitions))
        keys = [i["pk"]["S"] for page in pages for i in page["Items"]]
        self.assertEqual(sorted(keys), sorted(f"p{i}" for i in range(300)))
        self.assertEqual(len(pages), 3)  # ~10 KB items: 105 per MB
        self.assertPagesOfOneMegabyte(pages)

    def test_query_paginator_sees_every_item_once_in_pages_of_1_mb(self):
        for forward in (True, False):
            pages = list(self.ddb.get_paginator("query").paginate(
                TableName=self.one_partition, KeyConditionExpression="pk = :p", ScanIndexForward=forward,
                ExpressionAttributeValues={":p": {"S": "big"}}))
            sks = [int(i["sk"]["N"]) for page in pages for i in page["Items"]]
            self.assertEqual(sks, list(range(300)) if forward else list(range(299, -1, -1)))
            self.assertEqual(len(pages), 3)
            self.assertPagesOfOneMegabyte(pages)

    def test_limit_counts_items_read_before_the_filter(self):
        kw = dict(TableName=self.one_partition, KeyConditionExpression="pk = :p",
                  FilterExpression="n < :ten", ProjectionExpression="sk",
                  ExpressionAttributeValues={":p": {"S": "big"}, ":ten": {"N": "10"}})
        r = self.ddb.query(Limit=25, **kw)
        self.assertEqual((r["Count"], r["ScannedCount"]), (10, 25))
        self.assertEqual(r["LastEvaluatedKey"], {"pk": {"S": "big"}, "sk": {"N": "24"}})
        r = self.ddb.query(Limit=25, ExclusiveStartKey=r["LastEvaluatedKey"], **kw)
        self.assertEqual((r["Count"], r["ScannedCount"], r["Items"]), (0, 25, []))  # empty page, with an LEK
        self.assertEqual(r["LastEvaluatedKey"]["sk"], {"N": "49"})
        # A page that stops on Limit carries an LEK even when nothing follows.
        r = self.ddb.query(Limit=300, **kw)
        self.assertEqual((r["Count"], r["ScannedCount"]), (10, 105))  # 1 MB came first
        r = self.ddb.query(Limit=5, ExclusiveStartKey={"pk": {"S": "big"}, "sk": {"N": "294"}}, **kw)
        self.assertEqual((r["Count"], r["ScannedCount"]), (0, 5))
        self.assertEqual(r["LastEvaluatedKey"]["sk"], {"N": "299"})
        r = self.ddb.query(Limit=5, ExclusiveStartKey=r["LastEvaluatedKey"], **kw)
        self.assertEqual((r["Count"], r["ScannedCount"]), (0, 0))
        self.assertNotIn("LastEvaluatedKey", r)
        r = self.ddb.query(Limit=6, ExclusiveStartKey={"pk": {"S": "big"}, "sk": {"N": "294"}}, **kw)
        self.assertEqual(r["ScannedCount"], 5)
        self.assertNotIn("LastEvaluatedKey", r)  # the end came first

    def test_query_errors(self):
        q = dict(TableName=self.one_partition, KeyConditionExpression="pk = :p AND sk > :s",
                 ExpressionAttributeValues={":p": {"S": "big"}, ":s": {"N": "100"}})
        self.assertDdbError("ValidationException",
                            "The provided starting key is invalid: The provided key element does not match the schema",
                            self.ddb.query, ExclusiveStartKey={"pk": {"S": "big"}}, **q)
        self.assertDdbError("ValidationException",
                            "The provided starting key is outside query boundaries based on provided conditions",
                            self.ddb.query, ExclusiveStartKey={"pk": {"S": "other"}, "sk": {"N": "101"}}, **q)
        self.assertDdbError("ValidationException",
                            "The provided starting key does not match the range key predicate",
                            self.ddb.query, ExclusiveStartKey={"pk": {"S": "big"}, "sk": {"N": "5"}}, **q)
        self.assertDdbError("ValidationException",
                            "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
                            self.ddb.query, FilterExpression="payload = :p OR sk = :s", **q)
        self.assertDdbError("ValidationException",
                            "The provided starting key is invalid: The provided key element does not match the schema",
                            self.ddb.scan, TableName=self.many_partitions,
                            ExclusiveStartKey={"pk": {"N": "1"}})

    # --- parallel scan ------------------------------------------------------------------
    def test_parallel_scan_segments_cover_every_item_once(self):
        segments = []
        for segment in range(4):
            pages = list(self.ddb.get_paginator("scan").paginate(
                TableName=self.many_partitions, Segment=segment, TotalSegments=4, ProjectionExpression="pk",
                PaginationConfig={"PageSize": 20}))
            self.assertTrue(all(p["ScannedCount"] <= 20 for p in pages))
            segments.append([i["pk"]["S"] for p in pages for i in p["Items"]])
        everything = [k for keys in segments for k in keys]
        self.assertEqual(sorted(everything), sorted(f"p{i}" for i in range(300)))  # once each
        self.assertTrue(all(keys for keys in segments), [len(k) for k in segments])
        # One partition lies in one segment.
        counts = [self.ddb.scan(TableName=self.one_partition, Segment=s, TotalSegments=2, Select="COUNT",
                                Limit=1000)["ScannedCount"] for s in range(2)]
        self.assertEqual(sorted(counts)[0], 0)
        r = self.ddb.scan(TableName=self.many_partitions, Segment=0, TotalSegments=1, Select="COUNT")
        self.assertEqual(r["ScannedCount"], 105)

    def test_parallel_scan_errors(self):
        t = self.many_partitions
        self.assertDdbError("ValidationException",
                            "The TotalSegments parameter is required but was not present in the request when "
                            "Segment parameter is present", self.ddb.scan, TableName=t, Segment=0)
        self.assertDdbError("ValidationException",
                            "The Segment parameter is required but was not present in the request when parameter "
                            "TotalSegments is present", self.ddb.scan, TableName=t, TotalSegments=2)
        self.assertDdbError("ValidationException",
                            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
                            "Segment: 5 is not less than TotalSegments: 5",
                            self.ddb.scan, TableName=t, Segment=5, TotalSegments=5)
        r = self.srv.ddb_raw(harness.ADMIN, "Scan", {"TableName": t, "Segment": -1, "TotalSegments": 1000001,
                                                     "Limit": 0})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.body["message"],
                         "3 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member "
                         "must have value greater than or equal to 1; Value '1000001' at 'totalSegments' failed "
                         "to satisfy constraint: Member must have value less than or equal to 1000000; Value '-1' "
                         "at 'segment' failed to satisfy constraint: Member must have value greater than or "
                         "equal to 0")
        r = self.srv.ddb_raw(harness.ADMIN, "Query", {"TableName": t, "Limit": 0,
                                                      "KeyConditionExpression": "pk = :p",
                                                      "ExpressionAttributeValues": {":p": {"S": "p1"}}})
        self.assertEqual(r.body["message"],
                         "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must "
                         "have value greater than or equal to 1")

    # --- Select ---------------------------------------------------------------------------
    def test_select_count_and_specific_attributes(self):
        q = dict(TableName=self.one_partition, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "big"}, ":s": {"N": "3"}}, FilterExpression="n < :s")
        r = self.ddb.query(Select="COUNT", Limit=50, **q)
        self.assertNotIn("Items", r)
        self.assertEqual((r["Count"], r["ScannedCount"]), (3, 50))
        r = self.ddb.query(Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="sk", Limit=3, **q)
        self.assertEqual(r["Items"], [{"sk": {"N": "0"}}, {"sk": {"N": "1"}}, {"sk": {"N": "2"}}])
        r = self.ddb.query(Select="ALL_ATTRIBUTES", Limit=1, **q)
        self.assertEqual(set(r["Items"][0]), {"pk", "sk", "n", "payload"})

    def test_select_validation_texts(self):
        v1 = "1 validation error detected: "
        q = dict(TableName=self.one_partition, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "big"}})
        s = dict(TableName=self.many_partitions)
        specific = "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
        count = "Cannot specify the ProjectionExpression when choosing to get only the Count"
        everything = "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"
        projected = "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        for op, kw, prefix in ((self.ddb.query, q, v1), (self.ddb.scan, s, "")):
            self.assertDdbError("ValidationException", prefix + specific, op, Select="SPECIFIC_ATTRIBUTES", **kw)
            self.assertDdbError("ValidationException", prefix + count, op, Select="COUNT",
                                ProjectionExpression="pk", **kw)
            self.assertDdbError("ValidationException", prefix + everything, op, Select="ALL_ATTRIBUTES",
                                ProjectionExpression="pk", **kw)
            self.assertDdbError("ValidationException", prefix + projected, op, Select="ALL_PROJECTED_ATTRIBUTES",
                                **kw)
        self.assertDdbError("ValidationException",
                            v1 + "Value 'SOME' at 'select' failed to satisfy constraint: Member must satisfy enum "
                            "value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
                            self.ddb.scan, Select="SOME", **s)

    # --- projections ----------------------------------------------------------------------
    def test_nested_projection_in_get_item_query_and_scan(self):
        name = self.new_nested_table()
        want = {"m": {"M": {"a": {"L": [{"M": {"c": {"S": "c1"}}}]}}}, "l": {"L": [{"N": "0"}, {"N": "2"}]},
                "name": {"S": "n"}}
        kw = dict(ProjectionExpression="m.a[1].c, l[2], #n, l[0], m.a[1].absent, nothing",
                  ExpressionAttributeNames={"#n": "name"})
        got = self.ddb.get_item(TableName=name, Key={"pk": {"S": "k"}}, **kw)["Item"]
        self.assertEqual(got, want)
        r = self.ddb.query(TableName=name, KeyConditionExpression="pk = :k",
                           ExpressionAttributeValues={":k": {"S": "k"}}, **kw)
        self.assertEqual(r["Items"], [want])
        self.assertEqual(self.ddb.scan(TableName=name, **kw)["Items"], [want])
        self.assertDdbError("ValidationException",
                            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
                            "or rewrite one of these paths; path one: [m, a], path two: [m, a, [1], c]",
                            self.ddb.scan, TableName=name, ProjectionExpression="m.a, m.a[1].c")

    def new_nested_table(self):
        name = new_name("qs-nested")
        self.create_table(name)
        self.ddb.put_item(TableName=name, Item={
            "pk": {"S": "k"}, "name": {"S": "n"},
            "m": {"M": {"a": {"L": [{"S": "a0"}, {"M": {"c": {"S": "c1"}, "d": {"S": "d1"}}}]}, "b": {"N": "1"}}},
            "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}})
        return name

    # --- reserved words -------------------------------------------------------------------
    def test_reserved_words_in_every_expression(self):
        name = self.new_nested_table()
        key = {"pk": {"S": "k"}}
        err = "ValidationException"
        self.assertDdbError(err, "Invalid ProjectionExpression: " + RESERVED + "name",
                            self.ddb.get_item, TableName=name, Key=key, ProjectionExpression="pk, name")
        self.assertDdbError(err, "Invalid FilterExpression: " + RESERVED + "Status",
                            self.ddb.scan, TableName=name, FilterExpression="m.Status = :v",
                            ExpressionAttributeValues={":v": {"S": "x"}})
        self.assertDdbError(err, "Invalid KeyConditionExpression: " + RESERVED + "COUNT",
                            self.ddb.query, TableName=name, KeyConditionExpression="pk = :v AND COUNT = :v",
                            ExpressionAttributeValues={":v": {"S": "x"}})
        # PutItem's "1 validation error detected: " envelope (reference §0) is another change's.
        self.assertDdbError(err, "^(1 validation error detected: )?Invalid ConditionExpression: " + RESERVED + "data$",
                            self.ddb.put_item, TableName=name, Item=key, ConditionExpression="attribute_exists(data)")
        self.assertDdbError(err, "1 validation error detected: Invalid UpdateExpression: " + RESERVED + "name",
                            self.ddb.update_item, TableName=name, Key=key, UpdateExpression="SET name = :v",
                            ExpressionAttributeValues={":v": {"S": "x"}})
        # A placeholder stands for the word.
        r = self.ddb.get_item(TableName=name, Key=key, ProjectionExpression="#n",
                              ExpressionAttributeNames={"#n": "name"})
        self.assertEqual(r["Item"], {"name": {"S": "n"}})

    # --- capacity, consistency, ARNs ------------------------------------------------------
    def test_consumed_capacity_and_consistent_read(self):
        q = dict(TableName=self.one_partition, KeyConditionExpression="pk = :p", Limit=4,
                 ExpressionAttributeValues={":p": {"S": "big"}})
        r = self.ddb.query(ReturnConsumedCapacity="TOTAL", **q)  # 4 x ~10 KB = 10 units of 4 KB
        self.assertEqual(r["ConsumedCapacity"], {"TableName": self.one_partition, "CapacityUnits": 5.0})
        r = self.ddb.query(ReturnConsumedCapacity="INDEXES", ConsistentRead=True, **q)
        self.assertEqual(r["ConsumedCapacity"], {"TableName": self.one_partition, "CapacityUnits": 10.0,
                                                 "Table": {"CapacityUnits": 10.0}})
        r = self.ddb.scan(TableName=self.many_partitions, Limit=1, ReturnConsumedCapacity="NONE",
                          ProjectionExpression="pk")
        self.assertNotIn("ConsumedCapacity", r)

    def test_table_arn_as_table_name(self):
        name = self.new_nested_table()
        arn = table_arn(name)
        key = {"pk": {"S": "k"}}
        self.assertEqual(self.ddb.get_item(TableName=arn, Key=key)["Item"]["name"], {"S": "n"})
        self.assertEqual(self.ddb.query(TableName=arn, KeyConditionExpression="pk = :k",
                                        ExpressionAttributeValues={":k": {"S": "k"}})["Count"], 1)
        self.assertEqual(self.ddb.scan(TableName=arn)["Count"], 1)
        self.ddb.update_item(TableName=arn, Key=key, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": {"N": "1"}})
        self.ddb.put_item(TableName=arn, Item={"pk": {"S": "k2"}})
        self.ddb.delete_item(TableName=arn, Key={"pk": {"S": "k2"}})
        self.assertEqual(self.ddb.scan(TableName=name)["Items"][0]["v"], {"N": "1"})
        for elsewhere in (arn.replace(f":{harness.REGION}:", ":eu-west-3:"),
                          arn.replace("arn:aws:", "arn:aws-cn:")):
            self.assertDdbError("ResourceNotFoundException", "Requested resource not found",
                                self.ddb.scan, TableName=elsewhere)
        # Another account's table needs its resource-based policy too (none here).
        foreign = arn.replace(f":{harness.ACCOUNT}:", ":999999999999:")
        self.assertAccessDenied(self.ddb.scan, harness.user_arn("admin"), "dynamodb:Scan", foreign, "no-resource",
                                TableName=foreign)
        # Authorization is on the ARN: a user without dynamodb:Scan is refused on it.
        self.assertAccessDenied(self.ddb_as("app").scan, harness.user_arn("app"), "dynamodb:Scan", arn,
                                "no-identity", TableName=arn)
