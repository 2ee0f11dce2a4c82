#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include "audit/retention.h"
#include "cli/trail.h"
#include "core/arn.h"
#include "core/strings.h"

namespace kmslab::cli {

namespace {

constexpr char kEnvironmentNote[] =
    "Every option can also be set by the environment variable shown with it; the command line wins.";

// "--ddb-data-events" -> "KMSLAB_DDB_DATA_EVENTS".
std::string EnvironmentName(const std::string& long_name) {
  std::string name = "KMSLAB_";
  for (char c : long_name) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// --- values -------------------------------------------------------------------

// A whole number of at least `min`, and at most `max` when given.
CLI::Validator Integer(int64_t min, std::optional<int64_t> max) {
  std::string range = min == 0 ? "NONNEGATIVE" : min == 1 ? "POSITIVE" : ">=" + std::to_string(min);
  if (max) range = std::to_string(min) + ".." + std::to_string(*max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size()) return text + " is not a whole number";
        if (value < min) return text + " is less than " + std::to_string(min);
        if (max && value > *max) return text + " is more than " + std::to_string(*max);
        return "";
      },
      range);
}

// Any text but a flag: `--data --json` is a missing value, not a directory.
CLI::Validator NotAFlag() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.starts_with("--") ? "needs a value before the next flag " + text : "";
      },
      "");
}

// Exactly one of `names`.
CLI::Validator OneOf(std::vector<std::string> names) {
  const std::string joined = core::Join(names, "|");
  return CLI::Validator(
      [names, joined](std::string& text) -> std::string {
        for (const std::string& name : names)
          if (text == name) return "";
        return text + " is not one of " + joined;
      },
      joined);
}

// A value that `check` accepts; it returns what is wrong, or "".
CLI::Validator Satisfying(std::function<std::string(const std::string&)> check) {
  return CLI::Validator([check](std::string& text) { return check(text); }, "");
}

// --- declaring options ----------------------------------------------------------

CLI::Option* Text(CLI::App* command, const std::string& flag, const std::string& type, std::string* value,
                  const std::string& help) {
  return command->add_option(flag, *value, help)->type_name(type)->check(NotAFlag());
}

// A whole number of at least `min`, and at most `max` when given (beyond
// Int's range: a conversion error).
template <typename Int>
CLI::Option* Number(CLI::App* command, const std::string& flag, const std::string& type, Int* value, int64_t min,
                    const std::string& help, std::optional<int64_t> max = std::nullopt) {
  return command->add_option(flag, *value, help)->type_name(type)->check(Integer(min, max));
}

// A value that needs more than a conversion: `parse` reads the text into the
// options or throws CLI::ValidationError. It also runs on `fallback` when the
// flag is absent, so the options start from what the help shows.
CLI::Option* Parsed(CLI::App* command, const std::string& flag, const std::string& type, const std::string& fallback,
                    std::function<void(const std::string&)> parse, const std::string& help) {
  CLI::Option* option = command->add_option_function<std::string>(flag, std::move(parse), help)->type_name(type);
  if (fallback.empty()) return option;
  return option->run_callback_for_default()->default_val(fallback);
}

CLI::App* AddCommand(CLI::App& app, const std::string& name, const std::string& description) {
  CLI::App* command = app.add_subcommand(name, description);
  // Options of this command only: KMSLAB_* variables another command reads
  // are not checked here.
  command->parse_complete_callback([] {});
  command->set_help_all_flag();
  command->set_help_flag("-h,--help", "Print this help and exit");
  return command;
}

// "http://HOST:PORT" (optional trailing slash).
std::optional<Endpoint> ParseEndpoint(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  std::string rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos) return std::nullopt;
  const std::string digits = rest.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  Endpoint endpoint{rest.substr(0, colon), std::stoi(digits)};
  if (endpoint.port < 1 || endpoint.port > 65535) return std::nullopt;
  return endpoint;
}

// --- the subcommands --------------------------------------------------------------

CLI::Option* Fixtures(CLI::App* command, std::string* dir) {
  return Text(command, "--fixtures", "DIR", dir, "Fixture principals and their policies (fixtures/README.md)");
}

CLI::Option* Data(CLI::App* command, std::string* dir, const std::string& help) {
  return Text(command, "--data", "DIR", dir, help);
}

