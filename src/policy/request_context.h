// RequestContext: the condition keys of one request (docs/spec/kms.md section 6) and
// their values, as policy conditions and policy variables see them.
//
// Key names are case-insensitive: they are stored lowercased and looked up
// without regard to case. Values keep their case. A key holds one value
// (Set, SetBool) or several (SetList); a key with an empty list counts as
// absent for every operator. Set and Find take constant time on average
// however many keys there are (a request can carry 20,000 encryption-context
// pairs). Not thread-safe to mutate; const use is.
#ifndef KMSLAB_POLICY_REQUEST_CONTEXT_H_
#define KMSLAB_POLICY_REQUEST_CONTEXT_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kmslab::policy {

class RequestContext {
 public:
  // The values of one key: a view, valid until the next mutation.
  using Values = std::span<const std::string>;

  struct Entry {
    std::string key;              // lowercased
    std::string value;            // a single-valued key's value (is_list false)
    std::vector<std::string> list;  // a multi-valued key's values (is_list true)
    bool is_list = false;
    Values values() const { return is_list ? Values(list) : Values(&value, 1); }
  };

  // Room for `n` keys in one allocation.
  void Reserve(size_t n) { entries_.reserve(n); }

  // Each setter replaces any earlier value of the same key.
  void Set(std::string_view key, std::string value);                    // single-valued
  void SetList(std::string_view key, std::vector<std::string> values);  // multi-valued
  void SetBool(std::string_view key, bool value);                       // "true" / "false"
  void Erase(std::string_view key);

  // std::nullopt when absent.
  std::optional<Values> Find(std::string_view key) const;

  // Every key in the order it was first set, for explain and trace.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  // Few keys are scanned (no allocation, the common case); from this many on
  // an index finds them.
  static constexpr size_t kIndexedFrom = 16;

  Entry& EntryFor(std::string_view key);  // the key's entry, appended when absent
  // The position of `key` in entries_, or entries_.size() when absent.
  size_t Position(std::string_view key) const;
  void Reindex();

  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // lowercased key -> position, once indexed
};

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_REQUEST_CONTEXT_H_
