// JsonOut: builds one AWS JSON response object. Dates are epoch seconds with
// a fraction, blobs are base64, as the AWS JSON 1.1 protocol wants.
// Not thread-safe; one per response.
#ifndef KMSLAB_KMS_JSON_OUT_H_
#define KMSLAB_KMS_JSON_OUT_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kmslab::kms {

class JsonOut {
 public:
  using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

  JsonOut() : writer_(buffer_) { writer_.StartObject(); }

  JsonOut& Str(const char* key, std::string_view value) {
    Key(key);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonOut& Blob(const char* key, std::string_view bytes);
  JsonOut& Int(const char* key, int64_t value) {
    Key(key);
    writer_.Int64(value);
    return *this;
  }
  JsonOut& Bool(const char* key, bool value) {
    Key(key);
    writer_.Bool(value);
    return *this;
  }
  JsonOut& Date(const char* key, int64_t epoch_millis) {
    Key(key);
    writer_.Double(static_cast<double>(epoch_millis) / 1000.0);
    return *this;
  }
  // Starts a member whose value the caller writes through writer().
  Writer& Member(const char* key) {
    Key(key);
    return writer_;
  }

  // The response body; empty when no member was written (void operations).
  std::string Finish();

 private:
  void Key(const char* key) {
    ++members_;
    writer_.Key(key);
  }

  rapidjson::StringBuffer buffer_;
  Writer writer_;
  int members_ = 0;
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_JSON_OUT_H_
