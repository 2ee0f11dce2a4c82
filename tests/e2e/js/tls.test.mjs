// The AWS SDK for JavaScript v3 over HTTPS, trusting kmslab's self-signed certificate the two
// ways the README shows: NODE_EXTRA_CA_CERTS for every client of the process, or an
// https.Agent whose `ca` is the certificate for one client. test_js_sdk.py runs this file
// against a server of its own started with --tls, with NODE_EXTRA_CA_CERTS and
// KMSLAB_CA_BUNDLE naming the certificate that server printed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import https from "node:https";
import tls from "node:tls";
import { test } from "node:test";

import { DecryptCommand, EncryptCommand, KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";

import { clientConfig, createKey, kmsAs } from "./lib/kmslab.mjs";

const CA_BUNDLE = process.env.KMSLAB_CA_BUNDLE;
if (!CA_BUNDLE) throw new Error("KMSLAB_CA_BUNDLE is not set; run this file through tests/e2e/run.py test_js_sdk");

/** A KMS client signing as admin whose requests go through an https.Agent trusting `ca`. */
const kmsTrusting = (ca) =>
  new KMSClient({ ...clientConfig("admin"), requestHandler: { httpsAgent: new https.Agent({ ca }) } });

/** Encrypts and decrypts under a new key through `kms`. */
async function roundTrip(kms) {
  const { KeyId } = await createKey("over TLS");
  const plaintext = new TextEncoder().encode("sent over HTTPS");
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext: plaintext }));
  const { Plaintext, KeyId: used } = await kms.send(new DecryptCommand({ CiphertextBlob }));
  assert.deepEqual(Plaintext, plaintext);
  assert.match(used, new RegExp(`key/${KeyId}$`));
}

test("the endpoint is kmslab's HTTPS listener", () => {
  assert.match(clientConfig("admin").endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test("a client with the default agent trusts the certificate through NODE_EXTRA_CA_CERTS", async () => {
  assert.equal(process.env.NODE_EXTRA_CA_CERTS, CA_BUNDLE);
  await roundTrip(kmsAs("admin"));
});

test("a client whose https.Agent has the certificate as its ca", async () => {
  await roundTrip(kmsTrusting(readFileSync(CA_BUNDLE)));
});

test("a client trusting only the public roots refuses the certificate", async () => {
  await assert.rejects(kmsTrusting(tls.rootCertificates).send(new ListKeysCommand({})), (error) => {
    assert.equal(error.code, "DEPTH_ZERO_SELF_SIGNED_CERT", `${error.name}: ${error.message}`);
    return true;
  });
});
