"""DynamoDB shim, legacy (non-expression) parameters through boto3's low-level client:
Expected + ConditionalOperator (PutItem, UpdateItem, DeleteItem), AttributeUpdates (UpdateItem),
AttributesToGet (GetItem, Query, Scan), KeyConditions and QueryFilter (Query), ScanFilter (Scan).
Each legacy call is checked against the same call written with expressions, on twin items or
tables, and the misuse errors carry DynamoDB's texts (docs/spec/dynamodb.md §1.2, §1.4, §4).
"""

import botocore.exceptions

import harness
from ddb_case import INVALID, DdbCase, new_name, normalize

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

BOTH = "Can not use both expression and non-expression parameters in the same request: "
ENVELOPE = "1 validation error detected: "  # the request-validation envelope of item writes (§0)
START = {"pk": {"S": "k"}, "n": {"N": "5"}, "s": {"S": "abc"}, "ss": {"SS": ["red", "green"]},
         "l": {"L": [{"S": "x"}]}, "b": {"B": b"\x01\x02\x03"}}


def keys_of(items, key="sk"):
    return [i[key]["N"] for i in items]


class LegacyParametersTest(DdbCase):
    srv = SRV

    def outcome(self, fn, **kw):
        """'ok' or the error code of fn(**kw)."""
        try:
            fn(**kw)
            return "ok"
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"]

    # --- Expected ----------------------------------------------------------------------
    def test_expected_conditions_decide_as_their_condition_expressions(self):
        name = new_name("legacy")
        self.create_table(name)
        v = {":v": {"N": "5"}}
        cases = [  # (Expected, ConditionalOperator, ConditionExpression, values)
            ({"n": {"Value": {"N": "5"}}}, None, "n = :v", v),
            ({"n": {"Exists": True, "Value": {"N": "6"}}}, None, "n = :v", {":v": {"N": "6"}}),
            ({"pk": {"Exists": False}}, None, "attribute_not_exists(pk)", None),
            ({"gone": {"Exists": False}}, None, "attribute_not_exists(gone)", None),
            ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "4"}]}}, None, "n > :v",
             {":v": {"N": "4"}}),
            ({"n": {"ComparisonOperator": "LE", "Value": {"N": "4"}}}, None, "n <= :v", {":v": {"N": "4"}}),
            ({"n": {"ComparisonOperator": "NE", "Value": {"N": "5"}}}, None, "n <> :v", v),
            ({"gone": {"ComparisonOperator": "NE", "Value": {"N": "5"}}}, None, "gone <> :v", v),
            ({"n": {"ComparisonOperator": "NOT_NULL"}}, None, "attribute_exists(n)", None),
            ({"n": {"ComparisonOperator": "NULL"}}, None, "attribute_not_exists(n)", None),
            ({"ss": {"ComparisonOperator": "CONTAINS", "Value": {"S": "red"}}}, None, "contains(ss, :v)",
             {":v": {"S": "red"}}),
            ({"s": {"ComparisonOperator": "NOT_CONTAINS", "Value": {"S": "b"}}}, None,
             "attribute_exists(s) AND NOT contains(s, :v)", {":v": {"S": "b"}}),
            ({"gone": {"ComparisonOperator": "NOT_CONTAINS", "Value": {"S": "b"}}}, None,
             "attribute_exists(gone) AND NOT contains(gone, :v)", {":v": {"S": "b"}}),
            ({"s": {"ComparisonOperator": "BEGINS_WITH", "Value": {"S": "ab"}}}, None, "begins_with(s, :v)",
             {":v": {"S": "ab"}}),
            ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}}, None,
             "n IN (:a, :v)", {":a": {"N": "1"}, ":v": {"N": "5"}}),
            ({"b": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"B": b"\x01"}, {"B": b"\x01\x09"}]}},
             None, "b BETWEEN :a AND :v", {":a": {"B": b"\x01"}, ":v": {"B": b"\x01\x09"}}),
            ({"n": {"Value": {"N": "1"}}, "s": {"Value": {"S": "abc"}}}, "OR", "n = :a OR s = :v",
             {":a": {"N": "1"}, ":v": {"S": "abc"}}),
            ({"n": {"Value": {"N": "1"}}, "s": {"Value": {"S": "abc"}}}, "AND", "n = :a AND s = :v",
             {":a": {"N": "1"}, ":v": {"S": "abc"}}),
        ]
        seen = set()
        for expected, operator, expression, values in cases:
            with self.subTest(expected=expected, operator=operator):
                legacy = {"Expected": expected}
                if operator:
                    legacy["ConditionalOperator"] = operator
                modern = {"ConditionExpression": expression}
                if values:
                    modern["ExpressionAttributeValues"] = values
                update_legacy = dict(legacy, AttributeUpdates={"tag": {"Value": {"S": "u"}}})
                update_modern = {"UpdateExpression": "SET tag = :u", "ConditionExpression": expression,
                                 "ExpressionAttributeValues": dict(values or {}, **{":u": {"S": "u"}})}
                results = []
                for kw, update in ((legacy, update_legacy), (modern, update_modern)):
                    key = {"pk": START["pk"]}
                    self.ddb.put_item(TableName=name, Item=START)
                    results.append(self.outcome(self.ddb.put_item, TableName=name,
                                                Item=dict(START, tag={"S": "written"}), **kw))
                    self.ddb.put_item(TableName=name, Item=START)
                    results.append(self.outcome(self.ddb.delete_item, TableName=name, Key=key, **kw))
                    self.ddb.put_item(TableName=name, Item=START)
                    results.append(self.outcome(self.ddb.update_item, TableName=name, Key=key, **update))
                self.assertEqual(results[:3], results[3:])
                self.assertIn(results[0], ("ok", "ConditionalCheckFailedException"))
                seen.add(results[0])
        self.assertEqual(seen, {"ok", "ConditionalCheckFailedException"})

    def test_expected_failure_leaves_the_item_and_can_return_it(self):
        name = new_name("legacy")
        self.create_table(name)
        self.ddb.put_item(TableName=name, Item=START)
        with self.assertRaises(self.ddb.exceptions.ConditionalCheckFailedException) as cm:
            self.ddb.delete_item(TableName=name, Key={"pk": START["pk"]}, Expected={"n": {"Value": {"N": "6"}}},
                                 ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(normalize(cm.exception.response["Item"]), normalize(START))
        self.assertEqual(normalize(self.get(name, "k")), normalize(START))
        old = self.ddb.delete_item(TableName=name, Key={"pk": START["pk"]}, Expected={"n": {"Value": {"N": "5"}}},
                                   ReturnValues="ALL_OLD")["Attributes"]
        self.assertEqual(normalize(old), normalize(START))
        self.assertIsNone(self.get(name, "k"))
        # Insert-only, the legacy way.
        self.ddb.put_item(TableName=name, Item=START, Expected={"pk": {"Exists": False}})
        self.assertEqual(self.outcome(self.ddb.put_item, TableName=name, Item=START,
                                      Expected={"pk": {"Exists": False}}), "ConditionalCheckFailedException")

    # --- AttributeUpdates ---------------------------------------------------------------
    def test_attribute_updates_change_items_as_update_expressions_do(self):
        name = new_name("legacy")
        self.create_table(name)
        cases = [  # (AttributeUpdates, UpdateExpression, values)
            ({"s": {"Value": {"S": "new"}}}, "SET s = :v", {":v": {"S": "new"}}),
            ({"s": {"Action": "PUT", "Value": {"M": {"a": {"N": "1"}}}}}, "SET s = :v",
             {":v": {"M": {"a": {"N": "1"}}}}),
            ({"n": {"Action": "ADD", "Value": {"N": "-7.5"}}}, "ADD n :v", {":v": {"N": "-7.5"}}),
            ({"fresh": {"Action": "ADD", "Value": {"N": "3"}}}, "ADD fresh :v", {":v": {"N": "3"}}),
            ({"ss": {"Action": "ADD", "Value": {"SS": ["blue", "red"]}}}, "ADD ss :v", {":v": {"SS": ["blue", "red"]}}),
            ({"ss": {"Action": "DELETE", "Value": {"SS": ["red", "pink"]}}}, "DELETE ss :v",
             {":v": {"SS": ["red", "pink"]}}),
            ({"ss": {"Action": "DELETE", "Value": {"SS": ["red", "green"]}}}, "DELETE ss :v",
             {":v": {"SS": ["red", "green"]}}),
            ({"s": {"Action": "DELETE"}, "gone": {"Action": "DELETE"}}, "REMOVE s, gone", None),
            ({"l": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}}}, "SET l = list_append(l, :v)",
             {":v": {"L": [{"N": "2"}]}}),
            ({"s": {"Value": {"S": "x"}}, "n": {"Action": "ADD", "Value": {"N": "1"}}, "b": {"Action": "DELETE"}},
             "SET s = :v ADD n :one REMOVE b", {":v": {"S": "x"}, ":one": {"N": "1"}}),
        ]
        for updates, expression, values in cases:
            with self.subTest(updates=updates):
                self.ddb.put_item(TableName=name, Item=START)
                legacy = self.ddb.update_item(TableName=name, Key={"pk": START["pk"]}, AttributeUpdates=updates,
                                              ReturnValues="UPDATED_NEW")
                legacy_item = self.get(name, "k")
                self.ddb.put_item(TableName=name, Item=START)
                kw = {"ExpressionAttributeValues": values} if values else {}
                modern = self.ddb.update_item(TableName=name, Key={"pk": START["pk"]}, UpdateExpression=expression,
                                              ReturnValues="UPDATED_NEW", **kw)
                self.assertEqual(normalize(legacy_item), normalize(self.get(name, "k")))
                self.assertEqual(normalize(legacy.get("Attributes")), normalize(modern.get("Attributes")))
                self.assertNotEqual(normalize(legacy_item), normalize(START))

    def test_attribute_updates_on_a_missing_item_and_under_expected(self):
        name = new_name("legacy")
        self.create_table(name)
        new = self.ddb.update_item(TableName=name, Key={"pk": {"S": "new"}}, ReturnValues="ALL_NEW",
                                   AttributeUpdates={"count": {"Action": "ADD", "Value": {"N": "1"}},
                                                     "tags": {"Action": "ADD", "Value": {"SS": ["a"]}},
                                                     "gone": {"Action": "DELETE"}})["Attributes"]
        self.assertEqual(normalize(new), normalize({"pk": {"S": "new"}, "count": {"N": "1"}, "tags": {"SS": ["a"]}}))
        self.assertEqual(self.outcome(self.ddb.update_item, TableName=name, Key={"pk": {"S": "new"}},
                                      AttributeUpdates={"count": {"Action": "ADD", "Value": {"N": "1"}}},
                                      Expected={"count": {"Value": {"N": "7"}}}), "ConditionalCheckFailedException")
        self.ddb.update_item(TableName=name, Key={"pk": {"S": "new"}},
                             AttributeUpdates={"count": {"Action": "ADD", "Value": {"N": "1"}}},
                             Expected={"count": {"Value": {"N": "1"}}, "tags": {"ComparisonOperator": "NULL"}},
                             ConditionalOperator="OR")
        self.assertEqual(self.get(name, "new")["count"], {"N": "2"})
        self.assertDdbError("ValidationException", "Type mismatch for attribute to update",
                            self.ddb.update_item, TableName=name, Key={"pk": {"S": "new"}},
                            AttributeUpdates={"tags": {"Action": "ADD", "Value": {"N": "1"}}})
        self.assertDdbError("ValidationException", INVALID + "Cannot update attribute pk. This attribute is part of "
                            "the key", self.ddb.update_item, TableName=name, Key={"pk": {"S": "new"}},
                            AttributeUpdates={"pk": {"Value": {"S": "other"}}})
        self.assertEqual(self.get(name, "new")["count"], {"N": "2"})

    # --- AttributesToGet, KeyConditions, QueryFilter, ScanFilter ---------------------------
    def sorted_table(self):
        """pk S + sk N: pk=p with sk 1..8 (odd ones tagged), pk=q with sk 1."""
        name = new_name("legacy")
        self.create_table(name, range_type="N")
        for i in range(1, 9):
            item = {"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"S": f"v{i}"}, "n": {"N": str(i * 10)}}
            if i % 2:
                item["tag"] = {"S": "odd"}
            self.ddb.put_item(TableName=name, Item=item)
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "q"}, "sk": {"N": "1"}, "v": {"S": "v1"}})
        return name

    def test_attributes_to_get_projects_like_projection_expression(self):
        name = self.sorted_table()
        key = {"pk": {"S": "p"}, "sk": {"N": "3"}}
        got = self.ddb.get_item(TableName=name, Key=key, AttributesToGet=["v", "tag", "absent"])["Item"]
        self.assertEqual(got, {"v": {"S": "v3"}, "tag": {"S": "odd"}})
        self.assertEqual(got, self.ddb.get_item(TableName=name, Key=key, ProjectionExpression="v, tag, absent")["Item"])
        # Reserved words and odd names need no placeholders in AttributesToGet.
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "r"}, "sk": {"N": "1"}, "name": {"S": "n"},
                                                "a.b": {"S": "dotted"}})
        got = self.ddb.get_item(TableName=name, Key={"pk": {"S": "r"}, "sk": {"N": "1"}},
                                AttributesToGet=["name", "a.b"])["Item"]
        self.assertEqual(got, {"name": {"S": "n"}, "a.b": {"S": "dotted"}})
        scanned = self.ddb.scan(TableName=name, AttributesToGet=["sk"])["Items"]
        self.assertEqual(scanned, self.ddb.scan(TableName=name, ProjectionExpression="sk")["Items"])
        queried = self.ddb.query(TableName=name, AttributesToGet=["v"],
                                 KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                                       "AttributeValueList": [{"S": "p"}]}})["Items"]
        self.assertEqual(queried, [{"v": {"S": f"v{i}"}} for i in range(1, 9)])
        batch = self.ddb.batch_get_item(RequestItems={name: {"Keys": [key], "AttributesToGet": ["v", "tag"]}})
        self.assertEqual(batch["Responses"][name], [{"v": {"S": "v3"}, "tag": {"S": "odd"}}])
        self.assertDdbError("ValidationException", "Can not use both expression and non-expression parameters in the "
                            "same request: Non-expression parameters: {AttributesToGet} Expression parameters: "
                            "{ProjectionExpression}", self.ddb.batch_get_item,
                            RequestItems={name: {"Keys": [key], "AttributesToGet": ["v"], "ProjectionExpression": "v"}})

    def test_key_conditions_select_as_key_condition_expressions(self):
        name = self.sorted_table()
        p = {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}
        cases = [  # (sort-key condition or None, KeyConditionExpression, values)
            (None, "pk = :p", {}),
            ({"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "3"}]}, "pk = :p AND sk = :a", {":a": "3"}),
            ({"ComparisonOperator": "LT", "AttributeValueList": [{"N": "3"}]}, "pk = :p AND sk < :a", {":a": "3"}),
            ({"ComparisonOperator": "LE", "AttributeValueList": [{"N": "3"}]}, "pk = :p AND sk <= :a", {":a": "3"}),
            ({"ComparisonOperator": "GT", "AttributeValueList": [{"N": "6"}]}, "pk = :p AND sk > :a", {":a": "6"}),
            ({"ComparisonOperator": "GE", "AttributeValueList": [{"N": "6"}]}, "pk = :p AND sk >= :a", {":a": "6"}),
            ({"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "5"}]},
             "pk = :p AND sk BETWEEN :a AND :b", {":a": "2", ":b": "5"}),
        ]
        for sort, expression, numbers in cases:
            with self.subTest(sort=sort):
                conditions = {"pk": p}
                if sort:
                    conditions["sk"] = sort
                values = {":p": {"S": "p"}, **{k: {"N": v} for k, v in numbers.items()}}
                for forward in (True, False):
                    legacy = self.ddb.query(TableName=name, KeyConditions=conditions, ScanIndexForward=forward)
                    modern = self.ddb.query(TableName=name, KeyConditionExpression=expression,
                                            ExpressionAttributeValues=values, ScanIndexForward=forward)
                    self.assertEqual(legacy["Items"], modern["Items"])
                    self.assertTrue(legacy["Items"])
        # Paging through KeyConditions with Limit / ExclusiveStartKey.
        page = self.ddb.query(TableName=name, KeyConditions={"pk": p}, Limit=5)
        rest = self.ddb.query(TableName=name, KeyConditions={"pk": p}, ExclusiveStartKey=page["LastEvaluatedKey"])
        self.assertEqual(keys_of(page["Items"]) + keys_of(rest["Items"]), [str(i) for i in range(1, 9)])

    def test_query_filter_and_scan_filter_filter_as_filter_expressions(self):
        name = self.sorted_table()
        p = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}}
        cases = [  # (filter, ConditionalOperator, FilterExpression, values)
            ({"tag": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}}, None, "tag = :a",
             {":a": {"S": "odd"}}),
            ({"tag": {"ComparisonOperator": "NULL"}}, None, "attribute_not_exists(tag)", {}),
            ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "20"}, {"N": "45"}]}}, None,
             "n BETWEEN :a AND :b", {":a": {"N": "20"}, ":b": {"N": "45"}}),
            ({"v": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "v2"}, {"S": "v7"}]}}, None,
             "v IN (:a, :b)", {":a": {"S": "v2"}, ":b": {"S": "v7"}}),
            ({"v": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "3"}]}}, None,
             "attribute_exists(v) AND NOT contains(v, :a)", {":a": {"S": "3"}}),
            ({"tag": {"ComparisonOperator": "NOT_NULL"}, "n": {"ComparisonOperator": "GE",
                                                                "AttributeValueList": [{"N": "70"}]}},
             "OR", "attribute_exists(tag) OR n >= :a", {":a": {"N": "70"}}),
            ({"tag": {"ComparisonOperator": "NOT_NULL"}, "n": {"ComparisonOperator": "GE",
                                                                "AttributeValueList": [{"N": "50"}]}},
             "AND", "attribute_exists(tag) AND n >= :a", {":a": {"N": "50"}}),
        ]
        for condition, operator, expression, values in cases:
            with self.subTest(condition=condition, operator=operator):
                extra = {"ConditionalOperator": operator} if operator else {}
                modern = {"FilterExpression": expression}
                if values:
                    modern["ExpressionAttributeValues"] = values
                legacy_scan = self.ddb.scan(TableName=name, ScanFilter=condition, **extra)
                modern_scan = self.ddb.scan(TableName=name, **modern)
                self.assertEqual(normalize_all(legacy_scan["Items"]), normalize_all(modern_scan["Items"]))
                self.assertEqual((legacy_scan["Count"], legacy_scan["ScannedCount"]),
                                 (modern_scan["Count"], modern_scan["ScannedCount"]))
                self.assertTrue(0 < legacy_scan["Count"] < legacy_scan["ScannedCount"])
                legacy_query = self.ddb.query(TableName=name, KeyConditions=p, QueryFilter=condition, **extra)
                modern_query = self.ddb.query(TableName=name, KeyConditionExpression="pk = :p",
                                              ExpressionAttributeValues=dict(values, **{":p": {"S": "p"}}),
                                              FilterExpression=expression)
                self.assertEqual(legacy_query["Items"], modern_query["Items"])
                self.assertEqual(legacy_query["Count"], modern_query["Count"])
        # KeyConditions go with a FilterExpression (only KeyConditionExpression excludes them).
        mixed = self.ddb.query(TableName=name, KeyConditions=p, FilterExpression="#t = :odd",
                               ExpressionAttributeNames={"#t": "tag"}, ExpressionAttributeValues={":odd": {"S": "odd"}})
        self.assertEqual(keys_of(mixed["Items"]), ["1", "3", "5", "7"])

    # --- misuse ------------------------------------------------------------------------
    def test_legacy_misuse_gets_dynamodbs_texts_and_changes_nothing(self):
        name = self.sorted_table()
        key = {"pk": {"S": "p"}, "sk": {"N": "1"}}
        before = self.ddb.scan(TableName=name)["Items"]
        p = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}}
        cases = [
            (self.ddb.put_item, {"Item": key, "Expected": {"v": {"Exists": False}},
                                 "ConditionExpression": "attribute_not_exists(v)"},
             ENVELOPE + BOTH + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
            (self.ddb.update_item, {"Key": key, "AttributeUpdates": {"v": {"Action": "DELETE"}},
                                    "UpdateExpression": "REMOVE v"},
             ENVELOPE + BOTH + "Non-expression parameters: {AttributeUpdates} Expression parameters: "
                               "{UpdateExpression}"),
            (self.ddb.delete_item, {"Key": key, "ConditionalOperator": "OR", "ConditionExpression": "attribute_exists(v)"},
             ENVELOPE + BOTH + "Non-expression parameters: {ConditionalOperator} Expression parameters: "
                               "{ConditionExpression}"),
            (self.ddb.get_item, {"Key": key, "AttributesToGet": ["v"], "ProjectionExpression": "v"},
             BOTH + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
            (self.ddb.scan, {"ScanFilter": {"v": {"ComparisonOperator": "NULL"}}, "FilterExpression": "attribute_exists(v)"},
             BOTH + "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}"),
            (self.ddb.query, {"KeyConditions": p, "KeyConditionExpression": "pk = :p",
                              "ExpressionAttributeValues": {":p": {"S": "p"}}},
             BOTH + "Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}"),
            (self.ddb.put_item, {"Item": key, "Expected": {"v": {"Exists": True}}},
             ENVELOPE + INVALID + "Value must be provided when Exists is true for Attribute: v"),
            (self.ddb.put_item, {"Item": key, "Expected": {"v": {}}},
             ENVELOPE + INVALID + "Value must be provided when Exists is null for Attribute: v"),
            (self.ddb.delete_item, {"Key": key, "Expected": {"v": {"Exists": False, "Value": {"S": "v1"}}}},
             ENVELOPE + INVALID + "Value cannot be used when Exists is false for Attribute: v"),
            (self.ddb.delete_item, {"Key": key, "Expected": {"v": {"Exists": True, "ComparisonOperator": "NULL"}}},
             ENVELOPE + INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: v"),
            (self.ddb.put_item, {"Item": key, "Expected": {"v": {"ComparisonOperator": "EQ",
                                                                 "AttributeValueList": [{"S": "a"}, {"S": "b"}]}}},
             ENVELOPE + INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"),
            (self.ddb.update_item, {"Key": key, "Expected": {"v": {"ComparisonOperator": "BEGINS_WITH",
                                                                   "Value": {"N": "1"}}}},
             ENVELOPE + INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
            (self.ddb.update_item, {"Key": key, "AttributeUpdates": {"v": {"Action": "PUT"}}},
             ENVELOPE + INVALID + "Only DELETE action is allowed when no attribute value is specified"),
            (self.ddb.update_item, {"Key": key, "AttributeUpdates": {"v": {"Action": "ADD", "Value": {"S": "x"}}}},
             ENVELOPE + INVALID + "ADD action is not supported for the type S"),
            (self.ddb.update_item, {"Key": key, "AttributeUpdates": {"v": {"Action": "DELETE", "Value": {"S": "x"}}}},
             ENVELOPE + INVALID + "DELETE action with value is not supported for the type S"),
            (self.ddb.scan, {"ScanFilter": {"v": {"ComparisonOperator": "IN"}}},
             INVALID + "Invalid number of argument(s) for the IN ComparisonOperator"),
            (self.ddb.scan, {"ScanFilter": {"v": {"ComparisonOperator": "GT", "AttributeValueList": [{"SS": ["a"]}]}}},
             INVALID + "ComparisonOperator GT is not valid for SS AttributeValue type"),
            (self.ddb.scan, {"ScanFilter": {"v": {"ComparisonOperator": "NULL"}}, "ConditionalOperator": "OR"},
             "ConditionalOperator can only be used when Filter or Expected has two or more elements"),
            (self.ddb.get_item, {"Key": key, "AttributesToGet": ["v", "v"]},
             INVALID + "Duplicate value in attribute name: v"),
            (self.ddb.query, {"KeyConditions": {"pk": {"ComparisonOperator": "BEGINS_WITH",
                                                       "AttributeValueList": [{"S": "p"}]}}},
             "Query key condition not supported"),
            (self.ddb.query, {"KeyConditions": {"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}},
             "Query condition missed key schema element: pk"),
            (self.ddb.query, {"KeyConditions": {"pk": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "p"}]}}},
             "Attempted conditional constraint is not an indexable operation"),
            (self.ddb.query, {"KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}},
             INVALID + "Condition parameter type does not match schema type"),
            (self.ddb.query, {"KeyConditions": p, "QueryFilter": {"sk": {"ComparisonOperator": "NOT_NULL"}}},
             "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"),
        ]
        for fn, kw, message in cases:
            with self.subTest(message=message):
                self.assertDdbError("ValidationException", message, fn, TableName=name, **kw)
        self.assertEqual(normalize_all(self.ddb.scan(TableName=name)["Items"]), normalize_all(before))


def normalize_all(items):
    return sorted((sorted(normalize(i).items()) for i in items), key=repr)
