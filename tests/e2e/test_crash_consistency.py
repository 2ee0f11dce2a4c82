"""Crash consistency: kill -9 at random moments under concurrent writers, on one data directory.

Several threads, each with its own boto3 clients, create keys (with three tags and their own
key policy), aliases, ciphertexts (Encrypt), grants, DynamoDB tables (owned key and customer
managed key) and DynamoDB items (PutItem, DeleteItem), recording each mutation once it is
acknowledged. At a random moment the server gets SIGKILL; it restarts on the same data
directory, and then:

- every acknowledged mutation is there: keys describe, aliases resolve to their key,
  ciphertexts decrypt to their plaintext under their context, grants are listed, items read
  back equal and deleted items stay deleted. A write that was in flight at the kill (sent,
  never answered) may have happened or not: either outcome is accepted, nothing else;
- nothing is half-made: every customer key has its own policy and all three of its tags (the
  writers never create a key otherwise), and every table that exists is ACTIVE, takes a write
  and reads it back (a customer managed key table also has its KMS grant).

Writers also run DynamoDB transactions (TransactWriteItems): each puts three fresh items
across both tables (owned key and customer managed key) and adds 1 to its writer's counter
item. After the restart no transaction is half-applied: an acknowledged one is whole, one in
flight at the kill is whole or absent, and each writer's counter equals the number of its
transactions present (read back with TransactGetItems).

The audit trail is written in batches by a background thread, so a kill -9 may lose the
events of the requests acknowledged in the last moments (audit/trail.h states the bound).
Each round counts the acknowledged KMS requests whose event is missing from trail.db after the
kill and prints it; the test fails only if a lost event was acknowledged more than 2 s before
the kill (far beyond the bound).

Bounded: ROUNDS rounds of a few seconds of load each (about 60 s in all).
"""
import base64
import json
import os
import random
import sqlite3
import threading
import time
import unittest

import boto3
import botocore.config
import botocore.exceptions

import harness

ROUNDS = 5
WRITERS = 6
LOAD_SECONDS = (2.0, 5.0)  # the kill comes at a random moment in this window
TAGS = 3
LOST_EVENT_AGE_LIMIT = 2.0  # seconds; far beyond the trail's bound (~50 ms + one batch)

SRV = harness.Server()


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.shutdown()


def clients(url):
    session = boto3.session.Session(aws_access_key_id=harness.ACCESS_KEY,
                                    aws_secret_access_key=harness.SECRET_KEY,
                                    region_name=harness.REGION)
    cfg = botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=5,
                                 read_timeout=30)
    return (session.client("kms", endpoint_url=url, config=cfg),
            session.client("dynamodb", endpoint_url=url, config=cfg))


def key_policy(marker):
    """A key policy of its own (the marker names the key's creator), allowing the account."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": marker, "Effect": "Allow",
        "Principal": {"AWS": harness.root_arn()}, "Action": "kms:*", "Resource": "*"}]}


def create_table(ddb, name, key_id=None):
    kw = {}
    if key_id:
        kw["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_id}
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **kw)


class Ledger:
    """What the writers were told happened (acknowledged), and what may have happened
    (in flight at the kill). Writers own disjoint item keys; the lists are appended under
    the lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {}          # key id -> (marker, tags)
        self.aliases = {}       # alias name -> key id
        self.ciphertexts = []   # (blob, plaintext, context)
        self.grants = []        # (key id, grant id)
        self.tables = {}        # table name -> key id or None (owned key)
        self.items = {}         # (table, pk) -> item dict, or None when deleted
        self.maybe_items = {}   # (table, pk) -> the in-flight write's outcome (item or None)
        # transaction id -> (writer, [(table, pk)], True acknowledged or found whole /
        # None in flight / False found absent)
        self.txs = {}
        self.acked = []         # (request id, monotonic time) of acknowledged KMS requests
        self.whole_keys = set()  # keys already found whole after a restart
        self.grants_checked = 0  # grants[:grants_checked] were found after a restart

    def ack(self, response):
        with self.lock:
            self.acked.append((response["ResponseMetadata"]["RequestId"], time.monotonic()))


