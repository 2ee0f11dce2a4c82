// Standard base64 with padding (RFC 4648 section 4), as AWS JSON blobs use.
// Pure functions, thread-safe.
#ifndef KMSLAB_CORE_BASE64_H_
#define KMSLAB_CORE_BASE64_H_

#include <string>
#include <string_view>

namespace kmslab::core {

std::string Base64Encode(std::string_view bytes);
// Strict: padding required, no whitespace, no URL-safe alphabet.
bool Base64Decode(std::string_view text, std::string* out);

// URL-safe alphabet ('-', '_') without padding (RFC 4648 section 5), as
// grant tokens use.
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string* out);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_BASE64_H_
