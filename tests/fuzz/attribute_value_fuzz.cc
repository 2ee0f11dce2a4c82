// DynamoDB AttributeValues (ddb/attribute_value.cc): validation, typing,
// sizes, key bytes and comparison of the JSON the input holds, with the
// properties the header promises checked for valid values:
//   Equals(v, v); KeyBytes equal <=> Equals for scalars; CompareNumbers 0
//   <=> NormalizeNumber equal. Input: line 1 two numbers "A B"; the rest a
//   JSON AttributeValue, or an item (an object of name -> AttributeValue).
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/json_members.h"
#include "ddb/attribute_value.h"
#include "fuzz_input.h"

namespace {

using namespace kmslab;

bool ValidNumber(const std::string& n) {
  rapidjson::Document av;
  av.SetObject();
  av.AddMember("N", rapidjson::Value(n.c_str(), static_cast<rapidjson::SizeType>(n.size()), av.GetAllocator()),
               av.GetAllocator());
  return ddb::ValidateAttributeValue(av).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::string_view numbers = input.Line();
  const size_t space = numbers.find(' ');
  const std::string a(numbers.substr(0, space));
  const std::string b(space == std::string_view::npos ? std::string_view() : numbers.substr(space + 1));
  const std::string norm_a = ddb::NormalizeNumber(a), norm_b = ddb::NormalizeNumber(b);
  const int order = ddb::CompareNumbers(a, b);
  if (ValidNumber(a) && ValidNumber(b)) {
    if ((order == 0) != (norm_a == norm_b)) __builtin_trap();
    if ((ddb::CompareNumbers(b, a) > 0) != (order < 0)) __builtin_trap();
  }

  const std::string_view json = input.Rest();
  if (!fuzz::NestingAtMost(json, 64)) return 0;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return 0;
  // As the wire readers hand it on: one member per name.
  kmslab::core::KeepLastMembers(doc, doc.GetAllocator());
  (void)ddb::TypeOf(doc);
  if (ddb::ValidateAttributeValue(doc).ok()) {
    if (!ddb::Equals(doc, doc)) __builtin_trap();
    (void)ddb::AttributeValueSizeBytes(doc);
    const std::string key = ddb::KeyBytes(doc);
    if (!key.empty()) {
      if (ddb::CompareScalars(doc, doc) != 0) __builtin_trap();
    }
  }
  if (ddb::ValidateItem(doc).ok()) {
    (void)ddb::ItemSizeBytes(doc);
    // Each pair of scalar members: equal key bytes exactly when equal values.
    for (auto x = doc.MemberBegin(); x != doc.MemberEnd(); ++x) {
      for (auto y = doc.MemberBegin(); y != doc.MemberEnd(); ++y) {
        const std::string kx = ddb::KeyBytes(x->value), ky = ddb::KeyBytes(y->value);
        if (!kx.empty() && !ky.empty() && (kx == ky) != ddb::Equals(x->value, y->value)) __builtin_trap();
        if (ddb::Equals(x->value, y->value) != ddb::Equals(y->value, x->value)) __builtin_trap();
      }
    }
  }
  return 0;
}
