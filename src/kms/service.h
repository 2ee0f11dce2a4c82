// Service: the KMS endpoint (TrentService). Decodes one request, runs the
// named operation through the pipeline (pipeline.h) and returns the reply.
//
// Thread-safe: any number of requests may run at once.
#ifndef KMSLAB_KMS_SERVICE_H_
#define KMSLAB_KMS_SERVICE_H_

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "kms/audit_sink.h"
#include "kms/authorizer.h"
#include "kms/call.h"
#include "kms/json_out.h"
#include "kms/key_registry.h"
#include "kms/plan.h"

namespace kmslab::kms {

// Switches for behaviour AWS leaves ambiguous (docs/spec/kms.md section 10);
// the defaults are the reference's.
struct Options {
  // A caller who is not authorized and names a disabled key sees
  // AccessDeniedException (default) or, when true, the key-state error.
  bool key_state_before_access = false;
  // Cryptography on a key pending deletion: KMSInvalidStateException
  // (default) or, when true, DisabledException.
  bool pending_deletion_disabled = false;
};

class Service {
 public:
  // The collaborators must outlive the service; `audit` may be null.
  Service(KeyRegistry* keys, const core::Clock* clock, const Authorizer* authorizer, AuditSink* audit,
          Options options = {})
      : keys_(keys), clock_(clock), authorizer_(authorizer), audit_(audit), options_(options) {}

  // Handles `TrentService.<operation>` with the raw JSON request `body`.
  Reply Handle(std::string_view operation, std::string_view body, const CallContext& call);

  KeyRegistry& keys() { return *keys_; }
  const Authorizer& authorizer() const { return *authorizer_; }
  // The audit stage, for services built on this one (null: no audit).
  AuditSink* audit_sink() const { return audit_; }
  const Options& options() const { return options_; }
  int64_t NowMillis() const { return clock_->NowMillis(); }

  // Pipeline stages (pipeline.h): authorization, key state and DryRun; then
  // audit and the reply.
  core::Status Authorize(const CallContext& call, Plan& plan) const;
  // `request` is the decoded request, null when it never decoded.
  Reply Complete(const CallContext& call, std::string_view operation, const Plan& plan, const core::Status& status,
                 JsonOut& out, const rapidjson::Value* request = nullptr);

 private:
  KeyRegistry* keys_;
  const core::Clock* clock_;
  const Authorizer* authorizer_;
  AuditSink* audit_;
  Options options_;
};

// The key-state rule for `use` (docs/spec/kms.md section 2.3).
core::Status CheckKeyState(const store::KeyRow& key, KeyUse use, const Options& options = {});

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_SERVICE_H_
