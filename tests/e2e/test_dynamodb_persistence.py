"""DynamoDB shim, persistence: tables (owned key, AWS managed key, CMK), their items, grants
and backups survive a SIGTERM restart and a kill -9; the table keys cached in memory do not,
so a KMS table needs KMS again after a restart; and no item value is ever written to the data
directory in plaintext (every file is searched, including the SQLite -wal file, while the
server runs and after it stopped).
"""
import base64
import os

import harness
from ddb_case import DdbCase, key_disabled, new_name, sse_kms


class PersistenceCase(DdbCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def drop_connections(self):
        """Close the cached clients' keep-alive connections, so that a graceful stop does
        not wait for them to time out."""
        for client in self.srv._clients.values():
            if hasattr(client, "close"):
                client.close()

    def restart(self):
        self.drop_connections()
        self.srv.restart()

    def files_containing(self, needles):
        """(path, needle) for every file under the data directory containing a needle."""
        hits = []
        for root, _, files in os.walk(self.srv.data_dir):
            for f in files:
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    data = fh.read()
                hits += [(os.path.relpath(path, self.srv.data_dir), n) for n in needles if n in data]
        return hits


class SurvivesRestartTest(PersistenceCase):

    def test_tables_items_grants_and_backups_survive(self):
        key = self.create_key()
        tables = {"owned": None, "managed": {"Enabled": True}, "cmk": sse_kms(key["KeyId"])}
        names, ids, sses = {}, {}, {}
        for kind, sse in tables.items():
            name = new_name(kind)
            desc = self.create_table(name, sse=sse, range_type="N")
            names[kind], ids[kind], sses[kind] = name, desc["TableId"], desc.get("SSEDescription")
            for i in range(3):
                self.ddb.put_item(TableName=name, Item={
                    "pk": {"S": "p"}, "sk": {"N": str(i)}, "b": {"B": bytes([i, 255])},
                    "m": {"M": {"l": {"L": [{"S": kind}, {"N": str(i)}]}}}})
        backup = self.ddb.create_backup(TableName=names["cmk"], BackupName="before-restart")
        backup_arn = backup["BackupDetails"]["BackupArn"]
        grants_before = sorted(g["GrantId"] for g in self.grants(key["KeyId"]))
        self.assertEqual(len(grants_before), 1)

        for how, restart in (("SIGTERM", self.restart), ("kill -9", self.srv.kill9_restart)):
            with self.subTest(restart=how):
                restart()
                listed = self.ddb.list_tables()["TableNames"]
                for kind, name in names.items():
                    self.assertIn(name, listed)
                    table = self.table(name)
                    self.assertEqual(table["TableStatus"], "ACTIVE")
                    self.assertEqual(table["TableId"], ids[kind])
                    self.assertEqual(table.get("SSEDescription"), sses[kind])
                    r = self.ddb.query(TableName=name, KeyConditionExpression="pk = :p",
                                       ExpressionAttributeValues={":p": {"S": "p"}})
                    self.assertEqual([i["sk"]["N"] for i in r["Items"]], ["0", "1", "2"])
                    self.assertEqual(r["Items"][2]["b"]["B"], bytes([2, 255]))
                    self.assertEqual(r["Items"][1]["m"], {"M": {"l": {"L": [{"S": kind},
                                                                            {"N": "1"}]}}})
                self.assertEqual(sorted(g["GrantId"] for g in self.grants(key["KeyId"])),
                                 grants_before)
                desc = self.ddb.describe_backup(BackupArn=backup_arn)["BackupDescription"]
                self.assertEqual(desc["BackupDetails"]["BackupStatus"], "AVAILABLE")
                self.assertEqual(desc["SourceTableFeatureDetails"]["SSEDescription"], sses["cmk"])
        # A write after the restarts, and a restore of the old backup.
        target = new_name("restored")
        self.ddb.restore_table_from_backup(TargetTableName=target, BackupArn=backup_arn)
        self.wait_status(target, "ACTIVE")
        self.assertEqual(self.ddb.scan(TableName=target)["Count"], 3)

    def test_kms_table_needs_kms_after_restart(self):
        key = self.create_key()
        name = new_name("cmk")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        self.put(name, "a", v={"S": "x"})
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "v": {"S": "x"}})  # cached
        self.restart()
        # The cache died with the process: the very next read asks KMS.
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.get_item,
                            TableName=name, Key={"pk": {"S": "a"}})
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(self.get(name, "a"), {"pk": {"S": "a"}, "v": {"S": "x"}})
        # An owned-key table never needed KMS.
        owned = new_name("owned")
        self.create_table(owned)
        self.put(owned, "a", v={"S": "y"})
        self.restart()
        self.assertEqual(self.get(owned, "a"), {"pk": {"S": "a"}, "v": {"S": "y"}})


class NoPlaintextOnDiskTest(PersistenceCase):

    def test_item_values_are_encrypted_at_rest(self):
        key = self.create_key()
        marker = "Zebra-Quokka-" + os.urandom(6).hex()
        blob = b"\x00BinaryMarker-" + os.urandom(6).hex().encode()
        needles = [marker.encode(), blob, base64.b64encode(blob), marker.encode("utf-16-le")]
        names = []
        for kind, sse in (("owned", None), ("managed", {"Enabled": True}),
                          ("cmk", sse_kms(key["KeyId"]))):
            name = new_name(kind)
            names.append(name)
            self.create_table(name, sse=sse)
            self.ddb.put_item(TableName=name, Item={
                "pk": {"S": f"{marker}-key-{kind}"}, "s": {"S": f"{marker}-value"},
                "b": {"B": blob}, "ss": {"SS": [marker + "-set"]},
                "m": {"M": {"inner": {"S": marker}}}})
            self.ddb.create_backup(TableName=name, BackupName=f"{kind}-backup")
        # Deleted and overwritten values must not linger either.
        self.ddb.put_item(TableName=names[0], Item={"pk": {"S": "tmp"}, "s": {"S": marker + "-old"}})
        self.ddb.put_item(TableName=names[0], Item={"pk": {"S": "tmp"}, "s": {"S": "new"}})
        for name in names:  # the items really are there
            got = self.ddb.scan(TableName=name, FilterExpression="contains(s, :m)",
                                ExpressionAttributeValues={":m": {"S": marker}})
            self.assertEqual(got["Count"], 1, name)
        data_files = [f for _, _, fs in os.walk(self.srv.data_dir) for f in fs]
        self.assertTrue(data_files)
        self.assertEqual(self.files_containing(needles), [], "running server")
        self.drop_connections()
        self.srv.stop()
        self.assertEqual(self.files_containing(needles), [], "after SIGTERM")
        self.srv.start()
        self.assertEqual(self.get(names[2], f"{marker}-key-cmk")["s"], {"S": f"{marker}-value"})
