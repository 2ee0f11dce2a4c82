// ParsePolicy: JSON text -> Policy, reporting every problem found.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <utility>

#include "core/base64.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "policy/document.h"
#include "policy/glob.h"
#include "policy/policy.h"
#include "policy/principals.h"

namespace kmslab::policy {
namespace {

constexpr size_t kKeyPolicyMaxBytes = 32768;
constexpr std::string_view kOverlyPermissive =
    "OverlyPermissiveCondition: Using the ForAllValues set operator with a single-valued condition key matches "
    "requests without the specified ";

std::string_view View(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// JSON numbers in condition values read as their text: integers exactly,
// others in the shortest form that round-trips.
std::string NumberText(const rapidjson::Value& v) {
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v.GetDouble());
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

class Parser {
 public:
  Parser(PolicyKind kind, SidRule sids) : kind_(kind), sids_(sids) {}

  std::shared_ptr<const Policy> Parse(std::string_view json);

  std::string ProblemText() const {
    std::vector<std::string> lines = overly_;
    lines.insert(lines.end(), problems_.begin(), problems_.end());
    return core::Join(lines, "\n");
  }
  bool failed() const { return !problems_.empty() || !overly_.empty(); }

 private:
  void Problem(std::string text) { problems_.push_back(std::move(text)); }
  void CheckKeyPolicyText(std::string_view json);
  // Objects must not repeat a member name.
  void CheckDuplicates(const rapidjson::Value& object, const std::string& where);
  // A string or a non-empty array of strings.
  bool StringList(const rapidjson::Value& v, const std::string& what, std::vector<std::string_view>* out);
  Statement ParseStatement(const rapidjson::Value& v, int index, std::set<std::string>* sids);
  void ParsePrincipal(const rapidjson::Value& v, const std::string& where, PrincipalElement* out);
  void ParseAction(const rapidjson::Value& v, const std::string& where, ActionElement* out);
  void ParseResource(const rapidjson::Value& v, const std::string& where, ResourceElement* out);
  void ParseCondition(const rapidjson::Value& v, const std::string& where, std::vector<ConditionClause>* out);
  bool CompileValue(const Operator& op, std::string_view raw, const std::string& where, ConditionValue* out);

  PolicyKind kind_;
  SidRule sids_;
  bool variables_ = false;
  std::vector<std::string> problems_, overly_, warnings_;
  bool overly_context_ = false, overly_tag_ = false;
};

void Parser::CheckKeyPolicyText(std::string_view json) {
  if (json.size() > kKeyPolicyMaxBytes) {
    Problem("Key policy is " + std::to_string(json.size()) + " bytes; the limit is 32768");
  }
  // Tab, LF, CR, U+0020-U+007E and U+00A0-U+00FF (as UTF-8), per AWS's key policy rules.
  for (size_t i = 0; i < json.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(json[i]);
    if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f)) continue;
    if ((c == 0xc2 || c == 0xc3) && i + 1 < json.size()) {
      unsigned char d = static_cast<unsigned char>(json[i + 1]);
      if (d >= 0x80 && d <= 0xbf && (c == 0xc3 || d >= 0xa0)) {
        ++i;
        continue;
      }
    }
    Problem("Key policy contains a character outside tab, LF, CR, printable ASCII and Latin-1 at byte " +
            std::to_string(i));
    return;
  }
}

void Parser::CheckDuplicates(const rapidjson::Value& object, const std::string& where) {
  std::set<std::string_view> seen;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (!seen.insert(View(it->name)).second) Problem(where + "duplicate element " + Quote(View(it->name)));
  }
}

bool Parser::StringList(const rapidjson::Value& v, const std::string& what, std::vector<std::string_view>* out) {
  if (v.IsString()) {
    out->push_back(View(v));
    return true;
  }
  if (!v.IsArray()) {
    Problem(what + " must be a string or an array of strings");
    return false;
  }
  if (v.Empty()) {
    Problem(what + " must not be an empty array");
    return false;
  }
  for (const auto& item : v.GetArray()) {
    if (!item.IsString()) {
      Problem(what + " must be a string or an array of strings");
      return false;
    }
    out->push_back(View(item));
  }
  return true;
}

