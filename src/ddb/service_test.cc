#include "ddb/service.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "ddb/errors.h"
#include "ddb/operations.h"
#include "ddb/test_support.h"
#include "kms/policy_authorizer.h"

namespace kmslab::ddb {
namespace {

// Counts the KMS operations that succeeded, by name.
class CountingSink : public kms::AuditSink {
 public:
  void Record(const kms::AuditRecord& record) override {
    if (record.status.ok() && record.operation == "Decrypt") ++decrypts;
  }
  void RecordDueEvent(const kms::DueEvent&) override {}  // not a Decrypt
  void RecordCall(const kms::CallContext&, audit::EventInput event, const std::vector<kms::AuthzOutcome>&) override {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(event.event_name);
  }
  std::mutex mu;
  std::vector<std::string> calls;  // the DynamoDB calls audited, in order
  std::atomic<int> decrypts{0};
};

// The whole in-process stack: store, KMS (policy authorizer, grants), the shim.
struct Stack {
  Stack() {
    char tmpl[] = "/tmp/kmslab-ddb-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    db = std::move(store::Store::Open(dir + "/kmslab.db")).value();
    Start();
    call.caller = iam::RootIdentity("111122223333");
    call.region = "us-east-1";
  }
  // (Re)creates everything above the store, as a server start does.
  void Start() {
    ddb.reset();
    kms_service.reset();
    authorizer.reset();
    keys = std::move(kms::KeyRegistry::Load(db.get(), core::SecretBytes(std::string(32, 'k')), &clock)).value();
    authorizer = std::make_unique<kms::PolicyAuthorizer>(&clock, keys.get(), nullptr, 0);
    kms_service = std::make_unique<kms::Service>(keys.get(), &clock, authorizer.get(), &sink);
    ddb = std::make_unique<Service>(db.get(), kms_service.get(), &clock, core::SecretBytes(std::string(32, 'o')),
                                    options);
    REQUIRE(ddb->Load().ok());
  }
  Reply Ddb(const char* op, const std::string& body) { return ddb->Handle(op, body, call); }
  std::string CreateKey() {
    kms::Reply r = kms_service->Handle("CreateKey", "{}", call);
    REQUIRE(r.status.ok());
    rapidjson::Document doc;
    doc.Parse(r.body.data(), r.body.size());
    return doc["KeyMetadata"]["Arn"].GetString();
  }
  void CreateTable(const std::string& key_arn) {
    Reply r = Ddb("CreateTable",
                  R"({"TableName":"music","BillingMode":"PAY_PER_REQUEST",)"
                  R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],)"
                  R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                  R"("SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":")" +
                      key_arn + R"("}})");
    REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  }

  Options options;  // for the shim, at each Start()
  std::string dir;
  core::ServerClock clock;
  CountingSink sink;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<kms::KeyRegistry> keys;
  std::unique_ptr<kms::PolicyAuthorizer> authorizer;
  std::unique_ptr<kms::Service> kms_service;
  std::unique_ptr<Service> ddb;
  kms::CallContext call;
};

constexpr char kPut[] = R"({"TableName":"music","Item":{"pk":{"S":"k1"},"secret":{"S":"plaintext-marker-7f3a"}}})";
constexpr char kGet[] = R"({"TableName":"music","Key":{"pk":{"S":"k1"}}})";

TEST_CASE("a cached table key means one KMS Decrypt per caller per 5 minutes, however many requests") {
  Stack s;
  s.CreateTable(s.CreateKey());
  REQUIRE(s.Ddb("PutItem", kPut).status.ok());
  CHECK(s.sink.decrypts == 1);

  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        Reply r = s.Ddb("GetItem", kGet);
        if (!r.status.ok() || r.body.find("plaintext-marker-7f3a") == std::string::npos) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(s.sink.decrypts == 1);

  s.clock.AdvanceSeconds(299);
  REQUIRE(s.Ddb("GetItem", kGet).status.ok());
  CHECK(s.sink.decrypts == 1);
  s.clock.AdvanceSeconds(2);
  REQUIRE(s.Ddb("GetItem", kGet).status.ok());
  CHECK(s.sink.decrypts == 2);
}

