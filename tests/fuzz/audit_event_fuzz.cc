// The trail event writer (audit/event.cc): ParametersJson of a request,
// ShareActor and AppendEventJson, whose output must always be one JSON
// object. Input lines: 1 the event name ("CreateGrant"); 2 the error code;
// 3 the error message; 4 a determining statement's sid (also the actor's
// user agent); the rest the request JSON (also the response body). Rendered
// once as an API call, once as a service event with details from the lines.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "audit/event.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  fuzz::FuzzInput input(data, size);
  audit::EventInput event;
  event.event_name = input.Line();
  event.error_code = input.Line();
  event.error_message = input.Line();
  const std::string sid(input.Line());
  const std::string_view json = input.Rest();
  if (!fuzz::NestingAtMost(json, 64)) return 0;

  rapidjson::Document request;
  request.Parse(json.data(), json.size());
  if (!request.HasParseError()) event.request_parameters = audit::ParametersJson(request);
  event.response_body = json;
  event.time_ms = 1795000000000;
  event.event_id = "0d6a3f0e-2f1b-4a8e-9a59-3b1f5f7c0e11";
  event.region = "us-east-1";
  event.request_id = "5b8f2c1e-6a3d-4e0f-8c7b-2d9e1f0a4b6c";
  event.actor = audit::ShareActor({.identity_type = "IAMUser",
                                   .principal_id = "AIDAEXAMPLE",
                                   .arn = "arn:aws:iam::111122223333:user/" + sid,
                                   .account = "111122223333",
                                   .access_key_id = "AKIDEXAMPLE",
                                   .user_name = sid,
                                   .source_ip = "127.0.0.1",
                                   .user_agent = sid});
  event.resources = {{"111122223333", "arn:aws:kms:us-east-1:111122223333:key/" + sid}};
  event.effect = sid.empty() ? "" : "Deny";
  event.determining = {{"kms:Decrypt", {.source = "key-policy", .index = 1, .sid = sid}},
                       {"kms:Decrypt", {.grant_id = sid}}};
  event.explanation = sid;
  std::string out;
  audit::AppendEventJson(event, out);
  // The same as a service event of KMS itself, its details from the input.
  event.service_event = true;
  event.actor = audit::InternalActor(sid);
  event.service_event_details = {{"keyId", sid}, {event.error_code, event.error_message}};
  out.push_back('\n');
  audit::AppendEventJson(event, out);
  for (size_t begin = 0; begin < out.size();) {
    const size_t end = out.find('\n', begin);
    const std::string_view line = std::string_view(out).substr(begin, end - begin);
    rapidjson::Document check;
    check.Parse(line.data(), line.size());
    if (check.HasParseError() || !check.IsObject()) __builtin_trap();  // the trail must stay JSON
    begin = end == std::string::npos ? out.size() : end + 1;
  }
  return 0;
}
