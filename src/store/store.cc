#include "store/store.h"

#include <sqlite3.h>

#include <map>
#include <utility>

#include "store/migrations.h"
#include "store/stmt.h"

namespace kmslab::store {

core::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  ASSIGN_OR_RETURN(sqlite3* db, OpenDatabase(path));
  std::unique_ptr<Store> store(new Store(db));
  RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  RETURN_IF_ERROR(store->Migrate());
  return store;
}

Store::~Store() { sqlite3_close(db_); }

core::Status Store::Exec(const char* sql) { return ExecSql(db_, sql); }

int Store::schema_version() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, "PRAGMA user_version");
  return stmt.ok() && stmt.Step() == SQLITE_ROW ? static_cast<int>(stmt.Int(0)) : -1;
}

core::Status Store::Migrate() {
  int version;
  {
    Stmt stmt(db_, "PRAGMA user_version");
    if (!stmt.ok() || stmt.Step() != SQLITE_ROW) return SqlError(db_, "read schema version");
    version = static_cast<int>(stmt.Int(0));
  }
  if (version > kSchemaVersion) {
    return core::FailedPrecondition("database schema version " + std::to_string(version) +
                                    " is newer than this kmslab (" + std::to_string(kSchemaVersion) + ")");
  }
  for (; version < kSchemaVersion; ++version) {
    RETURN_IF_ERROR(InTransaction(db_, [&] {
      RETURN_IF_ERROR(Exec(kMigrations[version]));
      return Exec(("PRAGMA user_version=" + std::to_string(version + 1)).c_str());
    }));
  }
  return core::Status();
}

core::Status Store::WriteKey(const KeyRow& k) {
  Stmt stmt(db_,
            // An upsert, not INSERT OR REPLACE: a replace deletes the row first,
            // and the delete would cascade to the key's materials and aliases.
            "INSERT INTO keys (key_id, arn, account, region, created_ms, description, state, key_usage, "
            "key_spec, origin, key_manager, policy, deletion_ms, pending_window_days, rotation_enabled, "
            "rotation_period_days, next_rotation_ms, multi_region, multi_region_key_type) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(key_id, region) DO UPDATE SET description = excluded.description, state = excluded.state, "
            "policy = excluded.policy, deletion_ms = excluded.deletion_ms, "
            "pending_window_days = excluded.pending_window_days, rotation_enabled = excluded.rotation_enabled, "
            "rotation_period_days = excluded.rotation_period_days, next_rotation_ms = excluded.next_rotation_ms, "
            "multi_region_key_type = excluded.multi_region_key_type");
  stmt.Bind(1, k.key_id).Bind(2, k.arn).Bind(3, k.account).Bind(4, k.region).Bind(5, k.created_ms);
  stmt.Bind(6, k.description).Bind(7, std::string(KeyStateName(k.state))).Bind(8, k.key_usage).Bind(9, k.key_spec).Bind(10, k.origin);
  stmt.Bind(11, k.key_manager).Bind(12, k.policy).Bind(13, k.deletion_ms).Bind(14, int64_t{k.pending_window_days});
  stmt.Bind(15, int64_t{k.rotation_enabled}).Bind(16, int64_t{k.rotation_period_days});
  stmt.Bind(17, k.next_rotation_ms).Bind(18, int64_t{k.multi_region});
  stmt.Bind(19, std::string(MultiRegionKeyTypeName(k.multi_region_type)));
  RETURN_IF_ERROR(stmt.Run());
  Stmt clear(db_, "DELETE FROM key_tags WHERE key_id = ? AND region = ?");
  clear.Bind(1, k.key_id).Bind(2, k.region);
  RETURN_IF_ERROR(clear.Run());
  for (const auto& [tag_key, tag_value] : k.tags) {
    Stmt tag(db_, "INSERT INTO key_tags (key_id, region, tag_key, tag_value) VALUES (?,?,?,?)");
    tag.Bind(1, k.key_id).Bind(2, k.region).Bind(3, tag_key).Bind(4, tag_value);
    RETURN_IF_ERROR(tag.Run());
  }
  return core::Status();
}

