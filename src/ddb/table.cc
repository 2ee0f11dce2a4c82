#include "ddb/table.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/base64.h"
#include "ddb/attribute_value.h"
#include "ddb/resource_policies.h"

namespace kmslab::ddb {

std::string TableDefinition::TypeOf(const std::string& name) const {
  for (const AttributeDefinition& a : attributes)
    if (a.name == name) return a.type;
  return "";
}

bool SortKeyLess::operator()(const SortKey& a, const SortKey& b) const {
  if (a.type != b.type) return a.type < b.type;
  if (a.type == 'N') return CompareNumbers(a.value, b.value) < 0;
  return a.value < b.value;  // S by UTF-8 bytes; B by bytes (std::string compares as unsigned char)
}

SortKey SortKeyOf(const rapidjson::Value& av) {
  SortKey key;
  key.type = TypeOf(av)[0];
  const rapidjson::Value& v = av.MemberBegin()->value;
  std::string text(v.GetString(), v.GetStringLength());
  if (key.type == 'B') {
    core::Base64Decode(text, &key.value);
  } else {
    key.value = std::move(text);
  }
  return key;
}

ItemKey KeyOf(const TableDefinition& definition, const rapidjson::Value& item) {
  ItemKey key;
  const rapidjson::Value& hash = item[definition.hash_name.c_str()];
  key.partition = KeyBytes(hash);
  key.canonical = key.partition;
  if (!definition.range_name.empty()) {
    const rapidjson::Value& range = item[definition.range_name.c_str()];
    key.sort = SortKeyOf(range);
    key.canonical += '\0';
    key.canonical += KeyBytes(range);
  }
  return key;
}

Table::Table(std::string table_id_in, std::string account_in, std::string region_in, std::string name_in,
             int64_t created_ms_in, TableDefinition definition_in)
    : table_id(std::move(table_id_in)),
      account(std::move(account_in)),
      region(std::move(region_in)),
      name(std::move(name_in)),
      arn("arn:aws:dynamodb:" + region + ":" + account + ":table/" + name),
      created_ms(created_ms_in),
      definition(std::move(definition_in)) {}

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteKeys(Writer& w, const TableKeys& k) {
  w.StartObject();
  w.Key("kmsKeyArn");
  w.String(k.kms_key_arn);
  w.Key("grantId");
  w.String(k.grant_id);
  w.Key("tableKeyBlob");
  w.String(core::Base64Encode(k.table_key_blob));
  w.Key("sealedDataKey");
  w.String(core::Base64Encode(k.sealed_data_key));
  w.EndObject();
}

std::string Str(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}
int64_t Int(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

bool ReadKeys(const rapidjson::Value& v, TableKeys* k) {
  if (!v.IsObject()) return false;
  k->kms_key_arn = Str(v, "kmsKeyArn");
  k->grant_id = Str(v, "grantId");
  return core::Base64Decode(Str(v, "tableKeyBlob"), &k->table_key_blob) &&
         core::Base64Decode(Str(v, "sealedDataKey"), &k->sealed_data_key);
}

}  // namespace

std::string EncodeTableMeta(const TableDefinition& d, const TableState& s) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("attributes");
  w.StartArray();
  for (const AttributeDefinition& a : d.attributes) {
    w.StartArray();
    w.String(a.name);
    w.String(a.type);
    w.EndArray();
  }
  w.EndArray();
  w.Key("hash");
  w.String(d.hash_name);
  w.Key("range");
  w.String(d.range_name);
  w.Key("billingMode");
  w.String(d.billing_mode);
  w.Key("readCapacity");
  w.Int64(d.read_capacity);
  w.Key("writeCapacity");
  w.Int64(d.write_capacity);
  w.Key("keys");
  WriteKeys(w, s.keys);
  if (s.key_switch) {
    w.Key("switchTo");
    WriteKeys(w, s.key_switch->target);
    w.Key("switchCompletesMs");
    w.Int64(s.key_switch->completes_ms);
  }
  w.Key("inaccessibleMs");
  w.Int64(s.inaccessible_ms);
  w.Key("inaccessibleType");
  w.String(s.inaccessible_type);
  w.Key("inaccessibleMessage");
  w.String(s.inaccessible_message);
  w.Key("nextCheckMs");
  w.Int64(s.next_check_ms);
  w.Key("sseChangesMs");
  w.StartArray();
  for (int64_t t : s.sse_changes_ms) w.Int64(t);
  w.EndArray();
  WriteTtlMeta(w, s.ttl);
  WriteSettingsMeta(w, s.settings);
  if (s.pitr.enabled) {
    w.Key("pitrPeriodDays");
    w.Int64(s.pitr.period_days);
    w.Key("pitrEnabledMs");
    w.Int64(s.pitr.enabled_ms);
  }
  WriteResourcePolicies(w, s);
  if (s.indexes && !s.indexes->empty()) {
    w.Key("indexes");
    WriteIndexSchemas(w, *s.indexes);
  }
  w.Key("stream");
  w.StartObject();
  w.Key("enabled");
  w.Bool(s.stream.enabled);
  w.Key("viewType");
  w.Int(static_cast<int>(s.stream.view_type));
  w.Key("label");
  w.String(s.stream.latest_label);
  w.EndObject();
  if (!s.replica_regions.empty() || s.replica_ready_ms) {
    w.Key("replicaRegions");
    w.StartArray();
    for (const std::string& region : s.replica_regions) w.String(region);
    w.EndArray();
    w.Key("replicaReadyMs");
    w.Int64(s.replica_ready_ms);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

core::Status DecodeTableMeta(const std::string& json, TableDefinition* d, TableState* s) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  const core::Status bad = core::DataLoss("stored table metadata is malformed");
  if (doc.HasParseError() || !doc.IsObject()) return bad;
  auto attrs = doc.FindMember("attributes");
  if (attrs == doc.MemberEnd() || !attrs->value.IsArray()) return bad;
  for (const auto& a : attrs->value.GetArray()) {
    if (!a.IsArray() || a.Size() != 2 || !a[0].IsString() || !a[1].IsString()) return bad;
    d->attributes.push_back({a[0].GetString(), a[1].GetString()});
  }
  d->hash_name = Str(doc, "hash");
  d->range_name = Str(doc, "range");
  d->billing_mode = Str(doc, "billingMode");
  d->read_capacity = Int(doc, "readCapacity");
  d->write_capacity = Int(doc, "writeCapacity");
  auto keys = doc.FindMember("keys");
  if (keys == doc.MemberEnd() || !ReadKeys(keys->value, &s->keys)) return bad;
  auto target = doc.FindMember("switchTo");
  if (target != doc.MemberEnd()) {
    KeySwitch change;
    if (!ReadKeys(target->value, &change.target)) return bad;
    change.completes_ms = Int(doc, "switchCompletesMs");
    s->key_switch = std::move(change);
  }
  s->inaccessible_ms = Int(doc, "inaccessibleMs");
  s->inaccessible_type = Str(doc, "inaccessibleType");
  s->inaccessible_message = Str(doc, "inaccessibleMessage");
  s->next_check_ms = Int(doc, "nextCheckMs");
  auto changes = doc.FindMember("sseChangesMs");
  if (changes != doc.MemberEnd() && changes->value.IsArray()) {
    for (const auto& t : changes->value.GetArray())
      if (t.IsInt64()) s->sse_changes_ms.push_back(t.GetInt64());
  }
  ReadTtlMeta(doc, &s->ttl);
  ReadSettingsMeta(doc, &s->settings);
  if (doc.HasMember("pitrEnabledMs")) {
    s->pitr.enabled = true;
    s->pitr.period_days = Int(doc, "pitrPeriodDays");
    s->pitr.enabled_ms = Int(doc, "pitrEnabledMs");
    if (s->pitr.period_days < 1 || s->pitr.period_days > 35) return bad;
  }
  if (!ReadResourcePolicies(doc, s)) return bad;
  auto indexes = doc.FindMember("indexes");
  if (indexes != doc.MemberEnd()) {
    std::vector<IndexSchema> list;
    if (!ReadIndexSchemas(indexes->value, &list)) return bad;
    s->indexes = std::make_shared<const std::vector<IndexSchema>>(std::move(list));
  }
  auto stream = doc.FindMember("stream");
  if (stream != doc.MemberEnd() && stream->value.IsObject()) {
    auto enabled = stream->value.FindMember("enabled");
    s->stream.enabled = enabled != stream->value.MemberEnd() && enabled->value.IsTrue();
    const int64_t view = Int(stream->value, "viewType");
    if (view < 0 || view > static_cast<int64_t>(StreamViewType::kNewAndOldImages)) return bad;
    s->stream.view_type = static_cast<StreamViewType>(view);
    s->stream.latest_label = Str(stream->value, "label");
  }
  auto regions = doc.FindMember("replicaRegions");
  if (regions != doc.MemberEnd() && regions->value.IsArray()) {
    for (const auto& r : regions->value.GetArray())
      if (r.IsString()) s->replica_regions.push_back(r.GetString());
  }
  s->replica_ready_ms = Int(doc, "replicaReadyMs");
  return d->hash_name.empty() ? bad : core::Status();
}

}  // namespace kmslab::ddb
