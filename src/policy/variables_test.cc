#include "policy/variables.h"

#include <doctest/doctest.h>

#include "policy/glob.h"

namespace kmslab::policy {
namespace {

TEST_CASE("variables resolve from the request context, keys case-insensitive") {
  RequestContext ctx;
  ctx.Set("aws:username", "alice");
  ValueTemplate t = ValueTemplate::Compile("home/${aws:UserName}/*", true);
  CHECK(t.has_variables());
  std::string out, unresolved;
  REQUIRE(t.Resolve(ctx, ValueTemplate::Form::kPlain, &out, &unresolved));
  CHECK(out == "home/alice/*");
  REQUIRE(t.Resolve(ctx, ValueTemplate::Form::kGlob, &out, &unresolved));
  CHECK(GlobMatch(out, "home/alice/x", false));
  CHECK_FALSE(GlobMatch(out, "home/bob/x", false));
}

TEST_CASE("substituted values are literal in globs") {
  RequestContext ctx;
  ctx.Set("aws:username", "a*");
  ValueTemplate t = ValueTemplate::Compile("${aws:username}", true);
  std::string out;
  REQUIRE(t.Resolve(ctx, ValueTemplate::Form::kGlob, &out, nullptr));
  CHECK(GlobMatch(out, "a*", false));
  CHECK_FALSE(GlobMatch(out, "abc", false));
}

TEST_CASE("defaults, unresolved variables and multi-valued keys") {
  RequestContext ctx;
  ctx.SetList("kms:encryptioncontextkeys", {"a", "b"});
  std::string out, unresolved;
  ValueTemplate with_default = ValueTemplate::Compile("${aws:PrincipalTag/team, 'none'}", true);
  REQUIRE(with_default.Resolve(ctx, ValueTemplate::Form::kPlain, &out, &unresolved));
  CHECK(out == "none");
  ValueTemplate missing = ValueTemplate::Compile("x-${aws:username}", true);
  CHECK_FALSE(missing.Resolve(ctx, ValueTemplate::Form::kPlain, &out, &unresolved));
  CHECK(unresolved == "${aws:username}");
  ValueTemplate multi = ValueTemplate::Compile("${kms:EncryptionContextKeys}", true);
  CHECK_FALSE(multi.Resolve(ctx, ValueTemplate::Form::kPlain, &out, &unresolved));
}

TEST_CASE("escapes ${*} ${?} ${$}") {
  ValueTemplate t = ValueTemplate::Compile("a${*}b${?}c${$}d*", true);
  CHECK_FALSE(t.has_variables());
  CHECK(t.plain() == "a*b?c$d*");
  CHECK(GlobMatch(t.glob(), "a*b?c$dXYZ", false));
  CHECK_FALSE(GlobMatch(t.glob(), "aXb?c$d", false));
}

TEST_CASE("without Version 2012-10-17 everything is literal") {
  ValueTemplate t = ValueTemplate::Compile("${aws:username}", false);
  CHECK_FALSE(t.has_variables());
  CHECK(t.plain() == "${aws:username}");
}

TEST_CASE("malformed variables stay literal") {
  ValueTemplate open = ValueTemplate::Compile("a${aws:username", true);
  CHECK_FALSE(open.has_variables());
  CHECK(open.plain() == "a${aws:username");
  ValueTemplate bad_default = ValueTemplate::Compile("${aws:username, none}", true);
  CHECK_FALSE(bad_default.has_variables());
  CHECK(bad_default.plain() == "${aws:username, none}");
}

}  // namespace
}  // namespace kmslab::policy
