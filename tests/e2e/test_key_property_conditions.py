"""Condition keys on a key's properties: kms:KeySpec, kms:KeyUsage, kms:KeyOrigin,
kms:MultiRegion, kms:MultiRegionKeyType, kms:PrimaryRegion and kms:ValidTo. Each allows
one request and denies its sibling, through boto3: in IAM on CreateKey (the request's
values) and on operations on existing keys (the key's own properties), in key policies
on UpdatePrimaryRegion (the Region asked for) and ImportKeyMaterial (the ValidTo sent).
Reference docs/spec/key-types.md §14."""
import datetime
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_public_key

import harness
from harness import ACCOUNT, REGION, key_arn, user_arn

OTHER = "eu-west-1"
THIRD = "ap-southeast-1"

# Each fixture user below may do everything but what its inline policy rules on.
USERS = {
    # CreateKey only for the specs named.
    "spec-maker": ("kms:CreateKey", "StringEquals", "kms:KeySpec", ["ECC_NIST_P256", "HMAC_256"]),
    # CreateKey only for signing keys.
    "usage-maker": ("kms:CreateKey", "StringEquals", "kms:KeyUsage", "SIGN_VERIFY"),
    # CreateKey only with key material KMS makes.
    "origin-maker": ("kms:CreateKey", "StringEquals", "kms:KeyOrigin", "AWS_KMS"),
    # CreateKey only for single-Region keys.
    "single-region-maker": ("kms:CreateKey", "Bool", "kms:MultiRegion", "false"),
    # Sign only with P-256 keys.
    "p256-signer": ("kms:Sign", "StringEquals", "kms:KeySpec", "ECC_NIST_P256"),
    # Encrypt only under primary keys.
    "primary-user": ("kms:Encrypt", "StringEquals", "kms:MultiRegionKeyType", "PRIMARY"),
}


def identities():
    ids = harness.fixture_identities()
    acct = ids["accounts"][ACCOUNT]
    for n, (name, (action, operator, key, value)) in enumerate(sorted(USERS.items())):
        acct["users"].append({
            "name": name,
            "accessKeys": [{"id": f"AKIAKMSLABCOND{n:06d}", "secret": f"kmslab-{name}-secret"}],
            "inlinePolicies": {"rule": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "NotAction": action, "Resource": "*"},
                {"Effect": "Allow", "Action": action, "Resource": "*",
                 "Condition": {operator: {key: value}}}]}}})
    return ids


