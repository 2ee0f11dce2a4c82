"""DynamoDB shim, control plane without KMS: CreateTable / DescribeTable / ListTables /
DeleteTable shapes (HASH and RANGE keys of types S, N, B; PAY_PER_REQUEST and PROVISIONED),
the wire protocol and error types (docs/spec/dynamodb-sse.md §5.1, §5.3), IAM authorization of
`dynamodb:<Action>` against the caller's identity policies, and the admin clock endpoint
(`/_kmslab/clock`, with and without `serve --admin-token`).
"""
import json

import harness
from harness import user_arn
from ddb_case import DdbCase, INVALID, new_name, table_arn, table_not_found

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

APP = user_arn("app")


class TablesTest(DdbCase):
    srv = SRV

    def test_cli_create_and_describe_table(self):
        name = new_name("cli")
        res = self.ddb_cli(
            "create-table", "--table-name", name,
            "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "AttributeName=sk,AttributeType=N",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
            "--billing-mode", "PAY_PER_REQUEST")
        self.assertEqual(res.rc, 0, res.stderr)
        desc = res.json["TableDescription"]
        self.assertEqual(desc["TableName"], name)
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertEqual(desc["TableArn"], table_arn(name))
        self.assertRegex(desc["TableId"], harness.UUID_RE)
        self.assertEqual(desc["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                             {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertEqual(sorted(desc["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
                         [{"AttributeName": "pk", "AttributeType": "S"},
                          {"AttributeName": "sk", "AttributeType": "N"}])
        self.assertEqual(desc["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual((desc["ItemCount"], desc["TableSizeBytes"]), (0, 0))
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 0)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 0)
        self.assertNotIn("SSEDescription", desc)  # owned key (reference §1.3)

        res = self.ddb_cli("describe-table", "--table-name", name)
        self.assertEqual(res.rc, 0, res.stderr)
        table = res.json["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["TableId"], desc["TableId"])
        self.assertEqual(table["TableArn"], table_arn(name))
        self.assertNotIn("SSEDescription", table)

    def test_provisioned_table_with_binary_and_number_keys(self):
        name = new_name("prov")
        desc = self.create_table(name, hash_type="B", range_type="N",
                                 ProvisionedThroughput={"ReadCapacityUnits": 5,
                                                        "WriteCapacityUnits": 7})
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 7)
        table = self.table(name)
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual({a["AttributeName"]: a["AttributeType"]
                          for a in table["AttributeDefinitions"]}, {"pk": "B", "sk": "N"})
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.assertEqual(table["ProvisionedThroughput"]["WriteCapacityUnits"], 7)
        # The keys work as declared.
        key = {"pk": {"B": b"\x00\xffbin"}, "sk": {"N": "42"}}
        self.ddb.put_item(TableName=name, Item=dict(key, v={"S": "x"}))
        self.assertEqual(self.ddb.get_item(TableName=name, Key=key)["Item"],
                         dict(key, v={"S": "x"}))

    def test_list_tables_sorted_and_paged(self):
        names = sorted(new_name("list") for _ in range(3))
        for name in names:
            self.create_table(name)
        listed = self.ddb.list_tables()["TableNames"]
        self.assertEqual(listed, sorted(listed))
        for name in names:
            self.assertIn(name, listed)
        # Page one name at a time from just before our first name.
        page = self.ddb.list_tables(ExclusiveStartTableName=names[0][:-1], Limit=1)
        self.assertEqual(page["TableNames"], [names[0]])
        self.assertEqual(page["LastEvaluatedTableName"], names[0])
        page = self.ddb.list_tables(ExclusiveStartTableName=names[0], Limit=2)
        self.assertEqual(page["TableNames"], names[1:])
        res = self.ddb_cli("list-tables")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableNames"], listed)

    def test_delete_table(self):
        name = new_name("del")
        self.create_table(name)
        res = self.ddb_cli("delete-table", "--table-name", name)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["TableDescription"]["TableName"], name)
        self.assertEqual(res.json["TableDescription"]["TableStatus"], "DELETING")
        self.assertTableGone(name)
        self.assertNotIn(name, self.ddb.list_tables()["TableNames"])
        self.assertDdbError("ResourceNotFoundException", table_not_found(name),
                            self.ddb.delete_table, TableName=name)
        # The name is free again.
        self.assertEqual(self.create_table(name)["TableStatus"], "CREATING")

    def test_create_existing_table(self):
        name = new_name("dup")
        self.create_table(name)
        self.assertDdbError("ResourceInUseException", f"Table already exists: {name}",
                            self.create_table, name=name)

    def test_unknown_table(self):
        name = new_name("none")
        for fn, kw in ((self.ddb.describe_table, {}), (self.ddb.delete_table, {}),
                       (self.ddb.update_table, {"SSESpecification": {"Enabled": True}})):
            with self.subTest(op=fn.__name__):
                self.assertDdbError("ResourceNotFoundException", table_not_found(name), fn,
                                    TableName=name, **kw)
        res = self.ddb_cli("describe-table", "--table-name", name)
        self.assertCliFails(res, "ResourceNotFoundException", "DescribeTable", table_not_found(name))
        key = {"pk": {"S": "a"}}
        self.assertDdbError("ResourceNotFoundException", "Requested resource not found",
                            self.ddb.get_item, TableName=name, Key=key)
        self.assertDdbError("ResourceNotFoundException", "Requested resource not found",
                            self.ddb.put_item, TableName=name, Item=key)

    def test_pay_per_request_with_throughput(self):
        name = new_name("ppr")
        self.assertDdbError(
            "ValidationException",
            INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                      "BillingMode is PAY_PER_REQUEST",
            self.create_table, name=name, BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        self.assertTableGone(name)

    def test_wire_protocol_and_error_types(self):
        name = new_name("wire")
        self.create_table(name)
        r = self.srv.ddb_raw(harness.ADMIN, "DescribeTable", {"TableName": name})
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("application/x-amz-json-1.0"))
        self.assertTrue(r.headers.get("x-amzn-RequestId"))
        self.assertEqual(r.body["Table"]["TableStatus"], "ACTIVE")
        self.assertIsInstance(r.body["Table"]["CreationDateTime"], (int, float))

        r = self.srv.ddb_raw(harness.ADMIN, "PutItem", {"TableName": name,
                                                         "Item": {"pk": {"S": "a"}}})
        self.assertEqual((r.status, r.body), (200, {}))

        cases = [
            ("DescribeTable", {"TableName": name + "-missing"}, 400,
             "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"),
            ("CreateTable", {"TableName": name, "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST"}, 400,
             "com.amazonaws.dynamodb.v20120810#ResourceInUseException"),
            ("UpdateTable", {"TableName": name, "SSESpecification": {"Enabled": True,
                                                                       "SSEType": "AES256"}},
             400, "com.amazon.coral.validate#ValidationException"),
            ("PutItem", {"TableName": name, "Item": {"pk": {"S": "a"}},
                         "ConditionExpression": "attribute_not_exists(pk)"}, 400,
             "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"),
            ("FrobnicateTable", {}, 400, "com.amazon.coral.service#UnknownOperationException"),
            ("DescribeBackup", {"BackupArn": table_arn(name) + "/backup/1700000000000-0badf00d"},
             400, "com.amazonaws.dynamodb.v20120810#BackupNotFoundException"),
        ]
        for op, body, status, type_ in cases:
            with self.subTest(op=op):
                r = self.srv.ddb_raw(harness.ADMIN, op, body)
                self.assertEqual(r.status, status, r.data[:300])
                self.assertEqual(r.body["__type"], type_)
                self.assertTrue(r.body.get("message") or r.body.get("Message"), r.body)
        r = self.srv.ddb_raw(harness.creds_of("app"), "DescribeTable", {"TableName": name})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.body["__type"], "com.amazon.coral.service#AccessDeniedException")


