// Resource-based policies of DynamoDB tables and streams: the ARNs they hang
// from, the documents PutResourcePolicy accepts (with DynamoDB's texts), their
// place in the table's meta, and how authorization finds the one that applies.
//
// A table's policy also covers its indexes (index ARNs); each stream ARN
// `<table arn>/stream/<label>` has a policy of its own. The operations are in
// ops/resource_policies.cc; Service::Authorize attaches the policy to every
// check (AttachResourcePolicy), which the policy engine then combines with the
// caller's identity policies under IAM's rule (policy.h).
#ifndef KMSLAB_DDB_RESOURCE_POLICIES_H_
#define KMSLAB_DDB_RESOURCE_POLICIES_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ddb/plan.h"
#include "ddb/table.h"
#include "kms/plan.h"

namespace kmslab::ddb {

class Service;

// DynamoDB's limit on a policy document, whitespace included.
constexpr size_t kMaxResourcePolicyBytes = 20480;

// A DynamoDB ARN under a table: arn:aws:dynamodb:<region>:<account>:table/<name>
// followed by nothing, /index/<index>, /stream/<label> or something else.
struct TableResourceArn {
  enum class Kind { kTable, kIndex, kStream, kOther };
  Kind kind = Kind::kTable;
  std::string region, account, table;
  std::string sub;  // the index name or stream label; "" for kTable and kOther
};
// Nullopt unless `arn` is such an ARN in partition aws, with a 12-digit
// account, a Region-shaped region and a valid table name.
std::optional<TableResourceArn> ParseTableResourceArn(std::string_view arn);

// PutResourcePolicy's ResourceArn, checked as DynamoDB checks it before it
// looks for the table: a table or stream ARN, else ValidationException.
core::StatusOr<TableResourceArn> ReadPolicyResourceArn(const std::string& arn);

// A policy document as PutResourcePolicy accepts it: valid JSON within
// kMaxResourcePolicyBytes, a valid policy naming principals, and no Allow to
// everyone without a condition. The slot holds the document minified and
// parsed (revision_id unset). ValidationException with DynamoDB's texts.
core::StatusOr<ResourcePolicySlot> ReadResourcePolicyDocument(std::string_view text);

// The RevisionId of a change at `now_ms`: the epoch milliseconds, always
// above `previous` (a RevisionId or "").
std::string NextRevisionId(const std::string& previous, int64_t now_ms);

// The table's meta JSON members for its policies, and back (DecodeTableMeta;
// false when they are malformed).
void WriteResourcePolicies(rapidjson::Writer<rapidjson::StringBuffer>& out, const TableState& state);
bool ReadResourcePolicies(const rapidjson::Value& meta, TableState* state);

// CreateTable's ResourcePolicy member: when present, the call also needs
// dynamodb:PutResourcePolicy on the new table's ARN (as AWS asks).
void RequireCreateTablePolicy(const rapidjson::Value& request, const std::string& table_arn, Plan& plan);
// The policy CreateTable's ResourcePolicy member asks for, with its RevisionId
// at `now_ms`; nullopt when absent. DynamoDB's texts as for PutResourcePolicy.
core::StatusOr<std::optional<ResourcePolicySlot>> ReadCreateTablePolicy(const rapidjson::Value& request,
                                                                        int64_t now_ms);

// For a check on a table, index or stream ARN: the account owning it and the
// policy that applies (the table's for the table and its indexes, the
// stream's for a stream), read from the table if it exists. Other checks are
// left alone (IAM alone decides them).
void AttachResourcePolicy(const Service& service, kms::AuthzCheck& check);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_RESOURCE_POLICIES_H_
