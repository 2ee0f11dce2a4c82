// The item operations' Read and Execute stages as functions, for the
// operations that act through them (PartiQL translates each statement into
// one of these requests). They do not authorize: the caller's own pipeline
// has authorized the call before it runs them.
#ifndef KMSLAB_DDB_OPS_ITEM_OPS_H_
#define KMSLAB_DDB_OPS_ITEM_OPS_H_

#include <rapidjson/document.h>

#include "core/status.h"
#include "ddb/service.h"
#include "kms/call.h"

namespace kmslab::ddb::ops {

// Each reads `body` as the operation's request and executes it, writing the
// operation's response to `out`.
core::Status RunGetItem(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out);
core::Status RunPutItem(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out);
core::Status RunDeleteItem(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out);
core::Status RunUpdateItem(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out);
core::Status RunQuery(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out);
core::Status RunScan(Service& s, const kms::CallContext& call, const rapidjson::Value& body, JsonWriter& out);
core::Status RunTransactGetItems(Service& s, const kms::CallContext& call, const rapidjson::Value& body,
                                 JsonWriter& out);
core::Status RunTransactWriteItems(Service& s, const kms::CallContext& call, const rapidjson::Value& body,
                                   JsonWriter& out);

}  // namespace kmslab::ddb::ops

#endif  // KMSLAB_DDB_OPS_ITEM_OPS_H_
