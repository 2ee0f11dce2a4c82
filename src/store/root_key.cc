#include "store/root_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/random.h"
#include "core/strings.h"

namespace kmslab::store {

namespace {
constexpr size_t kRootKeyBytes = 32;

core::Status IoError(const std::string& what) {
  return core::Status(core::Code::kUnavailable, what + ": " + std::strerror(errno));
}

core::StatusOr<core::SecretBytes> ReadRootKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot read " + path);
  std::string bytes(kRootKeyBytes + 1, '\0');
  ssize_t got = ::read(fd, bytes.data(), bytes.size());
  ::close(fd);
  if (got != static_cast<ssize_t>(kRootKeyBytes)) {
    return core::DataLoss(path + " must hold exactly 32 bytes");
  }
  bytes.resize(kRootKeyBytes);
  return core::SecretBytes(std::move(bytes));
}
}  // namespace

core::StatusOr<core::SecretBytes> LoadOrCreateRootKey(const std::string& data_dir) {
  if (const char* env = std::getenv("KMSLAB_ROOT_KEY"); env && *env) {
    std::string bytes;
    if (!core::HexDecode(env, &bytes) || bytes.size() != kRootKeyBytes) {
      return core::InvalidArgument("KMSLAB_ROOT_KEY must be 64 hex digits");
    }
    return core::SecretBytes(std::move(bytes));
  }
  const std::string path = data_dir + "/root.key";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ReadRootKey(path);
    return IoError("cannot create " + path);
  }
  core::SecretBytes key(core::RandomBytes(kRootKeyBytes));
  bool ok = ::write(fd, key.Reveal().data(), kRootKeyBytes) == static_cast<ssize_t>(kRootKeyBytes) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return IoError("cannot write " + path);
  }
  return key;
}

}  // namespace kmslab::store
