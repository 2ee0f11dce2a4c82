#include "kms/service.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "core/json_members.h"
#include "core/json_text.h"
#include "kms/errors.h"
#include "kms/grant_token.h"
#include "kms/multi_region.h"
#include "kms/operations.h"

namespace kmslab::kms {

core::Status CheckKeyState(const store::KeyRow& key, KeyUse use, const Options& options) {
  using store::KeyState;
  const KeyState state = key.state;
  const std::string& arn = key.arn;
  switch (use) {
    case KeyUse::kAnyState:
      return core::Status();
    case KeyUse::kCryptographic:
      if (state == KeyState::kDisabled) return DisabledError(arn);
      if (state == KeyState::kPendingDeletion && options.pending_deletion_disabled) return DisabledError(arn);
      [[fallthrough]];
    case KeyUse::kManagement:
      if (state == KeyState::kPendingDeletion) return InvalidStateError(arn + " is pending deletion.");
      if (state == KeyState::kPendingImport) return InvalidStateError(arn + " is pending import.");
      if (state == KeyState::kPendingReplicaDeletion) return InvalidStateError(arn + " is pending replica deletion.");
      return core::Status();
    case KeyUse::kNotPendingDeletion:
      if (state == KeyState::kPendingDeletion) return InvalidStateError(arn + " is pending deletion.");
      if (state == KeyState::kPendingReplicaDeletion) return InvalidStateError(arn + " is pending replica deletion.");
      return core::Status();
    case KeyUse::kPendingDeletionOnly:
      if (state != KeyState::kPendingDeletion && state != KeyState::kPendingReplicaDeletion) {
        return InvalidStateError(arn + " is not pending deletion.");
      }
      return core::Status();
  }
  return core::Status();
}

core::Status Service::Authorize(const CallContext& call, Plan& plan) const {
  std::vector<std::string> token_grants;
  for (const std::string& token : plan.grant_tokens) {
    auto ref = ParseGrantToken(token);
    if (!ref) {
      return core::Status(core::Code::kInvalidArgument, "The grant token is not valid.", "InvalidGrantTokenException");
    }
    token_grants.push_back(ref->grant_id);
  }
  for (AuthzCheck& check : plan.checks) check.token_grant_ids = token_grants;
  auto check_states = [&]() -> core::Status {
    for (const AuthzCheck& check : plan.checks) {
      if (check.key) RETURN_IF_ERROR(CheckKeyState(check.key->meta, check.use, options_));
    }
    return core::Status();
  };
  // By default every authorization comes first (AccessDenied wins), then state.
  if (options_.key_state_before_access) RETURN_IF_ERROR(check_states());
  if (audit_) plan.outcomes.resize(plan.checks.size());
  for (size_t i = 0; i < plan.checks.size(); ++i) {
    const AuthzCheck& check = plan.checks[i];
    core::Status allowed = authorizer_->Authorize(call, check, audit_ ? &plan.outcomes[i] : nullptr);
    if (allowed.ok()) continue;
    // A forwarded (kms:ViaService) decrypt that is denied answers with the
    // legacy text services still show (docs/spec/kms.md section 7).
    if (!call.via_service.empty() && (check.action == "kms:Decrypt" || check.action == "kms:ReEncryptFrom")) {
      return AccessDeniedError(kLegacyCiphertextDenied);
    }
    return allowed;
  }
  if (!options_.key_state_before_access) RETURN_IF_ERROR(check_states());
  if (plan.dry_run) return DryRunError();
  return core::Status();
}

Reply Service::Complete(const CallContext& call, std::string_view operation, const Plan& plan,
                        const core::Status& status, JsonOut& out, const rapidjson::Value* request) {
  Reply reply{ToAwsError(status), status.ok() ? out.Finish() : std::string()};
  if (audit_) audit_->Record({call, operation, plan, reply.status, request, reply.body});
  return reply;
}

Reply Service::Handle(std::string_view operation, std::string_view body, const CallContext& call) {
  for (const DueEvent& done : keys_->RunDueWork(clock_->NowMillis())) {
    if (audit_) audit_->RecordDueEvent(done);
  }
  // Requests that never reach an operation are completed (and audited) here.
  auto reject = [&](const core::Status& status) {
    JsonOut out;
    return Complete(call, operation, Plan{}, status, out);
  };
  const OperationFn fn = FindOperation(operation);
  if (!fn) {
    return reject(core::Status(core::Code::kNotFound, "Operation " + std::string(operation) + " is not supported.",
                               "UnknownOperationException"));
  }
  // Requests are small: parse into a stack buffer rather than RapidJSON's
  // default 64 KiB heap chunks.
  char parse_buffer[16 * 1024];
  rapidjson::MemoryPoolAllocator<> allocator(parse_buffer, sizeof(parse_buffer));
  rapidjson::Document doc(&allocator);
  if (body.empty()) {
    doc.SetObject();
  } else {
    // Depth and encoding first: the parser, the operation and the trail's
    // renderer then never see deep nesting or invalid UTF-8.
    if (core::Status text = core::CheckJsonText(body); !text.ok()) {
      return reject(SerializationError("The request body is not valid JSON: " + text.message()));
    }
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError()) {
      return reject(SerializationError(std::string("The request body is not valid JSON: ") +
                                       rapidjson::GetParseError_En(doc.GetParseError()) + " (at offset " +
                                       std::to_string(doc.GetErrorOffset()) + ")"));
    }
    if (!doc.IsObject()) return reject(SerializationError("The request body must be a JSON object."));
    core::KeepLastMembers(doc, doc.GetAllocator());
  }
  return fn(*this, call, doc);
}

}  // namespace kmslab::kms
