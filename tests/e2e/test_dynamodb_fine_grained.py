"""DynamoDB's fine-grained access control through boto3 (docs/spec/dynamodb.md section 10):
identity policies conditioned on dynamodb:LeadingKeys (each user's own partition, through
${aws:userid}), dynamodb:Attributes and dynamodb:Select (an attribute allow-list) and
dynamodb:ReturnValues (no old items back); the AccessDeniedException text DynamoDB gives
when such a condition fails, and `kmslab explain` naming the condition."""
import harness
from ddb_case import DdbCase, table_arn
from harness import ACCOUNT, user_arn

TABLE = "Scores"
ARN = table_arn(TABLE)
ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:Query",
                "dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert"]

# The documented per-user partition policy, as written (reference section 10).
OWN_ITEMS = {"Version": "2012-10-17", "Statement": [{
    "Sid": "OwnItemsOnly", "Effect": "Allow", "Action": ITEM_ACTIONS, "Resource": ARN,
    "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}}}]}
# The documented attribute allow-list: the key attributes and TopScore, by name only.
SCORES_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "TopScoreOnly", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
    "Resource": ARN,
    "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"]},
                  "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}}]}
# Everything on the table, but no write may return the old item.
NO_OLD_ITEMS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "dynamodb:*", "Resource": ARN},
    {"Sid": "NoOldItems", "Effect": "Deny",
     "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], "Resource": ARN,
     "Condition": {"StringEquals": {"dynamodb:ReturnValues": "ALL_OLD"}}}]}

# The documented protected attributes: UpdateItem on anything but Secret*.
SECRET_PROTECTED = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "dynamodb:UpdateItem", "Resource": ARN,
    "Condition": {"ForAllValues:StringNotLike": {"dynamodb:Attributes": ["Secret*"]}}}]}

USERS = {"fg-player-one": OWN_ITEMS, "fg-player-two": OWN_ITEMS, "score-reader": SCORES_ONLY,
         "careful-writer": NO_OLD_ITEMS, "score-keeper": SECRET_PROTECTED}


def identities():
    ids = harness.fixture_identities()
    acct = ids["accounts"][ACCOUNT]
    for n, (name, doc) in enumerate(sorted(USERS.items())):
        acct["users"].append({"name": name,
                              "accessKeys": [{"id": f"AKIAKMSLABFGAC{n:06d}", "secret": f"kmslab-{name}-secret"}],
                              "inlinePolicies": {"fine-grained": doc}})
    return ids


def key(user, game="Meteor"):
    return {"UserId": {"S": user}, "GameTitle": {"S": game}}


