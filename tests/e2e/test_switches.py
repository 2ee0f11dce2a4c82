"""The switches for behaviour AWS leaves ambiguous (docs/spec/kms.md section 10): the defaults
follow AWS as observed, and each switch flips exactly its own behaviour."""
import botocore.exceptions

import harness
from harness import access_denied, user_arn


class SwitchCase(harness.KmsTestCase):
    ARGS = ()
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=list(cls.ARGS))
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def disabled_key(self):
        md = self.kms.create_key()["KeyMetadata"]
        self.kms.disable_key(KeyId=md["KeyId"])
        return md

    def error_of(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response


class DefaultsTest(SwitchCase):
    def test_access_denied_before_key_state(self):
        md = self.disabled_key()
        # auditor has no kms:Encrypt: the denial wins over the disabled key.
        self.assertAccessDenied(self.as_("auditor").encrypt, user_arn("auditor"), "kms:Encrypt", md["Arn"],
                                "no-identity", KeyId=md["KeyId"], Plaintext=b"x")

    def test_pending_deletion_is_invalid_state_with_400(self):
        md = self.kms.create_key()["KeyMetadata"]
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.assertApiError("KMSInvalidStateException", f"{md['Arn']} is pending deletion.", self.kms.encrypt,
                            KeyId=md["KeyId"], Plaintext=b"x")


class StateBeforeAccessTest(SwitchCase):
    ARGS = ("--key-state-before-access",)

    def test_disabled_key_error_wins(self):
        md = self.disabled_key()
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.as_("auditor").encrypt,
                            KeyId=md["KeyId"], Plaintext=b"x")
        # An enabled key still denies the same caller as AWS words it.
        other = self.kms.create_key()["KeyMetadata"]
        self.assertEqual(self.error_of(self.as_("auditor").encrypt, KeyId=other["KeyId"], Plaintext=b"x")["Error"]
                         ["Message"], access_denied(user_arn("auditor"), "kms:Encrypt", other["Arn"], "no-identity"))


class PendingDeletionDisabledTest(SwitchCase):
    ARGS = ("--pending-deletion-disabled",)

    def test_pending_deletion_is_disabled(self):
        md = self.kms.create_key()["KeyMetadata"]
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        self.assertApiError("DisabledException", f"{md['Arn']} is disabled.", self.kms.encrypt,
                            KeyId=md["KeyId"], Plaintext=b"x")


class ModelledStatusTest(SwitchCase):
    ARGS = ("--modelled-http-status",)

    def test_model_statuses(self):
        missing = self.error_of(self.kms.describe_key, KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")
        self.assertEqual((missing["Error"]["Code"], missing["ResponseMetadata"]["HTTPStatusCode"]),
                         ("NotFoundException", 404))
        md = self.disabled_key()
        disabled = self.error_of(self.kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x")
        self.assertEqual((disabled["Error"]["Code"], disabled["ResponseMetadata"]["HTTPStatusCode"]),
                         ("DisabledException", 409))
        # Errors the model gives no other status keep 400.
        bad = self.error_of(self.kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x", GrantTokens=["not-a-token"])
        self.assertEqual((bad["Error"]["Code"], bad["ResponseMetadata"]["HTTPStatusCode"]),
                         ("InvalidGrantTokenException", 400))


class DdbValidationTextsTest(SwitchCase):
    """PutItem and DeleteItem prefix request-validation errors with DynamoDB's 2026 envelope;
    --ddb-bare-validation-texts gives the texts without it. Data errors stay bare either way."""
    SYNTAX = "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""

    def table(self):
        name = "switch-texts"
        ddb = self.srv.ddb()
        if name not in ddb.list_tables()["TableNames"]:
            ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        return ddb, name

    def check_texts(self, prefix):
        ddb, name = self.table()
        self.assertApiError("ValidationException", prefix + self.SYNTAX, ddb.put_item, TableName=name,
                            Item={"k": {"S": "a"}}, ConditionExpression="a =")
        self.assertApiError("ValidationException", prefix + self.SYNTAX, ddb.delete_item, TableName=name,
                            Key={"k": {"S": "a"}}, ConditionExpression="a =")
        self.assertApiError("ValidationException",
                            prefix + "ExpressionAttributeValues can only be specified when using expressions: "
                                     "ConditionExpression is null",
                            ddb.put_item, TableName=name, Item={"k": {"S": "a"}},
                            ExpressionAttributeValues={":v": {"S": "x"}})
        self.assertApiError("ValidationException", "One or more parameter values were invalid: "
                            "Missing the key k in the item", ddb.put_item, TableName=name, Item={"x": {"S": "a"}})
        self.assertEqual(ddb.scan(TableName=name)["Count"], 0)


class DdbEnvelopeDefaultTest(DdbValidationTextsTest):
    def test_envelope_by_default(self):
        self.check_texts("1 validation error detected: ")


class DdbBareTextsTest(DdbValidationTextsTest):
    ARGS = ("--ddb-bare-validation-texts",)

    def test_bare_texts(self):
        self.check_texts("")
