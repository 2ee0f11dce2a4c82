// Directory: the accounts, IAM users, roles, access keys and identity
// policies of a fixture set (fixtures/README.md), plus the STS sessions
// created while the server runs (memory only, like any temporary credential).
//
// Thread-safe: fixtures are immutable after Load; sessions are guarded.
#ifndef KMSLAB_IAM_DIRECTORY_H_
#define KMSLAB_IAM_DIRECTORY_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "iam/identity.h"
#include "policy/policy.h"

namespace kmslab::iam {

struct Credential {
  std::string access_key_id;
  std::string secret;            // never logged
  std::string session_token;     // temporary credentials only
  int64_t expires_ms = 0;        // 0: long-term key
  IdentityPtr identity;
};

struct Role {
  std::string name;
  std::string arn;
  std::string account;
  std::string role_id;  // AROA...
  std::shared_ptr<const policy::Policy> trust_policy;
  std::vector<policy::NamedPolicy> policies;
  // The longest session AssumeRole grants (IAM's MaxSessionDuration, 3600-43200 s).
  int64_t max_session_seconds = 3600;
};

class Directory {
 public:
  // Loads DIR/identities.json; every policy document is parsed and validated.
  static core::StatusOr<std::unique_ptr<Directory>> Load(const std::string& fixtures_dir);

  // The credential an access key id names (long-term or session), if any.
  std::optional<Credential> FindAccessKey(std::string_view access_key_id) const;
  bool HasAccount(const std::string& account) const { return accounts_.count(account) > 0; }
  const Role* FindRole(const std::string& role_arn) const;
  // A principal by fixture name ("admin", "role/db-team", "root@444455556666")
  // or ARN (user, role, account root). Roles resolve to a session named "explain".
  IdentityPtr FindPrincipal(const std::string& name_or_arn) const;
  // The first long-term access key of a principal named as in FindPrincipal.
  std::optional<Credential> LongTermKeyOf(const std::string& name_or_arn) const;

  // Replaces this directory's fixtures with `fresh`'s and forgets every STS
  // session. Requires that no request is using the directory.
  void ReplaceWith(Directory&& fresh);

  // Records an STS session of `role` and returns its credentials.
  Credential AddSession(const Role& role, const std::string& session_name, int64_t expires_ms);

 private:
  Directory() = default;
  core::Status LoadAccount(const std::string& account, const void* json);

  std::map<std::string, bool> accounts_;
  std::unordered_map<std::string, Credential> keys_;  // long-term keys, by access key id
  std::map<std::string, IdentityPtr> users_;          // by user ARN
  std::map<std::string, Role> roles_;                 // by role ARN
  mutable std::mutex sessions_mu_;
  std::unordered_map<std::string, Credential> sessions_;  // by access key id
};

// The identity of a session of `role` named `session_name`.
IdentityPtr SessionIdentity(const Role& role, const std::string& session_name);

// Deterministic IAM unique ids ("AIDA" / "AROA" + 17 characters) for fixtures.
std::string UniqueId(std::string_view prefix, std::string_view seed);

}  // namespace kmslab::iam

#endif  // KMSLAB_IAM_DIRECTORY_H_
