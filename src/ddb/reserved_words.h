// DynamoDB's reserved words (developer guide, ReservedWords): an attribute
// name written as one of them in any expression is rejected with "Invalid
// <Kind>Expression: Attribute name is a reserved keyword; reserved keyword:
// <word>"; an ExpressionAttributeNames placeholder (#n) stands for it instead.
// Pure: thread-safe.
#ifndef KMSLAB_DDB_RESERVED_WORDS_H_
#define KMSLAB_DDB_RESERVED_WORDS_H_

#include <string_view>

namespace kmslab::ddb {

// True when `word` is reserved, in any letter case ("name", "Status").
bool IsReservedWord(std::string_view word);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_RESERVED_WORDS_H_
