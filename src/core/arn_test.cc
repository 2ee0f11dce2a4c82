#include "core/arn.h"

#include <doctest/doctest.h>

namespace kmslab::core {
namespace {

TEST_CASE("ParseArn splits six parts and keeps colons in the resource") {
  auto arn = ParseArn("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  REQUIRE(arn.has_value());
  CHECK(arn->region == "us-east-1");
  CHECK(arn->account == "111122223333");
  CHECK(arn->resource == "key/1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK(ParseArn("arn:aws:iam::111122223333:role/a:b")->resource == "role/a:b");
  CHECK_FALSE(ParseArn("arn:aws:kms").has_value());
  CHECK_FALSE(ParseArn("alias/foo").has_value());
}

TEST_CASE("key ids") {
  CHECK(IsKeyId("1234abcd-12ab-34cd-56ef-1234567890ab"));
  CHECK(IsKeyId("mrk-1234abcd12ab34cd56ef1234567890ab"));
  CHECK_FALSE(IsKeyId("fake-key-id"));
  CHECK_FALSE(IsKeyId("134f2428cec14b25a1ae9048164dba47"));
  CHECK_FALSE(IsKeyId("mrk-fake-key-id"));
}

}  // namespace
}  // namespace kmslab::core

namespace kmslab::core {
TEST_CASE("region names") {
  for (const char* good : {"us-east-1", "eu-west-1", "us-gov-west-1", "eu-isoe-west-1", "ap-southeast-5", "mx-central-1"}) {
    CHECK_MESSAGE(IsRegionName(good), good);
  }
  for (const char* bad : {"", "local", "us-east", "us-east-", "-us-east-1", "us--east-1", "US-EAST-1", "a:b",
                          "usa-east-1", "us-east-1a", "us-east-x", "us-1", "us-east-1 ",
                          "us-eastaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1"}) {
    CHECK_FALSE_MESSAGE(IsRegionName(bad), bad);
  }
}
}  // namespace kmslab::core
