"""Asymmetric signing keys and HMAC keys: CreateKey for every KeySpec x KeyUsage AWS accepts
and its refusals, KeyMetadata, GetPublicKey, Sign / Verify checked independently with the
`cryptography` package, GenerateMac / VerifyMac, wrong-usage errors on every cryptographic
operation, rotation refusals, grants and denials, and the trail. Reference:
docs/spec/key-types.md sections 1, 2, 3, 7, 11 and 12."""
import base64
import glob
import hashlib
import hmac
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

import harness
from harness import user_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

LEAD = user_arn("db-lead")
RSA_ALGORITHMS = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                  "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384",
                  "RSASSA_PSS_SHA_512"]
# Signing key spec -> (SigningAlgorithms, SPKI length).
SIGNING_SPECS = {
    "RSA_2048": (RSA_ALGORITHMS, 294),
    "RSA_3072": (RSA_ALGORITHMS, 422),
    "RSA_4096": (RSA_ALGORITHMS, 550),
    "ECC_NIST_P256": (["ECDSA_SHA_256"], 91),
    "ECC_NIST_P384": (["ECDSA_SHA_384"], 120),
    "ECC_NIST_P521": (["ECDSA_SHA_512"], 158),
    "ECC_SECG_P256K1": (["ECDSA_SHA_256"], 88),
    "ECC_NIST_EDWARDS25519": (["ED25519_SHA_512", "ED25519_PH_SHA_512"], 44),
}
HMAC_SPECS = {"HMAC_224": ("HMAC_SHA_224", 28), "HMAC_256": ("HMAC_SHA_256", 32),
              "HMAC_384": ("HMAC_SHA_384", 48), "HMAC_512": ("HMAC_SHA_512", 64)}
HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
MESSAGE = b"kmslab asymmetric message"
SIGNED_SECRET = b"sign-message-marker-71c3"


def hash_of(algorithm):
    return HASHES[algorithm[-3:]]()


