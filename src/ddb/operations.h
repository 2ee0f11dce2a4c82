// The DynamoDB operations the shim serves: each is a pipeline operation
// (pipeline.h) in ops/*.cc, and its table entry is the pipeline run for it.
#ifndef KMSLAB_DDB_OPERATIONS_H_
#define KMSLAB_DDB_OPERATIONS_H_

#include <string_view>

#include "ddb/pipeline.h"
#include "ddb/service.h"

namespace kmslab::ddb {

// Runs one operation on a decoded request object: its plan's checks and
// outcomes stay in `plan`, its response goes to `out`.
using OperationFn = core::Status (*)(Service&, const kms::CallContext&, const rapidjson::Value&, Plan&, JsonWriter&);

#define KMSLAB_DDB_OPERATIONS(X) \
  X(BatchExecuteStatement)       \
  X(BatchGetItem)                \
  X(BatchWriteItem)              \
  X(CreateBackup)                \
  X(CreateGlobalTable)           \
  X(CreateTable)                 \
  X(DeleteBackup)                \
  X(DeleteItem)                  \
  X(DeleteResourcePolicy)        \
  X(DeleteTable)                 \
  X(DescribeBackup)              \
  X(DescribeContinuousBackups)   \
  X(DescribeEndpoints)           \
  X(DescribeLimits)              \
  X(DescribeTable)               \
  X(DescribeTimeToLive)          \
  X(ExecuteStatement)            \
  X(ExecuteTransaction)          \
  X(GetItem)                     \
  X(GetResourcePolicy)           \
  X(ListBackups)                 \
  X(ListTables)                  \
  X(ListTagsOfResource)          \
  X(PutItem)                     \
  X(PutResourcePolicy)           \
  X(Query)                       \
  X(RestoreTableFromBackup)      \
  X(RestoreTableToPointInTime)   \
  X(Scan)                        \
  X(TagResource)                 \
  X(TransactGetItems)            \
  X(TransactWriteItems)          \
  X(UntagResource)               \
  X(UpdateContinuousBackups)     \
  X(UpdateGlobalTable)           \
  X(UpdateItem)                  \
  X(UpdateTable)                 \
  X(UpdateTimeToLive)

// The DynamoDB Streams API (DynamoDBStreams_20120810.<Operation>, ops/streams.cc).
#define KMSLAB_DDB_STREAMS_OPERATIONS(X) \
  X(DescribeStream)                      \
  X(GetRecords)                          \
  X(GetShardIterator)                    \
  X(ListStreams)

namespace ops {
#define KMSLAB_DECLARE(name) extern const OperationFn name;
KMSLAB_DDB_OPERATIONS(KMSLAB_DECLARE)
KMSLAB_DDB_STREAMS_OPERATIONS(KMSLAB_DECLARE)
#undef KMSLAB_DECLARE
}  // namespace ops

// An operation run on behalf of another that authorized the call itself
// (pipeline.h, RunAuthorized; ops/item_ops.h lists them).
using InnerOperationFn = core::Status (*)(Service&, const kms::CallContext&, const rapidjson::Value&, JsonWriter&);
// Defines Run##name, the RunAuthorized stages of `name##Op`, inside namespace ops.
#define KMSLAB_DDB_INNER_OPERATION(name) const InnerOperationFn Run##name = &RunAuthorized<name##Op>

// Defines the table entry of operation `name` from its struct `name##Op`,
// inside namespace ops: the entry is the pipeline itself, never a hand-written
// function, so no operation can skip authorization or audit.
#define KMSLAB_DDB_OPERATION(name)                                                             \
  static_assert(std::string_view(name##Op::kName) == #name, "kName must be the operation's name"); \
  const OperationFn name = &RunOperation<name##Op>

// The operation called `name`, or null.
OperationFn FindOperation(std::string_view name);
// The Streams API operation called `name`, or null.
OperationFn FindStreamsOperation(std::string_view name);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_OPERATIONS_H_
