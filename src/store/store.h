// Store: kmslab's durable state in one SQLite database (WAL mode, synchronous
// FULL), its schema created and upgraded by versioned migrations
// (docs/storage-schema.md). A call that returned OK is on disk.
//
// Thread-safe: calls are serialized on one connection.
#ifndef KMSLAB_STORE_STORE_H_
#define KMSLAB_STORE_STORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"

struct sqlite3;

namespace kmslab::store {

// The schema version this build writes; older databases are migrated up.
inline constexpr int kSchemaVersion = 1;

class Store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it.
  static core::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version();

  // A new key with its first material, atomically.
  core::Status CreateKey(const KeyRow& key, const MaterialRow& material);
  // Replaces the key's row and its tags.
  core::Status UpdateKey(const KeyRow& key);
  // A rotation: the new material and the key row, atomically.
  core::Status AddMaterial(const KeyRow& key, const MaterialRow& material);
  // Removes the key and everything that hangs off it (materials, tags, aliases).
  core::Status DeleteKey(const std::string& key_id);
  core::Status PutAlias(const AliasRow& alias);
  core::Status DeleteAlias(const std::string& account, const std::string& region, const std::string& name);

  core::Status PutGrant(const GrantRow& grant);
  core::Status DeleteGrant(const std::string& grant_id);

  core::StatusOr<std::vector<KeyRow>> LoadKeys();
  core::StatusOr<std::vector<GrantRow>> LoadGrants();
  core::StatusOr<std::vector<MaterialRow>> LoadMaterials();
  core::StatusOr<std::vector<AliasRow>> LoadAliases();

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  core::Status Exec(const char* sql);
  core::Status Migrate();
  // Runs `body` inside BEGIN IMMEDIATE .. COMMIT, rolling back on error.
  template <typename F>
  core::Status InTransaction(F body);
  core::Status WriteKey(const KeyRow& key);
  core::Status WriteMaterial(const MaterialRow& material);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_STORE_H_