CLI::App* DeclareServe(CLI::App& app, ServeOptions& o, bool* bare_validation_texts) {
  CLI::App* c = AddCommand(app, "serve",
                           "Run the server (KMS, DynamoDB, DynamoDB Streams and STS on one port) until SIGINT or "
                           "SIGTERM; prints \"kmslab listening on http://HOST:PORT\" when ready.");
  StackOptions& s = o.stack;
  Text(c, "--host", "HOST", &o.host, "Address to listen on (loopback only unless told otherwise)");
  Number(c, "--port", "PORT", &o.port, 0, "Port to listen on; 0 picks a free one", 65535);
  Data(c, &s.data_dir, "Data directory (created 0700): keys, tables, the trail, the denial log");
  Fixtures(c, &s.fixtures_dir);
  Text(c, "--account", "ID", &s.account, "Account of unauthenticated callers in open mode")
      ->check(Satisfying([](const std::string& v) { return core::IsAccountId(v) ? "" : v + " is not 12 digits"; }));
  Text(c, "--region", "REGION", &s.region, "Region of unauthenticated callers in open mode")
      ->check(Satisfying([](const std::string& v) {
        return core::IsRegionName(v) ? "" : v + " is not an AWS Region name such as us-east-1";
      }));
  Number(c, "--threads", "N", &o.threads, 1, "HTTP worker threads");
  Parsed(
      c, "--auth", "MODE", "strict",
      [&s](const std::string& v) { s.auth = v == "open" ? http::AuthMode::kOpen : http::AuthMode::kStrict; },
      "strict: every request signed by a fixture access key; open: requests with missing or unknown credentials "
      "act as the root of --account")
      ->check(OneOf({"strict", "open"}));
  Number(c, "--grant-delay", "SECONDS", &s.grant_delay_seconds, 0,
         "Grants take effect only after this delay unless the request carries the grant token (AWS's eventual "
         "consistency); 0: at once");
  Text(c, "--admin-token", "TOKEN", &s.admin_token,
       "The admin paths (/_kmslab/...) require the header X-Kmslab-Admin-Token: TOKEN; empty: no token");
  c->add_flag("--tls", o.tls.enabled,
              "Serve HTTPS: with --tls-cert and --tls-key, that pair; without, a self-signed certificate for "
              "localhost, 127.0.0.1 and ::1 kept in DATA/tls/ (its path printed at startup)");
  Text(c, "--tls-cert", "FILE", &o.tls.certificate_file, "The HTTPS certificate (PEM), with --tls and --tls-key");
  Text(c, "--tls-key", "FILE", &o.tls.key_file, "The HTTPS certificate's private key (PEM, unencrypted)");
  Parsed(
      c, "--trail-retention", "AGE,SIZE|none", audit::kDefaultRetention,
      [&s](const std::string& v) {
        auto retention = audit::ParseRetention(v);
        if (!retention.ok()) throw CLI::ValidationError(retention.status().message());  // names the flag
        s.trail_retention = *retention;
      },
      "How much audit trail to keep: ages s m h d, sizes B KB MB GB (at least 1MB); none keeps everything");

  // Switches for where AWS is ambiguous.
  struct Switch {
    const char* flag;
    bool* on;
    const char* help;
  };
  for (const Switch& w : std::initializer_list<Switch>{
           {"--key-state-before-access", &s.kms.key_state_before_access,
            "An unauthorized caller on a disabled key sees DisabledException, not AccessDeniedException"},
           {"--pending-deletion-disabled", &s.kms.pending_deletion_disabled,
            "Cryptography on a key pending deletion gets DisabledException, not KMSInvalidStateException"},
           {"--modelled-http-status", &s.modelled_http_status,
            "404/409/412 as the service model declares, not the 400 real KMS sends"},
           {"--ddb-data-events", &s.ddb.data_events,
            "DynamoDB item calls in the trail too (CloudTrail logs them only when a trail selects data events)"},
           {"--ddb-bare-validation-texts", bare_validation_texts,
            "PutItem, UpdateItem and DeleteItem validation errors without the \"1 validation error detected: \" "
            "prefix DynamoDB has added since mid-2026"},
           {"--ddb-streams-readable-while-key-unusable", &s.ddb.streams_readable_while_key_unusable,
            "Stream reads ignore a disabled or inaccessible table key"}}) {
    c->add_flag(w.flag, *w.on, w.help)->group("Where AWS is ambiguous (default: as AWS is observed)");
  }

  // The DynamoDB shim's timings, each at least `min` seconds.
  struct Timing {
    const char* flag;
    int64_t ddb::Options::*seconds;
    int64_t min;
    const char* help;
  };
  for (const Timing& t : std::initializer_list<Timing>{
           {"--ddb-detection-seconds", &ddb::Options::detection_seconds, 1,
            "How often DynamoDB checks an accessible table's key (AWS took 13-75 minutes)"},
           {"--ddb-recovery-seconds", &ddb::Options::recovery_seconds, 1,
            "How often DynamoDB checks an inaccessible table's key (AWS took 18-57 minutes)"},
           {"--ddb-sse-update-seconds", &ddb::Options::sse_update_seconds, 0,
            "How long SSEDescription stays UPDATING after a key switch"},
           {"--ddb-ttl-sweep-seconds", &ddb::Options::ttl_sweep_seconds, 0, "How often the TTL sweeper runs"},
           {"--ddb-ttl-grace-seconds", &ddb::Options::ttl_grace_seconds, 0,
            "How long TTL deletes go on after the sweeper's key check first fails"},
           {"--ddb-ttl-cooldown-seconds", &ddb::Options::ttl_cooldown_seconds, 0,
            "The cooldown between two UpdateTimeToLive changes"},
           {"--ddb-stream-retention-seconds", &ddb::Options::stream_retention_seconds, 1,
            "How long stream records and closed streams are kept"},
           {"--ddb-stream-transition-seconds", &ddb::Options::stream_transition_seconds, 0,
            "How long a stream is ENABLING or DISABLING"},
           {"--ddb-pitr-setup-seconds", &ddb::Options::pitr_setup_seconds, 0,
            "How long a new table refuses UpdateContinuousBackups"},
           {"--ddb-replica-create-seconds", &ddb::Options::replica_create_seconds, 0,
            "How long a new global-table replica is CREATING"},
           {"--ddb-replication-delay-seconds", &ddb::Options::replication_delay_seconds, 0,
            "Changes reach the other replicas after this; 0: by the reply"}}) {
    Number(c, t.flag, "SECONDS", &(s.ddb.*t.seconds), t.min, t.help)
        ->group("DynamoDB timings AWS does not document (seconds of the server clock)");
  }
  return c;
}

