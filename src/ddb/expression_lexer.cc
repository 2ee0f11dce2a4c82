#include "ddb/expression_lexer.h"

#include <algorithm>

namespace kmslab::ddb::internal {

namespace {
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    if (i == s.size()) break;
    size_t start = i;
    char c = s[i];
    Tok kind = Tok::kPunct;
    if (IsAlpha(c) || c == '_') {
      while (i < s.size() && IsWordChar(s[i])) ++i;
      kind = Tok::kWord;
    } else if (IsDigit(c)) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      kind = Tok::kNumber;
    } else if ((c == '#' || c == ':') && i + 1 < s.size() && IsWordChar(s[i + 1])) {
      ++i;
      while (i < s.size() && IsWordChar(s[i])) ++i;
      kind = c == '#' ? Tok::kName : Tok::kValue;
    } else if ((c == '<' || c == '>') && i + 1 < s.size() && (s[i + 1] == '=' || (c == '<' && s[i + 1] == '>'))) {
      i += 2;
    } else if (std::string_view("()[],.=<>+-").find(c) != std::string_view::npos) {
      ++i;
    } else {  // one whole UTF-8 character
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
      kind = Tok::kBad;
    }
    out.push_back({kind, s.substr(start, i - start), start});
  }
  out.push_back({Tok::kEnd, {}, s.size()});
  return out;
}

std::string SyntaxErrorText(std::string_view text, const std::vector<Token>& tokens, size_t i) {
  i = std::min(i, tokens.size() - 1);
  const Token& t = tokens[i];
  auto end_of = [](const Token& k) { return k.pos + k.text.size(); };
  size_t start = i > 0 ? tokens[i - 1].pos : t.pos;
  size_t end = t.kind == Tok::kEnd               ? (i > 0 ? end_of(tokens[i - 1]) : t.pos)
               : tokens[i + 1].kind != Tok::kEnd ? end_of(tokens[i + 1])
                                                 : end_of(t);
  std::string token = t.kind == Tok::kEnd ? "<EOF>" : std::string(t.text);
  return "Syntax error; token: \"" + token + "\", near: \"" + std::string(text.substr(start, end - start)) + "\"";
}

}  // namespace kmslab::ddb::internal
