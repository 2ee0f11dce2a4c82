// The parsed form of a policy document (docs/spec/kms.md section 4): statements
// with their Principal, Action, Resource and Condition elements, every pattern
// and typed value compiled once by ParsePolicy. Immutable after parsing;
// thread-safe to share.
#ifndef KMSLAB_POLICY_DOCUMENT_H_
#define KMSLAB_POLICY_DOCUMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/operators.h"
#include "policy/policy.h"
#include "policy/values.h"
#include "policy/variables.h"

namespace kmslab::policy {

// One entry of Principal / NotPrincipal.
struct PrincipalEntry {
  enum class Kind {
    kAny,            // "*" or {"AWS": "*"}: everyone; counts as naming the caller directly
    kAccount,        // account id or arn:aws:iam::A:root: the account principal (delegates to IAM)
    kUser,           // arn:aws:iam::A:user/path/name
    kRole,           // arn:aws:iam::A:role/path/name: the role and every session of it
    kSession,        // arn:aws:sts::A:assumed-role/R/S: that session only
    kFederatedUser,  // arn:aws:sts::A:federated-user/N
    kService,        // {"Service": "dynamodb.amazonaws.com"}
    kUnmatchable,    // unique ids (AIDA..., AROA...), Federated providers, CanonicalUser: never match
  };
  Kind kind = Kind::kAny;
  std::string value;    // the ARN, the service name or the account id
  std::string account;  // the account part, "" for kAny and kService
};

struct PrincipalElement {
  bool present = false;
  bool negated = false;  // NotPrincipal
  std::vector<PrincipalEntry> entries;
};

// Action / NotAction: case-insensitive globs.
struct ActionElement {
  bool present = false;
  bool negated = false;
  bool any = false;  // some pattern is "*"
  std::vector<std::string> patterns;  // encoded globs
};

// Resource / NotResource: case-sensitive ARN globs, possibly with variables.
struct ResourceElement {
  bool present = false;
  bool negated = false;
  bool any = false;  // some pattern is "*"
  std::vector<ValueTemplate> patterns;
};

// One policy value of a condition, compiled for its operator's ValueKind.
struct ConditionValue {
  ValueTemplate text;   // kString and kArn (variables allowed); the raw text for every kind
  double number = 0;    // kNumber
  int64_t date_ms = 0;  // kDate
  bool flag = false;    // kBool, kNull
  std::string bytes;    // kBinary: decoded base64
  IpNet net;            // kIp
};

// One "operator: {key: values}" pair. A statement's clauses combine with AND.
struct ConditionClause {
  Operator op;
  std::string key;          // lowercased
  std::string key_written;  // as in the policy, for traces
  std::vector<ConditionValue> values;
};

struct Statement {
  int index = 0;
  std::string sid;
  bool allow = true;  // Effect
  PrincipalElement principal;
  ActionElement action;
  ResourceElement resource;
  std::vector<ConditionClause> conditions;
};

class Policy {
 public:
  // Built by ParsePolicy only.
  Policy(PolicyKind kind, std::string version, std::string id, std::vector<Statement> statements,
         std::vector<std::string> warnings);

  PolicyKind kind() const { return kind_; }
  const std::string& version() const { return version_; }  // "" when absent
  const std::string& id() const { return id_; }
  // True when Version is 2012-10-17: ${...} variables are resolved.
  bool variables_enabled() const { return version_ == "2012-10-17"; }
  const std::vector<Statement>& statements() const { return statements_; }
  // Accepted oddities, e.g. a statement without Action or Resource (it never matches).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  PolicyKind kind_;
  std::string version_, id_;
  std::vector<Statement> statements_;
  std::vector<std::string> warnings_;
};

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_DOCUMENT_H_
