#include "ddb/restore.h"

#include <mutex>

#include "core/random.h"
#include "core/strings.h"
#include "ddb/errors.h"
#include "ddb/indexes.h"
#include "ddb/ops/common.h"
#include "ddb/table_stats.h"

namespace kmslab::ddb {

core::StatusOr<std::shared_ptr<const Backup>> KeepBackup(Service& s, const Table& table, std::string name,
                                                         BackupType type, int64_t now) {
  auto backup = std::make_shared<Backup>();
  backup->arn = table.arn + "/backup/" + std::to_string(now) + "-" + core::HexEncode(core::RandomBytes(4));
  backup->name = std::move(name);
  backup->account = table.account;
  backup->region = table.region;
  backup->table_name = table.name;
  backup->table_id = table.table_id;
  backup->table_arn = table.arn;
  backup->created_ms = now;
  backup->table_created_ms = table.created_ms;
  backup->item_count = table.item_count;
  backup->size_bytes = table.size_bytes;
  backup->definition = table.definition;
  backup->keys = table.state.keys;
  backup->indexes = SettledIndexes(table.state.indexes, false);
  backup->type = type;
  RETURN_IF_ERROR(s.store().CreateDdbBackup(EncodeBackup(*backup), table.table_id));
  s.PutBackup(backup);
  return std::shared_ptr<const Backup>(std::move(backup));
}

core::StatusOr<std::string> ReadRestoreTarget(const rapidjson::Value& request, const char* operation) {
  ASSIGN_OR_RETURN(std::string target, ops::RequiredName(request, "TargetTableName", "targetTableName"));
  RETURN_IF_ERROR(ops::RejectUnsupported(request,
                                         {"GlobalSecondaryIndexOverride", "LocalSecondaryIndexOverride",
                                          "ProvisionedThroughputOverride", "OnDemandThroughputOverride"},
                                         operation));
  return target;
}

core::Status RestoreTable(Service& s, const kms::CallContext& call, const rapidjson::Value& request,
                          const std::string& target, const RestoreSource& source, const WriteRestoredTable& write,
                          JsonWriter& out) {
  TableDefinition definition = source.definition;
  ASSIGN_OR_RETURN(std::optional<std::string> billing, ops::OptionalString(request, "BillingModeOverride"));
  if (billing) {
    if (*billing != "PAY_PER_REQUEST") {
      return ValidationError("kmslab supports BillingModeOverride PAY_PER_REQUEST only");
    }
    definition.billing_mode = *billing;
    definition.read_capacity = definition.write_capacity = 0;
  }
  // Without an override the restored table keeps the source's key.
  SseChoice choice;
  if (!source.keys.kms_key_arn.empty()) {
    choice.kind = SseChoice::kKms;
    choice.key_id = source.keys.kms_key_arn;
  }
  if (const rapidjson::Value* spec = FindMember(request, "SSESpecificationOverride")) {
    ASSIGN_OR_RETURN(choice, ReadSseSpecification(*spec, "sSESpecificationOverride"));
  }
  if (s.FindTable(call, target)) return TableAlreadyExists(target);

  // The source's data key, under the table key in force at the source's time,
  // opened in the source's Region (another one for a cross-Region restore).
  kms::CallContext source_call = call;
  source_call.region = source.region;
  ASSIGN_OR_RETURN(core::SecretBytes source_table_key,
                   s.OpenTableKey(&source_call, source.table_name, source.account, source.region, source.keys));
  ASSIGN_OR_RETURN(core::SecretBytes data_key, Service::UnsealDataKey(source_table_key, source.keys));
  ASSIGN_OR_RETURN(TableKeys keys, s.NewTableKeys(call, target, choice, &data_key));

  const int64_t now = s.NowMillis();
  auto table = std::make_shared<Table>(core::NewUuid(), call.caller->account, call.region, target, now, definition);
  table->state.keys = std::move(keys);
  table->state.indexes = SettledIndexes(source.indexes, definition.billing_mode == "PAY_PER_REQUEST");
  table->state.next_check_ms = now + s.options().detection_seconds * 1000;
  core::Status added = s.AddTable(table);
  if (added.ok()) {
    // Held until the items are stored, so no reader loads the table before.
    std::unique_lock<std::shared_mutex> lock(table->mu);
    added = write({table->table_id, table->account, table->region, table->name, now,
                   EncodeTableMeta(definition, table->state)},
                  data_key, *table);
    if (added.ok()) s.store().EnqueueDdbItemWrite(TableStatsRow(*table));  // its counts after a restart
    if (!added.ok()) {
      table->deleted = true;
      lock.unlock();
      s.RemoveTable(*table);
    }
  }
  if (!added.ok()) {
    s.RetireTableGrants(*table);
    return added.aws_type() == "ResourceInUseException" ? TableAlreadyExists(target) : added;
  }
  out.StartObject();
  out.Key("TableDescription");
  std::shared_lock<std::shared_mutex> lock(table->mu);
  WriteTableDescription(out, *table, "CREATING", [&](JsonWriter& w) {
    w.Key("RestoreSummary");
    w.StartObject();
    if (!source.backup_arn.empty()) {
      w.Key("SourceBackupArn");
      w.String(source.backup_arn);
    }
    w.Key("SourceTableArn");
    w.String(source.table_arn);
    w.Key("RestoreDateTime");
    WriteTime(w, source.restore_ms);
    w.Key("RestoreInProgress");
    w.Bool(true);
    w.EndObject();
  });
  out.EndObject();
  return core::Status();
}

}  // namespace kmslab::ddb
