// Grant tokens (kms/grant_token.cc): parsing arbitrary text, and for every
// token that parses a make/parse round trip that must name the same grant and key.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kms/grant_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  auto ref = kms::ParseGrantToken(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!ref) return 0;
  auto again = kms::ParseGrantToken(kms::MakeGrantToken(ref->grant_id, ref->key_id));
  if (!again || again->grant_id != ref->grant_id || again->key_id != ref->key_id) __builtin_trap();
  return 0;
}
