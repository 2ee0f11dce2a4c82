"""DynamoDB shim, PartiQL: ExecuteStatement (INSERT, SELECT by key and with a filter, UPDATE
SET / REMOVE, DELETE, `?` parameters, Limit / NextToken paging, DuplicateItemException, a
syntax error's text, ReturnValuesOnConditionCheckFailure) and BatchExecuteStatement (per
statement results with one failing entry, reads and writes not mixed), on a table under a
customer managed KMS key, and IAM's dynamodb:PartiQLInsert denial.
"""
import harness
from ddb_case import DdbCase, new_name, sse_kms, table_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

MALFORMED = "Statement wasn't well formed, can't be processed: "


class PartiqlTest(DdbCase):
    srv = SRV

    def new_table(self, range_type=None):
        name = new_name("partiql")
        self.create_table(name, sse=sse_kms(self.create_key()["Arn"]), range_type=range_type)
        self.assertEqual(self.table(name)["SSEDescription"]["SSEType"], "KMS")
        return name

    def run_statement(self, statement, **kw):
        return self.ddb.execute_statement(Statement=statement, **kw)

    def test_insert_select_update_delete(self):
        name = self.new_table()
        r = self.run_statement(f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'n': 1, 'tags': <<'x', 'y'>>, "
                               f"'m': {{'deep': [true, null]}}}}")
        self.assertEqual(r["Items"], [])
        self.assertEqual(self.get(name, "a"), {
            "pk": {"S": "a"}, "n": {"N": "1"}, "tags": {"SS": ["x", "y"]},
            "m": {"M": {"deep": {"L": [{"BOOL": True}, {"NULL": True}]}}}})
        self.run_statement(f"INSERT INTO \"{name}\" VALUE {{'pk': ?, 'n': ?}}",
                           Parameters=[{"S": "b"}, {"N": "5"}])

        r = self.run_statement(f"SELECT * FROM \"{name}\" WHERE pk = ?", Parameters=[{"S": "b"}],
                               ConsistentRead=True)
        self.assertEqual(r["Items"], [{"pk": {"S": "b"}, "n": {"N": "5"}}])
        r = self.run_statement(f"SELECT pk FROM \"{name}\" WHERE n > 2")
        self.assertEqual(r["Items"], [{"pk": {"S": "b"}}])
        r = self.run_statement(f"SELECT pk, n FROM \"{name}\" WHERE pk = 'a' AND n = 2")
        self.assertEqual(r["Items"], [])

        self.run_statement(f"UPDATE \"{name}\" SET n = 7, note = 'hi' REMOVE tags WHERE pk = 'a'")
        self.assertEqual(self.get(name, "a"), {
            "pk": {"S": "a"}, "n": {"N": "7"}, "note": {"S": "hi"},
            "m": {"M": {"deep": {"L": [{"BOOL": True}, {"NULL": True}]}}}})

        r = self.run_statement(f"UPDATE \"{name}\" SET n = 8 WHERE pk = 'a' RETURNING MODIFIED OLD *")
        self.assertEqual(r["Items"], [{"n": {"N": "7"}}])

        # A DELETE whose WHERE is false for the item fails; for no item it succeeds.
        self.assertDdbError("ConditionalCheckFailedException", "The conditional request failed",
                            self.ddb.execute_statement, Statement=f"DELETE FROM \"{name}\" WHERE pk = 'a' AND n = 1")
        self.run_statement(f"DELETE FROM \"{name}\" WHERE pk = 'gone' AND n = 1")
        r = self.run_statement(f"DELETE FROM \"{name}\" WHERE pk = ? RETURNING ALL OLD *", Parameters=[{"S": "b"}])
        self.assertEqual(r["Items"], [{"pk": {"S": "b"}, "n": {"N": "5"}}])
        self.run_statement(f"DELETE FROM \"{name}\" WHERE pk = ?", Parameters=[{"S": "a"}])
        self.assertIsNone(self.get(name, "a"))
        self.assertEqual(self.run_statement(f"SELECT * FROM \"{name}\"")["Items"], [])

    def test_errors(self):
        name = self.new_table()
        self.run_statement(f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'v': 'old'}}")
        self.assertDdbError("DuplicateItemException", "Duplicate primary key exists in table",
                            self.ddb.execute_statement,
                            Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'v': 'new'}}")
        self.assertEqual(self.get(name, "a")["v"], {"S": "old"})
        self.assertDdbError("ValidationException", MALFORMED + "Expected data manipulation",
                            self.ddb.execute_statement, Statement=f"UPSERT INTO \"{name}\" VALUE {{'pk': 'b'}}")
        self.assertDdbError("ValidationException", MALFORMED + "Unexpected end of statement",
                            self.ddb.execute_statement, Statement=f"SELECT * FROM \"{name}\" WHERE")
        self.assertDdbError("ValidationException", "Number of parameters in request and statement don't match.",
                            self.ddb.execute_statement, Statement=f"SELECT * FROM \"{name}\" WHERE pk = ?")
        self.assertDdbError("ValidationException",
                            "Where clause does not contain a mandatory equality on all key attributes",
                            self.ddb.execute_statement, Statement=f"DELETE FROM \"{name}\" WHERE v = 'old'")
        # UPDATE of an absent item, and a failed condition handing the item back.
        self.assertDdbError("ConditionalCheckFailedException", "The conditional request failed",
                            self.ddb.execute_statement, Statement=f"UPDATE \"{name}\" SET v = 'x' WHERE pk = 'zz'")
        self.assertIsNone(self.get(name, "zz"))
        with self.assertRaises(self.ddb.exceptions.ConditionalCheckFailedException) as cm:
            self.ddb.execute_statement(Statement=f"UPDATE \"{name}\" SET v = 'x' WHERE pk = 'a' AND v = 'other'",
                                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(cm.exception.response["Item"], {"pk": {"S": "a"}, "v": {"S": "old"}})
        self.assertDdbError("ResourceNotFoundException", "Requested resource not found",
                            self.ddb.execute_statement, Statement="SELECT * FROM \"no-such-table\"")

    def test_select_pages_with_limit_and_next_token(self):
        name = self.new_table(range_type="N")
        for i in range(1, 6):
            self.run_statement(f"INSERT INTO \"{name}\" VALUE {{'pk': 'p', 'sk': {i}, 'odd': {i % 2}}}")
        seen, kw = [], {}
        while True:
            r = self.run_statement(f"SELECT sk FROM \"{name}\" WHERE pk = 'p' AND odd = 1", Limit=2, **kw)
            seen += [int(i["sk"]["N"]) for i in r["Items"]]
            if "NextToken" not in r:
                break
            kw["NextToken"] = r["NextToken"]
        self.assertEqual(seen, [1, 3, 5])
        self.assertDdbError("ValidationException", "Invalid NextToken", self.ddb.execute_statement,
                            Statement=f"SELECT * FROM \"{name}\"", NextToken="not a token")

    def test_batch_with_one_failing_entry(self):
        name = self.new_table()
        r = self.ddb.batch_execute_statement(Statements=[
            {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a'}}"},
            {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': ?, 'v': 1}}", "Parameters": [{"S": "b"}]},
            {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a'}}"},
        ])["Responses"]
        self.assertEqual(len(r), 3)
        self.assertEqual(r[0], {"TableName": name})
        self.assertEqual(r[1], {"TableName": name})
        self.assertEqual(r[2], {"Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}})
        r = self.ddb.batch_execute_statement(Statements=[
            {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'b'"},
            {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'missing'"},
            {"Statement": f"SELECT * FROM \"{name}\" WHERE v = 1"},
            {"Statement": f"SELECT * FROM \"{name}\" WHERE"},
        ])["Responses"]
        self.assertEqual(r[0], {"TableName": name, "Item": {"pk": {"S": "b"}, "v": {"N": "1"}}})
        self.assertEqual(r[1], {"TableName": name})
        self.assertEqual(r[2], {"Error": {
            "Code": "ValidationError",
            "Message": "Where clause does not contain a mandatory equality on all key attributes"}})
        self.assertEqual(r[3], {"Error": {"Code": "ValidationError",
                                          "Message": MALFORMED + "Unexpected end of statement"}})
        self.assertDdbError("ValidationException",
                            "Read and write requests together in the same batch is not supported.",
                            self.ddb.batch_execute_statement, Statements=[
                                {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'b'"},
                                {"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'b'"}])
        self.assertIsNotNone(self.get(name, "b"))
        # With no statement to authorize, the batch is refused whole.
        self.assertDdbError("ValidationException", MALFORMED + "Expected data manipulation",
                            self.ddb.batch_execute_statement, Statements=[{"Statement": "GET x"}])

    def test_batch_reports_consumed_capacity_per_table(self):
        a, b = self.new_table(), self.new_table()
        inserts = [{"Statement": f"INSERT INTO \"{t}\" VALUE {{'pk': '{k}'}}"}
                   for t, k in ((a, "1"), (b, "1"), (a, "2"))]
        r = self.ddb.batch_execute_statement(Statements=inserts, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], [{"TableName": a, "CapacityUnits": 2.0},
                                                 {"TableName": b, "CapacityUnits": 1.0}])
        # The same inserts again all fail (DuplicateItem): nothing is counted.
        r = self.ddb.batch_execute_statement(Statements=inserts, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(r["ConsumedCapacity"], [])
        # Reads cost what GetItem costs for the same keys; INDEXES adds the table's share.
        reads = [(a, "1", False), (a, "missing", True), (b, "1", True)]
        r = self.ddb.batch_execute_statement(Statements=[
            {"Statement": f"SELECT * FROM \"{t}\" WHERE pk = '{k}'", "ConsistentRead": c} for t, k, c in reads],
            ReturnConsumedCapacity="INDEXES")
        units = {}
        for t, k, c in reads:
            got = self.ddb.get_item(TableName=t, Key={"pk": {"S": k}}, ConsistentRead=c,
                                    ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"]
            units[t] = units.get(t, 0) + got
        self.assertEqual(r["ConsumedCapacity"], [
            {"TableName": t, "CapacityUnits": units[t], "Table": {"CapacityUnits": units[t]}} for t in (a, b)])
        self.assertNotIn("ConsumedCapacity", self.ddb.batch_execute_statement(Statements=inserts[:1]))
        # ExecuteStatement's ConsistentRead sets its units as GetItem's does.
        for consistent in (False, True):
            got = self.run_statement(f"SELECT * FROM \"{a}\" WHERE pk = '1'", ConsistentRead=consistent,
                                     ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
            self.assertEqual(got, {"TableName": a, "CapacityUnits": 1.0 if consistent else 0.5})

    def test_insert_denied_by_iam(self):
        name = self.new_table()
        self.assertAccessDenied(self.ddb_as("app").execute_statement, harness.user_arn("app"),
                                "dynamodb:PartiQLInsert", table_arn(name), "no-identity",
                                Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'a'}}")
        self.assertAccessDenied(self.ddb_as("app").batch_execute_statement, harness.user_arn("app"),
                                "dynamodb:PartiQLInsert", table_arn(name), "no-identity",
                                Statements=[{"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a'}}"}])
        self.assertIsNone(self.get(name, "a"))

    def test_transaction_is_all_or_nothing(self):
        name = self.new_table()
        self.run_statement(f"INSERT INTO \"{name}\" VALUE {{'pk': 'taken', 'v': 1}}")
        self.run_statement(f"INSERT INTO \"{name}\" VALUE {{'pk': 'other'}}")
        with self.assertRaises(self.ddb.exceptions.TransactionCanceledException) as cm:
            self.ddb.execute_transaction(TransactStatements=[
                {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'new'}}"},
                {"Statement": f"UPDATE \"{name}\" SET v = 2 WHERE pk = ?", "Parameters": [{"S": "taken"}]},
                {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'other'}}"},
            ])
        err = cm.exception.response
        self.assertEqual(err["Error"]["Message"], "Transaction cancelled, please refer cancellation reasons for "
                                                  "specific reasons [None, None, DuplicateItem]")
        self.assertEqual(err["CancellationReasons"], [
            {"Code": "None"}, {"Code": "None"},
            {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}])
        self.assertIsNone(self.get(name, "new"))
        self.assertEqual(self.get(name, "taken")["v"], {"N": "1"})

        with self.assertRaises(self.ddb.exceptions.TransactionCanceledException) as cm:
            self.ddb.execute_transaction(TransactStatements=[
                {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'new'}}"},
                {"Statement": f"UPDATE \"{name}\" SET v = 3 WHERE pk = 'taken' AND v = 9"},
            ])
        self.assertEqual([r["Code"] for r in cm.exception.response["CancellationReasons"]],
                         ["None", "ConditionalCheckFailed"])
        self.assertIsNone(self.get(name, "new"))

        self.ddb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'new'}}"},
            {"Statement": f"UPDATE \"{name}\" SET v = 2 WHERE pk = 'taken'"},
        ])
        r = self.ddb.execute_transaction(TransactStatements=[
            {"Statement": f"SELECT v FROM \"{name}\" WHERE pk = 'taken'"},
            {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'new'"},
            {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'absent'"},
        ])
        self.assertEqual(r["Responses"], [{"Item": {"v": {"N": "2"}}}, {"Item": {"pk": {"S": "new"}}}, {}])
        self.assertDdbError("ValidationException",
                            "Read and write requests together in the same transaction is not supported.",
                            self.ddb.execute_transaction, TransactStatements=[
                                {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'new'"},
                                {"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'new'"}])
        self.assertAccessDenied(self.ddb_as("app").execute_transaction, harness.user_arn("app"),
                                "dynamodb:PartiQLDelete", table_arn(name), "no-identity",
                                TransactStatements=[{"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'new'"}])
        self.assertIsNotNone(self.get(name, "new"))
        self.assertDdbError("ValidationException", "Transaction request cannot include multiple operations on one item",
                            self.ddb.execute_transaction, TransactStatements=[
                                {"Statement": f"UPDATE \"{name}\" SET v = 5 WHERE pk = 'taken'"},
                                {"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'taken'"}])
