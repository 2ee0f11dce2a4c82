// The one pipeline every DynamoDB operation runs through, in the shape of
// KMS's (kms/pipeline.h):
//
//   decode (Service::Handle) -> read and validate (Op::Read)
//     -> resolve resources (Op::Resolve fills the Plan's checks)
//     -> authorize every check -> execute (Op::Execute) -> audit (Service::Handle)
//
// An operation is a struct with:
//   static constexpr const char* kName;   // "GetItem": also its IAM action's name
//   struct Request {...};
//   static core::Status Read(const rapidjson::Value& body, Request&);
//   static core::Status Resolve(Service&, const kms::CallContext&, const Request&, Plan&);
//   static core::Status Execute(Service&, const kms::CallContext&, Request&, JsonWriter&);
// Read checks what needs no table (member types, names, enums); Resolve adds
// one check per authorization (Plan::Require) and must add at least one: a
// plan without checks is refused before anything runs. Execute runs only once
// every check passed; it finds the tables and checks the request against them.
#ifndef KMSLAB_DDB_PIPELINE_H_
#define KMSLAB_DDB_PIPELINE_H_

#include <rapidjson/document.h>

#include "core/status.h"
#include "ddb/errors.h"
#include "ddb/plan.h"
#include "ddb/service.h"
#include "kms/call.h"

namespace kmslab::ddb {

template <typename Op>
core::Status RunOperation(Service& service, const kms::CallContext& call, const rapidjson::Value& body, Plan& plan,
                          JsonWriter& out) {
  typename Op::Request request;
  RETURN_IF_ERROR(Op::Read(body, request));
  RETURN_IF_ERROR(Op::Resolve(service, call, request, plan));
  if (plan.checks.empty()) {
    return InternalServerError(std::string("Internal server error: ") + Op::kName + " planned no authorization");
  }
  RETURN_IF_ERROR(service.Authorize(call, plan));
  return Op::Execute(service, call, request, out);
}

// Runs Op's Read and Execute on `body` and does not authorize: only for an
// operation whose own pipeline has authorized the call and that acts through
// Op (a PartiQL statement runs as the item call it stands for, authorized as
// dynamodb:PartiQL<Kind>). Never an op table entry.
template <typename Op>
core::Status RunAuthorized(Service& service, const kms::CallContext& call, const rapidjson::Value& body,
                           JsonWriter& out) {
  typename Op::Request request;
  RETURN_IF_ERROR(Op::Read(body, request));
  return Op::Execute(service, call, request, out);
}

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_PIPELINE_H_
