#include "ddb/service.h"

#include "ddb/trail_event.h"

#include <rapidjson/error/en.h>

#include "core/json_members.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "ddb/errors.h"
#include "ddb/operations.h"
#include "ddb/resource_policies.h"
#include "ddb/streams.h"
#include "ddb/table_stats.h"

namespace kmslab::ddb {

OperationFn FindOperation(std::string_view name) {
#define KMSLAB_ENTRY(op) {#op, ops::op},
  static const std::map<std::string_view, OperationFn> kOperations = {KMSLAB_DDB_OPERATIONS(KMSLAB_ENTRY)};
#undef KMSLAB_ENTRY
  auto it = kOperations.find(name);
  return it == kOperations.end() ? nullptr : it->second;
}

OperationFn FindStreamsOperation(std::string_view name) {
#define KMSLAB_ENTRY(op) {#op, ops::op},
  static const std::map<std::string_view, OperationFn> kOperations = {KMSLAB_DDB_STREAMS_OPERATIONS(KMSLAB_ENTRY)};
#undef KMSLAB_ENTRY
  auto it = kOperations.find(name);
  return it == kOperations.end() ? nullptr : it->second;
}

Service::Service(store::Store* store, kms::Service* kms, const core::Clock* clock, core::SecretBytes owned_key,
                 Options options)
    : store_(store),
      kms_service_(kms),
      bridge_(kms),
      clock_(clock),
      owned_key_(std::move(owned_key)),
      options_(options),
      streams_(std::make_shared<Streams>()) {}

core::Status Service::Load() {
  ASSIGN_OR_RETURN(std::vector<store::DdbTableRow> rows, store_->LoadDdbTables());
  ASSIGN_OR_RETURN(auto stats, store_->LoadDdbTableStats());
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (const store::DdbTableRow& row : rows) {
    TableDefinition definition;
    TableState state;
    RETURN_IF_ERROR(DecodeTableMeta(row.meta, &definition, &state));
    auto table = std::make_shared<Table>(row.table_id, row.account, row.region, row.name, row.created_ms,
                                         std::move(definition));
    table->state = std::move(state);
    if (auto found = stats.find(row.table_id); found != stats.end()) {
      std::unique_lock<std::shared_mutex> table_lock(table->mu);
      ApplyStoredStats(*table, found->second);
    }
    tables_[TableIndex(row.account, row.region, row.name)] = std::move(table);
  }
  ASSIGN_OR_RETURN(std::vector<store::DdbBackupRow> backup_rows, store_->LoadDdbBackups());
  for (const store::DdbBackupRow& row : backup_rows) {
    ASSIGN_OR_RETURN(Backup backup, DecodeBackup(row));
    backups_[row.backup_arn] = std::make_shared<const Backup>(std::move(backup));
  }
  next_due_ms_ = 0;
  lock.unlock();
  ASSIGN_OR_RETURN(std::vector<store::DdbReplicaChangeRow> replica_changes, store_->LoadDdbReplicaChanges());
  replication_.Load(std::move(replica_changes));
  return streams_->Load(*store_);
}

void Service::Reset() {
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (auto& [index, table] : tables_) {
    std::unique_lock<std::shared_mutex> table_lock(table->mu);
    table->deleted = true;
  }
  tables_.clear();
  backups_.clear();
  transaction_tokens_.Clear();
  streams_->Clear();
  lock.unlock();
  replication_.Reset();
}

Reply Service::Handle(std::string_view operation, std::string_view body, const kms::CallContext& call, Api api) {
  RunDueWork();
  kms::AuditSink* audit = kms_service_->audit_sink();
  const bool audited = audit && (options_.data_events || !IsDataEvent(operation));
  rapidjson::Document request;
  Plan plan(operation);
  plan.record_outcomes = audited;
  Reply reply = Run(operation, body, call, request, plan, api);
  replication_.Drain(*this);  // global tables: the request's changes reach the other replicas
  if (audited) {
    const bool decoded = request.IsObject();
    audit->RecordCall(call, CallEvent(operation, call, decoded ? &request : nullptr, reply.status, reply.body),
                      plan.outcomes);
  }
  return reply;
}

Reply Service::Run(std::string_view operation, std::string_view body, const kms::CallContext& call,
                   rapidjson::Document& request, Plan& plan, Api api) {
  const OperationFn fn = api == Api::kStreams ? FindStreamsOperation(operation) : FindOperation(operation);
  if (!fn) {
    return {core::Status(core::Code::kNotFound, "An unknown operation was requested.", "UnknownOperationException"),
            ""};
  }
  if (body.empty()) {
    request.SetObject();
  } else {
    if (core::Status text = core::CheckJsonText(body); !text.ok()) {
      return {SerializationError("The request body is not valid JSON: " + text.message()), ""};
    }
    request.Parse(body.data(), body.size());
    if (request.HasParseError()) {
      return {SerializationError(std::string("Start of structure or map found where not expected: ") +
                                 rapidjson::GetParseError_En(request.GetParseError())),
              ""};
    }
    if (!request.IsObject()) return {SerializationError("Start of structure or map expected"), ""};
    core::KeepLastMembers(request, request.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  core::Status status = fn(*this, call, request, plan, out);
  if (!status.ok()) return {std::move(status), ""};
  return {core::Status(), buffer.GetSize() ? std::string(buffer.GetString(), buffer.GetSize()) : "{}"};
}

core::Status Service::Authorize(const kms::CallContext& call, Plan& plan) const {
  for (kms::AuthzCheck& check : plan.checks) {
    AttachResourcePolicy(*this, check);
    kms::AuthzOutcome* outcome = plan.record_outcomes ? &plan.outcomes.emplace_back() : nullptr;
    RETURN_IF_ERROR(kms_service_->authorizer().Authorize(call, check, outcome));
  }
  return core::Status();
}

std::string Service::TableIndex(const std::string& account, const std::string& region, const std::string& name) {
  return account + "|" + region + "|" + name;
}

std::string Service::TableArn(const kms::CallContext& call, const std::string& name) const {
  return "arn:aws:dynamodb:" + call.region + ":" + call.caller->account + ":table/" + name;
}

std::shared_ptr<Table> Service::FindTable(const kms::CallContext& call, const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = tables_.find(TableIndex(call.caller->account, call.region, name));
  return it == tables_.end() ? nullptr : it->second;
}

std::shared_ptr<Table> Service::FindTableById(const std::string& table_id) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [index, table] : tables_) {
    if (table->table_id == table_id) return table;
  }
  return nullptr;
}

std::shared_ptr<Table> Service::FindTableIn(const std::string& account, const std::string& region,
                                            const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = tables_.find(TableIndex(account, region, name));
  return it == tables_.end() ? nullptr : it->second;
}

bool Service::Allows(const kms::CallContext& call, const kms::AuthzCheck& check) const {
  return kms_service_->authorizer().Allows(call, check);
}

std::vector<std::shared_ptr<Table>> Service::ListTables(const kms::CallContext& call) const {
  const std::string prefix = TableIndex(call.caller->account, call.region, "");
  std::vector<std::shared_ptr<Table>> tables;
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (auto it = tables_.lower_bound(prefix); it != tables_.end() && it->first.starts_with(prefix); ++it) {
    tables.push_back(it->second);
  }
  return tables;
}

core::Status Service::AddTable(const std::shared_ptr<Table>& table) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto [it, added] = tables_.emplace(TableIndex(table->account, table->region, table->name), table);
  if (!added) return ResourceInUse("Table already exists: " + table->name);
  lock.unlock();
  ScheduleWork(0);
  return core::Status();
}

