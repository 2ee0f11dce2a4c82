// A web session store on a table under a customer managed key: log in (put a session with
// an expiry), read it on each request, touch last_seen, log out (delete). Signs as shop-app.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, test } from "node:test";

import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

import { createCmkTable, createKey, documentsAs, rejectsWith, uniqueName } from "./lib/kmslab.mjs";

const sessions = documentsAs("shop-app");
const table = uniqueName("sessions");
const TTL_SECONDS = 3600;

before(async () => {
  const key = await createKey("sessions");
  await createCmkTable(table, key.Arn, { hashKey: "sessionId" });
});

async function logIn(userId, now) {
  const session = {
    sessionId: randomUUID(), userId, createdAt: now, lastSeen: now, expiresAt: now + TTL_SECONDS,
    roles: new Set(["customer"]), profile: { locale: "en-GB", cartSize: 0 },
  };
  await sessions.send(new PutCommand({
    TableName: table, Item: session, ConditionExpression: "attribute_not_exists(sessionId)",
  }));
  return session;
}

/** The live session `sessionId` at time `now`, or undefined (expired sessions count as gone). */
async function current(sessionId, now) {
  const { Item } = await sessions.send(new GetCommand({ TableName: table, Key: { sessionId }, ConsistentRead: true }));
  return Item && Item.expiresAt > now ? Item : undefined;
}

test("a session lives from login to logout", async () => {
  const t0 = 1_900_000_000;
  const session = await logIn("alice", t0);
  assert.deepEqual(await current(session.sessionId, t0 + 1), session);

  // Each request slides the expiry and touches last_seen, only while the session is live.
  const { Attributes } = await sessions.send(new UpdateCommand({
    TableName: table,
    Key: { sessionId: session.sessionId },
    UpdateExpression: "SET lastSeen = :now, expiresAt = :exp, profile.cartSize = profile.cartSize + :one",
    ConditionExpression: "attribute_exists(sessionId) AND expiresAt > :now",
    ExpressionAttributeValues: { ":now": t0 + 60, ":exp": t0 + 60 + TTL_SECONDS, ":one": 1 },
    ReturnValues: "UPDATED_NEW",
  }));
  assert.deepEqual(Attributes, { lastSeen: t0 + 60, expiresAt: t0 + 60 + TTL_SECONDS, profile: { cartSize: 1 } });
  const touched = await current(session.sessionId, t0 + 61);
  assert.deepEqual(touched, { ...session, lastSeen: t0 + 60, expiresAt: t0 + 60 + TTL_SECONDS,
    profile: { locale: "en-GB", cartSize: 1 } });
  assert.ok(touched.roles instanceof Set);

  // Logout deletes the session; it is gone for every later request.
  const { Attributes: old } = await sessions.send(new DeleteCommand({
    TableName: table, Key: { sessionId: session.sessionId },
    ConditionExpression: "userId = :user", ExpressionAttributeValues: { ":user": "alice" },
    ReturnValues: "ALL_OLD",
  }));
  assert.equal(old.userId, "alice");
  assert.equal(await current(session.sessionId, t0 + 62), undefined);
});

test("an expired session is not extended", async () => {
  const t0 = 1_900_100_000;
  const session = await logIn("bob", t0);
  const late = t0 + TTL_SECONDS + 1;
  assert.equal(await current(session.sessionId, late), undefined);
  const touch = sessions.send(new UpdateCommand({
    TableName: table,
    Key: { sessionId: session.sessionId },
    UpdateExpression: "SET lastSeen = :now, expiresAt = :exp",
    ConditionExpression: "attribute_exists(sessionId) AND expiresAt > :now",
    ExpressionAttributeValues: { ":now": late, ":exp": late + TTL_SECONDS },
  }));
  await rejectsWith(touch, "ConditionalCheckFailedException", "The conditional request failed");
  const { Item } = await sessions.send(new GetCommand({ TableName: table, Key: { sessionId: session.sessionId } }));
  assert.equal(Item.expiresAt, t0 + TTL_SECONDS);
  assert.equal(Item.lastSeen, t0);
});

test("a logged-out session cannot be touched back to life", async () => {
  const t0 = 1_900_200_000;
  const session = await logIn("carol", t0);
  await sessions.send(new DeleteCommand({ TableName: table, Key: { sessionId: session.sessionId } }));
  const touch = sessions.send(new UpdateCommand({
    TableName: table,
    Key: { sessionId: session.sessionId },
    UpdateExpression: "SET lastSeen = :now",
    ConditionExpression: "attribute_exists(sessionId)",
    ExpressionAttributeValues: { ":now": t0 + 5 },
  }));
  await rejectsWith(touch, "ConditionalCheckFailedException", "The conditional request failed");
  const { Item } = await sessions.send(new GetCommand({ TableName: table, Key: { sessionId: session.sessionId } }));
  assert.equal(Item, undefined);  // the failed update created nothing
});
