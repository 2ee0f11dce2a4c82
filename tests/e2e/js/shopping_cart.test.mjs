// A shopping cart on a table under a customer managed key, driven the way an application
// does it: DocumentClient commands with conditions, counters and list appends, signing as
// shop-app (DynamoDB item actions; KMS only through DynamoDB).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import {
  DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

import { createCmkTable, createKey, documentsAs, rejectsWith, uniqueName } from "./lib/kmslab.mjs";

const CONDITION_FAILED = "The conditional request failed";
const carts = documentsAs("shop-app");
const table = uniqueName("carts");

before(async () => {
  const key = await createKey("shopping carts");
  await createCmkTable(table, key.Arn, { hashKey: "userId", rangeKey: "productId" });
});

/** Adds `quantity` of a product to a user's cart: creates the line, or adds to it. */
function addToCart(userId, productId, quantity, note) {
  return carts.send(new UpdateCommand({
    TableName: table,
    Key: { userId, productId },
    UpdateExpression: "SET quantity = if_not_exists(quantity, :zero) + :n, " +
      "notes = list_append(if_not_exists(notes, :empty), :note)",
    ExpressionAttributeValues: { ":zero": 0, ":n": quantity, ":empty": [], ":note": [note] },
    ReturnValues: "ALL_NEW",
  }));
}

test("a new cart line is put only once", async () => {
  const line = { userId: "u-put", productId: "p-1", quantity: 1, price: 12.5, title: "Mug" };
  await carts.send(new PutCommand({
    TableName: table, Item: line, ConditionExpression: "attribute_not_exists(productId)",
  }));
  const again = carts.send(new PutCommand({
    TableName: table, Item: { ...line, quantity: 99 },
    ConditionExpression: "attribute_not_exists(productId)",
  }));
  await rejectsWith(again, "ConditionalCheckFailedException", CONDITION_FAILED);
  const { Item } = await carts.send(new GetCommand({ TableName: table, Key: { userId: "u-put", productId: "p-1" } }));
  assert.deepEqual(Item, line);
});

test("adding to the cart counts quantities and appends notes", async () => {
  let { Attributes } = await addToCart("u-add", "p-1", 2, "gift wrap");
  assert.deepEqual(Attributes, { userId: "u-add", productId: "p-1", quantity: 2, notes: ["gift wrap"] });
  ({ Attributes } = await addToCart("u-add", "p-1", 3, "blue"));
  assert.deepEqual(Attributes, { userId: "u-add", productId: "p-1", quantity: 5, notes: ["gift wrap", "blue"] });

  // SET q = q + :n on the existing line, guarded by a condition on the current value.
  ({ Attributes } = await carts.send(new UpdateCommand({
    TableName: table,
    Key: { userId: "u-add", productId: "p-1" },
    UpdateExpression: "SET quantity = quantity + :n",
    ConditionExpression: "quantity < :max",
    ExpressionAttributeValues: { ":n": 1, ":max": 10 },
    ReturnValues: "UPDATED_NEW",
  })));
  assert.deepEqual(Attributes, { quantity: 6 });
  const overLimit = carts.send(new UpdateCommand({
    TableName: table,
    Key: { userId: "u-add", productId: "p-1" },
    UpdateExpression: "SET quantity = quantity + :n",
    ConditionExpression: "quantity + :n <= :max",
    ExpressionAttributeValues: { ":n": 5, ":max": 10 },
  }));
  // A condition cannot do arithmetic: DynamoDB refuses the expression itself (in the
  // request-validation envelope of PutItem, UpdateItem and DeleteItem).
  await rejectsWith(overLimit, "ValidationException", "1 validation error detected: Invalid ConditionExpression: " +
    'Syntax error; token: "+", near: "quantity + :n"');
  const capped = carts.send(new UpdateCommand({
    TableName: table,
    Key: { userId: "u-add", productId: "p-1" },
    UpdateExpression: "SET quantity = quantity + :n",
    ConditionExpression: "quantity < :max",
    ExpressionAttributeValues: { ":n": 5, ":max": 6 },
  }));
  await rejectsWith(capped, "ConditionalCheckFailedException", CONDITION_FAILED);
  const { Item } = await carts.send(new GetCommand({ TableName: table, Key: { userId: "u-add", productId: "p-1" } }));
  assert.equal(Item.quantity, 6);
});

test("a user's cart is one query, sorted by product", async () => {
  const user = "u-query";
  for (const [productId, quantity] of [["p-3", 1], ["p-1", 4], ["p-2", 2]]) {
    await addToCart(user, productId, quantity, `line ${productId}`);
  }
  await addToCart("u-someone-else", "p-1", 7, "not mine");
  const { Items, Count } = await carts.send(new QueryCommand({
    TableName: table,
    KeyConditionExpression: "userId = :u",
    ExpressionAttributeValues: { ":u": user },
    ProjectionExpression: "productId, quantity",
  }));
  assert.equal(Count, 3);
  assert.deepEqual(Items, [
    { productId: "p-1", quantity: 4 }, { productId: "p-2", quantity: 2 }, { productId: "p-3", quantity: 1 },
  ]);
  const large = await carts.send(new QueryCommand({
    TableName: table,
    KeyConditionExpression: "userId = :u AND begins_with(productId, :p)",
    FilterExpression: "quantity >= :min",
    ExpressionAttributeValues: { ":u": user, ":p": "p-", ":min": 2 },
  }));
  assert.deepEqual(large.Items.map((i) => i.productId), ["p-1", "p-2"]);
  assert.equal(large.ScannedCount, 3);
});

test("removing a line is conditional on its quantity", async () => {
  const key = { userId: "u-del", productId: "p-9" };
  await addToCart(key.userId, key.productId, 2, "to remove");
  const tooEarly = carts.send(new DeleteCommand({
    TableName: table, Key: key,
    ConditionExpression: "quantity = :one", ExpressionAttributeValues: { ":one": 1 },
  }));
  const error = await rejectsWith(tooEarly, "ConditionalCheckFailedException", CONDITION_FAILED);
  assert.equal(error.Item, undefined);  // no old item unless ReturnValuesOnConditionCheckFailure asks
  assert.ok((await carts.send(new GetCommand({ TableName: table, Key: key }))).Item);

  const withOld = carts.send(new DeleteCommand({
    TableName: table, Key: key,
    ConditionExpression: "quantity = :one", ExpressionAttributeValues: { ":one": 1 },
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  }));
  const failed = await rejectsWith(withOld, "ConditionalCheckFailedException", CONDITION_FAILED);
  assert.deepEqual(failed.Item, {
    userId: { S: "u-del" }, productId: { S: "p-9" }, quantity: { N: "2" }, notes: { L: [{ S: "to remove" }] },
  });

  const { Attributes } = await carts.send(new DeleteCommand({
    TableName: table, Key: key,
    ConditionExpression: "quantity = :two", ExpressionAttributeValues: { ":two": 2 },
    ReturnValues: "ALL_OLD",
  }));
  assert.deepEqual(Attributes, { ...key, quantity: 2, notes: ["to remove"] });
  assert.equal((await carts.send(new GetCommand({ TableName: table, Key: key }))).Item, undefined);
  const gone = carts.send(new DeleteCommand({
    TableName: table, Key: key, ConditionExpression: "attribute_exists(productId)",
  }));
  await rejectsWith(gone, "ConditionalCheckFailedException", CONDITION_FAILED);
});
