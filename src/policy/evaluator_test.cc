#include <doctest/doctest.h>

#include "policy/policy.h"
#include "policy/test_policies.h"

namespace kmslab::policy {
namespace {

using testing::IdentityPolicy;
using testing::KeyPolicy;
using testing::RequestBy;

constexpr const char* kDbLead = "arn:aws:iam::111122223333:user/db-lead";
constexpr const char* kApp = "arn:aws:iam::111122223333:user/app";
constexpr const char* kRoot = "arn:aws:iam::111122223333:root";
constexpr const char* kDbTeamSession = "arn:aws:sts::111122223333:assumed-role/db-team/alice";
constexpr const char* kPartnerAdmin = "arn:aws:iam::444455556666:user/partner-admin";
constexpr const char* kPartnerApp = "arn:aws:iam::444455556666:user/partner-app";

const char* kKmsAll = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})";

bool Determines(const Decision& d, std::string_view source, int index) {
  for (const Determining& x : d.determining)
    if (x.source == source && x.index == index) return true;
  return false;
}

TEST_CASE("DynamoDB customer managed key: db-lead through DynamoDB only") {
  NamedPolicy kp = KeyPolicy(testing::kDynamoDbCmkPolicy);
  EvalRequest r = RequestBy(kDbLead, "kms:GenerateDataKey", &kp);
  r.context.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  Decision d = Authorize(r);
  CHECK(d.effect == Effect::kAllow);
  CHECK(d.reason.empty());
  REQUIRE(d.determining.size() == 1);
  CHECK(d.determining[0].source == "key-policy");
  CHECK(d.determining[0].index == 0);
  CHECK(d.determining[0].sid.rfind("Allow access through Amazon DynamoDB", 0) == 0);
  CHECK(d.trace.empty());

  r.context.Set("kms:ViaService", "dynamodb.eu-central-1.amazonaws.com");
  CHECK(Authorize(r).allowed());
  r.action = "kms:GenerateDataKeyWithoutPlaintext";
  CHECK(Authorize(r).allowed());

  EvalRequest direct = RequestBy(kDbLead, "kms:Decrypt", &kp);
  d = Authorize(direct);
  CHECK(d.effect == Effect::kImplicitDeny);
  CHECK(d.reason == "no-resource");
  CHECK(d.determining.empty());

  EvalRequest s3 = RequestBy(kDbLead, "kms:Decrypt", &kp);
  s3.context.Set("kms:ViaService", "s3.us-west-2.amazonaws.com");
  CHECK(Authorize(s3).reason == "no-resource");
}

TEST_CASE("DynamoDB customer managed key: db-team sessions may describe and revoke, not decrypt") {
  NamedPolicy kp = KeyPolicy(testing::kDynamoDbCmkPolicy);
  for (const char* action : {"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListGrants", "kms:RevokeGrant"}) {
    CAPTURE(action);
    Decision d = Authorize(RequestBy(kDbTeamSession, action, &kp));
    CHECK(d.allowed());
    CHECK(Determines(d, "key-policy", 1));
  }
  CHECK(Authorize(RequestBy(kDbTeamSession, "kms:Decrypt", &kp)).reason == "no-resource");
  CHECK(Authorize(RequestBy(kDbTeamSession, "kms:PutKeyPolicy", &kp)).reason == "no-resource");
  // The account root is not named, and the policy has no delegation: even root is refused.
  CHECK(Authorize(RequestBy(kRoot, "kms:PutKeyPolicy", &kp)).reason == "no-resource");
}

