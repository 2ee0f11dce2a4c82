// One KMS call as CloudTrail records it (docs/spec/kms.md section 8), plus
// kmslab's own `kmslabDecision`. EventInput is plain data copied off the
// request; EventJson renders it later, off the request path. Pure; thread-safe.
#ifndef KMSLAB_AUDIT_EVENT_H_
#define KMSLAB_AUDIT_EVENT_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/decision.h"

namespace kmslab::audit {

// Who called and from where: the same for every call of one client, so it is
// built once and shared between events (ShareActor).
struct Actor {
  std::string identity_type;  // IAMUser | AssumedRole | Root | AWSService
  std::string principal_id, arn, account, access_key_id, user_name;
  std::string role_arn, role_name;  // AssumedRole: the session's issuer
  std::string invoked_by;           // the service that called for the user, or the service itself
  std::string source_ip, user_agent;
  std::string identity_json;  // CloudTrail's userIdentity object, rendered by ShareActor
};

// `actor` with its userIdentity rendered, ready to share between events.
std::shared_ptr<const Actor> ShareActor(Actor actor);
// KMS itself, acting in `account` (AWS service events): userIdentity
// {accountId, invokedBy "AWS Internal"}, from "AWS Internal".
std::shared_ptr<const Actor> InternalActor(const std::string& account);

// The service an event belongs to (CloudTrail's eventSource).
enum class EventSource { kKms, kDynamoDb };

struct EventInput {
  EventSource source = EventSource::kKms;
  // A data event (managementEvent false, eventCategory Data): DynamoDB's item
  // calls. KMS events are all management events.
  bool data_event = false;
  int64_t time_ms = 0;
  std::string event_id;  // UUID, given when the event is written
  std::shared_ptr<const Actor> actor;  // never null; from ShareActor
  std::string event_name, region, request_id;  // request_id "" for service events
  std::string request_parameters;  // ParametersJson of the request ("" when it never decoded)
  std::string response_body;  // the response JSON ("" on errors)
  std::vector<std::pair<std::string, std::string>> resources;  // (account, key or table ARN)
  std::string recipient_account;
  std::string error_code, error_message;
  // kmslab's decision: effect "" when authorization was never reached.
  std::string effect;
  // What decided, per authorized action; rendered as "kms:Decrypt: key-policy statement 0 \"Sid\"".
  std::vector<std::pair<std::string, policy::Determining>> determining;
  std::string explanation;
  // An AwsServiceEvent (work KMS did on its own) rather than an AwsApiCall:
  // no request, no response, no decision; its serviceEventDetails members.
  bool service_event = false;
  std::vector<std::pair<std::string, std::string>> service_event_details;
};

// A request's members as CloudTrail's requestParameters: lowerCamel names,
// encryption-context keys as given, never plaintext, ciphertext or grant tokens.
std::string ParametersJson(const rapidjson::Value& request);

// Whether CloudTrail records the response of `event_name` (not for
// cryptographic and read-only operations, nor for imports of key material;
// never for data events).
bool LogsResponse(std::string_view event_name);

// Appends the CloudTrail-shaped event to `out`, one JSON object. Never
// contains plaintext, ciphertext, data keys or grant tokens.
void AppendEventJson(const EventInput& event, std::string& out);

// The principal an event is filed under: the caller ARN, or the service.
inline std::string_view PrincipalOf(const EventInput& e) {
  return e.actor->arn.empty() ? e.actor->invoked_by : e.actor->arn;
}
// The decision column: the effect, or "NotEvaluated".
inline std::string_view DecisionOf(const EventInput& e) {
  return e.effect.empty() ? std::string_view("NotEvaluated") : std::string_view(e.effect);
}

}  // namespace kmslab::audit

#endif  // KMSLAB_AUDIT_EVENT_H_
