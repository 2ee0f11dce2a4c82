// Amazon Resource Names and the identifier formats kmslab issues.
// Pure functions, thread-safe.
#ifndef KMSLAB_CORE_ARN_H_
#define KMSLAB_CORE_ARN_H_

#include <optional>
#include <string>
#include <string_view>

namespace kmslab::core {

// arn:<partition>:<service>:<region>:<account>:<resource>
struct Arn {
  std::string partition;
  std::string service;
  std::string region;
  std::string account;
  std::string resource;  // everything after the fifth colon

  std::string ToString() const;
};

// Nullopt unless `text` has the six colon-separated parts and starts "arn:".
std::optional<Arn> ParseArn(std::string_view text);

// A KMS key id: a lowercase UUID, or "mrk-" and 32 lowercase hex digits.
bool IsKeyId(std::string_view text);
// True for an account id: exactly 12 decimal digits.
bool IsAccountId(std::string_view text);
// True for the shape of an AWS Region name: a two-letter prefix, one or more
// lowercase words and a number, joined by hyphens ("us-east-1",
// "us-gov-west-1", "eu-isoe-west-1"), at most 32 characters.
bool IsRegionName(std::string_view text);

std::string KeyArn(std::string_view region, std::string_view account, std::string_view key_id);
std::string AliasArn(std::string_view region, std::string_view account, std::string_view alias_name);
std::string AccountRootArn(std::string_view account);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_ARN_H_
