// The item operations' Read and Execute stages as functions, for the
// operations that act through them (PartiQL translates each statement into
// one of these requests). They do not authorize: the caller's own pipeline
// has authorized the call before it runs them.
#ifndef KMSLAB_DDB_OPS_ITEM_OPS_H_
#define KMSLAB_DDB_OPS_ITEM_OPS_H_

#include <rapidjson/document.h>

#include "core/status.h"
#include "ddb/operations.h"
#include "ddb/service.h"
#include "kms/call.h"

namespace kmslab::ddb::ops {

// Each reads `body` as the operation's request and executes it, writing the
// operation's response to `out` (RunAuthorized in pipeline.h; defined beside
// each operation with KMSLAB_DDB_INNER_OPERATION).
#define KMSLAB_DECLARE_INNER(name) extern const InnerOperationFn Run##name;
KMSLAB_DECLARE_INNER(GetItem)
KMSLAB_DECLARE_INNER(PutItem)
KMSLAB_DECLARE_INNER(DeleteItem)
KMSLAB_DECLARE_INNER(UpdateItem)
KMSLAB_DECLARE_INNER(Query)
KMSLAB_DECLARE_INNER(Scan)
KMSLAB_DECLARE_INNER(TransactGetItems)
KMSLAB_DECLARE_INNER(TransactWriteItems)
#undef KMSLAB_DECLARE_INNER

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_ITEM_OPS_H_
