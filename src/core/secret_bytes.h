// SecretBytes: key material and plaintext that must not linger in memory.
//
// The bytes are wiped when the object dies or is overwritten. They are read
// only through Reveal(), so every use of secret bytes is greppable. Copies are
// explicit (Clone()). Not synchronized: share immutable instances only.
#ifndef KMSLAB_CORE_SECRET_BYTES_H_
#define KMSLAB_CORE_SECRET_BYTES_H_

#include <string>
#include <string_view>
#include <utility>

namespace kmslab::core {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.Wipe(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      Wipe();
      bytes_ = std::move(other.bytes_);
      other.Wipe();
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { Wipe(); }

  SecretBytes Clone() const { return SecretBytes(bytes_); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // The one accessor for the secret bytes.
  std::string_view Reveal() const { return bytes_; }

 private:
  void Wipe() {
    volatile char* p = bytes_.data();
    for (size_t i = 0; i < bytes_.size(); ++i) p[i] = 0;
    bytes_.clear();
  }
  std::string bytes_;
};

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_SECRET_BYTES_H_