TEST_CASE("items reach the store sealed, and come back after a restart through KMS") {
  Stack s;
  s.CreateTable(s.CreateKey());
  REQUIRE(s.Ddb("PutItem", kPut).status.ok());
  for (const char* file : {"/kmslab.db", "/kmslab.db-wal"}) {
    std::ifstream in(s.dir + file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    CHECK(bytes.str().find("plaintext-marker-7f3a") == std::string::npos);
  }
  s.Start();
  const int before = s.sink.decrypts;
  Reply r = s.Ddb("GetItem", kGet);
  REQUIRE(r.status.ok());
  CHECK(r.body.find("plaintext-marker-7f3a") != std::string::npos);
  CHECK(s.sink.decrypts == before + 1);
}

TEST_CASE("KMS errors reach the caller in DynamoDB's words") {
  Stack s;
  Reply r = s.Ddb("CreateTable",
                  R"({"TableName":"music","BillingMode":"PAY_PER_REQUEST",)"
                  R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],)"
                  R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                  R"("SSESpecification":{"Enabled":true,"SSEType":"KMS",)"
                  R"("KMSMasterKeyId":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000"}})");
  CHECK(r.status.aws_type() == "ValidationException");
  CHECK(r.status.message().starts_with(
      "KMS validation error: com.amazonaws.services.kms.model.NotFoundException: Key "
      "'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000' does not exist (Service: AWSKMS; "
      "Status Code: 400; Error Code: NotFoundException; Request ID: "));
  CHECK(s.Ddb("DescribeTable", R"({"TableName":"music"})").status.aws_type() == "ResourceNotFoundException");
  CHECK(WireErrorType("ValidationException") == "com.amazon.coral.validate#ValidationException");
  CHECK(WireErrorType("ResourceNotFoundException") == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
}

