// CreateGrant: a grant on a key for a grantee, with operations and optional
// encryption-context constraints. Idempotent by Name. Authorized by
// kms:CreateGrant (policy, with the grant condition keys) or by a grant that
// includes CreateGrant (then the new grant may only narrow it).
#include "core/arn.h"
#include "core/random.h"
#include "core/strings.h"
#include "kms/errors.h"
#include "kms/grant_token.h"
#include "kms/ops/common.h"
#include "kms/ops/grant_common.h"

namespace kmslab::kms::ops {

namespace {
struct CreateGrantOp {
  static constexpr const char* kName = "CreateGrant";
  struct Request {
    std::string key_id, grantee;
    std::optional<std::string> retiring, name;
    std::vector<std::string> operations, grant_tokens;
    StringMap subset, equals;
    bool has_subset = false, has_equals = false, dry_run = false;
  };

  static void ReadPairs(RequestReader& r, const rapidjson::Value& constraints, const char* name, StringMap* out,
                        bool* present) {
    if (!constraints.HasMember(name) || constraints[name].IsNull()) return;
    *present = true;
    const rapidjson::Value& v = constraints[name];
    if (!v.IsObject()) return r.Fail("Constraints", "", false, std::string(name) + " must be a map of strings");
    for (const auto& m : v.GetObject()) {
      if (!m.value.IsString()) return r.Fail("Constraints", "", false, std::string(name) + " must be a map of strings");
      (*out)[std::string(m.name.GetString(), m.name.GetStringLength())] =
          std::string(m.value.GetString(), m.value.GetStringLength());
    }
  }

  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.grantee = r.String("GranteePrincipal", {.required = true, .min = 1, .max = 256}).value_or("");
    q.retiring = r.String("RetiringPrincipal", {.min = 1, .max = 256});
    q.operations = r.StringList("Operations", {.required = true, .min_items = 1, .enum_values = kGrantOperations})
                       .value_or(std::vector<std::string>{});
    if (const rapidjson::Value* c = r.Object("Constraints")) {
      for (const auto& m : c->GetObject()) {
        std::string member = m.name.GetString();
        if (member != "EncryptionContextSubset" && member != "EncryptionContextEquals" && member != "SourceArn") {
          r.Fail("Constraints", "", false, "Unknown constraint " + member);
        }
      }
      ReadPairs(r, *c, "EncryptionContextSubset", &q.subset, &q.has_subset);
      ReadPairs(r, *c, "EncryptionContextEquals", &q.equals, &q.has_equals);
    }
    q.grant_tokens = r.StringList("GrantTokens", kGrantTokensRule).value_or(std::vector<std::string>{});
    q.name = r.String("Name", {.min = 1, .max = 256});
    q.dry_run = r.Bool("DryRun").value_or(false);
  }

