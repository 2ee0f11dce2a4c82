#include "ddb/resource_policies.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/arn.h"
#include "core/json_text.h"
#include "ddb/errors.h"
#include "ddb/service.h"
#include "policy/document.h"

namespace kmslab::ddb {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";
const std::string kInvalidDocument = kInvalid + "Invalid policy document: ";

bool ValidTableName(std::string_view name) {
  if (name.size() < 3 || name.size() > 255) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// The first element of statement `st` IAM requires that is missing, or "".
std::string MissingField(const rapidjson::Value& st) {
  auto has = [&](const char* a, const char* b) { return st.HasMember(a) || st.HasMember(b); };
  if (!st.HasMember("Effect")) return "Effect";
  if (!has("Principal", "NotPrincipal")) return "Principal";
  if (!has("Action", "NotAction")) return "Action";
  if (!has("Resource", "NotResource")) return "Resource";
  return "";
}

// The checks DynamoDB words itself, before the policy parser's.
core::Status CheckStatements(const rapidjson::Value& doc) {
  auto statements = doc.FindMember("Statement");
  if (statements == doc.MemberEnd()) return ValidationError(kInvalidDocument + "Missing required field Statement");
  const rapidjson::Value& list = statements->value;
  if (list.IsArray() && list.Empty()) {
    return ValidationError(kInvalidDocument + "Could not parse the policy: Statement is empty!");
  }
  std::set<std::string> sids;
  auto check = [&](const rapidjson::Value& st) -> core::Status {
    if (!st.IsObject()) return core::Status();  // the parser words it
    auto sid = st.FindMember("Sid");
    if (sid != st.MemberEnd() && sid->value.IsString() && sid->value.GetStringLength() > 0 &&
        !sids.insert(sid->value.GetString()).second) {
      return ValidationError(kInvalidDocument + "The Statement Ids in the policy are not unique");
    }
    if (std::string field = MissingField(st); !field.empty()) {
      return ValidationError(kInvalidDocument + "Missing required field " + field);
    }
    return core::Status();
  };
  if (list.IsArray()) {
    for (const rapidjson::Value& st : list.GetArray()) RETURN_IF_ERROR(check(st));
  } else {
    RETURN_IF_ERROR(check(list));
  }
  return core::Status();
}

// An Allow to everyone ("*", {"AWS": "*"} or NotPrincipal) with no condition
// to narrow it: DynamoDB's block of public access refuses it.
bool GrantsUnboundedAccess(const policy::Policy& p) {
  for (const policy::Statement& st : p.statements()) {
    if (!st.allow || !st.conditions.empty()) continue;
    if (st.principal.negated) return true;
    for (const policy::PrincipalEntry& e : st.principal.entries)
      if (e.kind == policy::PrincipalEntry::Kind::kAny) return true;
  }
  return false;
}

void WriteSlot(rapidjson::Writer<rapidjson::StringBuffer>& out, const ResourcePolicySlot& slot) {
  out.StartObject();
  out.Key("text");
  out.String(slot.text);
  out.Key("revisionId");
  out.String(slot.revision_id);
  out.EndObject();
}

bool ReadSlot(const rapidjson::Value& v, ResourcePolicySlot* slot) {
  if (!v.IsObject()) return false;
  auto text = v.FindMember("text");
  auto revision = v.FindMember("revisionId");
  if (text == v.MemberEnd() || !text->value.IsString() || revision == v.MemberEnd() || !revision->value.IsString()) {
    return false;
  }
  slot->text = text->value.GetString();
  slot->revision_id = revision->value.GetString();
  if (slot->text.empty()) return true;
  auto parsed = policy::ParsePolicy(slot->text, policy::PolicyKind::kResourcePolicy);
  if (!parsed.ok()) return false;
  slot->parsed = std::move(parsed).value();
  return true;
}

}  // namespace

std::optional<TableResourceArn> ParseTableResourceArn(std::string_view text) {
  std::optional<core::Arn> arn = core::ParseArn(text);
  if (!arn || arn->partition != "aws" || arn->service != "dynamodb" || !core::IsAccountId(arn->account) ||
      !core::IsRegionName(arn->region) || !arn->resource.starts_with("table/")) {
    return std::nullopt;
  }
  TableResourceArn out;
  out.region = arn->region;
  out.account = arn->account;
  const std::string_view rest = std::string_view(arn->resource).substr(6);
  const size_t slash = rest.find('/');
  out.table = std::string(rest.substr(0, slash));
  if (!ValidTableName(out.table)) return std::nullopt;
  if (slash == std::string_view::npos) return out;
  const std::string_view sub = rest.substr(slash + 1);
  out.kind = TableResourceArn::Kind::kOther;
  for (auto [prefix, kind] : {std::pair{std::string_view("index/"), TableResourceArn::Kind::kIndex},
                              std::pair{std::string_view("stream/"), TableResourceArn::Kind::kStream}}) {
    if (sub.starts_with(prefix) && sub.size() > prefix.size() &&
        sub.find('/', prefix.size()) == std::string_view::npos) {
      out.kind = kind;
      out.sub = std::string(sub.substr(prefix.size()));
    }
  }
  return out;
}

core::StatusOr<TableResourceArn> ReadPolicyResourceArn(const std::string& arn) {
  if (!arn.starts_with("arn:")) return ValidationError(kInvalid + "ARNs must start with 'arn:': " + arn);
  std::optional<TableResourceArn> parsed = ParseTableResourceArn(arn);
  if (!parsed) return ValidationError(kInvalid + "Invalid resource Arn: " + arn);
  switch (parsed->kind) {
    case TableResourceArn::Kind::kTable:
    case TableResourceArn::Kind::kStream:
      return *parsed;
    case TableResourceArn::Kind::kIndex:
      return ValidationError(kInvalid +
                             "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " +
                             arn);
    case TableResourceArn::Kind::kOther:
      break;
  }
  return ValidationError(kInvalid + "Provided Arn is not a DynamoDB resource arn: " + arn);
}

core::StatusOr<ResourcePolicySlot> ReadResourcePolicyDocument(std::string_view text) {
  if (text.size() > kMaxResourcePolicyBytes) {
    return ValidationError(kInvalid + "Maximum policy size of " + std::to_string(kMaxResourcePolicyBytes) +
                           " bytes exceeded");
  }
  const core::Status invalid_json = ValidationError(kInvalidDocument + "This policy contains invalid Json");
  if (!core::CheckJsonText(text).ok()) return invalid_json;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return invalid_json;
  RETURN_IF_ERROR(CheckStatements(doc));

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  ResourcePolicySlot slot;
  slot.text.assign(buffer.GetString(), buffer.GetSize());
  auto parsed = policy::ParsePolicy(slot.text, policy::PolicyKind::kResourcePolicy);
  if (!parsed.ok()) {
    const std::string& problems = parsed.status().message();
    return ValidationError(kInvalidDocument + problems.substr(0, problems.find('\n')));
  }
  if (GrantsUnboundedAccess(**parsed)) {
    return ValidationError(
        "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure "
        "least-privilege form of access");
  }
  slot.parsed = std::move(parsed).value();
  return slot;
}

std::string NextRevisionId(const std::string& previous, int64_t now_ms) {
  int64_t last = 0;
  if (!previous.empty() && previous.size() <= 18 &&
      std::all_of(previous.begin(), previous.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    last = std::stoll(previous);
  }
  return std::to_string(std::max(now_ms, last + 1));
}

void WriteResourcePolicies(rapidjson::Writer<rapidjson::StringBuffer>& out, const TableState& state) {
  if (!state.resource_policy.revision_id.empty()) {
    out.Key("resourcePolicy");
    WriteSlot(out, state.resource_policy);
  }
  if (!state.stream_policies.empty()) {
    out.Key("streamPolicies");
    out.StartObject();
    for (const auto& [label, slot] : state.stream_policies) {
      out.Key(label.c_str(), static_cast<rapidjson::SizeType>(label.size()));
      WriteSlot(out, slot);
    }
    out.EndObject();
  }
}

bool ReadResourcePolicies(const rapidjson::Value& meta, TableState* state) {
  auto table = meta.FindMember("resourcePolicy");
  if (table != meta.MemberEnd() && !ReadSlot(table->value, &state->resource_policy)) return false;
  auto streams = meta.FindMember("streamPolicies");
  if (streams == meta.MemberEnd()) return true;
  if (!streams->value.IsObject()) return false;
  for (const auto& m : streams->value.GetObject()) {
    if (!ReadSlot(m.value, &state->stream_policies[m.name.GetString()])) return false;
  }
  return true;
}

void RequireCreateTablePolicy(const rapidjson::Value& request, const std::string& table_arn, Plan& plan) {
  if (FindMember(request, "ResourcePolicy")) plan.Require("PutResourcePolicy", table_arn);
}

core::StatusOr<std::optional<ResourcePolicySlot>> ReadCreateTablePolicy(const rapidjson::Value& request,
                                                                        int64_t now_ms) {
  const rapidjson::Value* member = FindMember(request, "ResourcePolicy");
  if (!member) return std::optional<ResourcePolicySlot>();
  if (!member->IsString()) return SerializationError("Unexpected value type for ResourcePolicy");
  ASSIGN_OR_RETURN(ResourcePolicySlot slot,
                   ReadResourcePolicyDocument(std::string_view(member->GetString(), member->GetStringLength())));
  slot.revision_id = NextRevisionId("", now_ms);
  return std::optional<ResourcePolicySlot>(std::move(slot));
}

void AttachResourcePolicy(const Service& service, kms::AuthzCheck& check) {
  if (check.key) return;
  std::optional<TableResourceArn> arn = ParseTableResourceArn(check.resource);
  if (!arn || arn->kind == TableResourceArn::Kind::kOther) return;
  check.resource_account = arn->account;
  std::shared_ptr<Table> table = service.FindTableIn(arn->account, arn->region, arn->table);
  if (!table) return;
  std::shared_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return;
  if (arn->kind != TableResourceArn::Kind::kStream) {
    check.resource_policy = table->state.resource_policy.parsed;
    return;
  }
  auto it = table->state.stream_policies.find(arn->sub);
  if (it != table->state.stream_policies.end()) check.resource_policy = it->second.parsed;
}

}  // namespace kmslab::ddb
