#include "ddb/expressions.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "core/base64.h"
#include "core/strings.h"
#include "ddb/attribute_value.h"
#include "ddb/document_path.h"
#include "ddb/expression_lexer.h"

namespace kmslab::ddb {

namespace {

using rapidjson::Value;
using internal::IsWordChar;
using internal::Lookup;
using internal::OverlapError;
using internal::Path;
using internal::PathString;
using internal::SameElement;
using internal::SyntaxErrorText;
using internal::Tok;
using internal::Token;
using internal::Tokenize;

core::Status Invalid(std::string message) {
  return core::Status(core::Code::kInvalidArgument, std::move(message), "ValidationException");
}

std::string_view Str(const Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

// "#word" or ":word" for `sigil` '#' / ':'.
bool IsPlaceholder(std::string_view s, char sigil) {
  return s.size() >= 2 && s[0] == sigil && std::all_of(s.begin() + 1, s.end(), IsWordChar);
}

std::string JoinKeys(const std::set<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) out += (out.empty() ? "" : ", ") + key;
  return out;
}

// ---- Syntax tree ----

struct Operand {
  enum class Kind { kInvalid, kPath, kValue } kind = Kind::kInvalid;  // kInvalid only beside a deferred error
  Path path;                     // kPath
  const Value* value = nullptr;  // kValue; null when the placeholder is undefined
  bool size = false;             // size(<path or value>)
};

struct Node {
  enum class Kind { kOr, kAnd, kNot, kCompare, kBetween, kIn, kFunction } kind;
  std::string op;             // comparator or function name
  int left = -1, right = -1;  // OR / AND operands; NOT uses left
  std::vector<Operand> args;  // comparisons, BETWEEN, IN and functions
  bool parenthesized = false;
};

// The datatype an operand is known to have at parse time: a value's, "N" for
// size(), "" for paths and unknowns.
std::string_view StaticType(const Operand& o) {
  if (o.size) return "N";
  return o.kind == Operand::Kind::kValue && o.value ? TypeOf(*o.value) : std::string_view();
}

// "{S:a}" as DynamoDB prints an AttributeValue in messages.
std::string AvText(const Value& av) {
  std::string_view type = TypeOf(av);
  const Value& v = av.MemberBegin()->value;
  if (v.IsString()) return "{" + std::string(type) + ":" + std::string(Str(v)) + "}";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return "{" + std::string(type) + ":" + std::string(buffer.GetString(), buffer.GetSize()) + "}";
}

}  // namespace

namespace internal {
struct ConditionTree {
  std::vector<Node> nodes;
  int root = -1;
};
}  // namespace internal

namespace {

using internal::ConditionTree;

// ---- Tokens ----

// ---- Parser ----

// Recursive descent over the token list. Syntax errors return at once;
// semantic errors (placeholders, functions, operand types) are deferred so
// that a syntax error anywhere wins, and among them the lowest rank wins.
class Parser {
 public:
  Parser(std::string_view text, std::string_view kind, ExpressionContext& context)
      : text_(text), kind_(kind), context_(context), tokens_(Tokenize(text)) {}

  core::Status ParseCondition(ConditionTree* tree) {
    RETURN_IF_ERROR(CheckLength());
    auto root = ParseOr();
    if (!root.ok()) return root.status();
    if (Peek().kind != Tok::kEnd) return SyntaxError();
    RETURN_IF_ERROR(deferred_);
    tree->nodes = std::move(nodes_);
    tree->root = *root;
    return {};
  }

  // A comma-separated list of document paths (a ProjectionExpression).
  core::StatusOr<std::vector<Path>> ParsePaths() {
    RETURN_IF_ERROR(CheckLength());
    std::vector<Path> paths;
    while (true) {
      ASSIGN_OR_RETURN(Path path, ParsePath());
      paths.push_back(std::move(path));
      if (Peek().kind == Tok::kEnd) break;
      RETURN_IF_ERROR(Expect(","));
    }
    RETURN_IF_ERROR(deferred_);
    return paths;
  }

