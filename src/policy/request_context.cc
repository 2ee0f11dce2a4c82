#include "policy/request_context.h"

#include <utility>

#include "core/strings.h"

namespace kmslab::policy {
namespace {

// `stored` is lowercase already.
bool SameKey(std::string_view stored, std::string_view key) {
  if (stored.size() != key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != stored[i]) return false;
  }
  return true;
}

}  // namespace

RequestContext::Entry* RequestContext::FindEntry(std::string_view key) {
  for (Entry& entry : entries_)
    if (SameKey(entry.key, key)) return &entry;
  return nullptr;
}

void RequestContext::Set(std::string_view key, std::string value) {
  std::vector<std::string> values;
  values.push_back(std::move(value));
  SetList(key, std::move(values));
}

void RequestContext::SetList(std::string_view key, std::vector<std::string> values) {
  if (Entry* entry = FindEntry(key)) {
    entry->values = std::move(values);
    return;
  }
  entries_.push_back(Entry{core::ToLower(key), std::move(values)});
}

void RequestContext::SetBool(std::string_view key, bool value) { Set(key, value ? "true" : "false"); }

void RequestContext::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (SameKey(it->key, key)) {
      entries_.erase(it);
      return;
    }
  }
}

const std::vector<std::string>* RequestContext::Find(std::string_view key) const {
  for (const Entry& entry : entries_)
    if (SameKey(entry.key, key)) return &entry.values;
  return nullptr;
}

}  // namespace kmslab::policy
