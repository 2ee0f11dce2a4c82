#include "policy/conditions.h"

#include <algorithm>
#include <optional>

#include "core/base64.h"
#include "core/strings.h"
#include "policy/glob.h"
#include "policy/values.h"

namespace kmslab::policy {
namespace {

bool IamOnlyKey(std::string_view key) {
  return key.rfind("aws:resourcetag/", 0) == 0 || key == "kms:resourcealiases";
}

std::string QuotedList(std::span<const std::string> values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + values[i] + "\"";
  }
  return out + "]";
}

// The request value in the operator's type, parsed once per request value.
struct Parsed {
  std::optional<double> number;
  std::optional<int64_t> date;
  std::optional<IpNet> ip;
  std::optional<bool> flag;
  bool binary_ok = false;
  std::string binary;
};

Parsed ParseRequestValue(ValueKind kind, const std::string& value) {
  Parsed p;
  switch (kind) {
    case ValueKind::kNumber: p.number = ParseNumber(value); break;
    case ValueKind::kDate: p.date = ParseDate(value); break;
    case ValueKind::kIp: p.ip = ParseIpNet(value); break;
    case ValueKind::kBool: p.flag = ParseBool(value); break;
    case ValueKind::kBinary: p.binary_ok = core::Base64Decode(value, &p.binary); break;
    default: break;
  }
  return p;
}

bool Compare(BaseOp op, double have, double want) {
  switch (op) {
    case BaseOp::kNumericEquals:
    case BaseOp::kDateEquals: return have == want;
    case BaseOp::kNumericLessThan:
    case BaseOp::kDateLessThan: return have < want;
    case BaseOp::kNumericLessThanEquals:
    case BaseOp::kDateLessThanEquals: return have <= want;
    case BaseOp::kNumericGreaterThan:
    case BaseOp::kDateGreaterThan: return have > want;
    case BaseOp::kNumericGreaterThanEquals:
    case BaseOp::kDateGreaterThanEquals: return have >= want;
    default: return false;
  }
}

// True when `value` matches at least one policy value under the positive operator `op`.
bool MatchesAny(BaseOp op, const ConditionClause& clause, const std::string& value, const RequestContext& context,
                const EvalNotes& notes) {
  const ValueKind kind = KindOf(op);
  Parsed parsed = ParseRequestValue(kind, value);
  bool parse_failed = (kind == ValueKind::kNumber && !parsed.number) || (kind == ValueKind::kDate && !parsed.date) ||
                      (kind == ValueKind::kIp && !parsed.ip) || (kind == ValueKind::kBool && !parsed.flag);
  if (parse_failed) {
    notes.Add(clause.op.name + " " + clause.key_written + ": request value \"" + value +
              "\" cannot be read as the operator's type; it matches nothing");
    return false;
  }
  std::string scratch;
  for (const ConditionValue& want : clause.values) {
    std::string_view pattern;
    if (kind == ValueKind::kString || kind == ValueKind::kArn) {
      const bool glob = op == BaseOp::kStringLike || kind == ValueKind::kArn;
      if (!want.text.has_variables()) {
        pattern = glob ? want.text.glob() : want.text.plain();
      } else {
        std::string unresolved;
        if (!want.text.Resolve(context, glob ? ValueTemplate::Form::kGlob : ValueTemplate::Form::kPlain, &scratch,
                               &unresolved)) {
          notes.Add("policy variable " + unresolved + " has no value; \"" + want.text.text() + "\" matches nothing");
          continue;
        }
        pattern = scratch;
      }
    }
    bool hit = false;
    switch (op) {
      case BaseOp::kStringEquals: hit = pattern == value; break;
      case BaseOp::kStringEqualsIgnoreCase: hit = core::EqualsIgnoreCase(pattern, value); break;
      case BaseOp::kStringLike: hit = GlobMatch(pattern, value, false); break;
      case BaseOp::kArnEquals:
      case BaseOp::kArnLike: hit = ArnGlobMatch(pattern, value); break;
      case BaseOp::kNumericEquals:
      case BaseOp::kNumericLessThan:
      case BaseOp::kNumericLessThanEquals:
      case BaseOp::kNumericGreaterThan:
      case BaseOp::kNumericGreaterThanEquals: hit = Compare(op, *parsed.number, want.number); break;
      case BaseOp::kDateEquals:
      case BaseOp::kDateLessThan:
      case BaseOp::kDateLessThanEquals:
      case BaseOp::kDateGreaterThan:
      case BaseOp::kDateGreaterThanEquals:
        hit = Compare(op, static_cast<double>(*parsed.date), static_cast<double>(want.date_ms));
        break;
      case BaseOp::kBool: hit = *parsed.flag == want.flag; break;
      case BaseOp::kBinaryEquals: hit = (parsed.binary_ok ? parsed.binary : value) == want.bytes; break;
      case BaseOp::kIpAddress: hit = IpInNet(*parsed.ip, want.net); break;
      default: break;
    }
    if (hit) return true;
  }
  return false;
}

// The request's values of the clause's key as the clause sees them: in a key
// policy the IAM-only keys are absent.
std::optional<RequestContext::Values> ClauseValues(const ConditionClause& clause, const RequestContext& context,
                                                   bool in_key_policy) {
  std::optional<RequestContext::Values> values = context.Find(clause.key);
  if (in_key_policy && values && IamOnlyKey(clause.key)) values.reset();
  return values;
}

// " (variables resolve to [...])" when the clause's values use policy
// variables: what they stood for in this request ("${aws:userid}" -> the
// caller's id; an unresolved one stays as written). "" otherwise.
std::string ResolvedVariables(const ConditionClause& clause, const RequestContext& context) {
  std::vector<std::string> resolved;
  bool any = false;
  for (const ConditionValue& v : clause.values) {
    std::string value;
    any = any || v.text.has_variables();
    if (!v.text.has_variables() || !v.text.Resolve(context, ValueTemplate::Form::kPlain, &value, nullptr)) {
      value = v.text.text();
    }
    resolved.push_back(std::move(value));
  }
  return any ? " (variables resolve to " + QuotedList(resolved) + ")" : "";
}

}  // namespace

