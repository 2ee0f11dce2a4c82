#include "ddb/attribute_value.h"

#include <set>
#include <utility>

#include "core/base64.h"

namespace kmslab::ddb {

namespace {

using rapidjson::Value;

constexpr char kEmptyAv[] =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
constexpr char kInvalidPrefix[] = "One or more parameter values were invalid: ";

core::Status Invalid(std::string message) {
  return core::Status(core::Code::kInvalidArgument, std::move(message), "ValidationException");
}

// The text of a JSON string, "" for any other JSON value.
std::string_view Str(const Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

int Sign(int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }

// A finite decimal: 0.digits x 10^exponent, negated when `negative`. Zero has
// no digits and is never negative; digits has no leading or trailing zeros.
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};

enum class NumberError { kNone, kSyntax, kPrecision, kOverflow, kUnderflow };

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses [+-]digits[.digits][(e|E)[+-]digits] (either digit run may be empty,
// not both). Fills `out` unless the syntax is wrong; range and precision
// errors are reported after filling it, overflow/underflow before precision.
NumberError ParseDecimal(std::string_view s, Decimal* out) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::string mantissa;
  int64_t int_digits = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i, ++int_digits) mantissa.push_back(s[i]);
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && IsDigit(s[i]); ++i) mantissa.push_back(s[i]);
  }
  if (mantissa.empty()) return NumberError::kSyntax;
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative_exponent = s[i++] == '-';
    size_t start = i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (s[i] - '0');  // saturates
    }
    if (i == start) return NumberError::kSyntax;
    if (negative_exponent) exponent = -exponent;
  }
  if (i != s.size()) return NumberError::kSyntax;

  Decimal d;
  size_t first = mantissa.find_first_not_of('0');
  if (first != std::string::npos) {
    size_t last = mantissa.find_last_not_of('0');
    d.negative = negative;
    d.digits = mantissa.substr(first, last - first + 1);
    d.exponent = int_digits - static_cast<int64_t>(first) + exponent;
  }
  *out = std::move(d);
  if (out->digits.empty()) return NumberError::kNone;
  int64_t adjusted = out->exponent - 1;  // the exponent in d.ddd x 10^e form
  if (adjusted > 125) return NumberError::kOverflow;
  if (adjusted < -130) return NumberError::kUnderflow;
  if (out->digits.size() > 38) return NumberError::kPrecision;
  return NumberError::kNone;
}

int CompareDecimals(const Decimal& a, const Decimal& b) {
  int sa = a.digits.empty() ? 0 : a.negative ? -1 : 1;
  int sb = b.digits.empty() ? 0 : b.negative ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude = a.exponent != b.exponent ? (a.exponent < b.exponent ? -1 : 1)
                                           : Sign(a.digits.compare(b.digits));
  return sa * magnitude;
}

core::Status CheckNumber(const Value& v) {
  std::string_view text = Str(v);
  if (!v.IsString()) return Invalid(kEmptyAv);
  if (text.empty()) return Invalid("The parameter cannot be converted to a numeric value");
  Decimal d;
  switch (ParseDecimal(text, &d)) {
    case NumberError::kNone: return {};
    case NumberError::kSyntax:
      return Invalid("The parameter cannot be converted to a numeric value: " + std::string(text));
    case NumberError::kPrecision: return Invalid("Attempting to store more than 38 significant digits in a Number");
    case NumberError::kOverflow:
      return Invalid("Number overflow. Attempting to store a number with magnitude larger than supported range");
    case NumberError::kUnderflow:
      return Invalid("Number underflow. Attempting to store a number with magnitude smaller than supported range");
  }
  return {};
}

// Decoded bytes of a B value; the raw text when it is not valid base64.
std::string Bytes(const Value& v) {
  std::string out;
  if (!core::Base64Decode(Str(v), &out)) out = Str(v);
  return out;
}

core::Status CheckBase64(const Value& v) {
  std::string ignored;
  if (!v.IsString()) return Invalid(kEmptyAv);
  if (!core::Base64Decode(Str(v), &ignored)) return Invalid("Invalid Base64 value");
  return {};
}

// The canonical form of one set element of set type `type` (SS, NS or BS),
// such that equal elements have equal forms.
std::string CanonicalElement(std::string_view type, const Value& v) {
  if (type == "NS") return NormalizeNumber(Str(v));
  if (type == "BS") return Bytes(v);
  return std::string(Str(v));
}