  static core::Status Validate(const Request& q) {
    // Texts as AWS has sent them (quoted in aws-sdk-java#328 and ansible#31960).
    if (q.has_subset && q.has_equals) return ValidationError("More than one constraint supplied");
    if (q.operations.size() == 1 && q.operations[0] == "CreateGrant") {
      return ValidationError("Grants must not contain only the CreateGrant operation.");
    }
    if (q.name) {
      for (char c : *q.name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '/' && c != '_' && c != '-') {
          return ValidationError("1 validation error detected: Value '" + *q.name +
                                 "' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                                 "pattern: ^[a-zA-Z0-9:/_-]+$");
        }
      }
    }
    return core::Status();
  }

  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    // Services name themselves as grantees only when they create the grant.
    const bool service_ok = !c.via_service.empty();
    if (!IsGrantPrincipal(q.grantee, service_ok)) {
      return ValidationError("GranteePrincipal " + q.grantee +
                             " is not a valid principal: use an AWS account ID or the ARN of an account root, IAM "
                             "user, IAM role, federated user or assumed-role session.");
    }
    if (q.retiring && !IsGrantPrincipal(*q.retiring, service_ok)) {
      return ValidationError("RetiringPrincipal " + *q.retiring + " is not a valid principal.");
    }
    plan.dry_run = q.dry_run;
    plan.grant_tokens = q.grant_tokens;
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:CreateGrant", KeyUse::kCryptographic, plan).status());
    AuthzCheck& check = plan[CheckRole::kKey];
    check.context.SetList("kms:GrantOperations", q.operations);
    check.context.Set("kms:GranteePrincipal", q.grantee);
    if (q.retiring) check.context.Set("kms:RetiringPrincipal", *q.retiring);
    if (q.has_subset) check.context.Set("kms:GrantConstraintType", "EncryptionContextSubset");
    if (q.has_equals) check.context.Set("kms:GrantConstraintType", "EncryptionContextEquals");
    check.context.SetBool("kms:GrantIsForAWSResource", !c.via_service.empty());
    // The constraint's pairs stand for the request's encryption context.
    const StringMap& pairs = q.has_equals ? q.equals : q.subset;
    for (const auto& [k, v] : pairs) check.context.Set("kms:EncryptionContext:" + k, v);
    std::vector<std::string> keys;
    for (const auto& [k, v] : pairs) keys.push_back(k);
    if (!keys.empty()) check.context.SetList("kms:EncryptionContextKeys", keys);
    check.encryption_context = pairs;
    return core::Status();
  }

  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan& plan, JsonOut& out) {
    const Key& key = plan.key();
    if ((q.has_subset || q.has_equals) && key.spec != KeySpec::kSymmetricDefault) {
      return ValidationError("EncryptionContext is supported only when creating a grant for a symmetric encryption KMS key.");
    }
    const std::vector<std::string_view> supported = GrantOperationsFor(key.spec, key.usage);
    std::vector<std::string> invalid;
    for (const auto& op : q.operations) {
      if (std::find(supported.begin(), supported.end(), op) == supported.end()) invalid.push_back(op);
    }
    if (!invalid.empty()) {  // the text is kmslab's (docs/spec/key-types.md section 15.12)
      return ValidationError("Grant operations [" + core::Join(invalid, ", ") + "] are not supported by KMS key " +
                             key.meta.arn + " with key spec " + std::string(Name(key.spec)) + ".");
    }
    auto grant = std::make_shared<GrantRecord>();
    grant->key_id = key.meta.key_id;
    grant->region = key.meta.region;
    grant->created_ms = s.NowMillis();
    policy::Grant& g = grant->grant;
    g.name = q.name.value_or("");
    g.grantee_principal = q.grantee;
    g.retiring_principal = q.retiring.value_or("");
    g.issuing_account = core::AccountRootArn(c.caller->account);
    g.operations = q.operations;
    g.context_subset = q.subset;
    g.context_equals = q.equals;
    // The same Name and parameters on the same key: the existing grant.
    if (q.name) {
      for (const GrantPtr& existing : s.keys().GrantsOfKey(key.meta.region, key.meta.key_id)) {
        const policy::Grant& e = existing->grant;
        if (e.name == g.name && e.grantee_principal == g.grantee_principal &&
            e.retiring_principal == g.retiring_principal && e.operations == g.operations &&
            e.context_subset == g.context_subset && e.context_equals == g.context_equals) {
          out.Str("GrantToken", MakeGrantToken(e.grant_id, key.meta.key_id)).Str("GrantId", e.grant_id);
          return core::Status();
        }
      }
    }
    g.grant_id = core::HexEncode(core::RandomBytes(32));
    core::Status added = s.keys().AddGrant(grant);
    if (added.code() == core::Code::kResourceExhausted) {
      return LimitExceededError("The request would exceed the limit of " + std::to_string(kMaxGrantsPerKey) +
                                " grants for KMS key " + key.meta.arn + ".");
    }
    RETURN_IF_ERROR(added);
    out.Str("GrantToken", MakeGrantToken(g.grant_id, key.meta.key_id)).Str("GrantId", g.grant_id);
    return core::Status();
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(CreateGrant, CreateGrantOp);

}  // namespace kmslab::kms::ops
