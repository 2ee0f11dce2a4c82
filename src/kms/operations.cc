#include "kms/operations.h"

#include <algorithm>
#include <array>

namespace kmslab::kms {

namespace {
struct Entry {
  std::string_view name;
  const OperationFn* fn;  // the entry each ops/ file defines (KMSLAB_KMS_OPERATION)
};

#define KMSLAB_OPERATION_ENTRY(name) Entry{#name, &ops::name},
constexpr Entry kOperations[] = {KMSLAB_KMS_OPERATIONS(KMSLAB_OPERATION_ENTRY)};
#undef KMSLAB_OPERATION_ENTRY

static_assert(std::is_sorted(std::begin(kOperations), std::end(kOperations),
                             [](const Entry& a, const Entry& b) { return a.name < b.name; }),
              "keep KMSLAB_KMS_OPERATIONS sorted");
}  // namespace

OperationFn FindOperation(std::string_view name) {
  auto it = std::lower_bound(std::begin(kOperations), std::end(kOperations), name,
                             [](const Entry& e, std::string_view n) { return e.name < n; });
  return it != std::end(kOperations) && it->name == name ? *it->fn : nullptr;
}

}  // namespace kmslab::kms
