#include "kms/denial_log.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

namespace kmslab::kms {

namespace {
constexpr const char* kFields[] = {"requestId", "time", "caller", "action", "resource", "message", "explanation"};

std::string* Field(Denial& d, int i) {
  std::string* fields[] = {&d.request_id, &d.time, &d.caller, &d.action, &d.resource, &d.message, &d.explanation};
  return fields[i];
}
}  // namespace

void DenialLog::Record(const Denial& denial) {
  Denial copy = denial;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (int i = 0; i < 7; ++i) {
    w.Key(kFields[i]);
    w.String(Field(copy, i)->c_str());
  }
  w.EndObject();
  std::lock_guard<std::mutex> lock(mu_);
  std::cerr << "kmslab: denied " << denial.request_id << ": " << denial.message << "\n";
  if (path_.empty()) return;
  // One write of the whole line, to a file only the server's user reads.
  std::string line = std::string(buffer.GetString(), buffer.GetSize()) + "\n";
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::cerr << "kmslab: cannot append to " << path_ << "\n";
  }
  if (fd >= 0) ::close(fd);
}

std::optional<Denial> DenialLog::Find(const std::string& path, const std::string& request_id) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(request_id) == std::string::npos) continue;
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("requestId") ||
        request_id != doc["requestId"].GetString()) {
      continue;
    }
    Denial d;
    for (int i = 0; i < 7; ++i)
      if (doc.HasMember(kFields[i]) && doc[kFields[i]].IsString()) *Field(d, i) = doc[kFields[i]].GetString();
    return d;
  }
  return std::nullopt;
}

}  // namespace kmslab::kms
