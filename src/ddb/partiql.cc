#include "ddb/partiql.h"

#include <cctype>
#include <optional>

#include "core/strings.h"

namespace kmslab::ddb::partiql {

namespace {

// A ValidationException (ddb/errors.h is not part of this pure library).
core::Status Malformed(std::string_view why) {
  return core::Status(core::Code::kInvalidArgument,
                      "Statement wasn't well formed, can't be processed: " + std::string(why), "ValidationException");
}

// A ValidationException with DynamoDB's bare text.
core::Status Invalid(std::string_view message) {
  return core::Status(core::Code::kInvalidArgument, std::string(message), "ValidationException");
}

struct Token {
  enum class Kind { kWord, kQuoted, kString, kNumber, kPunct, kEnd } kind = Kind::kEnd;
  std::string text;  // words as written; quoted names and strings unescaped
  size_t begin = 0;
  size_t end = 0;
};

bool IsWordStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Splits `text` into tokens, ending with kEnd.
core::StatusOr<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    Token t;
    t.begin = i;
    if (i == text.size()) {
      t.end = i;
      tokens.push_back(std::move(t));
      return tokens;
    }
    const char c = text[i];
    if (IsWordStart(c)) {
      t.kind = Token::Kind::kWord;
      while (i < text.size() && IsWordChar(text[i])) ++i;
      t.text = std::string(text.substr(t.begin, i - t.begin));
    } else if (c == '"' || c == '\'') {
      t.kind = c == '"' ? Token::Kind::kQuoted : Token::Kind::kString;
      ++i;
      while (true) {
        if (i == text.size()) return Malformed(c == '"' ? "Unterminated quoted identifier" : "Unterminated string");
        if (text[i] == c) {
          if (i + 1 < text.size() && text[i + 1] == c) {  // '' and "" stand for one quote
            t.text += c;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        t.text += text[i++];
      }
    } else if (IsDigit(c) || ((c == '-' || c == '.') && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      t.kind = Token::Kind::kNumber;
      if (c == '-') ++i;
      while (i < text.size() && IsDigit(text[i])) ++i;
      if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && IsDigit(text[i])) ++i;
      }
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (i == text.size() || !IsDigit(text[i])) return Malformed("Invalid number literal");
        while (i < text.size() && IsDigit(text[i])) ++i;
      }
      t.text = std::string(text.substr(t.begin, i - t.begin));
    } else {
      t.kind = Token::Kind::kPunct;
      static constexpr std::string_view kTwo[] = {"<>", "!=", "<=", ">=", "<<", ">>"};
      size_t length = 1;
      for (std::string_view two : kTwo) {
        if (text.substr(i, 2) == two) length = 2;
      }
      const std::string_view one = "*,.[]{}()=<>?:;";
      if (length == 1 && one.find(c) == std::string_view::npos) return Malformed("Unexpected character");
      t.text = std::string(text.substr(i, length));
      i += length;
    }
    t.end = i;
    tokens.push_back(std::move(t));
  }
}

constexpr std::string_view kKeywords[] = {"select", "from",  "where", "insert", "into", "value",   "update",
                                          "set",    "remove", "delete", "and",   "or",   "not",     "between",
                                          "in",     "is",    "missing", "true",  "false", "null",   "values",
                                          "returning"};

