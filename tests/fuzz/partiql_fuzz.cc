// The PartiQL parser (ddb/partiql.cc) and its redaction: any input parses or
// fails with a status, and Redact never fails. Input: the statement text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddb/partiql.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto statement = kmslab::ddb::partiql::Parse(text);
  if (statement.ok()) (void)statement->Action();
  (void)kmslab::ddb::partiql::Redact(text);
  return 0;
}
