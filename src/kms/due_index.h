// When each key next has scheduled work (its deletion date, its next
// automatic rotation, the expiry of its imported material), ordered by time,
// so that finding the earliest and the keys due by now costs O(log n) per
// change instead of a walk over every key. Not thread-safe: the KeyRegistry
// guards it with its write lock.
#ifndef KMSLAB_KMS_DUE_INDEX_H_
#define KMSLAB_KMS_DUE_INDEX_H_

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kmslab::kms {

class DueIndex {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  // Records that `name` next has work at `due_ms` (kNever: none).
  void Set(const std::string& name, int64_t due_ms) {
    Erase(name);
    if (due_ms == kNever) return;
    due_.emplace(name, due_ms);
    order_.emplace(due_ms, name);
  }
  void Erase(const std::string& name) {
    auto it = due_.find(name);
    if (it == due_.end()) return;
    order_.erase({it->second, name});
    due_.erase(it);
  }
  void Clear() {
    due_.clear();
    order_.clear();
  }
  // The earliest due time, or kNever.
  int64_t Earliest() const { return order_.empty() ? kNever : order_.begin()->first; }
  // The names due at or before `now_ms`, earliest first.
  std::vector<std::string> DueBy(int64_t now_ms) const {
    std::vector<std::string> names;
    for (auto it = order_.begin(); it != order_.end() && it->first <= now_ms; ++it) names.push_back(it->second);
    return names;
  }

 private:
  std::unordered_map<std::string, int64_t> due_;  // by name
  std::set<std::pair<int64_t, std::string>> order_;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_DUE_INDEX_H_