void Parser::ParsePrincipal(const rapidjson::Value& v, const std::string& where, PrincipalElement* out) {
  out->present = true;
  const std::string name = out->negated ? "NotPrincipal" : "Principal";
  if (v.IsString()) {
    if (View(v) != "*") Problem(where + name + " must be \"*\" or an object such as {\"AWS\": ...}");
    out->entries.push_back(PrincipalEntry{});
    return;
  }
  if (!v.IsObject() || v.MemberCount() == 0) {
    Problem(where + name + " must be \"*\" or a non-empty object such as {\"AWS\": ...}");
    return;
  }
  CheckDuplicates(v, where + name + ": ");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view type = View(it->name);
    std::vector<std::string_view> values;
    if (!StringList(it->value, where + name + "." + std::string(type), &values)) continue;
    for (std::string_view value : values) {
      PrincipalEntry entry;
      if (type == "AWS") {
        std::string error;
        std::optional<PrincipalEntry> parsed = ParseAwsPrincipal(value, &error);
        if (!parsed.has_value()) {
          Problem(where + error);
          continue;
        }
        entry = std::move(*parsed);
      } else if (type == "Service") {
        if (value.empty() || value.find_first_of("*?") != std::string_view::npos ||
            value.find('.') == std::string_view::npos) {
          Problem(where + "Invalid service principal " + Quote(value));
          continue;
        }
        entry.kind = PrincipalEntry::Kind::kService;
        entry.value = std::string(value);
      } else if (type == "Federated" || type == "CanonicalUser") {
        entry.kind = PrincipalEntry::Kind::kUnmatchable;
        entry.value = std::string(value);
      } else {
        Problem(where + "Unknown principal type " + Quote(type) +
                " (expected AWS, Service, Federated or CanonicalUser)");
        break;
      }
      out->entries.push_back(std::move(entry));
    }
  }
}

