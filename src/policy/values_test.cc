#include "policy/values.h"

#include <doctest/doctest.h>

namespace kmslab::policy {
namespace {

TEST_CASE("numbers") {
  CHECK(ParseNumber("42") == 42.0);
  CHECK(ParseNumber("-3.5") == -3.5);
  CHECK(ParseNumber("+7") == 7.0);
  CHECK_FALSE(ParseNumber("").has_value());
  CHECK_FALSE(ParseNumber("1e5").has_value());
  CHECK_FALSE(ParseNumber("1.").has_value());
  CHECK_FALSE(ParseNumber("abc").has_value());
}

TEST_CASE("dates: ISO 8601 forms and epoch seconds") {
  CHECK(ParseDate("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseDate("2020-01-01T00:00:00Z") == 1577836800000LL);
  CHECK(ParseDate("2020-01-01") == 1577836800000LL);
  CHECK(ParseDate("2020-01-01T00:00Z") == 1577836800000LL);
  CHECK(ParseDate("2020-01-01T00:00:00.250Z") == 1577836800250LL);
  // Epoch seconds whose milliseconds do not fit in 64 bits are not dates (found by tests/fuzz/policy_fuzz).
  CHECK_FALSE(ParseDate("17777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777"));
  CHECK_FALSE(ParseDate("-9300000000000000"));
  CHECK(ParseDate("9100000000000000") == 9100000000000000000LL);
  CHECK(ParseDate("2020-01-01T02:00:00+02:00") == 1577836800000LL);
  CHECK(ParseDate("2019-12-31T22:00:00-02:00") == 1577836800000LL);
  CHECK(ParseDate("1577836800") == 1577836800000LL);
  CHECK(ParseDate("1577836800.5") == 1577836800500LL);
  CHECK(ParseDate("2024-02-29").has_value());
  CHECK_FALSE(ParseDate("2023-02-29").has_value());
  CHECK_FALSE(ParseDate("2020-13-01").has_value());
  CHECK_FALSE(ParseDate("yesterday").has_value());
  CHECK_FALSE(ParseDate("2020-01-01T00:00:00Q").has_value());
}

TEST_CASE("IPv4 and IPv6 CIDR") {
  auto net = ParseIpNet("10.0.0.0/8");
  REQUIRE(net.has_value());
  CHECK(IpInNet(*ParseIpNet("10.1.2.3"), *net));
  CHECK_FALSE(IpInNet(*ParseIpNet("11.1.2.3"), *net));
  CHECK(IpInNet(*ParseIpNet("192.0.2.7"), *ParseIpNet("192.0.2.7")));
  CHECK(IpInNet(*ParseIpNet("192.0.2.7"), *ParseIpNet("0.0.0.0/0")));
  CHECK(IpInNet(*ParseIpNet("203.0.113.130"), *ParseIpNet("203.0.113.128/25")));
  CHECK_FALSE(IpInNet(*ParseIpNet("203.0.113.127"), *ParseIpNet("203.0.113.128/25")));
  auto v6 = ParseIpNet("2001:db8::/32");
  REQUIRE(v6.has_value());
  CHECK(IpInNet(*ParseIpNet("2001:db8:1::5"), *v6));
  CHECK_FALSE(IpInNet(*ParseIpNet("2001:db9::1"), *v6));
  CHECK(IpInNet(*ParseIpNet("::1"), *ParseIpNet("::1/128")));
  CHECK(ParseIpNet("::ffff:192.0.2.1").has_value());
  // Families never mix.
  CHECK_FALSE(IpInNet(*ParseIpNet("10.0.0.1"), *ParseIpNet("::/0")));
  CHECK_FALSE(ParseIpNet("10.0.0.0/33").has_value());
  CHECK_FALSE(ParseIpNet("256.0.0.1").has_value());
  CHECK_FALSE(ParseIpNet("1::2::3").has_value());
  CHECK_FALSE(ParseIpNet("example.com").has_value());
}

TEST_CASE("booleans") {
  CHECK(ParseBool("true") == true);
  CHECK(ParseBool("FALSE") == false);
  CHECK_FALSE(ParseBool("yes").has_value());
}

}  // namespace
}  // namespace kmslab::policy
