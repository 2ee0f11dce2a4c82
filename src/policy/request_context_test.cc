#include "policy/request_context.h"

#include <doctest/doctest.h>

namespace kmslab::policy {
namespace {

TEST_CASE("keys are case-insensitive, values keep case, setters replace") {
  RequestContext ctx;
  ctx.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  ctx.SetList("kms:EncryptionContextKeys", {"Table", "Account"});
  ctx.SetBool("aws:SecureTransport", true);
  REQUIRE(ctx.Find("KMS:VIASERVICE").has_value());
  CHECK(ctx.Find("kms:viaservice")->front() == "dynamodb.us-west-2.amazonaws.com");
  CHECK(ctx.Find("kms:encryptioncontextkeys")->size() == 2);
  CHECK(ctx.Find("kms:encryptioncontextkeys")->front() == "Table");
  CHECK(ctx.Find("aws:securetransport")->front() == "true");
  ctx.Set("KMS:ViaService", "other");
  CHECK(ctx.Find("kms:viaservice")->front() == "other");
  CHECK(ctx.entries().size() == 3);
  CHECK(ctx.entries().front().key == "kms:viaservice");
  ctx.Erase("kms:VIASERVICE");
  CHECK_FALSE(ctx.Find("kms:viaservice").has_value());
  CHECK_FALSE(ctx.Find("absent").has_value());
}

TEST_CASE("a key switches between one value and a list") {
  RequestContext ctx;
  ctx.SetList("aws:TagKeys", {"a", "b"});
  ctx.Set("aws:tagkeys", "c");
  REQUIRE(ctx.Find("aws:TagKeys")->size() == 1);
  CHECK(ctx.Find("aws:TagKeys")->front() == "c");
  ctx.SetList("aws:TagKeys", {});
  REQUIRE(ctx.Find("aws:TagKeys").has_value());
  CHECK(ctx.Find("aws:TagKeys")->empty());
  CHECK(ctx.entries().size() == 1);
}

}  // namespace
}  // namespace kmslab::policy

namespace kmslab::policy {
namespace {
TEST_CASE("many keys: every one is found, case-insensitively, and replaced in place") {
  // Quadratic lookups would take minutes here; the index keeps this instant.
  constexpr int kKeys = 200000;
  RequestContext context;
  for (int i = 0; i < kKeys; ++i) context.Set("kms:EncryptionContext:K" + std::to_string(i), "v" + std::to_string(i));
  REQUIRE(context.entries().size() == kKeys);
  for (int i = 0; i < kKeys; i += 997) {
    auto found = context.Find("KMS:encryptioncontext:k" + std::to_string(i));
    REQUIRE(found);
    CHECK(found->front() == "v" + std::to_string(i));
  }
  context.Set("kms:encryptioncontext:k5", "replaced");
  CHECK(context.entries().size() == kKeys);
  CHECK(context.Find("kms:EncryptionContext:K5")->front() == "replaced");
  context.Erase("kms:EncryptionContext:K0");
  CHECK_FALSE(context.Find("kms:EncryptionContext:K0"));
  CHECK(context.Find("kms:EncryptionContext:K199999")->front() == "v199999");
  CHECK(!context.Find("kms:EncryptionContext:K200000"));
  // Shrinking back below the index threshold keeps lookups right.
  RequestContext small;
  for (int i = 0; i < 20; ++i) small.Set("k" + std::to_string(i), "v");
  for (int i = 0; i < 10; ++i) small.Erase("k" + std::to_string(i));
  CHECK(small.Find("K15"));
  CHECK_FALSE(small.Find("k3"));
  small.Set("k3", "again");
  CHECK(small.Find("k3")->front() == "again");
}
}  // namespace
}  // namespace kmslab::policy
