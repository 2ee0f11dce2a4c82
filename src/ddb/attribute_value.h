// DynamoDB AttributeValues held as RapidJSON values, exactly as the wire shows
// them: {"S":"x"}, {"N":"1.5"}, {"B":"<base64>"}, {"BOOL":true},
// {"NULL":true}, {"M":{...}}, {"L":[...]}, {"SS":[...]}, {"NS":[...]},
// {"BS":[...]}. An item is an object of attribute name -> AttributeValue.
//
// Validation, typing, comparison, canonical key bytes and item size. Numbers
// are compared exactly as decimals, never through floating point. Pure
// functions over caller-owned values: thread-safe.
#ifndef KMSLAB_DDB_ATTRIBUTE_VALUE_H_
#define KMSLAB_DDB_ATTRIBUTE_VALUE_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kmslab::ddb {

// OK when `av` holds exactly one of the ten datatypes with a well-formed
// value, recursively for M and L, where `av` is level 1 and nothing may sit
// below level 32 (DynamoDB's nesting limit). Otherwise an InvalidArgument status with
// DynamoDB's ValidationException text (numbers: syntax, at most 38
// significant digits, magnitude in [1E-130, 9.99..E+125] or zero; base64;
// empty sets; duplicates in sets, numeric-equal ones for NS).
core::Status ValidateAttributeValue(const rapidjson::Value& av);

// OK when `item` is an object of non-empty attribute names to valid values.
core::Status ValidateItem(const rapidjson::Value& item);

// The datatype member name ("S", "N", ..., "BS"), or "" when `av` is not an
// object with exactly one known member. Does not validate the value. The
// result points to static storage.
std::string_view TypeOf(const rapidjson::Value& av);

// The canonical plain decimal form of a valid number: no exponent, no
// leading or trailing zeros, "-" only for non-zero negatives ("10E-1" -> "1",
// "-0.50" -> "-0.5", "0.0" -> "0"). Numeric-equal inputs give equal strings.
// Returns `n` unchanged when it is not a valid number.
std::string NormalizeNumber(std::string_view n);

// Exact decimal comparison of two valid number strings: <0, 0 or >0.
// Invalid inputs compare as their raw text (a total order, not a number).
int CompareNumbers(std::string_view a, std::string_view b);

// Orders two scalars of the same type: S by UTF-8 bytes, N numerically, B by
// decoded bytes, all unsigned. Precondition: both S, both N or both B (other
// inputs are ordered by type name, then consistently but meaninglessly).
int CompareScalars(const rapidjson::Value& a, const rapidjson::Value& b);

// DynamoDB equality: same type; N numerically; B by decoded bytes; sets as
// sets (order-free, NS numerically, BS by bytes); M and L deeply.
bool Equals(const rapidjson::Value& a, const rapidjson::Value& b);

// A canonical byte string for a key scalar, for use as a map key: "S:"+text,
// "N:"+NormalizeNumber, "B:"+decoded bytes. Equal per Equals() <=> equal
// bytes. "" for anything that is not an S, N or B value.
std::string KeyBytes(const rapidjson::Value& av);

// DynamoDB's approximate stored size of an item (an object of name -> AV):
// per attribute its name's UTF-8 length plus its value's size, where S is its
// UTF-8 length, N is (significant digits + 1) / 2 + 1, B its decoded length,
// BOOL and NULL 1, sets the sum of their elements, and M / L 3 plus, per
// element, 1 + the element (and for M the key's length). Callers reject
// items above 400 KB (409600).
int64_t ItemSizeBytes(const rapidjson::Value& item);

// The size of one AttributeValue as counted by ItemSizeBytes.
int64_t AttributeValueSizeBytes(const rapidjson::Value& av);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_ATTRIBUTE_VALUE_H_
