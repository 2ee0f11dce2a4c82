// Test helper shared by the store tests: a fresh, empty directory under /tmp.
#ifndef KMSLAB_STORE_TEST_TEMP_DIR_H_
#define KMSLAB_STORE_TEST_TEMP_DIR_H_

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

namespace kmslab::store {

inline std::string TempDir() {
  char tmpl[] = "/tmp/kmslab-store-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

}  // namespace kmslab::store

#endif  // KMSLAB_STORE_TEST_TEMP_DIR_H_
