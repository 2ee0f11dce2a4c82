#include "kms/json_out.h"

#include "core/base64.h"

namespace kmslab::kms {

JsonOut& JsonOut::Blob(const char* key, std::string_view bytes) {
  return Str(key, core::Base64Encode(bytes));
}

std::string JsonOut::Finish() {
  writer_.EndObject();
  if (members_ == 0) return "";
  return std::string(buffer_.GetString(), buffer_.GetSize());
}

}  // namespace kmslab::kms
