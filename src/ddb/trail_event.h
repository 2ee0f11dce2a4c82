// DynamoDB calls as CloudTrail records them (docs/spec/dynamodb.md section
// 11): eventSource dynamodb.amazonaws.com, table calls as management events,
// item calls as data events. Item values never reach the trail: keys are
// logged unwrapped, items as their attribute names, expression attribute
// values and the legacy conditions not at all; a batch's RequestItems by table
// under the same rules, each of its tables a resource. Pure.
#ifndef KMSLAB_DDB_TRAIL_EVENT_H_
#define KMSLAB_DDB_TRAIL_EVENT_H_

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "audit/event.h"
#include "core/status.h"
#include "kms/call.h"

namespace kmslab::ddb {

// Whether CloudTrail counts `operation` as a data event (items, queries,
// batches, transactions, PartiQL).
bool IsDataEvent(std::string_view operation);

// The requestParameters of `request`, redacted as above, as JSON.
std::string TrailParameters(std::string_view operation, const rapidjson::Value& request);

// The event of one call, less what the audit sink adds (caller, time, Region,
// request id, decision). `request` is null when the body never decoded;
// `response` is the response body ("" on errors).
audit::EventInput CallEvent(std::string_view operation, const kms::CallContext& call,
                            const rapidjson::Value* request, const core::Status& status, std::string_view response);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_TRAIL_EVENT_H_