void EvalNotes::Add(std::string text) const {
  if (diagnostics == nullptr) return;
  std::string line;
  if (!source.empty()) line = std::string(source) + (index >= 0 ? " statement " + std::to_string(index) : "") + ": ";
  line += text;
  if (std::find(diagnostics->begin(), diagnostics->end(), line) == diagnostics->end())
    diagnostics->push_back(std::move(line));
}

std::string DescribeClause(const ConditionClause& clause) {
  std::vector<std::string> values;
  for (const ConditionValue& v : clause.values) values.push_back(v.text.text());
  return clause.op.name + " " + clause.key_written + " " + QuotedList(values);
}

std::string DescribeWithRequest(const ConditionClause& clause, const RequestContext& context, bool in_key_policy) {
  std::optional<RequestContext::Values> values = ClauseValues(clause, context, in_key_policy);
  return DescribeClause(clause) + ResolvedVariables(clause, context) +
         "; request: " + (values && !values->empty() ? QuotedList(*values) : std::string("absent"));
}

bool EvaluateClause(const ConditionClause& clause, const RequestContext& context, bool in_key_policy,
                    const EvalNotes& notes, std::string* detail) {
  std::optional<RequestContext::Values> values = ClauseValues(clause, context, in_key_policy);
  if (in_key_policy && IamOnlyKey(clause.key) && context.Find(clause.key)) {
    notes.Add(clause.key_written + " is honoured in IAM policies only; a key policy sees it as absent");
  }
  const bool present = values && !values->empty();
  const BaseOp base = clause.op.base;
  bool result;
  if (base == BaseOp::kNull) {
    result = std::any_of(clause.values.begin(), clause.values.end(),
                         [present](const ConditionValue& v) { return v.flag ? !present : present; });
  } else if (!present) {
    if (clause.op.if_exists) {
      result = true;
    } else if (clause.op.set == SetOp::kForAllValues) {
      result = true;
    } else if (clause.op.set == SetOp::kForAnyValue) {
      result = false;
    } else {
      result = IsNegated(base);
    }
  } else {
    const bool negated = IsNegated(base);
    const BaseOp positive = Positive(base);
    auto holds = [&](const std::string& v) { return MatchesAny(positive, clause, v, context, notes) != negated; };
    if (clause.op.set == SetOp::kForAllValues) {
      result = std::all_of(values->begin(), values->end(), holds);
    } else {
      if (clause.op.set == SetOp::kNone && values->size() > 1) {
        notes.Add(clause.key_written + " has several values but " + clause.op.name +
                  " has no set operator; read as ForAnyValue");
      }
      result = std::any_of(values->begin(), values->end(), holds);
    }
  }
  if (!result && detail != nullptr) {
    *detail = DescribeWithRequest(clause, context, in_key_policy);
  }
  return result;
}

}  // namespace kmslab::policy
