// KMS with the AWS Encryption SDK for JavaScript (a KMS keyring) and envelope encryption
// with @aws-sdk/client-kms, signing as app (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*),
// and the denials of sealer (kms:Encrypt, kms:GenerateDataKey*; no kms:Decrypt).
import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { before, test } from "node:test";

import { CommitmentPolicy, KMS, KmsKeyringNode, buildClient, getClient } from "@aws-crypto/client-node";
import { DecryptCommand, GenerateDataKeyCommand } from "@aws-sdk/client-kms";

import { clientConfig, createKey, kmsAs, noIdentityPolicyAllows, rejectsWith, userArn } from "./lib/kmslab.mjs";

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const CONTEXT = { tenant: "blue", purpose: "invoice" };
let key;

before(async () => {
  key = await createKey("encryption sdk");
});

/** A KMS keyring under the test key whose KMS clients sign as `caller`. */
const keyringAs = (caller) =>
  new KmsKeyringNode({ generatorKeyId: key.Arn, clientProvider: getClient(KMS, clientConfig(caller)) });

test("a KMS keyring encrypts and decrypts with an encryption context", async () => {
  const keyring = keyringAs("app");
  const plaintext = Buffer.from("invoice 2026-001: 42 mugs, paid");
  const { result, messageHeader } = await encrypt(keyring, plaintext, { encryptionContext: CONTEXT });
  assert.ok(!result.includes(plaintext), "the message must not contain the plaintext");
  assert.equal(messageHeader.encryptedDataKeys.length, 1);
  const [edk] = messageHeader.encryptedDataKeys;
  assert.equal(edk.providerId, "aws-kms");
  assert.equal(edk.providerInfo, key.Arn);

  const decrypted = await decrypt(keyring, result);
  assert.deepEqual(decrypted.plaintext, plaintext);
  // The application checks the context it expects (the SDK adds its own members).
  for (const [name, value] of Object.entries(CONTEXT)) {
    assert.equal(decrypted.messageHeader.encryptionContext[name], value, name);
  }

  // The data key is bound to the context: with a tampered header KMS refuses to unwrap it.
  const tampered = Buffer.from(result);
  const at = tampered.indexOf(Buffer.from("blue"));
  assert.ok(at > 0, "the context is in the message header");
  tampered.write("gold", at);
  await assert.rejects(decrypt(keyring, tampered), (error) => {
    assert.match(error.message, /^Unable to decrypt data key and one or more KMS CMKs had an error/);
    assert.ok(error.message.includes("InvalidCiphertextException"), error.message);
    return true;
  });
});

test("GenerateDataKey and Decrypt make envelope encryption", async () => {
  const kms = kmsAs("app");
  const dataKey = await kms.send(new GenerateDataKeyCommand({
    KeyId: key.Arn, KeySpec: "AES_256", EncryptionContext: CONTEXT,
  }));
  assert.equal(dataKey.KeyId, key.Arn);
  assert.equal(dataKey.Plaintext.length, 32);
  assert.ok(dataKey.CiphertextBlob.length > 32);

  // Seal a record locally under the data key; keep only the wrapped key with it.
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", dataKey.Plaintext, iv);
  const sealed = Buffer.concat([cipher.update("card on file: **** 4242"), cipher.final()]);
  const tag = cipher.getAuthTag();

  const unwrapped = await kms.send(new DecryptCommand({
    CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: CONTEXT,
  }));
  assert.equal(unwrapped.KeyId, key.Arn);
  assert.deepEqual(Buffer.from(unwrapped.Plaintext), Buffer.from(dataKey.Plaintext));
  const decipher = createDecipheriv("aes-256-gcm", unwrapped.Plaintext, iv);
  decipher.setAuthTag(tag);
  assert.equal(Buffer.concat([decipher.update(sealed), decipher.final()]).toString(), "card on file: **** 4242");

  // Without the context the wrapped key does not open. KMS sends no message with this
  // error; the SDK calls a missing message "UnknownError".
  await rejectsWith(kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob })),
    "InvalidCiphertextException", "UnknownError");
});

test("a caller without kms:Decrypt can seal but not open", async () => {
  const plaintext = Buffer.from("payroll export");
  // sealer may encrypt through the keyring (GenerateDataKey) ...
  const { result } = await encrypt(keyringAs("sealer"), plaintext, { encryptionContext: CONTEXT });
  // ... and app may open it, but sealer may not.
  assert.deepEqual((await decrypt(keyringAs("app"), result)).plaintext, plaintext);
  // The keyring gives up on the data key and reports KMS's denial.
  const denied = noIdentityPolicyAllows(userArn("sealer"), "kms:Decrypt", key.Arn);
  await assert.rejects(decrypt(keyringAs("sealer"), result), (error) => {
    assert.match(error.message, /^Unable to decrypt data key and one or more KMS CMKs had an error/);
    assert.ok(error.message.includes(`AccessDeniedException: ${denied}`), error.message);
    return true;
  });

  const sealer = kmsAs("sealer");
  const dataKey = await sealer.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: "AES_256" }));
  await rejectsWith(sealer.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob })),
    "AccessDeniedException", denied);
});
