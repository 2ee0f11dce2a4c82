"""DynamoDB shim, Time to Live (docs/spec/dynamodb.md §7):

- UpdateTimeToLive / DescribeTimeToLive: statuses, the echo, AWS's texts (already enabled,
  already disabled, a different AttributeName, the cooldown after a change, checked after the
  content), shape errors, a missing table, the aws CLI;
- the sweeper on the server clock (--ddb-ttl-sweep-seconds, default 60): expired items (a
  top-level N of epoch seconds below now, at most 5 years old) are deleted; strings, sets,
  nested attributes, future times and times more than 5 years old are kept; an expired item
  stays readable until a sweep;
- on a table under a customer managed key: sweeps while the key is usable; after DisableKey
  TTL deletes go on for 30 minutes (--ddb-ttl-grace-seconds, default 1800) after the
  sweeper's key check first fails, then stop; EnableKey resumes them; UpdateTimeToLive fails
  with the KMS error while the table is INACCESSIBLE_ENCRYPTION_CREDENTIALS, Describe works.

Time moves with POST /_kmslab/clock, never by sleeping.
"""
import harness
from ddb_case import DdbCase, key_disabled, new_name, sse_kms, table_not_found

COOLDOWN = 1860
FIVE_YEARS = 5 * 365 * 24 * 3600
MULTIPLE = "Time to live has been modified multiple times within a fixed interval"


class ServerPerClass(DdbCase):
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(args=list(cls.ARGS))
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def now_s(self):
        return self.srv.clock()["epochMillis"] // 1000

    def enable(self, name, attribute="exp"):
        return self.ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute})

    def disable(self, name, attribute="exp"):
        return self.ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": False, "AttributeName": attribute})

    def ttl(self, name):
        return self.ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]

    def item_count(self, name):
        return self.table(name)["ItemCount"]


