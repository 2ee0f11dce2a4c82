#include "policy/request_context.h"

#include <doctest/doctest.h>

namespace kmslab::policy {
namespace {

TEST_CASE("keys are case-insensitive, values keep case, setters replace") {
  RequestContext ctx;
  ctx.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  ctx.SetList("kms:EncryptionContextKeys", {"Table", "Account"});
  ctx.SetBool("aws:SecureTransport", true);
  REQUIRE(ctx.Find("KMS:VIASERVICE") != nullptr);
  CHECK(ctx.Find("kms:viaservice")->front() == "dynamodb.us-west-2.amazonaws.com");
  CHECK(ctx.Find("kms:encryptioncontextkeys")->size() == 2);
  CHECK(ctx.Find("kms:encryptioncontextkeys")->front() == "Table");
  CHECK(ctx.Find("aws:securetransport")->front() == "true");
  ctx.Set("KMS:ViaService", "other");
  CHECK(ctx.Find("kms:viaservice")->front() == "other");
  CHECK(ctx.entries().size() == 3);
  CHECK(ctx.entries().front().key == "kms:viaservice");
  ctx.Erase("kms:VIASERVICE");
  CHECK(ctx.Find("kms:viaservice") == nullptr);
  CHECK(ctx.Find("absent") == nullptr);
}

}  // namespace
}  // namespace kmslab::policy