core::Status Store::WriteMaterial(const KeyRow& key, const MaterialRow& m, bool replace) {
  Stmt stmt(db_, replace ? "INSERT OR REPLACE INTO key_materials (key_id, region, version, material_id, wrapped, "
                           "created_ms, rotation_type, expiration_model, valid_to_ms) VALUES (?,?,?,?,?,?,?,?,?)"
                         : "INSERT INTO key_materials (key_id, region, version, material_id, wrapped, "
                           "created_ms, rotation_type, expiration_model, valid_to_ms) VALUES (?,?,?,?,?,?,?,?,?)");
  stmt.Bind(1, key.key_id).Bind(2, key.region).Bind(3, int64_t{m.version}).Bind(4, m.material_id);
  stmt.BindBlob(5, m.wrapped).Bind(6, m.created_ms).Bind(7, m.rotation_type);
  stmt.Bind(8, m.expiration_model).Bind(9, m.valid_to_ms);
  return stmt.Run();
}

core::Status Store::WriteKeys(const std::vector<KeyWrite>& writes) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    for (const KeyWrite& write : writes) {
      RETURN_IF_ERROR(WriteKey(write.key));
      for (const MaterialRow& material : write.new_materials) RETURN_IF_ERROR(WriteMaterial(write.key, material));
    }
    return core::Status();
  });
}

core::Status Store::CreateKey(const KeyRow& key, const MaterialRow& material) {
  return WriteKeys({{key, {material}}});
}

core::Status Store::UpdateKey(const KeyRow& key) { return WriteKeys({{key, {}}}); }

core::Status Store::AddMaterial(const KeyRow& key, const MaterialRow& material) {
  return WriteKeys({{key, {material}}});
}

core::Status Store::PutImportedMaterial(const KeyRow& key, const MaterialRow& material) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    RETURN_IF_ERROR(WriteKey(key));
    return WriteMaterial(key, material, true);
  });
}

core::Status Store::DeleteKey(const std::string& key_id, const std::string& region) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_, "DELETE FROM keys WHERE key_id = ? AND region = ?");  // cascades
    stmt.Bind(1, key_id).Bind(2, region);
    return stmt.Run();
  });
}

core::Status Store::PutAlias(const AliasRow& a) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_,
              "INSERT OR REPLACE INTO aliases (account, region, name, key_id, created_ms, updated_ms) "
              "VALUES (?,?,?,?,?,?)");
    stmt.Bind(1, a.account).Bind(2, a.region).Bind(3, a.name).Bind(4, a.key_id).Bind(5, a.created_ms);
    stmt.Bind(6, a.updated_ms);
    return stmt.Run();
  });
}

core::Status Store::DeleteAlias(const std::string& account, const std::string& region, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_, "DELETE FROM aliases WHERE account = ? AND region = ? AND name = ?");
    stmt.Bind(1, account).Bind(2, region).Bind(3, name);
    return stmt.Run();
  });
}

core::Status Store::PutGrant(const GrantRow& g) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_,
              "INSERT INTO grants (grant_id, key_id, name, grantee, retiring, issuing_account, operations, "
              "constraints, created_ms, region) VALUES (?,?,?,?,?,?,?,?,?,?)");
    stmt.Bind(1, g.grant_id).Bind(2, g.key_id).Bind(3, g.name).Bind(4, g.grantee).Bind(5, g.retiring);
    stmt.Bind(6, g.issuing_account).Bind(7, g.operations).Bind(8, g.constraints).Bind(9, g.created_ms);
    stmt.Bind(10, g.region);
    return stmt.Run();
  });
}

core::Status Store::DeleteGrant(const std::string& grant_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    Stmt stmt(db_, "DELETE FROM grants WHERE grant_id = ?");
    stmt.Bind(1, grant_id);
    return stmt.Run();
  });
}

