"""RSA Encrypt / Decrypt / ReEncrypt with RSA ENCRYPT_DECRYPT keys, GenerateDataKeyPair(WithoutPlaintext)
and DeriveSharedSecret, each checked independently with the `cryptography` package: round trips and
plaintext limits, ciphertext made offline, every KeyPairSpec, ECDH against an offline peer, AWS's error
texts, wrong usage, key states, grants and denials, condition keys and the trail.
Reference: docs/spec/key-types.md sections 4, 5, 6, 10, 11, 12 and 14."""
import base64
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

import harness
from harness import user_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

LEAD = user_arn("db-lead")
ADMIN = user_arn("admin")
OAEP = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}
# RSA key spec -> (modulus bytes, {algorithm: plaintext limit}) (section 4).
RSA_LIMITS = {"RSA_2048": (256, {"RSAES_OAEP_SHA_1": 214, "RSAES_OAEP_SHA_256": 190}),
              "RSA_3072": (384, {"RSAES_OAEP_SHA_1": 342, "RSAES_OAEP_SHA_256": 318}),
              "RSA_4096": (512, {"RSAES_OAEP_SHA_1": 470, "RSAES_OAEP_SHA_256": 446})}
# KeyPairSpec -> the private key class and size (bits, or curve name).
KEY_PAIR_SPECS = {
    "RSA_2048": (rsa.RSAPrivateKey, 2048), "RSA_3072": (rsa.RSAPrivateKey, 3072),
    "RSA_4096": (rsa.RSAPrivateKey, 4096),
    "ECC_NIST_P256": (ec.EllipticCurvePrivateKey, "secp256r1"),
    "ECC_NIST_P384": (ec.EllipticCurvePrivateKey, "secp384r1"),
    "ECC_NIST_P521": (ec.EllipticCurvePrivateKey, "secp521r1"),
    "ECC_SECG_P256K1": (ec.EllipticCurvePrivateKey, "secp256k1"),
    "ECC_NIST_EDWARDS25519": (ed25519.Ed25519PrivateKey, None),
}
# KEY_AGREEMENT key spec -> (peer curve, shared secret length).
ECDH_SPECS = {"ECC_NIST_P256": (ec.SECP256R1, 32), "ECC_NIST_P384": (ec.SECP384R1, 48),
              "ECC_NIST_P521": (ec.SECP521R1, 66)}
