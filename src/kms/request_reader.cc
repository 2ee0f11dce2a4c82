#include "kms/request_reader.h"

#include <algorithm>

#include "core/base64.h"
#include "core/strings.h"
#include "kms/errors.h"

namespace kmslab::kms {

namespace {
// AWS names members lowerCamel in validation messages: KeyId -> keyId.
std::string MemberPath(const char* member) {
  std::string path(member);
  if (!path.empty()) path[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(path[0])));
  return path;
}

std::string Enumerate(const std::vector<const char*>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::string(values[i]);
  return out + "]";
}

bool InEnum(const std::string& value, const std::vector<const char*>& values) {
  for (const char* v : values)
    if (value == v) return true;
  return false;
}
}  // namespace

RequestReader::RequestReader(const rapidjson::Value& body) : body_(body) {}

const rapidjson::Value* RequestReader::Find(const char* member) {
  known_.push_back(member);
  auto it = body_.FindMember(member);
  if (it == body_.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

void RequestReader::Mismatch(const char* member, const char* expected) {
  if (serialization_error_.empty()) {
    serialization_error_ = "Member '" + std::string(member) + "' must be " + expected + ".";
  }
}

void RequestReader::Missing(const std::string& path) {
  failures_.push_back("Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
}

void RequestReader::Fail(const char* member, const std::string& value, bool show_value,
                         const std::string& constraint) {
  std::string path = MemberPath(member);
  failures_.push_back((show_value ? "Value '" + value + "' at '" : "Value at '") + path +
                      "' failed to satisfy constraint: " + constraint);
}

void RequestReader::CheckString(const std::string& path, const std::string& value, const StrRule& rule) {
  auto fail = [&](const std::string& constraint) {
    failures_.push_back((rule.sensitive ? "Value at '" : "Value '" + value + "' at '") + path +
                        "' failed to satisfy constraint: " + constraint);
  };
  if (value.size() < rule.min) {
    fail("Member must have length greater than or equal to " + std::to_string(rule.min));
  } else if (value.size() > rule.max) {
    fail("Member must have length less than or equal to " + std::to_string(rule.max));
  } else if (!rule.enum_values.empty() && !InEnum(value, rule.enum_values)) {
    fail("Member must satisfy enum value set: " + Enumerate(rule.enum_values));
  }
}

std::optional<std::string> RequestReader::String(const char* member, const StrRule& rule) {
  const rapidjson::Value* v = Find(member);
  if (!v) {
    if (rule.required) Missing(MemberPath(member));
    return std::nullopt;
  }
  if (!v->IsString()) {
    Mismatch(member, "a string");
    return std::nullopt;
  }
  std::string value(v->GetString(), v->GetStringLength());
  size_t before = failures_.size();
  CheckString(MemberPath(member), value, rule);
  if (failures_.size() != before) return std::nullopt;
  return value;
}

std::optional<std::string> RequestReader::Blob(const char* member, const StrRule& rule) {
  const rapidjson::Value* v = Find(member);
  if (!v) {
    if (rule.required) Missing(MemberPath(member));
    return std::nullopt;
  }
  std::string bytes;
  if (!v->IsString() || !core::Base64Decode(std::string_view(v->GetString(), v->GetStringLength()), &bytes)) {
    Mismatch(member, "a base64-encoded string");
    return std::nullopt;
  }
  StrRule blob_rule = rule;
  blob_rule.sensitive = true;
  size_t before = failures_.size();
  CheckString(MemberPath(member), bytes, blob_rule);
  if (failures_.size() != before) return std::nullopt;
  return bytes;
}

std::optional<int64_t> RequestReader::Int(const char* member, const IntRule& rule) {
  const rapidjson::Value* v = Find(member);
  if (!v) {
    if (rule.required) Missing(MemberPath(member));
    return std::nullopt;
  }
  if (!v->IsInt64()) {
    Mismatch(member, "an integer");
    return std::nullopt;
  }
  int64_t value = v->GetInt64();
  if (value < rule.min) {
    Fail(member, std::to_string(value), true,
         "Member must have value greater than or equal to " + std::to_string(rule.min));
    return std::nullopt;
  }
  if (value > rule.max) {
    Fail(member, std::to_string(value), true, "Member must have value less than or equal to " + std::to_string(rule.max));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> RequestReader::Bool(const char* member) {
  const rapidjson::Value* v = Find(member);
  if (!v) return std::nullopt;
  if (!v->IsBool()) {
    Mismatch(member, "a boolean");
    return std::nullopt;
  }
  return v->GetBool();
}

std::optional<std::vector<std::string>> RequestReader::StringList(const char* member, const ListRule& rule) {
  const rapidjson::Value* v = Find(member);
  if (!v) {
    if (rule.required) Missing(MemberPath(member));
    return std::nullopt;
  }
  if (!v->IsArray()) {
    Mismatch(member, "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) {
      Mismatch(member, "a list of strings");
      return std::nullopt;
    }
    items.emplace_back(item.GetString(), item.GetStringLength());
  }
  size_t before = failures_.size();
  if (items.size() < rule.min_items) {
    failures_.push_back("Value '[" + core::Join(items, ", ") + "]' at '" + MemberPath(member) +
                        "' failed to satisfy constraint: Member must have length greater than or equal to " +
                        std::to_string(rule.min_items));
  } else if (items.size() > rule.max_items) {
    failures_.push_back("Value '[" + core::Join(items, ", ") + "]' at '" + MemberPath(member) +
                        "' failed to satisfy constraint: Member must have length less than or equal to " +
                        std::to_string(rule.max_items));
  }
  // An invalid item fails the list as a whole, as AWS words it:
  // "Value '[a, b]' at 'operations' failed to satisfy constraint: Member must
  // satisfy constraint: [Member must satisfy enum value set: [...]]".
  for (const auto& item : items) {
    std::string item_failure;
    if (item.size() < rule.item_min) {
      item_failure = "Member must have length greater than or equal to " + std::to_string(rule.item_min);
    } else if (item.size() > rule.item_max) {
      item_failure = "Member must have length less than or equal to " + std::to_string(rule.item_max);
    } else if (!rule.enum_values.empty() && !InEnum(item, rule.enum_values)) {
      item_failure = "Member must satisfy enum value set: " + Enumerate(rule.enum_values);
    }
    if (!item_failure.empty()) {
      failures_.push_back("Value '[" + core::Join(items, ", ") + "]' at '" + MemberPath(member) +
                          "' failed to satisfy constraint: Member must satisfy constraint: [" + item_failure + "]");
      break;
    }
  }
  if (failures_.size() != before) return std::nullopt;
  return items;
}

std::optional<StringMap> RequestReader::Map(const char* member) {
  const rapidjson::Value* v = Find(member);
  if (!v) return std::nullopt;
  if (!v->IsObject()) {
    Mismatch(member, "a map of strings to strings");
    return std::nullopt;
  }
  StringMap map;
  for (const auto& m : v->GetObject()) {
    if (!m.value.IsString()) {
      Mismatch(member, "a map of strings to strings");
      return std::nullopt;
    }
    map[std::string(m.name.GetString(), m.name.GetStringLength())] =
        std::string(m.value.GetString(), m.value.GetStringLength());
  }
  return map;
}

std::optional<std::vector<Tag>> RequestReader::Tags(const char* member, bool required) {
  const rapidjson::Value* v = Find(member);
  if (!v) {
    if (required) Missing(MemberPath(member));
    return std::nullopt;
  }
  if (!v->IsArray()) {
    Mismatch(member, "a list of tags");
    return std::nullopt;
  }
  std::vector<Tag> tags;
  size_t before = failures_.size();
  size_t index = 0;
  for (const auto& item : v->GetArray()) {
    ++index;
    if (!item.IsObject()) {
      Mismatch(member, "a list of tags");
      return std::nullopt;
    }
    Tag tag;
    std::string prefix = MemberPath(member) + "." + std::to_string(index) + ".member.";
    for (const auto& m : item.GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      if ((name != "TagKey" && name != "TagValue") || !m.value.IsString()) {
        Mismatch(member, "a list of {TagKey, TagValue} objects");
        return std::nullopt;
      }
      (name == "TagKey" ? tag.key : tag.value) = std::string(m.value.GetString(), m.value.GetStringLength());
    }
    if (!item.HasMember("TagKey") || !item.HasMember("TagValue")) {
      Missing(prefix + (item.HasMember("TagKey") ? "tagValue" : "tagKey"));
      continue;
    }
    CheckString(prefix + "tagKey", tag.key, {.min = 1, .max = 128});
    CheckString(prefix + "tagValue", tag.value, {.max = 256});
    tags.push_back(std::move(tag));
  }
  if (failures_.size() != before) return std::nullopt;
  return tags;
}

std::optional<int64_t> RequestReader::Timestamp(const char* member) {
  const rapidjson::Value* v = Find(member);
  if (!v) return std::nullopt;
  // Beyond year 9999 or before 1970 is no date KMS takes; read as a type error.
  constexpr double kMaxSeconds = 253402300799.0;
  if (!v->IsNumber() || v->GetDouble() < 0 || v->GetDouble() > kMaxSeconds) {
    Mismatch(member, "a timestamp");
    return std::nullopt;
  }
  return static_cast<int64_t>(v->GetDouble() * 1000.0);
}

const rapidjson::Value* RequestReader::Object(const char* member) {
  const rapidjson::Value* v = Find(member);
  if (v && !v->IsObject()) {
    Mismatch(member, "a structure");
    return nullptr;
  }
  return v;
}

void RequestReader::Accept(const char* member) { known_.push_back(member); }

core::Status RequestReader::Finish() {
  if (!serialization_error_.empty()) return SerializationError(serialization_error_);
  for (const auto& m : body_.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
      return ValidationError("Unknown member '" + name + "': the operation's input has no such member.");
    }
  }
  if (failures_.empty()) return core::Status();
  std::string message = std::to_string(failures_.size()) +
                        (failures_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  return ValidationError(message + core::Join(failures_, "; "));
}

}  // namespace kmslab::kms
