"""Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription,
Enable/DisableKey, Schedule/CancelKeyDeletion, and the key state table."""
import datetime
import uuid

import harness
from harness import ACCOUNT, REGION, UUID_RE, alias_arn, key_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown


class KeysTest(harness.KmsTestCase):
    srv = SRV

    def test_create_key_metadata(self):
        tags = [{"TagKey": "team", "TagValue": "blue"}, {"TagKey": "env", "TagValue": "test"}]
        md = self.create_key(Description="test key 123", Tags=tags)
        self.assertRegex(md["KeyId"], UUID_RE)
        self.assertEqual(md["Arn"], key_arn(md["KeyId"]))
        self.assertEqual(md["AWSAccountId"], ACCOUNT)
        self.assertRecent(md["CreationDate"])
        expected = {"Description": "test key 123", "Enabled": True, "KeyState": "Enabled",
                    "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT",
                    "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS",
                    "KeyManager": "CUSTOMER", "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
                    "MultiRegion": False}
        self.assertEqual({k: md.get(k) for k in expected}, expected)
        self.assertNotIn("DeletionDate", md)
        self.assertEqual(self.describe(md["KeyId"]), md)
        listed = self.kms.list_resource_tags(KeyId=md["KeyId"])
        self.assertEqual(sorted(listed["Tags"], key=lambda t: t["TagKey"]),
                         sorted(tags, key=lambda t: t["TagKey"]))
        self.assertIs(listed["Truncated"], False)

    def test_create_key_defaults(self):
        md = self.create_key()
        self.assertEqual(md["Description"], "")
        self.assertEqual(md["KeyState"], "Enabled")
        self.assertIn(md["KeyId"], self.all_key_ids())

    def test_current_key_material_id_present(self):
        md = self.call("DescribeKey", need=("CurrentKeyMaterialId",),
                       KeyId=self.create_key()["KeyId"])["KeyMetadata"]
        self.assertIsInstance(md.get("CurrentKeyMaterialId"), str)
        self.assertTrue(md["CurrentKeyMaterialId"])

    def test_describe_by_every_identifier(self):
        md = self.create_key(Description="by id")
        alias = self.create_alias(md["KeyId"])
        for ident in (md["KeyId"], md["Arn"], alias, alias_arn(alias)):
            with self.subTest(ident=ident):
                got = self.describe(ident)
                self.assertEqual(got["Arn"], md["Arn"])
                self.assertEqual(got["KeyId"], md["KeyId"])

    def test_describe_not_found(self):
        missing = str(uuid.uuid4())
        self.assertApiError("NotFoundException", f"Key '{key_arn(missing)}' does not exist",
                            self.kms.describe_key, KeyId=missing)
        self.assertApiError("NotFoundException", f"Key '{key_arn(missing)}' does not exist",
                            self.kms.describe_key, KeyId=key_arn(missing))
        for bad in ("fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"):
            self.assertApiError("NotFoundException", f"Invalid keyId '{bad}'",
                                self.kms.describe_key, KeyId=bad)
        self.assertApiError("NotFoundException",
                            f"Alias {alias_arn('alias/e2e-missing')} is not found.",
                            self.kms.describe_key, KeyId="alias/e2e-missing")

    def test_keys_are_regional(self):
        md = self.create_key()
        eu = self.srv.client(region="eu-west-1")
        self.assertApiError("NotFoundException",
                            f"Key '{key_arn(md['KeyId'], 'eu-west-1')}' does not exist",
                            eu.describe_key, KeyId=md["KeyId"])
        self.assertApiError("NotFoundException", f"Invalid arn {REGION}",
                            eu.describe_key, KeyId=md["Arn"])
        eu_md = eu.create_key()["KeyMetadata"]
        self.assertEqual(eu_md["Arn"], key_arn(eu_md["KeyId"], "eu-west-1"))
        self.assertIn(eu_md["KeyId"], self.all_key_ids(eu))
        self.assertNotIn(md["KeyId"], self.all_key_ids(eu))
        self.assertNotIn(eu_md["KeyId"], self.all_key_ids())

    def test_list_keys_paging(self):
        for _ in range(3):
            self.create_key()
        everything = self.all_key_ids()
        self.assertGreaterEqual(len(everything), 3)
        self.assertEqual(len(set(everything)), len(everything))
        seen, kw = [], {"Limit": 2}
        while True:
            page = self.kms.list_keys(**kw)
            self.assertLessEqual(len(page["Keys"]), 2)
            for k in page["Keys"]:
                self.assertEqual(k, {"KeyId": k["KeyId"], "KeyArn": key_arn(k["KeyId"])})
            seen += [k["KeyId"] for k in page["Keys"]]
            if not page["Truncated"]:
                self.assertNotIn("NextMarker", page)
                break
            self.assertEqual(len(page["Keys"]), 2)
            kw["Marker"] = page["NextMarker"]
        self.assertEqual(sorted(seen), sorted(everything))

    def test_list_keys_limit_validation(self):
        self.assertApiError(
            "ValidationException",
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
            self.loose.list_keys, Limit=0)

    def test_update_key_description(self):
        md = self.create_key(Description="old")
        self.kms.update_key_description(KeyId=md["Arn"], Description="new description")
        self.assertEqual(self.describe(md["KeyId"])["Description"], "new description")

    def test_disable_enable(self):
        md = self.create_key()
        for _ in range(2):  # both are idempotent
            self.kms.disable_key(KeyId=md["KeyId"])
            got = self.describe(md["KeyId"])
            self.assertEqual((got["KeyState"], got["Enabled"]), ("Disabled", False))
        for _ in range(2):
            self.kms.enable_key(KeyId=md["Arn"])
            got = self.describe(md["KeyId"])
            self.assertEqual((got["KeyState"], got["Enabled"]), ("Enabled", True))

    def test_disabled_key_refuses_crypto(self):
        md = self.create_key()
        other = self.create_key()
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        other_blob = self.kms.encrypt(KeyId=other["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.kms.disable_key(KeyId=md["KeyId"])
        msg = f"{md['Arn']} is disabled."
        calls = {
            "Encrypt": lambda: self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x"),
            "Decrypt": lambda: self.kms.decrypt(CiphertextBlob=blob),
            "GenerateDataKey": lambda: self.kms.generate_data_key(KeyId=md["KeyId"],
                                                                  KeySpec="AES_256"),
            "GenerateDataKeyWithoutPlaintext": lambda: self.kms.generate_data_key_without_plaintext(
                KeyId=md["KeyId"], KeySpec="AES_256"),
            "ReEncrypt(source)": lambda: self.kms.re_encrypt(CiphertextBlob=blob,
                                                             DestinationKeyId=other["KeyId"]),
            "ReEncrypt(destination)": lambda: self.kms.re_encrypt(CiphertextBlob=other_blob,
                                                                  DestinationKeyId=md["KeyId"]),
        }
        for name, fn in calls.items():
            with self.subTest(op=name):
                self.assertApiError("DisabledException", msg, fn)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Disabled")

    def test_schedule_and_cancel_deletion(self):
        md = self.create_key()
        alias = self.create_alias(md["KeyId"])
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        before = datetime.datetime.now(datetime.timezone.utc)
        r = self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.assertEqual(r["KeyId"], md["Arn"])
        self.assertEqual(r["KeyState"], "PendingDeletion")
        self.assertEqual(r["PendingWindowInDays"], 7)
        delta = (r["DeletionDate"] - before).total_seconds()
        self.assertGreaterEqual(delta, 7 * 86400 - 60)
        self.assertLessEqual(delta, 8 * 86400)
        got = self.describe(alias)  # DescribeKey works in every state, through aliases too
        self.assertEqual((got["KeyState"], got["Enabled"]), ("PendingDeletion", False))
        self.assertEqual(got["DeletionDate"], r["DeletionDate"])

        pending = f"{md['Arn']} is pending deletion."
        for name, fn in {
            "Encrypt": lambda: self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x"),
            "Decrypt": lambda: self.kms.decrypt(CiphertextBlob=blob),
            "GenerateDataKey": lambda: self.kms.generate_data_key(KeyId=alias, KeySpec="AES_128"),
            "ScheduleKeyDeletion": lambda: self.kms.schedule_key_deletion(KeyId=md["KeyId"]),
            "EnableKey": lambda: self.kms.enable_key(KeyId=md["KeyId"]),
            "DisableKey": lambda: self.kms.disable_key(KeyId=md["KeyId"]),
        }.items():
            with self.subTest(op=name):
                self.assertApiError("KMSInvalidStateException", pending, fn)
        with self.subTest(op="CreateAlias"):
            self.assertApiError("KMSInvalidStateException", pending, self.kms.create_alias,
                                AliasName="alias/e2e-pending-" + md["KeyId"][:8],
                                TargetKeyId=md["KeyId"])

        r = self.kms.cancel_key_deletion(KeyId=md["KeyId"])
        self.assertEqual(r, {"KeyId": md["Arn"], "ResponseMetadata": r["ResponseMetadata"]})
        got = self.describe(md["KeyId"])
        self.assertEqual((got["KeyState"], got["Enabled"]), ("Disabled", False))
        self.assertNotIn("DeletionDate", got)
        self.kms.enable_key(KeyId=md["KeyId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")

    def test_schedule_deletion_default_window(self):
        md = self.create_key()
        r = self.kms.schedule_key_deletion(KeyId=md["Arn"])
        self.assertEqual(r["PendingWindowInDays"], 30)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "PendingDeletion")

    def test_schedule_deletion_disabled_key(self):
        md = self.create_key()
        self.kms.disable_key(KeyId=md["KeyId"])
        r = self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=30)
        self.assertEqual(r["KeyState"], "PendingDeletion")

    def test_schedule_deletion_window_bounds(self):
        md = self.create_key()
        for days in (6, 31):
            with self.subTest(days=days):
                self.assertApiError("ValidationException", None, self.kms.schedule_key_deletion,
                                    KeyId=md["KeyId"], PendingWindowInDays=days)
        self.assertApiError(
            "ValidationException",
            "1 validation error detected: Value '366' at 'pendingWindowInDays' failed to satisfy "
            "constraint: Member must have value less than or equal to 365",
            self.loose.schedule_key_deletion, KeyId=md["KeyId"], PendingWindowInDays=366)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")

    def test_cancel_deletion_of_key_not_pending(self):
        md = self.create_key()
        msg = f"{md['Arn']} is not pending deletion."
        self.assertApiError("KMSInvalidStateException", msg, self.kms.cancel_key_deletion,
                            KeyId=md["KeyId"])
        self.kms.disable_key(KeyId=md["KeyId"])
        self.assertApiError("KMSInvalidStateException", msg, self.kms.cancel_key_deletion,
                            KeyId=md["KeyId"])

    def test_operations_on_missing_key(self):
        missing = str(uuid.uuid4())
        msg = f"Key '{key_arn(missing)}' does not exist"
        for name, fn in {
            "Encrypt": lambda: self.kms.encrypt(KeyId=missing, Plaintext=b"x"),
            "EnableKey": lambda: self.kms.enable_key(KeyId=missing),
            "DisableKey": lambda: self.kms.disable_key(KeyId=missing),
            "UpdateKeyDescription": lambda: self.kms.update_key_description(KeyId=missing,
                                                                            Description="d"),
            "ScheduleKeyDeletion": lambda: self.kms.schedule_key_deletion(KeyId=missing),
            "CancelKeyDeletion": lambda: self.kms.cancel_key_deletion(KeyId=missing),
        }.items():
            with self.subTest(op=name):
                self.assertApiError("NotFoundException", msg, fn)

    def test_management_ops_reject_aliases(self):
        # Reference 2.4: management operations accept only a key ID or key ARN.
        md = self.create_key()
        alias = self.create_alias(md["KeyId"])
        for ident in (alias, alias_arn(alias)):
            msg = f"Invalid keyId '{ident}'"
            for name, fn in {
                "EnableKey": lambda: self.kms.enable_key(KeyId=ident),
                "DisableKey": lambda: self.kms.disable_key(KeyId=ident),
                "ScheduleKeyDeletion": lambda: self.kms.schedule_key_deletion(KeyId=ident),
                "CreateAlias": lambda: self.kms.create_alias(AliasName=alias + "-2",
                                                             TargetKeyId=ident),
            }.items():
                with self.subTest(op=name, key_id=ident):
                    self.assertApiError("NotFoundException", msg, fn)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")

    def test_cli(self):
        res = self.srv.cli("create-key", "--description", "from the cli")
        self.assertEqual(res.rc, 0, res.stderr)
        md = res.json["KeyMetadata"]
        self.assertEqual(md["Arn"], key_arn(md["KeyId"]))
        self.assertEqual((md["Description"], md["KeyState"]), ("from the cli", "Enabled"))
        res = self.srv.cli("describe-key", "--key-id", md["Arn"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["KeyMetadata"]["KeyId"], md["KeyId"])
        res = self.srv.cli("list-keys")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertIn({"KeyId": md["KeyId"], "KeyArn": md["Arn"]}, res.json["Keys"])
        missing = str(uuid.uuid4())
        res = self.srv.cli("describe-key", "--key-id", missing)
        self.assertCliError(res, "NotFoundException", "DescribeKey",
                            f"Key '{key_arn(missing)}' does not exist")
        res = self.srv.cli("disable-key", "--key-id", md["KeyId"])
        self.assertEqual((res.rc, res.stdout.strip()), (0, ""), res.stderr)
        res = self.srv.cli("encrypt", "--key-id", md["KeyId"], "--plaintext",
                           "fileb://" + self.srv.file(b"secret"))
        self.assertCliError(res, "DisabledException", "Encrypt", f"{md['Arn']} is disabled.")

