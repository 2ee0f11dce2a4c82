// PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy: a table's or a
// stream's resource-based policy (resource_policies.h), kept in the table's
// meta with its RevisionId. Authorized as dynamodb:<Op> on the ResourceArn, in
// the owner's account only. kmslab applies a change at once (AWS is eventually
// consistent and refuses changes for 15 seconds after one).
#include "ddb/operations.h"
#include "ddb/ops/common.h"
#include "ddb/resource_policies.h"
#include "ddb/streams.h"

namespace kmslab::ddb::ops {

namespace {

// The request of the three operations.
struct PolicyRequest {
  std::string arn;                          // ResourceArn, as sent
  TableResourceArn target;                  // ResourceArn, parsed
  std::string policy;                       // PutResourcePolicy's Policy
  std::optional<std::string> expected;      // ExpectedRevisionId
  bool confirm_remove_self_access = false;  // PutResourcePolicy's ConfirmRemoveSelfResourceAccess
};

// ExpectedRevisionId's bounds (the API's: 1-255 characters).
core::Status ReadExpectedRevision(const rapidjson::Value& body, PolicyRequest& q) {
  ASSIGN_OR_RETURN(q.expected, OptionalString(body, "ExpectedRevisionId"));
  if (q.expected && (q.expected->empty() || q.expected->size() > 255)) {
    return ValidationError("1 validation error detected: Value '" + *q.expected +
                           "' at 'expectedRevisionId' failed to satisfy constraint: Member must have length " +
                           (q.expected->empty() ? "greater than or equal to 1" : "less than or equal to 255"));
  }
  return core::Status();
}

core::Status ReadResourceArn(const rapidjson::Value& body, PolicyRequest& q) {
  ASSIGN_OR_RETURN(q.arn, RequiredString(body, "ResourceArn", "resourceArn"));
  if (q.arn.empty() || q.arn.size() > 1283) {
    return ValidationError("1 validation error detected: Value '" + q.arn +
                           "' at 'resourceArn' failed to satisfy constraint: Member must have length " +
                           (q.arn.empty() ? "greater than or equal to 1" : "less than or equal to 1283"));
  }
  ASSIGN_OR_RETURN(q.target, ReadPolicyResourceArn(q.arn));
  return core::Status();
}

// Plans dynamodb:<Op> on q's ResourceArn, refusing another Region's or account's.
core::Status RequireOwnResource(const kms::CallContext& call, const PolicyRequest& q, Plan& plan) {
  if (q.target.region != call.region) {
    return ValidationError("One or more parameter values were invalid: Invalid resource Arn: " + q.arn);
  }
  if (q.target.account != call.caller->account) {
    return ValidationError("This action is only supported by accounts that match the resource owner\u2019s account.");
  }
  plan.Require(q.arn);
  return core::Status();
}

// The table q names, or DynamoDB's ResourceNotFoundException. A stream ARN
// must name a stream of that table that is kept (its current one, or an
// earlier one closed less than the retention ago), whatever its label's shape.
core::StatusOr<std::shared_ptr<Table>> PolicyTable(Service& s, const kms::CallContext& call, const PolicyRequest& q) {
  std::shared_ptr<Table> table = s.FindTable(call, q.target.table);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + q.target.table + " not found");
  if (q.target.kind == TableResourceArn::Kind::kStream &&
      !KeptStream(s, call, table->arn + "/stream/" + q.target.sub, table->table_id)) {
    // [I] the Streams API's text for an unknown stream (docs/spec/dynamodb.md section 6.2).
    return ResourceNotFound("Requested resource not found: Stream: " + q.arn + " not found");
  }
  return table;
}

// Drops the policies of streams no longer kept (dropped after the retention).
// Requires table.mu held exclusively.
void DropGoneStreamPolicies(Service& s, const kms::CallContext& call, Table& table) {
  auto& policies = table.state.stream_policies;
  for (auto it = policies.begin(); it != policies.end();) {
    if (KeptStream(s, call, table.arn + "/stream/" + it->first, table.table_id)) {
      ++it;
    } else {
      it = policies.erase(it);
    }
  }
}

// The slot q names in `state`, or null when a stream has none yet.
ResourcePolicySlot* FindSlot(TableState& state, const PolicyRequest& q) {
  if (q.target.kind != TableResourceArn::Kind::kStream) return &state.resource_policy;
  auto it = state.stream_policies.find(q.target.sub);
  return it == state.stream_policies.end() ? nullptr : &it->second;
}

// ExpectedRevisionId against the current slot (null or without text: no policy).
core::Status CheckExpectedRevision(const PolicyRequest& q, const ResourcePolicySlot* slot) {
  if (!q.expected) return core::Status();
  const bool present = slot && !slot->text.empty();
  const std::string& table = q.target.table;
  if (*q.expected == "NO_POLICY") {
    if (!present) return core::Status();
    return PolicyNotFound("Requested policy update expecting none to be present for table " + table +
                          ", but a policy exists with revision id " + slot->revision_id + ".");
  }
  if (!present) {
    return PolicyNotFound("Requested update for policy with revision id " + *q.expected + ", but table " + table +
                          " has no associated policy.");
  }
  if (slot->revision_id == *q.expected) return core::Status();
  return PolicyNotFound("Requested update for policy with revision id " + *q.expected +
                        ", but the policy associated to target table " + table + " has revision id " +
                        slot->revision_id + ".");
}

void WriteRevision(JsonWriter& out, const std::string& revision_id) {
  out.StartObject();
  if (!revision_id.empty()) {
    out.Key("RevisionId");
    out.String(revision_id);
  }
  out.EndObject();
}

// Persists table->state after `change` (under the table's lock); on a store
// failure the state is put back.
core::Status ChangeState(Service& s, Table& table, const TableState& before) {
  core::Status saved = s.SaveTable(table);
  if (!saved.ok()) table.state = before;
  return saved;
}

// The stages the three operations share: their request, and dynamodb:<Op> on
// the ResourceArn, which must be in the caller's account and Region.
struct PolicyOp {
  using Request = PolicyRequest;
  static core::Status Resolve(Service&, const kms::CallContext& call, const Request& q, Plan& plan) {
    return RequireOwnResource(call, q, plan);
  }
};

}  // namespace

