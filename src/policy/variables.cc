#include "policy/variables.h"

#include <utility>

#include "core/strings.h"
#include "policy/glob.h"

namespace kmslab::policy {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '/' ||
         c == '_' || c == '-' || c == '.' || c == '+' || c == '=' || c == '@';
}

// Parses the inside of "${...}": a key with an optional ", 'default'".
bool ParseVariable(std::string_view inner, std::string_view* name, std::optional<std::string>* fallback) {
  size_t comma = inner.find(',');
  *name = Trim(inner.substr(0, comma));
  if (name->empty()) return false;
  for (char c : *name)
    if (!IsKeyChar(c)) return false;
  if (comma == std::string_view::npos) return true;
  std::string_view rest = Trim(inner.substr(comma + 1));
  if (rest.size() < 2 || rest.front() != '\'' || rest.back() != '\'') return false;
  rest = rest.substr(1, rest.size() - 2);
  if (rest.find('\'') != std::string_view::npos) return false;
  *fallback = std::string(rest);
  return true;
}

}  // namespace

ValueTemplate ValueTemplate::Compile(std::string_view text, bool variables_enabled) {
  ValueTemplate t;
  t.text_ = std::string(text);
  auto add_text = [&t](std::string_view s) {
    if (s.empty()) return;
    if (!t.parts_.empty() && t.parts_.back().kind == Part::Kind::kText) {
      t.parts_.back().text.append(s);
    } else {
      t.parts_.push_back(Part{Part::Kind::kText, std::string(s), "", std::nullopt});
    }
  };
  size_t pos = 0;
  while (variables_enabled && pos < text.size()) {
    size_t open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    std::string_view inner = text.substr(open + 2, close - open - 2);
    add_text(text.substr(pos, open - pos));
    std::string_view name;
    std::optional<std::string> fallback;
    if (inner == "*" || inner == "?" || inner == "$") {
      t.parts_.push_back(Part{Part::Kind::kLiteral, std::string(inner), "", std::nullopt});
    } else if (ParseVariable(inner, &name, &fallback)) {
      t.parts_.push_back(Part{Part::Kind::kVariable, std::string(name), core::ToLower(name), std::move(fallback)});
      t.has_variables_ = true;
    } else {
      add_text(text.substr(open, close + 1 - open));
    }
    pos = close + 1;
  }
  add_text(text.substr(pos));
  if (!t.has_variables_) {
    for (const Part& part : t.parts_) {
      t.plain_ += part.text;
      t.glob_ += part.kind == Part::Kind::kText ? GlobFromPolicyText(part.text) : GlobEscape(part.text);
    }
  }
  return t;
}

bool ValueTemplate::Resolve(const RequestContext& context, Form form, std::string* out,
                            std::string* unresolved) const {
  if (!has_variables_) {
    *out = form == Form::kPlain ? plain_ : glob_;
    return true;
  }
  out->clear();
  for (const Part& part : parts_) {
    std::string_view value = part.text;
    bool literal = part.kind != Part::Kind::kText;
    if (part.kind == Part::Kind::kVariable) {
      std::optional<RequestContext::Values> values = context.Find(part.key);
      if (values && values->size() == 1) {
        value = values->front();
      } else if (part.fallback.has_value()) {
        value = *part.fallback;
      } else {
        if (unresolved != nullptr) *unresolved = "${" + part.text + "}";
        return false;
      }
    }
    if (form == Form::kPlain) {
      out->append(value);
    } else {
      out->append(literal ? GlobEscape(value) : GlobFromPolicyText(value));
    }
  }
  return true;
}

}  // namespace kmslab::policy