core::Status CheckSet(std::string_view type, const Value& v) {
  if (!v.IsArray()) return Invalid(kEmptyAv);
  if (v.Empty()) {
    if (type == "SS") return Invalid(std::string(kInvalidPrefix) + "An string set  may not be empty");
    if (type == "NS") return Invalid(std::string(kInvalidPrefix) + "An number set  may not be empty");
    return Invalid(std::string(kInvalidPrefix) + "Binary sets should not be empty");
  }
  for (const Value& element : v.GetArray()) {
    if (type == "SS" && !element.IsString()) return Invalid(kEmptyAv);
    if (type == "NS") RETURN_IF_ERROR(CheckNumber(element));
    if (type == "BS") RETURN_IF_ERROR(CheckBase64(element));
  }
  std::set<std::string> seen;
  std::string listed;
  bool duplicate = false;
  for (const Value& element : v.GetArray()) {
    if (!seen.insert(CanonicalElement(type, element)).second) duplicate = true;
    listed += (listed.empty() ? "" : ", ") + std::string(Str(element));
  }
  if (!duplicate) return {};
  // DynamoDB's own texts, quirks included.
  if (type == "NS") return Invalid("Input collection contains duplicates");
  if (type == "BS") {
    return Invalid(std::string(kInvalidPrefix) + "Input collection [" + listed + "]of type BS contains duplicates.");
  }
  return Invalid(std::string(kInvalidPrefix) + "Input collection [" + listed + "] contains duplicates.");
}

core::Status ValidateAt(const Value& av, int level);

// DynamoDB counts an item's attribute as level 1; values inside an M or L
// are one level deeper, and nothing may sit below level 32.
constexpr int kMaxNestingLevel = 32;

core::Status NestedTooDeep() {
  return Invalid(
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported "
      "limit");
}

core::Status ValidateMember(std::string_view type, const Value& v, int level) {
  if (type == "S") return v.IsString() ? core::Status() : Invalid(kEmptyAv);
  if (type == "N") return CheckNumber(v);
  if (type == "B") return CheckBase64(v);
  if (type == "BOOL") return v.IsBool() ? core::Status() : Invalid(kEmptyAv);
  if (type == "NULL") {
    if (!v.IsBool()) return Invalid(kEmptyAv);
    if (!v.GetBool()) {
      return Invalid(std::string(kInvalidPrefix) + "Null attribute value types must have the value of true");
    }
    return {};
  }
  if (type == "M") {
    if (!v.IsObject()) return Invalid(kEmptyAv);
    if (v.MemberCount() > 0 && level >= kMaxNestingLevel) return NestedTooDeep();
    for (const auto& member : v.GetObject()) RETURN_IF_ERROR(ValidateAt(member.value, level + 1));
    return {};
  }
  if (type == "L") {
    if (!v.IsArray()) return Invalid(kEmptyAv);
    if (!v.Empty() && level >= kMaxNestingLevel) return NestedTooDeep();
    for (const Value& element : v.GetArray()) RETURN_IF_ERROR(ValidateAt(element, level + 1));
    return {};
  }
  if (type == "SS" || type == "NS" || type == "BS") return CheckSet(type, v);
  return Invalid(kEmptyAv);
}

int64_t NumberSize(std::string_view n) {
  Decimal d;
  if (ParseDecimal(n, &d) == NumberError::kSyntax) return static_cast<int64_t>(n.size());
  return (static_cast<int64_t>(d.digits.size()) + 1) / 2 + 1;
}

// The decoded length of base64 text, computed without decoding.
int64_t BinarySize(std::string_view b64) {
  int64_t size = static_cast<int64_t>(b64.size()) / 4 * 3;
  for (size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) --size;
  return size < 0 ? 0 : size;
}

}  // namespace

core::Status ValidateAttributeValue(const Value& av) { return ValidateAt(av, 1); }

namespace {
core::Status ValidateAt(const Value& av, int level) {
  if (!av.IsObject() || av.MemberCount() == 0) return Invalid(kEmptyAv);
  for (const auto& member : av.GetObject()) {
    RETURN_IF_ERROR(ValidateMember(Str(member.name), member.value, level));
  }
  if (av.MemberCount() > 1) {
    return Invalid(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
        "datatypes");
  }
  return {};
}
}  // namespace

core::Status ValidateItem(const Value& item) {
  if (!item.IsObject()) return Invalid(std::string(kInvalidPrefix) + "Item must be a map of attribute names to values");
  for (const auto& member : item.GetObject()) {
    if (Str(member.name).empty()) return Invalid(std::string(kInvalidPrefix) + "An attribute name may not be empty");
    RETURN_IF_ERROR(ValidateAttributeValue(member.value));
  }
  return {};
}