TEST_CASE("a caller without permissions gets no DynamoDB operation done, and each call is audited once") {
  Stack s;
  s.options.data_events = true;  // item calls audited too
  s.Start();
  s.CreateTable(s.CreateKey());
  REQUIRE(s.Ddb("PutItem", kPut).status.ok());
  Reply backup = s.Ddb("CreateBackup", R"({"TableName":"music","BackupName":"before"})");
  REQUIRE(backup.status.ok());
  rapidjson::Document doc;
  doc.Parse(backup.body.data(), backup.body.size());
  const std::string backup_arn = doc["BackupDetails"]["BackupArn"].GetString();
  const std::string on_backup = R"({"BackupArn":")" + backup_arn + R"("})";
  const std::map<std::string, std::string> requests = {
      {"BatchExecuteStatement", R"({"Statements":[{"Statement":"SELECT * FROM music WHERE pk = 'k1'"}]})"},
      {"BatchGetItem", R"({"RequestItems":{"music":{"Keys":[{"pk":{"S":"k1"}}]}}})"},
      {"BatchWriteItem", R"({"RequestItems":{"music":[{"PutRequest":{"Item":{"pk":{"S":"k2"}}}}]}})"},
      {"CreateBackup", R"({"TableName":"music","BackupName":"again"})"},
      {"CreateTable", R"({"TableName":"other","BillingMode":"PAY_PER_REQUEST",)"
                      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],)"
                      R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]})"},
      {"DeleteBackup", on_backup},
      {"DeleteItem", kGet},
      {"DeleteResourcePolicy", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/music"})"},
      {"DeleteTable", R"({"TableName":"music"})"},
      {"DescribeBackup", on_backup},
      {"DescribeContinuousBackups", R"({"TableName":"music"})"},
      {"DescribeTable", R"({"TableName":"music"})"},
      {"ExecuteStatement", R"({"Statement":"SELECT * FROM music WHERE pk = ?","Parameters":[{"S":"k1"}]})"},
      {"ExecuteTransaction", R"({"TransactStatements":[{"Statement":"UPDATE music SET plays = 2 WHERE pk = 'k1'"}]})"},
      {"GetItem", kGet},
      {"GetResourcePolicy", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/music"})"},
      {"ListBackups", "{}"},
      {"ListTables", "{}"},
      {"PutItem", kPut},
      {"PutResourcePolicy", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/music","Policy":)"
                            R"("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",)"
                            R"(\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"dynamodb:GetItem\",)"
                            R"(\"Resource\":\"*\"}]}"})"},
      {"Query", R"({"TableName":"music","KeyConditionExpression":"pk = :k",)"
                R"("ExpressionAttributeValues":{":k":{"S":"k1"}}})"},
      {"RestoreTableFromBackup", R"({"TargetTableName":"restored","BackupArn":")" + backup_arn + R"("})"},
      {"RestoreTableToPointInTime",
       R"({"SourceTableName":"music","TargetTableName":"pitr","UseLatestRestorableTime":true})"},
      {"Scan", R"({"TableName":"music"})"},
      {"TransactGetItems", R"({"TransactItems":[{"Get":)" + std::string(kGet) + "}]}"},
      {"TransactWriteItems", R"({"TransactItems":[{"Put":)" + std::string(kPut) + "}]}"},
      {"UpdateContinuousBackups",
       R"({"TableName":"music","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}})"},
      {"UpdateItem", R"({"TableName":"music","Key":{"pk":{"S":"k1"}},"UpdateExpression":"SET plays = :one",)"
                     R"("ExpressionAttributeValues":{":one":{"N":"1"}}})"},
      {"UpdateTable", R"({"TableName":"music","SSESpecification":{"Enabled":false}})"},
      {"UpdateTimeToLive", R"({"TableName":"music","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})"},
      {"DescribeTimeToLive", R"({"TableName":"music"})"},
      {"TagResource", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/music",)"
                      R"("Tags":[{"Key":"team","Value":"audio"}]})"},
      {"UntagResource", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/music","TagKeys":["team"]})"},
      {"ListTagsOfResource", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/music"})"},
      {"DescribeLimits", "{}"},
      {"DescribeEndpoints", "{}"},
      {"CreateGlobalTable", R"({"GlobalTableName":"music","ReplicationGroup":[{"RegionName":"us-east-1"}]})"},
      {"UpdateGlobalTable", R"({"GlobalTableName":"music","ReplicaUpdates":[]})"},
  };
  kms::CallContext nobody = s.call;
  auto identity = std::make_shared<iam::Identity>();
  identity->arn = "arn:aws:iam::111122223333:user/nobody";
  identity->account = "111122223333";
  identity->type = "IAMUser";
  identity->name = "nobody";
  identity->user_id = "AIDANOBODYEXAMPLE";
  nobody.caller = identity;
#define KMSLAB_NAME(name) #name,
  for (const char* op : {KMSLAB_DDB_OPERATIONS(KMSLAB_NAME)}) {
#undef KMSLAB_NAME
    CAPTURE(op);
    const auto request = requests.find(op);
    REQUIRE_MESSAGE(request != requests.end(), "no request for this operation: add one to the test");
    const size_t audited = s.sink.calls.size();
    const Reply reply = s.ddb->Handle(op, request->second, nobody);
    CHECK(reply.status.aws_type() == "AccessDeniedException");
    REQUIRE(s.sink.calls.size() == audited + 1);
    CHECK(s.sink.calls.back() == op);
  }
  // The same requests are good ones: the root user gets them done.
  for (const char* op : {"GetItem", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
                         "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
                         "UpdateItem", "Query", "Scan", "DescribeTable", "DescribeBackup",
                         "RestoreTableFromBackup", "UpdateContinuousBackups", "DescribeContinuousBackups",
                         "RestoreTableToPointInTime", "UpdateTable", "UpdateTimeToLive", "DescribeTimeToLive",
                         "TagResource", "ListTagsOfResource", "UntagResource", "DescribeLimits",
                         "DescribeEndpoints", "DeleteItem", "DeleteTable"}) {
    CAPTURE(op);
    if (std::string_view(op) == "DeleteTable") s.clock.AdvanceSeconds(60);  // the key switch settles first
    if (std::string_view(op) == "UpdateContinuousBackups") {
      s.clock.AdvanceSeconds(s.options.pitr_setup_seconds);  // a new table's backups are set up first
    }
    const Reply reply = s.Ddb(op, requests.at(op));
    CHECK_MESSAGE(reply.status.ok(), reply.status.ToString());
  }
}

