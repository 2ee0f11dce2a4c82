// KMS wire requests through the in-process router: kms/service.cc Handle, the
// request readers of every operation, the pipeline, the audit sink. Input:
// FuzzStack::CallAll's records, "Encrypt\n{...}"; alias/fuzz-key names a key.
#include <cstddef>
#include <cstdint>

#include "fuzz_stack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kmslab::fuzz::FuzzStack::Get().CallAll(data, size, "TrentService.");
  return 0;
}
