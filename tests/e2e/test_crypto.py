"""Cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext),
GenerateRandom, and the binding of the encryption context."""
import base64
import os

import harness

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

INCORRECT_KEY = ("The key ID in the request does not identify a CMK that can perform this "
                 "operation.")


def too_long(member, limit):
    return (f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limit}")


TOO_MANY_BYTES = ("1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                  "constraint: Member must have value less than or equal to 1024")


def bad_value(value, member, constraint):
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must {constraint}")


class CryptoTest(harness.KmsTestCase):
    srv = SRV

    @classmethod
    def setUpClass(cls):
        cls.key = cls.srv.client().create_key(Description="crypto")["KeyMetadata"]
        cls.other = cls.srv.client().create_key(Description="other")["KeyMetadata"]

    def encrypt(self, plaintext=b"hello", key=None, **kw):
        return self.kms.encrypt(KeyId=(key or self.key)["KeyId"], Plaintext=plaintext,
                                **kw)["CiphertextBlob"]

    def assertInvalidCiphertext(self, blob, **kw):
        self.assertApiError("InvalidCiphertextException", "", self.kms.decrypt,
                            CiphertextBlob=blob, **kw)

    def test_round_trip(self):
        plaintext = bytes(range(256))
        enc = self.kms.encrypt(KeyId=self.key["KeyId"], Plaintext=plaintext)
        self.assertEqual((enc["KeyId"], enc["EncryptionAlgorithm"]),
                         (self.key["Arn"], "SYMMETRIC_DEFAULT"))
        self.assertIsInstance(enc["CiphertextBlob"], bytes)
        self.assertLessEqual(len(enc["CiphertextBlob"]), 6144)
        self.assertNotIn(plaintext, enc["CiphertextBlob"])
        dec = self.kms.decrypt(CiphertextBlob=enc["CiphertextBlob"])
        self.assertEqual((dec["Plaintext"], dec["KeyId"], dec["EncryptionAlgorithm"]),
                         (plaintext, self.key["Arn"], "SYMMETRIC_DEFAULT"))
        self.assertNotEqual(self.encrypt(plaintext), enc["CiphertextBlob"])

    def test_plaintext_size_limits(self):
        for size in (1, 4096):
            with self.subTest(size=size):
                data = os.urandom(size)
                self.assertEqual(self.kms.decrypt(CiphertextBlob=self.encrypt(data))["Plaintext"],
                                 data)
        r = self.srv.raw("Encrypt", {"KeyId": self.key["KeyId"],
                                     "Plaintext": base64.b64encode(b"a" * 4097).decode()})
        self.assertRawError(r, "ValidationException", too_long("plaintext", 4096))
        r = self.srv.raw("Encrypt", {"KeyId": self.key["KeyId"], "Plaintext": ""})
        self.assertRawError(r, "ValidationException",
                            "1 validation error detected: Value at 'plaintext' failed to satisfy "
                            "constraint: Member must have length greater than or equal to 1")

    def test_decrypt_with_key_id(self):
        blob = self.encrypt()
        alias = self.create_alias(self.key["KeyId"])
        for ident in (self.key["KeyId"], self.key["Arn"], alias):
            with self.subTest(key_id=ident):
                dec = self.kms.decrypt(CiphertextBlob=blob, KeyId=ident)
                self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"hello", self.key["Arn"]))
        for ident in (self.other["KeyId"], self.other["Arn"]):
            with self.subTest(key_id=ident):
                self.assertApiError("IncorrectKeyException", INCORRECT_KEY, self.kms.decrypt,
                                    CiphertextBlob=blob, KeyId=ident)

    def test_encryption_context_binding(self):
        ctx = {"purpose": "test", "user": "alice"}
        blob = self.encrypt(EncryptionContext=ctx)
        dec = self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"user": "alice",
                                                                       "purpose": "test"})
        self.assertEqual(dec["Plaintext"], b"hello")
        for wrong in ({}, {"purpose": "test"}, {"purpose": "test", "user": "bob"},
                      {"purpose": "test", "user": "alice", "extra": "x"},
                      {"Purpose": "test", "user": "alice"}, {"purpose": "test", "user": "Alice"}):
            with self.subTest(context=wrong):
                self.assertInvalidCiphertext(blob, EncryptionContext=wrong)
        self.assertInvalidCiphertext(blob)
        self.assertInvalidCiphertext(self.encrypt(), EncryptionContext={"purpose": "test"})

    def test_encryption_context_is_unambiguous(self):
        pairs = [({"a": "b"}, {"ab": ""}), ({"a": "bc"}, {"ab": "c"}),
                 ({"a": "b", "c": "d"}, {"a": "bcd"})]
        for first, second in pairs:
            for enc_ctx, dec_ctx in ((first, second), (second, first)):
                with self.subTest(encrypt=enc_ctx, decrypt=dec_ctx):
                    blob = self.encrypt(EncryptionContext=enc_ctx)
                    self.assertEqual(self.kms.decrypt(CiphertextBlob=blob,
                                                      EncryptionContext=enc_ctx)["Plaintext"],
                                     b"hello")
                    self.assertInvalidCiphertext(blob, EncryptionContext=dec_ctx)

    def test_tampered_and_truncated_blobs(self):
        blob = self.encrypt(os.urandom(300))
        n = len(blob)
        variants = {"truncated by one": blob[:-1], "half": blob[:n // 2], "first 5": blob[:5],
                    "one byte": blob[:1], "extra byte": blob + b"\x00",
                    "random": os.urandom(n)}
        for pos in (n - 1, n - 20, n - 150):
            variants[f"flipped at {pos}"] = blob[:pos] + bytes([blob[pos] ^ 0x01]) + blob[pos + 1:]
        for name, bad in variants.items():
            with self.subTest(variant=name):
                self.assertInvalidCiphertext(bad)
        self.assertInvalidCiphertext(variants["flipped at %d" % (n - 1)], KeyId=self.key["Arn"])

    def test_re_encrypt(self):
        blob = self.encrypt(b"re-encrypt me", EncryptionContext={"k": "v"})
        alias = self.create_alias(self.other["KeyId"])
        r = self.kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"k": "v"},
                                DestinationKeyId=alias, DestinationEncryptionContext={"k2": "v2"})
        self.assertEqual((r["SourceKeyId"], r["KeyId"], r["SourceEncryptionAlgorithm"],
                          r["DestinationEncryptionAlgorithm"]),
                         (self.key["Arn"], self.other["Arn"], "SYMMETRIC_DEFAULT",
                          "SYMMETRIC_DEFAULT"))
        dec = self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"],
                               EncryptionContext={"k2": "v2"})
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"re-encrypt me", self.other["Arn"]))
        self.assertInvalidCiphertext(r["CiphertextBlob"], EncryptionContext={"k": "v"})
        self.assertApiError("IncorrectKeyException", INCORRECT_KEY, self.kms.decrypt,
                            CiphertextBlob=r["CiphertextBlob"], KeyId=self.key["KeyId"],
                            EncryptionContext={"k2": "v2"})

    def test_re_encrypt_same_key_new_context(self):
        blob = self.encrypt(b"same key", EncryptionContext={"v": "1"})
        r = self.kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"v": "1"},
                                SourceKeyId=self.key["KeyId"], DestinationKeyId=self.key["Arn"],
                                DestinationEncryptionContext={"v": "2"})
        self.assertEqual((r["SourceKeyId"], r["KeyId"]), (self.key["Arn"], self.key["Arn"]))
        self.assertEqual(self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"],
                                          EncryptionContext={"v": "2"})["Plaintext"], b"same key")
        self.assertInvalidCiphertext(r["CiphertextBlob"], EncryptionContext={"v": "1"})

    def test_re_encrypt_errors(self):
        blob = self.encrypt(EncryptionContext={"k": "v"})
        self.assertApiError("IncorrectKeyException", INCORRECT_KEY, self.kms.re_encrypt,
                            CiphertextBlob=blob, SourceEncryptionContext={"k": "v"},
                            SourceKeyId=self.other["KeyId"], DestinationKeyId=self.other["KeyId"])
        self.assertApiError("InvalidCiphertextException", "", self.kms.re_encrypt,
                            CiphertextBlob=blob, SourceEncryptionContext={"k": "w"},
                            DestinationKeyId=self.other["KeyId"])
        self.assertApiError("InvalidCiphertextException", "", self.kms.re_encrypt,
                            CiphertextBlob=blob[:-1], SourceEncryptionContext={"k": "v"},
                            DestinationKeyId=self.other["KeyId"])

    def test_generate_data_key(self):
        for kw, size in (({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16),
                         ({"NumberOfBytes": 1}, 1), ({"NumberOfBytes": 64}, 64),
                         ({"NumberOfBytes": 1024}, 1024)):
            with self.subTest(**kw):
                r = self.kms.generate_data_key(KeyId=self.key["Arn"],
                                               EncryptionContext={"dk": "1"}, **kw)
                self.assertEqual((len(r["Plaintext"]), r["KeyId"]), (size, self.key["Arn"]))
                dec = self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"],
                                       EncryptionContext={"dk": "1"})
                self.assertEqual((dec["Plaintext"], dec["KeyId"]),
                                 (r["Plaintext"], self.key["Arn"]))
                self.assertInvalidCiphertext(r["CiphertextBlob"])
        a = self.kms.generate_data_key(KeyId=self.key["KeyId"], KeySpec="AES_256")
        b = self.kms.generate_data_key(KeyId=self.key["KeyId"], KeySpec="AES_256")
        self.assertNotEqual(a["Plaintext"], b["Plaintext"])

    def test_generate_data_key_validation(self):
        kid = self.key["KeyId"]
        self.assertApiError("ValidationException", None, self.kms.generate_data_key,
                            KeyId=kid, KeySpec="AES_256", NumberOfBytes=32)
        self.assertApiError("ValidationException", None, self.kms.generate_data_key, KeyId=kid)
        self.assertApiError("ValidationException", None,
                            self.kms.generate_data_key_without_plaintext, KeyId=kid)
        self.assertApiError("ValidationException",
                            TOO_MANY_BYTES,
                            self.loose.generate_data_key, KeyId=kid, NumberOfBytes=1025)
        self.assertApiError("ValidationException",
                            bad_value(0, "numberOfBytes", "have value greater than or equal to 1"),
                            self.loose.generate_data_key, KeyId=kid, NumberOfBytes=0)
        self.assertApiError("ValidationException",
                            bad_value("AES_512", "keySpec",
                                      "satisfy enum value set: [AES_256, AES_128]"),
                            self.loose.generate_data_key, KeyId=kid, KeySpec="AES_512")

    def test_generate_data_key_without_plaintext(self):
        r = self.kms.generate_data_key_without_plaintext(KeyId=self.key["KeyId"], KeySpec="AES_256",
                                                         EncryptionContext={"w": "p"})
        self.assertNotIn("Plaintext", r)
        self.assertEqual(r["KeyId"], self.key["Arn"])
        dec = self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"], EncryptionContext={"w": "p"})
        self.assertEqual(len(dec["Plaintext"]), 32)
        r = self.kms.generate_data_key_without_plaintext(KeyId=self.key["KeyId"], NumberOfBytes=7)
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"]), 7)
        self.assertInvalidCiphertext(r["CiphertextBlob"], EncryptionContext={"w": "p"})

    def test_generate_random(self):
        for n in (1, 12, 91, 1024):
            with self.subTest(n=n):
                self.assertEqual(len(self.kms.generate_random(NumberOfBytes=n)["Plaintext"]), n)
        self.assertNotEqual(self.kms.generate_random(NumberOfBytes=32)["Plaintext"],
                            self.kms.generate_random(NumberOfBytes=32)["Plaintext"])

    def test_generate_random_errors(self):
        self.assertApiError("ValidationException", "NumberOfBytes is required.",
                            self.loose.generate_random)
        self.assertApiError("ValidationException",
                            bad_value(0, "numberOfBytes", "have value greater than or equal to 1"),
                            self.loose.generate_random, NumberOfBytes=0)
        self.assertApiError("ValidationException",
                            TOO_MANY_BYTES,
                            self.loose.generate_random, NumberOfBytes=1025)

    def test_dry_run(self):
        dry = "The request would have succeeded, but the DryRun option is set."
        blob = self.encrypt()
        for op, params in (("Encrypt", {"KeyId": self.key["KeyId"], "Plaintext": b"x"}),
                           ("Decrypt", {"CiphertextBlob": blob}),
                           ("GenerateDataKey", {"KeyId": self.key["KeyId"], "KeySpec": "AES_256"})):
            with self.subTest(op=op):
                self.assertApiError("DryRunOperationException", dry, self.call, op, DryRun=True,
                                    **params)
        # Reference 3: DryRun stops after key resolution, which needs a parseable blob.
        self.assertApiError("InvalidCiphertextException", "", self.call, "Decrypt", DryRun=True,
                            CiphertextBlob=blob[:5])
        disabled = self.create_key()
        self.kms.disable_key(KeyId=disabled["KeyId"])
        self.assertApiError("DisabledException", f"{disabled['Arn']} is disabled.", self.call,
                            "Encrypt", DryRun=True, KeyId=disabled["KeyId"], Plaintext=b"x")

    def test_cli(self):
        secret = b"cli secret \x00\xff"
        res = self.srv.cli("encrypt", "--key-id", self.key["KeyId"], "--plaintext",
                           "fileb://" + self.srv.file(secret), "--encryption-context", "app=e2e")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual((res.json["KeyId"], res.json["EncryptionAlgorithm"]),
                         (self.key["Arn"], "SYMMETRIC_DEFAULT"))
        blob_file = "fileb://" + self.srv.file(base64.b64decode(res.json["CiphertextBlob"]))
        res = self.srv.cli("decrypt", "--ciphertext-blob", blob_file,
                           "--encryption-context", "app=e2e")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual((base64.b64decode(res.json["Plaintext"]), res.json["KeyId"]),
                         (secret, self.key["Arn"]))
        res = self.srv.cli("decrypt", "--ciphertext-blob", blob_file,
                           "--encryption-context", "app=other")
        self.assertCliError(res, "InvalidCiphertextException", "Decrypt", "")
        res = self.srv.cli("decrypt", "--ciphertext-blob", blob_file, "--key-id",
                           self.other["KeyId"], "--encryption-context", "app=e2e")
        self.assertCliError(res, "IncorrectKeyException", "Decrypt", INCORRECT_KEY)
        res = self.srv.cli("generate-data-key", "--key-id", self.key["Arn"], "--key-spec",
                           "AES_128")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(len(base64.b64decode(res.json["Plaintext"])), 16)
        res = self.srv.cli("generate-random", "--number-of-bytes", "33")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(len(base64.b64decode(res.json["Plaintext"])), 33)