TEST_CASE("BatchGetItem answers at most 16 MB and hands the rest back as UnprocessedKeys, in request form") {
  Stack s;
  s.CreateTable(s.CreateKey());
  const std::string big(400 * 1024 - 100, 'x');
  std::string keys;
  for (int i = 0; i < 45; ++i) {
    const std::string key = R"({"pk":{"S":"k)" + std::to_string(i) + R"("}})";
    const Reply put = s.Ddb("PutItem", R"({"TableName":"music","Item":{"pk":{"S":"k)" + std::to_string(i) +
                                           R"("},"v":{"S":")" + big + R"("}}})");
    REQUIRE_MESSAGE(put.status.ok(), put.status.ToString());
    keys += (i ? "," : "") + key;
  }
  keys += R"(,{"pk":{"S":"missing"}})";
  const Reply first = s.Ddb("BatchGetItem", R"({"RequestItems":{"music":{"Keys":[)" + keys +
                                                R"(],"ProjectionExpression":"pk","ConsistentRead":true}},)"
                                                R"("ReturnConsumedCapacity":"TOTAL"})");
  REQUIRE_MESSAGE(first.status.ok(), first.status.ToString());
  rapidjson::Document doc;
  doc.Parse(first.body.data(), first.body.size());
  // 40 items of 400 KB make 16 MB; the other 5 and the missing key come back.
  CHECK(doc["Responses"]["music"].Size() == 40);
  CHECK(doc["Responses"]["music"][0].MemberCount() == 1);  // projected
  const rapidjson::Value& rest = doc["UnprocessedKeys"]["music"];
  CHECK(rest["Keys"].Size() == 6);
  CHECK(std::string(rest["ProjectionExpression"].GetString()) == "pk");
  CHECK(rest["ConsistentRead"].GetBool());
  CHECK(doc["ConsumedCapacity"][0]["CapacityUnits"].GetDouble() == 40 * 100);

  const Reply second = s.Ddb("BatchGetItem", R"({"RequestItems":)" + testing::Text(doc["UnprocessedKeys"]) + "}");
  REQUIRE_MESSAGE(second.status.ok(), second.status.ToString());
  rapidjson::Document again;
  again.Parse(second.body.data(), second.body.size());
  CHECK(again["Responses"]["music"].Size() == 5);
  CHECK(again["UnprocessedKeys"].ObjectEmpty());
}

// ExecuteStatement of `statement`, with Parameters `parameters_json` ("" for none).
Reply Execute(Stack& s, const std::string& statement, const std::string& parameters_json = "") {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Statement");
  w.String(statement.c_str());
  w.EndObject();
  std::string body(buffer.GetString(), buffer.GetSize());
  if (!parameters_json.empty()) body.insert(body.size() - 1, ",\"Parameters\":" + parameters_json);
  return s.Ddb("ExecuteStatement", body);
}

