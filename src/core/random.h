// Cryptographically secure randomness from the kernel (getrandom(2)).
// Thread-safe.
#ifndef KMSLAB_CORE_RANDOM_H_
#define KMSLAB_CORE_RANDOM_H_

#include <string>

namespace kmslab::core {

std::string RandomBytes(size_t n);
// A random (version 4) UUID in lowercase canonical form.
std::string NewUuid();

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_RANDOM_H_
