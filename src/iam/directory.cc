#include "iam/directory.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>


#include "core/text_file.h"
#include "core/arn.h"
#include "core/base64.h"
#include "core/random.h"

namespace kmslab::iam {

namespace {
using Json = rapidjson::Value;

std::string ToText(const Json& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

core::Status Bad(const std::string& where, const std::string& what) {
  return core::InvalidArgument("fixtures: " + where + ": " + what);
}

// The file is user-edited: every shape is checked before it is read.
const char* StringMember(const Json& obj, const char* member) {
  if (!obj.IsObject() || !obj.HasMember(member) || !obj[member].IsString()) return nullptr;
  return obj[member].GetString();
}

bool ArrayOfObjects(const Json& v) {
  if (!v.IsArray()) return false;
  for (const auto& item : v.GetArray())
    if (!item.IsObject()) return false;
  return true;
}

core::Status CheckShape(const Json& account, const std::string& where) {
  if (!account.IsObject()) return Bad(where, "an account must be an object");
  for (const char* list : {"rootAccessKeys", "users", "roles"}) {
    if (account.HasMember(list) && !ArrayOfObjects(account[list])) return Bad(where, std::string(list) + " must be a list of objects");
  }
  if (account.HasMember("managedPolicies") && !account["managedPolicies"].IsObject()) {
    return Bad(where, "managedPolicies must be an object of policy documents");
  }
  for (const char* list : {"users", "roles"}) {
    if (!account.HasMember(list)) continue;
    for (const auto& entity : account[list].GetArray()) {
      if (!StringMember(entity, "name")) return Bad(where, std::string(list) + " need a string \"name\"");
      if (entity.HasMember("path") && !StringMember(entity, "path")) return Bad(where, "path must be a string");
      if (entity.HasMember("accessKeys") && !ArrayOfObjects(entity["accessKeys"])) {
        return Bad(where, "accessKeys must be a list of {id, secret}");
      }
      if (entity.HasMember("managedPolicies")) {
        if (!entity["managedPolicies"].IsArray()) return Bad(where, "managedPolicies of a user or role is a list of names");
        for (const auto& n : entity["managedPolicies"].GetArray())
          if (!n.IsString()) return Bad(where, "managedPolicies of a user or role is a list of names");
      }
      if (entity.HasMember("inlinePolicies") && !entity["inlinePolicies"].IsObject()) {
        return Bad(where, "inlinePolicies must be an object of policy documents");
      }
    }
  }
  auto keys_ok = [](const Json& keys) {
    for (const auto& k : keys.GetArray())
      if (!StringMember(k, "id") || !StringMember(k, "secret")) return false;
    return true;
  };
  if (account.HasMember("rootAccessKeys") && !keys_ok(account["rootAccessKeys"])) {
    return Bad(where, "access keys need string \"id\" and \"secret\"");
  }
  if (account.HasMember("users")) {
    for (const auto& u : account["users"].GetArray()) {
      if (u.HasMember("accessKeys") && !keys_ok(u["accessKeys"])) {
        return Bad(where, "access keys need string \"id\" and \"secret\"");
      }
    }
  }
  return core::Status();
}

core::StatusOr<std::shared_ptr<const policy::Policy>> ParseDocument(const Json& doc, policy::PolicyKind kind,
                                                                    const std::string& where) {
  auto parsed = policy::ParsePolicy(ToText(doc), kind);
  if (!parsed.ok()) return Bad(where, parsed.status().message());
  return parsed;
}

// Appends the managed (by name) and inline policies of a user or role.
core::Status CollectPolicies(const Json& entity, const std::string& owner, const Json* managed,
                             std::vector<policy::NamedPolicy>* out) {
  if (entity.HasMember("managedPolicies")) {
    for (const auto& name : entity["managedPolicies"].GetArray()) {
      std::string n = name.GetString();
      if (!managed || !managed->HasMember(n.c_str())) return Bad(owner, "unknown managed policy " + n);
      ASSIGN_OR_RETURN(auto p, ParseDocument((*managed)[n.c_str()], policy::PolicyKind::kIdentityPolicy, owner));
      out->push_back({owner + ":managed:" + n, p});
    }
  }
  if (entity.HasMember("inlinePolicies")) {
    for (const auto& m : entity["inlinePolicies"].GetObject()) {
      ASSIGN_OR_RETURN(auto p, ParseDocument(m.value, policy::PolicyKind::kIdentityPolicy, owner));
      out->push_back({owner + ":inline:" + m.name.GetString(), p});
    }
  }
  return core::Status();
}

std::string RandomUpper(size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string bytes = core::RandomBytes(n), out;
  for (unsigned char c : bytes) out.push_back(kChars[c & 31]);
  return out;
}
}  // namespace

IdentityPtr SessionIdentity(const Role& role, const std::string& session_name) {
  auto id = std::make_shared<Identity>();
  id->name = role.name;
  id->session_name = session_name;
  id->arn = "arn:aws:sts::" + role.account + ":assumed-role/" + role.name + "/" + session_name;
  id->account = role.account;
  id->type = "AssumedRole";
  id->user_id = role.role_id + ":" + session_name;
  id->role_arn = role.arn;
  id->policies = role.policies;
  return id;
}

IdentityPtr RootIdentity(const std::string& account) {
  auto id = std::make_shared<Identity>();
  id->arn = core::AccountRootArn(account);
  id->account = account;
  id->type = "Root";
  id->user_id = account;
  return id;
}

std::string UniqueId(std::string_view prefix, std::string_view seed) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  uint64_t h = 1469598103934665603ULL;  // FNV-1a, stable across runs
  std::string out(prefix);
  for (int i = 0; i < 17; ++i) {
    for (char c : seed) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    h = (h ^ static_cast<uint64_t>(i)) * 1099511628211ULL;
    out.push_back(kChars[h % 32]);
  }
  return out;
}

core::StatusOr<std::unique_ptr<Directory>> Directory::Load(const std::string& fixtures_dir) {
  const std::string path = fixtures_dir + "/identities.json";
  core::StatusOr<std::string> text = core::ReadTextFile(path);
  if (!text.ok()) return core::Status(text.status().code(), "fixtures: " + text.status().message());
  rapidjson::Document doc;
  const std::string& json = *text;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("accounts") || !doc["accounts"].IsObject()) {
    return core::InvalidArgument("fixtures: " + path + " must be a JSON object with \"accounts\"");
  }
  std::unique_ptr<Directory> dir(new Directory());
  for (const auto& account : doc["accounts"].GetObject()) {
    RETURN_IF_ERROR(dir->LoadAccount(account.name.GetString(), &account.value));
  }
  return dir;
}

