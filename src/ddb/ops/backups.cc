// CreateBackup, DescribeBackup, ListBackups, DeleteBackup, RestoreTableFromBackup,
// and how a backup is kept in the store.
#include <mutex>

#include "core/random.h"
#include "core/strings.h"
#include "ddb/indexes.h"
#include "ddb/operations.h"
#include "ddb/ops/common.h"
#include "ddb/restore.h"

namespace kmslab::ddb {

store::DdbBackupRow EncodeBackup(const Backup& b) {
  TableState state;
  state.keys = b.keys;
  state.indexes = b.indexes;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("name");
  w.String(b.name);
  w.Key("tableId");
  w.String(b.table_id);
  w.Key("tableCreatedMs");
  w.Int64(b.table_created_ms);
  w.Key("itemCount");
  w.Int64(b.item_count);
  w.Key("sizeBytes");
  w.Int64(b.size_bytes);
  w.Key("table");
  const std::string table_meta = EncodeTableMeta(b.definition, state);
  w.RawValue(table_meta.data(), table_meta.size(), rapidjson::kObjectType);
  if (b.type == BackupType::kSystem) {
    w.Key("type");
    w.String("SYSTEM");
  }
  w.EndObject();
  return {b.arn, b.account, b.region, b.table_name, b.created_ms, std::string(buffer.GetString(), buffer.GetSize())};
}

core::StatusOr<Backup> DecodeBackup(const store::DdbBackupRow& row) {
  rapidjson::Document doc;
  doc.Parse(row.meta.data(), row.meta.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("table") || !doc["name"].IsString() ||
      !doc["tableId"].IsString() || !doc["tableCreatedMs"].IsInt64() || !doc["itemCount"].IsInt64() ||
      !doc["sizeBytes"].IsInt64()) {
    return core::DataLoss("stored backup metadata is malformed");
  }
  Backup b;
  b.arn = row.backup_arn;
  b.account = row.account;
  b.region = row.region;
  b.table_name = row.table_name;
  b.created_ms = row.created_ms;
  b.name = doc["name"].GetString();
  b.table_id = doc["tableId"].GetString();
  b.table_arn = "arn:aws:dynamodb:" + row.region + ":" + row.account + ":table/" + row.table_name;
  b.table_created_ms = doc["tableCreatedMs"].GetInt64();
  b.item_count = doc["itemCount"].GetInt64();
  b.size_bytes = doc["sizeBytes"].GetInt64();
  TableState state;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc["table"].Accept(w);
  RETURN_IF_ERROR(DecodeTableMeta(std::string(buffer.GetString(), buffer.GetSize()), &b.definition, &state));
  b.keys = std::move(state.keys);
  if (auto type = doc.FindMember("type"); type != doc.MemberEnd()) {
    if (!type->value.IsString() || std::string_view(type->value.GetString()) != "SYSTEM") {
      return core::DataLoss("stored backup metadata is malformed");
    }
    b.type = BackupType::kSystem;
  }
  b.indexes = std::move(state.indexes);
  return b;
}

namespace ops {

namespace {

// A SYSTEM backup expires this long after it was made.
constexpr int64_t kSystemBackupDays = 35;

int64_t ExpiresMs(const Backup& b) { return b.created_ms + kSystemBackupDays * 24 * 3600 * 1000; }

// A SYSTEM backup past its expiry is gone (and is removed when next named).
bool Expired(const Backup& b, int64_t now) { return b.type == BackupType::kSystem && ExpiresMs(b) <= now; }

// The members BackupDetails and a ListBackups summary share.
void WriteBackupMembers(JsonWriter& out, const Backup& b, const char* status) {
  out.Key("BackupArn");
  out.String(b.arn);
  out.Key("BackupName");
  out.String(b.name);
  out.Key("BackupSizeBytes");
  out.Int64(b.size_bytes);
  out.Key("BackupStatus");
  out.String(status);
  out.Key("BackupType");
  out.String(b.type == BackupType::kSystem ? "SYSTEM" : "USER");
  out.Key("BackupCreationDateTime");
  WriteTime(out, b.created_ms);
  if (b.type == BackupType::kSystem) {
    out.Key("BackupExpiryDateTime");
    WriteTime(out, ExpiresMs(b));
  }
}

void WriteBackupDetails(JsonWriter& out, const Backup& b, const char* status) {
  out.StartObject();
  WriteBackupMembers(out, b, status);
  out.EndObject();
}

void WriteBackupDescription(JsonWriter& out, const Backup& b, const char* status) {
  out.StartObject();
  out.Key("BackupDescription");
  out.StartObject();
  out.Key("BackupDetails");
  WriteBackupDetails(out, b, status);
  out.Key("SourceTableDetails");
  out.StartObject();
  out.Key("TableName");
  out.String(b.table_name);
  out.Key("TableId");
  out.String(b.table_id);
  out.Key("TableArn");
  out.String(b.table_arn);
  out.Key("TableSizeBytes");
  out.Int64(b.size_bytes);
  out.Key("KeySchema");
  WriteKeySchema(out, b.definition);
  out.Key("TableCreationDateTime");
  WriteTime(out, b.table_created_ms);
  out.Key("ProvisionedThroughput");
  out.StartObject();
  out.Key("ReadCapacityUnits");
  out.Int64(b.definition.read_capacity);
  out.Key("WriteCapacityUnits");
  out.Int64(b.definition.write_capacity);
  out.EndObject();
  out.Key("ItemCount");
  out.Int64(b.item_count);
  out.Key("BillingMode");
  out.String(b.definition.billing_mode);
  out.EndObject();
  out.Key("SourceTableFeatureDetails");
  out.StartObject();
  TableState state;
  state.keys = b.keys;
  WriteSseDescription(out, state);
  out.EndObject();
  out.EndObject();
  out.EndObject();
}

core::StatusOr<std::shared_ptr<const Backup>> FindBackupFor(Service& s, const kms::CallContext& call,
                                                            const std::string& arn) {
  std::shared_ptr<const Backup> backup = s.FindBackup(arn);
  if (!backup || backup->account != call.caller->account || backup->region != call.region) return BackupNotFound(arn);
  if (Expired(*backup, s.NowMillis())) {
    RETURN_IF_ERROR(s.store().DeleteDdbBackup(backup->arn));
    s.RemoveBackup(backup->arn);
    return BackupNotFound(arn);
  }
  return backup;
}

// The request of an operation on one backup named by BackupArn.
struct BackupRequest {
  std::string arn;
  const rapidjson::Value* body = nullptr;
};

// The pipeline stages of an operation on one backup, authorized as
// dynamodb:<kName> on the backup's ARN.
struct OneBackupOp {
  using Request = BackupRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.arn, RequiredString(body, "BackupArn", "backupArn"));
    q.body = &body;
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request& q, Plan& plan) {
    plan.Require(q.arn);
    return core::Status();
  }
};

}  // namespace

