// ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant.
#include "core/arn.h"
#include "kms/errors.h"
#include "kms/grant_token.h"
#include "kms/ops/common.h"
#include "kms/ops/grant_common.h"

namespace kmslab::kms::ops {

namespace {
core::Status GrantNotFound(const std::string& grant_id) {
  return NotFoundError("Grant ID " + grant_id + " not found");
}

core::Status CheckGrantId(const std::string& grant_id) {
  if (IsGrantId(grant_id)) return core::Status();
  return core::Status(core::Code::kInvalidArgument, "Invalid grant ID " + grant_id, "InvalidGrantIdException");
}

// Writes a page of grants; `ids` are their ids in listing order.
core::Status WriteGrantPage(Service& s, const std::vector<GrantPtr>& grants, const std::optional<std::string>& marker,
                            int64_t limit, JsonOut& out) {
  std::vector<std::string> ids;
  for (const GrantPtr& g : grants) ids.push_back(g->grant.grant_id);
  ASSIGN_OR_RETURN(Page page, Paginate(ids, marker, static_cast<size_t>(limit)));
  auto& w = out.Member("Grants");
  w.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    KeyPtr key = s.keys().Find(grants[i]->region, grants[i]->key_id);
    WriteGrant(w, *grants[i], key ? key->meta.arn : grants[i]->key_id);
  }
  w.EndArray();
  WritePageEnd(out, page);
  return core::Status();
}

struct ListGrantsOp {
  static constexpr const char* kName = "ListGrants";
  struct Request {
    std::string key_id;
    int64_t limit = 50;
    std::optional<std::string> marker, grant_id, grantee;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.limit = r.Int("Limit", {.min = 1, .max = 100}).value_or(50);
    q.marker = r.String("Marker", kMarkerRule);
    q.grant_id = r.String("GrantId", {.min = 1, .max = 128});
    q.grantee = r.String("GranteePrincipal", {.min = 1, .max = 256});
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:ListGrants", KeyUse::kAnyState, plan).status());
    plan[CheckRole::kKey].context.SetBool("kms:GrantIsForAWSResource", !c.via_service.empty());
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut& out) {
    if (q.grant_id) RETURN_IF_ERROR(CheckGrantId(*q.grant_id));
    std::vector<GrantPtr> grants;
    for (GrantPtr& g : s.keys().GrantsOfKey(plan[CheckRole::kKey].key->meta.region, plan[CheckRole::kKey].key->meta.key_id)) {
      if (q.grant_id && g->grant.grant_id != *q.grant_id) continue;
      if (q.grantee && g->grant.grantee_principal != *q.grantee) continue;
      grants.push_back(std::move(g));
    }
    return WriteGrantPage(s, grants, q.marker, q.limit, out);
  }
};

struct ListRetirableGrantsOp {
  static constexpr const char* kName = "ListRetirableGrants";
  struct Request {
    std::string retiring;
    int64_t limit = 50;
    std::optional<std::string> marker;
  };
  static void Read(RequestReader& r, Request& q) {
    q.retiring = r.String("RetiringPrincipal", {.required = true, .min = 1, .max = 256}).value_or("");
    q.limit = r.Int("Limit", {.min = 1, .max = 100}).value_or(50);
    q.marker = r.String("Marker", kMarkerRule);
  }
  static core::Status Resolve(Service&, const CallContext&, Request&, Plan& plan) {
    PlanIamOnly("kms:ListRetirableGrants", "*", plan);
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext& c, const Request& q, const Plan&, JsonOut& out) {
    std::vector<GrantPtr> grants;
    for (GrantPtr& g : s.keys().GrantsRetirableBy(q.retiring)) {
      if (g->region == c.region && s.keys().Find(g->region, g->key_id)) grants.push_back(std::move(g));
    }
    return WriteGrantPage(s, grants, q.marker, q.limit, out);
  }
};

struct RetireGrantOp {
  static constexpr const char* kName = "RetireGrant";
  struct Request {
    std::optional<std::string> token, key_id, grant_id;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.token = r.String("GrantToken", {.min = 1, .max = 8192});
    q.key_id = r.String("KeyId", {.min = 1, .max = 2048});
    q.grant_id = r.String("GrantId", {.min = 1, .max = 128});
    q.dry_run = r.Bool("DryRun").value_or(false);
  }
  static core::Status Validate(const Request& q) {
    if (q.token || (q.key_id && q.grant_id)) return core::Status();
    return ValidationError("Either GrantToken, or both KeyId and GrantId, must be specified.");
  }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.dry_run = q.dry_run;
    GrantPtr grant;
    KeyPtr key;
    if (q.key_id) {
      ASSIGN_OR_RETURN(ResolvedKey resolved, ResolveKey(s.keys(), *q.key_id, KeyIdForms::kKeyOnly, c));
      key = resolved.key;
    }
    if (q.token) {
      auto ref = ParseGrantToken(*q.token);
      if (!ref) {
        return core::Status(core::Code::kInvalidArgument, "The grant token is not valid.", "InvalidGrantTokenException");
      }
      grant = s.keys().FindGrant(ref->grant_id);
      if (!grant) return GrantNotFound(ref->grant_id);
      if (!key) key = s.keys().Find(grant->region, grant->key_id);
    } else {
      RETURN_IF_ERROR(CheckGrantId(*q.grant_id));
      grant = s.keys().FindGrant(*q.grant_id);
    }
    if (!grant || !key || grant->key_id != key->meta.key_id || grant->region != key->meta.region) {
      return GrantNotFound(q.grant_id.value_or(""));
    }
    plan.checks.push_back({"kms:RetireGrant", key->meta.arn, key, KeyUse::kAnyState, ""});
    plan[CheckRole::kKey].subject_grant = grant;
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request&, const Plan& plan, JsonOut&) {
    return s.keys().RemoveGrant(plan[CheckRole::kKey].subject_grant->grant.grant_id);
  }
};

