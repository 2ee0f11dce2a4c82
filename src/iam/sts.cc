#include "iam/sts.h"

#include "core/arn.h"

namespace kmslab::iam {

namespace {
core::Status StsError(core::Code code, const std::string& type, const std::string& message) {
  return core::Status(code, message, type);
}

bool ValidSessionName(const std::string& name) {
  if (name.size() < 2 || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("_+=,.@-").find(c) == std::string::npos) {
      return false;
    }
  }
  return true;
}
}  // namespace

core::StatusOr<Credential> AssumeRole(Directory& directory, const Identity& caller, const AssumeRoleRequest& request,
                                      int64_t now_ms) {
  if (!ValidSessionName(request.session_name)) {
    return StsError(core::Code::kInvalidArgument, "ValidationError",
                    "1 validation error detected: Value '" + request.session_name +
                        "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression "
                        "pattern: [\\w+=,.@-]*");
  }
  if (request.duration_seconds < 900 || request.duration_seconds > 43200) {
    return StsError(core::Code::kInvalidArgument, "ValidationError",
                    "1 validation error detected: Value '" + std::to_string(request.duration_seconds) +
                        "' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and "
                        "43200");
  }
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
  return directory.AddSession(*role, request.session_name, now_ms + request.duration_seconds * 1000);
}

}  // namespace kmslab::iam