TEST_CASE("default key policy: the account principal delegates to IAM; root has implicit IAM") {
  NamedPolicy kp = KeyPolicy(testing::kDefaultKeyPolicy);
  EvalRequest r = RequestBy(kApp, "kms:Encrypt", &kp);
  CHECK(Authorize(r).reason == "no-identity");
  r.identity_policies.push_back(IdentityPolicy("user/app:inline:kms-use", R"({"Version":"2012-10-17","Statement":[
      {"Sid":"Use","Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]})"));
  Decision d = Authorize(r);
  CHECK(d.allowed());
  REQUIRE(d.determining.size() == 2);
  CHECK(d.determining[0].source == "key-policy");
  CHECK(d.determining[0].sid == "Enable IAM User Permissions");
  CHECK(d.determining[1].source == "user/app:inline:kms-use");
  CHECK(d.determining[1].sid == "Use");
  r.action = "kms:ScheduleKeyDeletion";
  CHECK(Authorize(r).reason == "no-identity");

  Decision root = Authorize(RequestBy(kRoot, "kms:ScheduleKeyDeletion", &kp));
  CHECK(root.allowed());
  REQUIRE(root.determining.size() == 1);
  CHECK(root.determining[0].index == 0);
}

TEST_CASE("AWS managed key for DynamoDB") {
  NamedPolicy kp = KeyPolicy(testing::kDynamoDbManagedPolicy);
  EvalRequest r = RequestBy(kApp, "kms:Decrypt", &kp);
  r.context.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  Decision d = Authorize(r);
  CHECK(d.allowed());
  CHECK(Determines(d, "key-policy", 0));
  // Another region's DynamoDB does not match StringEquals.
  r.context.Set("kms:ViaService", "dynamodb.us-east-1.amazonaws.com");
  CHECK(Authorize(r).reason == "no-resource");
  // Direct calls: statement 1 delegates Describe* to the account, IAM must allow.
  EvalRequest describe = RequestBy(kApp, "kms:DescribeKey", &kp);
  CHECK(Authorize(describe).reason == "no-identity");
  describe.identity_policies.push_back(IdentityPolicy("user/app:inline:all", kKmsAll));
  CHECK(Authorize(describe).allowed());
  EvalRequest decrypt = RequestBy(kApp, "kms:Decrypt", &kp);
  decrypt.identity_policies.push_back(IdentityPolicy("user/app:inline:all", kKmsAll));
  CHECK(Authorize(decrypt).reason == "no-resource");
  // DynamoDB itself may describe the key directly, with no IAM at all.
  EvalRequest service = RequestBy("dynamodb.amazonaws.com", "kms:DescribeKey", &kp);
  d = Authorize(service);
  CHECK(d.allowed());
  CHECK(Determines(d, "key-policy", 2));
  service.action = "kms:GenerateDataKey";
  CHECK(Authorize(service).reason == "no-resource");
}

TEST_CASE("explicit deny beats every allow; the key policy's deny is reported first") {
  NamedPolicy kp = KeyPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
      {"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/app"},"Action":"kms:*","Resource":"*"},
      {"Sid":"NoDirectDecrypt","Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*",
       "Condition":{"StringNotEquals":{"kms:ViaService":"dynamodb.us-west-2.amazonaws.com"}}}]})");
  EvalRequest r = RequestBy(kApp, "kms:Decrypt", &kp);
  Decision d = Authorize(r);
  CHECK(d.effect == Effect::kExplicitDeny);
  CHECK(d.reason == "explicit-resource");
  REQUIRE(d.determining.size() == 1);
  CHECK(d.determining[0].sid == "NoDirectDecrypt");
  // Through DynamoDB the deny's negated condition is false.
  r.context.Set("kms:ViaService", "dynamodb.us-west-2.amazonaws.com");
  CHECK(Authorize(r).allowed());
  // The root is denied too.
  CHECK(Authorize(RequestBy(kRoot, "kms:Decrypt", &kp)).effect == Effect::kExplicitDeny);

  EvalRequest encrypt = RequestBy(kApp, "kms:Encrypt", &kp);
  encrypt.identity_policies.push_back(IdentityPolicy("user/app:inline:deny", R"({"Statement":[
      {"Sid":"NoEncrypt","Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]})"));
  d = Authorize(encrypt);
  CHECK(d.effect == Effect::kExplicitDeny);
  CHECK(d.reason == "explicit-identity");
  CHECK(Determines(d, "user/app:inline:deny", 0));

  EvalRequest both = RequestBy(kApp, "kms:Decrypt", &kp);
  both.identity_policies.push_back(IdentityPolicy("user/app:inline:deny", R"({"Statement":[
      {"Effect":"Deny","Action":"kms:*","Resource":"*"}]})"));
  d = Authorize(both);
  CHECK(d.reason == "explicit-resource");
  CHECK(d.determining.size() == 2);
}

