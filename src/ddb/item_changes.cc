#include "ddb/item_changes.h"

#include "ddb/indexes.h"
#include "ddb/item_history.h"
#include "ddb/replication.h"
#include "ddb/streams.h"

namespace kmslab::ddb {

// Each feature that follows items adds its one call here.
void OnItemChanged(Service& s, Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  RecordItemChange(table, change, rows);
  UpdateIndexEntries(table, change);
  AppendStreamRecord(s, table, change, rows);
  FollowReplicas(s, table, change, rows);
}

}  // namespace kmslab::ddb
