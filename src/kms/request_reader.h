// RequestReader: turns a decoded AWS JSON request body into typed values and
// collects AWS-worded failures.
//
// Each getter names a member of the operation's input shape, checks its JSON
// type and the rule given, and returns the value (nullopt when absent or
// invalid). Finish() then reports, in order: the first type mismatch
// (SerializationException), members the shape does not have, and the
// constraint failures as one ValidationException
// ("N validation error(s) detected: ...; ..."), as AWS words them.
// Not thread-safe; one reader per request.
#ifndef KMSLAB_KMS_REQUEST_READER_H_
#define KMSLAB_KMS_REQUEST_READER_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace kmslab::kms {

struct StrRule {
  bool required = false;
  size_t min = 0;
  size_t max = std::numeric_limits<size_t>::max();
  bool sensitive = false;                 // omit the value from messages
  std::vector<const char*> enum_values;   // empty: any value
};

struct IntRule {
  bool required = false;
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct ListRule {
  bool required = false;
  size_t min_items = 0;
  size_t max_items = std::numeric_limits<size_t>::max();
  size_t item_min = 0;
  size_t item_max = std::numeric_limits<size_t>::max();
  std::vector<const char*> enum_values;
};

struct Tag {
  std::string key;
  std::string value;
};

using StringMap = std::map<std::string, std::string>;

class RequestReader {
 public:
  // `body` must outlive the reader.
  explicit RequestReader(const rapidjson::Value& body);

  std::optional<std::string> String(const char* member, const StrRule& rule = {});
  // A base64 blob, decoded. Lengths apply to the decoded bytes; values are
  // never echoed in messages.
  std::optional<std::string> Blob(const char* member, const StrRule& rule = {});
  std::optional<int64_t> Int(const char* member, const IntRule& rule = {});
  std::optional<bool> Bool(const char* member);
  // A timestamp (epoch seconds, with or without a fraction), in epoch milliseconds.
  std::optional<int64_t> Timestamp(const char* member);
  std::optional<std::vector<std::string>> StringList(const char* member, const ListRule& rule = {});
  std::optional<StringMap> Map(const char* member);
  // [{"TagKey": .., "TagValue": ..}]: key 1-128, value 0-256 characters.
  std::optional<std::vector<Tag>> Tags(const char* member, bool required);
  // A structure member, for the operation to read itself (null when absent).
  const rapidjson::Value* Object(const char* member);
  // A member the shape has that this server accepts and does not use.
  void Accept(const char* member);

  // Adds a constraint failure in AWS's form for `member`.
  void Fail(const char* member, const std::string& value, bool show_value, const std::string& constraint);

  core::Status Finish();

 private:
  const rapidjson::Value* Find(const char* member);
  void Mismatch(const char* member, const char* expected);
  void Missing(const std::string& path);
  void CheckString(const std::string& path, const std::string& value, const StrRule& rule);

  const rapidjson::Value& body_;
  std::vector<std::string_view> known_;  // member names (string literals)
  std::string serialization_error_;
  std::vector<std::string> failures_;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_REQUEST_READER_H_
