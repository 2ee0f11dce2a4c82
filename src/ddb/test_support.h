// Helpers for the ddb unit tests (doctest): parsing JSON literals, printing
// values, and one request's expression placeholders.
#ifndef KMSLAB_DDB_TEST_SUPPORT_H_
#define KMSLAB_DDB_TEST_SUPPORT_H_

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "ddb/expressions.h"

namespace kmslab::ddb::testing {

// `text` parsed (it must be valid JSON); a null document for "" (absent).
inline rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  if (text.empty()) return doc;
  doc.Parse(text.data(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

// `value` as compact JSON text.
inline std::string Text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// One request's ExpressionAttributeNames / Values ("" when absent).
struct Request {
  Request(const std::string& names_json, const std::string& values_json)
      : names(Json(names_json)),
        values(Json(values_json)),
        context(names.IsNull() ? nullptr : &names, values.IsNull() ? nullptr : &values) {}
  Request(const Request&) = delete;

  rapidjson::Document names;
  rapidjson::Document values;
  ExpressionContext context;
};

}  // namespace kmslab::ddb::testing

#endif  // KMSLAB_DDB_TEST_SUPPORT_H_
