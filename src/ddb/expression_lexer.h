// The tokens shared by DynamoDB's expression grammars (condition, filter,
// key condition, projection and update expressions), and the syntax-error
// text every parser reports. Pure functions: thread-safe.
#ifndef KMSLAB_DDB_EXPRESSION_LEXER_H_
#define KMSLAB_DDB_EXPRESSION_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kmslab::ddb::internal {

bool IsWordChar(char c);

enum class Tok { kEnd, kWord, kName, kValue, kNumber, kPunct, kBad };

struct Token {
  Tok kind;
  std::string_view text;  // points into the tokenized text
  size_t pos;             // byte offset in it
};

// Splits `s` into words, #names, :values, digit runs, punctuation
// (( ) [ ] , . = < > <= >= <> + -) and single bad UTF-8 characters; the last
// token is always kEnd.
std::vector<Token> Tokenize(std::string_view s);

// "Syntax error; token: "<tok>", near: "<previous token .. next token>"" for
// the token at index `i` of `tokens` (those of `text`); "<EOF>" at the end.
std::string SyntaxErrorText(std::string_view text, const std::vector<Token>& tokens, size_t i);

}  // namespace kmslab::ddb::internal

#endif  // KMSLAB_DDB_EXPRESSION_LEXER_H_
