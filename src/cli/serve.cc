#include "cli/serve.h"

#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <iostream>
#include <thread>

#include "audit/retention.h"
#include "cli/flags.h"
#include "cli/serve_tls.h"
#include "cli/stack.h"
#include "core/arn.h"
#include "http/server.h"

namespace kmslab::cli {

namespace {
int Fail(const std::string& message) {
  std::cerr << "kmslab serve: " << message << "\n";
  return 1;
}
}  // namespace

int Serve(const std::vector<std::string>& args) {
  // Every file and directory the server makes is its user's alone.
  ::umask(077);
  // Two malloc arenas rather than glibc's one per thread (up to 8 per core):
  // requests allocate on many workers and the trail's writer frees, and with
  // an arena per worker the freed space stays spread over all of them, so
  // RSS kept creeping up under a steady load. Throughput is unchanged
  // (README, Performance). Must precede the first thread.
  ::mallopt(M_ARENA_MAX, 2);
  auto flags = ParseFlags(args, {"host", "port", "data", "account", "region", "threads", "fixtures", "auth", "grant-delay", "admin-token",
                           "trail-retention",
                           "ddb-detection-seconds", "ddb-recovery-seconds", "ddb-sse-update-seconds",
                           "ddb-ttl-sweep-seconds", "ddb-ttl-grace-seconds", "ddb-ttl-cooldown-seconds",
                           "ddb-stream-retention-seconds", "ddb-replica-create-seconds",
                           "ddb-replication-delay-seconds", "ddb-stream-transition-seconds",
                           "ddb-pitr-setup-seconds", "tls-cert", "tls-key"},
                          {"key-state-before-access", "pending-deletion-disabled", "modelled-http-status",
                           "ddb-data-events", "ddb-bare-validation-texts", "ddb-streams-readable-while-key-unusable", "tls"});
  if (!flags.ok()) return Fail(flags.status().message());
  const std::string host = flags->Get("host", "127.0.0.1");
  const std::string data = flags->Get("data", "./data");
  const std::string account = flags->Get("account", "111122223333");
  const std::string region = flags->Get("region", "us-east-1");
  const std::string fixtures = flags->Get("fixtures", kDefaultFixturesDir);
  const std::string auth = flags->Get("auth", "strict");
  int port = 0, threads = 0, grant_delay = 0;
  ddb::Options ddb_options;
  try {
    port = std::stoi(flags->Get("port", "4599"));
    threads = std::stoi(flags->Get("threads", std::to_string(http::ServerOptions{}.worker_threads)));
    grant_delay = std::stoi(flags->Get("grant-delay", "0"));
    ddb_options.detection_seconds =
        std::stoll(flags->Get("ddb-detection-seconds", std::to_string(ddb_options.detection_seconds)));
    ddb_options.recovery_seconds =
        std::stoll(flags->Get("ddb-recovery-seconds", std::to_string(ddb_options.recovery_seconds)));
    ddb_options.sse_update_seconds =
        std::stoll(flags->Get("ddb-sse-update-seconds", std::to_string(ddb_options.sse_update_seconds)));
    ddb_options.ttl_sweep_seconds =
        std::stoll(flags->Get("ddb-ttl-sweep-seconds", std::to_string(ddb_options.ttl_sweep_seconds)));
    ddb_options.ttl_grace_seconds =
        std::stoll(flags->Get("ddb-ttl-grace-seconds", std::to_string(ddb_options.ttl_grace_seconds)));
    ddb_options.ttl_cooldown_seconds =
        std::stoll(flags->Get("ddb-ttl-cooldown-seconds", std::to_string(ddb_options.ttl_cooldown_seconds)));
    ddb_options.stream_retention_seconds = std::stoll(
        flags->Get("ddb-stream-retention-seconds", std::to_string(ddb_options.stream_retention_seconds)));
    ddb_options.pitr_setup_seconds =
        std::stoll(flags->Get("ddb-pitr-setup-seconds", std::to_string(ddb_options.pitr_setup_seconds)));
    ddb_options.stream_transition_seconds = std::stoll(
        flags->Get("ddb-stream-transition-seconds", std::to_string(ddb_options.stream_transition_seconds)));
    ddb_options.replica_create_seconds =
        std::stoll(flags->Get("ddb-replica-create-seconds", std::to_string(ddb_options.replica_create_seconds)));
    ddb_options.replication_delay_seconds = std::stoll(
        flags->Get("ddb-replication-delay-seconds", std::to_string(ddb_options.replication_delay_seconds)));
  } catch (const std::exception&) {
    return Fail("--port, --threads, --grant-delay and the --ddb-*-seconds switches take numbers");
  }
  if (grant_delay < 0) return Fail("--grant-delay must not be negative");
  if (ddb_options.ttl_sweep_seconds < 0 || ddb_options.ttl_grace_seconds < 0 || ddb_options.ttl_cooldown_seconds < 0) {
    return Fail("--ddb-ttl-sweep-seconds, --ddb-ttl-grace-seconds and --ddb-ttl-cooldown-seconds must not be negative");
  }
  if (ddb_options.stream_retention_seconds < 1) return Fail("--ddb-stream-retention-seconds must be positive");
  if (ddb_options.stream_transition_seconds < 0) return Fail("--ddb-stream-transition-seconds must not be negative");
  if (ddb_options.pitr_setup_seconds < 0) return Fail("--ddb-pitr-setup-seconds must not be negative");
  if (ddb_options.detection_seconds < 1 || ddb_options.recovery_seconds < 1 || ddb_options.sse_update_seconds < 0) {
    return Fail("--ddb-detection-seconds and --ddb-recovery-seconds must be positive, --ddb-sse-update-seconds not negative");
  }
  if (ddb_options.replica_create_seconds < 0 || ddb_options.replication_delay_seconds < 0) {
    return Fail("--ddb-replica-create-seconds and --ddb-replication-delay-seconds must not be negative");
  }
  if (port < 0 || port > 65535 || threads < 1) return Fail("--port must be 0-65535 and --threads positive");
  if (!core::IsAccountId(account)) return Fail("--account must be 12 digits");
  if (!core::IsRegionName(region)) return Fail("--region must be an AWS Region name such as us-east-1");
  if (auth != "strict" && auth != "open") return Fail("--auth is strict or open");
  auto retention = audit::ParseRetention(flags->Get("trail-retention", audit::kDefaultRetention));
  if (!retention.ok()) return Fail(retention.status().message());

  // Signals are taken by one thread (sigwait); block them everywhere else.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  StackOptions options;
  options.data_dir = data;
  options.fixtures_dir = fixtures;
  options.account = account;
  options.region = region;
  options.auth = auth == "open" ? http::AuthMode::kOpen : http::AuthMode::kStrict;
  options.grant_delay_seconds = grant_delay;
  options.kms = {.key_state_before_access = flags->values.count("key-state-before-access") > 0,
                 .pending_deletion_disabled = flags->values.count("pending-deletion-disabled") > 0};
  ddb_options.data_events = flags->values.count("ddb-data-events") > 0;
  ddb_options.validation_envelope = flags->values.count("ddb-bare-validation-texts") == 0;
  ddb_options.streams_readable_while_key_unusable = flags->values.count("ddb-streams-readable-while-key-unusable") > 0;
  options.ddb = ddb_options;
  options.modelled_http_status = flags->values.count("modelled-http-status") > 0;
  options.admin_token = flags->Get("admin-token", "");
  options.trail_retention = *retention;
  auto stack = Stack::Open(options);
  if (!stack.ok()) return Fail(stack.status().message());

  auto tls = SetUpTls({flags->values.count("tls") > 0, flags->Get("tls-cert", ""), flags->Get("tls-key", "")}, data);
  if (!tls.ok()) {
    Fail(tls.status().message());
    return 2;
  }

  http::ServerOptions server_options;
  server_options.worker_threads = threads;
  server_options.tls = tls->context;
  http::Server server((*stack)->router.get(), server_options);
  int bound = server.Bind(host, port);
  if (bound < 0) return Fail("cannot listen on " + host + ":" + std::to_string(port));
  (*stack)->ddb_service->SetEndpoint(host + ":" + std::to_string(bound));

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  if (tls->context) std::cout << tls->Describe() << "\n";
  std::cout << "kmslab listening on " << tls->scheme() << "://" << host << ":" << bound << std::endl;
  bool ok = server.Run();
  // Run() also returns on failure; wake the stopper so it can be joined.
  if (!ok) kill(getpid(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}

}  // namespace kmslab::cli
