// DynamoDB UpdateExpressions (UpdateItem): parsing, and applying the parsed
// actions to an item (docs/spec/dynamodb.md section 1.1).
//
//   update  ::= section+   SET, REMOVE, ADD, DELETE each at most once, any
//                          order, keywords case-insensitive
//   section ::= SET path = value (, ...)* | REMOVE path (, path)*
//             | ADD path :v (, ...)* | DELETE path :v (, ...)*
//   value   ::= operand | operand + operand | operand - operand
//   operand ::= path | :v | if_not_exists(path, operand)
//             | list_append(operand, operand)
//
// Pure: no I/O. A parsed expression points into the request document (its
// ExpressionAttributeValues) and must not outlive it; it is immutable.
// Errors are InvalidArgument statuses with DynamoDB's ValidationException
// texts: parse errors read "Invalid UpdateExpression: ...", errors found
// while applying to an item are unprefixed.
#ifndef KMSLAB_DDB_UPDATE_EXPRESSION_H_
#define KMSLAB_DDB_UPDATE_EXPRESSION_H_

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ddb/document_path.h"
#include "ddb/expressions.h"

namespace kmslab::ddb {

namespace internal {
struct UpdateAction;
}  // namespace internal

class UpdateExpression {
 public:
  // Parses `text` (at most 4 KB; functions nest at most 32 deep), resolving
  // placeholders through `context`. A syntax error anywhere wins; then the
  // first placeholder, section, function or operand-type error; then
  // overlapping or conflicting document paths.
  static core::StatusOr<UpdateExpression> Parse(std::string_view text, ExpressionContext& context);

  // Fails when an action's path starts at one of the key attributes
  // `key_names`: "One or more parameter values were invalid: Cannot update
  // attribute pk. This attribute is part of the key", or for a nested path
  // "Key attributes must be scalars; list random access '[]' and map lookup
  // '.' are not allowed: Key: pk".
  core::Status CheckKeyAttributes(const std::vector<std::string>& key_names) const;

  // Applies every action to `item` (an object of name -> valid AttributeValue,
  // as ValidateItem accepts, whose values live in `alloc`); operands read the item as it was before the
  // first action, and list elements removed together are removed by their
  // original indices. On error `item` is left partly updated: apply to a copy.
  core::Status Apply(rapidjson::Value& item, rapidjson::Document::AllocatorType& alloc) const;

  // The document paths the actions write, in expression order.
  const std::vector<internal::Path>& paths() const { return paths_; }
  // The top-level attribute names the actions' operands read (`b` and `c`
  // in SET a = b + if_not_exists(c.d, :v)), first occurrence first, once each.
  std::vector<std::string> ReadTopLevelNames() const;

 private:
  UpdateExpression(std::vector<internal::UpdateAction> actions, std::vector<internal::Path> paths);

  std::shared_ptr<const std::vector<internal::UpdateAction>> actions_;
  std::vector<internal::Path> paths_;
};

// The parts of `item` at `paths` as an item of their own (UPDATED_OLD /
// UPDATED_NEW, ProjectionExpression): maps keep only the selected members,
// lists only the selected elements, in their order in `item`; absent paths
// are left out. Allocates in `alloc`.
rapidjson::Value ProjectPaths(const rapidjson::Value& item, const std::vector<internal::Path>& paths,
                              rapidjson::Document::AllocatorType& alloc);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_UPDATE_EXPRESSION_H_
