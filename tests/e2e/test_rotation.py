"""Key rotation: Enable/DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
ListKeyRotations. Operations or members an older boto3 lacks go through raw requests
(KmsTestCase.call)."""
import datetime
import uuid

import harness
from harness import key_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

STATUS_MEMBERS = ("RotationPeriodInDays", "NextRotationDate")


class RotationTest(harness.KmsTestCase):
    srv = SRV

    def status(self, key_id):
        r = self.call("GetKeyRotationStatus", need=STATUS_MEMBERS, KeyId=key_id)
        r.pop("ResponseMetadata", None)
        return r

    def material_id(self, key_id):
        return self.call("DescribeKey", need=("CurrentKeyMaterialId",),
                         KeyId=key_id)["KeyMetadata"].get("CurrentKeyMaterialId")

    def rotations(self, key_id, **kw):
        return self.call("ListKeyRotations", KeyId=key_id, **kw)

    def test_status_of_new_key(self):
        md = self.create_key()
        self.assertEqual(self.status(md["KeyId"]),
                         {"KeyId": md["Arn"], "KeyRotationEnabled": False})

    def test_enable_disable_default_period(self):
        md = self.create_key()
        self.kms.enable_key_rotation(KeyId=md["KeyId"])
        st = self.status(md["Arn"])
        self.assertEqual((st["KeyId"], st["KeyRotationEnabled"], st.get("RotationPeriodInDays")),
                         (md["Arn"], True, 365))
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((st["NextRotationDate"] - now).total_seconds() - 365 * 86400), 86400)
        self.kms.disable_key_rotation(KeyId=md["KeyId"])
        self.assertEqual(self.status(md["KeyId"]),
                         {"KeyId": md["Arn"], "KeyRotationEnabled": False})

    def test_enable_with_period(self):
        for days in (90, 180, 2560):
            with self.subTest(days=days):
                md = self.create_key()
                self.call("EnableKeyRotation", KeyId=md["KeyId"], RotationPeriodInDays=days)
                st = self.status(md["KeyId"])
                self.assertEqual((st["KeyRotationEnabled"], st.get("RotationPeriodInDays")),
                                 (True, days))

    def test_period_bounds(self):
        md = self.create_key()
        for days, constraint in ((89, "greater than or equal to 90"),
                                 (2561, "less than or equal to 2560")):
            with self.subTest(days=days):
                r = self.srv.raw("EnableKeyRotation", {"KeyId": md["KeyId"],
                                                       "RotationPeriodInDays": days})
                self.assertRawError(
                    r, "ValidationException",
                    f"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed "
                    f"to satisfy constraint: Member must have value {constraint}")
        self.assertIs(self.status(md["KeyId"])["KeyRotationEnabled"], False)

    def test_rotate_on_demand(self):
        md = self.create_key()
        self.assertEqual(self.rotations(md["KeyId"])["Rotations"], [])
        old_material = self.material_id(md["KeyId"])
        self.assertTrue(old_material)
        old_blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"before",
                                    EncryptionContext={"r": "1"})["CiphertextBlob"]

        r = self.call("RotateKeyOnDemand", KeyId=md["KeyId"])
        self.assertEqual(r["KeyId"], md["Arn"])
        new_material = self.material_id(md["KeyId"])
        self.assertTrue(new_material)
        self.assertNotEqual(new_material, old_material)
        listed = self.rotations(md["Arn"])
        self.assertIs(listed["Truncated"], False)
        self.assertEqual([(e["KeyId"], e["RotationType"]) for e in listed["Rotations"]],
                         [(md["Arn"], "ON_DEMAND")])
        self.assertRecent(listed["Rotations"][0]["RotationDate"])

        new_blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"after")["CiphertextBlob"]
        self.call("RotateKeyOnDemand", KeyId=md["Arn"])
        self.assertEqual(len(self.rotations(md["KeyId"])["Rotations"]), 2)
        self.assertNotIn(self.material_id(md["KeyId"]), (old_material, new_material))
        dec = self.kms.decrypt(CiphertextBlob=old_blob, EncryptionContext={"r": "1"})
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"before", md["Arn"]))
        self.assertEqual(self.kms.decrypt(CiphertextBlob=new_blob)["Plaintext"], b"after")
        self.assertApiError("InvalidCiphertextException", "", self.kms.decrypt,
                            CiphertextBlob=old_blob)
        gdk = self.kms.generate_data_key(KeyId=md["KeyId"], KeySpec="AES_256")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=gdk["CiphertextBlob"])["Plaintext"],
                         gdk["Plaintext"])

    def test_rotate_on_demand_keeps_automatic_setting(self):
        manual = self.create_key()
        self.call("RotateKeyOnDemand", KeyId=manual["KeyId"])
        self.assertEqual(self.status(manual["KeyId"]),
                         {"KeyId": manual["Arn"], "KeyRotationEnabled": False})
        auto = self.create_key()
        self.kms.enable_key_rotation(KeyId=auto["KeyId"])
        self.call("RotateKeyOnDemand", KeyId=auto["KeyId"])
        st = self.status(auto["KeyId"])
        self.assertEqual((st["KeyRotationEnabled"], st.get("RotationPeriodInDays")), (True, 365))

    def test_list_key_rotations_paging(self):
        md = self.create_key()
        for _ in range(2):
            self.call("RotateKeyOnDemand", KeyId=md["KeyId"])
        first = self.rotations(md["KeyId"], Limit=1)
        self.assertEqual((len(first["Rotations"]), first["Truncated"]), (1, True))
        rest = self.rotations(md["KeyId"], Limit=1, Marker=first["NextMarker"])
        self.assertEqual((len(rest["Rotations"]), rest["Truncated"]), (1, False))
        self.assertNotEqual(first["Rotations"][0], rest["Rotations"][0])

    def test_rotation_errors(self):
        md = self.create_key()
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.call,
                            "RotateKeyOnDemand", KeyId=md["KeyId"])
        self.assertEqual(self.rotations(md["KeyId"])["Rotations"], [])
        missing = str(uuid.uuid4())
        msg = f"Key '{key_arn(missing)}' does not exist"
        for op in ("RotateKeyOnDemand", "GetKeyRotationStatus", "EnableKeyRotation",
                   "DisableKeyRotation", "ListKeyRotations"):
            with self.subTest(op=op):
                self.assertApiError("NotFoundException", msg, self.call, op, KeyId=missing)

    def test_cli(self):
        md = self.create_key()
        res = self.srv.cli("enable-key-rotation", "--key-id", md["KeyId"])
        self.assertEqual((res.rc, res.stdout.strip()), (0, ""), res.stderr)
        res = self.srv.cli("get-key-rotation-status", "--key-id", md["KeyId"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertIs(res.json["KeyRotationEnabled"], True)
        missing = str(uuid.uuid4())
        res = self.srv.cli("get-key-rotation-status", "--key-id", missing)
        self.assertCliError(res, "NotFoundException", "GetKeyRotationStatus",
                            f"Key '{key_arn(missing)}' does not exist")
