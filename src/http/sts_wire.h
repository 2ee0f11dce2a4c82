// The STS query protocol on the shared port: form-encoded POSTs
// (Action=GetCallerIdentity | AssumeRole, Version=2011-06-15) answered in
// STS's XML. Thread-safe.
#ifndef KMSLAB_HTTP_STS_WIRE_H_
#define KMSLAB_HTTP_STS_WIRE_H_

#include <map>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "iam/directory.h"

namespace kmslab::http {

struct StsReply {
  int status = 200;
  std::string body;  // text/xml
};

// Decodes application/x-www-form-urlencoded text ('+' is a space).
std::map<std::string, std::string> ParseForm(std::string_view body);

class StsEndpoint {
 public:
  StsEndpoint(iam::Directory* directory, const core::Clock* clock) : directory_(directory), clock_(clock) {}
  StsReply Handle(const std::map<std::string, std::string>& form, const iam::Identity& caller,
                  const std::string& request_id) const;
  // An STS XML error body for `status` (auth failures use STS's codes).
  static StsReply Error(const core::Status& status, const std::string& request_id);

 private:
  iam::Directory* directory_;
  const core::Clock* clock_;
};

}  // namespace kmslab::http

#endif  // KMSLAB_HTTP_STS_WIRE_H_