TEST_CASE("an identity-policy deny works even when the key policy never delegates") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/app"},"Action":"kms:*","Resource":"*"}]})");
  EvalRequest r = RequestBy(kApp, "kms:Decrypt", &kp);
  CHECK(Authorize(r).allowed());
  r.identity_policies.push_back(IdentityPolicy("user/app:managed:deny", R"({"Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:111122223333:key/*"}]})"));
  CHECK(Authorize(r).reason == "explicit-identity");
}

TEST_CASE("cross-account: both sides must allow") {
  NamedPolicy kp = KeyPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
      {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
       "Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey","kms:PutKeyPolicy"],"Resource":"*"}]})");
  NamedPolicy partner_all = IdentityPolicy("user/partner-admin:inline:kms", kKmsAll);
  EvalRequest r = RequestBy(kPartnerAdmin, "kms:Decrypt", &kp);
  r.identity_policies.push_back(partner_all);
  Decision d = Authorize(r);
  CHECK(d.allowed());
  CHECK(Determines(d, "key-policy", 1));
  CHECK(Determines(d, "user/partner-admin:inline:kms", 0));
  // The key policy's Action list caps what the partner account can delegate.
  r.action = "kms:GenerateDataKey";
  CHECK(Authorize(r).reason == "no-resource");
  // Never cross-account, whatever both sides say.
  r.action = "kms:PutKeyPolicy";
  d = Authorize(r);
  CHECK(d.reason == "no-resource");
  REQUIRE_FALSE(d.diagnostics.empty());
  CHECK(d.diagnostics[0].find("cannot be used across accounts") != std::string::npos);
  // No IAM allow on the partner side.
  CHECK(Authorize(RequestBy(kPartnerApp, "kms:Decrypt", &kp)).reason == "no-identity");
  // The partner's root has implicit IAM.
  CHECK(Authorize(RequestBy("arn:aws:iam::444455556666:root", "kms:Encrypt", &kp)).allowed());
  // A key policy that names a partner user directly still needs that user's IAM allow.
  NamedPolicy direct = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/partner-app"},"Action":"kms:Decrypt","Resource":"*"}]})");
  EvalRequest app = RequestBy(kPartnerApp, "kms:Decrypt", &direct);
  CHECK(Authorize(app).reason == "no-identity");
  app.identity_policies.push_back(IdentityPolicy("user/partner-app:inline:k", R"({"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-west-2:111122223333:key/*"}]})"));
  CHECK(Authorize(app).allowed());
  // The owner's policy does not name the partner at all.
  NamedPolicy owner_only = KeyPolicy(testing::kDefaultKeyPolicy);
  EvalRequest stranger = RequestBy(kPartnerAdmin, "kms:Decrypt", &owner_only);
  stranger.identity_policies.push_back(partner_all);
  CHECK(Authorize(stranger).reason == "no-resource");
}

TEST_CASE("IAM-only operations consult identity policies alone") {
  EvalRequest r = RequestBy(kApp, "kms:CreateKey", nullptr);
  r.resource = "*";
  r.resource_account = "";
  Decision d = Authorize(r);
  CHECK(d.reason == "no-identity");
  r.identity_policies.push_back(IdentityPolicy("user/app:inline:create", R"({"Statement":[{"Sid":"C","Effect":"Allow","Action":"kms:Create*","Resource":"*"}]})"));
  d = Authorize(r);
  CHECK(d.allowed());
  CHECK(Determines(d, "user/app:inline:create", 0));
  // A key ARN resource does not cover CreateKey's "*".
  EvalRequest keyed = r;
  keyed.identity_policies = {IdentityPolicy("user/app:inline:k", R"({"Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"arn:aws:kms:*:111122223333:key/*"}]})")};
  CHECK(Authorize(keyed).reason == "no-identity");
  r.identity_policies.push_back(IdentityPolicy("user/app:inline:deny", R"({"Statement":[{"Effect":"Deny","Action":"kms:CreateKey","Resource":"*"}]})"));
  CHECK(Authorize(r).reason == "explicit-identity");
  EvalRequest root = RequestBy(kRoot, "kms:ListKeys", nullptr);
  root.resource = "*";
  CHECK(Authorize(root).allowed());
}

TEST_CASE("grants allow what the key policy does not") {
  NamedPolicy kp = KeyPolicy(testing::kDefaultKeyPolicy);
  Grant g{.grant_id = "g-1", .name = "app-decrypt", .grantee_principal = "arn:aws:iam::111122223333:role/app",
          .retiring_principal = "", .issuing_account = "arn:aws:iam::111122223333:root",
          .operations = {"Decrypt", "DescribeKey"}, .context_subset = {{"purpose", "test"}}};
  EvalRequest r = RequestBy("arn:aws:sts::111122223333:assumed-role/app/s1", "kms:Decrypt", &kp);
  r.grants.push_back(g);
  r.encryption_context = {{"Purpose", "test"}};
  Decision d = Authorize(r);
  CHECK(d.allowed());
  REQUIRE(d.determining.size() == 1);
  CHECK(d.determining[0].source == "grant");
  CHECK(d.determining[0].grant_id == "g-1");
  CHECK(d.determining[0].sid == "app-decrypt");
  r.encryption_context = {{"purpose", "TEST"}};
  CHECK(Authorize(r).reason == "no-identity");
  r.encryption_context.clear();
  CHECK_FALSE(Authorize(r).allowed());
  r.action = "kms:DescribeKey";
  CHECK(Authorize(r).allowed());  // constraints do not apply to DescribeKey
  r.action = "kms:Encrypt";
  CHECK_FALSE(Authorize(r).allowed());
  r.action = "kms:ListGrants";
  r.grants[0].operations.push_back("ListGrants");
  CHECK_FALSE(Authorize(r).allowed());
  // Grants cannot outvote an explicit deny.
  NamedPolicy deny = KeyPolicy(R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]})");
  EvalRequest denied = RequestBy("arn:aws:sts::111122223333:assumed-role/app/s1", "kms:Decrypt", &deny);
  denied.grants.push_back(g);
  denied.encryption_context = {{"purpose", "test"}};
  CHECK(Authorize(denied).effect == Effect::kExplicitDeny);
}

TEST_CASE("grants: service grantee, cross-account grantee, account-principal grantee") {
  NamedPolicy kp = KeyPolicy(testing::kDynamoDbCmkPolicy);
  Grant ddb{.grant_id = "g-ddb", .name = "0b1c", .grantee_principal = "dynamodb.us-west-2.amazonaws.com",
            .retiring_principal = "dynamodb.us-west-2.amazonaws.com", .issuing_account = "arn:aws:iam::111122223333:root",
            .operations = {"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo", "RetireGrant", "DescribeKey"},
            .context_subset = {{"aws:dynamodb:tableName", "Books"}, {"aws:dynamodb:subscriberId", "111122223333"}}};
  EvalRequest r = RequestBy("dynamodb.amazonaws.com", "kms:GenerateDataKey", &kp);
  r.grants.push_back(ddb);
  r.encryption_context = {{"aws:dynamodb:tableName", "Books"}, {"aws:dynamodb:subscriberId", "111122223333"}};
  Decision d = Authorize(r);
  CHECK(d.allowed());
  CHECK(d.determining.at(0).grant_id == "g-ddb");
  r.encryption_context["aws:dynamodb:tableName"] = "Movies";
  CHECK(Authorize(r).reason == "no-resource");

  NamedPolicy owner = KeyPolicy(testing::kDefaultKeyPolicy);
  Grant partner{.grant_id = "g-p", .grantee_principal = kPartnerApp, .operations = {"Encrypt"}};
  EvalRequest p = RequestBy(kPartnerApp, "kms:Encrypt", &owner);
  p.grants.push_back(partner);
  CHECK(Authorize(p).allowed());  // no IAM policy needed on the grantee's side

  Grant account{.grant_id = "g-a", .grantee_principal = "arn:aws:iam::111122223333:root", .operations = {"Encrypt"}};
  NamedPolicy app_only = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"kms:*","Resource":"*"}]})");
  EvalRequest a = RequestBy(kApp, "kms:Encrypt", &app_only);
  a.grants.push_back(account);
  CHECK_FALSE(Authorize(a).allowed());
  a.identity_policies.push_back(IdentityPolicy("user/app:inline:all", kKmsAll));
  d = Authorize(a);
  CHECK(d.allowed());
  CHECK(d.determining.at(0).grant_id == "g-a");
  EvalRequest root = RequestBy(kRoot, "kms:Encrypt", &app_only);
  root.grants.push_back(account);
  CHECK(Authorize(root).allowed());
}

TEST_CASE("RetireGrant is authorized by the grant") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:RetireGrant","Resource":"*"}]})");
  Grant g{.grant_id = "g-r", .name = "n", .grantee_principal = "arn:aws:iam::111122223333:user/grantee",
          .retiring_principal = "arn:aws:iam::111122223333:user/retirer",
          .issuing_account = "arn:aws:iam::111122223333:root", .operations = {"Decrypt"}};
  auto retire = [&](const char* who) {
    EvalRequest r = RequestBy(who, "kms:RetireGrant", &kp);
    r.grants.push_back(g);
    return r;
  };
  CHECK(Authorize(retire("arn:aws:iam::111122223333:user/retirer")).allowed());
  // The key policy's "*" allow has no effect for RetireGrant.
  CHECK(Authorize(retire("arn:aws:iam::111122223333:user/grantee")).reason == "no-identity");
  g.operations.push_back("RetireGrant");
  CHECK(Authorize(retire("arn:aws:iam::111122223333:user/grantee")).allowed());
  CHECK(Authorize(retire(kRoot)).allowed());
  EvalRequest iam = retire(kApp);
  CHECK_FALSE(Authorize(iam).allowed());
  iam.identity_policies.push_back(IdentityPolicy("user/app:inline:r", R"({"Statement":[{"Effect":"Allow","Action":"kms:RetireGrant","Resource":"*"}]})"));
  CHECK(Authorize(iam).allowed());
  EvalRequest outsider = retire(kPartnerApp);
  CHECK(Authorize(outsider).reason == "no-resource");
  EvalRequest denied = retire("arn:aws:iam::111122223333:user/retirer");
  denied.identity_policies.push_back(IdentityPolicy("user/retirer:inline:d", R"({"Statement":[{"Effect":"Deny","Action":"kms:RetireGrant","Resource":"*"}]})"));
  CHECK(Authorize(denied).reason == "explicit-identity");
}

TEST_CASE("NotPrincipal, NotAction, NotResource") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[
      {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},
      {"Sid":"OnlyAdmin","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/admin","arn:aws:iam::111122223333:root"]},
       "NotAction":["kms:Encrypt","kms:Decrypt","kms:Describe*"],"Resource":"*"}]})");
  NamedPolicy all = IdentityPolicy("iam", kKmsAll);
  EvalRequest admin = RequestBy("arn:aws:iam::111122223333:user/admin", "kms:ScheduleKeyDeletion", &kp);
  admin.identity_policies.push_back(all);
  CHECK(Authorize(admin).allowed());
  EvalRequest app = RequestBy(kApp, "kms:ScheduleKeyDeletion", &kp);
  app.identity_policies.push_back(all);
  Decision d = Authorize(app);
  CHECK(d.reason == "explicit-resource");
  CHECK(d.determining.at(0).sid == "OnlyAdmin");
  app.action = "kms:DescribeKey";
  CHECK(Authorize(app).allowed());
  // NotPrincipal without the account ARN: the admin is still denied, with a diagnostic.
  NamedPolicy trap = KeyPolicy(R"({"Statement":[
      {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},
      {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"kms:*","Resource":"*"}]})");
  admin.key_policy = &trap;
  d = Authorize(admin);
  CHECK(d.effect == Effect::kExplicitDeny);
  REQUIRE_FALSE(d.diagnostics.empty());
  CHECK(d.diagnostics[0].find("but not its account") != std::string::npos);

  NamedPolicy not_resource = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*",
      "NotResource":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]})");
  CHECK(Authorize(RequestBy(kApp, "kms:Decrypt", &not_resource)).reason == "no-resource");
}

TEST_CASE("resources: key ARN globs; an alias ARN does not cover the key") {
  NamedPolicy kp = KeyPolicy(testing::kDefaultKeyPolicy);
  auto with = [&](const char* resource) {
    EvalRequest r = RequestBy(kApp, "kms:Decrypt", &kp);
    r.identity_policies.push_back(IdentityPolicy("iam", std::string(R"({"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":")") +
                                                            resource + "\"}]}"));
    return Authorize(r).allowed();
  };
  CHECK(with("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
  CHECK(with("arn:aws:kms:*:111122223333:key/*"));
  CHECK(with("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12a?-3?cd-56ef-1234567890ab"));
  CHECK_FALSE(with("arn:aws:kms:us-west-2:111122223333:alias/app"));
  CHECK_FALSE(with("arn:aws:kms:us-west-2:444455556666:key/*"));
  CHECK_FALSE(with("arn:aws:kms:us-west-2:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab"));
}

TEST_CASE("resource variables") {
  NamedPolicy kp = KeyPolicy(testing::kDefaultKeyPolicy);
  EvalRequest r = RequestBy(kApp, "kms:Decrypt", &kp);
  r.resource = "arn:aws:kms:us-west-2:111122223333:key/app";
  r.identity_policies.push_back(IdentityPolicy("iam", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:111122223333:key/${aws:username}"}]})"));
  Decision d = Authorize(r);
  CHECK_FALSE(d.allowed());
  CHECK_FALSE(d.diagnostics.empty());
  r.context.Set("aws:username", "app");
  CHECK(Authorize(r).allowed());
}

TEST_CASE("actions: case-insensitive wildcards; GenerateDataKey does not cover WithoutPlaintext") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":["KMS:generatedatakey","kms:re*"],"Resource":"*"}]})");
  CHECK(Authorize(RequestBy(kApp, "kms:GenerateDataKey", &kp)).allowed());
  CHECK_FALSE(Authorize(RequestBy(kApp, "kms:GenerateDataKeyWithoutPlaintext", &kp)).allowed());
  CHECK(Authorize(RequestBy(kApp, "kms:ReEncryptFrom", &kp)).allowed());
  CHECK(Authorize(RequestBy(kApp, "kms:RevokeGrant", &kp)).allowed());
  CHECK_FALSE(Authorize(RequestBy(kApp, "kms:Decrypt", &kp)).allowed());
}

TEST_CASE("encryption-context conditions in a key policy") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/app"},
      "Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:AppName":"ExampleApp"}}},
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/app"},"Action":"kms:Encrypt","Resource":"*",
       "Condition":{"Null":{"kms:EncryptionContextKeys":"false"}}}]})");
  EvalRequest r = RequestBy(kApp, "kms:Decrypt", &kp);
  r.context.Set("kms:EncryptionContext:appname", "ExampleApp");
  CHECK(Authorize(r).allowed());
  r.context.Set("kms:EncryptionContext:appname", "exampleapp");
  CHECK_FALSE(Authorize(r).allowed());
  EvalRequest e = RequestBy(kApp, "kms:Encrypt", &kp);
  CHECK_FALSE(Authorize(e).allowed());
  e.context.SetList("kms:EncryptionContextKeys", {"any"});
  CHECK(Authorize(e).allowed());
}

TEST_CASE("statements without Action never match, with a diagnostic") {
  NamedPolicy kp = KeyPolicy(R"({"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]})");
  Decision d = Authorize(RequestBy(kApp, "kms:Decrypt", &kp));
  CHECK(d.reason == "no-resource");
  REQUIRE(d.diagnostics.size() == 1);
  CHECK(d.diagnostics[0].find("never matches") != std::string::npos);
}

TEST_CASE("trace: every statement, every element, the first failing condition") {
  NamedPolicy kp = KeyPolicy(testing::kDynamoDbCmkPolicy);
  EvalRequest r = RequestBy(kDbLead, "kms:Decrypt", &kp);
  r.want_trace = true;
  Decision d = Authorize(r);
  CHECK(d.reason == "no-resource");
  const TraceEvent* condition = nullptr;
  int statements = 0;
  for (const TraceEvent& e : d.trace) {
    if (e.element == "Condition") condition = &e;
    if (e.element == "Statement") ++statements;
  }
  CHECK(statements == 2);
  REQUIRE(condition != nullptr);
  CHECK_FALSE(condition->matched);
  CHECK(condition->index == 0);
  CHECK(condition->detail == "StringLike kms:ViaService [\"dynamodb.*.amazonaws.com\"]; request: absent");
  CHECK(d.trace.front().element == "Principal");
  CHECK(d.trace.front().matched);
  // The decision is the same with and without a trace.
  r.want_trace = false;
  Decision plain = Authorize(r);
  CHECK(plain.reason == d.reason);
  CHECK(plain.trace.empty());
}

TEST_CASE("Authorize is total: empty and odd requests do not fail") {
  CHECK(Authorize(EvalRequest{}).effect == Effect::kImplicitDeny);
  NamedPolicy null_policy{"key-policy", nullptr};
  EvalRequest r = RequestBy(kApp, "kms:Decrypt", &null_policy);
  r.identity_policies.push_back(NamedPolicy{"broken", nullptr});
  CHECK(Authorize(r).reason == "no-identity");
}

}  // namespace
}  // namespace kmslab::policy
