// How tables and their encryption are shown (TableDescription, SSEDescription).
#include "ddb/service.h"
#include "ddb/streams.h"

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

void WriteTableDescription(JsonWriter& out, const Table& t, std::string_view status,
                           const std::function<void(JsonWriter&)>& extra) {
  const TableDefinition& d = t.definition;
  out.StartObject();
  out.Key("AttributeDefinitions");
  out.StartArray();
  for (const AttributeDefinition& a : d.attributes) {
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
    out.String(t.state.inaccessible_ms ? "INACCESSIBLE_ENCRYPTION_CREDENTIALS" : "ACTIVE");
  }
  out.Key("CreationDateTime");
  WriteTime(out, t.created_ms);
  out.Key("ProvisionedThroughput");
  out.StartObject();
  out.Key("NumberOfDecreasesToday");
  out.Int(0);
  out.Key("ReadCapacityUnits");
  out.Int64(d.read_capacity);
  out.Key("WriteCapacityUnits");
  out.Int64(d.write_capacity);
  out.EndObject();
  out.Key("TableSizeBytes");
  out.Int64(t.size_bytes);
  out.Key("ItemCount");
  out.Int64(t.item_count);
  out.Key("TableArn");
  out.String(t.arn);
  out.Key("TableId");
  out.String(t.table_id);
  if (d.billing_mode == "PAY_PER_REQUEST") {
    out.Key("BillingModeSummary");
    out.StartObject();
    out.Key("BillingMode");
    out.String(d.billing_mode);
    out.Key("LastUpdateToPayPerRequestDateTime");
    WriteTime(out, t.created_ms);
    out.EndObject();
  }
  out.Key("DeletionProtectionEnabled");
  out.Bool(false);
  WriteSseDescription(out, t.state);
  WriteTableStream(out, t);
  if (extra) extra(out);
  out.EndObject();
}

}  // namespace kmslab::ddb
