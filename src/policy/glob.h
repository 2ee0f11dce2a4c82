// Wildcard patterns of the policy language: '*' matches any run of characters,
// '?' exactly one. In kmslab's encoded form a backslash makes the next
// character literal, so that ${*}, ${?} and substituted variable values never
// act as wildcards. Pure functions, thread-safe.
#ifndef KMSLAB_POLICY_GLOB_H_
#define KMSLAB_POLICY_GLOB_H_

#include <string>
#include <string_view>

namespace kmslab::policy {

// Encodes policy text as a pattern: its '*' and '?' stay wildcards.
std::string GlobFromPolicyText(std::string_view text);
// Encodes a literal: '*', '?' and '\' become literal characters.
std::string GlobEscape(std::string_view literal);
// True when `pattern` (encoded) contains an unescaped wildcard.
bool GlobHasWildcard(std::string_view pattern);

// Matches the whole of `text` against an encoded pattern. With `ignore_case`
// ASCII letters compare without regard to case.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case);

// ArnLike / ArnEquals and Resource matching: when both sides have the six
// colon-separated ARN parts, each part is globbed on its own, case-sensitively
// (the sixth part keeps its colons); otherwise the whole text is globbed.
bool ArnGlobMatch(std::string_view pattern, std::string_view arn);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_GLOB_H_
