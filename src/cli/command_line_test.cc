#include "cli/command_line.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "audit/retention.h"

extern char** environ;

namespace kmslab::cli {
namespace {

struct Outcome {
  ParsedCommandLine parsed;
  std::string out, err;
};

// Parses `args` with exactly `env` as the KMSLAB_* variables of the environment.
Outcome Parse(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> inherited;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    if (text.starts_with("KMSLAB_")) inherited.push_back(text.substr(0, text.find('=')));
  }
  for (const std::string& name : inherited) ::unsetenv(name.c_str());
  for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
  std::ostringstream out, err;
  ParsedCommandLine parsed = ParseCommandLine(args, out, err);
  for (const auto& [name, value] : env) ::unsetenv(name.c_str());
  return {std::move(parsed), out.str(), err.str()};
}

template <typename Options>
Options Run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  Outcome outcome = Parse(args, env);
  INFO(outcome.err);
  REQUIRE(outcome.parsed.invocation.has_value());
  REQUIRE(std::holds_alternative<Options>(*outcome.parsed.invocation));
  CHECK(outcome.out.empty());
  CHECK(outcome.err.empty());
  return std::get<Options>(*outcome.parsed.invocation);
}

// A usage error: exit status 2, nothing on stdout, one line on stderr that
// names `flag` and points to the command's --help; returns that line.
std::string UsageError(const std::vector<std::string>& args, const std::string& flag,
                       const std::map<std::string, std::string>& env = {}) {
  Outcome outcome = Parse(args, env);
  INFO(outcome.err);
  CHECK_FALSE(outcome.parsed.invocation.has_value());
  CHECK(outcome.parsed.exit_status == kUsageExitStatus);
  CHECK(outcome.out.empty());
  CHECK(std::count(outcome.err.begin(), outcome.err.end(), '\n') == 1);
  CHECK(outcome.err.find(flag) != std::string::npos);
  CHECK(outcome.err.find("kmslab " + args.front() + " --help") != std::string::npos);
  return outcome.err;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_CASE("serve: every option's default") {
  const ServeOptions o = Run<ServeOptions>({"serve"});
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 4599);
  CHECK(o.threads == 16);
  CHECK(o.stack.data_dir == "./data");
  CHECK(o.stack.fixtures_dir == defaults::kFixturesDir);
  CHECK(o.stack.account == "111122223333");
  CHECK(o.stack.region == "us-east-1");
  CHECK(o.stack.auth == http::AuthMode::kStrict);
  CHECK(o.stack.grant_delay_seconds == 0);
  CHECK(o.stack.admin_token.empty());
  const audit::Retention week = audit::ParseRetention(audit::kDefaultRetention).value();
  CHECK(o.stack.trail_retention.max_age_ms == week.max_age_ms);
  CHECK(o.stack.trail_retention.max_bytes == week.max_bytes);
  CHECK_FALSE(o.stack.kms.key_state_before_access);
  CHECK_FALSE(o.stack.kms.pending_deletion_disabled);
  CHECK_FALSE(o.stack.modelled_http_status);
  const ddb::Options d;
  CHECK(o.stack.ddb.data_events == d.data_events);
  CHECK(o.stack.ddb.validation_envelope);
  CHECK_FALSE(o.stack.ddb.streams_readable_while_key_unusable);
  CHECK(o.stack.ddb.detection_seconds == d.detection_seconds);
  CHECK(o.stack.ddb.stream_retention_seconds == d.stream_retention_seconds);
  CHECK(o.stack.ddb.replica_create_seconds == d.replica_create_seconds);
}

