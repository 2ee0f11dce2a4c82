#include "cli/serve.h"

#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/flags.h"
#include "core/arn.h"
#include "core/clock.h"
#include "crypto/hmac.h"
#include "ddb/service.h"
#include "http/admin.h"
#include "http/authenticator.h"
#include "http/router.h"
#include "http/server.h"
#include "http/sts_wire.h"
#include "iam/directory.h"
#include "kms/denial_log.h"
#include "kms/key_registry.h"
#include "kms/policy_authorizer.h"
#include "kms/service.h"
#include "store/root_key.h"
#include "store/store.h"

namespace kmslab::cli {

namespace {
int Fail(const std::string& message) {
  std::cerr << "kmslab serve: " << message << "\n";
  return 1;
}
}  // namespace

int Serve(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"host", "port", "data", "account", "region", "threads", "fixtures", "auth", "grant-delay", "admin-token",
                           "ddb-detection-seconds", "ddb-recovery-seconds", "ddb-sse-update-seconds"},
                          {"key-state-before-access", "pending-deletion-disabled", "modelled-http-status"});
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
    threads = std::stoi(flags->Get("threads", "64"));
    grant_delay = std::stoi(flags->Get("grant-delay", "0"));
    ddb_options.detection_seconds =
        std::stoll(flags->Get("ddb-detection-seconds", std::to_string(ddb_options.detection_seconds)));
    ddb_options.recovery_seconds =
        std::stoll(flags->Get("ddb-recovery-seconds", std::to_string(ddb_options.recovery_seconds)));
    ddb_options.sse_update_seconds =
        std::stoll(flags->Get("ddb-sse-update-seconds", std::to_string(ddb_options.sse_update_seconds)));
  } catch (const std::exception&) {
    return Fail("--port, --threads, --grant-delay and the --ddb-*-seconds switches take numbers");
  }
  if (grant_delay < 0) return Fail("--grant-delay must not be negative");
  if (ddb_options.detection_seconds < 1 || ddb_options.recovery_seconds < 1 || ddb_options.sse_update_seconds < 0) {
    return Fail("--ddb-detection-seconds and --ddb-recovery-seconds must be positive, --ddb-sse-update-seconds not negative");
  }
  if (port < 0 || port > 65535 || threads < 1) return Fail("--port must be 0-65535 and --threads positive");
  if (!core::IsAccountId(account)) return Fail("--account must be 12 digits");
  if (auth != "strict" && auth != "open") return Fail("--auth is strict or open");

  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) return Fail("cannot create " + data + ": " + ec.message());
  ::chmod(data.c_str(), 0700);

  // Signals are taken by one thread (sigwait); block them everywhere else.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto directory = iam::Directory::Load(fixtures);
  if (!directory.ok()) return Fail(directory.status().message());
  auto root_key = store::LoadOrCreateRootKey(data);
  if (!root_key.ok()) return Fail(root_key.status().message());
  auto db = store::Store::Open(data + "/kmslab.db");
  if (!db.ok()) return Fail(db.status().message());
  core::ServerClock clock;
  core::SystemClock wall_clock;
  // Tables under the AWS owned key seal their table keys under a key derived from the root key.
  core::SecretBytes owned_key(crypto::HmacSha256(root_key->Reveal(), "kmslab dynamodb AWS owned key v1"));
  auto keys = kms::KeyRegistry::Load(db->get(), std::move(root_key).value(), &clock);
  if (!keys.ok()) return Fail(keys.status().message());

  kms::DenialLog denials(data + "/denials.jsonl");
  kms::PolicyAuthorizer authorizer(&clock, keys->get(), &denials, int64_t{grant_delay} * 1000);
  kms::Options options{.key_state_before_access = flags->values.count("key-state-before-access") > 0,
                       .pending_deletion_disabled = flags->values.count("pending-deletion-disabled") > 0};
  kms::Service kms_service(keys->get(), &clock, &authorizer, nullptr, options);
  http::Authenticator authenticator(directory->get(), auth == "open" ? http::AuthMode::kOpen : http::AuthMode::kStrict,
                                    account, region, &wall_clock);
  http::StsEndpoint sts(directory->get(), &wall_clock);
  ddb::Service ddb_service(db->get(), &kms_service, &clock, std::move(owned_key), ddb_options);
  if (auto loaded = ddb_service.Load(); !loaded.ok()) return Fail(loaded.message());
  http::AdminEndpoint admin(&clock, flags->Get("admin-token", ""));
  http::Router router(&kms_service, &authenticator, &sts, flags->values.count("modelled-http-status") > 0,
                      &ddb_service, &admin);
  http::Tuning tuning;
  tuning.threads = threads;
  http::Server server(&router, tuning);
  int bound = server.Bind(host, port);
  if (bound < 0) return Fail("cannot listen on " + host + ":" + std::to_string(port));

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  std::cout << "kmslab listening on http://" << host << ":" << bound << std::endl;
  bool ok = server.Run();
  // Run() also returns on failure; wake the stopper so it can be joined.
  if (!ok) kill(getpid(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}

}  // namespace kmslab::cli
