// The schema migrations, in order: kMigrations[i] moves a database from
// version i to i + 1. Append only; never edit a migration that has shipped.
#ifndef KMSLAB_STORE_MIGRATIONS_H_
#define KMSLAB_STORE_MIGRATIONS_H_

namespace kmslab::store {

inline constexpr const char* kMigrations[] = {
    // 0 -> 1: keys, key material versions, aliases, tags, grants, audit events.
    R"sql(
CREATE TABLE keys (
  key_id               TEXT PRIMARY KEY,
  arn                  TEXT NOT NULL UNIQUE,
  account              TEXT NOT NULL,
  region               TEXT NOT NULL,
  created_ms           INTEGER NOT NULL,
  description          TEXT NOT NULL,
  state                TEXT NOT NULL,
  key_usage            TEXT NOT NULL,
  key_spec             TEXT NOT NULL,
  origin               TEXT NOT NULL,
  key_manager          TEXT NOT NULL,
  policy               TEXT NOT NULL,
  deletion_ms          INTEGER NOT NULL DEFAULT 0,
  pending_window_days  INTEGER NOT NULL DEFAULT 0,
  rotation_enabled     INTEGER NOT NULL DEFAULT 0,
  rotation_period_days INTEGER NOT NULL DEFAULT 0,
  next_rotation_ms     INTEGER NOT NULL DEFAULT 0,
  multi_region         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE key_materials (
  key_id        TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  version       INTEGER NOT NULL,
  material_id   TEXT NOT NULL,
  wrapped       BLOB NOT NULL,
  created_ms    INTEGER NOT NULL,
  rotation_type TEXT NOT NULL,
  PRIMARY KEY (key_id, version)
);
CREATE TABLE key_tags (
  key_id    TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (key_id, tag_key)
);
CREATE TABLE aliases (
  account    TEXT NOT NULL,
  region     TEXT NOT NULL,
  name       TEXT NOT NULL,
  key_id     TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
);
CREATE TABLE grants (
  grant_id          TEXT PRIMARY KEY,
  key_id            TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  grantee           TEXT NOT NULL,
  retiring          TEXT NOT NULL,
  issuing_account   TEXT NOT NULL,
  operations        TEXT NOT NULL,  -- JSON array of operation names
  constraints       TEXT NOT NULL,  -- JSON object, {} when none
  created_ms        INTEGER NOT NULL
);
CREATE INDEX grants_by_key_grantee ON grants(key_id, grantee);
CREATE TABLE audit_events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  event_time  INTEGER NOT NULL,
  request_id  TEXT NOT NULL,
  event_name  TEXT NOT NULL,
  principal   TEXT NOT NULL,
  key_arn     TEXT NOT NULL,
  error_code  TEXT NOT NULL,
  decision    TEXT NOT NULL,
  event_json  TEXT NOT NULL
);
CREATE INDEX audit_by_request ON audit_events(request_id);
)sql",
    // 1 -> 2: the DynamoDB shim's tables, their sealed items, and backups.
    R"sql(
CREATE TABLE ddb_tables (
  table_id   TEXT PRIMARY KEY,
  account    TEXT NOT NULL,
  region     TEXT NOT NULL,
  name       TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  meta       TEXT NOT NULL,  -- JSON owned by ddb/ (docs/storage-schema.md)
  UNIQUE (account, region, name)
);
CREATE TABLE ddb_items (
  table_id TEXT NOT NULL,
  row_id   TEXT NOT NULL,  -- HMAC of the item's key under the table's data key
  sealed   BLOB NOT NULL,  -- the item, AES-256-GCM under the data key
  PRIMARY KEY (table_id, row_id)
);
CREATE TABLE ddb_backups (
  backup_arn TEXT PRIMARY KEY,
  account    TEXT NOT NULL,
  region     TEXT NOT NULL,
  table_name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  meta       TEXT NOT NULL
);
CREATE TABLE ddb_backup_items (
  backup_arn TEXT NOT NULL REFERENCES ddb_backups(backup_arn) ON DELETE CASCADE,
  row_id     TEXT NOT NULL,
  sealed     BLOB NOT NULL,
  PRIMARY KEY (backup_arn, row_id)
);
)sql",
    // 2 -> 3: the audit trail moves to its own database, DATA/trail.db
    // (store/trail_store.h), which takes these events over when it is created.
    R"sql(
