#include "iam/directory.h"

#include <doctest/doctest.h>
#include <stdio.h>
#include <stdlib.h>

#include "iam/sts.h"

namespace kmslab::iam {
namespace {

std::unique_ptr<Directory> Bundled() {
  const char* dir = getenv("KMSLAB_FIXTURES_DIR");
  REQUIRE(dir != nullptr);
  auto loaded = Directory::Load(dir);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  return std::move(loaded).value();
}

TEST_CASE("the bundled fixtures define the principals labs rely on") {
  auto dir = Bundled();
  for (const char* name : {"admin", "db-lead", "app", "auditor", "partner-admin", "partner-app"}) {
    CAPTURE(name);
    IdentityPtr who = dir->FindPrincipal(name);
    REQUIRE(who != nullptr);
    CHECK(who->type == "IAMUser");
    CHECK(who->user_id.starts_with("AIDA"));
    CHECK(who->user_id.size() == 21);
    auto key = dir->LongTermKeyOf(name);
    REQUIRE(key.has_value());
    CHECK(dir->FindAccessKey(key->access_key_id)->identity->arn == who->arn);
  }
  CHECK(dir->FindPrincipal("admin")->arn == "arn:aws:iam::111122223333:user/admin");
  CHECK(dir->FindPrincipal("partner-app")->account == "444455556666");
  CHECK(dir->FindPrincipal("partner-app")->policies.empty());
  CHECK(dir->FindPrincipal("db-lead")->policies.size() == 1);
  IdentityPtr team = dir->FindPrincipal("role/db-team");
  REQUIRE(team != nullptr);
  CHECK(team->type == "AssumedRole");
  CHECK(team->role_arn == "arn:aws:iam::111122223333:role/db-team");
  CHECK(dir->FindPrincipal("arn:aws:iam::444455556666:root")->type == "Root");
  CHECK(dir->FindPrincipal("nobody") == nullptr);
  CHECK_FALSE(dir->FindAccessKey("AKIADOESNOTEXIST0000").has_value());
}

TEST_CASE("AssumeRole follows the trust policy and the caller's IAM policies") {
  auto dir = Bundled();
  const std::string admin_role = "arn:aws:iam::111122223333:role/Admin";
  const std::string team_role = "arn:aws:iam::111122223333:role/db-team";
  // The trust policy names admin directly.
  auto session = AssumeRole(*dir, *dir->FindPrincipal("admin"), {admin_role, "s1", 3600}, 0);
  REQUIRE(session.ok());
  CHECK(session->access_key_id.starts_with("ASIA"));
  CHECK(session->identity->arn == "arn:aws:sts::111122223333:assumed-role/Admin/s1");
  CHECK(dir->FindAccessKey(session->access_key_id)->session_token == session->session_token);
  // The trust policy delegates to the account: IAM must allow sts:AssumeRole.
  CHECK(AssumeRole(*dir, *dir->FindPrincipal("admin"), {team_role, "s2", 3600}, 0).ok());
  auto denied = AssumeRole(*dir, *dir->FindPrincipal("db-lead"), {team_role, "s3", 3600}, 0);
  CHECK(denied.status().aws_type() == "AccessDenied");
  CHECK(denied.status().message() ==
        "User: arn:aws:iam::111122223333:user/db-lead is not authorized to perform: sts:AssumeRole on resource: " +
            team_role);
  CHECK(AssumeRole(*dir, *dir->FindPrincipal("app"), {admin_role, "s4", 3600}, 0).status().aws_type() ==
        "AccessDenied");
  CHECK(AssumeRole(*dir, *dir->FindPrincipal("admin"), {admin_role, "x", 3600}, 0).status().aws_type() ==
        "ValidationError");
}

TEST_CASE("AssumeRole words its validation errors as AWS does and enforces MaxSessionDuration") {
  auto dir = Bundled();
  const Identity& admin = *dir->FindPrincipal("admin");
  const std::string role = "arn:aws:iam::111122223333:role/Admin";
  auto message = [&](const std::string& session, int64_t seconds) {
    return AssumeRole(*dir, admin, {role, session, seconds}, 0).status().message();
  };
  const std::string one = "1 validation error detected: ";
  const std::string name_at = "' at 'roleSessionName' failed to satisfy constraint: Member must ";
  const std::string duration_at = "' at 'durationSeconds' failed to satisfy constraint: Member must ";
  const std::string long_name(65, 's');
  struct Case {
    std::string session;
    int64_t seconds;
    std::string expected;
  };
  const Case cases[] = {
      {"a", 3600, one + "Value 'a" + name_at + "have length greater than or equal to 2"},
      {long_name, 3600, one + "Value '" + long_name + name_at + "have length less than or equal to 64"},
      {"a b", 3600, one + "Value 'a b" + name_at + "satisfy regular expression pattern: [\\w+=,.@-]*"},
      {"ok", 899, one + "Value '899" + duration_at + "have value greater than or equal to 900"},
      {"ok", 43201, one + "Value '43201" + duration_at + "have value less than or equal to 43200"},
      {"a", 10,
       "2 validation errors detected: Value 'a" + name_at + "have length greater than or equal to 2; Value '10" +
           duration_at + "have value greater than or equal to 900"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.session);
    CHECK(message(c.session, c.seconds) == c.expected);
  }
  // Within the API's range but above the role's MaxSessionDuration (3600 s unless the fixture says).
  CHECK(dir->FindRole(role)->max_session_seconds == 3600);
  auto over = AssumeRole(*dir, admin, {role, "ok", 3601}, 0);
  CHECK(over.status().aws_type() == "ValidationError");
  CHECK(over.status().message() == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  CHECK(AssumeRole(*dir, admin, {role, "ok", 3600}, 0).ok());
  CHECK(AssumeRole(*dir, admin, {role, "ok", 900}, 0).ok());
}

TEST_CASE("a fixture role may carry its MaxSessionDuration") {
  char tmpl[] = "/tmp/kmslab-fixtures-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string path = std::string(tmpl) + "/identities.json";
  auto load = [&](const std::string& max) {
    FILE* f = fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    fputs((R"({"accounts": {"111122223333": {"roles": [{"name": "r", "maxSessionDuration": )" + max +
           R"(, "trustPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",)"
           R"( "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}}]}}})")
              .c_str(),
          f);
    fclose(f);
    return Directory::Load(tmpl);
  };
  auto loaded = load("43200");
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  CHECK((*loaded)->FindRole("arn:aws:iam::111122223333:role/r")->max_session_seconds == 43200);
  for (const char* bad : {"3599", "43201", "\"3600\"", "3600.5"}) {
    CAPTURE(bad);
    CHECK(load(bad).status().code() == core::Code::kInvalidArgument);
  }
}

TEST_CASE("malformed fixture files are refused with a message, not a crash") {
  char tmpl[] = "/tmp/kmslab-fixtures-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string path = std::string(tmpl) + "/identities.json";
  for (const char* text : {R"({"accounts": {"111122223333": {"users": [{"name": 5}]}}})",
                           R"({"accounts": {"111122223333": {"users": [{"name": "u", "accessKeys": [{"id": 1}]}]}}})",
                           R"({"accounts": {"12": {}}})", R"({"accounts": []})", "not json",
                           R"({"accounts": {"111122223333": {"roles": [{"name": "r"}]}}})"}) {
    CAPTURE(text);
    FILE* f = fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    fputs(text, f);
    fclose(f);
    auto loaded = Directory::Load(tmpl);
    CHECK(loaded.status().code() == core::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace kmslab::iam
