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
