#include "ddb/trail_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <vector>

namespace kmslab::ddb {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::array<std::string_view, 13> kDataOperations = {
    "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "DeleteItem",         "ExecuteStatement",
    "ExecuteTransaction",    "GetItem",      "PutItem",        "Query",              "Scan",
    "TransactGetItems",      "TransactWriteItems", "UpdateItem"};

// Members that carry attribute values other than keys: never logged.
constexpr std::array<std::string_view, 6> kValueMembers = {
    "ExpressionAttributeValues", "Expected", "AttributeUpdates", "ScanFilter", "QueryFilter", "KeyConditions"};

// Members holding a key: logged with each AttributeValue unwrapped.
bool IsKeyMember(std::string_view name) { return name == "Key" || name == "ExclusiveStartKey"; }

void WriteName(Writer& w, std::string_view name) {
  std::string camel(name);
  if (!camel.empty() && camel[0] >= 'A' && camel[0] <= 'Z') camel[0] = static_cast<char>(camel[0] - 'A' + 'a');
  w.Key(camel.data(), static_cast<rapidjson::SizeType>(camel.size()));
}

// {"pk": {"S": "a"}} as {"pk": "a"}: each attribute's one typed value.
void WriteUnwrappedKey(Writer& w, const rapidjson::Value& key) {
  w.StartObject();
  for (const auto& m : key.GetObject()) {
    w.Key(m.name.GetString(), m.name.GetStringLength());
    if (m.value.IsObject() && m.value.MemberCount() == 1) {
      m.value.MemberBegin()->value.Accept(w);
    } else {
      w.Null();
    }
  }
  w.EndObject();
}

// An item as the names of its attributes.
void WriteAttributeNames(Writer& w, const rapidjson::Value& item) {
  w.StartArray();
  for (const auto& m : item.GetObject()) w.String(m.name.GetString(), m.name.GetStringLength());
  w.EndArray();
}

// The tables a request names: TableName (or TargetTableName), or each
// transaction action's TableName.
std::vector<std::string> NamedTables(const rapidjson::Value& request) {
  std::vector<std::string> names;
  for (const char* member : {"TableName", "TargetTableName"}) {
    auto it = request.FindMember(member);
    if (it == request.MemberEnd() || !it->value.IsString()) continue;
    names.emplace_back(it->value.GetString(), it->value.GetStringLength());
    return names;
  }
  auto items = request.FindMember("TransactItems");
  if (items == request.MemberEnd() || !items->value.IsArray()) return names;
  for (const auto& entry : items->value.GetArray()) {
    if (!entry.IsObject()) continue;
    for (const auto& action : entry.GetObject()) {
      if (!action.value.IsObject()) continue;
      auto table = action.value.FindMember("TableName");
      if (table != action.value.MemberEnd() && table->value.IsString()) {
        names.emplace_back(table->value.GetString(), table->value.GetStringLength());
      }
    }
  }
  return names;
}

}  // namespace

bool IsDataEvent(std::string_view operation) {
  for (std::string_view name : kDataOperations) {
    if (name == operation) return true;
  }
  return false;
}

namespace {

void WriteRedactedMembers(Writer& w, const rapidjson::Value& request, bool in_transaction);

// TransactItems as CloudTrail logs them (section 11): requestItems, one
// object per action naming its operation, its members redacted as an item
// call's are.
void WriteRequestItems(Writer& w, const rapidjson::Value& items) {
  w.Key("requestItems");
  w.StartArray();
  for (const auto& entry : items.GetArray()) {
    if (!entry.IsObject()) continue;
    for (const auto& action : entry.GetObject()) {
      if (!action.value.IsObject()) continue;
      w.StartObject();
      w.Key("operation");
      w.String(action.name.GetString(), action.name.GetStringLength());
      WriteRedactedMembers(w, action.value, true);
      w.EndObject();
    }
  }
  w.EndArray();
}

// The members of an item call (or of one transaction action) with item
// values left out.
void WriteRedactedMembers(Writer& w, const rapidjson::Value& request, bool in_transaction) {
  for (const auto& m : request.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool values = false;
    for (std::string_view never : kValueMembers) values = values || never == name;
    if (values) continue;
    if (name == "TransactItems" && m.value.IsArray() && !in_transaction) {
      WriteRequestItems(w, m.value);
      continue;
    }
    if (name == "Item" && in_transaction) {
      w.Key("items");
    } else {
      WriteName(w, name);
    }
    if (IsKeyMember(name) && m.value.IsObject()) {
      WriteUnwrappedKey(w, m.value);
    } else if (name == "Item" && m.value.IsObject()) {
      WriteAttributeNames(w, m.value);
    } else if (m.value.IsObject() || m.value.IsArray()) {
      // Batches and PartiQL parameters hold values: the member is named, its
      // content left out.
      w.String("***(Redacted)");
    } else {
      m.value.Accept(w);
    }
  }
}

}  // namespace

std::string TrailParameters(std::string_view operation, const rapidjson::Value& request) {
  if (!request.IsObject()) return "";
  if (!IsDataEvent(operation)) return audit::ParametersJson(request);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteRedactedMembers(w, request, false);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

audit::EventInput CallEvent(std::string_view operation, const kms::CallContext& call,
                            const rapidjson::Value* request, const core::Status& status, std::string_view response) {
  audit::EventInput e;
  e.source = audit::EventSource::kDynamoDb;
  e.data_event = IsDataEvent(operation);
  e.event_name = std::string(operation);
  if (request) {
    e.request_parameters = TrailParameters(operation, *request);
    for (const std::string& table : NamedTables(*request)) {
      const std::string arn = table.starts_with("arn:") ? table
                                                         : "arn:aws:dynamodb:" + call.region + ":" +
                                                               call.caller->account + ":table/" + table;
      bool listed = false;
      for (const auto& resource : e.resources) listed = listed || resource.second == arn;
      if (!listed) e.resources.emplace_back(call.caller->account, arn);
    }
  }
  if (!e.data_event) e.response_body = std::string(response);
  if (!status.ok()) {
    e.error_code = status.aws_type();
    e.error_message = status.message();
  }
  return e;
}

}  // namespace kmslab::ddb
