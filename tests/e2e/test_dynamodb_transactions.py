"""DynamoDB shim, transactions (docs/spec/dynamodb.md §3.3, §3.4, §10): TransactWriteItems
(ConditionCheck, Put, Update, Delete; all or nothing; CancellationReasons; ClientRequestToken
idempotency; one action per item; validation texts) and TransactGetItems (positional
Responses, projection), on a table under a customer managed KMS key, through boto3. IAM
authorizes each action as its item operation with dynamodb:EnclosingOperation set: a policy
allowing PutItem but not UpdateItem refuses the whole transaction.
"""
import copy

import botocore.exceptions

import harness
from ddb_case import DdbCase, key_disabled, new_name, sse_kms, table_arn

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
ONE_ITEM = "Transaction request cannot include multiple operations on one item"
CONDITION_FAILED = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}

# A shopper may put orders and check and delete items, never update them; an enclosed-only
# user may put items only inside a transaction. Both use table keys through DynamoDB.
KMS_VIA_DDB = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
               "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{harness.REGION}.amazonaws.com"}}}
EXTRA_USERS = [
    {"name": "shopper", "accessKeys": [{"id": "AKIAKMSLABSHOPPER111", "secret": "shopper-secret"}],
     "inlinePolicies": {"items": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Resource": "*",
          "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
                     "dynamodb:GetItem"]},
         KMS_VIA_DDB]}}},
    {"name": "enclosed", "accessKeys": [{"id": "AKIAKMSLABENCLOSED11", "secret": "enclosed-secret"}],
     "inlinePolicies": {"items": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Resource": "*", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
          "Condition": {"ForAnyValue:StringEquals": {
              "dynamodb:EnclosingOperation": ["TransactWriteItems", "TransactGetItems"]}}},
         KMS_VIA_DDB]}}},
    {"name": "leading", "accessKeys": [{"id": "AKIAKMSLABLEADING111", "secret": "leading-secret"}],
     "inlinePolicies": {"items": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Allow", "Resource": "*", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
          "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["mine"]}}},
         KMS_VIA_DDB]}}},
]

SRV = None


def setUpModule():
    global SRV
    ids = harness.fixture_identities()
    ids["accounts"][harness.ACCOUNT]["users"] += copy.deepcopy(EXTRA_USERS)
    SRV = harness.start_with_identities(ids)


def tearDownModule():
    harness.shutdown_and_remove_fixtures(SRV)


def S(v):
    return {"S": v}


def N(v):
    return {"N": str(v)}


