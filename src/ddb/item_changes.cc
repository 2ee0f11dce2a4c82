#include "ddb/item_changes.h"

#include "ddb/replication.h"

namespace kmslab::ddb {

// Each feature that follows items adds its one call here.
void OnItemChanged(Service& s, Table& table, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  (void)rows;
  FollowReplicas(s, table, change);
}

}  // namespace kmslab::ddb
