// DynamoDB wire requests through the in-process router: ddb/service.cc Handle,
// every operation, expressions, items and the in-process KMS calls. Input:
// FuzzStack::CallAll's records, "PutItem\n{...}"; tables "fuzz" (pk S, sk N)
// and "fuzz-owned" (pk S) exist.
#include <cstddef>
#include <cstdint>

#include "fuzz_stack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kmslab::fuzz::FuzzStack::Get().CallAll(data, size, "DynamoDB_20120810.");
  return 0;
}
