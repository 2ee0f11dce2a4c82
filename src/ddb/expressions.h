// DynamoDB expressions: condition and filter expressions (parsed once,
// evaluated per item), key condition expressions (Query) and projection
// expressions, with the request's ExpressionAttributeNames / Values.
//
// Pure: no I/O, no storage. Parsed expressions point into the request
// document (the ExpressionAttributeValues they use) and must not outlive it.
// An ExpressionContext records which placeholders were used and belongs to
// one request on one thread; a parsed Condition is immutable and may be
// evaluated from several threads at once.
//
// Every error is an InvalidArgument status carrying DynamoDB's
// ValidationException text; expression errors read "Invalid <Kind>: ...",
// Kind being e.g. "ConditionExpression" or "FilterExpression".
#ifndef KMSLAB_DDB_EXPRESSIONS_H_
#define KMSLAB_DDB_EXPRESSIONS_H_

#include <rapidjson/document.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace kmslab::ddb {

// The ExpressionAttributeNames ("#n" -> "name") and ExpressionAttributeValues
// (":v" -> AttributeValue) of one request, and which of them were used.
class ExpressionContext {
 public:
  // Validates the request's maps (either may be null when absent): each must
  // be a non-empty object ("ExpressionAttributeNames must not be empty"),
  // keys "#word" / ":word" ("ExpressionAttributeValues contains invalid key:
  // Syntax error; key: \"x\""), names strings, values valid AttributeValues
  // ("ExpressionAttributeValues contains invalid value: <why> for key :v").
  static core::StatusOr<ExpressionContext> Create(const rapidjson::Value* names, const rapidjson::Value* values);

  // Trusts its inputs (use Create for request input): null, or objects whose
  // name entries are strings and whose value entries are valid AttributeValues.
  ExpressionContext(const rapidjson::Value* names, const rapidjson::Value* values);

  // The attribute name "#n" stands for, marking it used. Fails with
  // "An expression attribute name used in the document path is not defined;
  // attribute name: #n" (no "Invalid <Kind>: " prefix; parsers add it).
  core::StatusOr<std::string> ResolveName(std::string_view placeholder);
  // The AttributeValue ":v" stands for, marking it used. Fails with "An
  // expression attribute value used in expression is not defined; attribute
  // value: :v" (unprefixed, like ResolveName).
  core::StatusOr<const rapidjson::Value*> ResolveValue(std::string_view placeholder);

  // Call after every expression of the request has been parsed: fails when a
  // provided name or value was never used, names first:
  //   "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
  //   "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a}"
  core::Status CheckAllUsed() const;

 private:
  const rapidjson::Value* names_;
  const rapidjson::Value* values_;
  std::set<std::string, std::less<>> used_names_;
  std::set<std::string, std::less<>> used_values_;
};

namespace internal {
struct ConditionTree;
struct PathElement;                     // document_path.h
using Path = std::vector<PathElement>;  // a document path: a.b[2].c
}  // namespace internal

// A parsed ConditionExpression or FilterExpression. Grammar: comparisons
// (= <> < <= > >=), BETWEEN ... AND ..., IN (...), the functions
// attribute_exists, attribute_not_exists, attribute_type, begins_with,
// contains and size (an operand), AND / OR / NOT (case-insensitive; NOT binds
// tighter than AND, AND tighter than OR) and parentheses around conditions.
// Operands are document paths (a, #n, a.b, a[0], #n.b[2]) or values (:v).
// Reserved words (reserved_words.h) are rejected as names; operands cannot be
// parenthesized.
class Condition {
 public:
  // Parses `text`, resolving placeholders through `context`. `kind` names
  // the expression in error messages. Syntax errors come first
  // ("Invalid <Kind>: Syntax error; token: \"<tok>\", near: \"<context>\""),
  // then placeholder, function and operand errors.
  static core::StatusOr<Condition> Parse(std::string_view text, ExpressionContext& context,
                                         std::string_view kind = "ConditionExpression");

  // True when the condition holds for `item` (an object of name ->
  // AttributeValue, or null when there is no item). Never fails: missing
  // attributes and mismatched types make comparisons false (`<>` true), and
  // `<`, `<=`, `>`, `>=`, BETWEEN only order two S, two N or two B values.
  bool Evaluate(const rapidjson::Value* item) const;

  // The top-level attribute names the condition's paths start at (`a` for
  // a.b[1]), first occurrence first, without repeats.
  std::vector<std::string> TopLevelNames() const;

 private:
  explicit Condition(std::shared_ptr<const internal::ConditionTree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const internal::ConditionTree> tree_;
};

// A Query's KeyConditionExpression, resolved against the table's key schema.
struct KeyCondition {
  std::string partition_name;                         // attribute name, placeholders resolved
  const rapidjson::Value* partition_value = nullptr;  // the AttributeValue it must equal
  std::string sort_name;                              // empty when no sort-key condition
  enum class Op { kNone, kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith } op = Op::kNone;
  const rapidjson::Value* sort_low = nullptr;   // the operand (BETWEEN's lower bound)
  const rapidjson::Value* sort_high = nullptr;  // BETWEEN's upper bound

  // True when `sort_value` (an S, N or B AttributeValue) satisfies the sort
  // condition; always true for kNone, false when the types differ.
  bool SortMatches(const rapidjson::Value& sort_value) const;
};

// Parses a KeyConditionExpression: `pk = :v`, optionally AND-ed (either
// order, each clause optionally parenthesized) with one of `sk = :v`,
// `sk < :v` (<=, >, >=; the value may come first), `sk BETWEEN :a AND :b` or
// `begins_with(sk, :v)`. `hash_name` / `range_name` are the key attributes of
// the table or index (`range_name` empty without a sort key). Errors, besides
// those of Condition::Parse with kind "KeyConditionExpression", include
// "Invalid operator used in KeyConditionExpression: OR",
// "Query condition missed key schema element: <hash_name>" and
// "Query key condition not supported". The values' types against the key's
// are for the caller to check.
core::StatusOr<KeyCondition> ParseKeyCondition(std::string_view text, ExpressionContext& context,
                                               const std::string& hash_name, const std::string& range_name);

// The document paths a ProjectionExpression selects (a, #n.b, a.b[2].c), in
// expression order; overlapping or conflicting paths are rejected as DynamoDB
// does ("Invalid ProjectionExpression: Two document paths overlap with each
// other; ..."). ProjectPaths (update_expression.h) cuts them out of an item.
core::StatusOr<std::vector<internal::Path>> ParseProjection(std::string_view text, ExpressionContext& context);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_EXPRESSIONS_H_