DROP TABLE audit_events;
)sql",
    // 3 -> 4: multi-Region keys. Related keys share one key id, one key per
    // Region, so a key is named by (key_id, region) and every table naming a
    // key names both; keys gain their multi-Region role ('' | PRIMARY | REPLICA).
    R"sql(
CREATE TABLE keys_v4 (
  key_id                TEXT NOT NULL,
  arn                   TEXT NOT NULL UNIQUE,
  account               TEXT NOT NULL,
  region                TEXT NOT NULL,
  created_ms            INTEGER NOT NULL,
  description           TEXT NOT NULL,
  state                 TEXT NOT NULL,
  key_usage             TEXT NOT NULL,
  key_spec              TEXT NOT NULL,
  origin                TEXT NOT NULL,
  key_manager           TEXT NOT NULL,
  policy                TEXT NOT NULL,
  deletion_ms           INTEGER NOT NULL DEFAULT 0,
  pending_window_days   INTEGER NOT NULL DEFAULT 0,
  rotation_enabled      INTEGER NOT NULL DEFAULT 0,
  rotation_period_days  INTEGER NOT NULL DEFAULT 0,
  next_rotation_ms      INTEGER NOT NULL DEFAULT 0,
  multi_region          INTEGER NOT NULL DEFAULT 0,
  multi_region_key_type TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (key_id, region)
);
INSERT INTO keys_v4 SELECT *, '' FROM keys;
CREATE TABLE key_materials_v4 (
  key_id        TEXT NOT NULL,
  region        TEXT NOT NULL,
  version       INTEGER NOT NULL,
  material_id   TEXT NOT NULL,
  wrapped       BLOB NOT NULL,
  created_ms    INTEGER NOT NULL,
  rotation_type TEXT NOT NULL,
  PRIMARY KEY (key_id, region, version),
  FOREIGN KEY (key_id, region) REFERENCES keys_v4(key_id, region) ON DELETE CASCADE
);
INSERT INTO key_materials_v4 SELECT m.key_id, k.region, m.version, m.material_id, m.wrapped, m.created_ms,
  m.rotation_type FROM key_materials m JOIN keys k USING (key_id);
CREATE TABLE key_tags_v4 (
  key_id    TEXT NOT NULL,
  region    TEXT NOT NULL,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (key_id, region, tag_key),
  FOREIGN KEY (key_id, region) REFERENCES keys_v4(key_id, region) ON DELETE CASCADE
);
INSERT INTO key_tags_v4 SELECT t.key_id, k.region, t.tag_key, t.tag_value FROM key_tags t JOIN keys k USING (key_id);
CREATE TABLE aliases_v4 (
  account    TEXT NOT NULL,
  region     TEXT NOT NULL,
  name       TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (account, region, name),
  FOREIGN KEY (key_id, region) REFERENCES keys_v4(key_id, region) ON DELETE CASCADE
);
INSERT INTO aliases_v4 SELECT * FROM aliases;
CREATE TABLE grants_v4 (
  grant_id        TEXT PRIMARY KEY,
  key_id          TEXT NOT NULL,
  region          TEXT NOT NULL,
  name            TEXT NOT NULL,
  grantee         TEXT NOT NULL,
  retiring        TEXT NOT NULL,
  issuing_account TEXT NOT NULL,
  operations      TEXT NOT NULL,  -- JSON array of operation names
  constraints     TEXT NOT NULL,  -- JSON object, {} when none
  created_ms      INTEGER NOT NULL,
  FOREIGN KEY (key_id, region) REFERENCES keys_v4(key_id, region) ON DELETE CASCADE
);
INSERT INTO grants_v4 SELECT g.grant_id, g.key_id, k.region, g.name, g.grantee, g.retiring, g.issuing_account,
  g.operations, g.constraints, g.created_ms FROM grants g JOIN keys k USING (key_id);