# The keys the tests share: name -> CreateKey arguments.
FIXTURE_KEYS = {
    **{spec: {"KeySpec": spec, "KeyUsage": "ENCRYPT_DECRYPT"} for spec in RSA_LIMITS},
    **{spec: {"KeySpec": spec, "KeyUsage": "KEY_AGREEMENT"} for spec in ECDH_SPECS},
    "SYMMETRIC": {},
    "SIGN": {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"},
    "HMAC": {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
}
CONTEXT = {"tenant": "blue"}
RSA_SECRET = b"rsa-plaintext-marker-5a0e"
ASYMMETRIC_CONTEXT = "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs."
DRY_RUN = "The request would have succeeded, but the DryRun option is set."


def oaep(algorithm):
    h = OAEP[algorithm]()
    return padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None)


def der_public(key):
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def usage_error(md, operation):
    return f"{md['Arn']} key usage is {md['KeyUsage']} which is not valid for {operation}."


class KeyPairsAndRsaTest(harness.KmsTestCase):
    srv = SRV

    @classmethod
    def setUpClass(cls):
        kms = cls.srv.client()
        cls.keys = {name: kms.create_key(**kw)["KeyMetadata"] for name, kw in FIXTURE_KEYS.items()}

    def key(self, name):
        return self.keys[name]

    def public_key(self, name):
        return serialization.load_der_public_key(
            self.kms.get_public_key(KeyId=self.key(name)["KeyId"])["PublicKey"])

    # --- RSA Encrypt / Decrypt ---------------------------------------------------------------
    def test_rsa_round_trips_up_to_the_limit_and_refuses_one_byte_more(self):
        for spec, (modulus, limits) in RSA_LIMITS.items():
            md = self.key(spec)
            for algorithm, limit in limits.items():
                with self.subTest(spec=spec, algorithm=algorithm):
                    plaintext = bytes(range(256)) * 2
                    r = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=plaintext[:limit],
                                         EncryptionAlgorithm=algorithm)
                    self.assertEqual((r["KeyId"], r["EncryptionAlgorithm"], len(r["CiphertextBlob"])),
                                     (md["Arn"], algorithm, modulus))
                    d = self.kms.decrypt(KeyId=md["KeyId"], CiphertextBlob=r["CiphertextBlob"],
                                         EncryptionAlgorithm=algorithm)
                    self.assertEqual((d["KeyId"], d["Plaintext"], d["EncryptionAlgorithm"]),
                                     (md["Arn"], plaintext[:limit], algorithm))
                    self.assertNotIn("KeyMaterialId", d)
                    self.assertApiError(
                        "ValidationException",
                        f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than "
                        f"{limit} bytes.",
                        self.kms.encrypt, KeyId=md["KeyId"], Plaintext=plaintext[:limit + 1],
                        EncryptionAlgorithm=algorithm)
        # OAEP is randomized: the same plaintext encrypts differently each time.
        kw = {"KeyId": self.key("RSA_2048")["KeyId"], "Plaintext": RSA_SECRET,
              "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}
        self.assertNotEqual(self.kms.encrypt(**kw)["CiphertextBlob"], self.kms.encrypt(**kw)["CiphertextBlob"])

    def test_ciphertext_made_offline_with_the_public_key_decrypts(self):
        for spec in RSA_LIMITS:
            public = self.public_key(spec)
            self.assertEqual(public.key_size, int(spec[4:]))
            for algorithm in OAEP:
                with self.subTest(spec=spec, algorithm=algorithm):
                    blob = public.encrypt(RSA_SECRET, oaep(algorithm))
                    d = self.kms.decrypt(KeyId=self.key(spec)["Arn"], CiphertextBlob=blob,
                                         EncryptionAlgorithm=algorithm)
                    self.assertEqual(d["Plaintext"], RSA_SECRET)

    def test_rsa_decrypt_failures(self):
        md, other = self.key("RSA_2048"), self.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=RSA_SECRET,
                                EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
        self.assertApiError("ValidationException", "KeyId must not be null", self.kms.decrypt,
                            CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
        # Without the algorithm the blob is read as a symmetric ciphertext.
        self.assertApiError("InvalidCiphertextException", "", self.kms.decrypt, CiphertextBlob=blob,
                            KeyId=md["KeyId"])
        flipped = bytes([blob[0] ^ 1]) + blob[1:]
        for key_id, algorithm, ciphertext in ((md["KeyId"], "RSAES_OAEP_SHA_1", blob),
                                              (other["KeyId"], "RSAES_OAEP_SHA_256", blob),
                                              (md["KeyId"], "RSAES_OAEP_SHA_256", flipped),
                                              (md["KeyId"], "RSAES_OAEP_SHA_256", blob[:-1]),
                                              (md["KeyId"], "RSAES_OAEP_SHA_256", b"garbage")):
            with self.subTest(key=key_id, algorithm=algorithm, size=len(ciphertext)):
                self.assertApiError("InvalidCiphertextException", "", self.kms.decrypt, KeyId=key_id,
                                    CiphertextBlob=ciphertext, EncryptionAlgorithm=algorithm)

    def test_encryption_context_is_refused_on_rsa_keys(self):
        md = self.key("RSA_2048")
        kw = {"KeyId": md["KeyId"], "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}
        self.assertApiError("ValidationException", ASYMMETRIC_CONTEXT, self.kms.encrypt, Plaintext=b"x",
                            EncryptionContext=CONTEXT, **kw)
        blob = self.kms.encrypt(Plaintext=b"x", EncryptionContext={}, **kw)["CiphertextBlob"]
        self.assertApiError("ValidationException", ASYMMETRIC_CONTEXT, self.kms.decrypt, CiphertextBlob=blob,
                            EncryptionContext=CONTEXT, **kw)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={}, **kw)["Plaintext"], b"x")

    def test_algorithm_and_usage_errors(self):
        rsa_key, sym = self.key("RSA_2048"), self.key("SYMMETRIC")
        self.assertApiError("InvalidKeyUsageException",
                            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
                            self.kms.encrypt, KeyId=rsa_key["KeyId"], Plaintext=b"x")
        self.assertApiError("InvalidKeyUsageException",
                            "Algorithm SM2PKE is incompatible with key spec RSA_2048.",
                            self.kms.encrypt, KeyId=rsa_key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="SM2PKE")
        symmetric_blob = self.kms.encrypt(KeyId=sym["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        for op, name, kw in ((self.kms.encrypt, "Encrypt", {"Plaintext": b"x"}),
                             (self.kms.decrypt, "Decrypt", {"CiphertextBlob": symmetric_blob})):
            with self.subTest(op=name):
                self.assertApiError("InvalidKeyUsageException",
                                    "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
                                    op, KeyId=sym["KeyId"], EncryptionAlgorithm="RSAES_OAEP_SHA_256", **kw)
                for md in (self.key("SIGN"), self.key("HMAC"), self.key("ECC_NIST_P256")):
                    self.assertApiError("InvalidKeyUsageException", usage_error(md, name), op, KeyId=md["KeyId"],
                                        EncryptionAlgorithm="RSAES_OAEP_SHA_256", **kw)

    def test_rsa_keys_follow_the_key_states(self):
        md = self.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        kw = {"KeyId": md["KeyId"], "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}
        blob = self.kms.encrypt(Plaintext=b"x", **kw)["CiphertextBlob"]
        self.assertApiError("DryRunOperationException", DRY_RUN, self.call, "Encrypt", Plaintext=b"x",
                            DryRun=True, **kw)
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.kms.decrypt,
                            CiphertextBlob=blob, **kw)
        self.kms.enable_key(KeyId=md["KeyId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, **kw)["Plaintext"], b"x")
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.assertApiError("KMSInvalidStateException", f"{md['Arn']} is pending deletion.", self.kms.encrypt,
                            Plaintext=b"x", **kw)

    # --- ReEncrypt ---------------------------------------------------------------------------
    def test_re_encrypt_between_symmetric_and_rsa_keys(self):
        sym, rsa2048, rsa3072 = self.key("SYMMETRIC"), self.key("RSA_2048"), self.key("RSA_3072")
        sym_blob = self.kms.encrypt(KeyId=sym["KeyId"], Plaintext=RSA_SECRET,
                                    EncryptionContext=CONTEXT)["CiphertextBlob"]
        # symmetric -> RSA
        r = self.kms.re_encrypt(CiphertextBlob=sym_blob, SourceEncryptionContext=CONTEXT,
                                DestinationKeyId=rsa2048["KeyId"], DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_1")
        self.assertEqual(len(r["CiphertextBlob"]), 256)
        self.assertEqual((r["SourceKeyId"], r["KeyId"], r["SourceEncryptionAlgorithm"],
                          r["DestinationEncryptionAlgorithm"]),
                         (sym["Arn"], rsa2048["Arn"], "SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1"))
        self.assertIn("SourceKeyMaterialId", r)
        self.assertNotIn("DestinationKeyMaterialId", r)
        rsa_blob = r["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(KeyId=rsa2048["KeyId"], CiphertextBlob=rsa_blob,
                                          EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"], RSA_SECRET)
        # RSA -> RSA: exactly the recorded response members.
        r = self.kms.re_encrypt(CiphertextBlob=rsa_blob, SourceKeyId=rsa2048["Arn"],
                                SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1", DestinationKeyId=rsa3072["KeyId"],
                                DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
        self.assertEqual(set(r) - {"ResponseMetadata"},
                         {"CiphertextBlob", "DestinationEncryptionAlgorithm", "KeyId", "SourceEncryptionAlgorithm",
                          "SourceKeyId"})
        self.assertEqual(len(r["CiphertextBlob"]), 384)
        public = self.public_key("RSA_3072")
        self.assertEqual(public.key_size, 3072)
        # RSA -> symmetric, bound to a new context.
        r = self.kms.re_encrypt(CiphertextBlob=r["CiphertextBlob"], SourceKeyId=rsa3072["KeyId"],
                                SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", DestinationKeyId=sym["KeyId"],
                                DestinationEncryptionContext={"stage": "back"})
        self.assertEqual((r["SourceKeyId"], r["KeyId"]), (rsa3072["Arn"], sym["Arn"]))
        self.assertNotIn("SourceKeyMaterialId", r)
        self.assertEqual(r["DestinationKeyMaterialId"], self.describe(sym["KeyId"])["CurrentKeyMaterialId"])
        d = self.kms.decrypt(CiphertextBlob=r["CiphertextBlob"], EncryptionContext={"stage": "back"})
        self.assertEqual((d["KeyId"], d["Plaintext"]), (sym["Arn"], RSA_SECRET))

    def test_re_encrypt_errors(self):
        sym, rsa_key, sign = self.key("SYMMETRIC"), self.key("RSA_2048"), self.key("SIGN")
        rsa_blob = self.kms.encrypt(KeyId=rsa_key["KeyId"], Plaintext=b"x",
                                    EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
        self.assertApiError("ValidationException", "SourceKeyId must not be null", self.kms.re_encrypt,
                            CiphertextBlob=rsa_blob, SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                            DestinationKeyId=sym["KeyId"])
        self.assertApiError("InvalidCiphertextException", "", self.kms.re_encrypt, CiphertextBlob=rsa_blob,
                            SourceKeyId=rsa_key["KeyId"], DestinationKeyId=sym["KeyId"])
        self.assertApiError("InvalidKeyUsageException", usage_error(sign, "ReEncrypt"), self.kms.re_encrypt,
                            CiphertextBlob=rsa_blob, SourceKeyId=rsa_key["KeyId"],
                            SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", DestinationKeyId=sign["KeyId"],
                            DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
        self.assertApiError("InvalidKeyUsageException",
                            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
                            self.kms.re_encrypt, CiphertextBlob=rsa_blob, SourceKeyId=rsa_key["KeyId"],
                            SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", DestinationKeyId=rsa_key["KeyId"])
        self.assertApiError("ValidationException", ASYMMETRIC_CONTEXT, self.kms.re_encrypt,
                            CiphertextBlob=rsa_blob, SourceKeyId=rsa_key["KeyId"],
                            SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", SourceEncryptionContext=CONTEXT,
                            DestinationKeyId=sym["KeyId"])
        # A plaintext too large for the destination's OAEP block.
        big = self.kms.encrypt(KeyId=sym["KeyId"], Plaintext=b"b" * 191)["CiphertextBlob"]
        self.assertApiError("ValidationException",
                            "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than "
                            "190 bytes.",
                            self.kms.re_encrypt, CiphertextBlob=big, DestinationKeyId=rsa_key["KeyId"],
                            DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")

    # --- GenerateDataKeyPair -----------------------------------------------------------------
    def test_every_key_pair_spec(self):
        sym = self.key("SYMMETRIC")
        material_id = self.describe(sym["KeyId"])["CurrentKeyMaterialId"]
        for spec, (kind, size) in KEY_PAIR_SPECS.items():
            with self.subTest(spec=spec):
                r = self.kms.generate_data_key_pair(KeyId=sym["KeyId"], KeyPairSpec=spec, EncryptionContext=CONTEXT)
                self.assertEqual((r["KeyId"], r["KeyPairSpec"], r["KeyMaterialId"]), (sym["Arn"], spec, material_id))
                private = serialization.load_der_private_key(r["PrivateKeyPlaintext"], password=None)
                self.assertIsInstance(private, kind)
                if kind is rsa.RSAPrivateKey:
                    self.assertEqual(private.key_size, size)
                elif size:
                    self.assertEqual(private.curve.name, size)
                self.assertEqual(der_public(private), r["PublicKey"])
                # The private key is an ordinary symmetric ciphertext bound to the context.
                d = self.kms.decrypt(CiphertextBlob=r["PrivateKeyCiphertextBlob"], EncryptionContext=CONTEXT)
                self.assertEqual((d["KeyId"], d["Plaintext"]), (sym["Arn"], r["PrivateKeyPlaintext"]))
                self.assertApiError("InvalidCiphertextException", "", self.kms.decrypt,
                                    CiphertextBlob=r["PrivateKeyCiphertextBlob"])
                w = self.kms.generate_data_key_pair_without_plaintext(KeyId=sym["Arn"], KeyPairSpec=spec)
                self.assertNotIn("PrivateKeyPlaintext", w)
                self.assertEqual((w["KeyId"], w["KeyPairSpec"], w["KeyMaterialId"]), (sym["Arn"], spec, material_id))
                pkcs8 = self.kms.decrypt(CiphertextBlob=w["PrivateKeyCiphertextBlob"])["Plaintext"]
                self.assertEqual(der_public(serialization.load_der_private_key(pkcs8, password=None)),
                                 w["PublicKey"])
                self.assertNotEqual(w["PublicKey"], r["PublicKey"])  # a fresh pair per call

    def test_key_pair_refusals(self):
        sym = self.key("SYMMETRIC")
        for op in ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"):
            with self.subTest(op=op):
                self.assertApiError("UnsupportedOperationException", "KeyPairSpec SM2 is not supported in this Region",
                                    self.call, op, KeyId=sym["KeyId"], KeyPairSpec="SM2")
                self.assertApiError("DryRunOperationException", DRY_RUN, self.call, op, KeyId=sym["KeyId"],
                                    KeyPairSpec="RSA_2048", DryRun=True)
                self.assertApiError("InvalidKeyUsageException",
                                    "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
                                    self.call, op, KeyId=self.key("RSA_2048")["KeyId"], KeyPairSpec="ECC_NIST_P256")
                for name in ("SIGN", "HMAC", "ECC_NIST_P256"):
                    self.assertApiError("InvalidKeyUsageException", usage_error(self.key(name), op), self.call, op,
                                        KeyId=self.key(name)["KeyId"], KeyPairSpec="ECC_NIST_P256")
                r = self.srv.raw(op, {"KeyId": sym["KeyId"], "KeyPairSpec": "ML_DSA_44"})
                self.assertRawError(
                    r, "ValidationException",
                    "1 validation error detected: Value 'ML_DSA_44' at 'keyPairSpec' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, "
                    "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2, ECC_NIST_EDWARDS25519]")
        r = self.srv.raw("GenerateDataKeyPair", {
            "KeyId": sym["KeyId"], "KeyPairSpec": "RSA_2048",
            "Recipient": {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": "eA=="}})
        self.assertRawError(r, "ValidationException", "Recipient attestation documents are not supported by kmslab")

    # --- DeriveSharedSecret ------------------------------------------------------------------
    def test_shared_secret_matches_an_offline_peer(self):
        for spec, (curve, size) in ECDH_SPECS.items():
            with self.subTest(spec=spec):
                md = self.key(spec)
                peer = ec.generate_private_key(curve())
                r = self.kms.derive_shared_secret(KeyId=md["KeyId"], KeyAgreementAlgorithm="ECDH",
                                                  PublicKey=der_public(peer))
                self.assertEqual((r["KeyId"], r["KeyAgreementAlgorithm"], r["KeyOrigin"]),
                                 (md["Arn"], "ECDH", "AWS_KMS"))
                self.assertEqual(len(r["SharedSecret"]), size)
                self.assertEqual(r["SharedSecret"], peer.exchange(ec.ECDH(), self.public_key(spec)))

    def test_derive_shared_secret_errors(self):
        p256 = self.key("ECC_NIST_P256")
        peer = der_public(ec.generate_private_key(ec.SECP256R1()))
        for name in ("SIGN", "RSA_2048", "SYMMETRIC", "HMAC"):
            with self.subTest(key=name):
                md = self.key(name)
                self.assertApiError("InvalidKeyUsageException", usage_error(md, "DeriveSharedSecret"),
                                    self.kms.derive_shared_secret, KeyId=md["KeyId"], KeyAgreementAlgorithm="ECDH",
                                    PublicKey=peer)
        other_curve = der_public(ec.generate_private_key(ec.SECP384R1()))
        rsa_public = der_public(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        for bad in (b"garbage", other_curve, rsa_public, peer[:-1]):
            with self.subTest(peer=bad[:8]):
                self.assertApiError("ValidationException", "", self.kms.derive_shared_secret, KeyId=p256["KeyId"],
                                    KeyAgreementAlgorithm="ECDH", PublicKey=bad)
        r = self.srv.raw("DeriveSharedSecret", {"KeyId": p256["KeyId"], "KeyAgreementAlgorithm": "INVALID",
                                                "PublicKey": base64.b64encode(peer).decode()})
        self.assertRawError(r, "ValidationException",
                            "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to "
                            "satisfy constraint: Member must satisfy enum value set: [ECDH]")
        self.assertApiError("DryRunOperationException", DRY_RUN, self.kms.derive_shared_secret, KeyId=p256["KeyId"],
                            KeyAgreementAlgorithm="ECDH", PublicKey=peer, DryRun=True)
        r = self.srv.raw("DeriveSharedSecret", {
            "KeyId": p256["KeyId"], "KeyAgreementAlgorithm": "ECDH", "PublicKey": base64.b64encode(peer).decode(),
            "Recipient": {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": "eA=="}})
        self.assertRawError(r, "ValidationException", "Recipient attestation documents are not supported by kmslab")
        md = self.create_key(KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.kms.derive_shared_secret,
                            KeyId=md["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=other_curve)

    # --- authorization -------------------------------------------------------------------------
    def test_grants_allow_what_the_key_policy_does_not(self):
        lead = self.as_("db-lead")
        rsa_key = self.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        sym = self.create_key()
        ecdh = self.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
        peer = ec.generate_private_key(ec.SECP256R1())
        rkw = {"KeyId": rsa_key["Arn"], "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}
        pkw = {"KeyId": sym["Arn"], "KeyPairSpec": "ECC_NIST_P256", "EncryptionContext": CONTEXT}
        dkw = {"KeyId": ecdh["Arn"], "KeyAgreementAlgorithm": "ECDH", "PublicKey": der_public(peer)}
        for fn, action, resource, kw in ((lead.encrypt, "kms:Encrypt", rsa_key["Arn"], dict(rkw, Plaintext=b"x")),
                                         (lead.generate_data_key_pair, "kms:GenerateDataKeyPair", sym["Arn"], pkw),
                                         (lead.generate_data_key_pair_without_plaintext,
                                          "kms:GenerateDataKeyPairWithoutPlaintext", sym["Arn"], pkw),
                                         (lead.derive_shared_secret, "kms:DeriveSharedSecret", ecdh["Arn"], dkw)):
            with self.subTest(action=action):
                self.assertAccessDenied(fn, LEAD, action, resource, "no-identity", **kw)
        self.kms.create_grant(KeyId=rsa_key["KeyId"], GranteePrincipal=LEAD,
                              Operations=["Encrypt", "Decrypt", "GetPublicKey"])
        blob = lead.encrypt(Plaintext=RSA_SECRET, **rkw)["CiphertextBlob"]
        self.assertEqual(lead.decrypt(CiphertextBlob=blob, **rkw)["Plaintext"], RSA_SECRET)
        self.assertAccessDenied(lead.re_encrypt, LEAD, "kms:ReEncryptFrom", rsa_key["Arn"], "no-identity",
                                CiphertextBlob=blob, SourceKeyId=rsa_key["Arn"],
                                SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", DestinationKeyId=rsa_key["Arn"],
                                DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_1")
        self.kms.create_grant(KeyId=rsa_key["KeyId"], GranteePrincipal=LEAD, Operations=["ReEncryptFrom", "ReEncryptTo"])
        lead.re_encrypt(CiphertextBlob=blob, SourceKeyId=rsa_key["Arn"], SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                        DestinationKeyId=rsa_key["Arn"], DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_1")
        # A pair grant constrained to the context; the WithoutPlaintext operation stays denied.
        self.kms.create_grant(KeyId=sym["KeyId"], GranteePrincipal=LEAD, Operations=["GenerateDataKeyPair"],
                              Constraints={"EncryptionContextSubset": CONTEXT})
        self.assertEqual(lead.generate_data_key_pair(**pkw)["KeyId"], sym["Arn"])
        self.assertAccessDenied(lead.generate_data_key_pair, LEAD, "kms:GenerateDataKeyPair", sym["Arn"],
                                "no-identity", **dict(pkw, EncryptionContext={"tenant": "red"}))
        self.assertAccessDenied(lead.generate_data_key_pair_without_plaintext, LEAD,
                                "kms:GenerateDataKeyPairWithoutPlaintext", sym["Arn"], "no-identity", **pkw)
        self.kms.create_grant(KeyId=ecdh["KeyId"], GranteePrincipal=LEAD, Operations=["DeriveSharedSecret"])
        secret = lead.derive_shared_secret(**dkw)["SharedSecret"]
        self.assertEqual(secret, peer.exchange(ec.ECDH(), serialization.load_der_public_key(
            self.kms.get_public_key(KeyId=ecdh["KeyId"])["PublicKey"])))

    def test_condition_keys(self):
        admin_all = {"Sid": "admin", "Effect": "Allow", "Principal": {"AWS": harness.root_arn()},
                     "Action": "kms:*", "Resource": "*"}

        def deny(sid, action, condition):
            return {"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*",
                    "Condition": {"StringEquals": condition}}
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            admin_all,
            deny("no-sha1", "kms:Encrypt", {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
            deny("no-4096-pairs", "kms:GenerateDataKey*", {"kms:DataKeyPairSpec": "RSA_4096"}),
            deny("no-red-pairs", "kms:GenerateDataKeyPair", {"kms:EncryptionContext:tenant": "red",
                                                             "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
            deny("no-ecdh", "kms:DeriveSharedSecret", {"kms:KeyAgreementAlgorithm": "ECDH"})]})
        rsa_key = self.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT", Policy=policy)
        sym = self.create_key(Policy=policy)
        ecdh = self.create_key(KeySpec="ECC_NIST_P521", KeyUsage="KEY_AGREEMENT", Policy=policy)
        self.assertAccessDenied(self.kms.encrypt, ADMIN, "kms:Encrypt", rsa_key["Arn"], "explicit-resource",
                                KeyId=rsa_key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_1")
        self.kms.encrypt(KeyId=rsa_key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")
        self.assertAccessDenied(self.kms.generate_data_key_pair_without_plaintext, ADMIN,
                                "kms:GenerateDataKeyPairWithoutPlaintext", sym["Arn"], "explicit-resource",
                                KeyId=sym["KeyId"], KeyPairSpec="RSA_4096")
        self.kms.generate_data_key_pair_without_plaintext(KeyId=sym["KeyId"], KeyPairSpec="RSA_2048")
        self.assertAccessDenied(self.kms.generate_data_key_pair, ADMIN, "kms:GenerateDataKeyPair", sym["Arn"],
                                "explicit-resource", KeyId=sym["KeyId"], KeyPairSpec="ECC_NIST_P256",
                                EncryptionContext={"tenant": "red"})
        self.kms.generate_data_key_pair(KeyId=sym["KeyId"], KeyPairSpec="ECC_NIST_P256", EncryptionContext=CONTEXT)
        self.assertAccessDenied(self.kms.derive_shared_secret, ADMIN, "kms:DeriveSharedSecret", ecdh["Arn"],
                                "explicit-resource", KeyId=ecdh["KeyId"], KeyAgreementAlgorithm="ECDH",
                                PublicKey=der_public(ec.generate_private_key(ec.SECP521R1())))

    # --- trail ---------------------------------------------------------------------------------
    def test_the_trail_records_no_secret_bytes(self):
        sym, p384, rsa_key = self.key("SYMMETRIC"), self.key("ECC_NIST_P384"), self.key("RSA_2048")
        pair = self.kms.generate_data_key_pair(KeyId=sym["KeyId"], KeyPairSpec="ECC_NIST_P256",
                                               EncryptionContext=CONTEXT)
        peer = der_public(ec.generate_private_key(ec.SECP384R1()))
        secret = self.kms.derive_shared_secret(KeyId=p384["KeyId"], KeyAgreementAlgorithm="ECDH",
                                               PublicKey=peer)["SharedSecret"]
        blob = self.kms.encrypt(KeyId=rsa_key["KeyId"], Plaintext=RSA_SECRET,
                                EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
        self.kms.decrypt(KeyId=rsa_key["KeyId"], CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_256")

        def last(name, key_id):
            events = self.srv.admin_request("GET", f"/_kmslab/trail?eventName={name}&keyId={key_id}").body["events"]
            self.assertTrue(events, name)
            return events[-1]
        e = last("GenerateDataKeyPair", sym["KeyId"])
        self.assertEqual(e["requestParameters"],
                         {"keyId": sym["KeyId"], "keyPairSpec": "ECC_NIST_P256", "encryptionContext": CONTEXT})
        self.assertIsNone(e["responseElements"])
        self.assertTrue(e["readOnly"])
        e = last("DeriveSharedSecret", p384["KeyId"])
        self.assertEqual(e["requestParameters"], {"keyId": p384["KeyId"], "keyAgreementAlgorithm": "ECDH"})
        self.assertIsNone(e["responseElements"])
        self.assertTrue(e["readOnly"])
        self.assertEqual(e["resources"][0]["ARN"], p384["Arn"])
        e = last("Decrypt", rsa_key["KeyId"])
        self.assertEqual(e["requestParameters"], {"keyId": rsa_key["KeyId"], "encryptionAlgorithm": "RSAES_OAEP_SHA_256"})
        with open(f"{self.srv.data_dir}/trail.jsonl", "rb") as f:
            trail = f.read()
        self.assertIn(e["eventID"].encode(), trail)  # the file holds these calls' events
        for value in (pair["PrivateKeyPlaintext"], pair["PrivateKeyCiphertextBlob"], secret, peer, RSA_SECRET,
                      blob):
            self.assertNotIn(base64.b64encode(value), trail)
        self.assertNotIn(RSA_SECRET, trail)


if __name__ == "__main__":
    import unittest
    unittest.main()
