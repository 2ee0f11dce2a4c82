#include "kms/import_token.h"

#include <doctest/doctest.h>

#include "crypto/asymmetric_key.h"

namespace kmslab::kms {
namespace {

constexpr char kArn[] = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

ImportParameters Params() {
  ImportParameters p;
  p.wrapping = {WrappingAlgorithm::kRsaAesKeyWrapSha256, WrappingKeySpec::kRsa3072};
  p.valid_to_ms = 1'800'000'000'123;
  p.wrapping_key = core::SecretBytes(std::string("pkcs8-private-key-bytes"));
  return p;
}

TEST_CASE("an import token opens for its key under the key that sealed it") {
  const core::SecretBytes token_key(std::string(32, 't'));
  auto token = SealImportToken(token_key, kArn, Params());
  REQUIRE(token.ok());
  auto opened = OpenImportToken(token_key, kArn, *token);
  REQUIRE(opened.has_value());
  CHECK(opened->wrapping.algorithm == WrappingAlgorithm::kRsaAesKeyWrapSha256);
  CHECK(opened->wrapping.key_spec == WrappingKeySpec::kRsa3072);
  CHECK(opened->valid_to_ms == 1'800'000'000'123);
  CHECK(opened->wrapping_key.Reveal() == "pkcs8-private-key-bytes");
  // Opaque: the private key is not readable in the token.
  CHECK(token->find("pkcs8-private-key-bytes") == std::string::npos);
  // Fresh every time.
  CHECK(*SealImportToken(token_key, kArn, Params()) != *token);
}

TEST_CASE("an import token opens for no other key, server or bytes") {
  const core::SecretBytes token_key(std::string(32, 't'));
  const std::string token = SealImportToken(token_key, kArn, Params()).value();
  std::string other_key_arn = kArn;
  other_key_arn.back() = 'c';
  CHECK_FALSE(OpenImportToken(token_key, other_key_arn, token).has_value());
  std::string other_region = kArn;
  other_region.replace(other_region.find("us-east-1"), 9, "us-west-2");
  CHECK_FALSE(OpenImportToken(token_key, other_region, token).has_value());
  CHECK_FALSE(OpenImportToken(core::SecretBytes(std::string(32, 'u')), kArn, token).has_value());
  std::string flipped = token;
  flipped[20] ^= 1;
  CHECK_FALSE(OpenImportToken(token_key, kArn, flipped).has_value());
  CHECK_FALSE(OpenImportToken(token_key, kArn, token.substr(0, 12)).has_value());
  CHECK_FALSE(OpenImportToken(token_key, kArn, "").has_value());
}

TEST_CASE("a real wrapping key survives the token") {
  const core::SecretBytes token_key(std::string(32, 't'));
  ImportParameters p = Params();
  p.wrapping_key = crypto::GenerateRsaKey(2048).value();
  const std::string expected(p.wrapping_key.Reveal());
  auto opened = OpenImportToken(token_key, kArn, SealImportToken(token_key, kArn, p).value());
  REQUIRE(opened.has_value());
  CHECK(opened->wrapping_key.Reveal() == expected);
  CHECK(crypto::PublicKeyInfo(opened->wrapping_key).ok());
}

}  // namespace
}  // namespace kmslab::kms
