// Callers DynamoDB turns away on a table under a customer managed key, through DocumentClient:
// IAM without dynamodb:PutItem (refused before any KMS call), and callers who may call
// DynamoDB but may not use the table's key (KMS's denial, wrapped by DynamoDB).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

import {
  KMS_KEY_ACCESS_DENIED, createCmkTable, createKey, documentsAs, kmsAs, noIdentityPolicyAllows,
  rejectsWith, tableArn, uniqueName, userArn,
} from "./lib/kmslab.mjs";

const admin = documentsAs("admin");
const line = { userId: "u-1", productId: "p-1", quantity: 1 };
const cartKey = { userId: "u-1", productId: "p-1" };
const table = uniqueName("carts");

before(async () => {
  const key = await createKey("carts");
  await createCmkTable(table, key.Arn, { hashKey: "userId", rangeKey: "productId" });
  await documentsAs("shop-app").send(new PutCommand({ TableName: table, Item: line }));
});

test("a caller whose IAM policy lacks dynamodb:PutItem may read but not write", async () => {
  const reader = documentsAs("cart-reader");
  const { Item } = await reader.send(new GetCommand({ TableName: table, Key: cartKey }));
  assert.deepEqual(Item, line);
  const { Items } = await reader.send(new QueryCommand({
    TableName: table, KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": "u-1" },
  }));
  assert.deepEqual(Items, [line]);

  const denied = noIdentityPolicyAllows(userArn("cart-reader"), "dynamodb:PutItem", tableArn(table));
  await rejectsWith(reader.send(new PutCommand({ TableName: table, Item: { ...line, productId: "p-2" } })),
    "AccessDeniedException", denied);
  await rejectsWith(reader.send(new UpdateCommand({
    TableName: table, Key: cartKey, UpdateExpression: "SET quantity = :q", ExpressionAttributeValues: { ":q": 9 },
  })), "AccessDeniedException",
  noIdentityPolicyAllows(userArn("cart-reader"), "dynamodb:UpdateItem", tableArn(table)));

  assert.equal((await admin.send(new GetCommand({ TableName: table, Key: { ...cartKey, productId: "p-2" } }))).Item,
    undefined);
  assert.deepEqual((await admin.send(new GetCommand({ TableName: table, Key: cartKey }))).Item, line);
});

test("a caller without KMS permission in IAM gets DynamoDB's KMS access error", async () => {
  // db-lead: dynamodb:* in IAM, no kms; the table key's default policy defers to IAM.
  const lead = documentsAs("db-lead");
  await rejectsWith(lead.send(new GetCommand({ TableName: table, Key: cartKey })),
    "AccessDeniedException", KMS_KEY_ACCESS_DENIED);
  // Writes need kms:Decrypt too: they unwrap the table key.
  await rejectsWith(lead.send(new PutCommand({ TableName: table, Item: { ...line, productId: "p-lead" } })),
    "AccessDeniedException", KMS_KEY_ACCESS_DENIED);
  assert.equal((await admin.send(new GetCommand({ TableName: table, Key: { ...cartKey, productId: "p-lead" } }))).Item,
    undefined);
});

test("a caller the key policy does not allow kms:Decrypt gets DynamoDB's KMS access error", async () => {
  // The key policy names its users and does not defer to IAM: shop-app may use the key
  // through DynamoDB except for kms:Decrypt.
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "admin", Effect: "Allow", Principal: { AWS: userArn("admin") }, Action: "kms:*", Resource: "*" },
      {
        Sid: "shop-app without Decrypt", Effect: "Allow", Principal: { AWS: userArn("shop-app") },
        Action: ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant"],
        Resource: "*", Condition: { StringLike: { "kms:ViaService": "dynamodb.*.amazonaws.com" } },
      },
    ],
  };
  const { KeyMetadata: key } = await kmsAs("admin").send(new CreateKeyCommand({
    Description: "no decrypt for shop-app", Policy: JSON.stringify(policy),
  }));
  const name = uniqueName("no-decrypt");
  await createCmkTable(name, key.Arn, { hashKey: "userId", rangeKey: "productId" });
  await admin.send(new PutCommand({ TableName: name, Item: line }));

  const app = documentsAs("shop-app");
  await rejectsWith(app.send(new GetCommand({ TableName: name, Key: cartKey })),
    "AccessDeniedException", KMS_KEY_ACCESS_DENIED);
  await rejectsWith(app.send(new PutCommand({ TableName: name, Item: { ...line, productId: "p-app" } })),
    "AccessDeniedException", KMS_KEY_ACCESS_DENIED);
  assert.equal((await admin.send(new GetCommand({ TableName: name, Key: { ...cartKey, productId: "p-app" } }))).Item,
    undefined);
  assert.deepEqual((await admin.send(new GetCommand({ TableName: name, Key: cartKey }))).Item, line);
});
