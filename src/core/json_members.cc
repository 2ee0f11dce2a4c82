#include "core/json_members.h"

#include <string_view>
#include <unordered_map>
#include <vector>

namespace kmslab::core {

namespace {

std::string_view NameOf(const rapidjson::Value& name) { return {name.GetString(), name.GetStringLength()}; }

// True when some member name of `object` occurs twice.
bool HasRepeatedName(const rapidjson::Value& object) {
  const rapidjson::SizeType count = object.MemberCount();
  if (count < 2) return false;
  const auto members = object.MemberBegin();
  if (count <= 16) {
    for (rapidjson::SizeType i = 1; i < count; ++i) {
      for (rapidjson::SizeType j = 0; j < i; ++j) {
        if (NameOf(members[i].name) == NameOf(members[j].name)) return true;
      }
    }
    return false;
  }
  std::unordered_map<std::string_view, bool> seen;
  seen.reserve(count);
  for (rapidjson::SizeType i = 0; i < count; ++i) {
    if (!seen.emplace(NameOf(members[i].name), true).second) return true;
  }
  return false;
}

void MergeRepeatedNames(rapidjson::Value& object, rapidjson::Document::AllocatorType& allocator) {
  std::unordered_map<std::string_view, rapidjson::SizeType> first_index;
  std::vector<bool> repeat(object.MemberCount(), false);
  auto members = object.MemberBegin();
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    auto [at, inserted] = first_index.emplace(NameOf(members[i].name), i);
    if (inserted) continue;
    members[at->second].value = members[i].value;  // RapidJSON assignment moves
    repeat[i] = true;
  }
  rapidjson::Value merged(rapidjson::kObjectType);
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    if (!repeat[i]) merged.AddMember(members[i].name, members[i].value, allocator);
  }
  object = merged;
}

}  // namespace

void KeepLastMembers(rapidjson::Value& value, rapidjson::Document::AllocatorType& allocator) {
  if (value.IsArray()) {
    for (auto& element : value.GetArray()) KeepLastMembers(element, allocator);
    return;
  }
  if (!value.IsObject()) return;
  if (HasRepeatedName(value)) MergeRepeatedNames(value, allocator);
  for (auto& member : value.GetObject()) KeepLastMembers(member.value, allocator);
}

}  // namespace kmslab::core
