// What TransactWriteItems and TransactGetItems share (docs/spec/dynamodb.md
// sections 3.3 and 3.4): reading TransactItems, one action per item, the
// order tables are locked in, cancellation reasons and consumed capacity.
#ifndef KMSLAB_DDB_OPS_TRANSACT_H_
#define KMSLAB_DDB_OPS_TRANSACT_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddb/ops/batch_common.h"
#include "ddb/ops/capacity.h"
#include "ddb/ops/item_common.h"

namespace kmslab::ddb::ops {

// The TransactItems member: a list of 1..100 objects, with DynamoDB's texts.
core::StatusOr<const rapidjson::Value*> ReadTransactItems(const rapidjson::Value& request);

// The path validation messages give an action's member: index 0 and "put"
// -> "transactItems.1.member.put".
std::string ActionPath(size_t index, std::string_view member);

// One item a transaction touches.
struct ItemRef {
  const Table* table;
  const ItemKey* key;
};
// ValidationException "Transaction request cannot include multiple
// operations on one item" when two refs name the same item.
core::Status CheckOneActionPerItem(const std::vector<ItemRef>& items);

// The distinct tables of a transaction in the one order every transaction
// locks them (table id), so that two transactions never deadlock.
std::vector<Table*> LockOrder(const std::vector<std::shared_ptr<Table>>& tables);
// ResourceNotFoundException when a locked table was deleted meanwhile.
core::Status CheckNoneDeleted(const std::vector<Table*>& locked);

// Why one action of a cancelled transaction failed; code "None" for the
// actions that would have passed.
struct CancellationReason {
  std::string code = "None";
  std::string message;    // empty for None
  std::string item_json;  // the stored item, when ALL_OLD asked for it
};
// TransactionCanceledException with one reason per action, in order, as
// CancellationReasons in the error body.
core::Status TransactionCanceled(const std::vector<CancellationReason>& reasons);


// The capacity units a transaction consumed, per table as the request named
// it, in first-use order: transactional reads and writes cost twice the
// plain ones (capacity.h); the index writes they cause cost what a plain
// write's do [I].
class CapacityTally {
 public:
  void AddWrite(const std::string& table, int64_t item_bytes);
  void AddRead(const std::string& table, int64_t item_bytes);
  // The index writes of one item write on `table` (AddIndexWrites).
  void AddIndexWrites(const std::string& table, const Table& t, const std::string& old_json,
                      const std::string& new_json);
  // ConsumedCapacity, a list of one entry per table; nothing for kNone.
  void Write(JsonWriter& out, CapacityReport report) const;

 private:
  std::vector<std::pair<std::string, Consumed>> units_;
  Consumed& Of(const std::string& table);
};

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_TRANSACT_H_
