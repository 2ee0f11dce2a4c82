#include "kms/trail_sink.h"

#include <algorithm>

#include "core/arn.h"

namespace kmslab::kms {

namespace {

// The caller as the trail shows it; one per client, reused while the same
// client keeps calling on this thread.
std::shared_ptr<const audit::Actor> ActorOf(const CallContext& call) {
  thread_local std::shared_ptr<const audit::Actor> last;
  thread_local const iam::Identity* last_identity = nullptr;
  const iam::Identity& who = *call.caller;
  if (last && last_identity == &who && last->arn == who.arn && last->access_key_id == call.access_key_id &&
      last->source_ip == call.source_ip && last->user_agent == call.user_agent) {
    return last;
  }
  audit::Actor a;
  a.identity_type = who.type;
  a.arn = who.arn;
  a.account = who.account;
  a.principal_id = who.user_id;
  a.access_key_id = call.access_key_id;
  a.user_name = who.name;
  a.role_arn = who.role_arn;
  a.role_name = who.type == "AssumedRole" ? who.name : "";
  // A service's own call, or a call a service forwarded for the user.
  if (!who.service.empty()) {
    a.invoked_by = who.service;
  } else if (!call.via_service.empty()) {
    a.invoked_by = call.source_ip;  // the forwarding service's name, as CloudTrail shows it
  }
  a.source_ip = call.source_ip;
  a.user_agent = call.user_agent;
  last = audit::ShareActor(std::move(a));
  last_identity = &who;
  return last;
}

// What the authorizations decided: the first denial's effect (else Allow),
// every deciding statement or grant, the last explanation.
void AddOutcomes(const std::vector<AuthzOutcome>& outcomes, audit::EventInput& e) {
  for (const AuthzOutcome& outcome : outcomes) {
    if (outcome.effect.empty()) continue;
    if (e.effect.empty() || e.effect == "Allow") e.effect = outcome.effect;
    for (const policy::Determining& d : outcome.determining) e.determining.emplace_back(outcome.action, d);
    if (!outcome.explanation.empty()) e.explanation = outcome.explanation;
  }
}

}  // namespace

void TrailSink::RecordCall(const CallContext& call, audit::EventInput e, const std::vector<AuthzOutcome>& outcomes) {
  e.time_ms = clock_->NowMillis();
  e.actor = ActorOf(call);
  e.region = call.region;
  e.request_id = call.request_id;
  e.recipient_account = e.resources.empty() ? call.caller->account : e.resources.front().first;
  AddOutcomes(outcomes, e);
  trail_->Append(std::move(e));
}

void TrailSink::RecordDueEvent(const DueEvent& d) {
  const store::KeyRow& key = d.key->meta;
  audit::EventInput e;
  e.service_event = true;
  e.time_ms = d.due_ms;
  e.actor = audit::InternalActor(key.account);
  e.event_name = std::string(EventNameOf(d.kind));
  e.region = key.region;
  e.resources.emplace_back(key.account, key.arn);
  e.recipient_account = key.account;
  switch (d.kind) {
    case DueEvent::Kind::kDeleteKey: break;
    case DueEvent::Kind::kRotateKey:
      e.service_event_details = {{"rotationType", "AUTOMATIC"}, {"keyOrigin", key.origin},
                                 {"previousKeyMaterialId", d.key->current().material_id},
                                 {"currentKeyMaterialId", d.material_id}};
      break;
    case DueEvent::Kind::kDeleteExpiredKeyMaterial:
      e.service_event_details = {{"keyId", key.key_id}, {"keyMaterialId", d.material_id}};
      break;
  }
  trail_->Append(std::move(e));
}

void TrailSink::Record(const AuditRecord& r) {
  const iam::Identity& who = *r.call.caller;
  audit::EventInput e;
  e.time_ms = clock_->NowMillis();
  e.actor = ActorOf(r.call);
  e.event_name = std::string(r.operation);
  e.region = r.call.region;
  e.request_id = r.call.request_id;
  if (r.request) e.request_parameters = audit::ParametersJson(*r.request);
  if (audit::LogsResponse(r.operation)) e.response_body = std::string(r.response);
  for (const AuthzCheck& check : r.plan.checks) {
    if (!check.key) continue;
    std::pair<std::string, std::string> resource{check.key->meta.account, check.key->meta.arn};
    if (std::find(e.resources.begin(), e.resources.end(), resource) == e.resources.end()) {
      e.resources.push_back(std::move(resource));
    }
  }
  e.recipient_account = e.resources.empty() ? who.account : e.resources.front().first;
  if (!r.status.ok()) {
    e.error_code = r.status.aws_type();
    e.error_message = r.status.message();
  }
  AddOutcomes(r.plan.outcomes, e);
  trail_->Append(std::move(e));
}

}  // namespace kmslab::kms
