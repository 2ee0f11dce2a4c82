#include "ddb/ops/batch_common.h"

#include <map>

namespace kmslab::ddb::ops {

core::Status ReadBatchRequest(const rapidjson::Value& body, const char* operation, BatchRequest& request) {
  ASSIGN_OR_RETURN(request.items, OptionalObject(body, "RequestItems"));
  if (!request.items || request.items->MemberCount() == 0) {
    return ValidationError(std::string("The requestItems parameter is required for ") + operation);
  }
  request.body = &body;
  return core::Status();
}

core::Status ResolveBatch(Service& s, const kms::CallContext& call, const BatchRequest& request, Plan& plan,
                          BatchConditionKeysFn keys) {
  std::map<std::string, ConditionKeys> by_arn;
  for (const auto& m : request.items->GetObject()) {
    const TableRef ref = ResolveTableRef(s, call, std::string_view(m.name.GetString(), m.name.GetStringLength()));
    const std::shared_ptr<Table> table = FindRefTable(s, call, ref);
    ConditionKeys entry_keys = keys(m.value, *request.body, table ? &table->definition : nullptr);
    auto [it, added] = by_arn.emplace(ref.arn, entry_keys);
    if (!added) it->second.Merge(entry_keys);
  }
  for (const auto& [arn, arn_keys] : by_arn) arn_keys.AddTo(plan.Require(arn).context);
  return core::Status();
}

core::Status OpenTables(Service& s, const kms::CallContext& call, const std::vector<std::shared_ptr<Table>>& tables) {
  std::set<const Table*> opened;
  for (const std::shared_ptr<Table>& table : tables) {
    if (opened.insert(table.get()).second) RETURN_IF_ERROR(s.OpenTable(call, *table));
  }
  return core::Status();
}

core::Status SeenKeys::Add(const Table& table, const ItemKey& key) {
  if (!seen_.emplace(&table, key.canonical).second) {
    return ValidationError("Provided list of item keys contains duplicates");
  }
  return core::Status();
}

}  // namespace kmslab::ddb::ops
