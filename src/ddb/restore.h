// The machinery shared by the backup and restore operations: taking a backup
// of a table, and creating a table from a backup or from point-in-time
// history with the source's data key re-sealed under the target's new keys.
#ifndef KMSLAB_DDB_RESTORE_H_
#define KMSLAB_DDB_RESTORE_H_

#include <functional>
#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "ddb/service.h"

namespace kmslab::ddb {

// A backup of `table` as of `now` (its items as stored, its definition and
// keys), kept in the store and the service. Requires table.mu held exclusively.
core::StatusOr<std::shared_ptr<const Backup>> KeepBackup(Service& s, const Table& table, std::string name,
                                                         BackupType type, int64_t now);

// A restore's TargetTableName, refusing the overrides kmslab does not serve
// (index and throughput overrides) in `operation`'s words.
core::StatusOr<std::string> ReadRestoreTarget(const rapidjson::Value& request, const char* operation);

// What a restore starts from.
struct RestoreSource {
  // The source table: its name and account are in its keys' encryption context.
  std::string table_name, account, region, table_arn;
  TableKeys keys;  // the keys its data key is sealed under
  TableDefinition definition;
  std::string backup_arn;  // RestoreSummary.SourceBackupArn; "" for a point-in-time restore
  int64_t restore_ms = 0;  // RestoreSummary.RestoreDateTime
  IndexList indexes;       // the source's settled indexes, recreated on the target
};

// Stores the new table `row` with the source's items and sets `table`'s item
// count and size; `data_key` is the source's (and now the target's) data key.
using WriteRestoredTable =
    std::function<core::Status(const store::DdbTableRow& row, const core::SecretBytes& data_key, Table& table)>;

// Creates table `target` from `source`, as RestoreTableFromBackup and
// RestoreTableToPointInTime do: BillingModeOverride and SSESpecificationOverride
// from `request` (without one, the source's key), TableAlreadyExistsException,
// the source's table key opened by KMS Decrypt as `call` (through DynamoDB), the
// target's keys set up as CreateTable's; answers the TableDescription with
// its RestoreSummary.
core::Status RestoreTable(Service& s, const kms::CallContext& call, const rapidjson::Value& request,
                          const std::string& target, const RestoreSource& source, const WriteRestoredTable& write,
                          JsonWriter& out);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_RESTORE_H_