class IamTest(DdbCase):
    """dynamodb:<Action> on the table ARN against the caller's identity policies."""
    srv = SRV

    def test_app_may_not_create_table(self):
        name = new_name("iam")
        self.assertAccessDenied(self.create_table, APP, "dynamodb:CreateTable", table_arn(name),
                                "no-identity", client=self.ddb_as("app"), name=name)
        self.assertTableGone(name)
        res = self.ddb_cli("create-table", "--table-name", name,
                           "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                           "--key-schema", "AttributeName=pk,KeyType=HASH",
                           "--billing-mode", "PAY_PER_REQUEST", creds=harness.creds_of("app"))
        self.assertCliFails(res, "AccessDeniedException", "CreateTable", harness.access_denied(
            APP, "dynamodb:CreateTable", table_arn(name), "no-identity"))
        self.assertTableGone(name)

    def test_app_denied_on_every_table_operation(self):
        name = new_name("iam")
        self.create_table(name)
        self.put(name, "a", v={"S": "secret"})
        app = self.ddb_as("app")
        key = {"pk": {"S": "a"}}
        calls = [
            ("DescribeTable", app.describe_table, {}),
            ("GetItem", app.get_item, {"Key": key}),
            ("PutItem", app.put_item, {"Item": key}),
            ("DeleteItem", app.delete_item, {"Key": key}),
            ("UpdateItem", app.update_item, {"Key": key, "UpdateExpression": "REMOVE v"}),
            ("Query", app.query, {"KeyConditionExpression": "pk = :p",
                                  "ExpressionAttributeValues": {":p": {"S": "a"}}}),
            ("Scan", app.scan, {}),
            ("UpdateTable", app.update_table, {"SSESpecification": {"Enabled": True}}),
            ("CreateBackup", app.create_backup, {"BackupName": "never"}),
            ("DeleteTable", app.delete_table, {}),
        ]
        for action, fn, kw in calls:
            with self.subTest(action=action):
                self.assertAccessDenied(fn, APP, "dynamodb:" + action, table_arn(name),
                                        "no-identity", TableName=name, **kw)
        # Nothing changed.
        self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "v": {"S": "secret"}})
        self.assertNotIn("SSEDescription", self.table(name))

    def test_db_lead_has_dynamodb_permissions(self):
        lead = self.ddb_as("db-lead")
        name = new_name("lead")
        self.assertEqual(self.create_table(name, client=lead)["TableStatus"], "CREATING")
        self.put(name, "a", client=lead, n={"N": "1"})
        self.assertEqual(self.get(name, "a", client=lead), {"pk": {"S": "a"}, "n": {"N": "1"}})
        lead.delete_table(TableName=name)
        self.assertTableGone(name)