class DynamoDbFineGrainedTest(DdbCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.start_with_identities(identities())
        ddb = cls.srv.ddb()
        ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "UserId", "AttributeType": "S"},
                                               {"AttributeName": "GameTitle", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "UserId", "KeyType": "HASH"},
                                    {"AttributeName": "GameTitle", "KeyType": "RANGE"}])
        cls.ids = {name: harness.creds_of(name, cls.srv.fixtures) for name in USERS}

    @classmethod
    def tearDownClass(cls):
        harness.shutdown_and_remove_fixtures(cls.srv)

    def userid(self, name):
        return self.srv.client_as(self.ids[name], "sts").get_caller_identity()["UserId"]

    def client(self, name):
        return self.srv.ddb(self.ids[name])

    def seed(self, user, game="Meteor", **attrs):
        item = dict(key(user, game), TopScore={"N": "100"}, Secret={"S": "cheat code"}, **attrs)
        self.ddb.put_item(TableName=TABLE, Item=item)
        return item

    def assertDenied(self, name, action, fn, reason="no-identity", **kwargs):
        return self.assertAccessDenied(fn, user_arn(name), action, ARN, reason, TableName=TABLE, **kwargs)

    # --- dynamodb:LeadingKeys ------------------------------------------------------------
    def test_own_partition_only(self):
        one, two = self.userid("fg-player-one"), self.userid("fg-player-two")
        self.assertTrue(one.startswith("AIDA"), one)
        p1 = self.client("fg-player-one")
        mine = dict(key(one), TopScore={"N": "7"})
        p1.put_item(TableName=TABLE, Item=mine)
        self.assertEqual(p1.get_item(TableName=TABLE, Key=key(one))["Item"], mine)
        p1.update_item(TableName=TABLE, Key=key(one), UpdateExpression="SET TopScore = :s",
                       ExpressionAttributeValues={":s": {"N": "8"}})
        r = p1.query(TableName=TABLE, KeyConditionExpression="UserId = :u",
                     ExpressionAttributeValues={":u": {"S": one}})
        self.assertEqual(r["Items"], [dict(mine, TopScore={"N": "8"})])

        theirs = self.seed(two)
        self.assertDenied("fg-player-one", "dynamodb:GetItem", p1.get_item, Key=key(two))
        self.assertDenied("fg-player-one", "dynamodb:PutItem", p1.put_item, Item=dict(key(two), TopScore={"N": "0"}))
        self.assertDenied("fg-player-one", "dynamodb:UpdateItem", p1.update_item, Key=key(two),
                          UpdateExpression="SET TopScore = :s", ExpressionAttributeValues={":s": {"N": "0"}})
        self.assertDenied("fg-player-one", "dynamodb:DeleteItem", p1.delete_item, Key=key(two))
        self.assertDenied("fg-player-one", "dynamodb:Query", p1.query, KeyConditionExpression="UserId = :u",
                          ExpressionAttributeValues={":u": {"S": two}})
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key=key(two))["Item"], theirs)
        # The other user's own items are theirs to read; Scan is not in the policy at all.
        self.assertEqual(self.client("fg-player-two").get_item(TableName=TABLE, Key=key(two))["Item"], theirs)
        self.assertDenied("fg-player-one", "dynamodb:Scan", p1.scan)
        p1.delete_item(TableName=TABLE, Key=key(one))

    def test_own_partition_in_batches_and_legacy_parameters(self):
        one, two = self.userid("fg-player-one"), self.userid("fg-player-two")
        p1 = self.client("fg-player-one")
        mine = [dict(key(one, f"game-{i}"), TopScore={"N": str(i)}) for i in range(3)]
        p1.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": item}} for item in mine]})
        got = p1.batch_get_item(RequestItems={TABLE: {"Keys": [key(one, f"game-{i}") for i in range(3)]}})
        self.assertEqual(len(got["Responses"][TABLE]), 3)
        theirs = self.seed(two, "game-9")

        def denied(action, fn, **kwargs):
            return self.assertAccessDenied(fn, user_arn("fg-player-one"), action, ARN, "no-identity", **kwargs)
        # One key of another's partition among one's own refuses the whole batch.
        denied("dynamodb:BatchGetItem", p1.batch_get_item,
               RequestItems={TABLE: {"Keys": [key(one, "game-0"), key(two, "game-9")]}})
        denied("dynamodb:BatchWriteItem", p1.batch_write_item,
               RequestItems={TABLE: [{"PutRequest": {"Item": mine[0]}},
                                     {"DeleteRequest": {"Key": key(two, "game-9")}}]})
        # Naming the table twice, by name and by ARN, does not split the condition.
        denied("dynamodb:BatchGetItem", p1.batch_get_item,
               RequestItems={TABLE: {"Keys": [key(one, "game-0")]}, ARN: {"Keys": [key(two, "game-9")]}})
        # PartiQL statements count as the item calls they stand for.
        select = f'SELECT * FROM "{TABLE}" WHERE UserId = ?'
        own = p1.execute_statement(Statement=select, Parameters=[{"S": one}])
        self.assertEqual(len(own["Items"]), 3)
        denied("dynamodb:PartiQLSelect", p1.execute_statement, Statement=select, Parameters=[{"S": two}])
        denied("dynamodb:PartiQLInsert", p1.execute_statement,
               Statement=f"INSERT INTO \"{TABLE}\" VALUE {{'UserId': ?, 'GameTitle': 'x'}}", Parameters=[{"S": two}])
        # Legacy parameters count as the expressions they stand for.
        denied("dynamodb:Query", p1.query, TableName=TABLE,
               KeyConditions={"UserId": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": two}]}})
        own = p1.query(TableName=TABLE,
                       KeyConditions={"UserId": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": one}]}})
        self.assertEqual(own["Count"], 3)
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key=key(two, "game-9"))["Item"], theirs)
        p1.batch_write_item(RequestItems={TABLE: [{"DeleteRequest": {"Key": key(one, f"game-{i}")}}
                                                  for i in range(3)]})

    def test_explain_names_the_leading_keys_condition(self):
        one, two = self.userid("fg-player-one"), self.userid("fg-player-two")
        err = self.assertDenied("fg-player-one", "dynamodb:GetItem", self.client("fg-player-one").get_item,
                                Key=key(two))
        text = self.explain(err)
        self.assertIn("AccessDeniedException: " + harness.access_denied(
            user_arn("fg-player-one"), "dynamodb:GetItem", ARN, "no-identity"), text)
        line = [ln for ln in text.splitlines() if "OwnItemsOnly" in ln]
        self.assertEqual(len(line), 1, text)
        self.assertIn('(Allow): no match: Condition ForAllValues:StringEquals dynamodb:LeadingKeys ["${aws:userid}"] '
                      f'(variables resolve to ["{one}"]); request: ["{two}"]', line[0])

    # --- dynamodb:Attributes and dynamodb:Select --------------------------------------------
    def test_attribute_allow_list(self):
        self.seed("reader-target")
        reader = self.client("score-reader")
        r = reader.get_item(TableName=TABLE, Key=key("reader-target"), ProjectionExpression="TopScore")
        self.assertEqual(r["Item"], {"TopScore": {"N": "100"}})
        r = reader.get_item(TableName=TABLE, Key=key("reader-target"), ProjectionExpression="UserId, #t",
                            ExpressionAttributeNames={"#t": "TopScore"})
        self.assertEqual(r["Item"], {"UserId": {"S": "reader-target"}, "TopScore": {"N": "100"}})
        err = self.assertDenied("score-reader", "dynamodb:GetItem", reader.get_item, Key=key("reader-target"),
                                ProjectionExpression="TopScore, Secret")
        self.assertIn('"TopScoreOnly" (Allow): no match: Condition ForAllValues:StringEquals dynamodb:Attributes '
                      '["UserId", "GameTitle", "TopScore"]; request: ["UserId", "GameTitle", "TopScore", "Secret"]',
                      self.explain(err))
        r = reader.query(TableName=TABLE, KeyConditionExpression="UserId = :u", ProjectionExpression="TopScore",
                         ExpressionAttributeValues={":u": {"S": "reader-target"}})
        self.assertEqual(r["Items"], [{"TopScore": {"N": "100"}}])
        self.assertDenied("score-reader", "dynamodb:Query", reader.query, KeyConditionExpression="UserId = :u",
                          ProjectionExpression="Secret", ExpressionAttributeValues={":u": {"S": "reader-target"}})
        # A filter reads the attribute it tests, even when the projection leaves it out.
        self.assertDenied("score-reader", "dynamodb:Query", reader.query, KeyConditionExpression="UserId = :u",
                          ProjectionExpression="TopScore", FilterExpression="Secret = :s",
                          ExpressionAttributeValues={":u": {"S": "reader-target"}, ":s": {"S": "cheat code"}})

    def test_protected_attributes_on_update(self):
        item = self.seed("keeper-target")
        keeper = self.client("score-keeper")
        keeper.update_item(TableName=TABLE, Key=key("keeper-target"), UpdateExpression="SET TopScore = :s",
                           ExpressionAttributeValues={":s": {"N": "101"}})
        denied = [
            {"UpdateExpression": "SET Secret = :s", "ExpressionAttributeValues": {":s": {"S": "x"}}},
            {"UpdateExpression": "REMOVE #s", "ExpressionAttributeNames": {"#s": "SecretTwo"}},
            # Copying the protected attribute reads it.
            {"UpdateExpression": "SET TopScore = Secret"},
            # So does a condition on it.
            {"UpdateExpression": "SET TopScore = :s", "ConditionExpression": "Secret = :c",
             "ExpressionAttributeValues": {":s": {"N": "0"}, ":c": {"S": "cheat code"}}},
        ]
        for params in denied:
            with self.subTest(params=params):
                self.assertDenied("score-keeper", "dynamodb:UpdateItem", keeper.update_item, Key=key("keeper-target"),
                                  **params)
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key=key("keeper-target"))["Item"],
                         dict(item, TopScore={"N": "101"}))

    def test_select_must_be_specific_attributes(self):
        self.seed("select-target")
        reader = self.client("score-reader")
        # No projection: every attribute, Select ALL_ATTRIBUTES.
        err = self.assertDenied("score-reader", "dynamodb:GetItem", reader.get_item, Key=key("select-target"))
        self.assertIn('"TopScoreOnly" (Allow): no match: Condition StringEqualsIfExists dynamodb:Select '
                      '["SPECIFIC_ATTRIBUTES"]; request: ["ALL_ATTRIBUTES"]', self.explain(err))
        self.assertDenied("score-reader", "dynamodb:Query", reader.query, KeyConditionExpression="UserId = :u",
                          ExpressionAttributeValues={":u": {"S": "select-target"}})
        self.assertDenied("score-reader", "dynamodb:Query", reader.query, KeyConditionExpression="UserId = :u",
                          Select="COUNT", ExpressionAttributeValues={":u": {"S": "select-target"}})

    # --- dynamodb:ReturnValues --------------------------------------------------------------
    def test_no_old_items_returned(self):
        writer = self.client("careful-writer")
        item = dict(key("writer"), TopScore={"N": "1"})
        writer.put_item(TableName=TABLE, Item=item)
        writer.put_item(TableName=TABLE, Item=item, ReturnValues="NONE")
        err = self.assertDenied("careful-writer", "dynamodb:PutItem", writer.put_item, "explicit-identity",
                                Item=item, ReturnValues="ALL_OLD")
        self.assertIn('"NoOldItems" (Deny): applies; Condition holds: StringEquals dynamodb:ReturnValues ["ALL_OLD"]; '
                      'request: ["ALL_OLD"]', self.explain(err))
        r = writer.update_item(TableName=TABLE, Key=key("writer"), UpdateExpression="SET TopScore = :s",
                               ExpressionAttributeValues={":s": {"N": "2"}}, ReturnValues="UPDATED_NEW")
        self.assertEqual(r["Attributes"], {"TopScore": {"N": "2"}})
        self.assertDenied("careful-writer", "dynamodb:UpdateItem", writer.update_item, "explicit-identity",
                          Key=key("writer"), UpdateExpression="SET TopScore = :s",
                          ExpressionAttributeValues={":s": {"N": "3"}}, ReturnValues="ALL_OLD")
        self.assertDenied("careful-writer", "dynamodb:DeleteItem", writer.delete_item, "explicit-identity",
                          Key=key("writer"), ReturnValues="ALL_OLD")
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key=key("writer"))["Item"], dict(item, TopScore={"N": "2"}))
        writer.delete_item(TableName=TABLE, Key=key("writer"))
        self.assertNotIn("Item", self.ddb.get_item(TableName=TABLE, Key=key("writer")))