CLI::App* DeclareExplain(CLI::App& app, ExplainOptions& o) {
  CLI::App* c = AddCommand(app, "explain",
                           "Evaluate one request offline with the policy engine and say why it is allowed (exit 0) "
                           "or denied (exit 3); or, with --request-id, print the explanation of a denial the server "
                           "returned.");
  CLI::Option* file =
      c->add_option("FILE", o.file, "The request as JSON ({\"principal\", \"action\", \"resource\", ...}); -: stdin");
  Fixtures(c, &o.fixtures_dir);
  c->add_flag("--json", o.json, "The decision, the determining statements and the trace as JSON");
  Parsed(
      c, "--request-id", "ID", "", [&o](const std::string& v) { o.request_id = v; },
      "Print the recorded explanation of the denial with this request ID instead")
      ->check(NotAFlag())
      ->excludes(file);
  Data(c, &o.data_dir, "Data directory of the server that returned the denial (with --request-id)");
  return c;
}

CLI::App* DeclareCreds(CLI::App& app, CredsOptions& o) {
  CLI::App* c = AddCommand(app, "creds", "Print export lines for a fixture principal's access key.");
  c->add_option("NAME", o.name, "A fixture principal: admin, role/db-team, root@111122223333, ...")->required();
  Fixtures(c, &o.fixtures_dir);
  return c;
}

// A trail filter's time bound, in epoch milliseconds.
void TimeBound(CLI::App* command, const std::string& flag, int64_t* epoch_ms, const std::string& help) {
  Parsed(
      command, flag, "ISO-TIME", "",
      [flag, epoch_ms](const std::string& v) {
        auto parsed = ParseTrailTime(v);
        if (!parsed.ok()) throw CLI::ValidationError(flag, parsed.status().message());
        *epoch_ms = *parsed;
      },
      help);
}

CLI::App* DeclareTrail(CLI::App& app, TrailOptions& o) {
  CLI::App* c = AddCommand(app, "trail", "Print the audit trail, filtered: a table, or JSON lines.");
  store::AuditFilter& f = o.filter;
  Data(c, &o.data_dir, "Data directory of the server whose trail to read");
  Text(c, "--principal", "ARN-PART", &f.principal, "Events whose principal contains this");
  Text(c, "--event", "NAME", &f.event_name, "Events of this operation");
  Text(c, "--key", "KEY-PART", &f.key, "Events whose key ARN contains this");
  Text(c, "--error", "CODE|any", &f.error_code, "Events that failed with this error code (any: every failure)");
  Text(c, "--decision", "DECISION", &f.decision, "Events with this decision")
      ->check(OneOf({"Allow", "ImplicitDeny", "ExplicitDeny", "NotEvaluated"}));
  TimeBound(c, "--since", &f.since_ms, "Events at or after this time, such as 2026-11-23T04:00:00Z");
  TimeBound(c, "--until", &f.until_ms, "Events at or before this time, such as 2026-11-23T04:00:00Z");
  Text(c, "--request-id", "ID", &f.request_id, "The event of this request");
  Number(c, "--limit", "N", &f.limit, 1, "At most this many events, the newest");
  c->add_flag("--json", o.json, "The events themselves, one JSON object a line");
  return c;
}

