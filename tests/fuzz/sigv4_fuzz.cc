// SigV4 (http/sigv4.cc): the Authorization header parser, the canonical
// request and the signature. Input lines:
//   1: the Authorization header
//   2: "METHOD /path"
//   3: the query, "name=value&..." (taken as decoded)
//   then "Name: value" header lines up to an empty line; the rest is the body.
// The signed headers are the parsed header's, else every header given; a
// list that names one twice only meets RepeatsAName, as in the authenticator.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/strings.h"
#include "fuzz_input.h"
#include "http/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  fuzz::FuzzInput input(data, size);
  const std::string_view authorization = input.Line();
  const std::string_view request_line = input.Line();
  const size_t space = request_line.find(' ');
  const std::string_view method = request_line.substr(0, space);
  const std::string_view path = space == std::string_view::npos ? "/" : request_line.substr(space + 1);
  http::QueryParams query;
  const std::string_view query_line = input.Line();
  if (!query_line.empty()) {
    for (const std::string& pair : core::Split(query_line, '&')) {
      const size_t eq = pair.find('=');
      query.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    }
  }
  http::HeaderViews headers{{"Authorization", authorization}};
  std::vector<std::string> all_names;
  for (std::string_view line = input.Line(); !line.empty(); line = input.Line()) {
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace_back(name, value);
    all_names.push_back(core::ToLower(name));
  }
  const http::SignableRequest request{method, path, query, headers, input.Rest()};

  std::optional<http::SigV4Authorization> auth = http::ParseAuthorization(authorization);
  const std::vector<std::string>& signed_names = auth ? auth->signed_headers : all_names;
  // A list naming a header twice is refused before its canonical request is
  // built (CanonicalRequest's contract), as the authenticator does.
  const bool repeats = http::RepeatsAName(signed_names);
  if (!repeats) (void)http::CanonicalRequest(request, signed_names);
  (void)http::UriEncode(path, true);
  (void)http::UriEncode(authorization, false);
  if (auth && !repeats) {
    http::SigningKeyCache cache;  // per input: the cache keeps every scope it meets
    (void)http::ComputeSignature(request, *auth, "20261123T000000Z", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", cache);
  }
  return 0;
}
