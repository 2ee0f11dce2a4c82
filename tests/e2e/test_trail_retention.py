"""Trail retention (`kmslab serve --trail-retention`) and the data directory's file modes.

With a tiny size (2MB: 1 MB for the JSONL files, 1 MB for trail.db) the trail rotates
trail.jsonl into trail.jsonl.1 .. .4, never keeps a fifth, and prunes trail.db, whose file
shrinks back, while the newest events stay queryable. With a tiny age (3s) events older than
that leave trail.db. Every file the server creates in DATA is mode 0600 and DATA 0700.
"""
import json
import os
import stat
import time
import unittest

import botocore.exceptions

import harness

JSONL_SHARE = 1024 * 1024  # half of 2MB
PAGE = 64 * 1024           # trail.db's page size


def trail_request_ids(data_dir):
    r = harness.kmslab("trail", "--data", data_dir, "--json", "--limit", "100000")
    assert r.returncode == 0, r.stderr
    return [json.loads(line)["requestID"] for line in r.stdout.splitlines() if line.strip()]


class OwnServerCase(harness.KmsTestCase):
    """A server of the class's own, started with `args`."""
    args = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=cls.args)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()


class SizeRetentionTest(OwnServerCase):
    args = ("--trail-retention", "2MB")

    def test_rotates_and_prunes_to_the_size(self):
        key = self.create_key()["KeyId"]
        # Large encryption contexts make large events (~8 KB each): 900 of them are ~7 MB per copy.
        context = {f"k{i}": os.urandom(350).hex() for i in range(10)}
        ids = []
        for _ in range(900):
            r = self.kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext=context)
            ids.append(r["ResponseMetadata"]["RequestId"])
        time.sleep(2.5)  # the writer applies the retention once a second
        self.kms.encrypt(KeyId=key, Plaintext=b"x")  # wakes the writer after the pause
        time.sleep(1.5)
        data = self.srv.data_dir
        names = sorted(os.listdir(data))
        rotated = [n for n in names if n.startswith("trail.jsonl.")]
        self.assertEqual(rotated, [f"trail.jsonl.{n}" for n in range(1, 5)], names)
        total = sum(os.path.getsize(os.path.join(data, n)) for n in names
                    if n.startswith("trail.jsonl"))
        self.assertLessEqual(total, JSONL_SHARE + 600 * 1024)  # plus at most one batch
        self.assertLessEqual(os.path.getsize(os.path.join(data, "trail.db")),
                             JSONL_SHARE + 8 * PAGE, "trail.db was not pruned and shrunk")
        kept = trail_request_ids(data)
        self.assertIn(ids[-1], kept)
        self.assertNotIn(ids[0], kept)
        self.assertLess(len(kept), 300)
        with open(os.path.join(data, "trail.jsonl.4"), encoding="utf-8") as f:
            oldest_kept = json.loads(f.readline())["requestID"]
        self.assertGreater(ids.index(oldest_kept), 0)


class AgeRetentionTest(OwnServerCase):
    args = ("--trail-retention", "3s")

    def test_events_older_than_the_age_go(self):
        old = self.kms.generate_random(NumberOfBytes=8)["ResponseMetadata"]["RequestId"]
        time.sleep(0.5)
        self.assertIn(old, trail_request_ids(self.srv.data_dir))
        time.sleep(4.5)
        new = self.kms.generate_random(NumberOfBytes=8)["ResponseMetadata"]["RequestId"]
        time.sleep(1.5)
        kept = trail_request_ids(self.srv.data_dir)
        self.assertIn(new, kept)
        self.assertNotIn(old, kept)


class RetentionFlagTest(unittest.TestCase):
    def test_bad_values_are_refused(self):
        for bad in ("7w", "512", "1MB,2MB", "10KB"):
            with self.subTest(value=bad):
                r = harness.kmslab("serve", "--port", "0", "--data", "/nonexistent/x",
                                   "--trail-retention", bad, timeout=10)
                self.assertEqual(r.returncode, 2)  # a usage error: nothing started
                self.assertIn("--trail-retention", r.stderr)


class FileModesTest(OwnServerCase):

    def test_every_data_file_is_private(self):
        key = self.create_key()
        self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
        with self.assertRaises(botocore.exceptions.ClientError):  # writes denials.jsonl
            self.as_("db-lead").describe_key(KeyId=key["Arn"])
        ddb = self.srv.ddb()
        ddb.create_table(TableName="modes", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        ddb.put_item(TableName="modes", Item={"pk": {"S": "a"}})
        ddb.create_backup(TableName="modes", BackupName="modes-backup")
        time.sleep(0.3)  # the trail's writer
        data = self.srv.data_dir
        names = set(os.listdir(data))
        for expected in ("root.key", "kmslab.db", "kmslab.db-wal", "kmslab.db-shm", "trail.db",
                         "trail.db-wal", "trail.db-shm", "trail.jsonl", "denials.jsonl"):
            self.assertIn(expected, names)
        self.assertEqual(stat.S_IMODE(os.stat(data).st_mode), 0o700)
        for root, dirs, files in os.walk(data):
            for d in dirs:
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode), 0o700, d)
            for f in files:
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, f)).st_mode), 0o600, f)
