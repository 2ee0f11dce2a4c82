#include "ddb/service.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "ddb/errors.h"
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
  void RecordCall(const kms::CallContext&, audit::EventInput, const std::vector<kms::AuthzOutcome>&) override {}
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
    ddb = std::make_unique<Service>(db.get(), kms_service.get(), &clock, core::SecretBytes(std::string(32, 'o')));
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

}  // namespace
}  // namespace kmslab::ddb
