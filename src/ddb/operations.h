// The DynamoDB operations the shim serves, one function each (ops/*.cc).
// Each reads its request, authorizes dynamodb:<Operation>, does its work and
// writes its whole JSON response object to `out`.
#ifndef KMSLAB_DDB_OPERATIONS_H_
#define KMSLAB_DDB_OPERATIONS_H_

#include <string_view>

#include "ddb/service.h"

namespace kmslab::ddb {

using OperationFn = core::Status (*)(Service&, const kms::CallContext&, const rapidjson::Value&, JsonWriter&);

#define KMSLAB_DDB_OPERATIONS(X) \
  X(CreateBackup)                \
  X(CreateTable)                 \
  X(DeleteBackup)                \
  X(DeleteItem)                  \
  X(DeleteTable)                 \
  X(DescribeBackup)              \
  X(DescribeTable)               \
  X(GetItem)                     \
  X(ListBackups)                 \
  X(ListTables)                  \
  X(PutItem)                     \
  X(Query)                       \
  X(RestoreTableFromBackup)      \
  X(Scan)                        \
  X(UpdateItem)                  \
  X(UpdateTable)

namespace ops {
#define KMSLAB_DECLARE(name) \
  core::Status name(Service& s, const kms::CallContext& call, const rapidjson::Value& request, JsonWriter& out);
KMSLAB_DDB_OPERATIONS(KMSLAB_DECLARE)
#undef KMSLAB_DECLARE
}  // namespace ops

// The operation called `name`, or null.
OperationFn FindOperation(std::string_view name);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_OPERATIONS_H_