class Writer(threading.Thread):
    def __init__(self, n, url, ledger, base_tables, stop, killing):
        super().__init__(daemon=True)
        self.n, self.ledger, self.base_tables, self.stop = n, ledger, base_tables, stop
        self.killing = killing  # set just before the kill: from then on, failing to connect is expected
        self.kms, self.ddb = clients(url)
        self.rng = random.Random(os.urandom(8))
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.step()
        except botocore.exceptions.HTTPClientError:
            return  # the kill: the in-flight write is recorded as a maybe
        except botocore.exceptions.EndpointConnectionError as e:
            if not self.killing.is_set():  # a request started after the kill finds no server
                self.error = e
        except Exception as e:  # noqa: BLE001  (reported by the test)
            if not self.stop.is_set():
                self.error = e

    def some_key(self):
        with self.ledger.lock:
            keys = list(self.ledger.keys)
        return self.rng.choice(keys) if keys else None

    def step(self):
        L, rng = self.ledger, self.rng
        op = rng.choices(["key", "alias", "encrypt", "grant", "put", "delete", "table", "transact"],
                         [2, 2, 4, 2, 8, 3, 0.3, 4])[0]
        key_id = self.some_key()
        if op == "key" or key_id is None:
            marker = f"w{self.n}r{rng.getrandbits(48):x}"
            tags = [{"TagKey": f"t{i}", "TagValue": f"{marker}-{i}"} for i in range(TAGS)]
            r = self.kms.create_key(Policy=json.dumps(key_policy(marker)), Tags=tags,
                                    Description=marker)
            L.ack(r)
            with L.lock:
                L.keys[r["KeyMetadata"]["KeyId"]] = (marker, tags)
        elif op == "alias":
            name = f"alias/crash-{self.n}-{rng.getrandbits(48):x}"
            r = self.kms.create_alias(AliasName=name, TargetKeyId=key_id)
            L.ack(r)
            with L.lock:
                L.aliases[name] = key_id
        elif op == "encrypt":
            plaintext = os.urandom(rng.randint(1, 64))
            context = {"writer": str(self.n), "n": f"{rng.getrandbits(32)}"}
            r = self.kms.encrypt(KeyId=key_id, Plaintext=plaintext, EncryptionContext=context)
            L.ack(r)
            with L.lock:
                L.ciphertexts.append((r["CiphertextBlob"], plaintext, context))
        elif op == "grant":
            r = self.kms.create_grant(KeyId=key_id, Operations=["Decrypt", "Encrypt"],
                                      GranteePrincipal=harness.user_arn(f"grantee{self.n}"))
            L.ack(r)
            with L.lock:
                L.grants.append((key_id, r["GrantId"]))
        elif op == "transact":
            self.transact()
        elif op == "table":
            name = f"crash-{self.n}-{rng.getrandbits(32):x}"
            cmk = key_id if rng.random() < 0.5 else None
            create_table(self.ddb, name, cmk)
            with L.lock:
                L.tables[name] = cmk
        else:
            table = rng.choice(self.base_tables)
            pk = f"w{self.n}-{rng.randrange(40)}"
            if op == "put":
                item = {"pk": {"S": pk}, "v": {"S": os.urandom(8).hex()},
                        "b": {"B": os.urandom(rng.randint(1, 32))}}
                with L.lock:
                    L.maybe_items[(table, pk)] = item
                self.ddb.put_item(TableName=table, Item=item)
                outcome = item
            else:
                with L.lock:
                    L.maybe_items[(table, pk)] = None
                self.ddb.delete_item(TableName=table, Key={"pk": {"S": pk}})
                outcome = None
            with L.lock:
                L.items[(table, pk)] = outcome
                del L.maybe_items[(table, pk)]


    def transact(self):
        """Three fresh items across both tables and the writer's counter, all or nothing."""
        L = self.ledger
        txid = f"w{self.n}-{self.rng.getrandbits(48):x}"
        keys = [(self.base_tables[0], f"tx-{txid}-0"), (self.base_tables[1], f"tx-{txid}-1"),
                (self.base_tables[1], f"tx-{txid}-2")]
        actions = [{"Put": {"TableName": t, "Item": {"pk": {"S": pk}, "tx": {"S": txid},
                                                      "b": {"B": os.urandom(16)}}}} for t, pk in keys]
        actions.append({"Update": {"TableName": self.base_tables[0], "Key": {"pk": {"S": counter_pk(self.n)}},
                                   "UpdateExpression": "ADD n :one",
                                   "ExpressionAttributeValues": {":one": {"N": "1"}}}})
        with L.lock:
            L.txs[txid] = (self.n, keys, None)
        self.ddb.transact_write_items(TransactItems=actions)
        with L.lock:
            L.txs[txid] = (self.n, keys, True)