std::string_view TypeOf(const Value& av) {
  static constexpr std::string_view kTypes[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  if (!av.IsObject() || av.MemberCount() != 1) return {};
  std::string_view name = Str(av.MemberBegin()->name);
  for (std::string_view type : kTypes) {
    if (type == name) return type;
  }
  return {};
}

std::string NormalizeNumber(std::string_view n) {
  Decimal d;
  if (ParseDecimal(n, &d) != NumberError::kNone) return std::string(n);
  if (d.digits.empty()) return "0";
  std::string out = d.negative ? "-" : "";
  auto size = static_cast<int64_t>(d.digits.size());
  if (d.exponent <= 0) {
    out += "0." + std::string(static_cast<size_t>(-d.exponent), '0') + d.digits;
  } else if (d.exponent >= size) {
    out += d.digits + std::string(static_cast<size_t>(d.exponent - size), '0');
  } else {
    out += d.digits.substr(0, static_cast<size_t>(d.exponent)) + "." +
           d.digits.substr(static_cast<size_t>(d.exponent));
  }
  return out;
}

int CompareNumbers(std::string_view a, std::string_view b) {
  Decimal da, db;
  if (ParseDecimal(a, &da) == NumberError::kSyntax || ParseDecimal(b, &db) == NumberError::kSyntax) {
    return Sign(a.compare(b));
  }
  return CompareDecimals(da, db);
}

int CompareScalars(const Value& a, const Value& b) {
  std::string_view ta = TypeOf(a), tb = TypeOf(b);
  if (ta != tb) return Sign(ta.compare(tb));
  const Value& va = a.MemberBegin()->value;
  const Value& vb = b.MemberBegin()->value;
  if (ta == "N") return CompareNumbers(Str(va), Str(vb));
  if (ta == "B") return Sign(Bytes(va).compare(Bytes(vb)));
  return Sign(Str(va).compare(Str(vb)));  // char_traits<char> compares as unsigned
}

bool Equals(const Value& a, const Value& b) {
  std::string_view type = TypeOf(a);
  if (type.empty() || type != TypeOf(b)) return false;
  const Value& va = a.MemberBegin()->value;
  const Value& vb = b.MemberBegin()->value;
  if (type == "S" || type == "N" || type == "B") return CompareScalars(a, b) == 0;
  if (type == "BOOL" || type == "NULL") return va.IsBool() && vb.IsBool() && va.GetBool() == vb.GetBool();
  if (type == "M") {
    if (!va.IsObject() || !vb.IsObject() || va.MemberCount() != vb.MemberCount()) return false;
    for (const auto& member : va.GetObject()) {
      auto it = vb.FindMember(member.name);
      if (it == vb.MemberEnd() || !Equals(member.value, it->value)) return false;
    }
    return true;
  }
  if (!va.IsArray() || !vb.IsArray() || va.Size() != vb.Size()) return false;
  if (type == "L") {
    for (rapidjson::SizeType i = 0; i < va.Size(); ++i) {
      if (!Equals(va[i], vb[i])) return false;
    }
    return true;
  }
  std::set<std::string> sa, sb;  // SS, NS, BS
  for (const Value& e : va.GetArray()) sa.insert(CanonicalElement(type, e));
  for (const Value& e : vb.GetArray()) sb.insert(CanonicalElement(type, e));
  return sa == sb;
}

std::string KeyBytes(const Value& av) {
  std::string_view type = TypeOf(av);
  if (type != "S" && type != "N" && type != "B") return {};
  const Value& v = av.MemberBegin()->value;
  if (type == "N") return "N:" + NormalizeNumber(Str(v));
  if (type == "B") return "B:" + Bytes(v);
  return "S:" + std::string(Str(v));
}

int64_t AttributeValueSizeBytes(const Value& av) {
  std::string_view type = TypeOf(av);
  if (type.empty()) return 0;
  const Value& v = av.MemberBegin()->value;
  if (type == "S") return static_cast<int64_t>(Str(v).size());
  if (type == "N") return NumberSize(Str(v));
  if (type == "B") return BinarySize(Str(v));
  if (type == "BOOL" || type == "NULL") return 1;
  int64_t size = 0;
  if (type == "M") {
    if (!v.IsObject()) return 0;
    for (const auto& member : v.GetObject()) {
      size += 1 + static_cast<int64_t>(member.name.GetStringLength()) + AttributeValueSizeBytes(member.value);
    }
    return 3 + size;
  }
  if (!v.IsArray()) return 0;
  for (const Value& e : v.GetArray()) {
    if (type == "L") size += 1 + AttributeValueSizeBytes(e);
    if (type == "SS") size += static_cast<int64_t>(Str(e).size());
    if (type == "NS") size += NumberSize(Str(e));
    if (type == "BS") size += BinarySize(Str(e));
  }
  return type == "L" ? 3 + size : size;
}

int64_t ItemSizeBytes(const Value& item) {
  if (!item.IsObject()) return 0;
  int64_t size = 0;
  for (const auto& member : item.GetObject()) {
    size += static_cast<int64_t>(member.name.GetStringLength()) + AttributeValueSizeBytes(member.value);
  }
  return size;
}

}  // namespace kmslab::ddb
