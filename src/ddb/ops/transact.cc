#include "ddb/ops/transact.h"

#include <algorithm>
#include <set>
#include <utility>

#include "ddb/indexes.h"

namespace kmslab::ddb::ops {

core::StatusOr<const rapidjson::Value*> ReadTransactItems(const rapidjson::Value& request) {
  const rapidjson::Value* items = FindMember(request, "TransactItems");
  if (!items) return NullMember("transactItems");
  if (!items->IsArray()) return SerializationError("Start of list expected for TransactItems");
  const std::string prefix = "1 validation error detected: Value '";
  if (items->Empty()) {
    return ValidationError(prefix +
                           "[]' at 'transactItems' failed to satisfy constraint: Member must have length greater "
                           "than or equal to 1");
  }
  if (items->Size() > 100) {
    return ValidationError(prefix +
                           "[...]' at 'transactItems' failed to satisfy constraint: Member must have length less "
                           "than or equal to 100");
  }
  for (const rapidjson::Value& item : items->GetArray()) {
    if (!item.IsObject()) return SerializationError("Start of structure or map expected for TransactItems member");
  }
  return items;
}

std::string ActionPath(size_t index, std::string_view member) {
  return "transactItems." + std::to_string(index + 1) + ".member." + std::string(member);
}

core::Status CheckOneActionPerItem(const std::vector<ItemRef>& items) {
  std::set<std::pair<const Table*, std::string_view>> seen;
  for (const ItemRef& ref : items) {
    if (!seen.emplace(ref.table, ref.key->canonical).second) {
      return ValidationError("Transaction request cannot include multiple operations on one item");
    }
  }
  return core::Status();
}

std::vector<Table*> LockOrder(const std::vector<std::shared_ptr<Table>>& tables) {
  std::vector<Table*> order;
  for (const std::shared_ptr<Table>& t : tables) order.push_back(t.get());
  std::sort(order.begin(), order.end(), [](const Table* a, const Table* b) { return a->table_id < b->table_id; });
  order.erase(std::unique(order.begin(), order.end()), order.end());
  return order;
}

core::Status CheckNoneDeleted(const std::vector<Table*>& locked) {
  for (const Table* t : locked) {
    if (t->deleted) return ResourceNotFound("Requested resource not found");
  }
  return core::Status();
}

core::Status TransactionCanceled(const std::vector<CancellationReason>& reasons) {
  std::string codes;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("CancellationReasons");
  w.StartArray();
  for (const CancellationReason& r : reasons) {
    codes += (codes.empty() ? "" : ", ") + r.code;
    w.StartObject();
    if (!r.item_json.empty()) {
      w.Key("Item");
      w.RawValue(r.item_json.data(), r.item_json.size(), rapidjson::kObjectType);
    }
    w.Key("Code");
    w.String(r.code.data(), static_cast<rapidjson::SizeType>(r.code.size()));
    if (!r.message.empty()) {
      w.Key("Message");
      w.String(r.message.data(), static_cast<rapidjson::SizeType>(r.message.size()));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return ddb::TransactionCanceled("Transaction cancelled, please refer cancellation reasons for specific reasons [" +
                                  codes + "]")
      .WithDetail(std::string(buffer.GetString(), buffer.GetSize()));
}

Consumed& CapacityTally::Of(const std::string& table) {
  for (auto& [name, units] : units_) {
    if (name == table) return units;
  }
  return units_.emplace_back(table, Consumed()).second;
}

void CapacityTally::AddWrite(const std::string& table, int64_t item_bytes) {
  Of(table).table += 2 * WriteUnits(item_bytes);
}

void CapacityTally::AddRead(const std::string& table, int64_t item_bytes) {
  Of(table).table += 2 * ReadUnits(item_bytes, true);
}

void CapacityTally::AddIndexWrites(const std::string& table, const Table& t, const std::string& old_json,
                                   const std::string& new_json) {
  ops::AddIndexWrites(t.definition, IndexesOf(t), old_json, new_json, Of(table));
}

void CapacityTally::Write(JsonWriter& out, CapacityReport report) const {
  if (report == CapacityReport::kNone) return;
  out.Key("ConsumedCapacity");
  out.StartArray();
  for (const auto& [table, units] : units_) WriteConsumedCapacity(out, report, table, units);
  out.EndArray();
}

}  // namespace kmslab::ddb::ops
