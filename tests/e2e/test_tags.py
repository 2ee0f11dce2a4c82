"""Tags: TagResource, UntagResource, ListResourceTags, CreateKey Tags, and TagException."""
import uuid

import harness
from harness import key_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown


def tags(**kv):
    return [{"TagKey": k, "TagValue": v} for k, v in kv.items()]


def too_long(value, member, limit):
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must have length less than or equal to {limit}")


class TagsTest(harness.KmsTestCase):
    srv = SRV

    def listed(self, key_id):
        r = self.kms.list_resource_tags(KeyId=key_id)
        self.assertIs(r["Truncated"], False)
        return sorted(r["Tags"], key=lambda t: t["TagKey"])

    def test_tag_untag_existing_key(self):
        md = self.create_key()
        self.assertEqual(self.listed(md["KeyId"]), [])
        r = self.kms.tag_resource(KeyId=md["KeyId"], Tags=tags(tag1="value1", tag2="value2"))
        self.assertEqual(set(r) - {"ResponseMetadata"}, set())
        self.assertEqual(self.listed(md["Arn"]), tags(tag1="value1", tag2="value2"))
        self.kms.untag_resource(KeyId=md["Arn"], TagKeys=["tag1", "tag2"])
        self.assertEqual(self.listed(md["KeyId"]), [])

    def test_untag_partially_and_update(self):
        md = self.create_key(Tags=tags(tag1="value1", tag2="value2", tag3="value3"))
        self.kms.untag_resource(KeyId=md["KeyId"], TagKeys=["tag2", "absent"])
        self.assertEqual(self.listed(md["KeyId"]), tags(tag1="value1", tag3="value3"))
        self.kms.tag_resource(KeyId=md["KeyId"],
                              Tags=tags(tag4="value4", tag3="updated_value3", tag5=""))
        self.assertEqual(self.listed(md["KeyId"]),
                         tags(tag1="value1", tag3="updated_value3", tag4="value4", tag5=""))

    def test_reserved_prefix(self):
        md = self.create_key(Tags=tags(keep="me"))
        for key in ("aws:key1", "AWS:key1"):
            with self.subTest(key=key):
                self.assertApiError("TagException", "Tags beginning with aws: are reserved",
                                    self.kms.tag_resource, KeyId=md["KeyId"],
                                    Tags=[{"TagKey": key, "TagValue": "v"}])
                self.assertApiError("TagException", "Tags beginning with aws: are reserved",
                                    self.kms.create_key, Tags=[{"TagKey": key, "TagValue": "v"}])
        self.assertEqual(self.listed(md["KeyId"]), tags(keep="me"))

    def test_duplicate_keys(self):
        md = self.create_key()
        dup = [{"TagKey": "tag1", "TagValue": "value1"},
               {"TagKey": "tag1", "TagValue": "another-value1"}]
        self.assertApiError("TagException", "Duplicate tag keys", self.kms.tag_resource,
                            KeyId=md["KeyId"], Tags=dup)
        self.assertEqual(self.listed(md["KeyId"]), [])

    def test_too_many_tags(self):
        before = len(self.all_key_ids())
        many = tags(**{f"key{i}": f"value{i}" for i in range(51)})
        self.assertApiError("TagException", "Too many tags", self.kms.create_key, Tags=many)
        self.assertEqual(len(self.all_key_ids()), before)
        md = self.create_key(Tags=many[:50])
        self.assertEqual(len(self.listed(md["KeyId"])), 50)
        self.assertApiError("TagException", "Too many tags", self.kms.tag_resource,
                            KeyId=md["KeyId"], Tags=tags(one_more="x"))
        self.assertEqual(len(self.listed(md["KeyId"])), 50)

    def test_length_limits(self):
        md = self.create_key()
        long_key, long_value = "a" * 129, "v" * 257
        self.assertApiError("ValidationException", too_long(long_key, "tags.1.member.tagKey", 128),
                            self.loose.create_key, Tags=[{"TagKey": long_key, "TagValue": "v"}])
        self.assertApiError("ValidationException",
                            too_long(long_value, "tags.1.member.tagValue", 256),
                            self.loose.create_key,
                            Tags=[{"TagKey": "tag1", "TagValue": long_value}])
        self.assertApiError("ValidationException",
                            too_long(long_value, "tags.2.member.tagValue", 256),
                            self.loose.tag_resource, KeyId=md["KeyId"],
                            Tags=[{"TagKey": "ok", "TagValue": "v"},
                                  {"TagKey": "tag1", "TagValue": long_value}])
        self.assertEqual(self.listed(md["KeyId"]), [])
        self.kms.tag_resource(KeyId=md["KeyId"], Tags=tags(**{"k" * 128: "v" * 256}))
        self.assertEqual(self.listed(md["KeyId"]), tags(**{"k" * 128: "v" * 256}))

    def test_missing_key(self):
        missing = str(uuid.uuid4())
        msg = f"Key '{key_arn(missing)}' does not exist"
        self.assertApiError("NotFoundException", msg, self.kms.tag_resource, KeyId=missing,
                            Tags=tags(a="b"))
        self.assertApiError("NotFoundException", msg, self.kms.untag_resource, KeyId=missing,
                            TagKeys=["a"])
        self.assertApiError("NotFoundException", msg, self.kms.list_resource_tags, KeyId=missing)

    def test_cli(self):
        md = self.create_key()
        res = self.srv.cli("tag-resource", "--key-id", md["KeyId"], "--tags",
                           "TagKey=project,TagValue=kmslab")
        self.assertEqual((res.rc, res.stdout.strip()), (0, ""), res.stderr)
        res = self.srv.cli("list-resource-tags", "--key-id", md["Arn"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["Tags"], tags(project="kmslab"))
        res = self.srv.cli("tag-resource", "--key-id", md["KeyId"], "--tags",
                           "TagKey=aws:x,TagValue=y")
        self.assertCliError(res, "TagException", "TagResource",
                            "Tags beginning with aws: are reserved")