void Service::RemoveTable(const Table& table) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = tables_.find(TableIndex(table.account, table.region, table.name));
  if (it != tables_.end() && it->second.get() == &table) tables_.erase(it);
}

std::shared_ptr<const Backup> Service::FindBackup(const std::string& arn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = backups_.find(arn);
  return it == backups_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Backup>> Service::ListBackups(const kms::CallContext& call) const {
  std::vector<std::shared_ptr<const Backup>> list;
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [arn, backup] : backups_)
    if (backup->account == call.caller->account && backup->region == call.region) list.push_back(backup);
  return list;
}

void Service::PutBackup(std::shared_ptr<const Backup> backup) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  backups_[backup->arn] = std::move(backup);
}

void Service::RemoveBackup(const std::string& arn) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  backups_.erase(arn);
}

const rapidjson::Value* FindMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

core::StatusOr<SseChoice> ReadSseSpecification(const rapidjson::Value& spec, std::string_view path) {
  if (!spec.IsObject()) return SerializationError("Start of structure or map expected for " + std::string(path));
  const rapidjson::Value* enabled = FindMember(spec, "Enabled");
  const rapidjson::Value* type = FindMember(spec, "SSEType");
  const rapidjson::Value* key = FindMember(spec, "KMSMasterKeyId");
  if ((enabled && !enabled->IsBool()) || (type && !type->IsString()) || (key && !key->IsString())) {
    return SerializationError("Unexpected value type in " + std::string(path));
  }
  const std::string type_value = type ? type->GetString() : "";
  if (type && type_value != "AES256" && type_value != "KMS") {
    return ValidationError("1 validation error detected: Value '" + type_value + "' at '" + std::string(path) +
                           ".sSEType' failed to satisfy constraint: Member must satisfy enum value set: [AES256, KMS]");
  }
  const std::string invalid = "One or more parameter values were invalid: ";
  SseChoice choice;
  if (enabled && !enabled->GetBool()) {
    if (type) return ValidationError(invalid + "SSEType can not be specified if Enabled is false");
    if (key) return ValidationError(invalid + "KMSMasterKeyId can not be specified if Enabled is false");
    return choice;
  }
  if (type_value == "AES256") return ValidationError(invalid + "SSEType AES256 is not supported");
  if (key && !type) return ValidationError(invalid + "SSEType KMS is required if KMSMasterKeyId is specified");
  if (!enabled && !type) return choice;  // {}: the AWS owned key
  choice.kind = SseChoice::kKms;
  choice.key_id = key ? key->GetString() : "alias/aws/dynamodb";
  return choice;
}

}  // namespace kmslab::ddb
