#include "kms/ops/grant_common.h"

#include "core/arn.h"

namespace kmslab::kms::ops {

std::vector<std::string_view> GrantOperationsFor(KeySpec spec, KeyUsage usage) {
  std::vector<std::string_view> ops = {"CreateGrant", "RetireGrant", "DescribeKey"};
  auto add = [&](std::initializer_list<std::string_view> more) { ops.insert(ops.end(), more); };
  switch (usage) {
    case KeyUsage::kEncryptDecrypt:
      add({"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo"});
      if (spec == KeySpec::kSymmetricDefault) {
        add({"GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
             "GenerateDataKeyPairWithoutPlaintext"});
      } else {
        add({"GetPublicKey"});
      }
      break;
    case KeyUsage::kSignVerify: add({"Sign", "Verify", "GetPublicKey"}); break;
    case KeyUsage::kGenerateVerifyMac: add({"GenerateMac", "VerifyMac"}); break;
    case KeyUsage::kKeyAgreement: add({"DeriveSharedSecret", "GetPublicKey"}); break;
  }
  return ops;
}

void WriteGrant(JsonOut::Writer& w, const GrantRecord& record, const std::string& key_arn) {
  const policy::Grant& g = record.grant;
  auto str = [&](const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.c_str());
  };
  auto pairs = [&](const char* name, const std::map<std::string, std::string>& map) {
    w.Key(name);
    w.StartObject();
    for (const auto& [k, v] : map) str(k.c_str(), v);
    w.EndObject();
  };
  w.StartObject();
  str("KeyId", key_arn);
  str("GrantId", g.grant_id);
  if (!g.name.empty()) str("Name", g.name);
  w.Key("CreationDate");
  w.Double(static_cast<double>(record.created_ms) / 1000.0);
  str("GranteePrincipal", g.grantee_principal);
  if (!g.retiring_principal.empty()) str("RetiringPrincipal", g.retiring_principal);
  str("IssuingAccount", g.issuing_account);
  w.Key("Operations");
  w.StartArray();
  for (const auto& op : g.operations) w.String(op.c_str());
  w.EndArray();
  if (!g.context_subset.empty() || !g.context_equals.empty()) {
    w.Key("Constraints");
    w.StartObject();
    if (!g.context_subset.empty()) pairs("EncryptionContextSubset", g.context_subset);
    if (!g.context_equals.empty()) pairs("EncryptionContextEquals", g.context_equals);
    w.EndObject();
  }
  w.EndObject();
}

bool IsGrantPrincipal(const std::string& principal, bool service_ok) {
  if (core::IsAccountId(principal)) return true;
  if (service_ok && principal.ends_with(".amazonaws.com") && principal.find(':') == std::string::npos) return true;
  auto arn = core::ParseArn(principal);
  if (!arn || !core::IsAccountId(arn->account)) return false;
  const std::string& r = arn->resource;
  if (arn->service == "iam") return r == "root" || r.starts_with("user/") || r.starts_with("role/");
  if (arn->service == "sts") return r.starts_with("assumed-role/") || r.starts_with("federated-user/");
  return false;
}

bool IsGrantId(const std::string& grant_id) {
  if (grant_id.size() != 64) return false;
  for (char c : grant_id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace kmslab::kms::ops
