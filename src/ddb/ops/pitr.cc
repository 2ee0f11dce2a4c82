// UpdateContinuousBackups, DescribeContinuousBackups and
// RestoreTableToPointInTime (docs/spec/dynamodb.md section 9; the
// history they use is item_history.h).
#include <cmath>
#include <mutex>

#include "crypto/aes_gcm.h"
#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/item_history.h"
#include "ddb/operations.h"
#include "ddb/ops/common.h"
#include "ddb/resource_policies.h"
#include "ddb/restore.h"

namespace kmslab::ddb::ops {

namespace {

const char kSpec[] = "pointInTimeRecoverySpecification";

// ContinuousBackupsDescription of `table`. Requires table.mu held.
core::Status WriteContinuousBackups(Service& s, const Table& table, JsonWriter& out) {
  const PitrState& pitr = table.state.pitr;
  RestoreWindow window;
  if (pitr.enabled) {
    ASSIGN_OR_RETURN(int64_t floor_ms, s.store().DdbHistoryFloor(table.table_id));
    window = PitrWindow(pitr, floor_ms, s.NowMillis());
  }
  out.StartObject();
  out.Key("ContinuousBackupsDescription");
  out.StartObject();
  out.Key("ContinuousBackupsStatus");
  out.String("ENABLED");
  out.Key("PointInTimeRecoveryDescription");
  out.StartObject();
  out.Key("PointInTimeRecoveryStatus");
  out.String(pitr.enabled ? "ENABLED" : "DISABLED");
  if (pitr.enabled) {
    out.Key("RecoveryPeriodInDays");
    out.Int64(pitr.period_days);
    out.Key("EarliestRestorableDateTime");
    WriteTime(out, window.earliest_ms);
    out.Key("LatestRestorableDateTime");
    WriteTime(out, window.latest_ms);
  }
  out.EndObject();
  out.EndObject();
  out.EndObject();
  return core::Status();
}

// The table TableName names (by name or by ARN), or TableNotFoundException.
core::StatusOr<std::shared_ptr<Table>> ContinuousBackupsTable(Service& s, const kms::CallContext& call,
                                                              const std::string& sent) {
  const TableRef ref = ResolveTableRef(s, call, sent);
  std::shared_ptr<Table> table = ref.name.empty() ? nullptr : s.FindTable(call, ref.name);
  if (!table) return TableNotFound(sent);
  return table;
}

core::Status PointInTimeRecoveryUnavailable(const std::string& name) {
  return core::Status(core::Code::kFailedPrecondition, "Point in time recovery is not enabled for table '" + name + "'",
                      "PointInTimeRecoveryUnavailableException");
}

core::Status InvalidRestoreTime() {
  return core::Status(core::Code::kInvalidArgument,
                      "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime.",
                      "InvalidRestoreTimeException");
}

core::Status SourceTableNotFound(const std::string& name) {
  return core::Status(core::Code::kNotFound, "Source table not found: " + name, "SourceTableNotFoundException");
}

// UpdateContinuousBackups on a table created less than
// Options::pitr_setup_seconds ago: its continuous backups are still being set up.
core::Status ContinuousBackupsUnavailable(const std::string& name) {
  return core::Status(core::Code::kFailedPrecondition,
                      "Backups are being enabled for the table: " + name + ". Please retry later",
                      "ContinuousBackupsUnavailableException");
}

// RestoreTableToPointInTime's source: by name or ARN in the caller's Region,
// or by ARN in another Region of the caller's account (a cross-Region
// restore, which must carry SSESpecificationOverride); else
// SourceTableNotFoundException.
core::StatusOr<std::shared_ptr<Table>> PitrSourceTable(Service& s, const kms::CallContext& call,
                                                       const std::string& sent, const rapidjson::Value& request) {
  const TableRef ref = ResolveTableRef(s, call, sent);
  if (!ref.name.empty()) {
    std::shared_ptr<Table> table = s.FindTable(call, ref.name);
    if (!table) return SourceTableNotFound(sent);
    return table;
  }
  const std::optional<TableResourceArn> arn = ParseTableResourceArn(sent);
  if (!arn || arn->kind != TableResourceArn::Kind::kTable || arn->account != call.caller->account) {
    return SourceTableNotFound(sent);
  }
  if (!FindMember(request, "SSESpecificationOverride")) {
    return ValidationError("Invalid Request: sseSpecificationOverride must be provided for cross-region restores");
  }
  std::shared_ptr<Table> table = s.FindTableIn(arn->account, arn->region, arn->table);
  if (!table) return SourceTableNotFound(sent);
  return table;
}

}  // namespace

struct UpdateContinuousBackupsOp : OneTableOp {
  static constexpr const char* kName = "UpdateContinuousBackups";
  struct Request : TableRequest {
    bool enabled = false;
    std::optional<int64_t> period_days;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadItemTableRequest(body, q));  // a name or a table ARN
    ASSIGN_OR_RETURN(const rapidjson::Value* spec, RequiredObject(body, "PointInTimeRecoverySpecification", kSpec));
    const rapidjson::Value* enabled = FindMember(*spec, "PointInTimeRecoveryEnabled");
    if (!enabled) return NullMember("pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled");
    if (!enabled->IsBool()) return SerializationError("Unexpected value type in pointInTimeRecoverySpecification");
    q.enabled = enabled->GetBool();
    if (const rapidjson::Value* days = FindMember(*spec, "RecoveryPeriodInDays")) {
      if (!days->IsInt64()) return SerializationError("Unexpected value type in pointInTimeRecoverySpecification");
      const int64_t n = days->GetInt64();
      if (n < 1 || n > 35) {
        return ValidationError("1 validation error detected: Value '" + std::to_string(n) +
                               "' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy "
                               "constraint: Member must have value " +
                               (n < 1 ? "greater than or equal to 1" : "less than or equal to 35"));
      }
      q.period_days = n;
    }
    if (!q.enabled && q.period_days) {
      return ValidationError(
          "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.");
    }
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, ContinuousBackupsTable(s, call, q.table));
    // Needs no table key: it works while the table is INACCESSIBLE_ENCRYPTION_CREDENTIALS.
    std::unique_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return TableNotFound(q.table);
    if (s.NowMillis() < table->created_ms + s.options().pitr_setup_seconds * 1000) {
      return ContinuousBackupsUnavailable(table->name);
    }
    if (q.enabled) {
      RETURN_IF_ERROR(EnableHistory(s, *table, q.period_days.value_or(35), s.NowMillis()));
    } else {
      RETURN_IF_ERROR(DisableHistory(s, *table));
    }
    return WriteContinuousBackups(s, *table, out);
  }
};
KMSLAB_DDB_OPERATION(UpdateContinuousBackups);