def counter_pk(writer):
    return f"counter-w{writer}"


class CrashConsistencyTest(harness.KmsTestCase):
    srv = SRV

    def test_kill9_under_concurrent_writers(self):
        ledger = Ledger()
        kms, ddb = clients(self.srv.url)
        cmk = kms.create_key(Description="crash tables")["KeyMetadata"]["KeyId"]
        base_tables = ["crash-owned", "crash-cmk"]
        create_table(ddb, "crash-owned")
        create_table(ddb, "crash-cmk", cmk)
        ledger.tables.update({"crash-owned": None, "crash-cmk": cmk})
        losses = []
        for rnd in range(ROUNDS):
            stop, killing = threading.Event(), threading.Event()
            writers = [Writer(n, self.srv.url, ledger, base_tables, stop, killing) for n in range(WRITERS)]
            started = len(ledger.acked)
            for w in writers:
                w.start()
            time.sleep(random.uniform(*LOAD_SECONDS))
            killing.set()
            self.srv.kill()
            killed_at = time.monotonic()
            stop.set()
            for w in writers:
                w.join(30)
                self.assertFalse(w.is_alive(), "a writer hung after the kill")
                self.assertIsNone(w.error, f"writer {w.n} failed before the kill: {w.error!r}")
            losses.append(self.trail_loss(ledger.acked[started:], killed_at))
            self.srv.start()
            with self.subTest(round=rnd):
                self.verify(ledger)
        print(f"\n  trail events lost per kill -9 (acknowledged KMS requests absent from "
              f"trail.db): {[n for n, _, _ in losses]}; acknowledged per round: "
              f"{[a for _, a, _ in losses]}; oldest lost ack before the kill (ms): "
              f"{[round(age * 1000) for _, _, age in losses]}", flush=True)
        states = [state for _, _, state in ledger.txs.values()]
        print(f"  transactions: {states.count(True)} whole, {states.count(False)} never applied "
              "(in flight at a kill)", flush=True)
        self.assertGreater(states.count(True), 0, "no transaction ran")
        for lost, _, oldest in losses:
            self.assertLessEqual(oldest, LOST_EVENT_AGE_LIMIT,
                                 f"{lost} trail events lost, one acknowledged {oldest:.3f}s "
                                 "before the kill")

    def trail_loss(self, acked, killed_at):
        """(events lost, requests acknowledged, age at the kill of the oldest lost one)."""
        db = sqlite3.connect(os.path.join(self.srv.data_dir, "trail.db"))
        try:
            ids = {row[0] for row in db.execute("SELECT request_id FROM audit_events")}
        finally:
            db.close()
        lost = [t for rid, t in acked if rid not in ids]
        return len(lost), len(acked), (killed_at - min(lost)) if lost else 0.0

    def verify(self, L):
        kms, ddb = clients(self.srv.url)
        # Keys: every acknowledged one describes; every customer key is whole.
        listed, kw = [], {"Limit": 1000}
        while True:
            r = kms.list_keys(**kw)
            listed += [k["KeyId"] for k in r["Keys"]]
            if not r.get("Truncated"):
                break
            kw["Marker"] = r["NextMarker"]
        self.assertLessEqual(set(L.keys), set(listed), "acknowledged keys are missing")
        for key_id in set(listed) - L.whole_keys:
            md = kms.describe_key(KeyId=key_id)["KeyMetadata"]
            if md["KeyManager"] != "CUSTOMER" or md.get("Description") == "crash tables":
                continue
            marker = md["Description"]
            policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
            self.assertEqual(policy, key_policy(marker), f"key {key_id} lacks its policy")
            tags = kms.list_resource_tags(KeyId=key_id)["Tags"]
            expected = [{"TagKey": f"t{i}", "TagValue": f"{marker}-{i}"} for i in range(TAGS)]
            self.assertEqual(sorted(tags, key=lambda t: t["TagKey"]), expected,
                             f"key {key_id} is half-made")
            if key_id in L.keys:
                self.assertEqual(L.keys[key_id][0], marker)
            L.whole_keys.add(key_id)  # keys never change after creation here
        # Aliases resolve to their key.
        aliases, kw = {}, {"Limit": 100}
        while True:
            r = kms.list_aliases(**kw)
            aliases.update({a["AliasName"]: a.get("TargetKeyId") for a in r["Aliases"]})
            if not r.get("Truncated"):
                break
            kw["Marker"] = r["NextMarker"]
        for name, key_id in L.aliases.items():
            self.assertEqual(aliases.get(name), key_id, f"alias {name} lost")
        # Ciphertexts decrypt to their plaintext under their context (a sample when many).
        sample = L.ciphertexts if len(L.ciphertexts) <= 300 else random.sample(L.ciphertexts, 300)
        for blob, plaintext, context in sample:
            self.assertEqual(kms.decrypt(CiphertextBlob=blob,
                                         EncryptionContext=context)["Plaintext"], plaintext)
        # Grants are listed on their key.
        by_key = {}
        for key_id, grant_id in L.grants[L.grants_checked:]:
            by_key.setdefault(key_id, set()).add(grant_id)
        for key_id, grant_ids in by_key.items():
            found, kw = set(), {"Limit": 100}
            while True:
                r = kms.list_grants(KeyId=key_id, **kw)
                found |= {g["GrantId"] for g in r["Grants"]}
                if not r.get("Truncated"):
                    break
                kw["Marker"] = r["NextMarker"]
            self.assertLessEqual(grant_ids, found, f"grants lost on {key_id}")
        L.grants_checked = len(L.grants)
        # Tables: acknowledged ones exist; every one that exists works.
        names, kw = [], {}
        while True:
            r = ddb.list_tables(**kw)
            names += r["TableNames"]
            if "LastEvaluatedTableName" not in r:
                break
            kw["ExclusiveStartTableName"] = r["LastEvaluatedTableName"]
        self.assertLessEqual(set(L.tables), set(names), "acknowledged tables are missing")
        for name in names:
            t = ddb.describe_table(TableName=name)["Table"]
            self.assertEqual(t["TableStatus"], "ACTIVE", name)
            probe = {"pk": {"S": "probe"}, "v": {"S": name}}
            ddb.put_item(TableName=name, Item=probe)
            self.assertEqual(ddb.get_item(TableName=name, Key={"pk": {"S": "probe"}},
                                          ConsistentRead=True).get("Item"), probe)
            sse = t.get("SSEDescription", {})
            if sse.get("SSEType") == "KMS" and name in L.tables:
                self.assertEqual(sse.get("KMSMasterKeyArn"), harness.key_arn(L.tables[name]))
                grants = kms.list_grants(KeyId=L.tables[name], Limit=100)["Grants"]
                self.assertTrue(any(g.get("Constraints", {}).get("EncryptionContextSubset", {})
                                    .get("aws:dynamodb:tableName") == name for g in grants),
                                f"table {name} has no grant on its key")
        # Items read back equal; deletes stay deleted; in-flight writes either happened or not.
        for (table, pk), item in list(L.items.items()) + list(L.maybe_items.items()):
            got = ddb.get_item(TableName=table, Key={"pk": {"S": pk}},
                               ConsistentRead=True).get("Item")
            allowed = [L.items.get((table, pk), None)]
            if (table, pk) in L.maybe_items:
                allowed.append(L.maybe_items[(table, pk)])
            self.assertIn(got, allowed, f"item {table}/{pk}")
            L.items[(table, pk)] = got  # the in-flight write is settled now
        L.maybe_items.clear()
        self.verify_transactions(L, ddb)

    def verify_transactions(self, L, ddb):
        """No transaction half-applied; each writer's counter counts its whole transactions."""
        whole = {}
        for txid, (writer, keys, state) in list(L.txs.items()):
            if state is not False:
                r = ddb.transact_get_items(TransactItems=[
                    {"Get": {"TableName": t, "Key": {"pk": {"S": pk}}}} for t, pk in keys])
                present = ["Item" in got and got["Item"]["tx"] == {"S": txid} for got in r["Responses"]]
                self.assertIn(present, [[True] * len(keys), [False] * len(keys)],
                              f"transaction {txid} is half-applied")
                if state:
                    self.assertTrue(present[0], f"acknowledged transaction {txid} is lost")
                state = present[0]
                L.txs[txid] = (writer, keys, state)  # an in-flight one is settled now
            whole[writer] = whole.get(writer, 0) + (1 if state else 0)
        for writer, count in whole.items():
            got = ddb.get_item(TableName="crash-owned", Key={"pk": {"S": counter_pk(writer)}},
                               ConsistentRead=True).get("Item")
            self.assertEqual(int(got["n"]["N"]) if got else 0, count,
                             f"writer {writer}'s counter disagrees with its whole transactions")


if __name__ == "__main__":
    unittest.main()
