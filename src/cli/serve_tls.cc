#include "cli/serve_tls.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "core/text_file.h"
#include "crypto/self_signed_certificate.h"

namespace kmslab::cli {

namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kValidity = 365 * kDay;
// A certificate this close to its end is replaced at start.
constexpr int64_t kRenewBefore = 30 * kDay;
// Clients whose clocks run a little behind accept a certificate made just now.
constexpr int64_t kBackdate = 3600;

core::Status IoError(const std::string& what) {
  return core::Status(core::Code::kUnavailable, what + ": " + std::strerror(errno));
}

// Replaces `path` with `bytes` (mode 0600): written to a temporary file,
// fsynced, renamed over it, so a crash leaves the old file or the new one.
core::Status WriteFile(const std::string& path, std::string_view bytes) {
  const std::string temporary = path + ".new";
  ::unlink(temporary.c_str());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create " + temporary);
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const core::Status error = IoError("cannot write " + path);
    ::unlink(temporary.c_str());
    return error;
  }
  return core::Status();
}

// The pair in these files, when it loads and its certificate is not near its end.
std::optional<crypto::TlsContext> Reusable(const std::string& certificate_file, const std::string& key_file,
                                           int64_t now) {
  core::StatusOr<crypto::TlsContext> context = crypto::TlsContext::Load(certificate_file, key_file);
  if (!context.ok()) return std::nullopt;
  core::StatusOr<std::string> pem = core::ReadTextFile(certificate_file);
  core::StatusOr<int64_t> not_after = pem.ok() ? crypto::CertificateNotAfter(*pem) : pem.status();
  if (!not_after.ok() || *not_after - now < kRenewBefore) return std::nullopt;
  return std::move(*context);
}

// The self-signed pair in DATA/tls/, reused or made anew.
core::StatusOr<ServeTls> GeneratedPair(const std::string& data_dir) {
  const std::string dir = data_dir + "/tls";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);  // as Stack::Open would; 0700 under serve's umask
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create " + dir);
  const std::filesystem::path absolute = std::filesystem::absolute(dir + "/cert.pem", ec);
  ServeTls tls{.certificate_file = ec ? dir + "/cert.pem" : absolute.string(), .generated = true};
  const std::string key_file = dir + "/key.pem";
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  tls.context = Reusable(tls.certificate_file, key_file, now);
  if (tls.context) return tls;

  ASSIGN_OR_RETURN(crypto::SelfSignedCertificate made,
                   crypto::MakeSelfSignedCertificate({.common_name = "localhost",
                                                      .dns_names = {"localhost"},
                                                      .ip_addresses = {"127.0.0.1", "::1"},
                                                      .not_before = now - kBackdate,
                                                      .not_after = now + kValidity}));
  // The key first: a crash between the two writes leaves a pair that does not
  // match, which the next start replaces.
  RETURN_IF_ERROR(WriteFile(key_file, made.private_key_pem.Reveal()));
  RETURN_IF_ERROR(WriteFile(tls.certificate_file, made.certificate_pem));
  ASSIGN_OR_RETURN(tls.context, crypto::TlsContext::Load(tls.certificate_file, key_file));
  return tls;
}

}  // namespace

std::string ServeTls::Describe() const {
  if (!context) return "";
  return "kmslab TLS certificate: " + certificate_file +
         (generated ? " (self-signed for localhost, 127.0.0.1 and ::1: trust it in your clients)" : "");
}

core::StatusOr<ServeTls> SetUpTls(const TlsFlags& flags, const std::string& data_dir) {
  const bool has_certificate = !flags.certificate_file.empty(), has_key = !flags.key_file.empty();
  if ((has_certificate || has_key) && !flags.enabled)
    return core::InvalidArgument("--tls-cert and --tls-key need --tls");
  if (has_certificate != has_key) return core::InvalidArgument("--tls-cert and --tls-key go together");
  if (!flags.enabled) return ServeTls{};
  if (!has_certificate) return GeneratedPair(data_dir);
  ASSIGN_OR_RETURN(crypto::TlsContext context, crypto::TlsContext::Load(flags.certificate_file, flags.key_file));
  return ServeTls{.context = std::move(context), .certificate_file = flags.certificate_file};
}

}  // namespace kmslab::cli