def verify_offline(public_der, algorithm, message, signature):
    """Verifies `signature` over `message` with the public key alone; raises
    InvalidSignature when it does not verify."""
    public = serialization.load_der_public_key(public_der)
    if algorithm.startswith("RSASSA_PSS"):
        h = hash_of(algorithm)
        public.verify(signature, message,
                      padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    elif algorithm.startswith("RSASSA_PKCS1"):
        public.verify(signature, message, padding.PKCS1v15(), hash_of(algorithm))
    elif algorithm.startswith("ECDSA"):
        public.verify(signature, message, ec.ECDSA(hash_of(algorithm)))
    else:
        public.verify(signature, message)


class AsymmetricKeysTest(harness.KmsTestCase):
    srv = SRV
    keys = {}

    @classmethod
    def setUpClass(cls):
        kms = cls.srv.client()
        for spec in SIGNING_SPECS:
            cls.keys[spec] = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        for spec in HMAC_SPECS:
            cls.keys[spec] = kms.create_key(KeySpec=spec,
                                            KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
        cls.keys["SYMMETRIC"] = kms.create_key()["KeyMetadata"]
        cls.keys["RSA_ENCRYPT"] = kms.create_key(KeySpec="RSA_2048",
                                                 KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        cls.keys["ECDH"] = kms.create_key(KeySpec="ECC_NIST_P256",
                                          KeyUsage="KEY_AGREEMENT")["KeyMetadata"]

    def key(self, name):
        return self.keys[name]

    # --- CreateKey and KeyMetadata ---------------------------------------------------------
    def test_create_key_metadata_per_usage(self):
        for spec, (algorithms, _) in SIGNING_SPECS.items():
            with self.subTest(spec=spec):
                md = self.describe(self.key(spec)["KeyId"])
                self.assertEqual((md["KeySpec"], md["CustomerMasterKeySpec"], md["KeyUsage"]),
                                 (spec, spec, "SIGN_VERIFY"))
                self.assertEqual(md["SigningAlgorithms"], algorithms)
                for absent in ("EncryptionAlgorithms", "MacAlgorithms", "KeyAgreementAlgorithms",
                               "CurrentKeyMaterialId"):
                    self.assertNotIn(absent, md)
                    self.assertNotIn(absent, self.key(spec))
                self.assertEqual(self.key(spec)["SigningAlgorithms"], algorithms)
        for spec, (algorithm, _) in HMAC_SPECS.items():
            with self.subTest(spec=spec):
                md = self.describe(self.key(spec)["KeyId"])
                self.assertEqual((md["KeySpec"], md["KeyUsage"], md["MacAlgorithms"]),
                                 (spec, "GENERATE_VERIFY_MAC", [algorithm]))
                self.assertNotIn("CurrentKeyMaterialId", md)
                self.assertNotIn("SigningAlgorithms", md)
        rsa_enc = self.describe(self.key("RSA_ENCRYPT")["KeyId"])
        self.assertEqual(rsa_enc["EncryptionAlgorithms"], ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        self.assertNotIn("CurrentKeyMaterialId", rsa_enc)
        for spec in ("ECC_NIST_P384", "ECC_NIST_P521"):
            md = self.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")
            self.assertEqual(md["KeyAgreementAlgorithms"], ["ECDH"])
        self.assertEqual(self.key("ECDH")["KeyAgreementAlgorithms"], ["ECDH"])
        for spec in ("RSA_3072", "RSA_4096"):
            md = self.create_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")
            self.assertEqual(md["EncryptionAlgorithms"], ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        # Symmetric keys keep their material id.
        self.assertRegex(self.key("SYMMETRIC")["CurrentKeyMaterialId"], r"^[0-9a-f]{64}$")
        # CustomerMasterKeySpec is the same request member.
        md = self.create_key(CustomerMasterKeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        self.assertEqual(md["KeySpec"], "ECC_NIST_P256")
        md = self.create_key(KeySpec="ECC_NIST_P256", CustomerMasterKeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        self.assertEqual(md["KeySpec"], "ECC_NIST_P256")
        before = len(self.all_key_ids())
        self.assertApiError("ValidationException", None, self.create_key, KeySpec="ECC_NIST_P256",
                            CustomerMasterKeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
        self.assertEqual(len(self.all_key_ids()), before)

    def test_create_key_refusals(self):
        self.assertApiError(
            "ValidationException",
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
            self.kms.create_key, KeySpec="HMAC_256")
        for spec, usage in (("RSA_2048", "KEY_AGREEMENT"), ("RSA_2048", "GENERATE_VERIFY_MAC"),
                            ("ECC_NIST_P256", "ENCRYPT_DECRYPT"), ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
                            ("ECC_NIST_EDWARDS25519", "KEY_AGREEMENT"), ("HMAC_256", "SIGN_VERIFY"),
                            ("HMAC_512", "ENCRYPT_DECRYPT")):
            with self.subTest(spec=spec, usage=usage):
                self.assertApiError("ValidationException",
                                    f"KeyUsage {usage} is not compatible with KeySpec {spec}",
                                    self.kms.create_key, KeySpec=spec, KeyUsage=usage)
        self.assertApiError(
            "ValidationException",
            "The operation failed because the KeyUsage value of the CMK is SIGN_VERIFY. To perform "
            "this operation, the KeyUsage value must be ENCRYPT_DECRYPT.",
            self.kms.create_key, KeySpec="SYMMETRIC_DEFAULT", KeyUsage="SIGN_VERIFY")
        for usage in ("SIGN_VERIFY", "ENCRYPT_DECRYPT"):
            self.assertApiError("UnsupportedOperationException",
                                "KeySpec SM2 is not supported in this Region",
                                self.kms.create_key, KeySpec="SM2", KeyUsage=usage)
        r = self.srv.raw("CreateKey", {"KeySpec": "HMAC_random"})
        self.assertRawError(
            r, "ValidationException",
            "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy "
            "constraint: Member must satisfy enum value set: [RSA_2048, ECC_NIST_P384, ECC_NIST_P256, "
            "ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, "
            "HMAC_256, HMAC_224, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, "
            "ECC_NIST_EDWARDS25519]")
        r = self.srv.raw("CreateKey", {"KeySpec": "HMAC_256", "KeyUsage": "RANDOM"})
        self.assertRawError(
            r, "ValidationException",
            "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, "
            "KEY_AGREEMENT]")

    def test_keys_survive_a_restart(self):
        md = self.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        mac_key = self.create_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
        public = self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"]
        mac = self.kms.generate_mac(KeyId=mac_key["KeyId"], Message=MESSAGE,
                                    MacAlgorithm="HMAC_SHA_384")["Mac"]
        self.srv.restart()
        self.assertEqual(self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"], public)
        sig = self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE,
                            SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        verify_offline(public, "ECDSA_SHA_256", MESSAGE, sig)
        self.assertEqual(self.kms.generate_mac(KeyId=mac_key["KeyId"], Message=MESSAGE,
                                               MacAlgorithm="HMAC_SHA_384")["Mac"], mac)
        self.assertEqual(self.describe(md["KeyId"])["SigningAlgorithms"], ["ECDSA_SHA_256"])

    # --- GetPublicKey ------------------------------------------------------------------------
    def test_get_public_key(self):
        for spec, (algorithms, size) in SIGNING_SPECS.items():
            with self.subTest(spec=spec):
                md = self.key(spec)
                r = self.kms.get_public_key(KeyId=md["KeyId"])
                self.assertEqual((r["KeyId"], r["KeySpec"], r["CustomerMasterKeySpec"],
                                  r["KeyUsage"], r["SigningAlgorithms"]),
                                 (md["Arn"], spec, spec, "SIGN_VERIFY", algorithms))
                self.assertEqual(len(r["PublicKey"]), size)
                public = serialization.load_der_public_key(r["PublicKey"])
                if spec.startswith("RSA"):
                    self.assertIsInstance(public, rsa.RSAPublicKey)
                    self.assertEqual(public.key_size, int(spec[4:]))
                elif spec == "ECC_NIST_EDWARDS25519":
                    self.assertIsInstance(public, ed25519.Ed25519PublicKey)
                else:
                    self.assertIsInstance(public, ec.EllipticCurvePublicKey)
        r = self.kms.get_public_key(KeyId=self.key("RSA_ENCRYPT")["Arn"])
        self.assertEqual(r["EncryptionAlgorithms"], ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        self.assertNotIn("SigningAlgorithms", r)
        r = self.kms.get_public_key(KeyId=self.key("ECDH")["KeyId"])
        self.assertEqual((r["KeyUsage"], r["KeyAgreementAlgorithms"]), ("KEY_AGREEMENT", ["ECDH"]))
        alias = self.create_alias(self.key("ECC_NIST_P384")["KeyId"])
        self.assertEqual(self.kms.get_public_key(KeyId=alias)["KeyId"], self.key("ECC_NIST_P384")["Arn"])
        for name in ("SYMMETRIC", "HMAC_256"):
            md = self.key(name)
            self.assertApiError(
                "UnsupportedOperationException",
                f"{md['Arn']} key spec is {md['KeySpec']} which is not valid for GetPublicKey.",
                self.kms.get_public_key, KeyId=md["KeyId"])

    # --- Sign / Verify -----------------------------------------------------------------------
    def test_every_signature_verifies_offline_and_with_verify(self):
        for spec, (algorithms, _) in SIGNING_SPECS.items():
            md = self.key(spec)
            public = self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"]
            for algorithm in algorithms:
                if algorithm == "ED25519_PH_SHA_512":
                    continue  # no Ed25519ph in OpenSSL 3.0: see test_ed25519ph_is_refused
                with self.subTest(spec=spec, algorithm=algorithm):
                    r = self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm=algorithm)
                    self.assertEqual((r["KeyId"], r["SigningAlgorithm"]), (md["Arn"], algorithm))
                    verify_offline(public, algorithm, MESSAGE, r["Signature"])
                    with self.assertRaises(InvalidSignature):
                        verify_offline(public, algorithm, MESSAGE + b"!", r["Signature"])
                    v = self.kms.verify(KeyId=md["KeyId"], Message=MESSAGE, Signature=r["Signature"],
                                        SigningAlgorithm=algorithm)
                    self.assertEqual((v["KeyId"], v["SignatureValid"], v["SigningAlgorithm"]),
                                     (md["Arn"], True, algorithm))
                    if spec.startswith("RSA"):
                        self.assertEqual(len(r["Signature"]), int(spec[4:]) // 8)
                    if spec == "ECC_NIST_EDWARDS25519":
                        self.assertEqual(len(r["Signature"]), 64)

    def test_digest_signatures_are_signatures_over_the_hash(self):
        for spec, algorithm in (("RSA_2048", "RSASSA_PSS_SHA_384"), ("RSA_3072", "RSASSA_PKCS1_V1_5_SHA_512"),
                                ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P521", "ECDSA_SHA_512"),
                                ("ECC_SECG_P256K1", "ECDSA_SHA_256")):
            with self.subTest(spec=spec, algorithm=algorithm):
                md = self.key(spec)
                public_der = self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"]
                public = serialization.load_der_public_key(public_der)
                h = hash_of(algorithm)
                digest = hashlib.new(h.name, MESSAGE).digest()
                sig = self.kms.sign(KeyId=md["KeyId"], Message=digest, MessageType="DIGEST",
                                    SigningAlgorithm=algorithm)["Signature"]
                verify_offline(public_der, algorithm, MESSAGE, sig)  # the same as over the message
                if algorithm.startswith("ECDSA"):
                    public.verify(sig, digest, ec.ECDSA(utils.Prehashed(h)))
                # RAW and DIGEST are interchangeable for Verify.
                self.assertTrue(self.kms.verify(KeyId=md["KeyId"], Message=MESSAGE, Signature=sig,
                                                SigningAlgorithm=algorithm)["SignatureValid"])
                raw = self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm=algorithm)
                self.assertTrue(self.kms.verify(KeyId=md["KeyId"], Message=digest, MessageType="DIGEST",
                                                Signature=raw["Signature"],
                                                SigningAlgorithm=algorithm)["SignatureValid"])

    def test_pkcs1_signatures_match_an_offline_signer_bit_for_bit(self):
        # PKCS#1 v1.5 is deterministic: two signatures of one message are equal.
        md = self.key("RSA_2048")
        a = self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
        b = self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
        self.assertEqual(a["Signature"], b["Signature"])

    def test_verify_failures_are_invalid_signature_with_an_empty_message(self):
        md = self.key("ECC_NIST_P384")
        sig = self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_384")["Signature"]
        other = self.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
        flipped = bytes([sig[0] ^ 1]) + sig[1:]
        for kw in ({"KeyId": md["KeyId"], "Message": MESSAGE + b"x", "Signature": sig},
                   {"KeyId": md["KeyId"], "Message": MESSAGE, "Signature": flipped},
                   {"KeyId": md["KeyId"], "Message": MESSAGE, "Signature": b"garbage"},
                   {"KeyId": other["KeyId"], "Message": MESSAGE, "Signature": sig}):
            with self.subTest(kw=kw):
                self.assertApiError("KMSInvalidSignatureException", "", self.kms.verify,
                                    SigningAlgorithm="ECDSA_SHA_384", **kw)
        rsa_key = self.key("RSA_2048")
        pss = self.kms.sign(KeyId=rsa_key["KeyId"], Message=MESSAGE,
                            SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
        self.assertApiError("KMSInvalidSignatureException", "", self.kms.verify, KeyId=rsa_key["KeyId"],
                            Message=MESSAGE, Signature=pss, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")

    def test_sign_and_verify_validation_texts(self):
        rsa_key, p256, ed = self.key("RSA_2048"), self.key("ECC_NIST_P256"), self.key("ECC_NIST_EDWARDS25519")
        for op in (self.kms.sign, self.kms.verify):
            extra = {"Signature": b"s"} if op == self.kms.verify else {}
            with self.subTest(op=op.__name__):
                for key, algorithm, digest in ((rsa_key, "RSASSA_PSS_SHA_256", b"x" * 48),
                                               (rsa_key, "RSASSA_PKCS1_V1_5_SHA_512", b"x" * 32),
                                               (p256, "ECDSA_SHA_256", b"x" * 31),
                                               (ed, "ED25519_PH_SHA_512", b"x" * 32)):
                    self.assertApiError("ValidationException",
                                        f"Digest is invalid length for algorithm {algorithm}.", op,
                                        KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                                        SigningAlgorithm=algorithm, **extra)
                self.assertApiError("InvalidKeyUsageException",
                                    "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.",
                                    op, KeyId=p256["KeyId"], Message=MESSAGE,
                                    SigningAlgorithm="ECDSA_SHA_384", **extra)
                self.assertApiError(
                    "InvalidKeyUsageException",
                    "Algorithm ECDSA_SHA_512 is incompatible with key spec ECC_NIST_EDWARDS25519.",
                    op, KeyId=ed["KeyId"], Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_512", **extra)
                self.assertApiError("InvalidKeyUsageException",
                                    "Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.",
                                    op, KeyId=rsa_key["KeyId"], Message=MESSAGE,
                                    SigningAlgorithm="ECDSA_SHA_256", **extra)
                self.assertApiError("ValidationException",
                                    "Message type DIGEST is incompatible with algorithm ED25519_SHA_512.",
                                    op, KeyId=ed["KeyId"], Message=b"x" * 64, MessageType="DIGEST",
                                    SigningAlgorithm="ED25519_SHA_512", **extra)
                self.assertApiError("ValidationException",
                                    "Message type RAW is incompatible with algorithm ED25519_PH_SHA_512.",
                                    op, KeyId=ed["KeyId"], Message=MESSAGE,
                                    SigningAlgorithm="ED25519_PH_SHA_512", **extra)
        body = {"KeyId": p256["KeyId"], "SigningAlgorithm": "ECDSA_SHA_256",
                "Message": base64.b64encode(b"a" * 4097).decode()}
        self.assertRawError(self.srv.raw("Sign", body), "ValidationException",
                            "1 validation error detected: Value at 'message' failed to satisfy constraint: "
                            "Member must have length less than or equal to 4096")
        body = {"KeyId": p256["KeyId"], "SigningAlgorithm": "NOPE", "Message": "eA=="}
        r = self.srv.raw("Sign", body)
        self.assertRawError(r, "ValidationException")
        self.assertIn("Value 'NOPE' at 'signingAlgorithm' failed to satisfy constraint", r.body["message"])
        self.assertApiError("ValidationException",
                            "Message type EXTERNAL_MU is incompatible with key spec ECC_NIST_P256.",
                            self.loose.sign, KeyId=p256["KeyId"], Message=b"x" * 64,
                            MessageType="EXTERNAL_MU", SigningAlgorithm="ECDSA_SHA_256")

    def test_ed25519ph_is_refused(self):
        ed = self.key("ECC_NIST_EDWARDS25519")
        self.assertApiError("UnsupportedOperationException", "", self.kms.sign, KeyId=ed["KeyId"],
                            Message=b"x" * 64, MessageType="DIGEST", SigningAlgorithm="ED25519_PH_SHA_512")

    def test_sign_dry_run_and_key_states(self):
        md = self.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        kw = {"KeyId": md["KeyId"], "Message": MESSAGE, "SigningAlgorithm": "ECDSA_SHA_256"}
        self.assertApiError("DryRunOperationException",
                            "The request would have succeeded, but the DryRun option is set.",
                            self.call, "Sign", DryRun=True, **kw)
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.kms.sign, **kw)
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.kms.get_public_key,
                            KeyId=md["KeyId"])
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.assertApiError("KMSInvalidStateException", f"{md['Arn']} is pending deletion.",
                            self.kms.verify, Signature=b"s", **kw)

    # --- HMAC ----------------------------------------------------------------------------------
    def test_generate_and_verify_mac(self):
        for spec, (algorithm, size) in HMAC_SPECS.items():
            with self.subTest(spec=spec):
                md = self.key(spec)
                r = self.kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm)
                self.assertEqual((r["KeyId"], r["MacAlgorithm"], len(r["Mac"])), (md["Arn"], algorithm, size))
                again = self.kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm)
                self.assertEqual(again["Mac"], r["Mac"])  # deterministic
                other = self.kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE + b"!",
                                              MacAlgorithm=algorithm)
                self.assertNotEqual(other["Mac"], r["Mac"])
                v = self.kms.verify_mac(KeyId=md["KeyId"], Message=MESSAGE, Mac=r["Mac"], MacAlgorithm=algorithm)
                self.assertEqual((v["KeyId"], v["MacAlgorithm"], v["MacValid"]), (md["Arn"], algorithm, True))
                flipped = bytes([r["Mac"][0] ^ 1]) + r["Mac"][1:]
                for mac, message in ((flipped, MESSAGE), (r["Mac"], MESSAGE + b"!"), (r["Mac"][:-1], MESSAGE)):
                    self.assertApiError("KMSInvalidMacException", "", self.kms.verify_mac, KeyId=md["KeyId"],
                                        Message=message, Mac=mac, MacAlgorithm=algorithm)
        # Another key of the same spec gives another tag: the key material is per key.
        a = self.key("HMAC_256")
        b = self.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        tag = self.kms.generate_mac(KeyId=a["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"]
        self.assertNotEqual(tag, self.kms.generate_mac(KeyId=b["KeyId"], Message=MESSAGE,
                                                       MacAlgorithm="HMAC_SHA_256")["Mac"])
        # The tag is a real HMAC: HMAC(key, m) differs from any keyless hash of m.
        self.assertNotEqual(tag, hashlib.sha256(MESSAGE).digest())
        self.assertFalse(hmac.compare_digest(tag, hmac.new(b"", MESSAGE, "sha256").digest()))

    def test_mac_validation_texts(self):
        self.assertApiError("InvalidKeyUsageException",
                            "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
                            self.kms.generate_mac, KeyId=self.key("HMAC_224")["KeyId"], Message=MESSAGE,
                            MacAlgorithm="HMAC_SHA_256")
        self.assertApiError("InvalidKeyUsageException",
                            "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.",
                            self.kms.verify_mac, KeyId=self.key("HMAC_256")["KeyId"], Message=MESSAGE,
                            Mac=b"m" * 32, MacAlgorithm="HMAC_SHA_512")
        r = self.srv.raw("GenerateMac", {"KeyId": self.key("HMAC_256")["KeyId"], "Message": "eA==",
                                         "MacAlgorithm": "INVALID"})
        self.assertRawError(r, "ValidationException",
                            "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy "
                            "constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, "
                            "HMAC_SHA_224, HMAC_SHA_512]")
        self.assertApiError("NotFoundException", "Invalid keyId 'key_id'", self.kms.generate_mac,
                            KeyId="key_id", Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
        self.assertApiError("DryRunOperationException",
                            "The request would have succeeded, but the DryRun option is set.",
                            self.call, "GenerateMac", KeyId=self.key("HMAC_256")["KeyId"], Message=MESSAGE,
                            MacAlgorithm="HMAC_SHA_256", DryRun=True)

    # --- wrong usage everywhere --------------------------------------------------------------
    def test_wrong_usage_errors_name_the_key_and_operation(self):
        sym, hm, sv = self.key("SYMMETRIC"), self.key("HMAC_256"), self.key("ECC_NIST_P256")
        rsa_enc, ecdh = self.key("RSA_ENCRYPT"), self.key("ECDH")

        def usage(md, op):
            return f"{md['Arn']} key usage is {md['KeyUsage']} which is not valid for {op}."
        for md in (sv, hm, ecdh):
            with self.subTest(key=md["KeySpec"] + md["KeyUsage"]):
                self.assertApiError("InvalidKeyUsageException", usage(md, "Encrypt"), self.kms.encrypt,
                                    KeyId=md["KeyId"], Plaintext=b"x")
                self.assertApiError("InvalidKeyUsageException", usage(md, "GenerateDataKey"),
                                    self.kms.generate_data_key, KeyId=md["KeyId"], KeySpec="AES_256")
                self.assertApiError("InvalidKeyUsageException", usage(md, "GenerateDataKeyWithoutPlaintext"),
                                    self.kms.generate_data_key_without_plaintext, KeyId=md["KeyId"],
                                    NumberOfBytes=16)
        for md in (sym, hm, rsa_enc, ecdh):
            with self.subTest(key=md["KeySpec"] + md["KeyUsage"]):
                self.assertApiError("InvalidKeyUsageException", usage(md, "Sign"), self.kms.sign,
                                    KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm="RSASSA_PSS_SHA_256")
                self.assertApiError("InvalidKeyUsageException", usage(md, "Verify"), self.kms.verify,
                                    KeyId=md["KeyId"], Message=MESSAGE, Signature=b"s",
                                    SigningAlgorithm="ECDSA_SHA_256")
        for md in (sym, sv, rsa_enc, ecdh):
            with self.subTest(key=md["KeySpec"] + md["KeyUsage"]):
                self.assertApiError("InvalidKeyUsageException", usage(md, "GenerateMac"), self.kms.generate_mac,
                                    KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
                self.assertApiError("InvalidKeyUsageException", usage(md, "VerifyMac"), self.kms.verify_mac,
                                    KeyId=md["KeyId"], Message=MESSAGE, Mac=b"m", MacAlgorithm="HMAC_SHA_256")
        # An RSA encryption key takes no symmetric algorithm.
        for op, kw in ((self.kms.encrypt, {"Plaintext": b"x"}), (self.kms.generate_data_key, {"KeySpec": "AES_256"}),
                       (self.kms.generate_data_key_without_plaintext, {"KeySpec": "AES_128"})):
            self.assertApiError("InvalidKeyUsageException",
                                "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.", op,
                                KeyId=rsa_enc["KeyId"], **kw)
        blob = self.kms.encrypt(KeyId=sym["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertApiError("IncorrectKeyException",
                            "The key ID in the request does not identify a CMK that can perform this operation.",
                            self.kms.decrypt, CiphertextBlob=blob, KeyId=hm["KeyId"])
        self.assertApiError("InvalidKeyUsageException", usage(sv, "ReEncrypt"), self.kms.re_encrypt,
                            CiphertextBlob=blob, DestinationKeyId=sv["KeyId"])
        self.assertApiError("IncorrectKeyException", None, self.kms.re_encrypt, CiphertextBlob=blob,
                            SourceKeyId=hm["KeyId"], DestinationKeyId=sym["KeyId"])

    # --- rotation -----------------------------------------------------------------------------
    def test_rotation_is_refused_with_an_empty_message(self):
        for name in ("RSA_2048", "ECC_NIST_P256", "HMAC_256", "RSA_ENCRYPT", "ECDH"):
            md = self.key(name)
            with self.subTest(key=name):
                for op in ("EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand", "ListKeyRotations"):
                    self.assertApiError("UnsupportedOperationException", "", self.call, op, KeyId=md["KeyId"])
                status = self.kms.get_key_rotation_status(KeyId=md["KeyId"])
                self.assertFalse(status["KeyRotationEnabled"])

    # --- authorization ------------------------------------------------------------------------
    def test_authorization_applies_and_grants_allow_sign(self):
        md = self.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        lead = self.as_("db-lead")
        kw = {"KeyId": md["Arn"], "Message": MESSAGE, "SigningAlgorithm": "ECDSA_SHA_256"}
        self.assertAccessDenied(lead.sign, LEAD, "kms:Sign", md["Arn"], "no-identity", **kw)
        self.assertAccessDenied(lead.get_public_key, LEAD, "kms:GetPublicKey", md["Arn"], "no-identity",
                                KeyId=md["Arn"])
        g = self.kms.create_grant(KeyId=md["KeyId"], GranteePrincipal=LEAD, Operations=["Sign", "GetPublicKey"])
        sig = lead.sign(**kw)["Signature"]
        verify_offline(lead.get_public_key(KeyId=md["Arn"])["PublicKey"], "ECDSA_SHA_256", MESSAGE, sig)
        # The grant allows Sign only, not Verify.
        self.assertAccessDenied(lead.verify, LEAD, "kms:Verify", md["Arn"], "no-identity", Signature=sig, **kw)
        self.kms.revoke_grant(KeyId=md["KeyId"], GrantId=g["GrantId"])
        self.assertAccessDenied(lead.sign, LEAD, "kms:Sign", md["Arn"], "no-identity", **kw)
        # HMAC grants.
        mac_key = self.create_key(KeySpec="HMAC_512", KeyUsage="GENERATE_VERIFY_MAC")
        mkw = {"KeyId": mac_key["Arn"], "Message": MESSAGE, "MacAlgorithm": "HMAC_SHA_512"}
        self.assertAccessDenied(lead.generate_mac, LEAD, "kms:GenerateMac", mac_key["Arn"], "no-identity", **mkw)
        self.kms.create_grant(KeyId=mac_key["KeyId"], GranteePrincipal=LEAD, Operations=["GenerateMac"])
        self.assertEqual(len(lead.generate_mac(**mkw)["Mac"]), 64)

    def test_grant_operations_follow_the_key_type(self):
        cases = ((self.key("RSA_2048"), ["Encrypt"], ["Sign", "Verify", "GetPublicKey", "DescribeKey"]),
                 (self.key("HMAC_256"), ["Sign"], ["GenerateMac", "VerifyMac"]),
                 (self.key("RSA_ENCRYPT"), ["GenerateDataKey"], ["Encrypt", "Decrypt", "GetPublicKey"]),
                 (self.key("ECDH"), ["Sign"], ["DeriveSharedSecret", "GetPublicKey"]),
                 (self.key("SYMMETRIC"), ["GenerateMac", "Verify"], ["Encrypt"]))
        for md, bad, good in cases:
            with self.subTest(key=md["KeySpec"] + md["KeyUsage"]):
                self.kms.create_grant(KeyId=md["KeyId"], GranteePrincipal=LEAD, Operations=good)
                self.assertApiError(
                    "ValidationException",
                    f"Grant operations [{', '.join(bad)}] are not supported by KMS key {md['Arn']} with key "
                    f"spec {md['KeySpec']}.",
                    self.kms.create_grant, KeyId=md["KeyId"], GranteePrincipal=LEAD, Operations=good + bad)
        self.assertApiError(
            "ValidationException",
            "EncryptionContext is supported only when creating a grant for a symmetric encryption KMS key.",
            self.kms.create_grant, KeyId=self.key("RSA_2048")["KeyId"], GranteePrincipal=LEAD,
            Operations=["Sign"], Constraints={"EncryptionContextSubset": {"a": "b"}})

    def test_condition_keys_for_signing_and_mac(self):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "admin", "Effect": "Allow", "Principal": {"AWS": harness.root_arn()},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "no-pss", "Effect": "Deny", "Principal": "*", "Action": "kms:Sign", "Resource": "*",
             "Condition": {"StringEquals": {"kms:SigningAlgorithm": "RSASSA_PSS_SHA_256",
                                            "kms:MessageType": "RAW"}}},
            {"Sid": "no-384", "Effect": "Deny", "Principal": "*", "Action": "kms:GenerateMac", "Resource": "*",
             "Condition": {"StringEquals": {"kms:MacAlgorithm": "HMAC_SHA_384"}}}]}
        md = self.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Policy=json.dumps(policy))
        admin = harness.user_arn("admin")
        self.assertAccessDenied(self.kms.sign, admin, "kms:Sign", md["Arn"], "explicit-resource",
                                KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm="RSASSA_PSS_SHA_256")
        digest = hashlib.sha256(MESSAGE).digest()
        self.kms.sign(KeyId=md["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="RSASSA_PSS_SHA_256")
        self.kms.sign(KeyId=md["KeyId"], Message=MESSAGE, SigningAlgorithm="RSASSA_PSS_SHA_384")
        mac_key = self.create_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC", Policy=json.dumps(policy))
        self.assertAccessDenied(self.kms.generate_mac, admin, "kms:GenerateMac", mac_key["Arn"],
                                "explicit-resource", KeyId=mac_key["KeyId"], Message=MESSAGE,
                                MacAlgorithm="HMAC_SHA_384")

    def test_a_dynamodb_table_cannot_use_a_signing_key(self):
        md = self.key("RSA_2048")
        with self.assertRaises(harness.botocore.exceptions.ClientError) as cm:
            self.srv.ddb().create_table(
                TableName="signing-key-table", BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": md["Arn"]})
        resp = cm.exception.response
        self.assertEqual((resp["Error"]["Code"], resp["ResponseMetadata"]["HTTPStatusCode"]),
                         ("InternalServerError", 500))
        self.assertRegex(resp["Error"]["Message"],
                         r"^KMS internal error: com\.amazonaws\.services\.kms\.model\.AWSKMSException: "
                         r"EncryptionContext is supported only when creating a grant for a symmetric "
                         r"encryption KMS key\. \(Service: AWSKMS; Status Code: 400; Error Code: "
                         r"ValidationException; Request ID: [0-9a-f-]{36}; Proxy: null\)$")
        self.assertNotIn("signing-key-table", self.srv.ddb().list_tables()["TableNames"])

    # --- trail ------------------------------------------------------------------------------------
    def test_the_trail_records_sign_without_the_message(self):
        md = self.key("ECC_NIST_P256")
        sig = self.kms.sign(KeyId=md["KeyId"], Message=SIGNED_SECRET, SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        mac = self.kms.generate_mac(KeyId=self.key("HMAC_224")["KeyId"], Message=SIGNED_SECRET,
                                    MacAlgorithm="HMAC_SHA_224")["Mac"]
        r = self.srv.admin_request("GET", f"/_kmslab/trail?eventName=Sign&keyId={md['KeyId']}")
        events = r.body["events"]
        self.assertTrue(events)
        e = events[-1]
        self.assertEqual(e["requestParameters"], {"keyId": md["KeyId"], "signingAlgorithm": "ECDSA_SHA_256"})
        self.assertIsNone(e["responseElements"])
        self.assertTrue(e["readOnly"])
        self.assertEqual(e["resources"][0]["ARN"], md["Arn"])
        macs = self.srv.admin_request("GET", "/_kmslab/trail?eventName=GenerateMac").body["events"]
        self.assertEqual(macs[-1]["requestParameters"],
                         {"keyId": self.key("HMAC_224")["KeyId"], "macAlgorithm": "HMAC_SHA_224"})
        self.assertNotIn("type", macs[-1]["resources"][0])
        with open(f"{self.srv.data_dir}/trail.jsonl", "rb") as f:
            trail = f.read()
        for secret in (SIGNED_SECRET, base64.b64encode(SIGNED_SECRET), base64.b64encode(sig),
                       base64.b64encode(mac)):
            self.assertNotIn(secret, trail)

    def test_material_is_never_stored_in_clear(self):
        md = self.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        public = self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"]
        point = serialization.load_der_public_key(public).public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        for path in glob.glob(f"{self.srv.data_dir}/*"):
            with open(path, "rb") as f:
                data = f.read()
            # A clear PKCS#8 EC key embeds its public point.
            self.assertNotIn(point[1:33], data, path)


if __name__ == "__main__":
    import unittest
    unittest.main()
