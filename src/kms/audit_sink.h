// AuditSink: the pipeline's last stage. Every operation, allowed or denied,
// valid or not, is handed to the sink exactly once, after it completed; so is
// every piece of work KMS did on its own (DueEvent), after it was done.
// Implementations are thread-safe and must not block the request for long.
#ifndef KMSLAB_KMS_AUDIT_SINK_H_
#define KMSLAB_KMS_AUDIT_SINK_H_

#include <rapidjson/document.h>

#include <string_view>
#include <vector>

#include "core/status.h"
#include "audit/event.h"
#include "kms/call.h"
#include "kms/key_registry.h"
#include "kms/plan.h"

namespace kmslab::kms {

struct AuditRecord {
  const CallContext& call;
  std::string_view operation;
  const Plan& plan;            // the keys and actions involved, as far as resolved
  const core::Status& status;  // OK, or the AWS error returned
  const rapidjson::Value* request;  // the decoded request; null when it never decoded
  std::string_view response;        // the response body; empty on errors
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual void Record(const AuditRecord& record) = 0;
  virtual void RecordDueEvent(const DueEvent& event) = 0;
  // A call to another service (DynamoDB) made by `call`'s caller: `event`
  // holds what that service knows (name, source, parameters, resources,
  // error); the sink adds the caller, the time, the Region, the request id
  // and what `outcomes` (its authorizations, in order) decided.
  virtual void RecordCall(const CallContext& call, audit::EventInput event,
                          const std::vector<AuthzOutcome>& outcomes) = 0;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_AUDIT_SINK_H_
