#include "policy/request_context.h"

#include <utility>

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

RequestContext::Entry& RequestContext::EntryFor(std::string_view key) {
  for (Entry& entry : entries_)
    if (SameKey(entry.key, key)) return entry;
  Entry& added = entries_.emplace_back();
  added.key.resize(key.size());
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    added.key[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return added;
}

void RequestContext::Set(std::string_view key, std::string value) {
  Entry& entry = EntryFor(key);
  entry.value = std::move(value);
  entry.list.clear();
  entry.is_list = false;
}

void RequestContext::SetList(std::string_view key, std::vector<std::string> values) {
  Entry& entry = EntryFor(key);
  entry.value.clear();
  entry.list = std::move(values);
  entry.is_list = true;
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

std::optional<RequestContext::Values> RequestContext::Find(std::string_view key) const {
  for (const Entry& entry : entries_)
    if (SameKey(entry.key, key)) return entry.values();
  return std::nullopt;
}

}  // namespace kmslab::policy
