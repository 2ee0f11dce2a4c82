// The one request pipeline every KMS operation runs through:
//
//   decode -> validate (Op::Read, RequestReader::Finish, Op::Validate)
//          -> resolve keys (Op::Resolve fills a Plan of AuthzChecks)
//          -> authorize every check -> key-state rules -> DryRun
//          -> execute (Op::Execute) -> audit -> reply
//
// An operation is a struct with:
//   static constexpr const char* kName;         // "Encrypt"
//   struct Request {...};
//   static void Read(RequestReader&, Request&);
//   static core::Status Validate(const Request&);           // optional
//   static core::Status Resolve(Service&, const CallContext&, Request&, Plan&);
//   static core::Status Execute(Service&, const CallContext&, const Request&, const Plan&, JsonOut&);
// Resolve must add one AuthzCheck per authorization the operation needs (a
// plan with none is refused before anything runs); Execute runs only after
// all of them passed. The op table's entries are RunOperation<Op> itself
// (operations.h, KMSLAB_KMS_OPERATION).
#ifndef KMSLAB_KMS_PIPELINE_H_
#define KMSLAB_KMS_PIPELINE_H_

#include <rapidjson/document.h>

#include "core/status.h"
#include "kms/call.h"
#include "kms/json_out.h"
#include "kms/plan.h"
#include "kms/request_reader.h"
#include "kms/service.h"

namespace kmslab::kms {

// Runs the pipeline for operation `Op` on a decoded JSON object.
template <typename Op>
Reply RunOperation(Service& service, const CallContext& call, const rapidjson::Value& body) {
  typename Op::Request request;
  Plan plan;
  JsonOut out;
  core::Status status = [&]() -> core::Status {
    RequestReader reader(body);
    Op::Read(reader, request);
    RETURN_IF_ERROR(reader.Finish());
    if constexpr (requires { Op::Validate(request); }) RETURN_IF_ERROR(Op::Validate(request));
    RETURN_IF_ERROR(Op::Resolve(service, call, request, plan));
    if (plan.checks.empty()) {
      return core::Status(core::Code::kInternal, std::string(Op::kName) + " planned no authorization",
                          "KMSInternalException");
    }
    RETURN_IF_ERROR(service.Authorize(call, plan));
    return Op::Execute(service, call, request, plan, out);
  }();
  return service.Complete(call, Op::kName, plan, status, out, &body);
}

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_PIPELINE_H_