bool IsKeyword(std::string_view word) {
  for (std::string_view k : kKeywords) {
    if (core::EqualsIgnoreCase(word, k)) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  core::StatusOr<Statement> ParseStatement() {
    Statement s;
    if (Accept("select")) {
      s.kind = Statement::Kind::kSelect;
      if (!AcceptPunct("*")) {
        do {
          ASSIGN_OR_RETURN(Path path, ParsePath());
          s.projection.push_back(std::move(path));
        } while (AcceptPunct(","));
      }
      RETURN_IF_ERROR(Expect("from"));
      RETURN_IF_ERROR(ParseTable(s));
      if (Accept("where")) {
        s.has_where = true;
        ASSIGN_OR_RETURN(s.where, ParseOr(0));
      }
    } else if (Accept("insert")) {
      s.kind = Statement::Kind::kInsert;
      RETURN_IF_ERROR(Expect("into"));
      RETURN_IF_ERROR(ParseTable(s));
      RETURN_IF_ERROR(Expect("value"));
      if (!PeekPunct("{")) return Unexpected();
      ASSIGN_OR_RETURN(s.item, ParseValue(0));
    } else if (Accept("update")) {
      s.kind = Statement::Kind::kUpdate;
      RETURN_IF_ERROR(ParseTable(s));
      bool any = false;
      while (true) {
        if (Accept("set")) {
          do {
            Assignment a;
            ASSIGN_OR_RETURN(a.path, ParsePath());
            RETURN_IF_ERROR(ExpectPunct("="));
            ASSIGN_OR_RETURN(a.value, ParseValue(0));
            s.set.push_back(std::move(a));
          } while (AcceptPunct(","));
        } else if (Accept("remove")) {
          do {
            ASSIGN_OR_RETURN(Path path, ParsePath());
            s.remove.push_back(std::move(path));
          } while (AcceptPunct(","));
        } else {
          break;
        }
        any = true;
      }
      if (!any) return Unexpected();
      RETURN_IF_ERROR(Expect("where"));
      s.has_where = true;
      ASSIGN_OR_RETURN(s.where, ParseOr(0));
      ASSIGN_OR_RETURN(s.returning, ParseReturning(true));
    } else if (Accept("delete")) {
      s.kind = Statement::Kind::kDelete;
      RETURN_IF_ERROR(Expect("from"));
      RETURN_IF_ERROR(ParseTable(s));
      RETURN_IF_ERROR(Expect("where"));
      s.has_where = true;
      ASSIGN_OR_RETURN(s.where, ParseOr(0));
      ASSIGN_OR_RETURN(s.returning, ParseReturning(false));
    } else {
      return Malformed("Expected data manipulation");
    }
    AcceptPunct(";");
    if (Peek().kind != Token::Kind::kEnd) return Unexpected();
    s.parameter_count = parameters_;
    return s;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool PeekWord(std::string_view word) const {
    return Peek().kind == Token::Kind::kWord && core::EqualsIgnoreCase(Peek().text, word);
  }
  bool Accept(std::string_view word) {
    if (!PeekWord(word)) return false;
    Next();
    return true;
  }
  bool PeekPunct(std::string_view p) const { return Peek().kind == Token::Kind::kPunct && Peek().text == p; }
  bool AcceptPunct(std::string_view p) {
    if (!PeekPunct(p)) return false;
    Next();
    return true;
  }
  core::Status Expect(std::string_view word) { return Accept(word) ? core::Status() : Unexpected(); }
  core::Status ExpectPunct(std::string_view p) { return AcceptPunct(p) ? core::Status() : Unexpected(); }

  // DynamoDB's wording for the token where parsing stopped.
  core::Status Unexpected() const {
    const Token& t = Peek();
    switch (t.kind) {
      case Token::Kind::kEnd: return Malformed("Unexpected end of statement");
      case Token::Kind::kWord: return Malformed(IsKeyword(t.text) ? "Unexpected keyword" : "Unexpected identifier");
      case Token::Kind::kPunct: return Malformed("Unexpected token");
      default: return Malformed("Unexpected term");
    }
  }
  core::Status TooDeep() const { return Malformed("Nesting of the statement is too deep"); }

  // [RETURNING (ALL | MODIFIED) (OLD | NEW) *] as UpdateItem's ReturnValues;
  // DELETE (`update` false) returns ALL OLD only.
  core::StatusOr<std::string> ParseReturning(bool update) {
    if (!Accept("returning")) return std::string();
    const bool all = Accept("all");
    if (!all && !(update && Accept("modified"))) return Unexpected();
    const bool old = Accept("old");
    if (!old && !(update && Accept("new"))) return Unexpected();
    RETURN_IF_ERROR(ExpectPunct("*"));
    return std::string(all ? "ALL_" : "UPDATED_") + (old ? "OLD" : "NEW");
  }

  // FROM / INTO / UPDATE's target: `table` or `table.index` (SELECT only), each
  // a name or a "quoted name".
  core::Status ParseTable(Statement& s) {
    std::vector<std::string> components;
    do {
      const Token& t = Peek();
      if (t.kind != Token::Kind::kQuoted && (t.kind != Token::Kind::kWord || IsKeyword(t.text))) return Unexpected();
      if (t.text.empty()) return Invalid("Path component cannot be an empty string");  // [I] third-party AWS probes
      components.push_back(t.text);
      Next();
    } while (AcceptPunct("."));
    if (components.size() > 2) return Invalid("A path may contain at most 2 components in the FROM clause");  // [I]
    s.table = components[0];
    if (components.size() == 2) {
      if (s.kind != Statement::Kind::kSelect) return Invalid("This operation is not supported on an index");  // [I]
      s.index = components[1];
    }
    return core::Status();
  }

  // A name, "quoted name", then .name and [index] steps.
  core::StatusOr<Path> ParsePath() {
    Path path;
    const Token& first = Peek();
    if (first.kind != Token::Kind::kQuoted && (first.kind != Token::Kind::kWord || IsKeyword(first.text))) {
      return Unexpected();
    }
    path.push_back({first.text, -1});
    Next();
    while (path.size() <= static_cast<size_t>(kMaxNesting)) {
      if (AcceptPunct(".")) {
        const Token& t = Peek();
        if (t.kind != Token::Kind::kQuoted && t.kind != Token::Kind::kWord) return Unexpected();
        path.push_back({t.text, -1});
        Next();
      } else if (AcceptPunct("[")) {
        const Token& t = Peek();
        if (t.kind != Token::Kind::kNumber || t.text.size() > 9 || !IsDigit(t.text[0]) ||
            t.text.find_first_not_of("0123456789") != std::string::npos) {
          return Malformed("Invalid path component");
        }
        path.push_back({"", std::stoll(t.text)});
        Next();
        RETURN_IF_ERROR(ExpectPunct("]"));
      } else {
        return path;
      }
    }
    return TooDeep();
  }

  // A literal or `?`; documents nest at most kMaxNesting levels.
  core::StatusOr<Value> ParseValue(int depth) {
    if (depth > kMaxNesting) return TooDeep();  // the item is level 0, its attributes level 1
    Value v;
    const Token t = Peek();
    if (t.kind == Token::Kind::kString) {
      v.kind = Value::Kind::kString;
      v.text = t.text;
      Next();
    } else if (t.kind == Token::Kind::kNumber) {
      v.kind = Value::Kind::kNumber;
      v.text = t.text;
      Next();
    } else if (Accept("true") || Accept("false")) {
      v.kind = Value::Kind::kBool;
      v.text = core::ToLower(t.text);
    } else if (Accept("null")) {
      v.kind = Value::Kind::kNull;
    } else if (AcceptPunct("?")) {
      v.kind = Value::Kind::kParameter;
      v.parameter = parameters_++;
    } else if (AcceptPunct("{")) {
      v.kind = Value::Kind::kMap;
      if (!AcceptPunct("}")) {
        do {
          if (Peek().kind != Token::Kind::kString) return Unexpected();
          v.keys.push_back(Peek().text);
          Next();
          RETURN_IF_ERROR(ExpectPunct(":"));
          ASSIGN_OR_RETURN(Value element, ParseValue(depth + 1));
          v.elements.push_back(std::move(element));
        } while (AcceptPunct(","));
        RETURN_IF_ERROR(ExpectPunct("}"));
      }
    } else if (AcceptPunct("[")) {
      v.kind = Value::Kind::kList;
      RETURN_IF_ERROR(ParseElements(v, "]", depth));
    } else if (AcceptPunct("<<")) {
      v.kind = Value::Kind::kSet;
      RETURN_IF_ERROR(ParseElements(v, ">>", depth));
    } else {
      return Unexpected();
    }
    return v;
  }

  core::Status ParseElements(Value& v, std::string_view close, int depth) {
    if (AcceptPunct(close)) return core::Status();
    do {
      ASSIGN_OR_RETURN(Value element, ParseValue(depth + 1));
      v.elements.push_back(std::move(element));
    } while (AcceptPunct(","));
    return ExpectPunct(close);
  }

  core::StatusOr<Operand> ParseOperand() {
    Operand o;
    const Token& t = Peek();
    if (t.kind == Token::Kind::kQuoted || (t.kind == Token::Kind::kWord && !IsKeyword(t.text))) {
      o.is_path = true;
      ASSIGN_OR_RETURN(o.path, ParsePath());
    } else {
      ASSIGN_OR_RETURN(o.value, ParseValue(0));
    }
    return o;
  }

  core::StatusOr<Condition> ParseOr(int depth) {
    if (depth >= kMaxNesting) return TooDeep();
    ASSIGN_OR_RETURN(Condition left, ParseAnd(depth));
    while (Accept("or")) {
      ASSIGN_OR_RETURN(Condition right, ParseAnd(depth));
      left = Combine(Condition::Kind::kOr, std::move(left), std::move(right));
    }
    return left;
  }
  core::StatusOr<Condition> ParseAnd(int depth) {
    ASSIGN_OR_RETURN(Condition left, ParseNot(depth));
    while (Accept("and")) {
      ASSIGN_OR_RETURN(Condition right, ParseNot(depth));
      left = Combine(Condition::Kind::kAnd, std::move(left), std::move(right));
    }
    return left;
  }
  static Condition Combine(Condition::Kind kind, Condition left, Condition right) {
    Condition c;
    c.kind = kind;
    c.children.push_back(std::move(left));
    c.children.push_back(std::move(right));
    return c;
  }
  core::StatusOr<Condition> ParseNot(int depth) {
    if (depth >= kMaxNesting) return TooDeep();
    if (Accept("not")) {
      Condition c;
      c.kind = Condition::Kind::kNot;
      ASSIGN_OR_RETURN(Condition inner, ParseNot(depth + 1));
      c.children.push_back(std::move(inner));
      return c;
    }
    if (AcceptPunct("(")) {
      ASSIGN_OR_RETURN(Condition inner, ParseOr(depth + 1));
      RETURN_IF_ERROR(ExpectPunct(")"));
      return inner;
    }
    return ParsePredicate();
  }

  core::StatusOr<Condition> ParsePredicate() {
    Condition c;
    static constexpr std::string_view kFunctions[] = {"begins_with", "contains", "attribute_exists",
                                                      "attribute_not_exists", "attribute_type"};
    if (Peek().kind == Token::Kind::kWord && tokens_[pos_ + 1].kind == Token::Kind::kPunct &&
        tokens_[pos_ + 1].text == "(") {
      const std::string name = core::ToLower(Peek().text);
      bool known = false;
      for (std::string_view f : kFunctions) known = known || f == name;
      if (!known) return Malformed("Unsupported function: " + Peek().text);
      Next();
      Next();
      c.kind = Condition::Kind::kFunction;
      c.op = name;
      do {
        ASSIGN_OR_RETURN(Operand o, ParseOperand());
        c.operands.push_back(std::move(o));
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct(")"));
      const size_t wanted = name == "attribute_exists" || name == "attribute_not_exists" ? 1 : 2;
      if (c.operands.size() != wanted || !c.operands[0].is_path) {
        return Malformed("Incorrect number or type of arguments for function " + name);
      }
      return c;
    }
    ASSIGN_OR_RETURN(Operand left, ParseOperand());
    c.operands.push_back(std::move(left));
    if (Accept("is")) {
      const bool negated = Accept("not");
      RETURN_IF_ERROR(Expect("missing"));
      if (!c.operands[0].is_path) return Malformed("IS MISSING applies to a path");
      c.kind = Condition::Kind::kFunction;
      c.op = negated ? "attribute_exists" : "attribute_not_exists";
      return c;
    }
    if (Accept("between")) {
      c.kind = Condition::Kind::kBetween;
      for (int i = 0; i < 2; ++i) {
        if (i == 1) RETURN_IF_ERROR(Expect("and"));
        ASSIGN_OR_RETURN(Operand bound, ParseOperand());
        c.operands.push_back(std::move(bound));
      }
      return c;
    }
    if (Accept("in")) {
      c.kind = Condition::Kind::kIn;
      const bool bracket = AcceptPunct("[");
      if (!bracket) RETURN_IF_ERROR(ExpectPunct("("));
      do {
        ASSIGN_OR_RETURN(Operand o, ParseOperand());
        c.operands.push_back(std::move(o));
      } while (AcceptPunct(","));
      RETURN_IF_ERROR(ExpectPunct(bracket ? "]" : ")"));
      return c;
    }
    static constexpr std::string_view kComparisons[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    for (std::string_view op : kComparisons) {
      if (AcceptPunct(op)) {
        c.kind = Condition::Kind::kCompare;
        c.op = op == "!=" ? "<>" : std::string(op);
        ASSIGN_OR_RETURN(Operand right, ParseOperand());
        c.operands.push_back(std::move(right));
        return c;
      }
    }
    return Unexpected();
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int parameters_ = 0;
};

}  // namespace

const char* Statement::Action() const {
  switch (kind) {
    case Kind::kSelect: return "PartiQLSelect";
    case Kind::kInsert: return "PartiQLInsert";
    case Kind::kUpdate: return "PartiQLUpdate";
    case Kind::kDelete: return "PartiQLDelete";
  }
  return "PartiQLSelect";
}

core::StatusOr<Statement> Parse(std::string_view text) {
  if (text.size() > kMaxStatementBytes) return Malformed("Statement is too long");
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  return Parser(std::move(tokens)).ParseStatement();
}

std::string Redact(std::string_view text) {
  constexpr std::string_view kRedacted = "***(Redacted)";
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsWordStart(c)) {
      const size_t begin = i;
      while (i < text.size() && IsWordChar(text[i])) ++i;
      out.append(text.substr(begin, i - begin));
    } else if (c == '"' || c == '\'') {
      const size_t begin = i++;
      while (i < text.size()) {
        if (text[i] == c && i + 1 < text.size() && text[i + 1] == c) {
          i += 2;
        } else if (text[i++] == c) {
          break;
        }
      }
      if (c == '"') {
        out.append(text.substr(begin, i - begin));  // a name, not a value
      } else {
        out.append(kRedacted);
      }
    } else if (IsDigit(c) || ((c == '-' || c == '.') && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      ++i;
      while (i < text.size() && (IsWordChar(text[i]) || text[i] == '.' ||
                                 ((text[i] == '+' || text[i] == '-') && (text[i - 1] == 'e' || text[i - 1] == 'E')))) {
        ++i;
      }
      out.append(kRedacted);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace kmslab::ddb::partiql
