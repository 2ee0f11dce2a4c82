// RequestContext: the condition keys of one request (kms-authz.md section 6) and
// their values, as policy conditions and policy variables see them.
//
// Key names are case-insensitive: they are stored lowercased and looked up
// without regard to case. Values keep their case. A key holds one value
// (Set, SetBool) or several (SetList); a key with an empty list counts as
// absent for every operator. Not thread-safe to mutate; const use is.
#ifndef KMSLAB_POLICY_REQUEST_CONTEXT_H_
#define KMSLAB_POLICY_REQUEST_CONTEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace kmslab::policy {

class RequestContext {
 public:
  // Room for the keys a KMS request usually carries, in one allocation.
  RequestContext() { entries_.reserve(32); }
  struct Entry {
    std::string key;  // lowercased
    std::vector<std::string> values;
  };

  // Each setter replaces any earlier value of the same key.
  void Set(std::string_view key, std::string value);                    // single-valued
  void SetList(std::string_view key, std::vector<std::string> values);  // multi-valued
  void SetBool(std::string_view key, bool value);                       // "true" / "false"
  void Erase(std::string_view key);

  // nullptr when absent. The pointer is valid until the next mutation.
  const std::vector<std::string>* Find(std::string_view key) const;

  // Every key in the order it was first set, for explain and trace.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  Entry* FindEntry(std::string_view key);
  std::vector<Entry> entries_;
};

}  // namespace kmslab::policy

#endif  // KMSLAB_POLICY_REQUEST_CONTEXT_H_
