"""Shared pieces of the DynamoDB shim tests (test_dynamodb_*.py): names, the texts of
docs/spec/dynamodb-sse.md, and DdbCase, a KmsTestCase with table, grant and polling helpers.

Not a test module itself (run.py only discovers test_*.py).
"""
import decimal
import json
import os
import re
import time

import botocore.exceptions

import harness
from harness import ACCOUNT, REGION, Creds, role_arn, root_arn

DDB_SERVICE = f"dynamodb.{REGION}.amazonaws.com"
# The grant DynamoDB creates per table (reference §3.3 / kms-authz §9).
GRANT_OPS = ["Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo",
             "RetireGrant", "DescribeKey"]
MANAGED_DESCRIPTION = "Default key that protects my DynamoDB data when no other key is defined"
MANAGED_ALIAS = "alias/aws/dynamodb"

# Reference §4, with <acct>/<region> substituted.
AWS_MANAGED_POLICY = {
    "Version": "2012-10-17", "Id": "auto-dynamodb-1", "Statement": [
        {"Sid": "Allow access through Amazon DynamoDB for all principals in the account that are "
                "authorized to use Amazon DynamoDB",
         "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:CreateGrant", "kms:DescribeKey"],
         "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT,
                                        "kms:ViaService": DDB_SERVICE}}},
        {"Sid": "Allow direct access to key metadata to the account", "Effect": "Allow",
         "Principal": {"AWS": root_arn()},
         "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"], "Resource": "*"},
        {"Sid": "Allow DynamoDB Service with service principal name dynamodb.amazonaws.com to "
                "describe the key directly",
         "Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"},
         "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"}]}

# Reference §1.4 / §1.5 / §5 texts.
INVALID = "One or more parameter values were invalid: "
SSETYPE_WITH_DISABLED = INVALID + "SSEType can not be specified if Enabled is false"
KEY_WITH_DISABLED = INVALID + "KMSMasterKeyId can not be specified if Enabled is false"
AES256_UNSUPPORTED = INVALID + "SSEType AES256 is not supported"
KMS_TYPE_REQUIRED = INVALID + "SSEType KMS is required if KMSMasterKeyId is specified"
SAME_KEY = (INVALID + "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId "
            "parameter if you want to change Master Key")
ALREADY_DEFAULT = INVALID + "Table is already encrypted by default"
SSE_ONLY = INVALID + "Server-Side Encryption modification must be the only operation in the request"
SSE_BUSY = "Attempt to change a resource which is still in use: Server-Side Encryption is still being updated"
CIPHERTEXT_DENIED = ("The ciphertext refers to a customer master key that does not exist, does not "
                     "exist in this region, or you are not allowed to access.")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def table_arn(name):
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def context_of(name):
    """DynamoDB's encryption context for table `name` (reference §3.1)."""
    return {"aws:dynamodb:tableName": name, "aws:dynamodb:subscriberId": ACCOUNT}


def not_updating(name):
    return f"Attempt to change a resource which is still in use: Table: {name} is in the process of being updated."


def table_not_found(name):
    return f"Requested resource not found: Table: {name} not found"


def java_kms(prefix, exception, kms_message, code=None):
    """A regex matching DynamoDB's wrapping of a KMS error (reference §1.6): `prefix:
    com.amazonaws.services.kms.model.<exception>: <kms_message> (Service: AWSKMS; Status Code:
    400; Error Code: <code>; Request ID: <uuid>; Proxy: null)`. kms_message is literal text, or
    a compiled regex's pattern for a part that may vary."""
    body = kms_message.pattern if isinstance(kms_message, re.Pattern) else re.escape(kms_message)
    return ("^" + re.escape(f"{prefix}: com.amazonaws.services.kms.model.{exception}: ") + body
            + re.escape(f" (Service: AWSKMS; Status Code: 400; Error Code: {code or exception}; "
                        "Request ID: ") + UUID + re.escape("; Proxy: null)") + "$")


def key_not_found(arn):
    return java_kms("KMS validation error", "NotFoundException", f"Key '{arn}' does not exist")


