// What BatchGetItem and BatchWriteItem share (docs/spec/dynamodb.md section
// 3): RequestItems, whose keys name tables by name or by table ARN (section
// 0), and their authorization, dynamodb:<operation> on each table's ARN
// (section 10): a call is refused whole if any of its tables is.
#ifndef KMSLAB_DDB_OPS_BATCH_COMMON_H_
#define KMSLAB_DDB_OPS_BATCH_COMMON_H_

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddb/condition_keys.h"
#include "ddb/ops/common.h"

namespace kmslab::ddb::ops {

// A batch request: RequestItems (a non-empty object) and the whole body.
struct BatchRequest {
  const rapidjson::Value* items = nullptr;
  const rapidjson::Value* body = nullptr;
};
// Reads RequestItems: absent or empty is "The requestItems parameter is
// required for <operation>".
core::Status ReadBatchRequest(const rapidjson::Value& body, const char* operation, BatchRequest& request);

// The condition keys of one table's RequestItems entry (condition_keys.h).
using BatchConditionKeysFn = ConditionKeys (*)(const rapidjson::Value& entry, const rapidjson::Value& body,
                                               const TableDefinition* definition);

// One check of dynamodb:<operation> per table ARN, each once, in ARN order,
// with the fine-grained condition keys of every entry naming that table.
core::Status ResolveBatch(Service& s, const kms::CallContext& call, const BatchRequest& request, Plan& plan,
                          BatchConditionKeysFn keys);

// The pipeline stage the batch operations share (ResolveBatch).
template <BatchConditionKeysFn Keys>
struct BatchOp {
  static core::Status Resolve(Service& s, const kms::CallContext& call, const BatchRequest& request, Plan& plan) {
    return ResolveBatch(s, call, request, plan, Keys);
  }
};

// OpenTable on each table once, in order: a table whose key is unusable fails
// the call as it fails an item call.
core::Status OpenTables(Service& s, const kms::CallContext& call, const std::vector<std::shared_ptr<Table>>& tables);

// The items a batch names so far: naming one twice (in one table, however the
// table was named) is "Provided list of item keys contains duplicates".
class SeenKeys {
 public:
  core::Status Add(const Table& table, const ItemKey& key);

 private:
  std::set<std::pair<const Table*, std::string>> seen_;
};

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_BATCH_COMMON_H_
