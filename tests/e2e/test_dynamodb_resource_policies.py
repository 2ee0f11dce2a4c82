"""Resource-based policies on DynamoDB tables (and stream ARNs of existing tables):
PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy with DynamoDB's texts, and
every authorization deciding with the table's policy and the caller's identity policies as
IAM does: in the table's account either suffices, across accounts (the table named by ARN)
both are needed, and an explicit deny anywhere wins. `kmslab explain --request-id` names the
resource-policy statement that decided."""
import json
import re

import harness
from ddb_case import DdbCase, key_disabled, new_name, sse_kms, table_arn, table_not_found
from harness import ACCOUNT, PARTNER, REGION, root_arn, user_arn

NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "
INVALID = "One or more parameter values were invalid: "
INVALID_DOC = INVALID + "Invalid policy document: "
LOCKOUT = "The new resource policy will not allow you to update the resource policy in the future."
REVISION = re.compile(r"^\d{13}$")

# A partner-account user whose own IAM policy allows item access to tables of ACCOUNT, and
# kms:Decrypt for the table keys of customer managed keys shared with its account.
PARTNER_READER = {
    "name": "partner-reader",
    "accessKeys": [{"id": "AKIAKMSLABRPOL000001", "secret": "kmslab-partner-reader-secret"}],
    "inlinePolicies": {"tables-of-111122223333": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
         "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}},
}


def identities():
    ids = harness.fixture_identities()
    ids["accounts"][PARTNER]["users"].append(PARTNER_READER)
    return ids


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(principal, actions, resource, effect="Allow", sid=None, **extra):
    st = {"Effect": effect, "Principal": {"AWS": principal}, "Action": actions, "Resource": resource}
    if sid:
        st = {"Sid": sid, **st}
    st.update(extra)
    return st


class ResourcePolicyTest(DdbCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.start_with_identities(identities())

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    # --- helpers -------------------------------------------------------------------------
    def as_user(self, name):
        return self.ddb_as(name)

    def new_table(self, **kw):
        name = new_name("rbp")
        self.create_table(name, **kw)
        return name, table_arn(name)

    def put_policy(self, arn, *statements, client=None, **kw):
        return (client or self.ddb).put_resource_policy(ResourceArn=arn, Policy=policy(*statements),
                                                        **kw)["RevisionId"]

    # --- Put / Get / Delete ----------------------------------------------------------------
    def test_put_get_delete_and_revisions(self):
        name, arn = self.new_table()
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + arn, self.ddb.get_resource_policy,
                            ResourceArn=arn)
        # Without a policy, Delete succeeds and says nothing.
        r = self.ddb.delete_resource_policy(ResourceArn=arn)
        self.assertNotIn("RevisionId", r)
        self.assertDdbError("PolicyNotFoundException",
                            NOT_FOUND + f"Requested update for policy with revision id 123, but table {name} "
                            "has no associated policy.",
                            self.ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId="123")

        doc = {"Version": "2012-10-17", "Statement": [
            statement(user_arn("app"), "dynamodb:GetItem", arn, sid="AppReads")]}
        first = self.ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(doc, indent=2),
                                             ExpectedRevisionId="NO_POLICY")["RevisionId"]
        self.assertRegex(first, REVISION)
        got = self.ddb.get_resource_policy(ResourceArn=arn)
        self.assertEqual(got["RevisionId"], first)
        self.assertEqual(got["Policy"], json.dumps(doc, separators=(",", ":")))
        # The same document again changes nothing.
        self.assertEqual(self.ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(doc))["RevisionId"],
                         first)
        self.assertDdbError("PolicyNotFoundException",
                            NOT_FOUND + f"Requested policy update expecting none to be present for table {name}, "
                            f"but a policy exists with revision id {first}.",
                            self.ddb.put_resource_policy, ResourceArn=arn,
                            Policy=policy(statement(user_arn("app"), "dynamodb:Query", arn)),
                            ExpectedRevisionId="NO_POLICY")
        second = self.put_policy(arn, statement(user_arn("app"), "dynamodb:Query", arn),
                                 ExpectedRevisionId=first)
        self.assertGreater(int(second), int(first))
        self.assertDdbError("PolicyNotFoundException",
                            NOT_FOUND + f"Requested update for policy with revision id {first}, but the policy "
                            f"associated to target table {name} has revision id {second}.",
                            self.ddb.put_resource_policy, ResourceArn=arn,
                            Policy=policy(statement(user_arn("app"), "dynamodb:Scan", arn)),
                            ExpectedRevisionId=first)
        # DescribeTable does not show the policy.
        self.assertFalse([k for k in self.table(name) if "Policy" in k])

        # It outlives a restart.
        self.srv.restart()
        self.assertEqual(self.ddb.get_resource_policy(ResourceArn=arn)["RevisionId"], second)

        self.assertDdbError("PolicyNotFoundException",
                            NOT_FOUND + f"Requested update for policy with revision id {first}, but the policy "
                            f"associated to target table {name} has revision id {second}.",
                            self.ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=first)
        self.assertEqual(self.ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=second)["RevisionId"],
                         second)
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + arn, self.ddb.get_resource_policy,
                            ResourceArn=arn)
        # Later Deletes answer with the deletion's own RevisionId.
        tombstone = self.ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"]
        self.assertGreater(int(tombstone), int(second))

        # A deleted table takes its policy with it.
        self.put_policy(arn, statement(user_arn("app"), "dynamodb:GetItem", arn))
        self.ddb.delete_table(TableName=name)
        self.assertDdbError("ResourceNotFoundException", table_not_found(name), self.ddb.get_resource_policy,
                            ResourceArn=arn)
        self.create_table(name)
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + arn, self.ddb.get_resource_policy,
                            ResourceArn=arn)

    def test_validation(self):
        name, arn = self.new_table()
        ok = policy(statement(user_arn("app"), "dynamodb:GetItem", arn))
        put = self.ddb.put_resource_policy
        cases = [
            ("{not json", INVALID_DOC + "This policy contains invalid Json"),
            (policy(), INVALID_DOC + "Could not parse the policy: Statement is empty!"),
            (json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": user_arn("app")}, "Action": "dynamodb:GetItem"}]}),
             INVALID_DOC + "Missing required field Resource"),
            (policy(statement(user_arn("app"), "dynamodb:GetItem", arn, sid="A"),
                    statement(user_arn("app"), "dynamodb:Query", arn, sid="A")),
             INVALID_DOC + "The Statement Ids in the policy are not unique"),
            (policy({"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": arn}),
             "Resource-based policy grants unbounded access in one or more elements. Please revise the policy "
             "to ensure least-privilege form of access"),
            (ok + " " * 20480, INVALID + "Maximum policy size of 20480 bytes exceeded"),
        ]
        for text, message in cases:
            with self.subTest(message=message):
                self.assertDdbError("ValidationException", message, put, ResourceArn=arn, Policy=text)
        arn_cases = [
            (name, INVALID + f"ARNs must start with 'arn:': {name}"),
            (arn + "/index/ByArtist",
             INVALID + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: "
             + arn + "/index/ByArtist"),
            (arn + "/backup/01700000000000-abcd1234",
             INVALID + "Provided Arn is not a DynamoDB resource arn: " + arn + "/backup/01700000000000-abcd1234"),
            (arn.replace(REGION, "eu-west-1"), INVALID + "Invalid resource Arn: " + arn.replace(REGION, "eu-west-1")),
            (arn.replace(ACCOUNT, PARTNER),
             "This action is only supported by accounts that match the resource owner\u2019s account."),
        ]
        for resource, message in arn_cases:
            with self.subTest(resource=resource):
                self.assertDdbError("ValidationException", message, put, ResourceArn=resource, Policy=ok)
                self.assertDdbError("ValidationException", message, self.ddb.get_resource_policy,
                                    ResourceArn=resource)
        self.assertDdbError("ResourceNotFoundException", table_not_found(name + "-missing"), put,
                            ResourceArn=arn + "-missing", Policy=ok)
        self.assertDdbError("ResourceNotFoundException",
                            f"Requested resource not found: Stream: {arn}/stream/not-a-label not found",
                            put, ResourceArn=arn + "/stream/not-a-label", Policy=ok)
        # Nothing was stored by any of them.
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + arn, self.ddb.get_resource_policy,
                            ResourceArn=arn)

    def test_create_table_with_a_policy(self):
        name = new_name("rbp")
        arn = table_arn(name)
        doc = policy(statement(user_arn("app"), "dynamodb:GetItem", arn))
        self.create_table(name, ResourcePolicy=doc)
        got = self.ddb.get_resource_policy(ResourceArn=arn)
        self.assertEqual(json.loads(got["Policy"]), json.loads(doc))
        self.assertRegex(got["RevisionId"], REVISION)
        self.put(name, "item-0")
        self.assertEqual(self.get(name, "item-0", client=self.as_user("app")), {"pk": {"S": "item-0"}})
        # A bad document creates nothing.
        other = new_name("rbp")
        self.assertDdbError("ValidationException", INVALID_DOC + "This policy contains invalid Json",
                            self.create_table, name=other, ResourcePolicy="{")
        self.assertTableGone(other)

    def test_stream_arns_have_their_own_policy(self):
        name, arn = self.new_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        stream = self.table(name)["LatestStreamArn"]
        rev = self.put_policy(stream, statement(user_arn("app"), ["dynamodb:GetRecords", "dynamodb:DescribeStream"],
                                                stream))
        self.assertEqual(self.ddb.get_resource_policy(ResourceArn=stream)["RevisionId"], rev)
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + arn, self.ddb.get_resource_policy,
                            ResourceArn=arn)
        self.assertEqual(self.ddb.delete_resource_policy(ResourceArn=stream)["RevisionId"], rev)

    def test_stream_arns_must_name_a_kept_stream_of_the_table(self):
        name, arn = self.new_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        first = self.table(name)["LatestStreamArn"]
        doc = lambda res: policy(statement(user_arn("app"), "dynamodb:DescribeStream", res))
        # A label of the right shape that no stream of this table has, another table's stream, any shape at all.
        other_name, _ = self.new_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        other_label = self.table(other_name)["LatestStreamLabel"]
        for label in ("2026-12-03T20:00:00.000", other_label, "x" * 40):
            missing = arn + "/stream/" + label
            with self.subTest(label=label):
                text = f"Requested resource not found: Stream: {missing} not found"
                self.assertDdbError("ResourceNotFoundException", text, self.ddb.put_resource_policy,
                                    ResourceArn=missing, Policy=doc(missing))
                self.assertDdbError("ResourceNotFoundException", text, self.ddb.get_resource_policy,
                                    ResourceArn=missing)
                self.assertDdbError("ResourceNotFoundException", text, self.ddb.delete_resource_policy,
                                    ResourceArn=missing)
        # A disabled stream keeps its policy for the retention; the table's new stream has its own.
        rev = self.put_policy(first, statement(user_arn("app"), "dynamodb:DescribeStream", first))
        self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True,
                                                                   "StreamViewType": "NEW_IMAGE"})
        second = self.table(name)["LatestStreamArn"]
        self.assertNotEqual(first, second)
        self.assertEqual(self.ddb.get_resource_policy(ResourceArn=first)["RevisionId"], rev)
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + second, self.ddb.get_resource_policy,
                            ResourceArn=second)
        self.put_policy(second, statement(user_arn("app"), "dynamodb:DescribeStream", second))
        # Past the 24-hour retention the old stream is gone, its policy with it.
        self.srv.advance_clock(24 * 3600 + 1)
        gone = f"Requested resource not found: Stream: {first} not found"
        self.assertDdbError("ResourceNotFoundException", gone, self.ddb.get_resource_policy, ResourceArn=first)
        self.assertDdbError("ResourceNotFoundException", gone, self.ddb.put_resource_policy, ResourceArn=first,
                            Policy=doc(first))
        self.assertIn("Policy", self.ddb.get_resource_policy(ResourceArn=second))

    def test_policy_operations_are_authorized(self):
        name, arn = self.new_table()
        auditor = self.as_user("auditor")
        for op, fn, kw in [("PutResourcePolicy", auditor.put_resource_policy,
                            {"Policy": policy(statement(user_arn("app"), "dynamodb:GetItem", arn))}),
                           ("GetResourcePolicy", auditor.get_resource_policy, {}),
                           ("DeleteResourcePolicy", auditor.delete_resource_policy, {})]:
            with self.subTest(op=op):
                self.assertAccessDenied(fn, user_arn("auditor"), "dynamodb:" + op, arn, "no-identity",
                                        ResourceArn=arn, **kw)
        # The resource policy itself may grant them.
        self.put_policy(arn, statement(user_arn("auditor"), "dynamodb:GetResourcePolicy", arn))
        self.assertIn("Policy", auditor.get_resource_policy(ResourceArn=arn))

    def test_lockout_check(self):
        name, arn = self.new_table()
        deny_put = statement("*", ["dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy"], arn,
                             effect="Deny", sid="NobodyChangesIt")
        put = self.ddb.put_resource_policy
        self.assertDdbError("AccessDeniedException", LOCKOUT, put, ResourceArn=arn, Policy=policy(deny_put))
        self.assertDdbError("AccessDeniedException", LOCKOUT, put, ResourceArn=arn, Policy=policy(deny_put),
                            ConfirmRemoveSelfResourceAccess=False)
        self.assertDdbError("PolicyNotFoundException", NOT_FOUND + arn, self.ddb.get_resource_policy,
                            ResourceArn=arn)
        self.put_policy(arn, deny_put, ConfirmRemoveSelfResourceAccess=True)
        self.assertAccessDenied(self.ddb.put_resource_policy, user_arn("admin"), "dynamodb:PutResourcePolicy", arn,
                                "explicit-resource", ResourceArn=arn,
                                Policy=policy(statement(user_arn("app"), "dynamodb:GetItem", arn)))
        self.assertIn("Policy", self.ddb.get_resource_policy(ResourceArn=arn))
        self.ddb.delete_table(TableName=name)  # the lockout does not stop DeleteTable

    # --- evaluation ----------------------------------------------------------------------
    def test_same_account_principal_allowed_only_by_the_resource_policy(self):
        """User app has no DynamoDB permission in IAM (and kms:Decrypt through the key's
        default policy): the table's policy alone lets it in, under a customer managed key."""
        key = self.create_key()
        name, arn = self.new_table(sse=sse_kms(key["KeyId"]))
        self.put(name, "item-0", v={"S": "value"})
        app = self.as_user("app")
        self.assertAccessDenied(app.get_item, user_arn("app"), "dynamodb:GetItem", arn, "no-identity",
                                TableName=name, Key={"pk": {"S": "item-0"}})
        self.put_policy(arn, statement(user_arn("app"), ["dynamodb:GetItem", "dynamodb:PutItem"], arn))
        self.assertEqual(self.get(name, "item-0", client=app), {"pk": {"S": "item-0"}, "v": {"S": "value"}})
        self.put(name, "by-app", client=app)
        self.assertAccessDenied(app.delete_item, user_arn("app"), "dynamodb:DeleteItem", arn, "no-identity",
                                TableName=name, Key={"pk": {"S": "item-0"}})
        # The key disabled: the cached table key serves until it runs out, then DynamoDB's error.
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertIsNotNone(self.get(name, "item-0", client=app))
        self.srv.advance_clock(360)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), app.get_item, TableName=name,
                            Key={"pk": {"S": "item-0"}})
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertIsNotNone(self.get(name, "by-app", client=app))
        # Without the policy, app is out again.
        self.ddb.delete_resource_policy(ResourceArn=arn)
        self.assertAccessDenied(app.get_item, user_arn("app"), "dynamodb:GetItem", arn, "no-identity",
                                TableName=name, Key={"pk": {"S": "item-0"}})

    def test_cross_account_needs_both_policies(self):
        name, arn = self.new_table()
        self.put(name, "item-0", v={"S": "shared"})
        reader, partner_app = self.as_user("partner-reader"), self.as_user("partner-app")
        reader_arn, partner_app_arn = user_arn("partner-reader", PARTNER), user_arn("partner-app", PARTNER)
        item = {"pk": {"S": "item-0"}, "v": {"S": "shared"}}
        # IAM allows, no resource policy.
        err = self.assertAccessDenied(reader.get_item, reader_arn, "dynamodb:GetItem", arn, "no-resource",
                                      TableName=arn, Key={"pk": {"S": "item-0"}})
        out = self.explain(err)
        self.assertIn("Decision: ImplicitDeny (no-resource)", out)
        self.assertIn(f"(account {ACCOUNT}, cross-account; resource-based policy: none)", out)
        self.assertIn("the resource has no resource-based policy", out)
        # The resource policy allows, the caller's IAM does not.
        self.put_policy(arn, statement([reader_arn, partner_app_arn], ["dynamodb:GetItem", "dynamodb:PutItem"],
                                       arn, sid="Partners"))
        self.assertAccessDenied(partner_app.get_item, partner_app_arn, "dynamodb:GetItem", arn, "no-identity",
                                TableName=arn, Key={"pk": {"S": "item-0"}})
        # Both allow.
        self.assertEqual(reader.get_item(TableName=arn, Key={"pk": {"S": "item-0"}})["Item"], item)
        reader.put_item(TableName=arn, Item={"pk": {"S": "from-partner"}})
        self.assertIsNotNone(self.get(name, "from-partner"))
        # Both must allow the action: Query is in IAM only.
        self.assertAccessDenied(reader.query, reader_arn, "dynamodb:Query", arn, "no-resource", TableName=arn,
                                KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "x"}})
        # By name, the caller's own account is meant, where its IAM allows nothing.
        self.assertAccessDenied(reader.get_item, reader_arn, "dynamodb:GetItem",
                                f"arn:aws:dynamodb:{REGION}:{PARTNER}:table/{name}", "no-identity",
                                TableName=name, Key={"pk": {"S": "item-0"}})
        # The account principal: the partner account delegates to its IAM.
        self.put_policy(arn, statement(root_arn(PARTNER), "dynamodb:GetItem", arn))
        self.assertEqual(reader.get_item(TableName=arn, Key={"pk": {"S": "item-0"}})["Item"], item)
        self.assertAccessDenied(partner_app.get_item, partner_app_arn, "dynamodb:GetItem", arn, "no-identity",
                                TableName=arn, Key={"pk": {"S": "item-0"}})

    def test_cross_account_under_a_customer_managed_key(self):
        """A cross-account caller opens the table key as itself: the key must be shared too."""
        shared = self.key_with({"Version": "2012-10-17", "Statement": [
            {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": root_arn()}, "Action": "kms:*",
             "Resource": "*"},
            {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": root_arn(PARTNER)},
             "Action": "kms:Decrypt", "Resource": "*"}]})
        name, arn = self.new_table(sse=sse_kms(shared["KeyId"]))
        self.put(name, "item-0")
        reader_arn = user_arn("partner-reader", PARTNER)
        self.put_policy(arn, statement(reader_arn, "dynamodb:GetItem", arn))
        reader = self.as_user("partner-reader")
        self.assertEqual(reader.get_item(TableName=arn, Key={"pk": {"S": "item-0"}})["Item"], {"pk": {"S": "item-0"}})
        self.kms.disable_key(KeyId=shared["KeyId"])
        self.srv.advance_clock(360)
        self.assertDdbError("ValidationException", key_disabled(shared["Arn"]), reader.get_item, TableName=arn,
                            Key={"pk": {"S": "item-0"}})
        self.kms.enable_key(KeyId=shared["KeyId"])
        self.assertEqual(reader.get_item(TableName=arn, Key={"pk": {"S": "item-0"}})["Item"], {"pk": {"S": "item-0"}})

    def test_explicit_deny_in_the_resource_policy_beats_an_iam_allow(self):
        name, arn = self.new_table()
        self.put(name, "keep")
        lead = self.as_user("db-lead")  # dynamodb:* in IAM
        lead.put_item(TableName=name, Item={"pk": {"S": "mine"}})
        self.put_policy(arn, statement(user_arn("db-lead"), "dynamodb:DeleteItem", arn, effect="Deny",
                                       sid="NoDeletesByLead"))
        err = self.assertAccessDenied(lead.delete_item, user_arn("db-lead"), "dynamodb:DeleteItem", arn,
                                      "explicit-resource", TableName=name, Key={"pk": {"S": "keep"}})
        self.assertIsNotNone(self.get(name, "keep"))
        out = self.explain(err)
        self.assertIn(harness.access_denied(user_arn("db-lead"), "dynamodb:DeleteItem", arn, "explicit-resource"),
                      out)
        self.assertIn("Decision: ExplicitDeny (explicit-resource)", out)
        self.assertIn("an explicit Deny in the resource-based policy matches", out)
        self.assertIn('  - resource-policy statement 0 "NoDeletesByLead"', out)
        # Other actions still follow IAM; so does the same action by a caller the Deny does not name.
        self.assertIsNotNone(self.get(name, "mine", client=lead))
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "mine"}})

    def test_offline_explain_of_a_table_policy(self):
        arn = table_arn("Music")
        request = {"principal": user_arn("partner-reader", PARTNER), "action": "dynamodb:GetItem", "resource": arn,
                   "identityPolicies": [PARTNER_READER["inlinePolicies"]["tables-of-111122223333"]],
                   "resourcePolicy": json.loads(policy(statement(root_arn(PARTNER), "dynamodb:Query", arn,
                                                                 sid="PartnerQueries")))}
        p = harness.kmslab("explain", "-", "--fixtures", self.srv.fixtures, input=json.dumps(request))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn(harness.access_denied(request["principal"], "dynamodb:GetItem", arn, "no-resource"), p.stdout)
        self.assertIn('resource-policy statement 0 "PartnerQueries" (Allow): no match: Action', p.stdout)
        request["resourcePolicy"]["Statement"][0]["Action"] = "dynamodb:GetItem"
        p = harness.kmslab("explain", "-", "--fixtures", self.srv.fixtures, input=json.dumps(request))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Decision: Allow", p.stdout)

    @harness.cli_newer_than_debian("PutResourcePolicy and GetResourcePolicy (2024)")
    def test_cli_put_and_get(self):
        name, arn = self.new_table()
        doc = policy(statement(user_arn("app"), "dynamodb:GetItem", arn))
        res = self.ddb_cli("put-resource-policy", "--resource-arn", arn, "--policy", doc)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertRegex(res.json["RevisionId"], REVISION)
        res = self.ddb_cli("get-resource-policy", "--resource-arn", arn)
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(json.loads(res.json["Policy"]), json.loads(doc))
        res = self.ddb_cli("get-resource-policy", "--resource-arn", arn + "x")
        self.assertCliFails(res, "ResourceNotFoundException", "GetResourcePolicy", table_not_found(name + "x"))
