// Stack: every part of a running kmslab wired together (store, KMS, the
// DynamoDB shim, STS, authentication, the router), as `serve` runs it and as
// `check` runs scenarios in-process. Construction order is member order.
#ifndef KMSLAB_CLI_STACK_H_
#define KMSLAB_CLI_STACK_H_

#include <memory>
#include <string>

#include "audit/retention.h"
#include "audit/trail.h"
#include "cli/defaults.h"
#include "core/clock.h"
#include "core/status.h"
#include "ddb/service.h"
#include "http/admin.h"
#include "http/authenticator.h"
#include "http/router.h"
#include "http/sts_wire.h"
#include "iam/directory.h"
#include "kms/denial_log.h"
#include "kms/key_registry.h"
#include "kms/policy_authorizer.h"
#include "kms/service.h"
#include "kms/trail_sink.h"
#include "store/store.h"
#include "store/trail_store.h"

namespace kmslab::cli {

struct StackOptions {
  std::string data_dir = defaults::kDataDir;
  std::string fixtures_dir = defaults::kFixturesDir;
  std::string account = defaults::kAccount;
  std::string region = defaults::kRegion;
  http::AuthMode auth = http::AuthMode::kStrict;
  int64_t grant_delay_seconds = 0;
  kms::Options kms;
  ddb::Options ddb;
  bool modelled_http_status = false;
  std::string admin_token;
  audit::Retention trail_retention;  // default: keep everything (`serve` sets its own default)
};

class Stack {
 public:
  // Creates DATA (mode 0700) if needed, loads fixtures, the root key and the store.
  static core::StatusOr<std::unique_ptr<Stack>> Open(const StackOptions& options);

  // Empties all state (keys, grants, tables, backups, the trail) and reloads
  // the fixtures. Requires that no request is in flight (the router ensures it).
  core::Status Reset();

  core::ServerClock clock;
  core::SystemClock wall_clock;
  std::unique_ptr<iam::Directory> directory;
  std::unique_ptr<store::TrailStore> trail_db;
  std::unique_ptr<store::Store> db;
  std::unique_ptr<kms::KeyRegistry> keys;
  std::unique_ptr<kms::DenialLog> denials;
  std::unique_ptr<audit::Trail> trail;
  std::unique_ptr<kms::TrailSink> trail_sink;
  std::unique_ptr<kms::PolicyAuthorizer> authorizer;
  std::unique_ptr<kms::Service> kms_service;
  std::unique_ptr<ddb::Service> ddb_service;
  std::unique_ptr<http::Authenticator> authenticator;
  std::unique_ptr<http::StsEndpoint> sts;
  std::unique_ptr<http::AdminEndpoint> admin;
  std::unique_ptr<http::Router> router;

 private:
  Stack() = default;
  StackOptions options_;
};

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_STACK_H_
