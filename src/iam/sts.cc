#include "iam/sts.h"

#include <string>
#include <string_view>
#include <vector>

#include "core/arn.h"

namespace kmslab::iam {

namespace {
core::Status StsError(core::Code code, const std::string& type, const std::string& message) {
  return core::Status(code, message, type);
}

// The constraint RoleSessionName breaks, as AWS's validator words it, or "".
// [I] A name breaking both its length and its pattern is reported once, for its length.
std::string SessionNameViolation(const std::string& name) {
  if (name.size() < 2) return "Member must have length greater than or equal to 2";
  if (name.size() > 64) return "Member must have length less than or equal to 64";
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("_+=,.@-").find(c) == std::string::npos) {
      return "Member must satisfy regular expression pattern: [\\w+=,.@-]*";
    }
  }
  return "";
}

// The constraint DurationSeconds breaks (the API's 900-43200 range), or "".
std::string DurationViolation(int64_t seconds) {
  if (seconds < 900) return "Member must have value greater than or equal to 900";
  if (seconds > 43200) return "Member must have value less than or equal to 43200";
  return "";
}

// AWS's "N validation error(s) detected: ..." over every member that breaks
// its constraint, joined with "; "; OK when none does. [I] the members'
// order when both fail (AWS's is not documented).
core::Status ValidateRequest(const AssumeRoleRequest& request) {
  std::vector<std::string> errors;
  if (std::string v = SessionNameViolation(request.session_name); !v.empty()) {
    errors.push_back("Value '" + request.session_name + "' at 'roleSessionName' failed to satisfy constraint: " + v);
  }
  if (std::string v = DurationViolation(request.duration_seconds); !v.empty()) {
    errors.push_back("Value '" + std::to_string(request.duration_seconds) +
                     "' at 'durationSeconds' failed to satisfy constraint: " + v);
  }
  if (errors.empty()) return core::Status();
  std::string message = std::to_string(errors.size()) +
                        (errors.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < errors.size(); ++i) message += (i ? "; " : "") + errors[i];
  return StsError(core::Code::kInvalidArgument, "ValidationError", message);
}
}  // namespace

core::StatusOr<Credential> AssumeRole(Directory& directory, const Identity& caller, const AssumeRoleRequest& request,
                                      int64_t now_ms) {
  RETURN_IF_ERROR(ValidateRequest(request));
  const Role* role = directory.FindRole(request.role_arn);
  const std::string denied = "User: " + caller.arn + " is not authorized to perform: sts:AssumeRole on resource: " +
                             request.role_arn;
  if (!role) return StsError(core::Code::kPermissionDenied, "AccessDenied", denied);

  policy::NamedPolicy trust{"trust-policy:role/" + role->name, role->trust_policy};
  policy::EvalRequest eval;
  eval.principal = caller.ToPrincipal();
  eval.action = "sts:AssumeRole";
  eval.resource = role->arn;
  eval.resource_account = role->account;
  eval.key_policy = &trust;
  eval.identity_policies = caller.policies;
  eval.context.Set("aws:PrincipalArn", caller.role_arn.empty() ? caller.arn : caller.role_arn);
  eval.context.Set("aws:PrincipalAccount", caller.account);
  eval.context.Set("sts:RoleSessionName", request.session_name);
  policy::Decision decision = policy::Authorize(eval);
  if (decision.effect != policy::Effect::kAllow) return StsError(core::Code::kPermissionDenied, "AccessDenied", denied);
  // Checked once the caller may assume the role, so a role's setting is not
  // disclosed to callers who may not. [I] the order.
  if (request.duration_seconds > role->max_session_seconds) {
    return StsError(core::Code::kInvalidArgument, "ValidationError",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  return directory.AddSession(*role, request.session_name, now_ms + request.duration_seconds * 1000);
}

}  // namespace kmslab::iam
