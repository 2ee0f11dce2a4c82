"""Multi-Region keys: CreateKey MultiRegion, ReplicateKey, UpdatePrimaryRegion, DescribeKey
on related keys, cross-Region decryption, rotation reaching replicas, primary-only
operations, PendingReplicaDeletion, authorization (key policy, IAM in the replica Region,
kms:ReplicaRegion) and persistence, through boto3 clients of two Regions. Shapes are
compared with the AWS recordings (reference aws-recorded/test_kms.snapshot.json)."""
import json

import harness
from harness import ACCOUNT, REGION, access_denied, key_arn, user_arn

OTHER = "eu-west-1"
THIRD = "ap-southeast-1"

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

ROOT_DELEGATION = {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                   "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
                   "Resource": "*"}
DEFAULT_POLICY = {"Version": "2012-10-17", "Id": "key-default-1", "Statement": [ROOT_DELEGATION]}
# The members DescribeKey shows on a symmetric key (recording test_replicate_key).
METADATA_MEMBERS = {"AWSAccountId", "Arn", "CreationDate", "CurrentKeyMaterialId",
                    "CustomerMasterKeySpec", "Description", "Enabled", "EncryptionAlgorithms",
                    "KeyId", "KeyManager", "KeySpec", "KeyState", "KeyUsage", "MultiRegion",
                    "MultiRegionConfiguration", "Origin"}


def regional(key_id, region):
    return {"Arn": key_arn(key_id, region), "Region": region}


class MultiRegionCase(harness.KmsTestCase):
    srv = SRV

    def kms_in(self, region):
        return self.srv.client(region=region)

    def primary(self, **kw):
        return self.create_key(MultiRegion=True, **kw)

    def replicate(self, key_id, region=OTHER, client=None, **kw):
        return (client or self.kms).replicate_key(KeyId=key_id, ReplicaRegion=region, **kw)