  core::Status Error(std::string_view message) const {
    return Invalid("Invalid " + std::string(kind_) + ": " + std::string(message));
  }

 private:
  // DynamoDB's limit on an expression's UTF-8 size, and ours on nested
  // parentheses and NOTs (which bounds the recursion).
  static constexpr size_t kMaxBytes = 4096;
  static constexpr int kMaxDepth = 256;

  // Rejects an empty or over-long expression.
  core::Status CheckLength() const {
    if (tokens_.size() == 1) return Error("The expression can not be empty;");
    if (text_.size() <= kMaxBytes) return {};
    return Error("Expression size has exceeded the maximum allowed size; expression size: " +
                 std::to_string(text_.size()));
  }

  // Deferred error ranks, most important first.
  enum Rank {
    kParens,
    kUnknownFunction,
    kMisusedFunction,
    kReservedWord,
    kPlaceholder,
    kOperandCount,
    kDistinct,
    kOperandType
  };

  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  bool IsPunct(std::string_view p, size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kPunct && Peek(ahead).text == p;
  }
  bool IsKeyword(std::string_view word) const {
    return Peek().kind == Tok::kWord && core::EqualsIgnoreCase(Peek().text, word);
  }
  bool IsOperatorWord(const Token& t) const {
    if (t.kind != Tok::kWord) return false;
    for (std::string_view word : {"AND", "OR", "NOT", "BETWEEN", "IN"}) {
      if (core::EqualsIgnoreCase(t.text, word)) return true;
    }
    return false;
  }
  // A function call starts here: a word other than AND, OR, NOT, BETWEEN, IN and "(".
  bool AtFunction() const { return Peek().kind == Tok::kWord && !IsOperatorWord(Peek()) && IsPunct("(", 1); }
  bool AtComparator() const {
    if (Peek().kind != Tok::kPunct) return false;
    std::string_view t = Peek().text;
    return t == "=" || t == "<>" || t == "<" || t == "<=" || t == ">" || t == ">=";
  }

  core::Status SyntaxError() const { return Error(SyntaxErrorText(text_, tokens_, pos_)); }

  core::Status Expect(std::string_view punct) {
    if (!IsPunct(punct)) return SyntaxError();
    ++pos_;
    return {};
  }

  void Defer(Rank rank, std::string_view message) {
    if (rank >= deferred_rank_) return;
    deferred_rank_ = rank;
    deferred_ = Error(message);
  }

  int Add(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }

  core::StatusOr<int> ParseOr() {
    ASSIGN_OR_RETURN(int left, ParseAnd());
    while (IsKeyword("OR")) {
      ++pos_;
      ASSIGN_OR_RETURN(int right, ParseAnd());
      left = Add({.kind = Node::Kind::kOr, .op = "OR", .left = left, .right = right});
    }
    return left;
  }

  core::StatusOr<int> ParseAnd() {
    ASSIGN_OR_RETURN(int left, ParseNot());
    while (IsKeyword("AND")) {
      ++pos_;
      ASSIGN_OR_RETURN(int right, ParseNot());
      left = Add({.kind = Node::Kind::kAnd, .op = "AND", .left = left, .right = right});
    }
    return left;
  }

  core::StatusOr<int> ParseNot() {
    if (!IsKeyword("NOT")) return ParsePrimary();
    if (++depth_ > kMaxDepth) return SyntaxError();
    ++pos_;
    ASSIGN_OR_RETURN(int operand, ParseNot());
    --depth_;
    return Add({.kind = Node::Kind::kNot, .op = "NOT", .left = operand});
  }

