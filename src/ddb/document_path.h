// Document paths (a.b[2].#n, placeholders resolved) as the expression
// grammars parse them: printing as DynamoDB does, lookup in an item, and
// DynamoDB's overlap / conflict rule between the paths of one expression.
// Pure functions: thread-safe.
#ifndef KMSLAB_DDB_DOCUMENT_PATH_H_
#define KMSLAB_DDB_DOCUMENT_PATH_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ddb/expression_lexer.h"
#include "ddb/expressions.h"

namespace kmslab::ddb::internal {

struct PathElement {
  std::string name;    // a map key, when index < 0
  int64_t index = -1;  // a list index, when >= 0
};
using Path = std::vector<PathElement>;  // never empty; the first element is a name

// What is wrong with a path that parses: a reserved word used as a name
// (reserved_words.h), or an undefined #placeholder.
enum class PathProblem { kReservedWord, kUndefinedName };

// Parses the document path at tokens[*pos]: name ("." name | "[" digits "]")*,
// a name being a word `word_is_name` accepts or a #placeholder resolved
// through `context`. A reserved word is reported to `report` ("Attribute name
// is a reserved keyword; reserved keyword: <word>", as written), an undefined
// placeholder with ResolveName's message; either is kept as written.
// Advances *pos past the path; on a syntax error returns nullopt with *pos at
// the offending token.
std::optional<Path> ParsePath(const std::vector<Token>& tokens, size_t* pos, ExpressionContext& context,
                              const std::function<bool(const Token&)>& word_is_name,
                              const std::function<void(PathProblem, const std::string&)>& report);

// "[a, b, [1]]", as DynamoDB prints document paths.
std::string PathString(const Path& path);

bool SameElement(const PathElement& a, const PathElement& b);

// The AttributeValue at `path` in `item` (an object of name -> AttributeValue,
// or null), or null when absent or when a step meets the wrong type.
const rapidjson::Value* Lookup(const rapidjson::Value* item, const Path& path);

// "" when no two of `paths` overlap (one a prefix of the other, checked
// first over all pairs) or conflict (a list index where the other has a map
// key); else DynamoDB's text: "Two document paths overlap with each other;
// must remove or rewrite one of these paths; path one: [a], path two: [a, b]".
std::string OverlapError(const std::vector<Path>& paths);

}  // namespace kmslab::ddb::internal

#endif  // KMSLAB_DDB_DOCUMENT_PATH_H_
