"""The audit trail and the admin reset: every KMS call, direct or made by the DynamoDB
shim, is one CloudTrail-shaped event (in DATA/trail.jsonl, in SQLite, through
GET /_kmslab/trail and `kmslab trail`) with kmslab's decision and its explanation; no
secret is ever in it; POST /_kmslab/reset and POST /moto-api/reset empty all state.
"""
import base64
import json
import os
import time
import unittest

import botocore.exceptions

import harness

SECRET = b"trail-plaintext-marker-5d1e"


class TrailCase(unittest.TestCase):
    """A class-wide server (cls.srv, started by the subclass) and trail queries."""

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def trail(self, **query):
        path = "/_kmslab/trail?" + "&".join(f"{k}={v}" for k, v in query.items())
        r = self.srv.admin_request("GET", path)
        self.assertEqual(r.status, 200, r.data)
        return r.body["events"]


class TrailTest(TrailCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        cls.srv.start()
        cls.kms = cls.srv.client()
        cls.db_lead = harness.creds_of("db-lead")
        cls.key = cls.kms.create_key(Policy=json.dumps(harness.load_policy("dynamodb-cmk-db-lead")),
                                     BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
        cls.mine = cls.kms.create_key(Description="admin's")["KeyMetadata"]
        cls.blob = cls.kms.encrypt(KeyId=cls.mine["KeyId"], Plaintext=SECRET,
                                   EncryptionContext={"app": "trail"})["CiphertextBlob"]
        ddb = cls.srv.ddb(cls.db_lead)
        ddb.create_table(TableName="trailtable", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": cls.key["Arn"]})
        ddb.put_item(TableName="trailtable", Item={"pk": {"S": "a"}, "v": {"S": SECRET.decode()}})
        with self_raises_denied():
            cls.srv.client_as(cls.db_lead).describe_key(KeyId=cls.key["Arn"])


    def test_a_direct_call_is_one_event_with_cloudtrail_fields(self):
        events = self.trail(eventName="Encrypt")
        self.assertEqual(len(events), 1)
        e = events[0]
        self.assertEqual(e["eventSource"], "kms.amazonaws.com")
        self.assertEqual(e["eventVersion"], "1.08")
        self.assertEqual(e["awsRegion"], harness.REGION)
        self.assertEqual(e["userIdentity"]["type"], "IAMUser")
        self.assertEqual(e["userIdentity"]["arn"], harness.user_arn("admin"))
        self.assertEqual(e["userIdentity"]["accessKeyId"], harness.ACCESS_KEY)
        self.assertEqual(e["userIdentity"]["userName"], "admin")
        self.assertEqual(e["requestParameters"]["keyId"], self.mine["KeyId"])
        self.assertEqual(e["requestParameters"]["encryptionContext"], {"app": "trail"})
        self.assertNotIn("plaintext", e["requestParameters"])
        self.assertIsNone(e["responseElements"])
        self.assertTrue(e["readOnly"])
        self.assertEqual(e["resources"], [{"accountId": harness.ACCOUNT, "type": "AWS::KMS::Key",
                                           "ARN": self.mine["Arn"]}])
        self.assertEqual(e["eventType"], "AwsApiCall")
        self.assertEqual(e["recipientAccountId"], harness.ACCOUNT)
        self.assertTrue(harness.UUID_RE.match(e["eventID"]))
        self.assertTrue(harness.UUID_RE.match(e["requestID"]))
        self.assertEqual(e["kmslabDecision"]["effect"], "Allow")
        self.assertTrue(any("KmsFullAccess" in d for d in e["kmslabDecision"]["determining"]),
                        e["kmslabDecision"])

    def test_dynamodb_calls_show_the_user_invoked_by_dynamodb_and_the_service_itself(self):
        grants = self.trail(eventName="CreateGrant")
        self.assertEqual(len(grants), 1)
        g = grants[0]
        self.assertEqual(g["userIdentity"]["arn"], harness.user_arn("db-lead"))
        self.assertEqual(g["userIdentity"]["invokedBy"], "dynamodb.amazonaws.com")
        self.assertEqual(g["sourceIPAddress"], "dynamodb.amazonaws.com")
        self.assertEqual(g["requestParameters"]["granteePrincipal"], "dynamodb.us-east-1.amazonaws.com")
        self.assertEqual(g["requestParameters"]["constraints"]["encryptionContextSubset"],
                         {"aws:dynamodb:tableName": "trailtable", "aws:dynamodb:subscriberId": harness.ACCOUNT})
        self.assertFalse(g["readOnly"])
        self.assertEqual(set(g["responseElements"]), {"grantId"})
        generated = self.trail(eventName="GenerateDataKey", keyId=self.key["KeyId"])
        self.assertEqual(len(generated), 1)
        self.assertEqual(generated[0]["userIdentity"], {"type": "AWSService", "invokedBy": "dynamodb.amazonaws.com"})
        self.assertEqual(generated[0]["requestParameters"]["keySpec"], "AES_256")
        self.assertTrue(generated[0]["kmslabDecision"]["determining"][0].startswith("kms:GenerateDataKey: grant "))

    def test_a_denial_records_the_error_and_why(self):
        denied = self.trail(principal="db-lead", errorCode="AccessDeniedException", eventName="DescribeKey")
        self.assertEqual(len(denied), 1)
        e = denied[0]
        self.assertEqual(e["errorCode"], "AccessDenied")
        self.assertIn("is not authorized to perform: kms:DescribeKey", e["errorMessage"])
        self.assertEqual(e["kmslabDecision"]["effect"], "ImplicitDeny")
        self.assertIn("kms:ViaService", e["kmslabDecision"]["explanation"])
        self.assertEqual(self.trail(decision="ImplicitDeny", requestId=e["requestID"]), [e])

    def test_no_secret_reaches_the_trail(self):
        self.trail()  # flushes
        with open(os.path.join(self.srv.data_dir, "trail.jsonl"), "rb") as f:
            text = f.read()
        for secret in (SECRET, base64.b64encode(SECRET), base64.b64encode(self.blob)):
            self.assertNotIn(secret, text)
        for line in text.splitlines():
            event = json.loads(line)
            params = event.get("requestParameters") or {}
            self.assertFalse({"plaintext", "ciphertextBlob", "grantTokens"} & set(params), params)

    def test_the_trail_command_filters_and_prints(self):
        self.trail()  # flushes
        out = harness.kmslab("trail", "--data", self.srv.data_dir, "--event", "CreateGrant")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("CreateGrant", out.stdout)
        self.assertIn("via dynamodb.amazonaws.com", out.stdout)
        self.assertIn("1 event(s)", out.stdout)
        out = harness.kmslab("trail", "--data", self.srv.data_dir, "--json", "--principal", "db-lead",
                             "--decision", "ImplicitDeny")
        self.assertEqual(out.returncode, 0, out.stderr)
        events = [json.loads(line) for line in out.stdout.splitlines()]
        self.assertTrue(events)
        self.assertTrue(all(e["kmslabDecision"]["effect"] == "ImplicitDeny" for e in events))
        bad = harness.kmslab("trail", "--data", self.srv.data_dir, "--since", "yesterday")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("ISO 8601", bad.stderr)

    def test_unknown_filters_are_rejected(self):
        r = self.srv.admin_request("GET", "/_kmslab/trail?colour=blue")
        self.assertEqual(r.status, 400)
        self.assertIn("unknown trail filter 'colour'", r.body["message"])


class self_raises_denied:
    """Context manager: the block must raise AccessDeniedException."""
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if not isinstance(value, botocore.exceptions.ClientError):
            raise AssertionError("expected AccessDeniedException")
        if value.response["Error"]["Code"] != "AccessDeniedException":
            return False
        return True


class ResetTest(unittest.TestCase):
    def setUp(self):
        self.srv = harness.Server()
        self.srv.start()

    def tearDown(self):
        self.srv.shutdown()

    def populate(self):
        kms = self.srv.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/reset-me", TargetKeyId=key)
        ddb = self.srv.ddb()
        ddb.create_table(TableName="resetme", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        return kms, ddb

    def assertEmpty(self, kms, ddb):
        self.assertEqual(kms.list_keys()["Keys"], [])
        # Only AWS's predefined aliases remain, none associated with a key.
        self.assertEqual([a for a in kms.list_aliases(Limit=100)["Aliases"]
                          if not a["AliasName"].startswith("alias/aws/") or "TargetKeyId" in a], [])
        self.assertEqual(ddb.list_tables()["TableNames"], [])
        events = self.srv.admin_request("GET", "/_kmslab/trail?eventName=CreateKey").body["events"]
        self.assertEqual(events, [])

    def test_kmslab_reset_empties_everything(self):
        kms, ddb = self.populate()
        r = self.srv.admin_request("POST", "/_kmslab/reset", {})
        self.assertEqual((r.status, r.body), (200, {"status": "ok"}))
        self.assertEmpty(kms, ddb)
        kms.create_key()  # the server keeps working
        self.assertEqual(len(kms.list_keys()["Keys"]), 1)

    def test_moto_reset_path_does_the_same(self):
        kms, ddb = self.populate()
        r = self.srv.admin_request("POST", "/moto-api/reset", {})
        self.assertEqual(r.status, 200)
        self.assertEmpty(kms, ddb)

    def test_reset_survives_a_restart(self):
        kms, ddb = self.populate()
        self.srv.admin_request("POST", "/_kmslab/reset", {})
        for client in self.srv._clients.values():
            client.close()
        self.srv.restart()
        self.assertEmpty(self.srv.client(), self.srv.ddb())


if __name__ == "__main__":
    unittest.main()


class DynamoDbTrailTest(TrailCase):
    """DynamoDB calls in the trail as CloudTrail records them: table calls as management
    events; item calls as data events with --ddb-data-events (and not at all without it),
    keys unwrapped, items as attribute names, expression values never; denials explained."""

    MARKER = "ddb-trail-value-marker-7c2f"

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=("--ddb-data-events",))
        cls.srv.start()
        cls.ddb = cls.srv.ddb(harness.creds_of("db-lead"))
        cls.ddb.create_table(TableName="audited", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        cls.ddb.put_item(TableName="audited", Item={"pk": {"S": "k1"}, "secret": {"S": cls.MARKER}},
                         ConditionExpression="attribute_not_exists(pk) OR secret <> :m",
                         ExpressionAttributeValues={":m": {"S": cls.MARKER + "-condition"}})
        cls.ddb.get_item(TableName="audited", Key={"pk": {"S": "k1"}}, ProjectionExpression="secret")
        cls.ddb.execute_statement(Statement=f"INSERT INTO audited VALUE {{'pk': 'k2', 'secret': '{cls.MARKER}', "
                                            "'other': ?}", Parameters=[{"S": cls.MARKER}])
        with self_raises_denied():
            cls.srv.ddb(harness.creds_of("app")).describe_table(TableName="audited")


    def one(self, **query):
        events = self.trail(**query)
        self.assertEqual(len(events), 1, events)
        return events[0]

    def assertDynamoDbEvent(self, e, name, data):
        table_arn = f"arn:aws:dynamodb:{harness.REGION}:{harness.ACCOUNT}:table/audited"
        self.assertEqual((e["eventSource"], e["eventName"], e["awsRegion"]),
                         ("dynamodb.amazonaws.com", name, harness.REGION))
        self.assertEqual((e["eventType"], e["apiVersion"]), ("AwsApiCall", "2012-08-10"))
        self.assertEqual((e["managementEvent"], e["eventCategory"]), (not data, "Data" if data else "Management"))
        self.assertEqual(e["resources"], [{"accountId": harness.ACCOUNT, "type": "AWS::DynamoDB::Table",
                                           "ARN": table_arn}])
        self.assertEqual(e["recipientAccountId"], harness.ACCOUNT)
        self.assertTrue(harness.UUID_RE.match(e["eventID"]))

    def test_create_table_is_a_management_event_with_the_table_description(self):
        e = self.one(eventName="CreateTable")
        self.assertDynamoDbEvent(e, "CreateTable", data=False)
        self.assertEqual(e["userIdentity"]["arn"], harness.user_arn("db-lead"))
        self.assertEqual(e["requestParameters"]["tableName"], "audited")
        self.assertEqual(e["requestParameters"]["billingMode"], "PAY_PER_REQUEST")
        self.assertEqual(e["responseElements"]["tableDescription"]["tableName"], "audited")
        self.assertIs(e["readOnly"], False)
        self.assertEqual(e["kmslabDecision"]["effect"], "Allow")

    def test_item_calls_are_data_events_without_values(self):
        put = self.one(eventName="PutItem")
        self.assertDynamoDbEvent(put, "PutItem", data=True)
        self.assertEqual(put["requestParameters"]["item"], ["pk", "secret"])
        self.assertEqual(put["requestParameters"]["conditionExpression"], "attribute_not_exists(pk) OR secret <> :m")
        self.assertNotIn("expressionAttributeValues", put["requestParameters"])
        self.assertIsNone(put["responseElements"])
        self.assertIs(put["readOnly"], False)
        get = self.one(eventName="GetItem")
        self.assertDynamoDbEvent(get, "GetItem", data=True)
        self.assertEqual(get["requestParameters"]["key"], {"pk": "k1"})
        self.assertEqual(get["requestParameters"]["projectionExpression"], "secret")
        self.assertIs(get["readOnly"], True)
        with open(os.path.join(self.srv.data_dir, "trail.jsonl"), encoding="utf-8") as f:
            self.assertNotIn(self.MARKER, f.read())

    def test_a_partiql_statement_keeps_its_shape_without_values(self):
        e = self.one(eventName="ExecuteStatement")
        self.assertDynamoDbEvent(e, "ExecuteStatement", data=True)
        self.assertEqual(e["requestParameters"], {
            "statement": "INSERT INTO audited VALUE {***(Redacted): ***(Redacted), ***(Redacted): ***(Redacted), "
                         "***(Redacted): ?}",
            "parameters": "***(Redacted)"})
        self.assertIs(e["readOnly"], False)
        self.assertEqual(e["kmslabDecision"]["effect"], "Allow")

    def test_a_denied_table_call_is_explained(self):
        e = self.one(eventName="DescribeTable")
        self.assertDynamoDbEvent(e, "DescribeTable", data=False)
        self.assertEqual(e["userIdentity"]["arn"], harness.user_arn("app"))
        self.assertEqual(e["errorCode"], "AccessDenied")
        self.assertIn("is not authorized to perform: dynamodb:DescribeTable", e["errorMessage"])
        self.assertEqual(e["kmslabDecision"]["effect"], "ImplicitDeny")
        self.assertTrue(e["kmslabDecision"]["explanation"])
        r = harness.kmslab("trail", "--data", self.srv.data_dir, "--event", "DescribeTable")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ImplicitDeny", r.stdout)

    def test_without_the_switch_item_calls_stay_out(self):
        srv = harness.Server()
        srv.start()
        try:
            ddb = srv.ddb(harness.creds_of("db-lead"))
            ddb.create_table(TableName="quiet", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
            ddb.put_item(TableName="quiet", Item={"pk": {"S": "k"}})
            r = srv.admin_request("GET", "/_kmslab/trail?principal=db-lead")
            names = [e["eventName"] for e in r.body["events"] if e["eventSource"] == "dynamodb.amazonaws.com"]
            self.assertEqual(names, ["CreateTable"])
        finally:
            srv.shutdown()