class TtlApiTest(ServerPerClass):

    def test_statuses_and_texts(self):
        name = new_name("ttl")
        self.create_table(name)
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "DISABLED"})
        self.assertDdbError("ValidationException", "TimeToLive is already disabled", self.disable, name=name)
        r = self.enable(name)
        self.assertEqual(r["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "exp"})
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        # The content is checked before the cooldown.
        self.assertDdbError("ValidationException", "TimeToLive is already enabled", self.enable, name=name)
        self.assertDdbError("ValidationException",
                            "TimeToLive is active on a different AttributeName: current AttributeName is exp",
                            self.enable, name=name, attribute="other")
        self.assertDdbError("ValidationException",
                            "TimeToLive is active on a different AttributeName: current AttributeName is exp",
                            self.disable, name=name, attribute="other")
        self.assertDdbError("ValidationException", MULTIPLE, self.disable, name=name)
        self.srv.advance_clock(COOLDOWN - 60)
        self.assertDdbError("ValidationException", MULTIPLE, self.disable, name=name)
        self.srv.advance_clock(61)
        r = self.disable(name)
        self.assertEqual(r["TimeToLiveSpecification"], {"Enabled": False, "AttributeName": "exp"})
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "DISABLED"})
        # A rename is disable, wait, enable.
        self.assertDdbError("ValidationException", MULTIPLE, self.enable, name=name, attribute="expires")
        self.srv.advance_clock(COOLDOWN)
        self.enable(name, "expires")
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})

    def test_partition_key_as_ttl_attribute(self):
        name = new_name("ttl")
        self.create_table(name)
        self.enable(name, "pk")
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "ENABLED", "AttributeName": "pk"})

    def test_shape_errors_and_missing_table(self):
        name = new_name("ttl")
        self.create_table(name)

        def raw(spec):
            body = {"TableName": name}
            if spec is not None:
                body["TimeToLiveSpecification"] = spec
            return self.srv.ddb_raw(harness.ADMIN, "UpdateTimeToLive", body)
        self.assertRawError(raw({"Enabled": True, "AttributeName": ""}), "ValidationException",
                            "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' "
                            "failed to satisfy constraint: Member must have length greater than or equal to 1")
        self.assertRawError(raw({"Enabled": True, "AttributeName": "a" * 256}), "ValidationException",
                            "1 validation error detected: Value '" + "a" * 256 + "' at "
                            "'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must "
                            "have length less than or equal to 255")
        self.assertRawError(raw(None), "ValidationException",
                            "1 validation error detected: Value null at 'timeToLiveSpecification' failed to "
                            "satisfy constraint: Member must not be null")
        self.assertRawError(raw({"AttributeName": "exp"}), "ValidationException",
                            "1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed "
                            "to satisfy constraint: Member must not be null")
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "DISABLED"})
        missing = new_name("gone")
        self.assertDdbError("ResourceNotFoundException", table_not_found(missing), self.enable, name=missing)
        self.assertDdbError("ResourceNotFoundException", table_not_found(missing), self.ttl, name=missing)

    def test_cli(self):
        name = new_name("ttl")
        self.create_table(name)
        res = self.ddb_cli("update-time-to-live", "--table-name", name, "--time-to-live-specification",
                           "Enabled=true,AttributeName=expiresAt")
        self.assertEqual(res.rc, 0, res.stderr)
        self.assertEqual(res.json, {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expiresAt"}})
        res = self.ddb_cli("describe-time-to-live", "--table-name", name)
        self.assertEqual(res.json, {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED",
                                                              "AttributeName": "expiresAt"}})
        res = self.ddb_cli("update-time-to-live", "--table-name", name, "--time-to-live-specification",
                           "Enabled=true,AttributeName=expiresAt")
        self.assertCliFails(res, "ValidationException", "UpdateTimeToLive", "TimeToLive is already enabled")


class TtlSweepTest(ServerPerClass):

    def test_expired_items_are_deleted_by_the_sweep(self):
        name = new_name("ttl")
        self.create_table(name)
        self.enable(name)
        now = self.now_s()
        self.put(name, "expired", exp={"N": str(now - 10)})
        self.put(name, "expired-fraction", exp={"N": f"{now - 1}.5"})
        self.put(name, "five-years", exp={"N": str(now - FIVE_YEARS + 600)})
        self.put(name, "future", exp={"N": str(now + 3600)})
        self.put(name, "too-old", exp={"N": str(now - FIVE_YEARS - 600)})
        self.put(name, "string", exp={"S": str(now - 10)})
        self.put(name, "set", exp={"NS": [str(now - 10)]})
        self.put(name, "nested", m={"M": {"exp": {"N": str(now - 10)}}})
        self.put(name, "none")
        # Expired but not yet swept: still there.
        self.assertIsNotNone(self.get(name, "expired"))
        self.assertEqual(self.item_count(name), 9)
        self.srv.advance_clock(61)
        self.assertEqual(self.item_count(name), 6)
        for pk in ("expired", "expired-fraction", "five-years"):
            self.assertIsNone(self.get(name, pk), pk)
        for pk in ("future", "too-old", "string", "set", "nested", "none"):
            self.assertIsNotNone(self.get(name, pk), pk)
        # Changing the attribute saves an item; the future one expires in its time.
        self.ddb.update_item(TableName=name, Key={"pk": {"S": "future"}},
                             UpdateExpression="SET #e = :e", ExpressionAttributeNames={"#e": "exp"},
                             ExpressionAttributeValues={":e": {"N": str(now + 7200)}})
        self.srv.advance_clock(3600)
        self.assertIsNotNone(self.get(name, "future"))
        self.srv.advance_clock(3601)
        self.assertIsNone(self.get(name, "future"))

    def test_disabled_ttl_deletes_nothing(self):
        name = new_name("ttl")
        self.create_table(name)
        self.put(name, "expired", exp={"N": str(self.now_s() - 10)})
        self.srv.advance_clock(61)
        self.assertIsNotNone(self.get(name, "expired"))


class TtlCmkTest(ServerPerClass):

    def test_grace_period_after_disable_key(self):
        key = self.create_key()
        name = new_name("ttl")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        self.enable(name)
        t0 = self.now_s()
        for pk, at in (("a", 100), ("b", 900), ("b2", 2200), ("c", 2400), ("d", 10 ** 6)):
            self.put(name, pk, exp={"N": str(t0 + at)})
        self.put(name, "keep")
        self.srv.advance_clock(200)  # t0+200: the sweeper checks the key (good for 300 s), deletes a
        self.assertEqual(self.item_count(name), 5)
        self.assertIsNone(self.get(name, "a"))
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(360)  # t0+560: the sweeper's key check fails: 30 minutes from here
        self.assertEqual(self.item_count(name), 5)
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.ddb.get_item,
                            TableName=name, Key={"pk": {"S": "b"}})
        self.srv.advance_clock(440)  # t0+1000: b expired; deleted with the data key in memory
        self.assertEqual(self.item_count(name), 4)
        self.wait_status(name, "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        # UpdateTimeToLive fails with the KMS error; Describe works.
        self.assertDdbError("ValidationException", key_disabled(key["Arn"]), self.disable, name=name)
        self.assertEqual(self.ttl(name), {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        self.srv.advance_clock(1300)  # t0+2300: b2 expired, still inside the window (ends t0+2360)
        self.assertEqual(self.item_count(name), 3)
        self.srv.advance_clock(200)  # t0+2500: c expired, but the window is over
        self.assertEqual(self.item_count(name), 3)
        self.srv.advance_clock(600)
        self.assertEqual(self.item_count(name), 3)
        # EnableKey: the next sweep's key check works and deletes resume.
        self.kms.enable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(61)
        self.assertEqual(self.item_count(name), 2)
        self.assertIsNone(self.get(name, "c"))
        self.assertIsNotNone(self.get(name, "d"))
        self.assertIsNotNone(self.get(name, "keep"))


class TtlGraceSwitchTest(ServerPerClass):
    ARGS = ("--ddb-ttl-sweep-seconds", "10", "--ddb-ttl-grace-seconds", "120")

    def test_short_sweep_and_grace(self):
        key = self.create_key()
        name = new_name("ttl")
        self.create_table(name, sse=sse_kms(key["KeyId"]))
        self.enable(name)
        t0 = self.now_s()
        for pk, at in (("a", 5), ("b", 400), ("c", 600)):
            self.put(name, pk, exp={"N": str(t0 + at)})
        self.srv.advance_clock(11)
        self.assertEqual(self.item_count(name), 2)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.srv.advance_clock(301)  # t0+312: key check fails; window ends t0+432
        self.assertEqual(self.item_count(name), 2)
        self.srv.advance_clock(100)  # t0+412: b deleted
        self.assertEqual(self.item_count(name), 1)
        self.srv.advance_clock(200)  # t0+612: c expired, window over
        self.assertEqual(self.item_count(name), 1)