def key_policy(*statements):
    """The default key policy (the account's IAM decides) plus `statements`."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": harness.root_arn()}, "Action": "kms:*",
         "Resource": "*"}, *statements]})


def deny_all(action, operator, key, value):
    return {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": action, "Resource": "*",
            "Condition": {operator: {key: value}}}


class KeyPropertyConditionsTest(harness.KmsTestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.start_with_identities(identities())

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def assertCreateDenied(self, who, **params):
        self.assertAccessDenied(self.as_(who).create_key, user_arn(who), "kms:CreateKey", "*", "no-identity",
                                **params)

    # --- CreateKey: the request's values ----------------------------------------------------
    def test_key_spec_on_create_key(self):
        maker = self.as_("spec-maker")
        md = maker.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        self.assertEqual(md["KeySpec"], "ECC_NIST_P256")
        maker.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        self.assertCreateDenied("spec-maker", KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
        # No KeySpec sent: the condition sees the default, SYMMETRIC_DEFAULT.
        self.assertCreateDenied("spec-maker")

    def test_key_usage_on_create_key(self):
        maker = self.as_("usage-maker")
        maker.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        self.assertCreateDenied("usage-maker", KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        self.assertCreateDenied("usage-maker")  # the default usage, ENCRYPT_DECRYPT

    def test_key_origin_on_create_key(self):
        maker = self.as_("origin-maker")
        self.assertEqual(maker.create_key()["KeyMetadata"]["Origin"], "AWS_KMS")
        self.assertCreateDenied("origin-maker", Origin="EXTERNAL")

    def test_multi_region_on_create_key(self):
        maker = self.as_("single-region-maker")
        self.assertIs(maker.create_key()["KeyMetadata"]["MultiRegion"], False)
        self.assertCreateDenied("single-region-maker", MultiRegion=True)

    # --- operations on existing keys: the key's own properties -------------------------------
    def test_key_spec_of_the_key_used(self):
        p256 = self.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        p384 = self.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
        signer = self.as_("p256-signer")
        sig = signer.sign(KeyId=p256["KeyId"], Message=b"firmware", SigningAlgorithm="ECDSA_SHA_256")
        self.assertTrue(self.kms.verify(KeyId=p256["KeyId"], Message=b"firmware",
                                        SigningAlgorithm="ECDSA_SHA_256",
                                        Signature=sig["Signature"])["SignatureValid"])
        self.assertAccessDenied(signer.sign, user_arn("p256-signer"), "kms:Sign", p384["Arn"], "no-identity",
                                KeyId=p384["KeyId"], Message=b"firmware", SigningAlgorithm="ECDSA_SHA_384")

    def test_key_usage_and_origin_of_the_key_used(self):
        # One key policy denying GetPublicKey on encryption keys, another denying Encrypt on imported keys.
        signing = self.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Policy=key_policy(
            deny_all("kms:GetPublicKey", "StringEquals", "kms:KeyUsage", "ENCRYPT_DECRYPT")))
        encrypting = self.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT", Policy=key_policy(
            deny_all("kms:GetPublicKey", "StringEquals", "kms:KeyUsage", "ENCRYPT_DECRYPT")))
        self.kms.get_public_key(KeyId=signing["KeyId"])
        self.assertAccessDenied(self.kms.get_public_key, user_arn("admin"), "kms:GetPublicKey",
                                encrypting["Arn"], "explicit-resource", KeyId=encrypting["KeyId"])

        no_imported = key_policy(deny_all("kms:Encrypt", "StringEquals", "kms:KeyOrigin", "EXTERNAL"))
        native = self.create_key(Policy=no_imported)
        imported = self.create_key(Origin="EXTERNAL", Policy=no_imported)
        params = self.kms.get_parameters_for_import(KeyId=imported["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                                    WrappingKeySpec="RSA_2048")
        wrapped = load_der_public_key(params["PublicKey"]).encrypt(
            os.urandom(32), padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
        self.kms.import_key_material(KeyId=imported["KeyId"], ImportToken=params["ImportToken"],
                                     EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.kms.encrypt(KeyId=native["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", imported["Arn"],
                                "explicit-resource", KeyId=imported["KeyId"], Plaintext=b"x")

    def test_multi_region_key_type_of_the_key_used(self):
        md = self.create_key(MultiRegion=True)
        replica = self.kms.replicate_key(KeyId=md["KeyId"], ReplicaRegion=OTHER)["ReplicaKeyMetadata"]
        user = self.as_("primary-user")
        blob = user.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        in_other = self.srv.client_as(harness.creds_of("primary-user", self.srv.fixtures), region=OTHER)
        self.assertAccessDenied(in_other.encrypt, user_arn("primary-user"), "kms:Encrypt", replica["Arn"],
                                "no-identity", KeyId=md["KeyId"], Plaintext=b"x")
        # A single-Region key has no kms:MultiRegionKeyType: StringEquals fails on it.
        single = self.create_key()
        self.assertAccessDenied(user.encrypt, user_arn("primary-user"), "kms:Encrypt", single["Arn"],
                                "no-identity", KeyId=single["KeyId"], Plaintext=b"x")

    def test_multi_region_of_the_key_used(self):
        policy = key_policy(deny_all("kms:Encrypt", "Bool", "kms:MultiRegion", "true"))
        single = self.create_key(Policy=policy)
        multi = self.create_key(MultiRegion=True, Policy=policy)
        self.kms.encrypt(KeyId=single["KeyId"], Plaintext=b"x")
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", multi["Arn"],
                                "explicit-resource", KeyId=multi["KeyId"], Plaintext=b"x")

    # --- the Region asked for, the expiry sent -----------------------------------------------
    def test_primary_region_on_update_primary_region(self):
        not_third = key_policy(deny_all("kms:UpdatePrimaryRegion", "StringEquals", "kms:PrimaryRegion", THIRD))
        md = self.create_key(MultiRegion=True, Policy=not_third)
        for region in (OTHER, THIRD):
            self.kms.replicate_key(KeyId=md["KeyId"], ReplicaRegion=region, Policy=not_third)
        self.assertAccessDenied(self.kms.update_primary_region, user_arn("admin"), "kms:UpdatePrimaryRegion",
                                md["Arn"], "explicit-resource", KeyId=md["KeyId"], PrimaryRegion=THIRD)
        self.assertEqual(self.describe(md["KeyId"])["MultiRegionConfiguration"]["MultiRegionKeyType"], "PRIMARY")
        self.kms.update_primary_region(KeyId=md["KeyId"], PrimaryRegion=OTHER)
        there = self.srv.client(region=OTHER).describe_key(KeyId=md["KeyId"])["KeyMetadata"]
        self.assertEqual(there["MultiRegionConfiguration"]["PrimaryKey"],
                         {"Arn": key_arn(md["KeyId"], OTHER), "Region": OTHER})

    def test_valid_to_on_import_key_material(self):
        now = self.srv.clock()["epochMillis"] // 1000
        at_most_a_week = key_policy(deny_all("kms:ImportKeyMaterial", "NumericGreaterThan", "kms:ValidTo",
                                             str(now + 7 * 86400)))

        def import_until(valid_to):
            md = self.create_key(Origin="EXTERNAL", Policy=at_most_a_week)
            params = self.kms.get_parameters_for_import(KeyId=md["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                                        WrappingKeySpec="RSA_2048")
            wrapped = load_der_public_key(params["PublicKey"]).encrypt(
                os.urandom(32),
                padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
            when = datetime.datetime.fromtimestamp(valid_to, datetime.timezone.utc)
            self.kms.import_key_material(KeyId=md["KeyId"], ImportToken=params["ImportToken"],
                                         EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_EXPIRES",
                                         ValidTo=when)
            return md

        md = import_until(now + 86400)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")
        with self.assertRaises(Exception) as cm:
            import_until(now + 30 * 86400)
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn("kms:ImportKeyMaterial", cm.exception.response["Error"]["Message"])