struct DescribeContinuousBackupsOp : OneTableOp {
  static constexpr const char* kName = "DescribeContinuousBackups";
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    return ReadItemTableRequest(body, q);  // a name or a table ARN
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::shared_ptr<Table> table, ContinuousBackupsTable(s, call, q.table));
    std::shared_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return TableNotFound(q.table);
    return WriteContinuousBackups(s, *table, out);
  }
};
KMSLAB_DDB_OPERATION(DescribeContinuousBackups);

// Authorized on the source table and on the table it creates, as
// RestoreTableFromBackup is on its backup and target. The source may be in
// another Region (by SourceTableArn); the target is in the caller's, its key
// resolved there.
struct RestoreTableToPointInTimeOp {
  static constexpr const char* kName = "RestoreTableToPointInTime";
  struct Request {
    std::string source;  // SourceTableArn or SourceTableName, as sent
    std::string target;
    std::optional<int64_t> restore_ms;  // none: UseLatestRestorableTime
    const rapidjson::Value* body = nullptr;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.target, ReadRestoreTarget(body, kName));
    const bool by_arn = FindMember(body, "SourceTableArn") != nullptr;
    const bool by_name = FindMember(body, "SourceTableName") != nullptr;
    if (by_arn == by_name) {
      return ValidationError(
          "Invalid Request: Either one of SourceTableArn or SourceTableName must be specified, but not both");
    }
    if (by_arn) {
      ASSIGN_OR_RETURN(q.source, RequiredTableNameOrArn(body, "SourceTableArn", "sourceTableArn"));
    } else {
      ASSIGN_OR_RETURN(q.source, RequiredName(body, "SourceTableName", "sourceTableName"));
    }
    ASSIGN_OR_RETURN(bool latest, OptionalBool(body, "UseLatestRestorableTime"));
    const rapidjson::Value* at = FindMember(body, "RestoreDateTime");
    if (latest == (at != nullptr)) {
      return ValidationError(
          "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be specified, but not both");
    }
    if (at) {
      if (!at->IsNumber() || !std::isfinite(at->GetDouble()) || std::fabs(at->GetDouble()) > 1e12) {
        return SerializationError("Unexpected value type for RestoreDateTime");
      }
      q.restore_ms = std::llround(at->GetDouble() * 1000.0);
    }
    q.body = &body;
    return core::Status();
  }
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    plan.Require(ResolveTableRef(s, call, q.source).arn);
    plan.Require(s.TableArn(call, q.target));
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(RestoreTableToPointInTime);

core::Status RestoreTableToPointInTimeOp::Execute(Service& s, const kms::CallContext& call, Request& q,
                                                  JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, PitrSourceTable(s, call, q.source, *q.body));
  RestoreSource source;
  {
    std::shared_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return SourceTableNotFound(q.source);
    if (!table->state.pitr.enabled) return PointInTimeRecoveryUnavailable(table->name);
    ASSIGN_OR_RETURN(int64_t floor_ms, s.store().DdbHistoryFloor(table->table_id));
    const RestoreWindow window = PitrWindow(table->state.pitr, floor_ms, s.NowMillis());
    const int64_t at_ms = q.restore_ms.value_or(window.latest_ms);
    if (at_ms < window.earliest_ms || at_ms > window.latest_ms) return InvalidRestoreTime();
    // The keys in force at the restore point open its data key.
    ASSIGN_OR_RETURN(TableKeys keys, KeysAt(s, *table, at_ms));
    source = RestoreSource{table->name, table->account, table->region, table->arn, std::move(keys),
                           table->definition, "", at_ms, SettledIndexes(table->state.indexes, false)};
  }
  const std::string table_id = table->table_id;
  auto write = [&](const store::DdbTableRow& row, const core::SecretBytes& data_key, Table& target) -> core::Status {
    ASSIGN_OR_RETURN(std::vector<store::DdbItemRow> items, s.store().LoadDdbItemsAt(table_id, source.restore_ms));
    int64_t count = 0, size = 0;
    for (const store::DdbItemRow& item : items) {
      auto json = crypto::AesGcmOpen(data_key, item.sealed, item.row_id);
      if (!json.ok()) return InternalServerError("A recorded item of table " + source.table_name + " does not open.");
      rapidjson::Document doc;
      doc.Parse(json->Reveal().data(), json->size());
      if (doc.HasParseError() || !doc.IsObject()) return InternalServerError("A recorded item is malformed.");
      ++count;
      size += ItemSizeBytes(doc);
    }
    RETURN_IF_ERROR(s.store().CreateDdbTableWithItems(row, items));
    target.item_count = count;
    target.size_bytes = size;
    return core::Status();
  };
  return RestoreTable(s, call, *q.body, q.target, source, write, out);
}

}  // namespace kmslab::ddb::ops