TEST_CASE("serve: each option lands in its own field") {
  const ServeOptions o = Run<ServeOptions>({"serve",
                                            "--host",
                                            "0.0.0.0",
                                            "--port",
                                            "0",
                                            "--data",
                                            "/tmp/d",
                                            "--fixtures",
                                            "/tmp/f",
                                            "--account",
                                            "444455556666",
                                            "--region",
                                            "eu-west-1",
                                            "--threads",
                                            "3",
                                            "--auth",
                                            "open",
                                            "--grant-delay",
                                            "60",
                                            "--admin-token",
                                            "t0k",
                                            "--trail-retention",
                                            "none",
                                            "--key-state-before-access",
                                            "--pending-deletion-disabled",
                                            "--modelled-http-status",
                                            "--ddb-data-events",
                                            "--ddb-bare-validation-texts",
                                            "--ddb-streams-readable-while-key-unusable",
                                            "--ddb-detection-seconds",
                                            "11",
                                            "--ddb-recovery-seconds=12",
                                            "--ddb-sse-update-seconds",
                                            "13",
                                            "--ddb-ttl-sweep-seconds",
                                            "14",
                                            "--ddb-ttl-grace-seconds",
                                            "15",
                                            "--ddb-ttl-cooldown-seconds",
                                            "16",
                                            "--ddb-stream-retention-seconds",
                                            "17",
                                            "--ddb-stream-transition-seconds",
                                            "18",
                                            "--ddb-pitr-setup-seconds",
                                            "19",
                                            "--ddb-replica-create-seconds",
                                            "20",
                                            "--ddb-replication-delay-seconds",
                                            "21"});
  CHECK(o.host == "0.0.0.0");
  CHECK(o.port == 0);
  CHECK(o.stack.data_dir == "/tmp/d");
  CHECK(o.stack.fixtures_dir == "/tmp/f");
  CHECK(o.stack.account == "444455556666");
  CHECK(o.stack.region == "eu-west-1");
  CHECK(o.threads == 3);
  CHECK(o.stack.auth == http::AuthMode::kOpen);
  CHECK(o.stack.grant_delay_seconds == 60);
  CHECK(o.stack.admin_token == "t0k");
  CHECK(o.stack.trail_retention.unlimited());
  CHECK(o.stack.kms.key_state_before_access);
  CHECK(o.stack.kms.pending_deletion_disabled);
  CHECK(o.stack.modelled_http_status);
  CHECK(o.stack.ddb.data_events);
  CHECK_FALSE(o.stack.ddb.validation_envelope);
  CHECK(o.stack.ddb.streams_readable_while_key_unusable);
  const ddb::Options& d = o.stack.ddb;
  CHECK(std::vector<int64_t>{d.detection_seconds, d.recovery_seconds, d.sse_update_seconds, d.ttl_sweep_seconds,
                             d.ttl_grace_seconds, d.ttl_cooldown_seconds, d.stream_retention_seconds,
                             d.stream_transition_seconds, d.pitr_setup_seconds, d.replica_create_seconds,
                             d.replication_delay_seconds} ==
        std::vector<int64_t>{11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21});
}

TEST_CASE("serve: options from KMSLAB_* variables; the command line wins") {
  const std::map<std::string, std::string> env = {{"KMSLAB_PORT", "5000"},
                                                  {"KMSLAB_DATA", "/tmp/env-data"},
                                                  {"KMSLAB_AUTH", "open"},
                                                  {"KMSLAB_DDB_DATA_EVENTS", "1"},
                                                  {"KMSLAB_DDB_BARE_VALIDATION_TEXTS", "true"},
                                                  {"KMSLAB_TRAIL_RETENTION", "1d"},
                                                  {"KMSLAB_DDB_PITR_SETUP_SECONDS", "0"}};
  const ServeOptions from_env = Run<ServeOptions>({"serve"}, env);
  CHECK(from_env.port == 5000);
  CHECK(from_env.stack.data_dir == "/tmp/env-data");
  CHECK(from_env.stack.auth == http::AuthMode::kOpen);
  CHECK(from_env.stack.ddb.data_events);
  CHECK_FALSE(from_env.stack.ddb.validation_envelope);
  CHECK(from_env.stack.trail_retention.max_age_ms == 86400000);
  CHECK(from_env.stack.trail_retention.max_bytes == 0);
  CHECK(from_env.stack.ddb.pitr_setup_seconds == 0);

  const ServeOptions both =
      Run<ServeOptions>({"serve", "--port", "6000", "--auth", "strict", "--data", "/tmp/cli"}, env);
  CHECK(both.port == 6000);
  CHECK(both.stack.auth == http::AuthMode::kStrict);
  CHECK(both.stack.data_dir == "/tmp/cli");
  CHECK(both.stack.ddb.data_events);  // not on the command line: still the environment's

  CHECK_FALSE(Run<ServeOptions>({"serve"}, {{"KMSLAB_DDB_DATA_EVENTS", "0"}}).stack.ddb.data_events);
  CHECK(Run<ServeOptions>({"serve"}, {{"KMSLAB_DDB_BARE_VALIDATION_TEXTS", "no"}}).stack.ddb.validation_envelope);
  // A variable only another command reads is not this command's business.
  CHECK(Run<ServeOptions>({"serve"}, {{"KMSLAB_LIMIT", "many"}, {"KMSLAB_ENDPOINT", "x"}}).port == 4599);
}

