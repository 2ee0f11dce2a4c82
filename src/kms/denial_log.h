// DenialLog: every AccessDenied the server returns, with the explanation AWS
// never gives, appended as one JSON line to DATA/denials.jsonl and echoed to
// stderr, so `kmslab explain --request-id ID` can find it later.
// Holds no secrets (no plaintext, keys or tokens). Thread-safe.
#ifndef KMSLAB_KMS_DENIAL_LOG_H_
#define KMSLAB_KMS_DENIAL_LOG_H_

#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace kmslab::kms {

struct Denial {
  std::string request_id;
  std::string time;      // ISO 8601
  std::string caller;    // ARN
  std::string action;
  std::string resource;
  std::string message;      // the AccessDeniedException text
  std::string explanation;  // why, statement by statement
};

class DenialLog {
 public:
  // `path` empty: stderr only.
  explicit DenialLog(std::string path) : path_(std::move(path)) {}
  void Record(const Denial& denial);

  // The denial recorded for `request_id` in the log at `path`, if any.
  static std::optional<Denial> Find(const std::string& path, const std::string& request_id);

 private:
  std::mutex mu_;
  std::string path_;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_DENIAL_LOG_H_
