#include "policy/glob.h"

#include <doctest/doctest.h>

namespace kmslab::policy {
namespace {

TEST_CASE("GlobMatch: star, question mark, case") {
  CHECK(GlobMatch("kms:*", "kms:Decrypt", false));
  CHECK(GlobMatch("kms:Describe*", "kms:DescribeKey", false));
  CHECK(GlobMatch("kms:GenerateDataKey*", "kms:GenerateDataKey", false));
  CHECK(GlobMatch("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", false));
  CHECK_FALSE(GlobMatch("kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", false));
  CHECK(GlobMatch("kms:?ecrypt", "kms:Decrypt", false));
  CHECK(GlobMatch("kms:?ecrypt", "kms:Encrypt", false) == false);  // "En" is two characters
  CHECK(GlobMatch("a*b*c", "aXXbYYc", false));
  CHECK_FALSE(GlobMatch("a*b*c", "aXXbYY", false));
  CHECK(GlobMatch("*", "", false));
  CHECK(GlobMatch("", "", false));
  CHECK_FALSE(GlobMatch("", "x", false));
  CHECK(GlobMatch("dynamodb.*.amazonaws.com", "dynamodb.us-west-2.amazonaws.com", false));
  CHECK_FALSE(GlobMatch("dynamodb.*.amazonaws.com", "dynamodb.amazonaws.com", false));
  CHECK_FALSE(GlobMatch("KMS:decrypt", "kms:Decrypt", false));
  CHECK(GlobMatch("KMS:decrypt", "kms:Decrypt", true));
  CHECK(GlobMatch("kms:re*", "kms:ReEncryptFrom", true));
}

TEST_CASE("escapes keep wildcards literal") {
  CHECK(GlobEscape("a*b?c\\") == "a\\*b\\?c\\\\");
  CHECK(GlobMatch(GlobEscape("a*"), "a*", false));
  CHECK_FALSE(GlobMatch(GlobEscape("a*"), "abc", false));
  CHECK(GlobMatch("x" + GlobEscape("?"), "x?", false));
  CHECK_FALSE(GlobMatch("x" + GlobEscape("?"), "xy", false));
  CHECK(GlobFromPolicyText("a\\b*") == "a\\\\b*");
  CHECK(GlobMatch(GlobFromPolicyText("a\\b*"), "a\\bzz", false));
  CHECK(GlobHasWildcard("a*"));
  CHECK_FALSE(GlobHasWildcard("a\\*"));
}

TEST_CASE("ArnGlobMatch globs each ARN part on its own") {
  const char* key = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK(ArnGlobMatch("*", key));
  CHECK(ArnGlobMatch("arn:aws:kms:*:111122223333:key/*", key));
  CHECK(ArnGlobMatch("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", key));
  CHECK_FALSE(ArnGlobMatch("arn:aws:kms:*:444455556666:key/*", key));
  CHECK_FALSE(ArnGlobMatch("arn:aws:kms:us-west-2:111122223333:alias/*", key));
  // A star does not run across a colon between parts.
  CHECK_FALSE(ArnGlobMatch("arn:aws:kms:*:key/*:x:y", key));
  // The resource part keeps its colons.
  CHECK(ArnGlobMatch("arn:aws:iam::111122223333:role/a:*", "arn:aws:iam::111122223333:role/a:b:c"));
  // Case-sensitive.
  CHECK_FALSE(ArnGlobMatch("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob"));
}

}  // namespace
}  // namespace kmslab::policy