core::Status Directory::LoadAccount(const std::string& account, const void* json_ptr) {
  const Json& json = *static_cast<const Json*>(json_ptr);
  if (!core::IsAccountId(account)) return Bad(account, "account ids are 12 digits");
  RETURN_IF_ERROR(CheckShape(json, account));
  accounts_[account] = true;
  const Json* managed = json.HasMember("managedPolicies") ? &json["managedPolicies"] : nullptr;
  auto add_keys = [&](const Json& entity, const IdentityPtr& identity) -> core::Status {
    if (!entity.HasMember("accessKeys") && !entity.HasMember("rootAccessKeys")) return core::Status();
    const Json& keys = entity.HasMember("accessKeys") ? entity["accessKeys"] : entity["rootAccessKeys"];
    for (const auto& k : keys.GetArray()) {
      std::string id = k["id"].GetString();
      if (keys_.count(id)) return Bad(identity->arn, "access key " + id + " is used twice");
      keys_[id] = Credential{id, k["secret"].GetString(), "", 0, identity};
    }
    return core::Status();
  };
  IdentityPtr root = RootIdentity(account);
  RETURN_IF_ERROR(add_keys(json, root));
  if (json.HasMember("users")) {
    for (const auto& u : json["users"].GetArray()) {
      auto id = std::make_shared<Identity>();
      id->name = u["name"].GetString();
      std::string path = u.HasMember("path") ? u["path"].GetString() : "/";
      id->arn = "arn:aws:iam::" + account + ":user" + path + id->name;
      id->account = account;
      id->type = "IAMUser";
      id->user_id = UniqueId("AIDA", id->arn);
      RETURN_IF_ERROR(CollectPolicies(u, "user/" + id->name, managed, &id->policies));
      users_[id->arn] = id;
      RETURN_IF_ERROR(add_keys(u, id));
    }
  }
  if (json.HasMember("roles")) {
    for (const auto& r : json["roles"].GetArray()) {
      Role role;
      role.name = r["name"].GetString();
      std::string path = r.HasMember("path") ? r["path"].GetString() : "/";
      role.arn = "arn:aws:iam::" + account + ":role" + path + role.name;
      role.account = account;
      role.role_id = UniqueId("AROA", role.arn);
      if (r.HasMember("maxSessionDuration")) {
        const auto& max = r["maxSessionDuration"];
        if (!max.IsInt64() || max.GetInt64() < 3600 || max.GetInt64() > 43200) {
          return Bad("role/" + role.name, "maxSessionDuration must be a number of seconds from 3600 to 43200");
        }
        role.max_session_seconds = max.GetInt64();
      }
      if (!r.HasMember("trustPolicy") || !r["trustPolicy"].IsObject()) {
        return Bad("role/" + role.name, "a role needs a trustPolicy object");
      }
      // A trust policy has no Resource element: it is about the role itself.
      // The policy engine evaluates it as a resource policy on the role ARN.
      rapidjson::Document trust;
      trust.CopyFrom(r["trustPolicy"], trust.GetAllocator());
      if (trust.HasMember("Statement")) {
        rapidjson::Value& statements = trust["Statement"];
        auto add_resource = [&](rapidjson::Value& st) {
          if (st.IsObject() && !st.HasMember("Resource") && !st.HasMember("NotResource")) {
            st.AddMember("Resource", rapidjson::Value(role.arn.c_str(), trust.GetAllocator()), trust.GetAllocator());
          }
        };
        if (statements.IsArray()) {
          for (auto& st : statements.GetArray()) add_resource(st);
        } else {
          add_resource(statements);
        }
      }
      ASSIGN_OR_RETURN(role.trust_policy, ParseDocument(trust, policy::PolicyKind::kKeyPolicy, "role/" + role.name));
      RETURN_IF_ERROR(CollectPolicies(r, "role/" + role.name, managed, &role.policies));
      roles_[role.arn] = std::move(role);
    }
  }
  return core::Status();
}

