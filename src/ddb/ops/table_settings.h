// The parts of CreateTable and UpdateTable that set a table's settings
// (ddb/table_settings.h), for ops/tables.cc.
#ifndef KMSLAB_DDB_OPS_TABLE_SETTINGS_H_
#define KMSLAB_DDB_OPS_TABLE_SETTINGS_H_

#include "ddb/ops/common.h"
#include "ddb/table_settings.h"

namespace kmslab::ddb::ops {

// CreateTable's DeletionProtectionEnabled, TableClass and Tags.
core::StatusOr<TableSettings> ReadCreateTableSettings(const rapidjson::Value& request, int64_t now_ms);
// CreateTable's Tags member: when present, the call also needs
// dynamodb:TagResource on the new table's ARN (as AWS asks).
void RequireCreateTableTags(const rapidjson::Value& request, const std::string& table_arn, Plan& plan);
// True when UpdateTable changes DeletionProtectionEnabled, TableClass,
// BillingMode or ProvisionedThroughput (and no SSESpecification, whose own
// rules answer a mixed request).
bool IsSettingsUpdate(const rapidjson::Value& request);
// That UpdateTable: DeletionProtectionEnabled alone in its call, TableClass
// with its quota, the billing mode; the response's TableDescription.
core::Status UpdateTableSettings(Service& s, const kms::CallContext& call, const TableRequest& q, JsonWriter& out);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_TABLE_SETTINGS_H_