struct CreateBackupOp : OneTableOp {
  static constexpr const char* kName = "CreateBackup";
  struct Request : TableRequest {
    std::string backup_name;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    RETURN_IF_ERROR(ReadTableRequest(body, q));
    ASSIGN_OR_RETURN(q.backup_name, RequiredName(body, "BackupName", "backupName"));
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(CreateBackup);

core::Status CreateBackupOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const std::string& name = q.table;
  const std::string& backup_name = q.backup_name;
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return TableNotFound(name);
  const int64_t now = s.NowMillis();
  std::shared_ptr<const Backup> backup;
  {
    // Writers wait while the backup is taken: it is the table as of now.
    std::unique_lock<std::shared_mutex> lock(table->mu);
    if (table->deleted) return TableNotFound(name);
    if (table->state.inaccessible_ms) return InaccessibleError(table->state);
    ASSIGN_OR_RETURN(backup, KeepBackup(s, *table, backup_name, BackupType::kUser, now));
  }
  out.StartObject();
  out.Key("BackupDetails");
  WriteBackupDetails(out, *backup, "CREATING");
  out.EndObject();
  return core::Status();
}

struct DescribeBackupOp : OneBackupOp {
  static constexpr const char* kName = "DescribeBackup";
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Backup> backup, FindBackupFor(s, call, q.arn));
    WriteBackupDescription(out, *backup, "AVAILABLE");
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(DescribeBackup);

struct DeleteBackupOp : OneBackupOp {
  static constexpr const char* kName = "DeleteBackup";
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Backup> backup, FindBackupFor(s, call, q.arn));
    RETURN_IF_ERROR(s.store().DeleteDdbBackup(backup->arn));
    s.RemoveBackup(backup->arn);
    WriteBackupDescription(out, *backup, "DELETED");
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(DeleteBackup);

struct ListBackupsOp {
  static constexpr const char* kName = "ListBackups";
  struct Request {
    std::optional<std::string> table_name, start;
    int64_t limit = 100;
    bool user = true, system = false;  // BackupType: USER (the default), SYSTEM or ALL
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.table_name, OptionalString(body, "TableName"));
    ASSIGN_OR_RETURN(q.start, OptionalString(body, "ExclusiveStartBackupArn"));
    if (const rapidjson::Value* v = FindMember(body, "Limit")) {
      if (!v->IsInt64() || v->GetInt64() < 1 || v->GetInt64() > 100) {
        return ValidationError("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member "
                               "must have value less than or equal to 100 and greater than or equal to 1");
      }
      q.limit = v->GetInt64();
    }
    ASSIGN_OR_RETURN(std::optional<std::string> type, OptionalString(body, "BackupType"));
    if (type && *type != "USER" && *type != "SYSTEM" && *type != "ALL" && *type != "AWS_BACKUP") {
      return ValidationError("1 validation error detected: Value '" + *type +
                             "' at 'backupType' failed to satisfy constraint: Member must satisfy enum value set: "
                             "[USER, SYSTEM, AWS_BACKUP, ALL]");
    }
    if (type) {
      q.user = *type == "USER" || *type == "ALL";
      q.system = *type == "SYSTEM" || *type == "ALL";
    }
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request&, Plan& plan) {
    plan.Require("*");
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(ListBackups);

core::Status ListBackupsOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  const std::optional<std::string>& table_name = q.table_name;
  const std::optional<std::string>& start = q.start;
  const int64_t limit = q.limit;
  std::vector<std::shared_ptr<const Backup>> backups;
  for (auto& b : s.ListBackups(call)) {
    if (!(b->type == BackupType::kSystem ? q.system : q.user) || Expired(*b, s.NowMillis())) continue;
    if ((!table_name || b->table_name == *table_name) && (!start || b->arn > *start)) backups.push_back(b);
  }
  out.StartObject();
  out.Key("BackupSummaries");
  out.StartArray();
  const size_t n = std::min(backups.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < n; ++i) {
    const Backup& b = *backups[i];
    out.StartObject();
    out.Key("TableName");
    out.String(b.table_name);
    out.Key("TableId");
    out.String(b.table_id);
    out.Key("TableArn");
    out.String(b.table_arn);
    WriteBackupMembers(out, b, "AVAILABLE");
    out.EndObject();
  }
  out.EndArray();
  if (n < backups.size()) {
    out.Key("LastEvaluatedBackupArn");
    out.String(backups[n - 1]->arn);
  }
  out.EndObject();
  return core::Status();
}

// Authorized on the backup and on the table it creates.
struct RestoreTableFromBackupOp {
  static constexpr const char* kName = "RestoreTableFromBackup";
  struct Request {
    std::string target, arn;
    const rapidjson::Value* body = nullptr;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.target, ReadRestoreTarget(body, kName));
    ASSIGN_OR_RETURN(q.arn, RequiredString(body, "BackupArn", "backupArn"));
    q.body = &body;
    return core::Status();
  }
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    plan.Require(q.arn);
    plan.Require(s.TableArn(call, q.target));
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(RestoreTableFromBackup);

core::Status RestoreTableFromBackupOp::Execute(Service& s, const kms::CallContext& call, Request& q,
                                               JsonWriter& out) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Backup> backup, FindBackupFor(s, call, q.arn));
  RestoreSource source{backup->table_name, backup->account,    backup->region, backup->table_arn,
                       backup->keys,       backup->definition, backup->arn,    s.NowMillis(),
                       backup->indexes};
  auto write = [&](const store::DdbTableRow& row, const core::SecretBytes&, Table& table) {
    table.item_count = backup->item_count;
    table.size_bytes = backup->size_bytes;
    return s.store().RestoreDdbTable(row, backup->arn);
  };
  return RestoreTable(s, call, *q.body, q.target, source, write, out);
}

}  // namespace ops
}  // namespace kmslab::ddb
