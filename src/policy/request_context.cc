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

std::string Lowercase(std::string_view key) {
  std::string lower(key);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower;
}

}  // namespace

size_t RequestContext::Position(std::string_view key) const {
  if (entries_.size() < kIndexedFrom) {
    for (size_t i = 0; i < entries_.size(); ++i)
      if (SameKey(entries_[i].key, key)) return i;
    return entries_.size();
  }
  auto it = index_.find(Lowercase(key));
  return it == index_.end() ? entries_.size() : it->second;
}

void RequestContext::Reindex() {
  index_.clear();
  if (entries_.size() < kIndexedFrom) return;
  index_.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].key, i);
}

RequestContext::Entry& RequestContext::EntryFor(std::string_view key) {
  const size_t at = Position(key);
  if (at < entries_.size()) return entries_[at];
  entries_.emplace_back().key = Lowercase(key);
  if (entries_.size() == kIndexedFrom) {
    Reindex();
  } else if (entries_.size() > kIndexedFrom) {
    index_.emplace(entries_.back().key, entries_.size() - 1);
  }
  return entries_.back();
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
  const size_t at = Position(key);
  if (at == entries_.size()) return;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(at));
  Reindex();
}

std::optional<RequestContext::Values> RequestContext::Find(std::string_view key) const {
  const size_t at = Position(key);
  if (at == entries_.size()) return std::nullopt;
  return entries_[at].values();
}

}  // namespace kmslab::policy