class ClockTest(DdbCase):
    """GET/POST /_kmslab/clock on a server without --admin-token."""
    srv = SRV

    def test_get_and_advance(self):
        before = self.srv.clock()
        self.assertEqual(set(before), {"now", "epochMillis", "offsetSeconds"})
        self.assertRegex(before["now"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        after = self.srv.advance_clock(120)
        self.assertEqual(after["offsetSeconds"], before["offsetSeconds"] + 120)
        self.assertGreaterEqual(after["epochMillis"] - before["epochMillis"], 120_000)
        self.assertLess(after["epochMillis"] - before["epochMillis"], 180_000)
        again = self.srv.advance_clock(0)
        self.assertEqual(again["offsetSeconds"], after["offsetSeconds"])

    def test_clock_only_moves_forward(self):
        before = self.srv.clock()["offsetSeconds"]
        for body in ({"advanceSeconds": -1}, {"advanceSeconds": "60"}, {}, b"not json"):
            with self.subTest(body=body):
                r = self.srv.admin_request("POST", "/_kmslab/clock", body)
                self.assertEqual(r.status, 400, r.data)
        self.assertEqual(self.srv.clock()["offsetSeconds"], before)


class AdminTokenTest(DdbCase):
    """`serve --admin-token T`: the clock needs X-Kmslab-Admin-Token: T."""

    TOKEN = "e2e-admin-token-0123"

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=["--admin-token", cls.TOKEN])
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def test_token_required(self):
        for token in ("", "wrong-token"):
            for method, body in (("GET", None), ("POST", {"advanceSeconds": 60})):
                with self.subTest(token=token, method=method):
                    # token "" sends no header at all
                    r = self.srv.admin_request(method, "/_kmslab/clock", body, token=token)
                    self.assertEqual(r.status, 403, r.data)
        good = self.srv.clock()  # the harness sends the server's token
        self.assertEqual(good["offsetSeconds"], 0)  # the refused POSTs moved nothing
        self.assertEqual(self.srv.advance_clock(30)["offsetSeconds"], 30)
        # The DynamoDB and KMS APIs need no token.
        self.assertIn("TableNames", self.ddb.list_tables())
        self.assertIn("Keys", self.kms.list_keys())
