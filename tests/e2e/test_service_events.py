"""Work KMS does on its own is in the trail as AWS records it: the deletion of a key whose
waiting period ended (DeleteKey), an automatic rotation (RotateKey) and the deletion of
imported key material whose ValidTo passed (DeleteExpiredKeyMaterial), each an
AwsServiceEvent of the key's account, invoked by "AWS Internal", stamped with the time
the work fell due on the server clock, with AWS's serviceEventDetails."""
import datetime
import os
import unittest

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_public_key

import harness
from harness import ACCOUNT, REGION

DAY = 86400


def iso(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ServiceEventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        cls.srv.start()
        kms = cls.kms = cls.srv.client()
        now = cls.srv.clock()["epochMillis"] // 1000

        cls.doomed = kms.create_key(Description="to be deleted")["KeyMetadata"]
        deletion = kms.schedule_key_deletion(KeyId=cls.doomed["KeyId"], PendingWindowInDays=7)["DeletionDate"]
        cls.deletion_time = int(deletion.timestamp())

        cls.rotating = kms.create_key(Description="rotates every 90 days")["KeyMetadata"]
        kms.enable_key_rotation(KeyId=cls.rotating["KeyId"], RotationPeriodInDays=90)
        cls.first_material = kms.describe_key(KeyId=cls.rotating["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
        status = kms.get_key_rotation_status(KeyId=cls.rotating["KeyId"])
        cls.rotation_time = int(status["NextRotationDate"].timestamp())

        cls.lapsing = kms.create_key(Description="imported for a day", Origin="EXTERNAL")["KeyMetadata"]
        params = kms.get_parameters_for_import(KeyId=cls.lapsing["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
        wrapped = load_der_public_key(params["PublicKey"]).encrypt(
            os.urandom(32), padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
        cls.valid_to = now + DAY
        kms.import_key_material(KeyId=cls.lapsing["KeyId"], ImportToken=params["ImportToken"],
                                EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_EXPIRES",
                                ValidTo=datetime.datetime.fromtimestamp(cls.valid_to, datetime.timezone.utc))
        cls.imported_material = kms.describe_key(KeyId=cls.lapsing["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]

        cls.srv.advance_clock(100 * DAY)
        kms.list_keys()  # the first request after the dates does the work

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def one_event(self, name):
        r = self.srv.admin_request("GET", f"/_kmslab/trail?eventName={name}")
        self.assertEqual(r.status, 200, r.data)
        events = r.body["events"]
        self.assertEqual(len(events), 1, events)
        return events[0]

    def assertServiceEvent(self, e, name, key, when):
        self.assertEqual(e["eventName"], name)
        self.assertEqual(e["eventType"], "AwsServiceEvent")
        self.assertEqual(e["userIdentity"], {"accountId": ACCOUNT, "invokedBy": "AWS Internal"})
        self.assertEqual((e["sourceIPAddress"], e["userAgent"]), ("AWS Internal", "AWS Internal"))
        self.assertEqual(e["eventTime"], iso(when))
        self.assertEqual((e["eventSource"], e["awsRegion"]), ("kms.amazonaws.com", REGION))
        self.assertIsNone(e["requestParameters"])
        self.assertIsNone(e["responseElements"])
        self.assertNotIn("requestID", e)
        self.assertIs(e["readOnly"], False)
        self.assertTrue(harness.UUID_RE.match(e["eventID"]))
        self.assertEqual(e["resources"], [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key["Arn"]}])
        self.assertEqual((e["recipientAccountId"], e["eventCategory"]), (ACCOUNT, "Management"))

    def test_delete_key_when_the_waiting_period_ends(self):
        e = self.one_event("DeleteKey")
        self.assertServiceEvent(e, "DeleteKey", self.doomed, self.deletion_time)
        self.assertNotIn("serviceEventDetails", e)
        with self.assertRaises(Exception) as cm:
            self.kms.describe_key(KeyId=self.doomed["KeyId"])
        self.assertEqual(cm.exception.response["Error"]["Code"], "NotFoundException")

    def test_rotate_key_names_both_materials(self):
        e = self.one_event("RotateKey")
        self.assertServiceEvent(e, "RotateKey", self.rotating, self.rotation_time)
        current = self.kms.describe_key(KeyId=self.rotating["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
        self.assertNotEqual(current, self.first_material)
        self.assertEqual(e["serviceEventDetails"], {"rotationType": "AUTOMATIC", "keyOrigin": "AWS_KMS",
                                                    "previousKeyMaterialId": self.first_material,
                                                    "currentKeyMaterialId": current})

    def test_delete_expired_key_material_names_the_material(self):
        e = self.one_event("DeleteExpiredKeyMaterial")
        self.assertServiceEvent(e, "DeleteExpiredKeyMaterial", self.lapsing, self.valid_to)
        self.assertEqual(e["serviceEventDetails"], {"keyId": self.lapsing["KeyId"],
                                                    "keyMaterialId": self.imported_material})
        self.assertEqual(self.kms.describe_key(KeyId=self.lapsing["KeyId"])["KeyMetadata"]["KeyState"],
                         "PendingImport")

    def test_the_trail_command_lists_them_under_aws_internal(self):
        r = harness.kmslab("trail", "--data", self.srv.data_dir, "--principal", "AWS Internal")
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("DeleteKey", "RotateKey", "DeleteExpiredKeyMaterial"):
            self.assertIn(name, r.stdout)
        self.assertNotIn("ListKeys", r.stdout)
