#include "policy/actions.h"

#include "core/strings.h"

namespace kmslab::policy {
namespace {

constexpr std::string_view kGrantOperations[] = {
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
    "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
};

constexpr std::string_view kCrossAccountOnlyExtra[] = {"GetKeyRotationStatus", "ListGrants", "RevokeGrant"};

// "kms:Decrypt" -> "Decrypt"; "" for other services.
std::string_view KmsName(std::string_view action) {
  if (action.size() < 4 || !core::EqualsIgnoreCase(action.substr(0, 4), "kms:")) return "";
  return action.substr(4);
}

}  // namespace

std::string_view GrantOperationFor(std::string_view action) {
  std::string_view name = KmsName(action);
  for (std::string_view op : kGrantOperations)
    if (core::EqualsIgnoreCase(op, name)) return op;
  return "";
}

bool IsCrossAccountEligible(std::string_view action) {
  if (!GrantOperationFor(action).empty()) return true;
  std::string_view name = KmsName(action);
  for (std::string_view op : kCrossAccountOnlyExtra)
    if (core::EqualsIgnoreCase(op, name)) return true;
  return false;
}

bool GrantIgnoresConstraints(std::string_view operation) {
  return operation == "DescribeKey" || operation == "RetireGrant";
}

bool IsRetireGrant(std::string_view action) { return core::EqualsIgnoreCase(action, "kms:RetireGrant"); }
bool IsCreateGrant(std::string_view action) { return core::EqualsIgnoreCase(action, "kms:CreateGrant"); }

}  // namespace kmslab::policy
