"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases, and aliases as key ids."""
import json
import os
import uuid

import harness
from harness import alias_arn, key_arn, user_arn

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

PREFIX_MSG = ('Alias must start with the prefix "alias/". Please see '
              "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")


def new_name():
    return "alias/e2e-" + os.urandom(6).hex()


class AliasesTest(harness.KmsTestCase):
    srv = SRV

    def alias_names(self, **kw):
        return sorted(a["AliasName"] for a in self.all_aliases(**kw))

    def test_create_list_delete(self):
        md = self.create_key()
        name = new_name()
        r = self.kms.create_alias(AliasName=name, TargetKeyId=md["Arn"])
        self.assertEqual(set(r) - {"ResponseMetadata"}, set())
        for filt in (md["KeyId"], md["Arn"]):
            with self.subTest(key_id=filt):
                entries = self.kms.list_aliases(KeyId=filt)
                self.assertIs(entries["Truncated"], False)
                self.assertEqual(len(entries["Aliases"]), 1)
                entry = entries["Aliases"][0]
                self.assertEqual((entry["AliasName"], entry["AliasArn"], entry["TargetKeyId"]),
                                 (name, alias_arn(name), md["KeyId"]))
                self.assertRecent(entry["CreationDate"])
        self.assertIn(name, self.alias_names())

        self.kms.delete_alias(AliasName=name)
        self.assertEqual(self.kms.list_aliases(KeyId=md["KeyId"])["Aliases"], [])
        self.assertNotIn(name, self.alias_names())
        not_found = f"Alias {alias_arn(name)} is not found."
        self.assertApiError("NotFoundException", not_found, self.kms.describe_key, KeyId=name)
        self.assertApiError("NotFoundException", not_found, self.kms.delete_alias, AliasName=name)
        self.assertEqual(self.describe(md["KeyId"])["KeyState"], "Enabled")

    def test_alias_as_key_id_in_crypto(self):
        md = self.create_key()
        name = self.create_alias(md["KeyId"])
        for ident in (name, alias_arn(name)):
            with self.subTest(ident=ident):
                enc = self.kms.encrypt(KeyId=ident, Plaintext=b"via alias")
                self.assertEqual(enc["KeyId"], md["Arn"])
                dec = self.kms.decrypt(CiphertextBlob=enc["CiphertextBlob"], KeyId=ident)
                self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"via alias", md["Arn"]))
                gdk = self.kms.generate_data_key(KeyId=ident, KeySpec="AES_256")
                self.assertEqual(gdk["KeyId"], md["Arn"])
        missing = new_name()
        self.assertApiError("NotFoundException", f"Alias {alias_arn(missing)} is not found.",
                            self.kms.encrypt, KeyId=missing, Plaintext=b"x")

    def test_update_alias(self):
        first, second = self.create_key(), self.create_key()
        name = self.create_alias(first["KeyId"])
        self.kms.update_alias(AliasName=name, TargetKeyId=second["KeyId"])
        self.assertEqual(self.describe(name)["Arn"], second["Arn"])
        self.assertEqual(self.kms.list_aliases(KeyId=first["KeyId"])["Aliases"], [])
        entries = self.kms.list_aliases(KeyId=second["KeyId"])["Aliases"]
        self.assertEqual([(e["AliasName"], e["TargetKeyId"]) for e in entries],
                         [(name, second["KeyId"])])
        self.assertEqual(self.kms.encrypt(KeyId=name, Plaintext=b"x")["KeyId"], second["Arn"])

    def test_update_alias_errors(self):
        md = self.create_key()
        name = self.create_alias(md["KeyId"])
        missing_alias = new_name()
        self.assertApiError("NotFoundException", f"Alias {alias_arn(missing_alias)} is not found.",
                            self.kms.update_alias, AliasName=missing_alias,
                            TargetKeyId=md["KeyId"])
        missing_key = str(uuid.uuid4())
        self.assertApiError("NotFoundException", f"Key '{key_arn(missing_key)}' does not exist",
                            self.kms.update_alias, AliasName=name, TargetKeyId=missing_key)
        self.assertEqual(self.describe(name)["Arn"], md["Arn"])

    def test_prefix_required(self):
        md = self.create_key()
        bare = "e2e-" + os.urandom(6).hex()
        self.assertApiError("ValidationException", PREFIX_MSG, self.kms.create_alias,
                            AliasName=bare, TargetKeyId=md["KeyId"])
        self.assertNotIn(bare, self.alias_names())
        self.assertEqual(self.kms.list_aliases(KeyId=md["KeyId"])["Aliases"], [])

    def test_invalid_characters(self):
        md = self.create_key()
        self.assertApiError("ValidationException", None, self.loose.create_alias,
                            AliasName="alias/bad name!", TargetKeyId=md["KeyId"])
        self.assertEqual(self.kms.list_aliases(KeyId=md["KeyId"])["Aliases"], [])

    def test_reserved_aws_prefix(self):
        # Reference §2.4: rejected; the code is NotAuthorizedException (moto's, [I]).
        md = self.create_key()
        name = "alias/aws/e2e-" + os.urandom(6).hex()
        self.assertApiError("NotAuthorizedException", None, self.kms.create_alias,
                            AliasName=name, TargetKeyId=md["KeyId"])
        self.assertNotIn(name, self.alias_names())

    def test_already_exists(self):
        first, second = self.create_key(), self.create_key()
        name = self.create_alias(first["KeyId"])
        self.assertApiError("AlreadyExistsException",
                            f"An alias with the name {alias_arn(name)} already exists",
                            self.kms.create_alias, AliasName=name, TargetKeyId=second["KeyId"])
        self.assertEqual(self.describe(name)["Arn"], first["Arn"])

    def test_missing_target_key(self):
        missing = str(uuid.uuid4())
        name = new_name()
        self.assertApiError("NotFoundException", f"Key '{key_arn(missing)}' does not exist",
                            self.kms.create_alias, AliasName=name, TargetKeyId=missing)
        self.assertNotIn(name, self.alias_names())

    def test_several_aliases_and_paging(self):
        md = self.create_key()
        names = sorted(self.create_alias(md["KeyId"]) for _ in range(3))
        first = self.kms.list_aliases(KeyId=md["KeyId"], Limit=2)
        self.assertEqual((len(first["Aliases"]), first["Truncated"]), (2, True))
        rest = self.kms.list_aliases(KeyId=md["KeyId"], Limit=2, Marker=first["NextMarker"])
        self.assertEqual((len(rest["Aliases"]), rest["Truncated"]), (1, False))
        self.assertNotIn("NextMarker", rest)
        self.assertEqual(sorted(a["AliasName"] for a in first["Aliases"] + rest["Aliases"]), names)
        for name in names:
            self.assertEqual(self.describe(name)["KeyId"], md["KeyId"])

    def test_cli(self):
        md = self.create_key()
        name = new_name()
        res = self.srv.cli("create-alias", "--alias-name", name, "--target-key-id", md["KeyId"])
        self.assertEqual((res.rc, res.stdout.strip()), (0, ""), res.stderr)
        res = self.srv.cli("list-aliases", "--key-id", md["KeyId"])
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual([(a["AliasName"], a["AliasArn"], a["TargetKeyId"])
                          for a in res.json["Aliases"]], [(name, alias_arn(name), md["KeyId"])])
        res = self.srv.cli("create-alias", "--alias-name", name, "--target-key-id", md["KeyId"])
        self.assertCliError(res, "AlreadyExistsException", "CreateAlias",
                            f"An alias with the name {alias_arn(name)} already exists")
        res = self.srv.cli("create-alias", "--alias-name", "no-prefix", "--target-key-id",
                           md["KeyId"])
        self.assertCliError(res, "ValidationException", "CreateAlias", PREFIX_MSG)
        res = self.srv.cli("delete-alias", "--alias-name", name)
        self.assertEqual(res.rc, 0, res.stderr)
        res = self.srv.cli("describe-key", "--key-id", name)
        self.assertCliError(res, "NotFoundException", "DescribeKey",
                            f"Alias {alias_arn(name)} is not found.")


