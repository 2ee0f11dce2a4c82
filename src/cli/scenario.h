// Scenario files of `kmslab check` (labs/README.md): a title, what to observe,
// setup steps and steps, each a signed call as a fixture principal with its
// expected outcome, or a move of the server clock. Parsing validates the whole
// file (shape, calls, saved names used before they are saved) and resolves
// {"file": ...} includes and inline "Policy" objects; ${name}, ${serverTime+N}
// and {"wrapKeyMaterial": ...} objects stay in the params until the step runs.
// Pure functions except that includes are read.
#ifndef KMSLAB_CLI_SCENARIO_H_
#define KMSLAB_CLI_SCENARIO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace kmslab::cli {

// Fragments and values may hold ${name}, replaced when the step runs.
struct Expectation {
  bool success = true;
  std::vector<std::pair<std::string, std::string>> values;  // success: dotted path -> exact value
  std::string error;        // the error type (`__type` after any '#', or STS's Code)
  std::string message;      // a fragment the error message must contain ("" when the file says so)
  std::string determining;  // a fragment kmslab's explanation of the denial must contain
};

struct Step {
  // A call, unless advance_seconds is set (a {"clock": {"advanceSeconds": N}} step).
  std::optional<int64_t> advance_seconds;
  std::string as = "admin";   // fixture principal
  std::string region = "us-east-1";  // the Region the call is signed for ("region": global tables)
  std::string service;        // kms, dynamodb, dynamodbstreams or sts
  std::string operation;      // e.g. CreateKey
  std::string params_json;    // the request body as JSON, includes resolved, ${name} not yet
  std::vector<std::pair<std::string, std::string>> save;  // saved name -> dotted response path
  Expectation expect;
  std::string note;
  bool uses_server_time = false;  // some ${serverTime...} in params or expectation: read the clock first

  std::string Call() const { return service + ":" + operation; }
};

struct Scenario {
  std::string file;
  std::string title;
  std::string observe;
  int64_t grant_delay_seconds = 0;  // "server": {"grantDelaySeconds": N}: in-process only
  std::vector<Step> setup;
  std::vector<Step> steps;
};

using SavedValues = std::map<std::string, std::string>;

// Parses scenario `text` read from `file`. {"file": PATH} objects are read
// relative to each of `include_dirs` in turn. Errors name the file, the step
// ("steps[2]") and the problem.
core::StatusOr<Scenario> ParseScenario(std::string_view text, const std::string& file,
                                       const std::vector<std::string>& include_dirs);

// `params_json` with every "${name}" inside its strings replaced by its saved value,
// "${serverTime}", "${serverTime+N}", "${serverTime-N}" by `server_seconds` (epoch
// seconds of the server clock) plus or minus N, and a string that is exactly one
// serverTime reference by that number as a JSON number. Then each
// {"wrapKeyMaterial": {"publicKey": B64, "material": B64, "algorithm": A}} object is
// replaced by the base64 of `material` encrypted with RSAES-OAEP (A: RSAES_OAEP_SHA_1
// or RSAES_OAEP_SHA_256) to the DER SubjectPublicKeyInfo `publicKey`. Errors: an
// unknown name, a serverTime reference without `server_seconds`, a wrap that fails
// (not base64, not an RSA public key, material too long for it).
core::StatusOr<std::string> ExpandParams(const std::string& params_json, const SavedValues& saved,
                                         std::optional<int64_t> server_seconds = std::nullopt);
// `text` with every "${name}" replaced by its saved value and every serverTime
// reference by its number's digits; errors as ExpandParams'.
core::StatusOr<std::string> ExpandText(const std::string& text, const SavedValues& saved,
                                       std::optional<int64_t> server_seconds = std::nullopt);

// The value at a dotted path ("KeyMetadata.Arn", "Grants[0].GrantId") of a JSON
// document: strings as they are, other values as JSON text; nullopt when absent.
std::optional<std::string> LookupPath(const std::string& json, const std::string& path);

}  // namespace kmslab::cli

#endif  // KMSLAB_CLI_SCENARIO_H_