core::StatusOr<std::vector<GrantRow>> Store::LoadGrants() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<GrantRow> rows;
  Stmt stmt(db_,
            "SELECT grant_id, key_id, name, grantee, retiring, issuing_account, operations, constraints, created_ms, "
            "region FROM grants ORDER BY created_ms, grant_id");
  if (!stmt.ok()) return SqlError(db_, "load grants");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    rows.push_back({stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Text(4), stmt.Text(5),
                    stmt.Text(6), stmt.Text(7), stmt.Int(8), stmt.Text(9)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load grants");
  return rows;
}

core::StatusOr<std::vector<KeyRow>> Store::LoadKeys() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<KeyRow> keys;
  Stmt stmt(db_,
            "SELECT key_id, arn, account, region, created_ms, description, state, key_usage, key_spec, origin, "
            "key_manager, policy, deletion_ms, pending_window_days, rotation_enabled, rotation_period_days, "
            "next_rotation_ms, multi_region, multi_region_key_type FROM keys ORDER BY created_ms, key_id, region");
  if (!stmt.ok()) return SqlError(db_, "load keys");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    KeyRow k;
    k.key_id = stmt.Text(0);
    k.arn = stmt.Text(1);
    k.account = stmt.Text(2);
    k.region = stmt.Text(3);
    k.created_ms = stmt.Int(4);
    k.description = stmt.Text(5);
    const std::optional<KeyState> state = ParseKeyState(stmt.Text(6));
    if (!state) return core::DataLoss("key " + k.key_id + " has an unknown state: damaged database");
    k.state = *state;
    k.key_usage = stmt.Text(7);
    k.key_spec = stmt.Text(8);
    k.origin = stmt.Text(9);
    k.key_manager = stmt.Text(10);
    k.policy = stmt.Text(11);
    k.deletion_ms = stmt.Int(12);
    k.pending_window_days = static_cast<int>(stmt.Int(13));
    k.rotation_enabled = stmt.Int(14) != 0;
    k.rotation_period_days = static_cast<int>(stmt.Int(15));
    k.next_rotation_ms = stmt.Int(16);
    k.multi_region = stmt.Int(17) != 0;
    k.multi_region_type = ParseMultiRegionKeyType(stmt.Text(18));
    keys.push_back(std::move(k));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load keys");
  Stmt tags(db_, "SELECT key_id, region, tag_key, tag_value FROM key_tags");
  if (!tags.ok()) return SqlError(db_, "load tags");
  std::map<std::pair<std::string, std::string>, KeyRow*> by_name;
  for (auto& k : keys) by_name[{k.key_id, k.region}] = &k;
  while ((rc = tags.Step()) == SQLITE_ROW) {
    auto it = by_name.find({tags.Text(0), tags.Text(1)});
    if (it != by_name.end()) it->second->tags[tags.Text(2)] = tags.Text(3);
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load tags");
  return keys;
}

core::StatusOr<std::vector<MaterialRow>> Store::LoadMaterials() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MaterialRow> rows;
  Stmt stmt(db_,
            "SELECT key_id, version, material_id, wrapped, created_ms, rotation_type, region, expiration_model, "
            "valid_to_ms FROM key_materials ORDER BY key_id, region, version");
  if (!stmt.ok()) return SqlError(db_, "load materials");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    MaterialRow m;
    m.key_id = stmt.Text(0);
    m.version = static_cast<uint32_t>(stmt.Int(1));
    m.material_id = stmt.Text(2);
    m.wrapped = stmt.Text(3);
    m.created_ms = stmt.Int(4);
    m.rotation_type = stmt.Text(5);
    m.region = stmt.Text(6);
    m.expiration_model = stmt.Text(7);
    m.valid_to_ms = stmt.Int(8);
    rows.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load materials");
  return rows;
}

core::StatusOr<std::vector<AliasRow>> Store::LoadAliases() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AliasRow> rows;
  Stmt stmt(db_, "SELECT account, region, name, key_id, created_ms, updated_ms FROM aliases ORDER BY name");
  if (!stmt.ok()) return SqlError(db_, "load aliases");
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    rows.push_back({stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Int(4), stmt.Int(5)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "load aliases");
  return rows;
}

core::Status Store::ResetAll() {
  RETURN_IF_ERROR(FlushDdbWrites());
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(db_, [&] {
    return Exec(
        "DELETE FROM keys; DELETE FROM aliases; DELETE FROM grants; DELETE FROM ddb_items; DELETE FROM ddb_tables; "
        "DELETE FROM ddb_backups; DELETE FROM ddb_streams; DELETE FROM ddb_stream_records; "
        "DELETE FROM ddb_replica_changes;");
  });
}

}  // namespace kmslab::store
