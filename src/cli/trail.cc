#include "cli/trail.h"

#include <rapidjson/document.h>

#include <iomanip>
#include <iostream>

#include "core/strings.h"
#include "store/trail_store.h"

namespace kmslab::cli {

namespace {

std::string Member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

void PrintTable(const std::vector<store::AuditEventRow>& rows) {
  std::cout << std::left << std::setw(21) << "TIME" << std::setw(22) << "EVENT" << std::setw(14) << "DECISION"
            << std::setw(24) << "ERROR" << std::setw(68) << "PRINCIPAL" << "KEY / REQUEST ID\n";
  for (const store::AuditEventRow& row : rows) {
    rapidjson::Document event;
    event.Parse(row.event_json.data(), row.event_json.size());
    std::string via;
    if (!event.HasParseError() && event.HasMember("userIdentity") && event["userIdentity"].IsObject()) {
      const std::string invoked = Member(event["userIdentity"], "invokedBy");
      if (!invoked.empty() && row.principal != invoked) via = " via " + invoked;
    }
    const std::string key = row.key_arn.empty() ? "-" : row.key_arn.substr(row.key_arn.find('/') + 1);
    std::cout << std::setw(21) << core::FormatIso8601(row.event_time) << std::setw(22) << row.event_name
              << std::setw(14) << row.decision << std::setw(24) << (row.error_code.empty() ? "-" : row.error_code)
              << std::setw(68) << (row.principal + via + " ") << key << " " << row.request_id << "\n";
  }
  std::cout << rows.size() << " event(s)\n";
}

}  // namespace

core::StatusOr<int64_t> ParseTrailTime(const std::string& text) {
  std::string compact;
  for (char c : text)
    if (c != '-' && c != ':') compact += c;
  const int64_t ms = core::ParseAmzDate(compact);
  if (ms < 0) return core::InvalidArgument("takes an ISO 8601 time such as 2026-11-23T04:00:00Z");
  return ms;
}

core::StatusOr<store::AuditFilter> ParseTrailFilter(const std::map<std::string, std::string>& fields) {
  store::AuditFilter f;
  for (const auto& [name, value] : fields) {
    if (name == "principal") {
      f.principal = value;
    } else if (name == "eventName") {
      f.event_name = value;
    } else if (name == "keyId") {
      f.key = value;
    } else if (name == "errorCode") {
      f.error_code = value;
    } else if (name == "decision") {
      f.decision = value;
    } else if (name == "requestId") {
      f.request_id = value;
    } else if (name == "since" || name == "until") {
      auto ms = ParseTrailTime(value);
      if (!ms.ok()) return core::InvalidArgument(name + " " + ms.status().message());
      (name == "since" ? f.since_ms : f.until_ms) = *ms;
    } else if (name == "limit") {
      try {
        f.limit = std::stoll(value);
      } catch (const std::exception&) {
        return core::InvalidArgument("limit takes a number");
      }
      if (f.limit < 1) return core::InvalidArgument("limit must be positive");
    } else {
      return core::InvalidArgument("unknown trail filter '" + name +
                                   "' (principal, eventName, keyId, errorCode, decision, since, until, requestId, "
                                   "limit)");
    }
  }
  return f;
}

int Trail(const TrailOptions& options) {
  const std::string& data = options.data_dir;
  auto db = store::TrailStore::Open(data + "/trail.db", data + "/kmslab.db");
  if (!db.ok()) {
    std::cerr << "kmslab trail: " << db.status().message() << "\n";
    return 1;
  }
  auto rows = (*db)->Query(options.filter);
  if (!rows.ok()) {
    std::cerr << "kmslab trail: " << rows.status().message() << "\n";
    return 1;
  }
  if (options.json) {
    for (const store::AuditEventRow& row : *rows) std::cout << row.event_json << "\n";
  } else {
    PrintTable(*rows);
  }
  return 0;
}

}  // namespace kmslab::cli
