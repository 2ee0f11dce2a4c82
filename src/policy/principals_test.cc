#include "policy/principals.h"

#include <doctest/doctest.h>

namespace kmslab::policy {
namespace {

std::vector<PrincipalEntry> Entries(std::initializer_list<const char*> texts) {
  std::vector<PrincipalEntry> out;
  for (const char* t : texts) {
    std::string error;
    auto e = ParseAwsPrincipal(t, &error);
    INFO(error);
    REQUIRE(e.has_value());
    out.push_back(*e);
  }
  return out;
}

TEST_CASE("PrincipalFromArn") {
  Principal user = PrincipalFromArn("arn:aws:iam::111122223333:user/path/db-lead");
  CHECK(user.type == "IAMUser");
  CHECK(user.account == "111122223333");
  Principal session = PrincipalFromArn("arn:aws:sts::111122223333:assumed-role/db-team/alice");
  CHECK(session.type == "AssumedRole");
  CHECK(session.role_arn == "arn:aws:iam::111122223333:role/db-team");
  CHECK(PrincipalFromArn("arn:aws:iam::111122223333:root").type == "Root");
  CHECK(PrincipalFromArn("arn:aws:sts::111122223333:federated-user/bob").type == "FederatedUser");
  Principal service = PrincipalFromArn("dynamodb.amazonaws.com");
  CHECK(service.type == "AWSService");
  CHECK(service.service == "dynamodb.amazonaws.com");
  CHECK(service.account.empty());
}

TEST_CASE("Principal entries: direct, account, role covers sessions") {
  Principal session = PrincipalFromArn("arn:aws:sts::111122223333:assumed-role/db-team/alice");
  auto m = MatchPrincipalEntries(Entries({"arn:aws:iam::111122223333:role/db-team"}), session);
  CHECK(m.direct);
  m = MatchPrincipalEntries(Entries({"arn:aws:sts::111122223333:assumed-role/db-team/alice"}), session);
  CHECK(m.direct);
  m = MatchPrincipalEntries(Entries({"arn:aws:sts::111122223333:assumed-role/db-team/bob"}), session);
  CHECK_FALSE(m.direct);
  m = MatchPrincipalEntries(Entries({"111122223333"}), session);
  CHECK_FALSE(m.direct);
  CHECK(m.account);
  m = MatchPrincipalEntries(Entries({"arn:aws:iam::444455556666:root"}), session);
  CHECK_FALSE(m.account);
  m = MatchPrincipalEntries(Entries({"*"}), session);
  CHECK(m.direct);

  Principal user = PrincipalFromArn("arn:aws:iam::111122223333:user/db-lead");
  CHECK(MatchPrincipalEntries(Entries({"arn:aws:iam::111122223333:user/db-lead"}), user).direct);
  CHECK_FALSE(MatchPrincipalEntries(Entries({"arn:aws:iam::111122223333:user/DB-LEAD"}), user).direct);
  // A unique id (deleted user) never matches the recreated user.
  CHECK_FALSE(MatchPrincipalEntries(Entries({"AIDACKCEVSQ6C2EXAMPLE"}), user).direct);
}

TEST_CASE("service principals") {
  Principal ddb = PrincipalFromArn("dynamodb.us-west-2.amazonaws.com");
  PrincipalEntry global{PrincipalEntry::Kind::kService, "dynamodb.amazonaws.com", ""};
  CHECK(MatchPrincipalEntries({global}, ddb).direct);
  PrincipalEntry other{PrincipalEntry::Kind::kService, "s3.amazonaws.com", ""};
  CHECK_FALSE(MatchPrincipalEntries({other}, ddb).direct);
  // A service entry never matches a user the service acts for.
  CHECK_FALSE(MatchPrincipalEntries({global}, PrincipalFromArn("arn:aws:iam::111122223333:user/db-lead")).direct);
  CHECK(ServiceMatches("dynamodb.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"));
  CHECK(ServiceMatches("dynamodb.eu-west-1.amazonaws.com", "DYNAMODB.amazonaws.com"));
  CHECK_FALSE(ServiceMatches("dynamodb.eu-west-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"));
  // An account principal never covers a service.
  CHECK_FALSE(MatchPrincipalEntries(Entries({"111122223333"}), ddb).account);
}

TEST_CASE("NotPrincipal needs the caller and its account listed") {
  Principal user = PrincipalFromArn("arn:aws:iam::111122223333:user/admin");
  bool missing = false;
  CHECK(NotPrincipalApplies(Entries({"arn:aws:iam::111122223333:user/other", "111122223333"}), user, &missing));
  CHECK_FALSE(missing);
  CHECK(NotPrincipalApplies(Entries({"arn:aws:iam::111122223333:user/admin"}), user, &missing));
  CHECK(missing);
  CHECK_FALSE(NotPrincipalApplies(Entries({"arn:aws:iam::111122223333:user/admin", "arn:aws:iam::111122223333:root"}),
                                  user, &missing));
  Principal root = PrincipalFromArn("arn:aws:iam::111122223333:root");
  CHECK_FALSE(NotPrincipalApplies(Entries({"arn:aws:iam::111122223333:root"}), root, nullptr));
  CHECK(NotPrincipalApplies(Entries({"arn:aws:iam::444455556666:root"}), root, nullptr));
  Principal session = PrincipalFromArn("arn:aws:sts::111122223333:assumed-role/Admin/s1");
  CHECK_FALSE(NotPrincipalApplies(Entries({"arn:aws:iam::111122223333:role/Admin", "111122223333"}), session, nullptr));
  CHECK_FALSE(NotPrincipalApplies(Entries({"*"}), session, nullptr));
}

TEST_CASE("grantee matching") {
  Principal session = PrincipalFromArn("arn:aws:sts::111122223333:assumed-role/app/s1");
  CHECK(MatchGrantee("arn:aws:iam::111122223333:role/app", session) == GranteeMatch::kDirect);
  CHECK(MatchGrantee("arn:aws:sts::111122223333:assumed-role/app/s1", session) == GranteeMatch::kDirect);
  CHECK(MatchGrantee("arn:aws:iam::111122223333:root", session) == GranteeMatch::kAccount);
  CHECK(MatchGrantee("111122223333", session) == GranteeMatch::kAccount);
  CHECK(MatchGrantee("arn:aws:iam::444455556666:root", session) == GranteeMatch::kNone);
  CHECK(MatchGrantee("arn:aws:iam::111122223333:role/other", session) == GranteeMatch::kNone);
  CHECK(MatchGrantee("", session) == GranteeMatch::kNone);
  Principal ddb = PrincipalFromArn("dynamodb.us-west-2.amazonaws.com");
  CHECK(MatchGrantee("dynamodb.us-west-2.amazonaws.com", ddb) == GranteeMatch::kDirect);
  CHECK(MatchGrantee("dynamodb.us-east-1.amazonaws.com", ddb) == GranteeMatch::kNone);
  CHECK(MatchGrantee("dynamodb.us-west-2.amazonaws.com", PrincipalFromArn("arn:aws:iam::111122223333:user/u")) ==
        GranteeMatch::kNone);
}

}  // namespace
}  // namespace kmslab::policy