  core::StatusOr<int> ParsePrimary() {
    if (IsPunct("(")) {
      if (++depth_ > kMaxDepth) return SyntaxError();
      ++pos_;
      ASSIGN_OR_RETURN(int inner, ParseOr());
      RETURN_IF_ERROR(Expect(")"));
      --depth_;
      if (nodes_[static_cast<size_t>(inner)].parenthesized) Defer(kParens, "The expression has redundant parentheses;");
      nodes_[static_cast<size_t>(inner)].parenthesized = true;
      return inner;
    }
    Operand lhs;
    if (AtFunction() && Peek().text != "size") {
      std::string name(Peek().text);
      ++pos_;
      ASSIGN_OR_RETURN(std::vector<Operand> args, ParseArgs());
      CheckFunction(name, args);
      if (!AtComparator() && !IsKeyword("BETWEEN") && !IsKeyword("IN")) {
        return Add({.kind = Node::Kind::kFunction, .op = name, .args = std::move(args)});
      }
      Defer(kMisusedFunction, "The function is not allowed to be used this way in an expression; function: " + name);
    } else {
      ASSIGN_OR_RETURN(lhs, ParseOperand());
    }

    if (AtComparator()) {
      std::string op(Peek().text);
      ++pos_;
      ASSIGN_OR_RETURN(Operand rhs, ParseOperand());
      CheckDistinct(op, lhs, rhs);
      return Add({.kind = Node::Kind::kCompare, .op = op, .args = {std::move(lhs), std::move(rhs)}});
    }
    if (IsKeyword("BETWEEN")) {
      ++pos_;
      ASSIGN_OR_RETURN(Operand low, ParseOperand());
      if (!IsKeyword("AND")) return SyntaxError();
      ++pos_;
      ASSIGN_OR_RETURN(Operand high, ParseOperand());
      CheckBetween(low, high);
      return Add({.kind = Node::Kind::kBetween,
                  .op = "BETWEEN",
                  .args = {std::move(lhs), std::move(low), std::move(high)}});
    }
    if (IsKeyword("IN")) {
      ++pos_;
      ASSIGN_OR_RETURN(std::vector<Operand> list, ParseArgs());
      list.insert(list.begin(), std::move(lhs));
      return Add({.kind = Node::Kind::kIn, .op = "IN", .args = std::move(list)});
    }
    if (lhs.size) {  // size(...) standing alone as a condition
      Defer(kMisusedFunction, "The function is not allowed to be used this way in an expression; function: size");
      return Add({.kind = Node::Kind::kFunction, .op = "size", .args = {std::move(lhs)}});
    }
    return SyntaxError();
  }

  // "(" operand ("," operand)* ")"
  core::StatusOr<std::vector<Operand>> ParseArgs() {
    RETURN_IF_ERROR(Expect("("));
    std::vector<Operand> args;
    while (true) {
      ASSIGN_OR_RETURN(Operand arg, ParseOperand());
      args.push_back(std::move(arg));
      if (IsPunct(")")) break;
      RETURN_IF_ERROR(Expect(","));
    }
    ++pos_;
    return args;
  }

  // A path, a value, or size(...); other functions parse but are deferred errors.
  core::StatusOr<Operand> ParseOperand() {
    Operand o;
    if (Peek().kind == Tok::kValue) {
      auto value = context_.ResolveValue(Peek().text);
      ++pos_;
      o.kind = Operand::Kind::kValue;
      if (value.ok()) {
        o.value = *value;
      } else {
        Defer(kPlaceholder, value.status().message());
      }
      return o;
    }
    if (AtFunction()) {
      std::string name(Peek().text);
      ++pos_;
      ASSIGN_OR_RETURN(std::vector<Operand> args, ParseArgs());
      CheckFunction(name, args);
      if (name != "size") {
        Defer(kMisusedFunction, "The function is not allowed to be used this way in an expression; function: " + name);
        return o;
      }
      if (args.size() != 1) return o;  // deferred by CheckFunction
      o = std::move(args[0]);
      o.size = true;
      return o;
    }
    ASSIGN_OR_RETURN(o.path, ParsePath());
    o.kind = Operand::Kind::kPath;
    return o;
  }