DROP TABLE key_materials;
DROP TABLE key_tags;
DROP TABLE aliases;
DROP TABLE grants;
DROP TABLE keys;
ALTER TABLE keys_v4 RENAME TO keys;
ALTER TABLE key_materials_v4 RENAME TO key_materials;
ALTER TABLE key_tags_v4 RENAME TO key_tags;
ALTER TABLE aliases_v4 RENAME TO aliases;
ALTER TABLE grants_v4 RENAME TO grants;
CREATE INDEX grants_by_key_grantee ON grants(key_id, region, grantee);
)sql",
    // 4 -> 5: imported key material (origin EXTERNAL) keeps its expiry; a
    // deleted one keeps its row with an empty `wrapped`. Written against the
    // (key_id, region) tables of version 4.
    R"sql(
ALTER TABLE key_materials ADD COLUMN expiration_model TEXT NOT NULL DEFAULT '';
ALTER TABLE key_materials ADD COLUMN valid_to_ms INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5 -> 6: point-in-time recovery (ddb/item_history.h): each item change of a
    // table with PITR enabled (sealed as its item row; an empty `sealed` = the
    // item was deleted), the table keys in force from when, and how far back the
    // history was cut when it grew past its bound.
    R"sql(
CREATE TABLE ddb_item_history (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  table_id TEXT NOT NULL REFERENCES ddb_tables(table_id) ON DELETE CASCADE,
  at_ms    INTEGER NOT NULL,
  row_id   TEXT NOT NULL,
  sealed   BLOB NOT NULL
);
CREATE INDEX ddb_item_history_by_row ON ddb_item_history(table_id, row_id, at_ms);
CREATE INDEX ddb_item_history_by_table ON ddb_item_history(table_id, seq);
CREATE TABLE ddb_key_history (
  table_id TEXT NOT NULL REFERENCES ddb_tables(table_id) ON DELETE CASCADE,
  from_ms  INTEGER NOT NULL,
  keys     TEXT NOT NULL,  -- JSON owned by ddb/: the keys, wrapped as in ddb_tables.meta
  PRIMARY KEY (table_id, from_ms)
);
CREATE TABLE ddb_history_floor (
  table_id TEXT PRIMARY KEY REFERENCES ddb_tables(table_id) ON DELETE CASCADE,
  floor_ms INTEGER NOT NULL
);
)sql",
    // 6 -> 7: DynamoDB streams and their records, sealed under the table's
    // data key; a stream outlives its table by the retention period.
    R"sql(
CREATE TABLE ddb_streams (
  stream_arn TEXT PRIMARY KEY,
  table_id   TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  meta       TEXT NOT NULL  -- JSON owned by ddb/ (streams.cc)
);
CREATE TABLE ddb_stream_records (
  stream_arn TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  sealed     BLOB NOT NULL,  -- the record, AES-256-GCM under the table's data key
  PRIMARY KEY (stream_arn, seq)
);
)sql",
    // 7 -> 8: global tables' item changes acknowledged but not yet applied to
    // a replica, sealed under the source table's data key (ddb/replication.h).
    R"sql(
CREATE TABLE ddb_replica_changes (
  seq           INTEGER PRIMARY KEY,
  table_id      TEXT NOT NULL REFERENCES ddb_tables(table_id) ON DELETE CASCADE,
  target_region TEXT NOT NULL,
  due_ms        INTEGER NOT NULL,
  sealed        BLOB NOT NULL  -- the change, AES-256-GCM under the source table's data key
);
)sql",
    // 8 -> 9: each DynamoDB table's ItemCount and TableSizeBytes (and its
    // indexes'), as of its last committed item write: what DescribeTable shows
    // after a restart before the items are loaded. Written by the item
    // writers' commit (DdbItemWrite::Kind::kTableStats).
    R"sql(
CREATE TABLE ddb_table_stats (
  table_id TEXT PRIMARY KEY,
  stats    TEXT NOT NULL  -- JSON owned by ddb/ (table_stats.cc)
);
)sql",
};

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_MIGRATIONS_H_