struct PutResourcePolicyOp : PolicyOp {
  static constexpr const char* kName = "PutResourcePolicy";
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadResourceArn(body, q));
    ASSIGN_OR_RETURN(q.policy, RequiredString(body, "Policy", "policy"));
    if (q.policy.size() > kMaxResourcePolicyBytes) {
      return ValidationError("One or more parameter values were invalid: Maximum policy size of " +
                             std::to_string(kMaxResourcePolicyBytes) + " bytes exceeded");
    }
    RETURN_IF_ERROR(ReadExpectedRevision(body, q));
    ASSIGN_OR_RETURN(q.confirm_remove_self_access, OptionalBool(body, "ConfirmRemoveSelfResourceAccess"));
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(PutResourcePolicy);

core::Status PutResourcePolicyOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, PolicyTable(s, call, q));
  ASSIGN_OR_RETURN(ResourcePolicySlot next, ReadResourcePolicyDocument(q.policy));
  if (!q.confirm_remove_self_access) {
    // The lockout check: the caller must keep dynamodb:PutResourcePolicy under the new policy.
    kms::AuthzCheck probe;
    probe.action = "dynamodb:PutResourcePolicy";
    probe.resource = q.arn;
    probe.resource_account = q.target.account;
    probe.resource_policy = next.parsed;
    if (!s.Allows(call, probe)) {
      return AccessDenied("The new resource policy will not allow you to update the resource policy in the future.");
    }
  }
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found: Table: " + q.target.table + " not found");
  ResourcePolicySlot* slot = FindSlot(table->state, q);
  RETURN_IF_ERROR(CheckExpectedRevision(q, slot));
  if (slot && slot->text == next.text) {  // the same document: no change, the same RevisionId
    WriteRevision(out, slot->revision_id);
    return core::Status();
  }
  const TableState before = table->state;
  if (!slot) DropGoneStreamPolicies(s, call, *table);
  ResourcePolicySlot& target = slot ? *slot : table->state.stream_policies[q.target.sub];
  next.revision_id = NextRevisionId(target.revision_id, s.NowMillis());
  target = std::move(next);
  const std::string revision_id = target.revision_id;
  RETURN_IF_ERROR(ChangeState(s, *table, before));
  WriteRevision(out, revision_id);
  return core::Status();
}

struct GetResourcePolicyOp : PolicyOp {
  static constexpr const char* kName = "GetResourcePolicy";
  static core::Status Read(const rapidjson::Value& body, Request& q) { return ReadResourceArn(body, q); }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(GetResourcePolicy);

core::Status GetResourcePolicyOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, PolicyTable(s, call, q));
  std::shared_lock<std::shared_mutex> lock(table->mu);
  const ResourcePolicySlot* slot = FindSlot(table->state, q);
  if (!slot || slot->text.empty()) return PolicyNotFound(q.arn);
  out.StartObject();
  out.Key("Policy");
  out.String(slot->text);
  out.Key("RevisionId");
  out.String(slot->revision_id);
  out.EndObject();
  return core::Status();
}

struct DeleteResourcePolicyOp : PolicyOp {
  static constexpr const char* kName = "DeleteResourcePolicy";
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadResourceArn(body, q));
    return ReadExpectedRevision(body, q);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(DeleteResourcePolicy);

// Without a policy the call succeeds and changes nothing; it answers with the
// RevisionId of the last deletion, if any (AWS's tombstone). A deletion
// answers with the removed policy's RevisionId.
core::Status DeleteResourcePolicyOp::Execute(Service& s, const kms::CallContext& call, Request& q,
                                             JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, PolicyTable(s, call, q));
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found: Table: " + q.target.table + " not found");
  ResourcePolicySlot* slot = FindSlot(table->state, q);
  RETURN_IF_ERROR(CheckExpectedRevision(q, slot));
  if (!slot || slot->text.empty()) {
    WriteRevision(out, slot ? slot->revision_id : "");
    return core::Status();
  }
  const TableState before = table->state;
  const std::string removed = slot->revision_id;
  slot->revision_id = NextRevisionId(removed, s.NowMillis());
  slot->text.clear();
  slot->parsed.reset();
  RETURN_IF_ERROR(ChangeState(s, *table, before));
  WriteRevision(out, removed);
  return core::Status();
}

}  // namespace kmslab::ddb::ops
