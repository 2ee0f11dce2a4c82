#include "ddb/trail_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <string>
#include <vector>

#include "ddb/partiql.h"

namespace kmslab::ddb {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::array<std::string_view, 15> kDataOperations = {
    "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "DeleteItem",         "ExecuteStatement",
    "ExecuteTransaction",    "GetItem",      "PutItem",        "Query",              "Scan",
    "TransactGetItems",      "TransactWriteItems", "UpdateItem",
    "GetRecords",            "GetShardIterator"};

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
void WriteTransactItems(Writer& w, const rapidjson::Value& items);

// Where an object sits in a data call's request: batches nest a fixed two
// levels below it (RequestItems entries, then Put/DeleteRequest), no deeper;
// transactions one (a TransactItems entry's action).
enum class Level { kRequest, kBatchEntry, kWriteRequest, kTransactAction };

// The members of an object at `level`, each as above; any other structure is
// named with its content left out.
void WriteRedactedMembers(Writer& w, const rapidjson::Value& object, Level level) {
  for (const auto& m : object.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool values = false;
    for (std::string_view never : kValueMembers) values = values || never == name;
    if (values) continue;
    // CloudTrail logs TransactItems as requestItems, and a transaction's
    // Put items as "items" (reference section 11).
    const bool transact_items = level == Level::kRequest && name == "TransactItems" && m.value.IsArray();
    if (transact_items) {
      w.Key("requestItems");
    } else if (level == Level::kTransactAction && name == "Item") {
      w.Key("items");
    } else {
      WriteName(w, name);
    }
    if (transact_items) {
      WriteTransactItems(w, m.value);
    } else if (IsKeyMember(name) && m.value.IsObject()) {
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
    } else if (level == Level::kRequest && (name == "Statements" || name == "TransactStatements") &&
               m.value.IsArray()) {
      // BatchExecuteStatement, ExecuteTransaction: each entry as a batch entry (Parameters redacted).
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
      // PartiQL parameters hold values: the member is named, its content
      // left out.
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

// A transaction's TransactItems: one object per action naming its
// operation, its members as an item call's.
void WriteTransactItems(Writer& w, const rapidjson::Value& items) {
  w.StartArray();
  for (const rapidjson::Value& entry : items.GetArray()) {
    if (!entry.IsObject()) continue;
    for (const auto& action : entry.GetObject()) {
      if (!action.value.IsObject()) continue;
      w.StartObject();
      w.Key("operation");
      w.String(action.name.GetString(), action.name.GetStringLength());
      WriteRedactedMembers(w, action.value, Level::kTransactAction);
      w.EndObject();
    }
  }
  w.EndArray();
}

// The tables a request names as sent (a name or an ARN): TableName or
// TargetTableName, RequestItems' keys, or each transaction action's TableName.
std::vector<std::string> NamedTables(const rapidjson::Value& request) {
  std::vector<std::string> names;
  for (const char* member : {"TableName", "TargetTableName"}) {
    auto it = request.FindMember(member);
    if (it == request.MemberEnd() || !it->value.IsString()) continue;
    names.emplace_back(it->value.GetString(), it->value.GetStringLength());
    break;
  }
  auto items = request.FindMember("RequestItems");
  if (items != request.MemberEnd() && items->value.IsObject()) {
    for (const auto& table : items->value.GetObject()) {
      names.emplace_back(table.name.GetString(), table.name.GetStringLength());
    }
  }
  // PartiQL: the table each statement names.
  std::vector<const rapidjson::Value*> statements = {&request};
  for (const char* member : {"Statements", "TransactStatements"}) {
    auto list = request.FindMember(member);
    if (list == request.MemberEnd() || !list->value.IsArray()) continue;
    for (const rapidjson::Value& entry : list->value.GetArray()) statements.push_back(&entry);
  }
  for (const rapidjson::Value* entry : statements) {
    if (!entry->IsObject()) continue;
    auto text = entry->FindMember("Statement");
    if (text == entry->MemberEnd() || !text->value.IsString()) continue;
    auto statement = partiql::Parse({text->value.GetString(), text->value.GetStringLength()});
    if (statement.ok()) names.push_back(statement->table);
  }
  auto actions = request.FindMember("TransactItems");
  if (actions != request.MemberEnd() && actions->value.IsArray()) {
    for (const rapidjson::Value& entry : actions->value.GetArray()) {
      if (!entry.IsObject()) continue;
      for (const auto& action : entry.GetObject()) {
        if (!action.value.IsObject()) continue;
        auto table = action.value.FindMember("TableName");
        if (table != action.value.MemberEnd() && table->value.IsString()) {
          names.emplace_back(table->value.GetString(), table->value.GetStringLength());
        }
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
    // Each table once, by name or ARN as the request names it.
    for (const std::string& sent : NamedTables(*request)) {
      const std::string arn = sent.starts_with("arn:") ? sent
                                                       : "arn:aws:dynamodb:" + call.region + ":" +
                                                             call.caller->account + ":table/" + sent;
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
