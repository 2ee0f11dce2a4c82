// PartiQL for DynamoDB (ExecuteStatement, BatchExecuteStatement): the
// statements DynamoDB runs, parsed into a small typed statement.
//
//   SELECT (* | path (, path)*) FROM table[.index] [WHERE condition]
//   INSERT INTO table VALUE {'name': value, ...}
//   UPDATE table (SET path = value (, path = value)* | REMOVE path (, path)*)+
//          WHERE condition [RETURNING (ALL | MODIFIED) (OLD | NEW) *]
//   DELETE FROM table WHERE condition [RETURNING ALL OLD *]
//
// table, index: a name or a "quoted name"; only SELECT names an index
// (writes naming one: "This operation is not supported on an index"). path: name, "quoted name", path.name,
// path[index]. value: 'string', number, TRUE, FALSE, NULL, ?, {'k': value},
// [value, ...], <<value, ...>> (a string or number set). condition: OR, AND,
// NOT, parentheses, comparisons (= <> != < <= > >=) between paths and values,
// path BETWEEN value AND value, path IN [value, ...], path IS [NOT] MISSING,
// and the functions begins_with, contains, attribute_exists,
// attribute_not_exists, attribute_type. Keywords are case-insensitive.
//
// Pure: no I/O. Errors are InvalidArgument statuses with DynamoDB's
// ValidationException texts: "Statement wasn't well formed, can't be
// processed: <why>". Statements are at most 8192 bytes and literal documents
// nest at most 32 deep, so parsing is bounded on any input.
#ifndef KMSLAB_DDB_PARTIQL_H_
#define KMSLAB_DDB_PARTIQL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace kmslab::ddb::partiql {

constexpr size_t kMaxStatementBytes = 8192;
constexpr int kMaxNesting = 32;

// One step of a document path: an attribute or map member name, or a list index.
struct PathStep {
  std::string name;
  int64_t index = -1;  // >= 0 for [index]
};
using Path = std::vector<PathStep>;

// A literal or parameter value. Maps keep `keys[i]` -> `elements[i]`; lists
// and sets keep their elements.
struct Value {
  enum class Kind { kString, kNumber, kBool, kNull, kParameter, kMap, kList, kSet } kind = Kind::kNull;
  std::string text;       // kString's content, kNumber's digits, kBool's "true"/"false"
  int parameter = 0;      // kParameter: the index into Parameters
  std::vector<std::string> keys;
  std::vector<Value> elements;
};

// An operand of a comparison or function: a path or a value.
struct Operand {
  bool is_path = false;
  Path path;
  Value value;
};

// A WHERE condition.
struct Condition {
  enum class Kind { kAnd, kOr, kNot, kCompare, kBetween, kIn, kFunction } kind = Kind::kCompare;
  std::string op;                    // kCompare: = <> < <= > >=; kFunction: its name in lower case
  std::vector<Condition> children;   // kAnd, kOr: two; kNot: one
  std::vector<Operand> operands;     // kCompare: two; kBetween: three; kIn: the path then the values
};

struct Assignment {
  Path path;
  Value value;
};

struct Statement {
  enum class Kind { kSelect, kInsert, kUpdate, kDelete } kind = Kind::kSelect;
  std::string table;
  std::string index;             // SELECT FROM table.index; "" for the table itself
  std::vector<Path> projection;  // SELECT; empty for *
  bool has_where = false;
  Condition where;
  Value item;                    // INSERT: a kMap
  std::vector<Assignment> set;   // UPDATE
  std::vector<Path> remove;      // UPDATE
  std::string returning;         // UPDATE, DELETE: ReturnValues ("ALL_OLD", "UPDATED_NEW" ...); "" for none
  int parameter_count = 0;       // how many `?` the statement holds

  bool IsRead() const { return kind == Kind::kSelect; }
  // The IAM action PartiQL statements of this kind need: "PartiQLSelect" ...
  const char* Action() const;
};

// Parses one statement (length checked by the caller's member validation).
core::StatusOr<Statement> Parse(std::string_view text);

// The statement with every literal value (quoted strings, numbers) replaced
// by ***(Redacted), keeping its keywords, names and punctuation: what the
// trail may show of a statement.
std::string Redact(std::string_view text);

}  // namespace kmslab::ddb::partiql

#endif  // KMSLAB_DDB_PARTIQL_H_
