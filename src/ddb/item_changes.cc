#include "ddb/item_changes.h"

#include "ddb/item_history.h"
#include "ddb/indexes.h"

namespace kmslab::ddb {

// Each feature that follows items adds its one call here.
void OnItemChanged(Service& s, Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  (void)s;
  RecordItemChange(table, change, rows);
  UpdateIndexEntries(table, change);
}

}  // namespace kmslab::ddb