CLI::App* DeclareCheck(CLI::App& app, CheckOptions& o) {
  CLI::App* c = AddCommand(app, "check",
                           "Run scenario files (labs/README.md): each on fresh in-process state, or against a "
                           "running server with --endpoint. Exit 0: all met; 1: some failed; 2: bad input.");
  c->add_option("PATH", o.paths, "Scenario files, or directories of them (*.json)")->required()->default_str("");
  Fixtures(c, &o.fixtures_dir);
  Parsed(
      c, "--endpoint", "http://HOST:PORT", "",
      [&o](const std::string& v) {
        o.endpoint = ParseEndpoint(v);
        if (!o.endpoint) throw CLI::ValidationError("--endpoint", "must be http://HOST:PORT, got " + v);
      },
      "Run against this server, resetting it before each scenario");
  // Needs --endpoint when given on the command line (checked after parsing);
  // KMSLAB_ADMIN_TOKEN, exported for the server, is ignored in-process.
  Text(c, "--admin-token", "TOKEN", &o.admin_token, "The server's --admin-token (with --endpoint)");
  return c;
}

// Every option of every command reads KMSLAB_<NAME> when absent from the command line.
void NameEnvironmentVariables(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* option : command->get_options([](CLI::Option* o) { return !o->get_lnames().empty(); })) {
      if (option == command->get_help_ptr()) continue;
      option->envname(EnvironmentName(option->get_lnames().front()));
    }
  }
}

int UsageError(const CLI::App& app, const std::string& message, std::ostream& err) {
  std::string command = "kmslab";
  for (const CLI::App* chosen : app.get_subcommands()) command += " " + chosen->get_name();
  err << command << ": " << message << " (see " << command << " --help)\n";
  return kUsageExitStatus;
}

}  // namespace

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app("kmslab: a local AWS KMS, DynamoDB, DynamoDB Streams and STS that authorize every call.", "kmslab");
  app.set_version_flag("--version", std::string("kmslab ") + KMSLAB_VERSION, "Print the version and exit");
  // The top level's help shows every command with all its options.
  app.set_help_flag();
  app.set_help_all_flag("-h,--help", "Print this help (every command and its options) and exit");
  app.footer(kEnvironmentNote);
  app.option_defaults()->always_capture_default();

  ServeOptions serve;
  bool bare_validation_texts = false;
  ExplainOptions explain;
  CredsOptions creds;
  TrailOptions trail;
  CheckOptions check;
  const CLI::App* serve_command = nullptr;
  const CLI::App* explain_command = nullptr;
  const CLI::App* creds_command = nullptr;
  const CLI::App* trail_command = nullptr;
  try {
    serve_command = DeclareServe(app, serve, &bare_validation_texts);
    explain_command = DeclareExplain(app, explain);
    creds_command = DeclareCreds(app, creds);
    trail_command = DeclareTrail(app, trail);
    DeclareCheck(app, check);
    NameEnvironmentVariables(app);
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return {};
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return {};
  } catch (const CLI::CallForVersion& version) {
    out << version.what() << "\n";
    return {};
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, UsageError(app, e.what(), err)};
  }

  const std::vector<CLI::App*> chosen = app.get_subcommands();
  if (chosen.empty()) {
    err << app.help("", CLI::AppFormatMode::All);
    return {std::nullopt, kUsageExitStatus};
  }
  if (chosen.front() == serve_command) {
    serve.stack.ddb.validation_envelope = !bare_validation_texts;
    return {serve};
  }
  if (chosen.front() == explain_command) return {explain};
  if (chosen.front() == creds_command) return {creds};
  if (chosen.front() == trail_command) return {trail};
  const bool token_on_command_line = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--admin-token" || a.starts_with("--admin-token=");
  });
  if (token_on_command_line && !check.endpoint) {
    return {std::nullopt, UsageError(app, "--admin-token requires --endpoint", err)};
  }
  return {check};
}

}  // namespace kmslab::cli