TEST_CASE("serve: bad values and flags are usage errors naming the flag") {
  UsageError({"serve", "--port", "70000"}, "--port");
  UsageError({"serve", "--port", "-1"}, "--port");
  UsageError({"serve", "--port", "4599x"}, "--port");
  UsageError({"serve", "--port"}, "--port");
  UsageError({"serve", "--threads", "0"}, "--threads");
  UsageError({"serve", "--threads", "99999999999"}, "--threads");
  UsageError({"serve", "--grant-delay", "-5"}, "--grant-delay");
  UsageError({"serve", "--account", "12345"}, "--account");
  UsageError({"serve", "--region", "moon"}, "--region");
  CHECK(Contains(UsageError({"serve", "--auth", "maybe"}, "--auth"), "strict|open"));
  UsageError({"serve", "--trail-retention", "7w"}, "--trail-retention");
  UsageError({"serve", "--ddb-stream-retention-seconds", "0"}, "--ddb-stream-retention-seconds");
  UsageError({"serve", "--ddb-detection-seconds", "0"}, "--ddb-detection-seconds");
  UsageError({"serve", "--ddb-ttl-grace-seconds", "-1"}, "--ddb-ttl-grace-seconds");
  UsageError({"serve", "--bogus"}, "--bogus");
  UsageError({"serve", "extra"}, "extra");
  // A forgotten value is not taken from the next flag.
  UsageError({"serve", "--data", "--ddb-data-events"}, "--data");
  // The same checks hold for values from the environment.
  UsageError({"serve"}, "--port", {{"KMSLAB_PORT", "http"}});
  UsageError({"serve"}, "--ddb-data-events", {{"KMSLAB_DDB_DATA_EVENTS", "maybe"}});
}

TEST_CASE("help and version go to stdout with exit status 0") {
  Outcome top = Parse({"--help"});
  CHECK_FALSE(top.parsed.invocation.has_value());
  CHECK(top.parsed.exit_status == 0);
  CHECK(top.err.empty());
  for (const char* part : {"serve", "explain", "creds", "trail", "check", "--admin-token", "--ddb-data-events",
                           "--ddb-streams-readable-while-key-unusable", "--ddb-replication-delay-seconds",
                           "--request-id", "--endpoint", "KMSLAB_PORT", "KMSLAB_DDB_DATA_EVENTS"}) {
    CHECK_MESSAGE(Contains(top.out, part), part);
  }
  for (const char* command : {"serve", "explain", "creds", "trail", "check"}) {
    Outcome help = Parse({command, "--help"});
    CHECK_MESSAGE(help.parsed.exit_status == 0, command);
    CHECK_FALSE(help.parsed.invocation.has_value());
    CHECK(Contains(help.out, std::string("kmslab ") + command));
    CHECK(help.err.empty());
  }
  CHECK(Contains(Parse({"serve", "-h"}).out, "--trail-retention AGE,SIZE|none"));
  CHECK(Contains(Parse({"trail", "--help"}).out, "KMSLAB_DATA"));

  Outcome version = Parse({"--version"});
  CHECK(version.parsed.exit_status == 0);
  CHECK(version.out.starts_with("kmslab "));
  CHECK(std::count(version.out.begin(), version.out.end(), '\n') == 1);
}

TEST_CASE("no command, or an unknown one") {
  Outcome none = Parse({});
  CHECK_FALSE(none.parsed.invocation.has_value());
  CHECK(none.parsed.exit_status == kUsageExitStatus);
  CHECK(Contains(none.err, "Subcommands:"));
  Outcome unknown = Parse({"server"});
  CHECK(unknown.parsed.exit_status == kUsageExitStatus);
  CHECK(Contains(unknown.err, "server"));
  CHECK(Contains(unknown.err, "kmslab --help"));
}

TEST_CASE("explain: a file or stdin, or a recorded denial in the default data directory") {
  const ExplainOptions stdin_request = Run<ExplainOptions>({"explain"});
  CHECK(stdin_request.file == "-");
  CHECK_FALSE(stdin_request.request_id.has_value());
  CHECK(stdin_request.fixtures_dir == defaults::kFixturesDir);
  CHECK_FALSE(stdin_request.json);

  const ExplainOptions file = Run<ExplainOptions>({"explain", "request.json", "--json", "--fixtures", "/tmp/f"});
  CHECK(file.file == "request.json");
  CHECK(file.json);
  CHECK(file.fixtures_dir == "/tmp/f");

  const ExplainOptions denial = Run<ExplainOptions>({"explain", "--request-id", "r-1"});
  CHECK(denial.request_id == "r-1");
  CHECK(denial.data_dir == "./data");
  CHECK(Run<ExplainOptions>({"explain", "--request-id", "r-1"}, {{"KMSLAB_DATA", "/srv/kmslab"}}).data_dir ==
        "/srv/kmslab");

  UsageError({"explain", "request.json", "--request-id", "r-1"}, "--request-id");
  UsageError({"explain", "a.json", "b.json"}, "b.json");
}

