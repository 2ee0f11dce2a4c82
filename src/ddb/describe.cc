// How tables and their encryption are shown (TableDescription, SSEDescription).
#include "ddb/service.h"
#include "ddb/streams.h"

#include "ddb/indexes.h"

namespace kmslab::ddb {

void WriteTime(JsonWriter& out, int64_t ms) { out.Double(static_cast<double>(ms) / 1000.0); }

void WriteKeySchema(JsonWriter& out, const TableDefinition& d) {
  out.StartArray();
  auto element = [&](const std::string& name, const char* type) {
    out.StartObject();
    out.Key("AttributeName");
    out.String(name);
    out.Key("KeyType");
    out.String(type);
    out.EndObject();
  };
  element(d.hash_name, "HASH");
  if (!d.range_name.empty()) element(d.range_name, "RANGE");
  out.EndArray();
}

void WriteSseDescription(JsonWriter& out, const TableState& s) {
  const bool kms = !s.keys.kms_key_arn.empty();
  if (!kms && !s.key_switch) return;
  out.Key("SSEDescription");
  out.StartObject();
  out.Key("Status");
  out.String(s.key_switch ? "UPDATING" : "ENABLED");
  if (kms) {
    out.Key("SSEType");
    out.String("KMS");
    out.Key("KMSMasterKeyArn");
    out.String(s.keys.kms_key_arn);
    if (s.inaccessible_ms) {
      out.Key("InaccessibleEncryptionDateTime");
      WriteTime(out, s.inaccessible_ms);
    }
  }
  out.EndObject();
}

void WriteSettingsDescription(JsonWriter& out, const TableSettings& s) {
  if (s.table_class_set_ms) {
    out.Key("TableClassSummary");
    out.StartObject();
    out.Key("TableClass");
    const std::string_view name = TableClassName(s.table_class);
    out.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    out.Key("LastUpdateDateTime");
    WriteTime(out, s.table_class_set_ms);
    out.EndObject();
  }
  WriteWarmThroughput(out, "ACTIVE");
}

void WriteWarmThroughput(JsonWriter& out, std::string_view status) {
  out.Key("WarmThroughput");
  out.StartObject();
  out.Key("ReadUnitsPerSecond");
  out.Int(12000);
  out.Key("WriteUnitsPerSecond");
  out.Int(4000);
  out.Key("Status");
  out.String(status.data(), static_cast<rapidjson::SizeType>(status.size()));
  out.EndObject();
}

void WriteTableDescription(JsonWriter& out, const Table& t, std::string_view status,
                           const std::function<void(JsonWriter&)>& extra) {
  const TableDefinition& d = t.definition;
  out.StartObject();
  out.Key("AttributeDefinitions");
  out.StartArray();
  std::vector<AttributeDefinition> attributes = d.attributes;
  for (AttributeDefinition& a : IndexAttributeDefinitions(t)) attributes.push_back(std::move(a));
  for (const AttributeDefinition& a : attributes) {
    out.StartObject();
    out.Key("AttributeName");
    out.String(a.name);
    out.Key("AttributeType");
    out.String(a.type);
    out.EndObject();
  }
  out.EndArray();
  out.Key("TableName");
  out.String(t.name);
  out.Key("KeySchema");
  WriteKeySchema(out, d);
  out.Key("TableStatus");
  if (!status.empty()) {
    out.String(status.data(), static_cast<rapidjson::SizeType>(status.size()));
  } else {
    out.String(t.state.inaccessible_ms ? "INACCESSIBLE_ENCRYPTION_CREDENTIALS" : StatusWithIndexes(t));
  }
  out.Key("CreationDateTime");
  WriteTime(out, t.created_ms);
  // UpdateTable's billing mode, else CreateTable's.
  const std::optional<Billing>& billing = t.state.settings.billing;
  const bool created_on_demand = d.billing_mode == "PAY_PER_REQUEST";
  const bool on_demand = billing ? billing->pay_per_request : created_on_demand;
  out.Key("ProvisionedThroughput");
  out.StartObject();
  out.Key("NumberOfDecreasesToday");
  out.Int(0);
  out.Key("ReadCapacityUnits");
  out.Int64(billing ? billing->read_capacity : d.read_capacity);
  out.Key("WriteCapacityUnits");
  out.Int64(billing ? billing->write_capacity : d.write_capacity);
  out.EndObject();
  out.Key("TableSizeBytes");
  out.Int64(t.size_bytes);
  out.Key("ItemCount");
  out.Int64(t.item_count);
  out.Key("TableArn");
  out.String(t.arn);
  out.Key("TableId");
  out.String(t.table_id);
  const int64_t on_demand_since = t.state.settings.pay_per_request_since_ms;
  if (on_demand || created_on_demand || on_demand_since) {
    out.Key("BillingModeSummary");
    out.StartObject();
    out.Key("BillingMode");
    out.String(on_demand ? "PAY_PER_REQUEST" : "PROVISIONED");
    if (status != "CREATING") {  // CreateTable's answer has the mode alone
      out.Key("LastUpdateToPayPerRequestDateTime");
      WriteTime(out, on_demand_since ? on_demand_since : t.created_ms);
    }
    out.EndObject();
  }
  WriteIndexDescriptions(out, t, status == "CREATING");
  out.Key("DeletionProtectionEnabled");
  out.Bool(t.state.settings.deletion_protection);
  WriteSettingsDescription(out, t.state.settings);
  WriteSseDescription(out, t.state);
  WriteTableStream(out, t);
  if (extra) extra(out);
  out.EndObject();
}

}  // namespace kmslab::ddb
