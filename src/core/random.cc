#include "core/random.h"

#include <sys/random.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>

#include "core/strings.h"

namespace kmslab::core {

namespace {
void Fill(char* out, size_t n) {
  size_t filled = 0;
  while (filled < n) {
    ssize_t got = getrandom(out + filled, n - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // No entropy source: nothing secure can continue.
    }
    filled += static_cast<size_t>(got);
  }
}

// Kernel randomness fetched in blocks per thread, so a request does not pay
// a system call for each IV and request id. Bytes are handed out once and
// wiped as they go.
struct Pool {
  static constexpr size_t kSize = 4096;
  char bytes[kSize];
  size_t used = kSize;
  ~Pool() {
    volatile char* p = bytes;
    for (size_t i = 0; i < kSize; ++i) p[i] = 0;
  }
};
}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > Pool::kSize / 4) {
    Fill(out.data(), n);
    return out;
  }
  thread_local Pool pool;
  if (pool.used + n > Pool::kSize) {
    Fill(pool.bytes, Pool::kSize);
    pool.used = 0;
  }
  char* src = pool.bytes + pool.used;
  std::copy(src, src + n, out.data());
  volatile char* wipe = src;
  for (size_t i = 0; i < n; ++i) wipe[i] = 0;
  pool.used += n;
  return out;
}

std::string NewUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uuid(36, '-');
  size_t at = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
    const auto byte = static_cast<unsigned char>(b[i]);
    uuid[at++] = kHex[byte >> 4];
    uuid[at++] = kHex[byte & 0x0f];
  }
  return uuid;
}

}  // namespace kmslab::core
