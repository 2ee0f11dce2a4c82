#include "crypto/ciphertext_blob.h"

#include <doctest/doctest.h>

#include "core/strings.h"

namespace kmslab::crypto {
namespace {

const char kArn[] = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

core::SecretBytes Material() { return core::SecretBytes(std::string(32, '\x42')); }

TEST_CASE("encryption context encoding is length-prefixed and sorted (frozen)") {
  CHECK(core::HexEncode(EncodeEncryptionContext({})) == "00000000");
  CHECK(core::HexEncode(EncodeEncryptionContext({{"b", "2"}, {"a", "1"}})) ==
        "00000002" "00000001" "61" "00000001" "31" "00000001" "62" "00000001" "32");
  CHECK(EncodeEncryptionContext({{"a", "b"}}) != EncodeEncryptionContext({{"ab", ""}}));
}

TEST_CASE("blob round trip and header") {
  auto blob = SealBlob({kArn, 3}, Material(), "hello", {{"purpose", "test"}});
  REQUIRE(blob.ok());
  CHECK(blob->size() == 8 + sizeof(kArn) - 1 + 12 + 5 + 16);
  auto header = ParseBlobHeader(*blob);
  REQUIRE(header.ok());
  CHECK(header->key_arn == kArn);
  CHECK(header->material_version == 3);
  CHECK(OpenBlob(*blob, Material(), {{"purpose", "test"}})->Reveal() == "hello");
}

TEST_CASE("context binding: wrong, missing and concatenation-equal contexts fail") {
  auto blob = SealBlob({kArn, 1}, Material(), "data", {{"a", "b"}});
  REQUIRE(blob.ok());
  CHECK_FALSE(OpenBlob(*blob, Material(), {}).ok());
  CHECK_FALSE(OpenBlob(*blob, Material(), {{"ab", ""}}).ok());
  CHECK_FALSE(OpenBlob(*blob, Material(), {{"a", "B"}}).ok());
  CHECK_FALSE(OpenBlob(*blob, Material(), {{"a", "b"}, {"c", "d"}}).ok());
}

TEST_CASE("tampered and truncated blobs fail") {
  auto blob = SealBlob({kArn, 1}, Material(), "data", {});
  REQUIRE(blob.ok());
  for (size_t i = 0; i < blob->size(); ++i) {
    std::string bad = *blob;
    bad[i] ^= 0x01;
    CHECK_FALSE(OpenBlob(bad, Material(), {}).ok());
  }
  for (size_t n = 0; n < blob->size(); ++n) CHECK_FALSE(OpenBlob(blob->substr(0, n), Material(), {}).ok());
}

// A version-1 blob made by an independent implementation (Python's
// cryptography AESGCM, IV 00..0b); it must decrypt forever.
TEST_CASE("golden version-1 blob") {
  std::string blob;
  REQUIRE(core::HexDecode(
      "4b4c014b61726e3a6177733a6b6d733a75732d656173742d313a3131313132323232333333333a6b65792f31323334616263642d313261"
      "622d333463642d353665662d31323334353637383930616200000001"
      "000102030405060708090a0b62b1fdb9d442d27bf1672d7da5b8234f6280f3c6cf8cf4bd173642d860819cb6",
      &blob));
  auto plain = OpenBlob(blob, Material(), {{"tenant", "blue"}});
  REQUIRE(plain.ok());
  CHECK(plain->Reveal() == "golden plaintext");
}

}  // namespace
}  // namespace kmslab::crypto