def alias_not_found(alias_name):
    return java_kms("KMS validation error", "NotFoundException",
                    f"Alias {harness.alias_arn(alias_name)} is not found.")


def key_disabled(arn):
    return java_kms("KMS key disabled error", "DisabledException", f"{arn} is disabled.")


def key_pending_deletion(arn):
    return java_kms("KMS validation error", "KMSInvalidStateException", f"{arn} is pending deletion.")


def kms_access_denied(kms_message):
    """AccessDeniedException "KMS key access denied error: ...AWSKMSException: <msg> (...)";
    kms_message may be a compiled regex."""
    return java_kms("KMS key access denied error", "AWSKMSException", kms_message,
                    code="AccessDeniedException")


KMS_ACCESS_DENIED_ANY = kms_access_denied(re.compile(".+"))


def new_name(prefix="tbl"):
    return f"{prefix}-{os.urandom(4).hex()}"


def sse_kms(key_id):
    return {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_id}


class DdbCase(harness.KmsTestCase):
    """Helpers for DynamoDB tests; subclasses set `srv`."""

    @property
    def ddb(self):
        return self.srv.ddb()

    def ddb_as(self, name):
        return self.srv.ddb(harness.creds_of(name, self.srv.fixtures))

    # --- tables ----------------------------------------------------------------------
    def create_table(self, name=None, client=None, sse=None, hash_type="S", range_type=None,
                     **kw):
        """CreateTable (pk HASH, optional sk RANGE, PAY_PER_REQUEST unless given); returns
        the TableDescription of the response."""
        name = name or new_name()
        attrs = [{"AttributeName": "pk", "AttributeType": hash_type}]
        keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
        if range_type:
            attrs.append({"AttributeName": "sk", "AttributeType": range_type})
            keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
        if "ProvisionedThroughput" not in kw:
            kw.setdefault("BillingMode", "PAY_PER_REQUEST")
        if sse is not None:
            kw["SSESpecification"] = sse
        r = (client or self.ddb).create_table(TableName=name, AttributeDefinitions=attrs,
                                              KeySchema=keys, **kw)
        return r["TableDescription"]

    def table(self, name, client=None):
        return (client or self.ddb).describe_table(TableName=name)["Table"]

    def assertTableGone(self, name):
        self.assertDdbError("ResourceNotFoundException", table_not_found(name),
                            self.ddb.describe_table, TableName=name)

    def wait_table(self, name, pred, timeout=10.0, what="table state"):
        """Poll DescribeTable until pred(table) holds (background work is asynchronous even
        when the clock has moved); returns the table."""
        deadline = time.monotonic() + timeout
        while True:
            t = self.table(name)
            if pred(t):
                return t
            if time.monotonic() > deadline:
                self.fail(f"{what} not reached within {timeout}s: {t}")
            time.sleep(0.05)

    def wait_status(self, name, status, timeout=10.0):
        return self.wait_table(name, lambda t: t["TableStatus"] == status, timeout,
                               f"TableStatus {status}")

    def wait_sse_settled(self, name, timeout=10.0):
        return self.wait_table(name, lambda t: t.get("SSEDescription", {}).get("Status")
                               != "UPDATING", timeout, "SSE switch done")

    # --- items -----------------------------------------------------------------------
    def put(self, name, pk, client=None, **attrs):
        item = {"pk": {"S": pk}}
        item.update(attrs)
        (client or self.ddb).put_item(TableName=name, Item=item)
        return item

    def get(self, name, pk, client=None):
        return (client or self.ddb).get_item(TableName=name, Key={"pk": {"S": pk}}).get("Item")

    # --- keys and grants ---------------------------------------------------------------
    def key_with(self, doc, bypass=False):
        kw = {"BypassPolicyLockoutSafetyCheck": True} if bypass else {}
        return self.kms.create_key(Policy=json.dumps(doc), **kw)["KeyMetadata"]

    def db_team(self):
        """A KMS client for a session of role db-team, assumed by admin."""
        c = self.as_("admin", "sts").assume_role(RoleArn=role_arn("db-team"),
                                                 RoleSessionName="db-team-e2e")["Credentials"]
        return self.srv.client_as(Creds(c["AccessKeyId"], c["SecretAccessKey"],
                                        c["SessionToken"]))

    def grants(self, key_id, client=None):
        client = client or self.kms
        out, kw = [], {"Limit": 100}
        while True:
            r = client.list_grants(KeyId=key_id, **kw)
            out += r["Grants"]
            if not r.get("Truncated"):
                return out
            kw["Marker"] = r["NextMarker"]

    def table_grants(self, key_id, name, client=None):
        """The grants on the key whose constraint names table `name`."""
        return [g for g in self.grants(key_id, client)
                if g.get("Constraints", {}).get("EncryptionContextSubset", {})
                .get("aws:dynamodb:tableName") == name]

    def assertTableGrant(self, grant, key_arn_, name):
        """A ListGrants entry is DynamoDB's grant for table `name` on the key."""
        self.assertEqual(grant["KeyId"], key_arn_)
        self.assertEqual(grant["GranteePrincipal"], DDB_SERVICE)
        self.assertEqual(grant["RetiringPrincipal"], DDB_SERVICE)
        self.assertEqual(grant["IssuingAccount"], root_arn())
        self.assertEqual(sorted(grant["Operations"]), sorted(GRANT_OPS))
        self.assertEqual(grant["Constraints"], {"EncryptionContextSubset": context_of(name)})
        self.assertRegex(grant["Name"], "^" + UUID + "$")

    def managed_key_id(self):
        """The key id behind alias/aws/dynamodb, or None while it does not exist."""
        for a in self.all_aliases():
            if a["AliasName"] == MANAGED_ALIAS:
                return a.get("TargetKeyId")
        return None

    # --- errors ------------------------------------------------------------------------
    def explain(self, error):
        """`kmslab explain --request-id` for a denied call's ClientError; returns its output."""
        rid = error.response["ResponseMetadata"]["RequestId"]
        p = harness.kmslab("explain", "--request-id", rid, "--data", self.srv.data_dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def assertDdbError(self, code, message, fn, status=400, **kwargs):
        """fn(**kwargs) fails with `code` and HTTP `status`; `message` is the exact text, a
        regex string starting with '^', or None. Returns the message."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp["Error"])
        msg = resp["Error"]["Message"]
        if isinstance(message, str) and message.startswith("^"):
            self.assertRegex(msg, message)
        elif message is not None:
            self.assertEqual(msg, message)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], status)
        return msg

    def assertCliFails(self, res, code, op, message):
        """A failed aws CLI run printing AWS's error line; `message` exact or a '^' regex."""
        self.assertEqual(res.rc, 255 if harness.cli_major_version() == 1 else 254, res.stderr)
        head = f"An error occurred ({code}) when calling the {op} operation: "
        if message.startswith("^"):
            line = [ln for ln in res.stderr.splitlines() if head in ln]
            self.assertTrue(line, res.stderr)
            self.assertRegex(line[0].split(head, 1)[1].strip(), message)
        else:
            self.assertIn(head + message, res.stderr)

    def ddb_cli(self, *args, creds=None):
        return self.srv.aws(creds or harness.ADMIN, "dynamodb", *args)


SET_TYPES = ("SS", "NS", "BS")


def normalize(item):
    """Sets compared as sets (DynamoDB does not keep their order), numbers as numbers; None stays None."""
    def norm(av):
        (t, v), = av.items()
        if t in SET_TYPES:
            return (t, frozenset(decimal.Decimal(x) if t == "NS" else x for x in v))
        if t == "N":
            return (t, decimal.Decimal(v))
        if t == "M":
            return (t, tuple(sorted((k, norm(x)) for k, x in v.items())))
        if t == "L":
            return (t, tuple(norm(x) for x in v))
        return (t, v)
    return None if item is None else {k: norm(v) for k, v in item.items()}
