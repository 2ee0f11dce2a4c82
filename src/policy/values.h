// Typed values of the condition operators: numbers, dates (ISO 8601 or epoch
// seconds), IP addresses and CIDR blocks, booleans. Parsing is strict; every
// function returns nullopt for text it does not accept. Pure, thread-safe.
#ifndef KMSLAB_POLICY_VALUES_H_
#define KMSLAB_POLICY_VALUES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kmslab::policy {

// Integers and decimals: optional sign, digits, optional fraction.
std::optional<double> ParseNumber(std::string_view text);

// Epoch milliseconds. Accepts epoch seconds ("1700000000", "1700000000.5") and
// ISO 8601: "2020-01-31", "2020-01-31T10:00Z", "2020-01-31T10:00:00Z",
// "2020-01-31T10:00:00.123Z", "2020-01-31T10:00:00+02:00" (no zone means UTC).
std::optional<int64_t> ParseDate(std::string_view text);

// An address or CIDR block. IPv4 is held in the first 4 bytes.
struct IpNet {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;  // bits; the full length when the text had no "/n"
};
// "10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1", "::ffff:192.0.2.1".
std::optional<IpNet> ParseIpNet(std::string_view text);
// True when `address` lies in `net` (same family only).
bool IpInNet(const IpNet& address, const IpNet& net);

// "true" / "false", case-insensitive.
std::optional<bool> ParseBool(std::string_view text);

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_VALUES_H_
