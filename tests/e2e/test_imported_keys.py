"""Imported key material (Origin EXTERNAL): CreateKey, GetParametersForImport,
ImportKeyMaterial, DeleteImportedKeyMaterial, expiry on the server clock. The client side
is done as AWS's documentation tells users: Python `cryptography` wraps the material with
the returned public key (RSAES_OAEP_SHA_1/256, or RSA_AES_KEY_WRAP_SHA_1/256 =
OAEP(fresh AES-256 key) || RFC 5649 wrapping of the material)."""
import base64
import datetime
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

import harness
from harness import key_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

NO_EXPIRY = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}


def wrap(public_key_der, material, algorithm):
    """EncryptedKeyMaterial for `material` under the GetParametersForImport public key."""
    public = serialization.load_der_public_key(public_key_der)
    h = hashes.SHA1 if algorithm.endswith("SHA_1") else hashes.SHA256
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=h()), algorithm=h(), label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, oaep)
    aes_key = os.urandom(32)
    return public.encrypt(aes_key, oaep) + aes_key_wrap_with_padding(aes_key, material)


def pkcs8(private_key):
    return private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def policy_denying(*denials):
    """A key policy allowing the account everything, except each (action, operator,
    condition key, value): denied to everyone when the condition holds."""
    statements = [{"Sid": "root", "Effect": "Allow", "Principal": {"AWS": harness.root_arn()},
                   "Action": "kms:*", "Resource": "*"}]
    for action, operator, key, value in denials:
        statements.append({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": action, "Resource": "*",
                           "Condition": {operator: {key: value}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class ImportedKeysTest(harness.KmsTestCase):
    srv = SRV

    def external_key(self, **kw):
        return self.create_key(Origin="EXTERNAL", **kw)

    def parameters(self, key_id, algorithm="RSAES_OAEP_SHA_256", spec="RSA_2048", client=None):
        return (client or self.kms).get_parameters_for_import(
            KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)

    def import_material(self, key_id, material, algorithm="RSAES_OAEP_SHA_256", spec="RSA_2048",
                        params=None, **kw):
        params = params or self.parameters(key_id, algorithm, spec)
        kw = kw or dict(NO_EXPIRY)
        return self.call("ImportKeyMaterial", need=("KeyMaterialId",), KeyId=key_id,
                         ImportToken=params["ImportToken"],
                         EncryptedKeyMaterial=wrap(params["PublicKey"], material, algorithm), **kw)

    def server_now(self):
        return self.srv.clock()["epochMillis"] / 1000.0

    def pending_import(self, arn):
        return ("KMSInvalidStateException", f"{arn} is pending import.")

    # --- creation and PendingImport --------------------------------------------------
    def test_external_key_waits_for_material(self):
        md = self.external_key(Description="imported")
        arn = md["Arn"]
        self.assertEqual((md["KeyState"], md["Enabled"], md["Origin"]), ("PendingImport", False, "EXTERNAL"))
        self.assertNotIn("CurrentKeyMaterialId", md)
        self.assertNotIn("ExpirationModel", md)
        self.assertEqual(self.describe(md["KeyId"]), md)
        self.assertApiError(*self.pending_import(arn), self.kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x")
        self.assertApiError(*self.pending_import(arn), self.kms.generate_data_key, KeyId=md["KeyId"],
                            KeySpec="AES_256")
        self.assertApiError(*self.pending_import(arn), self.kms.enable_key, KeyId=md["KeyId"])
        self.assertApiError(*self.pending_import(arn), self.call, "RotateKeyOnDemand", KeyId=md["KeyId"])
        origin = f"{arn} origin is EXTERNAL which is not valid for this operation."
        self.assertApiError("UnsupportedOperationException", origin, self.kms.get_key_rotation_status,
                            KeyId=md["KeyId"])
        self.assertApiError("UnsupportedOperationException", origin, self.kms.enable_key_rotation,
                            KeyId=md["KeyId"])
        self.assertApiError("UnsupportedOperationException", origin, self.kms.disable_key_rotation,
                            KeyId=md["KeyId"])
        # What PendingImport allows: tags, aliases, deletion.
        self.kms.tag_resource(KeyId=md["KeyId"], Tags=[{"TagKey": "t", "TagValue": "v"}])
        self.create_alias(md["KeyId"])
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.kms.cancel_key_deletion(KeyId=md["KeyId"])
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "PendingImport")

    def test_hmac_and_asymmetric_external_keys_are_created(self):
        for spec, usage in (("HMAC_256", "GENERATE_VERIFY_MAC"), ("RSA_2048", "SIGN_VERIFY"),
                            ("ECC_NIST_P256", "SIGN_VERIFY")):
            with self.subTest(spec=spec):
                md = self.external_key(KeySpec=spec, KeyUsage=usage)
                self.assertEqual((md["KeyState"], md["KeySpec"]), ("PendingImport", spec))
                self.assertNotIn("CurrentKeyMaterialId", md)

    # --- GetParametersForImport ----------------------------------------------------------
    def test_parameters_are_fresh_and_valid_for_a_day(self):
        md = self.external_key()
        for spec, bits in (("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096)):
            with self.subTest(spec=spec):
                p = self.parameters(md["KeyId"], "RSA_AES_KEY_WRAP_SHA_256", spec)
                self.assertEqual(p["KeyId"], md["Arn"])
                self.assertEqual(serialization.load_der_public_key(p["PublicKey"]).key_size, bits)
                ahead = p["ParametersValidTo"].timestamp() - self.server_now()
                self.assertLess(abs(ahead - 86400), 60)
        a, b = self.parameters(md["KeyId"]), self.parameters(md["KeyId"])
        self.assertNotEqual(a["PublicKey"], b["PublicKey"])
        self.assertNotEqual(a["ImportToken"], b["ImportToken"])

    def test_parameters_refusals(self):
        kms_key = self.create_key()
        self.assertApiError("UnsupportedOperationException",
                            f"{kms_key['Arn']} origin is AWS_KMS which is not valid for this operation.",
                            self.parameters, kms_key["KeyId"])
        md = self.external_key()
        self.assertApiError("UnsupportedOperationException", None, self.parameters, md["KeyId"],
                            "RSAES_PKCS1_V1_5")
        self.assertApiError("UnsupportedOperationException", "WrappingKeySpec SM2 is not supported in this Region",
                            self.parameters, md["KeyId"], "RSAES_OAEP_SHA_256", "SM2")
        self.assertApiError("ValidationException", None, self.loose.get_parameters_for_import,
                            KeyId=md["KeyId"], WrappingAlgorithm="ROT13", WrappingKeySpec="RSA_2048")

    # --- ImportKeyMaterial ---------------------------------------------------------------
    def test_every_wrapping_algorithm_imports_symmetric_material(self):
        for algorithm, spec in (("RSAES_OAEP_SHA_1", "RSA_2048"), ("RSAES_OAEP_SHA_256", "RSA_3072"),
                                ("RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"),
                                ("RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")):
            with self.subTest(algorithm=algorithm):
                md = self.external_key()
                material = os.urandom(32)
                r = self.import_material(md["KeyId"], material, algorithm, spec)
                expected_id = hashlib.sha256(md["KeyId"].encode() + material).hexdigest()
                self.assertEqual((r["KeyId"], r["KeyMaterialId"]), (md["Arn"], expected_id))
                after = self.describe(md["KeyId"])
                self.assertEqual((after["KeyState"], after["Enabled"], after["ExpirationModel"]),
                                 ("Enabled", True, "KEY_MATERIAL_DOES_NOT_EXPIRE"))
                self.assertEqual(after.get("CurrentKeyMaterialId"), expected_id)
                self.assertNotIn("ValidTo", after)
                blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"imported")["CiphertextBlob"]
                self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"imported")

    def test_token_errors(self):
        md, other = self.external_key(), self.external_key()
        material = os.urandom(32)
        foreign = self.parameters(other["KeyId"])
        invalid = "The import token is invalid or belongs to a different KMS key."
        self.assertApiError("InvalidImportTokenException", invalid, self.import_material, md["KeyId"], material,
                            params=foreign)
        mine = self.parameters(md["KeyId"])
        self.assertApiError("InvalidImportTokenException", invalid, self.import_material, md["KeyId"], material,
                            params=dict(mine, ImportToken=os.urandom(600)))
        self.srv.advance_clock(25 * 3600)
        self.assertApiError("ExpiredImportTokenException", "The import token has expired.", self.import_material,
                            md["KeyId"], material, params=mine)
        self.import_material(md["KeyId"], material)  # a fresh token works

    def test_material_errors(self):
        md = self.external_key()
        arn = md["Arn"]
        wrong = "The key material does not match the key material previously imported into this KMS key."
        self.assertApiError("IncorrectKeyMaterialException", wrong, self.import_material, md["KeyId"],
                            os.urandom(16))
        # Wrapped for another key pair (a token's key is not the one used): does not unwrap.
        p = self.parameters(md["KeyId"])
        stranger = rsa.generate_private_key(65537, 2048).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.assertApiError("InvalidCiphertextException", "", self.call, "ImportKeyMaterial", KeyId=md["KeyId"],
                            ImportToken=p["ImportToken"],
                            EncryptedKeyMaterial=wrap(stranger, os.urandom(32), "RSAES_OAEP_SHA_256"), **NO_EXPIRY)
        # Wrapped with SHA-1 but the token says SHA-256.
        self.assertApiError("InvalidCiphertextException", "", self.call, "ImportKeyMaterial", KeyId=md["KeyId"],
                            ImportToken=p["ImportToken"],
                            EncryptedKeyMaterial=wrap(p["PublicKey"], os.urandom(32), "RSAES_OAEP_SHA_1"),
                            **NO_EXPIRY)
        self.assertApiError("ValidationException",
                            "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
                            self.import_material, md["KeyId"], os.urandom(32), params=p,
                            ExpirationModel="KEY_MATERIAL_EXPIRES")
        self.assertEqual(self.describe(arn)["KeyState"], "PendingImport")
        kms_key = self.create_key()
        self.assertApiError("UnsupportedOperationException",
                            f"{kms_key['Arn']} origin is AWS_KMS which is not valid for this operation.",
                            self.call, "ImportKeyMaterial", KeyId=kms_key["KeyId"],
                            ImportToken=p["ImportToken"], EncryptedKeyMaterial=b"x" * 256, **NO_EXPIRY)

    def test_delete_then_reimport_restores_old_ciphertexts(self):
        md = self.external_key()
        material = os.urandom(32)
        first = self.import_material(md["KeyId"], material)["KeyMaterialId"]
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"before")["CiphertextBlob"]
        wrong = "The key material does not match the key material previously imported into this KMS key."
        self.assertApiError("IncorrectKeyMaterialException", wrong, self.import_material, md["KeyId"],
                            os.urandom(32))
        self.assertEqual(self.import_material(md["KeyId"], material)["KeyMaterialId"], first)  # same again

        r = self.call("DeleteImportedKeyMaterial", need=("KeyMaterialId",), KeyId=md["KeyId"])
        self.assertEqual((r["KeyId"], r["KeyMaterialId"]), (md["Arn"], first))
        gone = self.describe(md["KeyId"])
        self.assertEqual((gone["KeyState"], gone["Enabled"], gone.get("CurrentKeyMaterialId")),
                         ("PendingImport", False, first))
        self.assertNotIn("ExpirationModel", gone)
        self.assertApiError(*self.pending_import(md["Arn"]), self.kms.decrypt, CiphertextBlob=blob)
        self.kms.delete_imported_key_material(KeyId=md["KeyId"])  # a no-op in PendingImport
        self.assertApiError("IncorrectKeyMaterialException", wrong, self.import_material, md["KeyId"],
                            os.urandom(32))
        self.import_material(md["KeyId"], material, "RSA_AES_KEY_WRAP_SHA_1")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"before")

        # Disabled keys keep their state over a re-import; deletion moves them to PendingImport.
        self.kms.disable_key(KeyId=md["KeyId"])
        self.import_material(md["KeyId"], material)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Disabled")
        self.kms.delete_imported_key_material(KeyId=md["KeyId"])
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "PendingImport")
        kms_key = self.create_key()
        self.assertApiError("UnsupportedOperationException",
                            f"{kms_key['Arn']} origin is AWS_KMS which is not valid for this operation.",
                            self.kms.delete_imported_key_material, KeyId=kms_key["KeyId"])

    def test_material_expires_on_the_server_clock(self):
        md = self.external_key()
        material = os.urandom(32)
        valid_to = datetime.datetime.fromtimestamp(int(self.server_now()) + 7200, datetime.timezone.utc)
        self.import_material(md["KeyId"], material, ValidTo=valid_to, ExpirationModel="KEY_MATERIAL_EXPIRES")
        held = self.describe(md["KeyId"])
        self.assertEqual((held["KeyState"], held["ExpirationModel"], held["ValidTo"]),
                         ("Enabled", "KEY_MATERIAL_EXPIRES", valid_to))
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"short-lived")["CiphertextBlob"]
        self.assertApiError("ValidationException", None, self.import_material, md["KeyId"], material,
                            ValidTo=datetime.datetime.fromtimestamp(self.server_now() - 60, datetime.timezone.utc))
        self.srv.advance_clock(3 * 3600)
        expired = self.describe(md["KeyId"])
        self.assertEqual(expired["KeyState"], "PendingImport")
        self.assertNotIn("ExpirationModel", expired)
        self.assertNotIn("ValidTo", expired)
        self.assertApiError(*self.pending_import(md["Arn"]), self.kms.decrypt, CiphertextBlob=blob)
        self.import_material(md["KeyId"], material)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"short-lived")

    def test_hmac_import_macs_with_the_imported_bytes(self):
        # (spec, an accepted size, a refused size, digest): 28-64, 32-64 and 64-128 bytes.
        for spec, size, refused, digest in (("HMAC_224", 28, 27, hashlib.sha224),
                                            ("HMAC_256", 40, 65, hashlib.sha256),
                                            ("HMAC_512", 128, 129, hashlib.sha512)):
            with self.subTest(spec=spec):
                md = self.external_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
                self.assertApiError("IncorrectKeyMaterialException", None, self.import_material, md["KeyId"],
                                    os.urandom(refused), "RSA_AES_KEY_WRAP_SHA_256")
                material = os.urandom(size)
                self.import_material(md["KeyId"], material, "RSA_AES_KEY_WRAP_SHA_256")
                algorithm = "HMAC_SHA_" + spec.split("_")[1]
                mac = self.kms.generate_mac(KeyId=md["KeyId"], Message=b"message", MacAlgorithm=algorithm)["Mac"]
                self.assertEqual(mac, hmac.new(material, b"message", digest).digest())
                self.assertNotIn("CurrentKeyMaterialId", self.describe(md["KeyId"]))
                r = self.call("DeleteImportedKeyMaterial", need=("KeyMaterialId",), KeyId=md["KeyId"])
                self.assertEqual(r.get("KeyMaterialId", ""), "")

    def test_asymmetric_import_signs_with_the_imported_private_key(self):
        for spec, private, algorithm, scheme in (
                ("ECC_NIST_P256", ec.generate_private_key(ec.SECP256R1()), "ECDSA_SHA_256",
                 (ec.ECDSA(hashes.SHA256()),)),
                ("ECC_NIST_P384", ec.generate_private_key(ec.SECP384R1()), "ECDSA_SHA_384",
                 (ec.ECDSA(hashes.SHA384()),)),
                ("RSA_2048", rsa.generate_private_key(65537, 2048), "RSASSA_PKCS1_V1_5_SHA_256",
                 (padding.PKCS1v15(), hashes.SHA256()))):
            with self.subTest(spec=spec):
                md = self.external_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")
                wrong_curve = ec.generate_private_key(ec.SECP521R1())
                self.assertApiError("IncorrectKeyMaterialException", None, self.import_material, md["KeyId"],
                                    pkcs8(wrong_curve), "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
                self.import_material(md["KeyId"], pkcs8(private), "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
                sig = self.kms.sign(KeyId=md["KeyId"], Message=b"signed", MessageType="RAW",
                                    SigningAlgorithm=algorithm)["Signature"]
                public = private.public_key()
                public.verify(sig, b"signed", *scheme)  # raises unless the imported key signed
                self.assertEqual(self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"],
                                 public.public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))

    # --- authorization -------------------------------------------------------------------
    def test_import_needs_kms_import_key_material(self):
        md = self.external_key()
        auditor = self.srv.client_as(harness.creds_of("auditor"))
        params = self.parameters(md["KeyId"], client=auditor)  # kms:Get* allows GetParametersForImport
        self.assertApiError(
            "AccessDeniedException",
            harness.access_denied(harness.user_arn("auditor"), "kms:ImportKeyMaterial", md["Arn"], "no-identity"),
            auditor.import_key_material, KeyId=md["KeyId"], ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params["PublicKey"], os.urandom(32), "RSAES_OAEP_SHA_256"), **NO_EXPIRY)

    def test_key_policy_condition_on_wrapping_algorithm(self):
        md = self.external_key(Policy=policy_denying(
            ("kms:GetParametersForImport", "StringNotEquals", "kms:WrappingAlgorithm", "RSA_AES_KEY_WRAP_SHA_256"),
            ("kms:GetParametersForImport", "StringNotEquals", "kms:WrappingKeySpec", "RSA_4096")))
        denied = harness.access_denied(harness.user_arn("admin"), "kms:GetParametersForImport", md["Arn"],
                                       "explicit-resource")
        self.assertApiError("AccessDeniedException", denied, self.parameters, md["KeyId"], "RSAES_OAEP_SHA_256",
                            "RSA_4096")
        self.assertApiError("AccessDeniedException", denied, self.parameters, md["KeyId"],
                            "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048")
        self.parameters(md["KeyId"], "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")

    def test_key_policy_condition_on_expiration_model(self):
        md = self.external_key(Policy=policy_denying(
            ("kms:ImportKeyMaterial", "StringEquals", "kms:ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")))
        self.assertApiError("AccessDeniedException", None, self.import_material, md["KeyId"], os.urandom(32))
        valid_to = datetime.datetime.fromtimestamp(int(self.server_now()) + 86400, datetime.timezone.utc)
        self.import_material(md["KeyId"], os.urandom(32), ValidTo=valid_to)

    # --- persistence and trail -----------------------------------------------------------
    def test_imported_material_survives_a_restart(self):
        md, gone = self.external_key(), self.external_key()
        material = os.urandom(32)
        self.import_material(md["KeyId"], material)
        self.import_material(gone["KeyId"], material)
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"durable")["CiphertextBlob"]
        self.kms.delete_imported_key_material(KeyId=gone["KeyId"])
        before = self.describe(md["KeyId"])
        self.srv.restart()
        self.assertEqual(self.describe(md["KeyId"]), before)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"durable")
        self.assertEqual(self.describe(gone["KeyId"])["KeyState"], "PendingImport")
        self.assertApiError("IncorrectKeyMaterialException", None, self.import_material, gone["KeyId"],
                            os.urandom(32))
        self.import_material(gone["KeyId"], material)
        self.assertEqual(self.describe(gone["KeyId"])["KeyState"], "Enabled")
        with open(os.path.join(self.srv.data_dir, "kmslab.db"), "rb") as f:
            self.assertNotIn(material, f.read())

    def test_trail_never_holds_token_or_material(self):
        md = self.external_key()
        params = self.parameters(md["KeyId"])
        encrypted = wrap(params["PublicKey"], os.urandom(32), "RSAES_OAEP_SHA_256")
        self.call("ImportKeyMaterial", KeyId=md["KeyId"], ImportToken=params["ImportToken"],
                  EncryptedKeyMaterial=encrypted, **NO_EXPIRY)
        r = self.srv.admin_request("GET", f"/_kmslab/trail?eventName=ImportKeyMaterial&keyId={md['KeyId']}")
        (event,) = r.body["events"]
        self.assertEqual(event["requestParameters"],
                         {"keyId": md["KeyId"], "expirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
        self.assertIsNone(event["responseElements"])
        self.assertFalse(event["readOnly"])
        r = self.srv.admin_request("GET", f"/_kmslab/trail?eventName=GetParametersForImport&keyId={md['KeyId']}")
        (event,) = r.body["events"]
        self.assertEqual(event["requestParameters"], {"keyId": md["KeyId"], "wrappingAlgorithm": "RSAES_OAEP_SHA_256",
                                                      "wrappingKeySpec": "RSA_2048"})
        with open(os.path.join(self.srv.data_dir, "trail.jsonl"), "rb") as f:
            text = f.read()
        for secret in (params["ImportToken"], encrypted, params["PublicKey"]):
            self.assertNotIn(base64.b64encode(secret), text)
