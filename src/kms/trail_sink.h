// TrailSink: the pipeline's audit stage writing the audit trail. Copies what
// an event needs off the request (cheap) and leaves rendering and writing to
// audit::Trail's background thread. Thread-safe.
#ifndef KMSLAB_KMS_TRAIL_SINK_H_
#define KMSLAB_KMS_TRAIL_SINK_H_

#include "audit/trail.h"
#include "core/clock.h"
#include "kms/audit_sink.h"

namespace kmslab::kms {

class TrailSink : public AuditSink {
 public:
  TrailSink(audit::Trail* trail, const core::Clock* clock) : trail_(trail), clock_(clock) {}
  void Record(const AuditRecord& record) override;
  void RecordDueEvent(const DueEvent& event) override;
  void RecordCall(const CallContext& call, audit::EventInput event,
                  const std::vector<AuthzOutcome>& outcomes) override;

 private:
  audit::Trail* trail_;
  const core::Clock* clock_;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_TRAIL_SINK_H_