# The aliases AWS predefines for its services' AWS managed keys (src/kms/aws_managed_keys.h).
PREDEFINED = ["alias/aws/acm", "alias/aws/dynamodb", "alias/aws/ebs", "alias/aws/elasticfilesystem",
              "alias/aws/es", "alias/aws/glue", "alias/aws/kinesisvideo", "alias/aws/lambda",
              "alias/aws/rds", "alias/aws/redshift", "alias/aws/s3", "alias/aws/secretsmanager",
              "alias/aws/ssm", "alias/aws/xray"]


class PredefinedAliasesTest(harness.OwnServer, harness.KmsTestCase):
    """ListAliases lists AWS's predefined alias/aws/* aliases, without TargetKeyId until
    their AWS managed key exists (its own server, so no managed key exists at first)."""

    def test_1_listed_without_target_before_any_managed_key(self):
        customer = self.create_key()
        mine = [self.create_alias(customer["KeyId"]) for _ in range(3)]
        aliases = self.all_aliases()
        names = [a["AliasName"] for a in aliases]
        self.assertEqual(names, sorted(names))
        self.assertEqual(sorted(names), sorted(PREDEFINED + mine))
        for a in aliases:
            if a["AliasName"] in PREDEFINED:
                self.assertEqual(a, {"AliasName": a["AliasName"], "AliasArn": alias_arn(a["AliasName"])})
            else:
                self.assertEqual(a["TargetKeyId"], customer["KeyId"])
        # Pages of every size walk the same list once.
        for limit in (1, 5, 17):
            with self.subTest(limit=limit):
                self.assertEqual([a["AliasName"] for a in self.all_aliases_paged(limit)], names)
        # A KeyId filter lists only aliases of that key.
        self.assertEqual(sorted(a["AliasName"] for a in
                                self.kms.list_aliases(KeyId=customer["KeyId"])["Aliases"]), sorted(mine))
        # The aws CLI (which pages through NextMarker itself) sees them too.
        res = self.srv.cli("list-aliases")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual([a["AliasName"] for a in res.json["Aliases"]], names)

    def test_2_managed_key_alias_shows_its_target(self):
        self.srv.ddb().create_table(
            TableName="managed", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            SSESpecification={"Enabled": True, "SSEType": "KMS"})
        entries = [a for a in self.all_aliases() if a["AliasName"] == "alias/aws/dynamodb"]
        self.assertEqual(len(entries), 1, entries)
        target = entries[0].get("TargetKeyId")
        self.assertIsNotNone(target, entries)
        self.assertEqual(self.describe("alias/aws/dynamodb")["KeyManager"], "AWS")
        self.assertEqual(self.describe("alias/aws/dynamodb")["KeyId"], target)
        others = [a for a in self.all_aliases() if a["AliasName"] in PREDEFINED[2:]]
        self.assertTrue(all("TargetKeyId" not in a for a in others), others)

    def test_3_describe_key_on_a_predefined_alias_creates_its_managed_key(self):
        # AWS: DescribeKey on a predefined alias creates the AWS managed key and
        # associates the alias with it (services do this on first use).
        md = self.describe("alias/aws/s3")
        self.assertEqual((md["KeyManager"], md["KeyState"], md["Origin"], md["KeySpec"]),
                         ("AWS", "Enabled", "AWS_KMS", "SYMMETRIC_DEFAULT"))
        self.assertEqual(md["Description"],
                         "Default key that protects my S3 objects when no other key is defined")
        # Once only, whichever form names it.
        self.assertEqual(self.describe(alias_arn("alias/aws/s3"))["KeyId"], md["KeyId"])
        (entry,) = [a for a in self.all_aliases() if a["AliasName"] == "alias/aws/s3"]
        self.assertEqual(entry["TargetKeyId"], md["KeyId"])
        self.assertEqual(self.kms.list_keys()["Keys"].count({"KeyId": md["KeyId"], "KeyArn": md["Arn"]}), 1)
        self.assertIs(self.kms.get_key_rotation_status(KeyId=md["KeyId"])["KeyRotationEnabled"], True)
        # Its policy lets the account use it only through S3.
        policy = json.loads(self.kms.get_key_policy(KeyId=md["KeyId"], PolicyName="default")["Policy"])
        use = policy["Statement"][0]
        self.assertEqual(use["Condition"]["StringEquals"],
                         {"kms:CallerAccount": harness.ACCOUNT,
                          "kms:ViaService": f"s3.{harness.REGION}.amazonaws.com"})
        self.assertAccessDenied(self.kms.encrypt, user_arn("admin"), "kms:Encrypt", md["Arn"],
                                "no-resource", KeyId="alias/aws/s3", Plaintext=b"x")

    def test_4_every_predefined_alias_and_the_cli(self):
        # Secrets Manager's policy gives two statements one Sid, as AWS's does; the key still works.
        md = self.describe(alias_arn("alias/aws/secretsmanager"))
        policy = json.loads(self.kms.get_key_policy(KeyId=md["KeyId"], PolicyName="default")["Policy"])
        self.assertEqual(policy["Statement"][0]["Sid"], policy["Statement"][1]["Sid"])
        res = self.srv.cli("describe-key", "--key-id", "alias/aws/ssm")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json["KeyMetadata"]["KeyManager"], "AWS")
        for name in PREDEFINED:
            with self.subTest(alias=name):
                self.assertEqual(self.describe(name)["KeyManager"], "AWS")
        targets = {a["AliasName"]: a.get("TargetKeyId") for a in self.all_aliases()}
        self.assertTrue(all(targets[name] for name in PREDEFINED), targets)
        self.assertEqual(len({targets[name] for name in PREDEFINED}), len(PREDEFINED))

    def test_5_no_managed_key_in_another_account(self):
        # The partner cannot create one in this account by naming its alias ARN...
        partner = self.as_(f"root@{harness.PARTNER}")
        foreign = f"arn:aws:kms:{harness.REGION}:{harness.PARTNER}:alias/aws/rds"
        with self.assertRaises(self.kms.exceptions.NotFoundException):
            self.kms.describe_key(KeyId=foreign)
        # ...and names its own account's alias to create its own.
        own = partner.describe_key(KeyId=foreign)["KeyMetadata"]
        self.assertEqual((own["AWSAccountId"], own["KeyManager"]), (harness.PARTNER, "AWS"))
        self.assertNotEqual(own["KeyId"], self.describe("alias/aws/rds")["KeyId"])

    def all_aliases_paged(self, limit):
        out, kw = [], {"Limit": limit}
        while True:
            r = self.kms.list_aliases(**kw)
            self.assertLessEqual(len(r["Aliases"]), limit)
            out += r["Aliases"]
            if not r["Truncated"]:
                return out
            kw["Marker"] = r["NextMarker"]