void Parser::ParseAction(const rapidjson::Value& v, const std::string& where, ActionElement* out) {
  out->present = true;
  std::vector<std::string_view> values;
  if (!StringList(v, where + (out->negated ? "NotAction" : "Action"), &values)) return;
  for (std::string_view action : values) {
    size_t colon = action.find(':');
    if (action != "*" && (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size())) {
      Problem(where + "Action " + Quote(action) +
              ": Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
      continue;
    }
    if (action == "*") out->any = true;
    out->patterns.push_back(GlobFromPolicyText(action));
  }
}

void Parser::ParseResource(const rapidjson::Value& v, const std::string& where, ResourceElement* out) {
  out->present = true;
  std::vector<std::string_view> values;
  if (!StringList(v, where + (out->negated ? "NotResource" : "Resource"), &values)) return;
  for (std::string_view resource : values) {
    if (resource != "*" && resource.rfind("arn:", 0) != 0) {
      Problem(where + "Resource " + std::string(resource) + " must be in ARN format or \"*\".");
      continue;
    }
    if (resource == "*") out->any = true;
    out->patterns.push_back(ValueTemplate::Compile(resource, variables_));
  }
}

bool Parser::CompileValue(const Operator& op, std::string_view raw, const std::string& where, ConditionValue* out) {
  const ValueKind kind = KindOf(op.base);
  out->text = ValueTemplate::Compile(raw, variables_ && (kind == ValueKind::kString || kind == ValueKind::kArn));
  auto bad = [&](std::string_view expected) {
    Problem(where + op.name + ": " + Quote(raw) + " is not " + std::string(expected));
    return false;
  };
  switch (kind) {
    case ValueKind::kString:
    case ValueKind::kArn: return true;
    case ValueKind::kNumber:
      if (std::optional<double> n = ParseNumber(raw)) {
        out->number = *n;
        return true;
      }
      return bad("a number");
    case ValueKind::kDate:
      if (std::optional<int64_t> d = ParseDate(raw)) {
        out->date_ms = *d;
        return true;
      }
      return bad("an ISO 8601 date or epoch seconds");
    case ValueKind::kBool:
    case ValueKind::kNull:
      if (std::optional<bool> b = ParseBool(raw)) {
        out->flag = *b;
        return true;
      }
      return bad("\"true\" or \"false\"");
    case ValueKind::kBinary:
      if (core::Base64Decode(raw, &out->bytes)) return true;
      return bad("base64");
    case ValueKind::kIp:
      if (std::optional<IpNet> net = ParseIpNet(raw)) {
        out->net = *net;
        return true;
      }
      return bad("an IPv4 or IPv6 address or CIDR block");
  }
  return true;
}

void Parser::ParseCondition(const rapidjson::Value& v, const std::string& where, std::vector<ConditionClause>* out) {
  if (!v.IsObject()) {
    Problem(where + "Condition must be an object of operators");
    return;
  }
  CheckDuplicates(v, where + "Condition: ");
  for (auto op_it = v.MemberBegin(); op_it != v.MemberEnd(); ++op_it) {
    std::string_view op_name = View(op_it->name);
    std::optional<Operator> op = ParseOperator(op_name);
    if (!op.has_value()) {
      Problem(where + "Invalid condition operator " + Quote(op_name));
      continue;
    }
    if (!op_it->value.IsObject() || op_it->value.MemberCount() == 0) {
      Problem(where + op->name + " must be a non-empty object of condition keys");
      continue;
    }
    CheckDuplicates(op_it->value, where + op->name + ": ");
    for (auto key_it = op_it->value.MemberBegin(); key_it != op_it->value.MemberEnd(); ++key_it) {
      ConditionClause clause;
      clause.op = *op;
      clause.key_written = std::string(View(key_it->name));
      clause.key = core::ToLower(clause.key_written);
      size_t colon = clause.key.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == clause.key.size()) {
        Problem(where + "Condition key " + Quote(clause.key_written) +
                ": Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
        continue;
      }
      if (op->set == SetOp::kForAllValues) {
        const bool context = clause.key.rfind("kms:encryptioncontext:", 0) == 0;
        const bool tag = clause.key.rfind("aws:requesttag/", 0) == 0;
        if (context || tag) {
          if (context && !overly_context_) {
            overly_.push_back(std::string(kOverlyPermissive) +
                              "encryption context or with an unspecified encryption context. To fix, remove "
                              "ForAllValues.");
            overly_context_ = true;
          }
          if (tag && !overly_tag_) {
            overly_.push_back(std::string(kOverlyPermissive) +
                              "tag or with an unspecified tag. To fix, remove ForAllValues.");
            overly_tag_ = true;
          }
          Problem(where + op->name + " on " + clause.key_written + ": remove ForAllValues");
          continue;
        }
      }
      const rapidjson::Value& values = key_it->value;
      std::vector<const rapidjson::Value*> items;
      if (values.IsArray()) {
        for (const auto& item : values.GetArray()) items.push_back(&item);
      } else {
        items.push_back(&values);
      }
      bool ok = true;
      for (const rapidjson::Value* item : items) {
        std::string raw;
        if (item->IsString()) {
          raw = std::string(View(*item));
        } else if (item->IsBool()) {
          raw = item->GetBool() ? "true" : "false";
        } else if (item->IsNumber()) {
          raw = NumberText(*item);
        } else {
          Problem(where + op->name + " " + clause.key_written + ": values must be strings, numbers or booleans");
          ok = false;
          break;
        }
        ConditionValue value;
        if (!CompileValue(*op, raw, where + clause.key_written + " ", &value)) {
          ok = false;
          continue;
        }
        clause.values.push_back(std::move(value));
      }
      if (ok) out->push_back(std::move(clause));
    }
  }
}

Statement Parser::ParseStatement(const rapidjson::Value& v, int index, std::set<std::string>* sids) {
  Statement st;
  st.index = index;
  std::string where = "Statement[" + std::to_string(index) + "]: ";
  if (!v.IsObject()) {
    Problem(where + "a statement must be an object");
    return st;
  }
  CheckDuplicates(v, where);
  bool has_effect = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view name = View(it->name);
    const rapidjson::Value& value = it->value;
    if (name == "Sid") {
      if (!value.IsString()) {
        Problem(where + "Sid must be a string");
        continue;
      }
      st.sid = std::string(View(value));
      if (kind_ == PolicyKind::kIdentityPolicy && !std::all_of(st.sid.begin(), st.sid.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c));
          })) {
        Problem(where +
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
                "expression [0-9A-Za-z]*");
      }
      if (sids_ == SidRule::kUnique && !st.sid.empty() && !sids->insert(st.sid).second) {
        Problem(where + "Statement IDs (SID) in a single policy must be unique: " + Quote(st.sid));
      }
    } else if (name == "Effect") {
      has_effect = true;
      if (value.IsString() && View(value) == "Allow") {
        st.allow = true;
      } else if (value.IsString() && View(value) == "Deny") {
        st.allow = false;
      } else {
        Problem(where + "Effect must be \"Allow\" or \"Deny\"");
      }
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (kind_ == PolicyKind::kIdentityPolicy) {
        Problem(where + "Has prohibited field " + std::string(name) + " (identity policies do not name principals)");
        continue;
      }
      if (st.principal.present) {
        Problem(where + "Principal and NotPrincipal cannot appear together");
        continue;
      }
      st.principal.negated = name == "NotPrincipal";
      ParsePrincipal(value, where, &st.principal);
    } else if (name == "Action" || name == "NotAction") {
      if (st.action.present) {
        Problem(where + "Action and NotAction cannot appear together");
        continue;
      }
      st.action.negated = name == "NotAction";
      ParseAction(value, where, &st.action);
    } else if (name == "Resource" || name == "NotResource") {
      if (st.resource.present) {
        Problem(where + "Resource and NotResource cannot appear together");
        continue;
      }
      st.resource.negated = name == "NotResource";
      ParseResource(value, where, &st.resource);
    } else if (name == "Condition") {
      ParseCondition(value, where, &st.conditions);
    } else {
      Problem(where + "Unknown element " + Quote(name));
    }
  }
  if (!has_effect) Problem(where + "Missing required element Effect");
  if (kind_ != PolicyKind::kIdentityPolicy && !st.principal.present) {
    Problem(where + "Missing required element Principal (" +
            (kind_ == PolicyKind::kKeyPolicy ? "key policy" : "resource-based policy") +
            " statements must name a principal)");
  }
  if (!st.action.present) warnings_.push_back(where + "no Action or NotAction: the statement never matches");
  if (!st.resource.present) warnings_.push_back(where + "no Resource or NotResource: the statement never matches");
  return st;
}