  // A document path; words naming keywords (AND, OR ...) are not names.
  core::StatusOr<Path> ParsePath() {
    std::optional<Path> path = internal::ParsePath(
        tokens_, &pos_, context_, [this](const Token& t) { return !IsOperatorWord(t); },
        [this](internal::PathProblem problem, const std::string& message) {
          Defer(problem == internal::PathProblem::kReservedWord ? kReservedWord : kPlaceholder, message);
        });
    if (!path) return SyntaxError();
    return std::move(*path);
  }

  void CheckDistinct(std::string_view op, const Operand& a, const Operand& b) {
    if (a.kind != Operand::Kind::kPath || b.kind != Operand::Kind::kPath || a.size || b.size) return;
    if (!std::equal(a.path.begin(), a.path.end(), b.path.begin(), b.path.end(), SameElement)) return;
    Defer(kDistinct,
          "The first operand must be distinct from the remaining operands for this operator or function; operator: " +
              std::string(op) + ", first operand: " + PathString(a.path));
  }

  void CheckBetween(const Operand& low, const Operand& high) {
    if (low.kind != Operand::Kind::kValue || high.kind != Operand::Kind::kValue || !low.value || !high.value ||
        low.size || high.size) {
      return;
    }
    std::string_view tl = TypeOf(*low.value), th = TypeOf(*high.value);
    std::string bounds = "lower bound operand: AttributeValue: " + AvText(*low.value) +
                         ", upper bound operand: AttributeValue: " + AvText(*high.value);
    if (tl != th) {
      Defer(kOperandType, "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
    } else if ((tl == "S" || tl == "N" || tl == "B") && CompareScalars(*low.value, *high.value) > 0) {
      Defer(kOperandType,
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + bounds);
    }
  }

  void CheckFunction(const std::string& name, const std::vector<Operand>& args) {
    static constexpr std::pair<std::string_view, size_t> kArity[] = {
        {"attribute_exists", 1}, {"attribute_not_exists", 1}, {"attribute_type", 2},
        {"begins_with", 2},      {"contains", 2},             {"size", 1}};
    auto it = std::find_if(std::begin(kArity), std::end(kArity), [&](const auto& f) { return f.first == name; });
    if (it == std::end(kArity)) {
      Defer(kUnknownFunction, "Invalid function name; function: " + name);
      return;
    }
    if (args.size() != it->second) {
      Defer(kOperandCount, "Incorrect number of operands for operator or function; operator or function: " + name +
                               ", number of operands: " + std::to_string(args.size()));
      return;
    }
    if (args.size() == 2) CheckDistinct(name, args[0], args[1]);
    auto bad_type = [&](std::string_view type) {
      Defer(kOperandType, "Incorrect operand type for operator or function; operator or function: " + name +
                              ", operand type: " + std::string(type));
    };
    if (name == "attribute_exists" || name == "attribute_not_exists") {
      if (args[0].kind != Operand::Kind::kPath || args[0].size) {
        Defer(kOperandType, "Operator or function requires a document path; operator or function: " + name);
      }
    } else if (name == "begins_with") {
      for (const Operand& arg : args) {
        std::string_view type = StaticType(arg);
        if (!type.empty() && type != "S" && type != "B") return bad_type(type);
      }
    } else if (name == "attribute_type") {
      std::string_view type = StaticType(args[1]);
      if (type != "S") return bad_type(type.empty() ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : type);
      std::string_view wanted = Str(args[1].value->MemberBegin()->value);
      for (std::string_view valid : {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}) {
        if (wanted == valid) return;
      }
      Defer(kOperandType, "Invalid attribute type name found; type: " + std::string(wanted) +
                              ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    } else if (name == "size") {
      std::string_view type = StaticType(args[0]);
      if (type == "N" || type == "BOOL" || type == "NULL") bad_type(type);
    }
  }

  std::string_view text_;
  std::string_view kind_;
  ExpressionContext& context_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Node> nodes_;
  int deferred_rank_ = INT_MAX;
  core::Status deferred_;
};

// ---- Evaluation ----

// An operand's value for one item: an AttributeValue, a size() result, or
// absent (neither).
struct Evaluated {
  const Value* av = nullptr;
  std::optional<std::string> number;  // size() result, an N
  bool present() const { return av != nullptr || number.has_value(); }
  std::string_view type() const { return number ? "N" : av ? TypeOf(*av) : std::string_view(); }
  std::string_view number_text() const { return number ? std::string_view(*number) : Str(av->MemberBegin()->value); }
};

std::string Decoded(const Value& b) {
  std::string out;
  return core::Base64Decode(Str(b), &out) ? out : std::string(Str(b));
}

std::optional<int64_t> SizeOf(const Value& av) {
  std::string_view type = TypeOf(av);
  if (type.empty()) return std::nullopt;
  const Value& v = av.MemberBegin()->value;
  if (type == "S") return static_cast<int64_t>(Str(v).size());
  if (type == "B") return static_cast<int64_t>(Decoded(v).size());
  if (type == "M" && v.IsObject()) return static_cast<int64_t>(v.MemberCount());
  if ((type == "L" || type == "SS" || type == "NS" || type == "BS") && v.IsArray()) {
    return static_cast<int64_t>(v.Size());
  }
  return std::nullopt;
}

Evaluated Evaluate(const Operand& o, const Value* item) {
  Evaluated r;
  const Value* av = o.kind == Operand::Kind::kPath ? Lookup(item, o.path) : o.value;
  if (!o.size) {
    r.av = av;
  } else if (av) {
    if (auto n = SizeOf(*av)) r.number = std::to_string(*n);
  }
  return r;
}

bool EqualValues(const Evaluated& a, const Evaluated& b) {
  if (!a.present() || !b.present()) return false;
  if (!a.number && !b.number) return Equals(*a.av, *b.av);
  return a.type() == "N" && b.type() == "N" && CompareNumbers(a.number_text(), b.number_text()) == 0;
}

// Orders two S, two N or two B values into *order; false for anything else.
bool Order(const Evaluated& a, const Evaluated& b, int* order) {
  std::string_view type = a.type();
  if (type != b.type() || (type != "S" && type != "N" && type != "B")) return false;
  *order = type == "N" ? CompareNumbers(a.number_text(), b.number_text()) : CompareScalars(*a.av, *b.av);
  return true;
}

// True when the S or B `whole` starts with (or, for `anywhere`, contains) `part`.
bool HasPart(const Evaluated& whole, const Evaluated& part, bool anywhere) {
  std::string_view type = whole.type();
  if ((type != "S" && type != "B") || part.type() != type) return false;
  const Value& w = whole.av->MemberBegin()->value;
  const Value& p = part.av->MemberBegin()->value;
  std::string ws = type == "B" ? Decoded(w) : std::string(Str(w));
  std::string ps = type == "B" ? Decoded(p) : std::string(Str(p));
  return anywhere ? ws.find(ps) != std::string::npos : ws.compare(0, ps.size(), ps) == 0;
}

bool Contains(const Evaluated& a, const Evaluated& b) {
  std::string_view type = a.type();
  if (type == "S" || type == "B") return HasPart(a, b, /*anywhere=*/true);
  if (type != "L" && type != "SS" && type != "NS" && type != "BS") return false;
  if (!b.present()) return false;
  const Value& list = a.av->MemberBegin()->value;
  if (!list.IsArray()) return false;
  for (const Value& element : list.GetArray()) {
    if (type == "L" && EqualValues(Evaluated{.av = &element}, b)) return true;
    if (type == "SS" && b.type() == "S" && Str(element) == Str(b.av->MemberBegin()->value)) return true;
    if (type == "NS" && b.type() == "N" && CompareNumbers(Str(element), b.number_text()) == 0) return true;
    if (type == "BS" && b.type() == "B" && Decoded(element) == Decoded(b.av->MemberBegin()->value)) return true;
  }
  return false;
}

bool EvaluateNode(const ConditionTree& tree, int index, const Value* item) {
  const Node& n = tree.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::kOr: return EvaluateNode(tree, n.left, item) || EvaluateNode(tree, n.right, item);
    case Node::Kind::kAnd: return EvaluateNode(tree, n.left, item) && EvaluateNode(tree, n.right, item);
    case Node::Kind::kNot: return !EvaluateNode(tree, n.left, item);
    case Node::Kind::kCompare: {
      Evaluated a = Evaluate(n.args[0], item), b = Evaluate(n.args[1], item);
      if (n.op == "=") return EqualValues(a, b);
      if (n.op == "<>") return !EqualValues(a, b);
      int order = 0;
      if (!Order(a, b, &order)) return false;
      if (n.op == "<") return order < 0;
      if (n.op == "<=") return order <= 0;
      if (n.op == ">") return order > 0;
      return order >= 0;
    }
    case Node::Kind::kBetween: {
      Evaluated a = Evaluate(n.args[0], item);
      int low = 0, high = 0;
      return Order(a, Evaluate(n.args[1], item), &low) && Order(a, Evaluate(n.args[2], item), &high) && low >= 0 &&
             high <= 0;
    }
    case Node::Kind::kIn: {
      Evaluated a = Evaluate(n.args[0], item);
      for (size_t i = 1; i < n.args.size(); ++i) {
        if (EqualValues(a, Evaluate(n.args[i], item))) return true;
      }
      return false;
    }
    case Node::Kind::kFunction: {
      Evaluated a = Evaluate(n.args[0], item);
      if (n.op == "attribute_exists") return a.present();
      if (n.op == "attribute_not_exists") return !a.present();
      if (n.args.size() < 2) return false;
      Evaluated b = Evaluate(n.args[1], item);
      if (n.op == "attribute_type") {
        return a.present() && b.type() == "S" && a.type() == Str(b.av->MemberBegin()->value);
      }
      if (n.op == "begins_with") return HasPart(a, b, /*anywhere=*/false);
      if (n.op == "contains") return Contains(a, b);
      return false;
    }
  }
  return false;
}

// ---- Key conditions ----

// Appends the AND-ed clauses under `index`, rejecting operators a key
// condition cannot use.
core::Status CollectKeyClauses(const ConditionTree& tree, int index, std::vector<const Node*>* clauses) {
  const Node& n = tree.nodes[static_cast<size_t>(index)];
  if (n.kind == Node::Kind::kAnd) {
    RETURN_IF_ERROR(CollectKeyClauses(tree, n.left, clauses));
    return CollectKeyClauses(tree, n.right, clauses);
  }
  bool allowed = n.kind == Node::Kind::kBetween || (n.kind == Node::Kind::kCompare && n.op != "<>") ||
                 (n.kind == Node::Kind::kFunction && n.op == "begins_with");
  if (!allowed) return Invalid("Invalid operator used in KeyConditionExpression: " + n.op);
  clauses->push_back(&n);
  return {};
}

// The attribute a key clause constrains, after DynamoDB's per-clause checks.
core::StatusOr<std::string> KeyClauseAttribute(const Node& n) {
  if ((n.kind == Node::Kind::kBetween || n.kind == Node::Kind::kFunction) &&
      (n.args[0].kind != Operand::Kind::kPath || n.args[0].size)) {
    return Invalid("Invalid condition in KeyConditionExpression: " +
                   std::string(n.kind == Node::Kind::kBetween ? "BETWEEN" : n.op) +
                   " operator must have the key attribute as its first operand");
  }
  std::optional<std::string> attribute;
  for (const Operand& o : n.args) {
    if (o.size) return Invalid("KeyConditionExpressions cannot contain nested operations");
    if (o.kind != Operand::Kind::kPath) continue;
    if (attribute) {
      return Invalid("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    }
    if (o.path.size() > 1) return Invalid("KeyConditionExpressions cannot have conditions on nested attributes");
    attribute = o.path[0].name;
  }
  if (!attribute) return Invalid("Invalid condition in KeyConditionExpression: No key attribute specified");
  return *attribute;
}

const Value* FirstValue(const Node& n, size_t from = 0) {
  for (size_t i = from; i < n.args.size(); ++i) {
    if (n.args[i].kind == Operand::Kind::kValue) return n.args[i].value;
  }
  return nullptr;
}

}  // namespace

// ---- ExpressionContext ----

core::StatusOr<ExpressionContext> ExpressionContext::Create(const Value* names, const Value* values) {
  if (names) {
    if (!names->IsObject() || names->ObjectEmpty()) return Invalid("ExpressionAttributeNames must not be empty");
    for (const auto& m : names->GetObject()) {
      std::string key(Str(m.name));
      if (!IsPlaceholder(key, '#')) {
        return Invalid("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
      }
      if (Str(m.value).empty()) {
        return Invalid("ExpressionAttributeNames contains invalid value: Empty attribute name for key " + key);
      }
    }
  }
  if (values) {
    if (!values->IsObject() || values->ObjectEmpty()) return Invalid("ExpressionAttributeValues must not be empty");
    for (const auto& m : values->GetObject()) {
      std::string key(Str(m.name));
      if (!IsPlaceholder(key, ':')) {
        return Invalid("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
      }
      core::Status status = ValidateAttributeValue(m.value);
      if (!status.ok()) {
        return Invalid("ExpressionAttributeValues contains invalid value: " + status.message() + " for key " + key);
      }
    }
  }
  return ExpressionContext(names, values);
}

ExpressionContext::ExpressionContext(const Value* names, const Value* values) : names_(names), values_(values) {}

core::StatusOr<std::string> ExpressionContext::ResolveName(std::string_view placeholder) {
  if (names_ && names_->IsObject()) {
    auto it = names_->FindMember(Value(rapidjson::StringRef(placeholder.data(), placeholder.size())));
    if (it != names_->MemberEnd() && it->value.IsString()) {
      used_names_.emplace(placeholder);
      return std::string(Str(it->value));
    }
  }
  return Invalid("An expression attribute name used in the document path is not defined; attribute name: " +
                 std::string(placeholder));
}

core::StatusOr<const Value*> ExpressionContext::ResolveValue(std::string_view placeholder) {
  if (values_ && values_->IsObject()) {
    auto it = values_->FindMember(Value(rapidjson::StringRef(placeholder.data(), placeholder.size())));
    if (it != values_->MemberEnd()) {
      used_values_.emplace(placeholder);
      return &it->value;
    }
  }
  return Invalid("An expression attribute value used in expression is not defined; attribute value: " +
                 std::string(placeholder));
}

core::Status ExpressionContext::CheckAllUsed() const {
  auto unused = [](const Value* map, const std::set<std::string, std::less<>>& used) {
    std::set<std::string> keys;
    if (map && map->IsObject()) {
      for (const auto& m : map->GetObject()) {
        if (!used.count(Str(m.name))) keys.emplace(Str(m.name));
      }
    }
    return keys;
  };
  if (auto keys = unused(names_, used_names_); !keys.empty()) {
    return Invalid("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + JoinKeys(keys) + "}");
  }
  if (auto keys = unused(values_, used_values_); !keys.empty()) {
    return Invalid("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + JoinKeys(keys) + "}");
  }
  return {};
}

// ---- Condition ----

core::StatusOr<Condition> Condition::Parse(std::string_view text, ExpressionContext& context, std::string_view kind) {
  auto tree = std::make_shared<ConditionTree>();
  Parser parser(text, kind, context);
  RETURN_IF_ERROR(parser.ParseCondition(tree.get()));
  return Condition(std::move(tree));
}

bool Condition::Evaluate(const Value* item) const { return EvaluateNode(*tree_, tree_->root, item); }

std::vector<std::string> Condition::TopLevelNames() const {
  std::vector<std::string> names;
  for (const Node& node : tree_->nodes) {
    for (const Operand& operand : node.args) {
      if (operand.kind != Operand::Kind::kPath) continue;
      const std::string& name = operand.path.front().name;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

// ---- KeyCondition ----

bool KeyCondition::SortMatches(const Value& sort_value) const {
  if (op == Op::kNone) return true;
  if (!sort_low) return false;
  Evaluated value{.av = &sort_value}, low{.av = sort_low};
  if (op == Op::kBeginsWith) return HasPart(value, low, /*anywhere=*/false);
  int order = 0;
  if (!Order(value, low, &order)) return false;
  switch (op) {
    case Op::kEq: return order == 0;
    case Op::kLt: return order < 0;
    case Op::kLe: return order <= 0;
    case Op::kGt: return order > 0;
    case Op::kGe: return order >= 0;
    case Op::kBetween: {
      int high = 0;
      return order >= 0 && sort_high && Order(value, Evaluated{.av = sort_high}, &high) && high <= 0;
    }
    default: return false;
  }
}

core::StatusOr<KeyCondition> ParseKeyCondition(std::string_view text, ExpressionContext& context,
                                               const std::string& hash_name, const std::string& range_name) {
  ConditionTree tree;
  Parser parser(text, "KeyConditionExpression", context);
  RETURN_IF_ERROR(parser.ParseCondition(&tree));
  std::vector<const Node*> clauses;
  RETURN_IF_ERROR(CollectKeyClauses(tree, tree.root, &clauses));
  std::vector<std::string> attributes;
  for (const Node* clause : clauses) {
    ASSIGN_OR_RETURN(std::string attribute, KeyClauseAttribute(*clause));
    if (std::find(attributes.begin(), attributes.end(), attribute) != attributes.end()) {
      return Invalid("KeyConditionExpressions must only contain one condition per key");
    }
    attributes.push_back(std::move(attribute));
  }
  if (clauses.size() > 2) return Invalid("Conditions can be of length 1 or 2 only");

  const Node* hash = nullptr;
  const Node* range = nullptr;
  for (size_t i = 0; i < clauses.size(); ++i) {
    if (attributes[i] == hash_name) {
      hash = clauses[i];
    } else if (!range_name.empty() && attributes[i] == range_name) {
      range = clauses[i];
    }
  }
  if (!hash) return Invalid("Query condition missed key schema element: " + hash_name);
  if (clauses.size() != (range ? 2u : 1u) || hash->kind != Node::Kind::kCompare || hash->op != "=") {
    return Invalid("Query key condition not supported");
  }

  KeyCondition result;
  result.partition_name = hash_name;
  result.partition_value = FirstValue(*hash);
  if (!range) return result;
  result.sort_name = range_name;
  if (range->kind == Node::Kind::kBetween) {
    result.op = KeyCondition::Op::kBetween;
    result.sort_low = range->args[1].value;
    result.sort_high = range->args[2].value;
  } else if (range->kind == Node::Kind::kFunction) {
    result.op = KeyCondition::Op::kBeginsWith;
    result.sort_low = FirstValue(*range, 1);
  } else {
    // `:v < sk` reads as `sk > :v`.
    bool flipped = range->args[0].kind == Operand::Kind::kValue;
    const std::string& op = range->op;
    using Op = KeyCondition::Op;
    result.op = op == "="    ? Op::kEq
                : op == "<"  ? (flipped ? Op::kGt : Op::kLt)
                : op == "<=" ? (flipped ? Op::kGe : Op::kLe)
                : op == ">"  ? (flipped ? Op::kLt : Op::kGt)
                             : (flipped ? Op::kLe : Op::kGe);
    result.sort_low = FirstValue(*range);
  }
  return result;
}

// ---- Projection ----

core::StatusOr<std::vector<Path>> ParseProjection(std::string_view text, ExpressionContext& context) {
  Parser parser(text, "ProjectionExpression", context);
  ASSIGN_OR_RETURN(std::vector<Path> paths, parser.ParsePaths());
  const std::string overlap = OverlapError(paths);
  if (!overlap.empty()) return parser.Error(overlap);
  return paths;
}

}  // namespace kmslab::ddb
