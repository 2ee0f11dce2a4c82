// A Service over a real store and registry in a temporary directory, with a
// test authorizer and audit sink, for the kms/ unit tests.
#ifndef KMSLAB_KMS_SERVICE_TEST_FIXTURE_H_
#define KMSLAB_KMS_SERVICE_TEST_FIXTURE_H_

#include <doctest/doctest.h>
#include <stdlib.h>

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "iam/directory.h"
#include "kms/service.h"
#include "store/store.h"

namespace kmslab::kms {

// Records what the pipeline's audit stage saw.
class RecordingSink : public AuditSink {
 public:
  void Record(const AuditRecord& record) override {
    operations.emplace_back(record.operation);
    types.push_back(record.status.aws_type());
  }
  void RecordDueEvent(const DueEvent& event) override { due_events.emplace_back(EventNameOf(event.kind)); }
  void RecordCall(const CallContext&, audit::EventInput event, const std::vector<AuthzOutcome>&) override {
    operations.push_back(event.event_name);
    types.push_back(event.error_code);
  }
  std::vector<std::string> due_events;
  std::vector<std::string> operations, types;
};

// Counts authorizations and can deny all.
class CountingAuthorizer : public Authorizer {
 public:
  core::Status Authorize(const CallContext& call, const AuthzCheck& check, AuthzOutcome*) const override {
    ++calls;
    actions.push_back(check.action);
    if (!deny) return core::Status();
    return core::Status(core::Code::kPermissionDenied,
                        "User: " + call.caller->arn + " is not authorized to perform: " + check.action,
                        "AccessDeniedException");
  }
  mutable int calls = 0;
  mutable std::vector<std::string> actions;
  bool AllowsPolicyUpdate(const CallContext&, const store::KeyRow&,
                          const std::shared_ptr<const policy::Policy>&) const override {
    return !deny;
  }
  bool deny = false;
};

struct Fixture {
  explicit Fixture(Options options = {}) {
    char tmpl[] = "/tmp/kmslab-service-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    db = std::move(store::Store::Open(std::string(tmpl) + "/kmslab.db")).value();
    keys = std::move(KeyRegistry::Load(db.get(), core::SecretBytes(std::string(32, 'k')), &clock)).value();
    service = std::make_unique<Service>(keys.get(), &clock, &authorizer, &sink, options);
    call.caller = iam::RootIdentity("111122223333");
    call.region = "us-east-1";
  }
  Reply Call(const char* op, const std::string& body) { return service->Handle(op, body, call); }
  std::string CreateKey(const std::string& body = "{}") {
    Reply r = Call("CreateKey", body);
    REQUIRE(r.status.ok());
    rapidjson::Document doc;
    doc.Parse(r.body.data(), r.body.size());
    return doc["KeyMetadata"]["KeyId"].GetString();
  }

  core::ServerClock clock;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<KeyRegistry> keys;
  CountingAuthorizer authorizer;
  RecordingSink sink;
  std::unique_ptr<Service> service;
  CallContext call;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_SERVICE_TEST_FIXTURE_H_
