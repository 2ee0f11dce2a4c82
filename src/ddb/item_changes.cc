#include "ddb/item_changes.h"

namespace kmslab::ddb {

// Each feature that follows items adds its one call here.
void OnItemChanged(Service& s, Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  (void)s;
  (void)table;
  (void)change;
  (void)rows;
}

}  // namespace kmslab::ddb