struct RevokeGrantOp {
  static constexpr const char* kName = "RevokeGrant";
  struct Request {
    std::string key_id, grant_id;
    bool dry_run = false;
  };
  static void Read(RequestReader& r, Request& q) {
    q.key_id = r.String("KeyId", kKeyIdRule).value_or("");
    q.grant_id = r.String("GrantId", {.required = true, .min = 1, .max = 128}).value_or("");
    q.dry_run = r.Bool("DryRun").value_or(false);
  }
  static core::Status Validate(const Request& q) { return CheckGrantId(q.grant_id); }
  static core::Status Resolve(Service& s, const CallContext& c, Request& q, Plan& plan) {
    plan.dry_run = q.dry_run;
    RETURN_IF_ERROR(
        PlanKey(s, c, q.key_id, KeyIdForms::kKeyOnly, "kms:RevokeGrant", KeyUse::kAnyState, plan).status());
    plan[CheckRole::kKey].context.SetBool("kms:GrantIsForAWSResource", !c.via_service.empty());
    return core::Status();
  }
  static core::Status Execute(Service& s, const CallContext&, const Request& q, const Plan& plan, JsonOut&) {
    GrantPtr grant = s.keys().FindGrant(q.grant_id);
    const store::KeyRow& key = plan[CheckRole::kKey].key->meta;
    if (!grant || grant->key_id != key.key_id || grant->region != key.region) return GrantNotFound(q.grant_id);
    return s.keys().RemoveGrant(q.grant_id);
  }
};
}  // namespace

KMSLAB_KMS_OPERATION(ListGrants, ListGrantsOp);
KMSLAB_KMS_OPERATION(ListRetirableGrants, ListRetirableGrantsOp);
KMSLAB_KMS_OPERATION(RetireGrant, RetireGrantOp);
KMSLAB_KMS_OPERATION(RevokeGrant, RevokeGrantOp);

}  // namespace kmslab::kms::ops
