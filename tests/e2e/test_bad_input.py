"""Malformed input over raw signed requests: every bad request gets a 4xx JSON error with
a __type, carries x-amzn-RequestId, and changes nothing."""
import base64
import re

import harness

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

REQUEST_ID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                           r"[0-9a-fA-F]{12}$")
PLAINTEXT = base64.b64encode(b"hi").decode()


class BadInputTest(harness.KmsTestCase):
    srv = SRV

    @classmethod
    def setUpClass(cls):
        cls.key = cls.srv.client().create_key(Description="untouched")["KeyMetadata"]

    def assertRejected(self, target, body, code=None):
        """The request gets a 4xx JSON error (of type `code` if given) with a request id."""
        r = self.srv.raw(target, body)
        self.assertTrue(400 <= r.status < 500, (r.status, r.data[:300]))
        self.assertNotIn("html", r.headers.get("Content-Type", "").lower())
        self.assertIsInstance(r.body, dict, r.data[:300])
        self.assertIsInstance(r.body.get("__type"), str, r.body)
        self.assertTrue(r.body["__type"], r.body)
        if code is not None:
            self.assertEqual(harness.error_type(r.body), code, r.body)
        self.assertRegex(r.headers.get("x-amzn-RequestId", ""), REQUEST_ID_RE)
        return r

    def assertRejectedUnchanged(self, target, bodies, code=None):
        keys = sorted(self.all_key_ids())
        aliases = self.all_aliases()
        for body in bodies:
            with self.subTest(target=target, body=body if len(body) < 200 else body[:60]):
                self.assertRejected(target, body, code)
        self.assertEqual(sorted(self.all_key_ids()), keys)
        self.assertEqual(self.all_aliases(), aliases)
        md = self.describe(self.key["KeyId"])
        self.assertEqual((md["Description"], md["KeyState"]), ("untouched", "Enabled"))
        self.assertEqual(self.kms.list_resource_tags(KeyId=self.key["KeyId"])["Tags"], [])

    def test_not_json(self):
        self.assertRejectedUnchanged("CreateKey", [b"not json", b"{", b'{"Description": "x"',
                                                   b"\xff\xfe\x00", b"{'Description': 'x'}"])

    def test_not_an_object(self):
        self.assertRejectedUnchanged("CreateKey", [b"[]", b'[{"Description": "x"}]', b'"str"',
                                                   b"42", b"true"])

    def test_wrong_member_types(self):
        kid = self.key["KeyId"]
        self.assertRejectedUnchanged("CreateKey", [
            b'{"Description": 5}', b'{"Description": ["x"]}', b'{"Tags": {"TagKey": "a"}}',
            b'{"Tags": [{"TagKey": 1, "TagValue": "v"}]}', b'{"Tags": ["a"]}',
            b'{"MultiRegion": "yes"}', b'{"KeyUsage": 3}', b'{"Description": null, "Tags": 1}'])
        self.assertRejectedUnchanged("UpdateKeyDescription", [
            f'{{"KeyId": "{kid}", "Description": 5}}'.encode(),
            f'{{"KeyId": 5, "Description": "changed"}}'.encode()])
        self.assertRejectedUnchanged("TagResource", [
            f'{{"KeyId": "{kid}", "Tags": {{"TagKey": "a", "TagValue": "b"}}}}'.encode(),
            f'{{"KeyId": "{kid}", "Tags": [{{"TagKey": "a", "TagValue": 7}}]}}'.encode()])
        self.assertRejectedUnchanged("CreateAlias", [
            f'{{"AliasName": ["alias/e2e-bad"], "TargetKeyId": "{kid}"}}'.encode(),
            b'{"AliasName": "alias/e2e-bad", "TargetKeyId": 12}'])
        for body in ({"KeyId": kid, "Plaintext": 12}, {"KeyId": kid, "Plaintext": "not base64!!"},
                     {"KeyId": kid, "Plaintext": PLAINTEXT, "EncryptionContext": ["a"]},
                     {"KeyId": kid, "Plaintext": PLAINTEXT, "EncryptionContext": {"a": 1}}):
            with self.subTest(body=body):
                self.assertRejected("Encrypt", body)
        for body in ({"NumberOfBytes": "32"}, {"NumberOfBytes": 1.5}, {"NumberOfBytes": True}):
            with self.subTest(body=body):
                self.assertRejected("GenerateRandom", body)

    def test_missing_required_members(self):
        kid = self.key["KeyId"]
        self.assertRejectedUnchanged("CreateAlias", [b'{"AliasName": "alias/e2e-missing"}',
                                                     f'{{"TargetKeyId": "{kid}"}}'.encode()],
                                     "ValidationException")
        self.assertRejectedUnchanged("TagResource", [
            f'{{"KeyId": "{kid}"}}'.encode(), b'{"Tags": [{"TagKey": "a", "TagValue": "b"}]}'],
                                     "ValidationException")
        self.assertRejectedUnchanged("UpdateKeyDescription", [f'{{"KeyId": "{kid}"}}'.encode()],
                                     "ValidationException")
        for body in ({"KeyId": kid}, {"Plaintext": PLAINTEXT}, {}):
            with self.subTest(body=body):
                self.assertRejected("Encrypt", body, "ValidationException")
        self.assertRejected("Decrypt", {}, "ValidationException")
        self.assertRejected("DescribeKey", {}, "ValidationException")

    def test_unknown_members(self):
        kid = self.key["KeyId"]
        self.assertRejectedUnchanged("CreateKey", [
            b'{"Bogus": 1}', b'{"description": "lower case"}',
            b'{"Description": "x", "Tags": [{"TagKey": "a", "TagValue": "b", "Extra": 1}]}'])
        self.assertRejectedUnchanged("UpdateKeyDescription", [
            f'{{"KeyId": "{kid}", "Description": "changed", "Bogus": true}}'.encode()])
        self.assertRejected("Encrypt", {"KeyId": kid, "Plaintext": PLAINTEXT, "Bogus": "x"})

    def test_oversized_values(self):
        long_description = "d" * 8193
        self.assertRejectedUnchanged("CreateKey", [
            f'{{"Description": "{long_description}"}}'.encode()], "ValidationException")
        r = self.srv.raw("CreateKey", {"Description": long_description})
        self.assertRawError(r, "ValidationException",
                            f"1 validation error detected: Value '{long_description}' at "
                            "'description' failed to satisfy constraint: Member must have length "
                            "less than or equal to 8192")

    def test_oversized_body(self):
        big = b'{"Description": "' + b"x" * (600 * 1024) + b'"}'
        self.assertRejectedUnchanged("CreateKey", [big])
        self.assertRejected("Encrypt", b'{"KeyId": "' + self.key["KeyId"].encode() +
                            b'", "Plaintext": "' + base64.b64encode(b"p" * 450 * 1024) + b'"}')
        self.assertEqual(self.kms.generate_random(NumberOfBytes=4)["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)

    def test_unknown_target(self):
        for target in ("TrentService.NoSuchOperation", "TrentService.", "NoSuchService.Encrypt",
                       None):
            with self.subTest(target=target):
                self.assertRejected(target, b"{}")

    def test_request_id_header(self):
        ok = self.srv.raw("ListKeys", {})
        self.assertEqual(ok.status, 200, ok.data[:300])
        ok2 = self.srv.raw("ListKeys", {})
        ids = [r.headers.get("x-amzn-RequestId", "") for r in (ok, ok2)]
        for rid in ids:
            self.assertRegex(rid, REQUEST_ID_RE)
        self.assertNotEqual(ids[0], ids[1])
        err = self.assertRejected("DescribeKey", {"KeyId": "fake-key-id"}, "NotFoundException")
        self.assertEqual(err.body.get("message"), "Invalid keyId 'fake-key-id'")
        self.assertEqual(err.status, 400)

    def test_wire_format(self):
        r = self.srv.raw("DescribeKey", {"KeyId": self.key["KeyId"]})
        self.assertEqual(r.status, 200, r.data[:300])
        self.assertEqual(r.headers.get("Content-Type", "").split(";")[0].strip(),
                         "application/x-amz-json-1.1")
        md = r.body["KeyMetadata"]
        self.assertIsInstance(md["CreationDate"], (int, float))
        self.assertNotIsInstance(md["CreationDate"], bool)
        self.assertIs(md["Enabled"], True)
        r = self.srv.raw("Encrypt", {"KeyId": self.key["KeyId"], "Plaintext": PLAINTEXT})
        blob = r.body["CiphertextBlob"]
        self.assertEqual(base64.b64encode(base64.b64decode(blob, validate=True)).decode(), blob)
        r = self.srv.raw("Decrypt", {"CiphertextBlob": blob})
        self.assertEqual((r.body["Plaintext"], r.body["KeyId"]), (PLAINTEXT, self.key["Arn"]))

    def test_void_operation_body(self):
        r = self.srv.raw("EnableKey", {"KeyId": self.key["KeyId"]})
        self.assertEqual(r.status, 200, r.data[:300])
        self.assertIn(r.body, (None, {}))
