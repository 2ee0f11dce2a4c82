// Shared pieces of the JavaScript end-to-end scenarios: the server and the callers
// tests/e2e/test_js_sdk.py passes in the environment, SDK clients signing as those
// callers, tables under a customer managed key, and AWS's error texts.
//
// Environment (all required; a missing one fails the importing test file):
//   KMSLAB_ENDPOINT     http://127.0.0.1:<port> of a running kmslab (https:// under --tls)
//   KMSLAB_REGION       its region, KMSLAB_ACCOUNT its account id
//   KMSLAB_CREDENTIALS  JSON {"<caller>": {"accessKeyId": ..., "secretAccessKey": ...}, ...}
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run these tests through tests/e2e/run.py test_js_sdk`);
  return value;
}

const ENDPOINT = required("KMSLAB_ENDPOINT");
const REGION = required("KMSLAB_REGION");
const ACCOUNT = required("KMSLAB_ACCOUNT");
const CREDENTIALS = JSON.parse(required("KMSLAB_CREDENTIALS"));

/** The access key of caller `name` (a key of KMSLAB_CREDENTIALS). */
function credentialsOf(name) {
  const creds = CREDENTIALS[name];
  if (!creds) throw new Error(`no credentials for caller ${name} in KMSLAB_CREDENTIALS`);
  return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
}

/** The configuration every client of these tests shares: kmslab's endpoint, no retries. */
export function clientConfig(caller) {
  return { endpoint: ENDPOINT, region: REGION, credentials: credentialsOf(caller), maxAttempts: 1 };
}

export const kmsAs = (caller) => new KMSClient(clientConfig(caller));
const dynamoAs = (caller) => new DynamoDBClient(clientConfig(caller));
/** A DocumentClient (plain JavaScript values in and out) signing as `caller`. */
export const documentsAs = (caller) =>
  DynamoDBDocumentClient.from(dynamoAs(caller), { marshallOptions: { removeUndefinedValues: true } });

export const userArn = (name) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
export const tableArn = (name) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
export const uniqueName = (prefix) => `${prefix}-${randomBytes(4).toString("hex")}`;

/** A new symmetric customer managed key (default key policy: the account's IAM decides),
 * created by admin; returns its KeyMetadata. */
export async function createKey(description) {
  const { KeyMetadata } = await kmsAs("admin").send(new CreateKeyCommand({ Description: description }));
  return KeyMetadata;
}

/** Creates table `name` (partition key `hashKey`, optional sort key `rangeKey`, both strings)
 * encrypted under customer managed key `keyArn`, as admin; checks that DynamoDB reports the
 * key, and returns the TableDescription. */
export async function createCmkTable(name, keyArn, { hashKey, rangeKey }) {
  const attributes = [{ AttributeName: hashKey, AttributeType: "S" }];
  const schema = [{ AttributeName: hashKey, KeyType: "HASH" }];
  if (rangeKey) {
    attributes.push({ AttributeName: rangeKey, AttributeType: "S" });
    schema.push({ AttributeName: rangeKey, KeyType: "RANGE" });
  }
  const { TableDescription } = await dynamoAs("admin").send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: attributes,
    KeySchema: schema,
    BillingMode: "PAY_PER_REQUEST",
    SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: keyArn },
  }));
  assert.deepEqual(TableDescription.SSEDescription,
    { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: keyArn });
  return TableDescription;
}

/** AWS's AccessDeniedException text for an action no identity-based policy allows. */
export function noIdentityPolicyAllows(caller, action, resource) {
  return `User: ${caller} is not authorized to perform: ${action} on resource: ${resource} ` +
    `because no identity-based policy allows the ${action} action`;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** DynamoDB's AccessDeniedException when the caller may not use the table's key
 * (docs/spec/dynamodb-sse.md §1.6): KMS's denial wrapped in the Java SDK's exception text. */
export const KMS_KEY_ACCESS_DENIED = new RegExp("^" + escape(
  "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: " +
  "The ciphertext refers to a customer master key that does not exist, does not exist in this " +
  "region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; " +
  "Error Code: AccessDeniedException; Request ID: ") + UUID + escape("; Proxy: null)") + "$");

/** Awaits `promise`, which must reject with an AWS service error named `name` and HTTP
 * status 400 whose message is `message` (a string: exactly; a RegExp: matching). Returns
 * the error. */
export async function rejectsWith(promise, name, message) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${name}, but the call succeeded`);
  assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
  assert.equal(error.$metadata?.httpStatusCode, 400, `HTTP status of ${name}`);
  if (message instanceof RegExp) assert.match(error.message, message);
  else assert.equal(error.message, message);
  return error;
}