TEST_CASE("PartiQL statements run as the item operations, with their validations and no partial writes") {
  Stack s;
  s.CreateTable(s.CreateKey());
  struct Case {
    const char* statement;
    const char* parameters;
    const char* error;  // the aws_type, "" for success
    const char* body;   // the response ("" to skip) or the error's message
  };
  const Case cases[] = {
      {"INSERT INTO music VALUE {'pk': 'a', 'n': 1, 'b': ?, 'bs': <<?, ?>>, 'm': {'l': [1, 'x', null]}}",
       R"([{"B":"AAE="},{"B":"AQ=="},{"B":"Ag=="}])", "", R"({"Items":[]})"},
      {"SELECT * FROM music WHERE pk = 'a'", "", "",
       R"({"Items":[{"pk":{"S":"a"},"n":{"N":"1"},"b":{"B":"AAE="},"bs":{"BS":["AQ==","Ag=="]},)"
       R"("m":{"M":{"l":{"L":[{"N":"1"},{"S":"x"},{"NULL":true}]}}}}]})"},
      {"SELECT m.l[1], n FROM music WHERE n IN [1, 2] AND begins_with(pk, 'a') AND m.l[0] BETWEEN 0 AND 5", "",
       "", R"({"Items":[{"m":{"M":{"l":{"L":[{"S":"x"}]}}},"n":{"N":"1"}}]})"},
      {"SELECT pk FROM music WHERE NOT (n <> 1) OR x IS NOT MISSING", "", "", R"({"Items":[{"pk":{"S":"a"}}]})"},
      {"SELECT pk FROM music WHERE pk = 'a' AND begins_with(pk, 'a') AND n = 1", "", "",
       R"({"Items":[{"pk":{"S":"a"}}]})"},
      {"INSERT INTO music VALUE {'pk': 'a'}", "", "DuplicateItemException", "Duplicate primary key exists in table"},
      {"INSERT INTO music VALUE {'n': 1}", "", "ValidationException",
       "One or more parameter values were invalid: Missing the key pk in the item"},
      {"INSERT INTO music VALUE {'pk': 1}", "", "ValidationException",
       "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"},
      {"INSERT INTO music VALUE {'pk': 'c', 's': <<1, 'x'>>}", "", "ValidationException",
       "Statement wasn't well formed, can't be processed: Set elements must all be strings, all numbers or all "
       "binary"},
      {"INSERT INTO music VALUE {'pk': 'c', 'n': 1e999}", "", "ValidationException", ""},
      {"UPDATE music SET pk = 'b' WHERE pk = 'a'", "", "ValidationException",
       "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
      {"UPDATE music SET n = 2 WHERE pk = 'a' AND n = 5", "", "ConditionalCheckFailedException",
       "The conditional request failed"},
      {"UPDATE music REMOVE m SET n = ? WHERE pk = 'a'", R"([{"N":"2"}])", "", R"({"Items":[]})"},
      {"SELECT * FROM music WHERE pk = ?", R"([{"S":"a"}])", "",
       R"({"Items":[{"pk":{"S":"a"},"n":{"N":"2"},"b":{"B":"AAE="},"bs":{"BS":["AQ==","Ag=="]}}]})"},
      {"SELECT * FROM music WHERE pk = ?", R"([{"S":"a"},{"S":"b"}])", "ValidationException",
       "Number of parameters in request and statement don't match."},
      {"SELECT * FROM music WHERE pk = ?", R"([{"Q":"a"}])", "ValidationException", ""},
      {"SELECT * FROM music WHERE pk = 1", "", "ValidationException",
       "One or more parameter values were invalid: Condition parameter type does not match schema type"},
      {"DELETE FROM music WHERE n = 2", "", "ValidationException",
       "Where clause does not contain a mandatory equality on all key attributes"},
      {"DELETE FROM music WHERE pk = 'a' OR pk = 'b'", "", "ValidationException",
       "Where clause does not contain a mandatory equality on all key attributes"},
      {"DELETE FROM music WHERE pk = 'a' AND n = 2 RETURNING ALL OLD *", "", "",
       R"({"Items":[{"pk":{"S":"a"},"n":{"N":"2"},"b":{"B":"AAE="},"bs":{"BS":["AQ==","Ag=="]}}]})"},
      {"SELECT * FROM music", "", "", R"({"Items":[]})"},
      {"SELECT * FROM nothing", "", "ResourceNotFoundException", "Requested resource not found"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.statement);
    const Reply reply = Execute(s, c.statement, c.parameters);
    CHECK(reply.status.aws_type() == c.error);
    if (std::string(c.error).empty()) {
      CHECK(reply.body == c.body);
    } else if (!std::string(c.body).empty()) {
      CHECK(reply.status.message() == c.body);
    }
  }
}

}  // namespace
}  // namespace kmslab::ddb