class TransactionsTest(DdbCase):
    @property
    def srv(self):
        return SRV

    def setUp(self):
        super().setUp()
        self.key = self.kms.create_key(Description="shop tables")["KeyMetadata"]["Arn"]
        self.stock = self.create_table(new_name("stock"), sse=sse_kms(self.key))["TableName"]
        self.orders = self.create_table(new_name("orders"), sse=sse_kms(self.key))["TableName"]
        self.carts = self.create_table(new_name("carts"), sse=sse_kms(self.key))["TableName"]
        self.put(self.stock, "apple", qty=N(10), price=N(3))
        self.put(self.stock, "gift-bag", qty=N(1))
        self.put(self.carts, "cart-1", sku=S("apple"), count=N(4))

    def checkout(self, count, order_id="order-1", **kw):
        """The checkout transaction: the gift bag that goes with every order is in stock, the
        apple stock covers `count` and goes down, the order is written, the cart item goes."""
        return [
            {"ConditionCheck": {"TableName": self.stock, "Key": {"pk": S("gift-bag")},
                                "ConditionExpression": "qty > :zero",
                                "ExpressionAttributeValues": {":zero": N(0)}}},
            {"Update": {"TableName": self.stock, "Key": {"pk": S("apple")},
                        "UpdateExpression": "SET qty = qty - :n",
                        "ConditionExpression": "qty >= :n",
                        "ExpressionAttributeValues": {":n": N(count)}, **kw}},
            {"Put": {"TableName": self.orders,
                     "Item": {"pk": S(order_id), "sku": S("apple"), "count": N(count)},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Delete": {"TableName": self.carts, "Key": {"pk": S("cart-1")}}},
        ]

    def state(self):
        return (self.get(self.stock, "apple"), self.get(self.orders, "order-1"),
                self.get(self.carts, "cart-1"))

    def assertCancelled(self, fn, reasons, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual(resp["Error"]["Message"],
                         CANCELLED.format(", ".join(r["Code"] for r in reasons)))
        self.assertEqual(resp["CancellationReasons"], reasons)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400)

    # --- TransactWriteItems ------------------------------------------------------------
    def test_checkout_commits_every_action(self):
        r = self.ddb.transact_write_items(TransactItems=self.checkout(4))
        self.assertNotIn("ConsumedCapacity", r)
        stock, order, cart = self.state()
        self.assertEqual(stock, {"pk": S("apple"), "qty": N(6), "price": N(3)})
        self.assertEqual(order, {"pk": S("order-1"), "sku": S("apple"), "count": N(4)})
        self.assertIsNone(cart)

    def test_failed_condition_changes_nothing_and_gives_reasons(self):
        before = self.state()
        self.assertCancelled(self.ddb.transact_write_items,
                             [{"Code": "None"}, CONDITION_FAILED, {"Code": "None"}, {"Code": "None"}],
                             TransactItems=self.checkout(11))
        self.assertEqual(self.state(), before)
        # ALL_OLD returns the item that failed, as boto3 parses it.
        self.assertCancelled(
            self.ddb.transact_write_items,
            [{"Code": "None"}, dict(CONDITION_FAILED, Item={"pk": S("apple"), "qty": N(10), "price": N(3)}),
             {"Code": "None"}, {"Code": "None"}],
            TransactItems=self.checkout(11, ReturnValuesOnConditionCheckFailure="ALL_OLD"))
        # Several failures: each is named, in request order.
        self.ddb.put_item(TableName=self.orders, Item={"pk": S("order-1")})
        self.assertCancelled(self.ddb.transact_write_items,
                             [{"Code": "None"}, CONDITION_FAILED, CONDITION_FAILED, {"Code": "None"}],
                             TransactItems=self.checkout(11))
        self.assertEqual(self.state()[0], before[0])
        self.assertEqual(self.state()[2], before[2])

    def test_data_error_in_update_cancels_with_a_validation_reason(self):
        items = [{"Put": {"TableName": self.orders, "Item": {"pk": S("o9")}}},
                 {"Update": {"TableName": self.stock, "Key": {"pk": S("apple")},
                             "UpdateExpression": "SET qty = nosuch + :n",
                             "ExpressionAttributeValues": {":n": N(1)}}}]
        self.assertCancelled(self.ddb.transact_write_items, [
            {"Code": "None"},
            {"Code": "ValidationError",
             "Message": "The provided expression refers to an attribute that does not exist in the item"}],
            TransactItems=items)
        self.assertIsNone(self.get(self.orders, "o9"))

    def test_more_than_4mb_of_items_is_refused(self):
        big = "x" * (390 * 1024)
        items = [{"Put": {"TableName": self.orders, "Item": {"pk": S(f"big{i}"), "blob_": S(big)}}} for i in range(11)]
        self.assertDdbError("ValidationException", "Collection size of items exceeded, which can also be caused by "
                            "the aggregate size of the items in the transaction exceeding the 4MB limit",
                            self.ddb.transact_write_items, TransactItems=items)
        self.assertIsNone(self.get(self.orders, "big0"))
        self.ddb.transact_write_items(TransactItems=items[:10])  # 3.9 MB
        self.assertIsNotNone(self.get(self.orders, "big9"))

    def test_client_request_token_is_idempotent(self):
        token = "checkout-" + new_name("t")
        self.ddb.transact_write_items(TransactItems=self.checkout(4), ClientRequestToken=token)
        self.put(self.carts, "cart-1", sku=S("apple"), count=N(4))
        # The same request again: success, nothing written again (stock stays at 6, the
        # recreated cart item stays).
        self.ddb.transact_write_items(TransactItems=self.checkout(4), ClientRequestToken=token)
        stock, order, cart = self.state()
        self.assertEqual(stock["qty"], N(6))
        self.assertIsNotNone(cart)
        self.assertDdbError("IdempotentParameterMismatchException",
                            "Request token reused with different parameters",
                            self.ddb.transact_write_items, TransactItems=self.checkout(5),
                            ClientRequestToken=token)
        # A cancelled transaction keeps no token: its retry runs.
        retry = "retry-" + new_name("t")
        self.assertCancelled(self.ddb.transact_write_items,
                             [{"Code": "None"}, CONDITION_FAILED, CONDITION_FAILED, {"Code": "None"}],
                             TransactItems=self.checkout(7), ClientRequestToken=retry)
        self.ddb.transact_write_items(TransactItems=self.checkout(2, order_id="order-2"),
                                      ClientRequestToken=retry)
        self.assertEqual(self.get(self.stock, "apple")["qty"], N(4))

    def test_validation(self):
        self.assertDdbError("ValidationException", ONE_ITEM, self.ddb.transact_write_items, TransactItems=[
            {"Put": {"TableName": self.stock, "Item": {"pk": S("apple")}}},
            {"ConditionCheck": {"TableName": self.stock, "Key": {"pk": S("apple")},
                                "ConditionExpression": "attribute_exists(pk)"}}])
        self.assertDdbError(
            "ValidationException",
            "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
            self.ddb_raw_call, TransactItems=[])
        self.assertDdbError(
            "ValidationException",
            "1 validation error detected: Value '[...]' at 'transactItems' failed to satisfy constraint: "
            "Member must have length less than or equal to 100",
            self.ddb.transact_write_items,
            TransactItems=[{"Put": {"TableName": self.orders, "Item": {"pk": S(f"o{i}")}}} for i in range(101)])
        self.assertDdbError("ResourceNotFoundException", "Requested resource not found",
                            self.ddb.transact_write_items,
                            TransactItems=[{"Put": {"TableName": "no-such-table", "Item": {"pk": S("x")}}}])
        self.assertDdbError("ValidationException", "The provided key element does not match the schema",
                            self.ddb.transact_write_items,
                            TransactItems=[{"Delete": {"TableName": self.stock, "Key": {"id": S("x")}}}])
        self.assertDdbError("ValidationException",
                            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
                            self.ddb.transact_write_items, TransactItems=[
                                {"Put": {"TableName": self.orders, "Item": {"pk": S("o1")},
                                         "ExpressionAttributeValues": {":x": N(1)}}}])
        self.assertEqual(self.get(self.orders, "o1"), None)

    def ddb_raw_call(self, **body):
        """TransactWriteItems with a body boto3 would refuse to send (its own validation)."""
        r = self.srv.ddb_raw(harness.ADMIN, "TransactWriteItems", body)
        if r.status != 200:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": r.body["__type"].split("#")[-1], "Message": r.body["message"]},
                 "ResponseMetadata": {"HTTPStatusCode": r.status}}, "TransactWriteItems")
        return r.body

    def test_consumed_capacity(self):
        r = self.ddb.transact_write_items(TransactItems=self.checkout(1), ReturnConsumedCapacity="TOTAL")
        by_table = {c["TableName"]: c for c in r["ConsumedCapacity"]}
        self.assertEqual(set(by_table), {self.stock, self.orders, self.carts})
        self.assertEqual(by_table[self.orders], {"TableName": self.orders, "CapacityUnits": 2.0})
        self.assertEqual(by_table[self.carts]["CapacityUnits"], 2.0)
        self.assertEqual(by_table[self.stock]["CapacityUnits"], 4.0)  # check + update

    def test_a_table_whose_key_is_unusable_fails_the_transaction_as_item_calls_do(self):
        key = self.kms.create_key(Description="returns")["KeyMetadata"]
        returns = self.create_table(new_name("returns"), sse=sse_kms(key["Arn"]))["TableName"]
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(360)  # past the table-key cache
        before = self.state()
        items = self.checkout(4)
        items[2]["Put"]["TableName"] = returns
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.transact_write_items,
                            TransactItems=items)
        self.assertEqual(self.state(), before)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.transact_get_items,
                            TransactItems=[{"Get": {"TableName": returns, "Key": {"pk": S("x")}}}])

    # --- TransactGetItems --------------------------------------------------------------
    def test_transact_get_items(self):
        r = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.stock, "Key": {"pk": S("apple")},
                     "ProjectionExpression": "#q", "ExpressionAttributeNames": {"#q": "qty"}}},
            {"Get": {"TableName": self.orders, "Key": {"pk": S("missing")}}},
            {"Get": {"TableName": self.carts, "Key": {"pk": S("cart-1")}}}])
        self.assertEqual(r["Responses"], [{"Item": {"qty": N(10)}}, {},
                                          {"Item": {"pk": S("cart-1"), "sku": S("apple"), "count": N(4)}}])
        # TableName also takes the table's ARN (recorded AWS behaviour).
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table_arn(self.orders), "Item": {"pk": S("by-arn")}}}])
        r = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": table_arn(self.orders), "Key": {"pk": S("by-arn")}}}])
        self.assertEqual(r["Responses"], [{"Item": {"pk": S("by-arn")}}])
        # Another account's table needs its resource-based policy too (none here).
        foreign = table_arn(self.orders).replace(harness.ACCOUNT, "444455556666")
        self.assertDdbError("AccessDeniedException",
                            harness.access_denied(harness.user_arn("admin"), "dynamodb:GetItem", foreign,
                                                  "no-resource"),
                            self.ddb.transact_get_items, TransactItems=[
                                {"Get": {"TableName": foreign, "Key": {"pk": S("by-arn")}}}])
        self.assertDdbError("ValidationException", ONE_ITEM, self.ddb.transact_get_items, TransactItems=[
            {"Get": {"TableName": self.stock, "Key": {"pk": S("apple")}}},
            {"Get": {"TableName": self.stock, "Key": {"pk": S("apple")}}}])
        self.assertCancelled(self.ddb.transact_get_items, [
            {"Code": "None"},
            {"Code": "ValidationError", "Message": "The provided key element does not match the schema"}],
            TransactItems=[{"Get": {"TableName": self.stock, "Key": {"pk": S("apple")}}},
                           {"Get": {"TableName": self.stock, "Key": {"nope": S("apple")}}}])

    # --- IAM ---------------------------------------------------------------------------
    def test_actions_carry_their_item_operations_condition_keys(self):
        leading = self.ddb_as("leading")
        leading.transact_write_items(TransactItems=[{"Put": {"TableName": self.orders, "Item": {"pk": S("mine")}}}])
        self.assertAccessDenied(leading.transact_write_items, harness.user_arn("leading"), "dynamodb:PutItem",
                                table_arn(self.carts), "no-identity", TransactItems=[
                                    {"Put": {"TableName": self.orders, "Item": {"pk": S("mine")}}},
                                    {"Put": {"TableName": self.carts, "Item": {"pk": S("other")}}}])
        self.assertIsNone(self.get(self.carts, "other"))
        r = leading.transact_get_items(TransactItems=[{"Get": {"TableName": self.orders, "Key": {"pk": S("mine")}}}])
        self.assertEqual(r["Responses"], [{"Item": {"pk": S("mine")}}])
        self.assertAccessDenied(leading.transact_get_items, harness.user_arn("leading"), "dynamodb:GetItem",
                                table_arn(self.carts), "no-identity",
                                TransactItems=[{"Get": {"TableName": self.carts, "Key": {"pk": S("cart-1")}}}])

    def test_one_denied_action_denies_the_whole_transaction(self):
        shopper = self.ddb_as("shopper")
        before = self.state()
        self.assertAccessDenied(shopper.transact_write_items, harness.user_arn("shopper"),
                                "dynamodb:UpdateItem", table_arn(self.stock), "no-identity",
                                TransactItems=self.checkout(4))
        self.assertEqual(self.state(), before)
        # Without the update, the shopper's transaction runs.
        items = self.checkout(4)
        del items[1]
        shopper.transact_write_items(TransactItems=items)
        self.assertIsNone(self.get(self.carts, "cart-1"))

    def test_enclosing_operation_names_the_transaction(self):
        enclosed = self.ddb_as("enclosed")
        self.assertAccessDenied(enclosed.put_item, harness.user_arn("enclosed"), "dynamodb:PutItem",
                                table_arn(self.orders), "no-identity", TableName=self.orders,
                                Item={"pk": S("direct")})
        enclosed.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.orders, "Item": {"pk": S("enclosed")}}}])
        r = enclosed.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.orders, "Key": {"pk": S("enclosed")}}}])
        self.assertEqual(r["Responses"], [{"Item": {"pk": S("enclosed")}}])
        self.assertIsNone(self.get(self.orders, "direct"))


if __name__ == "__main__":
    import unittest
    unittest.main()