std::shared_ptr<const Policy> Parser::Parse(std::string_view json) {
  if (kind_ == PolicyKind::kKeyPolicy) CheckKeyPolicyText(json);
  if (core::Status text = core::CheckJsonText(json); !text.ok()) {
    Problem("Policy is not valid JSON: " + text.message());
    return nullptr;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    Problem(std::string("Policy is not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
            " (at byte " + std::to_string(doc.GetErrorOffset()) + ")");
    return nullptr;
  }
  if (!doc.IsObject()) {
    Problem("Policy must be a JSON object");
    return nullptr;
  }
  CheckDuplicates(doc, "");
  std::string version, id;
  const rapidjson::Value* statements = nullptr;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string_view name = View(it->name);
    if (name == "Version") {
      if (it->value.IsString() && (View(it->value) == "2012-10-17" || View(it->value) == "2008-10-17")) {
        version = std::string(View(it->value));
      } else {
        Problem("Version must be \"2012-10-17\" or \"2008-10-17\"");
      }
    } else if (name == "Id") {
      if (it->value.IsString()) {
        id = std::string(View(it->value));
      } else {
        Problem("Id must be a string");
      }
    } else if (name == "Statement") {
      statements = &it->value;
    } else {
      Problem("Unknown top-level element " + Quote(name));
    }
  }
  variables_ = version == "2012-10-17";
  std::vector<Statement> parsed;
  std::set<std::string> sids;
  if (statements == nullptr) {
    Problem("Missing required element Statement");
  } else if (statements->IsObject()) {
    parsed.push_back(ParseStatement(*statements, 0, &sids));
  } else if (statements->IsArray()) {
    int index = 0;
    for (const auto& st : statements->GetArray()) parsed.push_back(ParseStatement(st, index++, &sids));
  } else {
    Problem("Statement must be an object or an array of objects");
  }
  return std::make_shared<const Policy>(kind_, std::move(version), std::move(id), std::move(parsed),
                                        std::move(warnings_));
}

}  // namespace

core::StatusOr<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json, PolicyKind kind, SidRule sids) {
  Parser parser(kind, sids);
  std::shared_ptr<const Policy> policy = parser.Parse(json);
  if (parser.failed() || policy == nullptr) return core::InvalidArgument(parser.ProblemText());
  return policy;
}

}  // namespace kmslab::policy
