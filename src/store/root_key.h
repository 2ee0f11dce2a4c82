// The root key: 32 random bytes that wrap every key material at rest.
//
// Taken from KMSLAB_ROOT_KEY (64 hex digits) when set; otherwise read from
// DATA_DIR/root.key, which is created (mode 0600, fsynced) on first start.
#ifndef KMSLAB_STORE_ROOT_KEY_H_
#define KMSLAB_STORE_ROOT_KEY_H_

#include <string>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace kmslab::store {

core::StatusOr<core::SecretBytes> LoadOrCreateRootKey(const std::string& data_dir);

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_ROOT_KEY_H_
