"""Durability: state and ciphertexts survive a clean restart and a kill -9."""
import base64
import os
import signal
import stat

import harness

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown


class PersistenceTest(harness.KmsTestCase):
    srv = SRV

    def test_restart_keeps_keys_and_ciphertexts(self):
        main = self.create_key(Description="survivor", Tags=[{"TagKey": "t", "TagValue": "v"}])
        alias = self.create_alias(main["KeyId"])
        self.kms.enable_key_rotation(KeyId=main["KeyId"])
        blob = self.kms.encrypt(KeyId=alias, Plaintext=b"before restart",
                                EncryptionContext={"c": "1"})["CiphertextBlob"]
        self.call("RotateKeyOnDemand", KeyId=main["KeyId"])
        rotated_blob = self.kms.encrypt(KeyId=main["KeyId"], Plaintext=b"rotated")["CiphertextBlob"]
        data_key = self.kms.generate_data_key(KeyId=main["KeyId"], KeySpec="AES_256")
        disabled = self.create_key()
        self.kms.disable_key(KeyId=disabled["KeyId"])
        doomed = self.create_key()
        deletion = self.kms.schedule_key_deletion(KeyId=doomed["KeyId"],
                                                  PendingWindowInDays=9)["DeletionDate"]
        keys = sorted(self.all_key_ids())

        self.assertEqual(self.srv.restart(), 0)

        self.assertEqual(sorted(self.all_key_ids()), keys)
        dec = self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"c": "1"})
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"before restart", main["Arn"]))
        self.assertEqual(self.kms.decrypt(CiphertextBlob=rotated_blob)["Plaintext"], b"rotated")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"],
                         data_key["Plaintext"])
        self.assertApiError("InvalidCiphertextException", "", self.kms.decrypt,
                            CiphertextBlob=blob, EncryptionContext={"c": "2"})
        md = self.describe(alias)
        fields = ("KeyId", "Arn", "Description", "CreationDate", "KeyState", "KeyUsage", "KeySpec")
        self.assertEqual({k: md[k] for k in fields}, {k: main[k] for k in fields})
        self.assertEqual(self.kms.list_resource_tags(KeyId=main["KeyId"])["Tags"],
                         [{"TagKey": "t", "TagValue": "v"}])
        self.assertIs(self.kms.get_key_rotation_status(KeyId=main["KeyId"])["KeyRotationEnabled"],
                      True)
        self.assertEqual(len(self.call("ListKeyRotations", KeyId=main["KeyId"])["Rotations"]), 1)
        self.assertEqual(self.describe(disabled["KeyId"])["KeyState"], "Disabled")
        got = self.describe(doomed["KeyId"])
        self.assertEqual((got["KeyState"], got["DeletionDate"]), ("PendingDeletion", deletion))

    def test_kill9_keeps_acknowledged_writes(self):
        md = self.create_key(Description="acknowledged")
        alias = self.create_alias(md["KeyId"])
        blob = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"kill -9")["CiphertextBlob"]
        last = self.create_key(Description="last write")
        self.srv.kill9_restart()
        self.assertEqual(self.describe(alias)["Arn"], md["Arn"])
        self.assertEqual(self.describe(last["KeyId"])["Description"], "last write")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"kill -9")
        self.assertEqual(self.kms.encrypt(KeyId=last["KeyId"], Plaintext=b"x")["KeyId"],
                         last["Arn"])

    def test_sigint_stops_cleanly(self):
        md = self.create_key()
        self.assertEqual(self.srv.restart(signal.SIGINT), 0)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")

    def test_root_key_file(self):
        path = os.path.join(self.srv.data_dir, "root.key")
        self.assertTrue(os.path.isfile(path), os.listdir(self.srv.data_dir))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_cli_across_restart(self):
        md = self.create_key()
        res = self.srv.cli("encrypt", "--key-id", md["Arn"], "--plaintext",
                           "fileb://" + self.srv.file(b"cli persisted"))
        self.assertEqual(res.rc, 0, res.stderr)
        blob_file = "fileb://" + self.srv.file(base64.b64decode(res.json["CiphertextBlob"]))
        self.assertEqual(self.srv.restart(), 0)
        res = self.srv.cli("decrypt", "--ciphertext-blob", blob_file)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual((base64.b64decode(res.json["Plaintext"]), res.json["KeyId"]),
                         (b"cli persisted", md["Arn"]))
        res = self.srv.cli("decrypt", "--ciphertext-blob", blob_file, "--encryption-context",
                           "x=y")
        self.assertCliError(res, "InvalidCiphertextException", "Decrypt", "")