TEST_CASE("creds: one fixture principal") {
  const CredsOptions o = Run<CredsOptions>({"creds", "role/db-team"});
  CHECK(o.name == "role/db-team");
  CHECK(o.fixtures_dir == defaults::kFixturesDir);
  CHECK(Run<CredsOptions>({"creds", "admin"}, {{"KMSLAB_FIXTURES", "/tmp/f"}}).fixtures_dir == "/tmp/f");
  UsageError({"creds"}, "NAME");
  UsageError({"creds", "admin", "app"}, "app");
}

TEST_CASE("trail: the default data directory, and each filter") {
  const TrailOptions plain = Run<TrailOptions>({"trail"});
  CHECK(plain.data_dir == "./data");
  CHECK(plain.filter.limit == store::AuditFilter{}.limit);
  CHECK(plain.filter.since_ms == 0);
  CHECK_FALSE(plain.json);

  const TrailOptions o = Run<TrailOptions>({"trail",
                                            "--data",
                                            "/tmp/d",
                                            "--principal",
                                            "db-lead",
                                            "--event",
                                            "Decrypt",
                                            "--key",
                                            "1234",
                                            "--error",
                                            "any",
                                            "--decision",
                                            "ExplicitDeny",
                                            "--since",
                                            "2026-11-23T04:00:00Z",
                                            "--until",
                                            "2026-11-23T05:00:00Z",
                                            "--request-id",
                                            "r-1",
                                            "--limit",
                                            "5",
                                            "--json"});
  CHECK(o.data_dir == "/tmp/d");
  CHECK(o.filter.principal == "db-lead");
  CHECK(o.filter.event_name == "Decrypt");
  CHECK(o.filter.key == "1234");
  CHECK(o.filter.error_code == "any");
  CHECK(o.filter.decision == "ExplicitDeny");
  CHECK(o.filter.since_ms == 1795406400000);
  CHECK(o.filter.until_ms == 1795410000000);
  CHECK(o.filter.request_id == "r-1");
  CHECK(o.filter.limit == 5);
  CHECK(o.json);

  CHECK(Run<TrailOptions>({"trail"}, {{"KMSLAB_DATA", "/tmp/e"}, {"KMSLAB_JSON", "yes"}}).json);
  CHECK(Contains(UsageError({"trail", "--since", "yesterday"}, "--since"), "ISO 8601"));
  UsageError({"trail", "--decision", "Deny"}, "--decision");
  UsageError({"trail", "--limit", "0"}, "--limit");
  UsageError({"trail", "--data"}, "--data");
  UsageError({"trail", "now"}, "now");
}

TEST_CASE("check: paths, in-process or against an endpoint") {
  const CheckOptions local = Run<CheckOptions>({"check", "labs/", "extra.json"});
  CHECK(local.paths == std::vector<std::string>{"labs/", "extra.json"});
  CHECK(local.fixtures_dir == defaults::kFixturesDir);
  CHECK_FALSE(local.endpoint.has_value());

  const CheckOptions remote =
      Run<CheckOptions>({"check", "--endpoint", "http://127.0.0.1:4600/", "labs/", "--admin-token", "t"});
  REQUIRE(remote.endpoint.has_value());
  CHECK(remote.endpoint->host == "127.0.0.1");
  CHECK(remote.endpoint->port == 4600);
  CHECK(remote.admin_token == "t");
  CHECK(Run<CheckOptions>({"check", "labs/"}, {{"KMSLAB_ENDPOINT", "http://localhost:9"}}).endpoint->port == 9);

  UsageError({"check"}, "PATH");
  UsageError({"check", "labs/", "--endpoint", "https://x:1"}, "--endpoint");
  UsageError({"check", "labs/", "--endpoint", "http://x:0"}, "--endpoint");
  UsageError({"check", "labs/", "--admin-token", "t"}, "--admin-token");
  UsageError({"check", "labs/", "--admin-token=t"}, "--admin-token");
  // A token exported for the server does not stop an in-process check.
  CHECK_FALSE(Run<CheckOptions>({"check", "labs/"}, {{"KMSLAB_ADMIN_TOKEN", "t"}}).endpoint.has_value());
  CHECK(Run<CheckOptions>({"check", "labs/", "--endpoint", "http://x:1"}, {{"KMSLAB_ADMIN_TOKEN", "t"}}).admin_token ==
        "t");
}

}  // namespace
}  // namespace kmslab::cli
