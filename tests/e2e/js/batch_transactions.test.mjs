// Batches and transactions on the shopping cart, under a customer managed key: a 25-item
// BatchWriteCommand (DynamoDB's maximum) read back with BatchGetCommand, and a checkout as
// one TransactWriteCommand whose ConditionCheck guards the stock. Signs as shop-app.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import {
  BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";

import { createCmkTable, createKey, documentsAs, rejectsWith, uniqueName } from "./lib/kmslab.mjs";

const shop = documentsAs("shop-app");
const carts = uniqueName("carts");
const stock = uniqueName("stock");
const orders = uniqueName("orders");

before(async () => {
  const key = await createKey("shop batches");
  await createCmkTable(carts, key.Arn, { hashKey: "userId", rangeKey: "productId" });
  await createCmkTable(stock, key.Arn, { hashKey: "productId" });
  await createCmkTable(orders, key.Arn, { hashKey: "orderId" });
});

const productId = (i) => `p-${String(i).padStart(2, "0")}`;

test("25 cart lines are written in one batch and read back in one batch", async () => {
  const user = "u-batch";
  const lines = Array.from({ length: 25 }, (_, i) => ({ userId: user, productId: productId(i), quantity: i + 1 }));
  const written = await shop.send(new BatchWriteCommand({
    RequestItems: { [carts]: lines.map((Item) => ({ PutRequest: { Item } })) },
  }));
  assert.deepEqual(written.UnprocessedItems, {});

  const read = await shop.send(new BatchGetCommand({
    RequestItems: { [carts]: { Keys: lines.map(({ userId, productId: p }) => ({ userId, productId: p })) } },
  }));
  assert.deepEqual(read.UnprocessedKeys, {});
  const got = read.Responses[carts].sort((a, b) => a.productId.localeCompare(b.productId));
  assert.deepEqual(got, lines);

  // A batch mixes puts and deletes.
  await shop.send(new BatchWriteCommand({
    RequestItems: {
      [carts]: [
        ...lines.slice(0, 10).map(({ userId, productId: p }) => ({ DeleteRequest: { Key: { userId, productId: p } } })),
        { PutRequest: { Item: { userId: user, productId: "p-99", quantity: 99 } } },
      ],
    },
  }));
  const { Count } = await shop.send(new QueryCommand({
    TableName: carts, KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": user },
    Select: "COUNT",
  }));
  assert.equal(Count, 16);
});

/** The checkout of `user`'s cart line: the line unchanged, stock down, the order in; all or nothing. */
function checkout(user, orderId, product, quantity) {
  return shop.send(new TransactWriteCommand({
    TransactItems: [
      {
        ConditionCheck: {
          TableName: carts, Key: { userId: user, productId: product },
          ConditionExpression: "quantity = :q", ExpressionAttributeValues: { ":q": quantity },
        },
      },
      {
        Update: {
          TableName: stock, Key: { productId: product },
          UpdateExpression: "SET available = available - :q",
          ConditionExpression: "available >= :q", ExpressionAttributeValues: { ":q": quantity },
        },
      },
      {
        Put: {
          TableName: orders, Item: { orderId, userId: user, lines: [{ productId: product, quantity }] },
          ConditionExpression: "attribute_not_exists(orderId)",
        },
      },
    ],
  }));
}

test("checkout is one transaction guarded by a condition check", async () => {
  const user = "u-checkout";
  await shop.send(new PutCommand({ TableName: stock, Item: { productId: "p-mug", available: 5 } }));
  await shop.send(new PutCommand({ TableName: carts, Item: { userId: user, productId: "p-mug", quantity: 3 } }));

  await checkout(user, "o-1", "p-mug", 3);
  assert.equal((await shop.send(new GetCommand({ TableName: stock, Key: { productId: "p-mug" } }))).Item.available, 2);
  assert.deepEqual((await shop.send(new GetCommand({ TableName: orders, Key: { orderId: "o-1" } }))).Item,
    { orderId: "o-1", userId: user, lines: [{ productId: "p-mug", quantity: 3 }] });

  // The cart changed under the checkout: the ConditionCheck cancels everything.
  const stale = await rejectsWith(checkout(user, "o-2", "p-mug", 2), "TransactionCanceledException",
    "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]");
  assert.deepEqual(stale.CancellationReasons, [
    { Code: "ConditionalCheckFailed", Message: "The conditional request failed" }, { Code: "None" }, { Code: "None" },
  ]);
  // Not enough stock: the Update's condition cancels it.
  await rejectsWith(checkout(user, "o-3", "p-mug", 3), "TransactionCanceledException",
    "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]");
  assert.equal((await shop.send(new GetCommand({ TableName: stock, Key: { productId: "p-mug" } }))).Item.available, 2);
  for (const orderId of ["o-2", "o-3"]) {
    assert.equal((await shop.send(new GetCommand({ TableName: orders, Key: { orderId } }))).Item, undefined);
  }
});
