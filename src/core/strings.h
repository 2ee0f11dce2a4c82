// Small string helpers shared by every module. Pure functions, thread-safe.
#ifndef KMSLAB_CORE_STRINGS_H_
#define KMSLAB_CORE_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace kmslab::core {

std::string HexEncode(std::string_view bytes);
// Lowercase or uppercase hex, even length; false on anything else.
bool HexDecode(std::string_view hex, std::string* out);
// The value of one hex digit (either case), or -1.
int HexDigitValue(char c);

// ASCII case folding (AWS names are ASCII); other bytes pass unchanged.
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// True for a lowercase canonical UUID: 8-4-4-4-12 hex digits.
bool IsLowerUuid(std::string_view s);

// Formats epoch milliseconds as ISO 8601 UTC, "2026-11-23T01:33:45Z".
std::string FormatIso8601(int64_t epoch_millis);

// SigV4's X-Amz-Date form, "20261123T013345Z", and back (-1 when malformed).
std::string FormatAmzDate(int64_t epoch_millis);
int64_t ParseAmzDate(std::string_view text);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_STRINGS_H_
