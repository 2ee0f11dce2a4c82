#include "ddb/trail_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

#include "ddb/partiql.h"

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

void WriteRequestItems(Writer& w, const rapidjson::Value& items);

// Where an object sits in a data call's request: batches nest a fixed two
// levels below it (RequestItems entries, then Put/DeleteRequest), no deeper.
enum class Level { kRequest, kBatchEntry, kWriteRequest };

// The members of an object at `level`, each as above; any other structure is
// named with its content left out.
void WriteRedactedMembers(Writer& w, const rapidjson::Value& object, Level level) {
  for (const auto& m : object.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool values = false;
    for (std::string_view never : kValueMembers) values = values || never == name;
    if (values) continue;
    WriteName(w, name);
    if (IsKeyMember(name) && m.value.IsObject()) {
      WriteUnwrappedKey(w, m.value);
    } else if (name == "Item" && m.value.IsObject()) {
      WriteAttributeNames(w, m.value);
    } else if (level == Level::kBatchEntry && name == "Keys" && m.value.IsArray()) {
      w.StartArray();
      for (const rapidjson::Value& key : m.value.GetArray()) {
        if (key.IsObject()) {
          WriteUnwrappedKey(w, key);
        } else {
          w.Null();
        }
      }
      w.EndArray();
    } else if (level == Level::kBatchEntry && (name == "PutRequest" || name == "DeleteRequest") &&
               m.value.IsObject()) {
      w.StartObject();
      WriteRedactedMembers(w, m.value, Level::kWriteRequest);
      w.EndObject();
    } else if (level == Level::kRequest && name == "RequestItems" && m.value.IsObject()) {
      WriteRequestItems(w, m.value);
    } else if (name == "Statement" && m.value.IsString()) {
      // PartiQL: the statement's shape, its literal values redacted.
      const std::string redacted = partiql::Redact({m.value.GetString(), m.value.GetStringLength()});
      w.String(redacted.data(), static_cast<rapidjson::SizeType>(redacted.size()));
    } else if (level == Level::kRequest && name == "Statements" && m.value.IsArray()) {
      // BatchExecuteStatement: each entry as a batch entry (Parameters redacted).
      w.StartArray();
      for (const rapidjson::Value& entry : m.value.GetArray()) {
        if (entry.IsObject()) {
          w.StartObject();
          WriteRedactedMembers(w, entry, Level::kBatchEntry);
          w.EndObject();
        } else {
          w.Null();
        }
      }
      w.EndArray();
    } else if (m.value.IsObject() || m.value.IsArray()) {
      // Transactions and PartiQL parameters hold values: the member is
      // named, its content left out.
      w.String("***(Redacted)");
    } else {
      m.value.Accept(w);
    }
  }
}

// A batch's RequestItems, keyed by table as sent: BatchGetItem's
// KeysAndAttributes and BatchWriteItem's WriteRequests with their keys in
// clear and their items as attribute names.
void WriteRequestItems(Writer& w, const rapidjson::Value& items) {
  w.StartObject();
  for (const auto& table : items.GetObject()) {
    w.Key(table.name.GetString(), table.name.GetStringLength());
    if (table.value.IsObject()) {
      w.StartObject();
      WriteRedactedMembers(w, table.value, Level::kBatchEntry);
      w.EndObject();
    } else if (table.value.IsArray()) {
      w.StartArray();
      for (const rapidjson::Value& request : table.value.GetArray()) {
        if (request.IsObject()) {
          w.StartObject();
          WriteRedactedMembers(w, request, Level::kBatchEntry);
          w.EndObject();
        } else {
          w.Null();
        }
      }
      w.EndArray();
    } else {
      w.Null();
    }
  }
  w.EndObject();
}

}  // namespace

bool IsDataEvent(std::string_view operation) {
  for (std::string_view name : kDataOperations) {
    if (name == operation) return true;
  }
  return false;
}

std::string TrailParameters(std::string_view operation, const rapidjson::Value& request) {
  if (!request.IsObject()) return "";
  if (!IsDataEvent(operation)) return audit::ParametersJson(request);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteRedactedMembers(w, request, Level::kRequest);
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
    for (const char* member : {"TableName", "TargetTableName"}) {
      auto it = request->FindMember(member);
      if (it == request->MemberEnd() || !it->value.IsString()) continue;
      e.resources.emplace_back(call.caller->account, "arn:aws:dynamodb:" + call.region + ":" + call.caller->account +
                                                         ":table/" + it->value.GetString());
      break;
    }
    // PartiQL: the table each statement names.
    std::vector<const rapidjson::Value*> entries = {request};
    auto statements = request->FindMember("Statements");
    if (statements != request->MemberEnd() && statements->value.IsArray()) {
      for (const rapidjson::Value& entry : statements->value.GetArray()) entries.push_back(&entry);
    }
    for (const rapidjson::Value* entry : entries) {
      if (!entry->IsObject()) continue;
      auto text = entry->FindMember("Statement");
      if (text == entry->MemberEnd() || !text->value.IsString()) continue;
      auto statement = partiql::Parse({text->value.GetString(), text->value.GetStringLength()});
      if (!statement.ok()) continue;
      const std::string arn =
          "arn:aws:dynamodb:" + call.region + ":" + call.caller->account + ":table/" + statement->table;
      bool named = false;
      for (const auto& resource : e.resources) named = named || resource.second == arn;
      if (!named) e.resources.emplace_back(call.caller->account, arn);
    }
    // A batch's tables, by name or ARN as RequestItems names them.
    auto items = request->FindMember("RequestItems");
    if (items != request->MemberEnd() && items->value.IsObject()) {
      for (const auto& table : items->value.GetObject()) {
        const std::string sent(table.name.GetString(), table.name.GetStringLength());
        e.resources.emplace_back(call.caller->account,
                                 sent.starts_with("arn:") ? sent
                                                          : "arn:aws:dynamodb:" + call.region + ":" +
                                                                call.caller->account + ":table/" + sent);
      }
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
