// The authorizations a DynamoDB operation needs before it runs (pipeline.h).
#ifndef KMSLAB_DDB_PLAN_H_
#define KMSLAB_DDB_PLAN_H_

#include <string>
#include <string_view>
#include <vector>

#include "kms/plan.h"

namespace kmslab::ddb {

class Plan {
 public:
  // `operation` is the DynamoDB operation's own name ("GetItem").
  explicit Plan(std::string_view operation) : operation_(operation) {}

  std::string_view operation() const { return operation_; }

  // dynamodb:<operation> on `resource` (a table, index, stream or backup ARN,
  // or "*"). The returned check's context takes the operation's condition keys.
  kms::AuthzCheck& Require(std::string resource) { return Require(operation_, std::move(resource)); }
  // dynamodb:<action> on `resource`: for an operation that acts through
  // others (TransactWriteItems authorizes dynamodb:PutItem ... per action).
  kms::AuthzCheck& Require(std::string_view action, std::string resource) {
    kms::AuthzCheck& check = checks.emplace_back();
    check.action = "dynamodb:" + std::string(action);
    check.resource = std::move(resource);
    return check;
  }

  std::vector<kms::AuthzCheck> checks;
  // Filled by the authorization stage in check order when record_outcomes is
  // set (the call becomes a trail event); empty otherwise.
  bool record_outcomes = false;
  std::vector<kms::AuthzOutcome> outcomes;

 private:
  std::string operation_;
};

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_PLAN_H_
