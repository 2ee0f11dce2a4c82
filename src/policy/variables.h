// Policy variables (docs/spec/kms.md section 4.4): "${aws:username}",
// "${aws:PrincipalTag/team, 'default'}", and the escapes ${*} ${?} ${$}.
// A ValueTemplate is compiled once at parse time and resolved per request.
// Immutable after Compile; thread-safe to share.
#ifndef KMSLAB_POLICY_VARIABLES_H_
#define KMSLAB_POLICY_VARIABLES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/request_context.h"

namespace kmslab::policy {

class ValueTemplate {
 public:
  // With `variables_enabled` false (Version is not 2012-10-17) the whole text is
  // literal. A "${" without a well-formed closing "}" is literal text too.
  static ValueTemplate Compile(std::string_view text, bool variables_enabled);

  bool has_variables() const { return has_variables_; }
  // The text as written in the policy.
  const std::string& text() const { return text_; }
  // Without variables: the value (escapes applied) and its glob encoding.
  const std::string& plain() const { return plain_; }
  const std::string& glob() const { return glob_; }

  // Substitutes every variable from `context` into `*out`, either as a plain
  // string or as an encoded glob pattern (policy text keeps its wildcards;
  // escapes and substituted values are literal). Returns false, and names the
  // first unresolved variable in `*unresolved` (when non-null), when a variable
  // has no single value and no default.
  enum class Form { kPlain, kGlob };
  bool Resolve(const RequestContext& context, Form form, std::string* out, std::string* unresolved) const;

 private:
  struct Part {
    enum class Kind { kText, kLiteral, kVariable } kind;
    std::string text;  // policy text, a literal, or the variable name as written
    std::string key;   // kVariable: the lowercased key
    std::optional<std::string> fallback;
  };
  std::string text_, plain_, glob_;
  std::vector<Part> parts_;
  bool has_variables_ = false;
};

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_VARIABLES_H_