std::optional<Credential> Directory::FindAccessKey(std::string_view access_key_id) const {
  std::string id(access_key_id);
  if (auto it = keys_.find(id); it != keys_.end()) return it->second;
  std::lock_guard<std::mutex> lock(sessions_mu_);
  if (auto it = sessions_.find(id); it != sessions_.end()) return it->second;
  return std::nullopt;
}

const Role* Directory::FindRole(const std::string& role_arn) const {
  auto it = roles_.find(role_arn);
  return it == roles_.end() ? nullptr : &it->second;
}

IdentityPtr Directory::FindPrincipal(const std::string& name_or_arn) const {
  if (auto it = users_.find(name_or_arn); it != users_.end()) return it->second;
  if (const Role* role = FindRole(name_or_arn)) return SessionIdentity(*role, "explain");
  if (name_or_arn.ends_with(":root") || core::IsAccountId(name_or_arn) || name_or_arn.starts_with("root@")) {
    std::string account = name_or_arn.starts_with("root@") ? name_or_arn.substr(5)
                          : core::IsAccountId(name_or_arn) ? name_or_arn
                                                           : core::ParseArn(name_or_arn).value_or(core::Arn{}).account;
    return accounts_.count(account) ? RootIdentity(account) : nullptr;
  }
  for (const auto& [arn, user] : users_)
    if (user->name == name_or_arn) return user;
  std::string role_name = name_or_arn.starts_with("role/") ? name_or_arn.substr(5) : name_or_arn;
  for (const auto& [arn, role] : roles_)
    if (role.name == role_name) return SessionIdentity(role, "explain");
  return nullptr;
}

std::optional<Credential> Directory::LongTermKeyOf(const std::string& name_or_arn) const {
  IdentityPtr who = FindPrincipal(name_or_arn);
  if (!who) return std::nullopt;
  for (const auto& [id, cred] : keys_)
    if (cred.identity->arn == who->arn) return cred;
  return std::nullopt;
}

Credential Directory::AddSession(const Role& role, const std::string& session_name, int64_t expires_ms) {
  Credential cred{"ASIA" + RandomUpper(16), core::Base64Encode(core::RandomBytes(30)),
                  core::Base64Encode(core::RandomBytes(120)), expires_ms, SessionIdentity(role, session_name)};
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_[cred.access_key_id] = cred;
  return cred;
}

}  // namespace kmslab::iam

namespace kmslab::iam {

void Directory::ReplaceWith(Directory&& fresh) {
  accounts_ = std::move(fresh.accounts_);
  keys_ = std::move(fresh.keys_);
  users_ = std::move(fresh.users_);
  roles_ = std::move(fresh.roles_);
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.clear();
}

}  // namespace kmslab::iam
