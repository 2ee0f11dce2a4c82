"""Input an attacker on loopback would send: nesting far past any real request, bytes
that are not UTF-8, lone surrogates, huge encryption contexts, SigV4 scopes naming no
real Region or another day. Each gets an AWS-shaped 4xx, changes nothing, and the server
keeps serving; what is valid but unusual (a NUL in a description, 20,000 context pairs)
works through boto3."""
import base64
import datetime
import json
import re

import ddb_case
import harness

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

NESTING = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested "
           "levels beyond supported limit")
PLAINTEXT = base64.b64encode(b"hi").decode()


def nested_value(leaf_level):
    """An AttributeValue whose leaf sits at `leaf_level` (the value itself is level 1)."""
    value = {"S": "leaf"}
    for level in range(leaf_level - 1, 0, -1):
        value = {"M": {"n": value}} if level % 2 else {"L": [value]}
    return value


class HostileInputTest(ddb_case.DdbCase):
    srv = SRV

    @classmethod
    def setUpClass(cls):
        cls.key = cls.srv.client().create_key(Description="untouched")["KeyMetadata"]

    def assertStillServing(self):
        self.assertEqual(self.kms.describe_key(KeyId=self.key["KeyId"])["KeyMetadata"]
                         ["Description"], "untouched")

    def assertSerializationError(self, r):
        self.assertEqual(r.status, 400, r.data[:300])
        self.assertEqual(harness.error_type(r.body), "SerializationException", r.body)

    # --- nesting ---------------------------------------------------------------------
    def test_kms_member_nested_80000_deep(self):
        body = (b'{"KeyId": "' + self.key["KeyId"].encode() + b'", "Plaintext": "' +
                PLAINTEXT.encode() + b'", "EncryptionContext": ' + b"[" * 80000 +
                b"]" * 80000 + b"}")
        r = self.srv.raw("Encrypt", body)
        self.assertSerializationError(r)
        self.assertIn("deeper than 128 levels", r.body["message"])
        self.assertStillServing()

    def test_kms_body_nested_260000_deep(self):
        r = self.srv.raw("CreateKey", b"[" * 260000)
        self.assertSerializationError(r)
        keys = sorted(self.all_key_ids())
        self.assertStillServing()
        self.assertEqual(sorted(self.all_key_ids()), keys)

    def test_admin_clock_nested_deep(self):
        before = self.srv.clock()["offsetSeconds"]
        # Within the admin paths' 64 KiB body limit: the JSON check refuses it.
        r = self.srv.admin_request("POST", "/_kmslab/clock", b"[" * 60000)
        self.assertEqual(r.status, 400, r.data[:300])
        self.assertEqual(r.body["__type"], "ValidationException")
        # Past it: refused before it is read.
        r = self.srv.admin_request("POST", "/_kmslab/clock", b"[" * 260000)
        self.assertEqual(r.status, 413, r.data[:300])
        self.assertEqual(self.srv.clock()["offsetSeconds"], before)
        self.assertStillServing()

    def test_dynamodb_item_nested_45000_deep(self):
        name = self.create_table()["TableName"]
        deep = '{"pk": {"S": "deep"}, "a": ' + '{"L": [' * 45000 + '{"S": "x"}' + "]}" * 45000 + "}"
        r = self.srv.ddb_raw(harness.ADMIN, "PutItem", '{"TableName": "%s", "Item": %s}' % (name, deep))
        self.assertSerializationError(r)
        self.assertIsNone(self.get(name, "deep"))
        self.assertStillServing()

    def test_dynamodb_nesting_limit_is_32_levels(self):
        name = self.create_table()["TableName"]
        self.put(name, "ok", a=nested_value(32))
        self.assertEqual(self.get(name, "ok")["a"], nested_value(32))
        for leaf_level in (33, 40):
            with self.subTest(leaf_level=leaf_level):
                self.assertDdbError("ValidationException", NESTING, self.ddb.put_item, TableName=name,
                                    Item={"pk": {"S": "deep"}, "a": nested_value(leaf_level)})
        self.assertIsNone(self.get(name, "deep"))

    # --- encoding --------------------------------------------------------------------
    def test_invalid_utf8_is_refused_and_nothing_stored(self):
        keys = sorted(self.all_key_ids())
        for bad in (b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"):
            with self.subTest(bytes=bad):
                r = self.srv.raw("CreateKey", b'{"Description": "x' + bad + b'"}')
                self.assertSerializationError(r)
                r = self.srv.raw("Encrypt", b'{"KeyId": "' + self.key["KeyId"].encode() +
                                 b'", "Plaintext": "' + PLAINTEXT.encode() +
                                 b'", "EncryptionContext": {"k' + bad + b'": "v"}}')
                self.assertSerializationError(r)
        for escape in (b"\\ud800", b"\\udc00", b"\\ud83d\\u0041"):
            with self.subTest(escape=escape):
                r = self.srv.raw("CreateKey", b'{"Description": "x' + escape + b'"}')
                self.assertSerializationError(r)
        self.assertEqual(sorted(self.all_key_ids()), keys)
        # Every description still decodes in boto3.
        for key_id in keys:
            self.kms.describe_key(KeyId=key_id)

    def test_invalid_utf8_in_a_dynamodb_item(self):
        name = self.create_table()["TableName"]
        r = self.srv.ddb_raw(harness.ADMIN, "PutItem",
                             b'{"TableName": "' + name.encode() +
                             b'", "Item": {"pk": {"S": "bad"}, "a": {"S": "\xfe"}}}')
        self.assertSerializationError(r)
        self.assertIsNone(self.get(name, "bad"))

    def test_nul_and_non_ascii_round_trip(self):
        text = "nul\x00 caf\u00e9 \U0001f511"
        key = self.kms.create_key(Description=text)["KeyMetadata"]
        self.assertEqual(self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"], text)
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p",
                                EncryptionContext={text: text})["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={text: text})
                         ["Plaintext"], b"p")
        with self.assertRaises(self.kms.exceptions.InvalidCiphertextException):
            self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"nul": text})
        name = self.create_table()["TableName"]
        self.put(name, text, a={"S": text})
        self.assertEqual(self.get(name, text)["a"], {"S": text})

    def test_repeated_member_names_keep_the_last(self):
        # JSON leaves repeated names open; AWS reads objects into maps, so the last wins,
        # in every nested map, and what is stored has each name once.
        name = self.create_table()["TableName"]
        r = self.srv.ddb_raw(harness.ADMIN, "PutItem", (
            '{"TableName": "%s", "Item": {"pk": {"S": "dup"}, "a": {"S": "first"}, "a": {"N": "2"}, '
            '"m": {"M": {"x": {"S": "1"}, "y": {"S": "y"}, "x": {"BOOL": true}}}}}' % name))
        self.assertEqual(r.status, 200, r.data[:300])
        self.assertEqual(self.get(name, "dup"), {"pk": {"S": "dup"}, "a": {"N": "2"},
                                                 "m": {"M": {"x": {"BOOL": True}, "y": {"S": "y"}}}})
        r = self.srv.raw("Encrypt", (
            '{"KeyId": "%s", "Plaintext": "%s", "EncryptionContext": {"k": "first", "k": "last"}}'
            % (self.key["KeyId"], PLAINTEXT)).encode())
        self.assertEqual(r.status, 200, r.data[:300])
        blob = base64.b64decode(r.body["CiphertextBlob"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "last"})
                         ["Plaintext"], b"hi")
        with self.assertRaises(self.kms.exceptions.InvalidCiphertextException):
            self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "first"})

    def test_error_messages_stay_utf8(self):
        r = self.srv.raw("No\xffSuch".encode("latin-1").decode("latin-1"), b"{}")
        self.assertTrue(400 <= r.status < 500, r.data[:300])
        r.data.decode("utf-8")  # raises if not UTF-8

    # --- large contexts and constraints ----------------------------------------------
    def test_20000_context_pairs_and_grant_constraints(self):
        context = {f"k{i:05d}": f"v{i}" for i in range(20000)}
        blob = self.kms.encrypt(KeyId=self.key["KeyId"], Plaintext=b"p",
                                EncryptionContext=context)["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
                         ["Plaintext"], b"p")
        grant = self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=harness.user_arn("app"),
                                      Operations=["Decrypt"],
                                      Constraints={"EncryptionContextEquals": context})
        listed = [g for g in self.kms.list_grants(KeyId=self.key["KeyId"])["Grants"]
                  if g["GrantId"] == grant["GrantId"]]
        self.assertEqual(listed[0]["Constraints"]["EncryptionContextEquals"], context)
        self.kms.revoke_grant(KeyId=self.key["KeyId"], GrantId=grant["GrantId"])

    # --- SigV4 scopes ----------------------------------------------------------------
    def test_region_that_is_no_region(self):
        keys = sorted(self.all_key_ids())
        for region in ("a:b", "r" * 300, "local", "US-EAST-1"):
            with self.subTest(region=region[:20]):
                r = self.srv.raw_as(harness.ADMIN, "CreateKey", {}, region=region)
                self.assertEqual(r.status, 400, r.data[:300])
                self.assertEqual(harness.error_type(r.body), "InvalidSignatureException")
                self.assertEqual(r.body["message"],
                                 f"Credential should be scoped to a valid region, not '{region}'. ")
        self.assertEqual(sorted(self.all_key_ids()), keys)
        # Other real Region names work, each its own key space.
        r = self.srv.raw_as(harness.ADMIN, "ListKeys", {}, region="ap-southeast-2")
        self.assertEqual(r.status, 200, r.data[:300])

    def test_scope_date_must_be_the_request_date(self):
        url = self.srv.url + "/"
        body = b"{}"
        headers = harness.sign(url, body, {"Content-Type": "application/x-amz-json-1.1",
                                           "X-Amz-Target": "TrentService.ListKeys"},
                               harness.ADMIN, "kms")
        amz_date = headers["X-Amz-Date"]
        other_day = (datetime.datetime.strptime(amz_date[:8], "%Y%m%d") -
                     datetime.timedelta(days=1)).strftime("%Y%m%d")
        headers["Authorization"] = re.sub(r"/\d{8}/", f"/{other_day}/", headers["Authorization"])
        r = harness.send(url, body, headers)
        self.assertEqual(r.status, 400, r.data[:300])
        self.assertEqual(harness.error_type(r.body), "InvalidSignatureException")
        self.assertEqual(r.body["message"],
                         "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                         f"date from HTTP: '{other_day}' != '{amz_date[:8]}', from '{amz_date}'.")


if __name__ == "__main__":
    import unittest
    unittest.main()