class MultiRegionKeyTest(MultiRegionCase):
    def test_create_multi_region_key_matches_the_recording(self):
        md = self.primary(Description="test multi region key")
        self.assertRegex(md["KeyId"], r"^mrk-[0-9a-f]{32}$")
        self.assertEqual(set(md) - {"ResponseMetadata"}, METADATA_MEMBERS)
        self.assertIs(md["MultiRegion"], True)
        self.assertEqual(md["MultiRegionConfiguration"],
                         {"MultiRegionKeyType": "PRIMARY", "PrimaryKey": regional(md["KeyId"], REGION),
                          "ReplicaKeys": []})

    def test_single_region_key_has_no_multi_region_configuration(self):
        md = self.create_key()
        self.assertIs(md["MultiRegion"], False)
        self.assertNotIn("MultiRegionConfiguration", md)

    def test_replicate_and_describe_both_sides(self):
        md = self.primary(Description="test replicated key")
        key_id = md["KeyId"]
        self.assertApiError("NotFoundException",
                            f"Key '{key_arn(key_id, OTHER)}' does not exist",
                            self.kms_in(OTHER).describe_key, KeyId=key_id)
        r = self.replicate(key_id)
        replica = r["ReplicaKeyMetadata"]
        config = {"PrimaryKey": regional(key_id, REGION), "ReplicaKeys": [regional(key_id, OTHER)]}
        self.assertEqual(set(replica), METADATA_MEMBERS - {"CurrentKeyMaterialId"})
        self.assertEqual((replica["KeyId"], replica["Arn"], replica["KeyState"], replica["Enabled"],
                          replica["Description"]),
                         (key_id, key_arn(key_id, OTHER), "Creating", False, ""))
        self.assertEqual(replica["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="REPLICA"))
        self.assertEqual(json.loads(r["ReplicaPolicy"]), DEFAULT_POLICY)
        self.assertNotIn("ReplicaTags", r)

        here = self.describe(key_id)
        there = self.kms_in(OTHER).describe_key(KeyId=key_id)["KeyMetadata"]
        self.assertEqual(here["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="PRIMARY"))
        self.assertEqual(there["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="REPLICA"))
        self.assertEqual((there["KeyState"], there["Enabled"], there["Description"]), ("Enabled", True, ""))
        self.assertEqual(there["CurrentKeyMaterialId"], here["CurrentKeyMaterialId"])
        self.assertEqual(set(there), METADATA_MEMBERS)
        # A second replica appears on every related key.
        self.replicate(key_id, THIRD, Description="third", Tags=[{"TagKey": "t", "TagValue": "v"}])
        for region in (REGION, OTHER, THIRD):
            got = self.kms_in(region).describe_key(KeyId=key_id)["KeyMetadata"]
            self.assertEqual(got["MultiRegionConfiguration"]["ReplicaKeys"],
                             [regional(key_id, OTHER), regional(key_id, THIRD)])
        self.assertEqual(self.kms_in(THIRD).list_resource_tags(KeyId=key_id)["Tags"],
                         [{"TagKey": "t", "TagValue": "v"}])

    def test_replication_errors(self):
        md = self.primary()
        key_id = md["KeyId"]
        self.replicate(key_id)
        self.assertApiError("UnsupportedOperationException",
                            f"{key_arn(key_id, OTHER)} is not a multi-region primary key.",
                            self.replicate, key_id, THIRD, client=self.kms_in(OTHER))
        single = self.create_key()
        self.assertApiError("UnsupportedOperationException",
                            f"{single['Arn']} is not a multi-region primary key.",
                            self.replicate, single["KeyId"])
        self.assertApiError("AlreadyExistsException", f"{key_arn(key_id, OTHER)} already exists",
                            self.replicate, key_id)
        self.assertApiError("AlreadyExistsException", f"{key_arn(key_id, REGION)} already exists",
                            self.replicate, key_id, REGION)
        self.assertApiError("ValidationException", None, self.loose.replicate_key, KeyId=key_id,
                            ReplicaRegion="mars")
        self.kms.disable_key(KeyId=key_id)
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.replicate,
                            key_id, THIRD)

    def test_cross_region_decrypt_and_reencrypt(self):
        key_id = self.primary()["KeyId"]
        self.replicate(key_id)
        there = self.kms_in(OTHER)
        blob = self.kms.encrypt(KeyId=key_id, Plaintext=b"hello", EncryptionContext={"a": "b"})["CiphertextBlob"]
        for kw in ({}, {"KeyId": key_id}, {"KeyId": key_arn(key_id, OTHER)}):
            got = there.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"}, **kw)
            self.assertEqual((got["Plaintext"], got["KeyId"]), (b"hello", key_arn(key_id, OTHER)))
        back = there.encrypt(KeyId=key_id, Plaintext=b"back")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=back)["Plaintext"], b"back")
        other = self.create_key(MultiRegion=True)["KeyId"]
        re = there.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"a": "b"},
                              DestinationKeyId=key_id)
        self.assertEqual((re["SourceKeyId"], re["KeyId"]), (key_arn(key_id, OTHER), key_arn(key_id, OTHER)))
        self.assertEqual(self.kms.decrypt(CiphertextBlob=re["CiphertextBlob"])["Plaintext"], b"hello")
        # Unrelated keys never interoperate.
        self.assertApiError("IncorrectKeyException", None, self.kms.decrypt, CiphertextBlob=blob,
                            EncryptionContext={"a": "b"}, KeyId=other)
        single_blob = self.kms.encrypt(KeyId=self.create_key()["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertApiError("AccessDeniedException", None, there.decrypt, CiphertextBlob=single_blob)

    def test_signing_and_hmac_keys_work_across_regions(self):
        # Related keys share all material: a signature or a MAC made in one Region
        # verifies under the related key in the other, and the public keys are equal.
        signing = self.primary(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
        self.replicate(signing)
        there = self.kms_in(OTHER)
        signature = self.kms.sign(KeyId=signing, Message=b"firmware", SigningAlgorithm="ECDSA_SHA_256")
        verified = there.verify(KeyId=signing, Message=b"firmware", Signature=signature["Signature"],
                                SigningAlgorithm="ECDSA_SHA_256")
        self.assertEqual((verified["SignatureValid"], verified["KeyId"]), (True, key_arn(signing, OTHER)))
        self.assertEqual(self.kms.get_public_key(KeyId=signing)["PublicKey"],
                         there.get_public_key(KeyId=signing)["PublicKey"])
        with self.assertRaises(there.exceptions.KMSInvalidSignatureException):
            there.verify(KeyId=signing, Message=b"firmwarE", Signature=signature["Signature"],
                         SigningAlgorithm="ECDSA_SHA_256")

        rsa = self.primary(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyId"]
        self.replicate(rsa)
        blob = self.kms.encrypt(KeyId=rsa, Plaintext=b"secret",
                                EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
        self.assertEqual(there.decrypt(KeyId=rsa, CiphertextBlob=blob,
                                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"], b"secret")

        mac_key = self.primary(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
        self.replicate(mac_key)
        mac = self.kms.generate_mac(KeyId=mac_key, Message=b"token", MacAlgorithm="HMAC_SHA_256")["Mac"]
        self.assertEqual(there.generate_mac(KeyId=mac_key, Message=b"token",
                                            MacAlgorithm="HMAC_SHA_256")["Mac"], mac)
        self.assertIs(there.verify_mac(KeyId=mac_key, Message=b"token", Mac=mac,
                                       MacAlgorithm="HMAC_SHA_256")["MacValid"], True)
        # An unrelated HMAC key does not share it.
        other = self.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
        with self.assertRaises(self.kms.exceptions.KMSInvalidMacException):
            self.kms.verify_mac(KeyId=other, Message=b"token", Mac=mac, MacAlgorithm="HMAC_SHA_256")

    def test_rotation_is_the_primarys_and_reaches_replicas(self):
        key_id = self.primary()["KeyId"]
        self.replicate(key_id)
        there = self.kms_in(OTHER)
        replica_arn = key_arn(key_id, OTHER)
        not_primary = f"{replica_arn} is not a multi-region primary key."
        self.assertApiError("UnsupportedOperationException", not_primary, there.enable_key_rotation, KeyId=key_id)
        self.assertApiError("UnsupportedOperationException", not_primary, there.disable_key_rotation, KeyId=key_id)
        self.assertApiError("UnsupportedOperationException", not_primary, there.rotate_key_on_demand, KeyId=key_id)
        self.kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
        status = there.get_key_rotation_status(KeyId=key_id)
        self.assertEqual((status["KeyId"], status["KeyRotationEnabled"]), (replica_arn, True))
        self.call("RotateKeyOnDemand", KeyId=key_id)
        blob = self.kms.encrypt(KeyId=key_id, Plaintext=b"new material")["CiphertextBlob"]
        self.assertEqual(there.decrypt(CiphertextBlob=blob)["Plaintext"], b"new material")
        self.assertEqual(there.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"],
                         self.describe(key_id)["CurrentKeyMaterialId"])
        # Automatic rotation too.
        self.srv.advance_clock(91 * 86400)
        auto = self.kms.encrypt(KeyId=key_id, Plaintext=b"automatic")["CiphertextBlob"]
        self.assertEqual(there.decrypt(CiphertextBlob=auto)["Plaintext"], b"automatic")
        self.assertEqual(len(self.call("ListKeyRotations", KeyId=key_id)["Rotations"]), 2)

    def test_update_primary_region_swaps_roles(self):
        key_id = self.primary()["KeyId"]
        self.replicate(key_id)
        self.assertApiError("NotFoundException", f"Key '{key_arn(key_id, THIRD)}' does not exist",
                            self.kms.update_primary_region, KeyId=key_id, PrimaryRegion=THIRD)
        self.kms.update_primary_region(KeyId=key_id, PrimaryRegion=OTHER)
        config = {"PrimaryKey": regional(key_id, OTHER), "ReplicaKeys": [regional(key_id, REGION)]}
        self.assertEqual(self.describe(key_id)["MultiRegionConfiguration"],
                         dict(config, MultiRegionKeyType="REPLICA"))
        self.assertEqual(self.kms_in(OTHER).describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"],
                         dict(config, MultiRegionKeyType="PRIMARY"))
        self.assertApiError("UnsupportedOperationException",
                            f"{key_arn(key_id, REGION)} is not a multi-region primary key.",
                            self.kms.update_primary_region, KeyId=key_id, PrimaryRegion=OTHER)
        self.replicate(key_id, THIRD, client=self.kms_in(OTHER))

    def test_deletion_waits_for_replicas(self):
        md = self.primary()
        key_id = md["KeyId"]
        self.replicate(key_id)
        there = self.kms_in(OTHER)
        r = self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        self.assertEqual((r["KeyState"], r["PendingWindowInDays"]), ("PendingReplicaDeletion", 7))
        self.assertNotIn("DeletionDate", r)
        got = self.describe(key_id)
        self.assertEqual((got["KeyState"], got["Enabled"], got["PendingDeletionWindowInDays"]),
                         ("PendingReplicaDeletion", False, 7))
        self.assertNotIn("DeletionDate", got)
        pending = f"{md['Arn']} is pending replica deletion."
        self.assertApiError("KMSInvalidStateException", pending, self.kms.encrypt, KeyId=key_id, Plaintext=b"x")
        self.assertApiError("KMSInvalidStateException", pending, self.replicate, key_id, THIRD)
        self.kms.cancel_key_deletion(KeyId=key_id)
        self.assertEqual(self.describe(key_id)["KeyState"], "Disabled")
        self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        there.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        self.srv.advance_clock(7 * 86400 + 60)
        self.assertApiError("NotFoundException", None, there.describe_key, KeyId=key_id)
        got = self.describe(key_id)
        self.assertEqual(got["KeyState"], "PendingDeletion")
        self.assertGreater((got["DeletionDate"] - harness.datetime.datetime.now(harness.datetime.timezone.utc))
                           .total_seconds(), 6 * 86400)

    def test_audit_trail_records_replicate_and_update_primary_region(self):
        key_id = self.primary()["KeyId"]
        self.replicate(key_id, Description="audited")
        self.kms.update_primary_region(KeyId=key_id, PrimaryRegion=OTHER)
        def last(name):
            r = self.srv.admin_request("GET", f"/_kmslab/trail?eventName={name}")
            self.assertEqual(r.status, 200, r.data)
            return r.body["events"][-1]
        replicate = last("ReplicateKey")
        self.assertEqual(replicate["requestParameters"],
                         {"keyId": key_id, "replicaRegion": OTHER, "description": "audited"})
        self.assertEqual(replicate["responseElements"]["replicaKeyMetadata"]["keyState"], "Creating")
        update = last("UpdatePrimaryRegion")
        self.assertEqual(update["requestParameters"], {"keyId": key_id, "primaryRegion": OTHER})
        self.assertEqual({r["ARN"] for r in update["resources"]},
                         {key_arn(key_id, REGION), key_arn(key_id, OTHER)})

    def test_restart_keeps_related_keys(self):
        key_id = self.primary()["KeyId"]
        self.replicate(key_id)
        blob = self.kms.encrypt(KeyId=key_id, Plaintext=b"durable")["CiphertextBlob"]
        self.kms.update_primary_region(KeyId=key_id, PrimaryRegion=OTHER)
        before = self.describe(key_id)["MultiRegionConfiguration"]
        self.assertEqual(self.srv.restart(), 0)
        there = self.kms_in(OTHER)
        self.assertEqual(self.describe(key_id)["MultiRegionConfiguration"], before)
        self.assertEqual(there.decrypt(CiphertextBlob=blob)["Plaintext"], b"durable")
        self.assertEqual(there.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
                         ["MultiRegionKeyType"], "PRIMARY")


class MultiRegionAuthzTest(MultiRegionCase):
    """A fixture set written for this class: user eve has kms:* but may not create keys in
    eu-west-1 (an IAM Deny on aws:RequestedRegion)."""

    srv = None

    @classmethod
    def setUpClass(cls):
        ids = harness.fixture_identities()
        ids["accounts"][ACCOUNT]["users"].append({
            "name": "eve",
            "accessKeys": [{"id": "AKIAKMSLABEVE1111111", "secret": "kmslab-eve-secret"}],
            "managedPolicies": ["KmsFullAccess"],
            "inlinePolicies": {"no-keys-in-eu-west-1": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*",
                               "Condition": {"StringEquals": {"aws:RequestedRegion": OTHER}}}]}}})
        cls.srv = harness.start_with_identities(ids)

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def test_iam_denial_of_create_key_in_the_replica_region(self):
        eve = self.as_("eve")
        key_id = eve.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        self.assertAccessDenied(eve.replicate_key, user_arn("eve"), "kms:CreateKey", "*",
                                "explicit-identity", KeyId=key_id, ReplicaRegion=OTHER)
        self.assertApiError("NotFoundException", None, self.kms_in(OTHER).describe_key, KeyId=key_id)
        eve.replicate_key(KeyId=key_id, ReplicaRegion=THIRD)

    def test_key_policy_denial_and_replica_region_condition(self):
        deny_eu = {"Sid": "No replicas in eu-west-1", "Effect": "Deny",
                   "Principal": {"AWS": user_arn("admin")}, "Action": "kms:ReplicateKey", "Resource": "*",
                   "Condition": {"StringEquals": {"kms:ReplicaRegion": OTHER}}}
        md = self.primary(Policy=json.dumps({"Version": "2012-10-17",
                                             "Statement": [ROOT_DELEGATION, deny_eu]}))
        self.assertAccessDenied(self.replicate, user_arn("admin"), "kms:ReplicateKey", md["Arn"],
                                "explicit-resource", key_id=md["KeyId"])
        r = self.replicate(md["KeyId"], THIRD, Policy=json.dumps(DEFAULT_POLICY))
        self.assertEqual(json.loads(r["ReplicaPolicy"]), DEFAULT_POLICY)

    def test_update_primary_region_needs_the_target_replicas_policy(self):
        md = self.primary()
        closed = {"Version": "2012-10-17", "Statement": [
            ROOT_DELEGATION,
            {"Sid": "No promotion", "Effect": "Deny", "Principal": {"AWS": user_arn("admin")},
             "Action": "kms:UpdatePrimaryRegion", "Resource": "*"}]}
        self.replicate(md["KeyId"], Policy=json.dumps(closed))
        self.assertAccessDenied(self.kms.update_primary_region, user_arn("admin"), "kms:UpdatePrimaryRegion",
                                key_arn(md["KeyId"], OTHER), "explicit-resource", KeyId=md["KeyId"],
                                PrimaryRegion=OTHER)
        self.assertEqual(self.describe(md["KeyId"])["MultiRegionConfiguration"]["MultiRegionKeyType"], "PRIMARY")
