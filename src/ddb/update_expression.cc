#include "ddb/update_expression.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "core/strings.h"
#include "ddb/attribute_value.h"
#include "ddb/decimal_sum.h"
#include "ddb/expression_lexer.h"

namespace kmslab::ddb {

namespace internal {

struct UpdateOperand {
  enum class Kind { kPath, kValue, kIfNotExists, kListAppend, kPlus, kMinus } kind = Kind::kValue;
  Path path;                                // kPath, kIfNotExists
  const rapidjson::Value* value = nullptr;  // kValue; null beside a deferred error
  std::vector<UpdateOperand> args;          // kIfNotExists: the fallback; the others: both operands
};

struct UpdateAction {
  enum class Kind { kSet, kRemove, kAdd, kDelete } kind;
  Path path;
  UpdateOperand operand;  // not for kRemove
};

}  // namespace internal

namespace {

using internal::Path;
using internal::Tok;
using internal::Token;
using internal::UpdateAction;
using internal::UpdateOperand;
using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

core::Status Invalid(std::string message) {
  return core::Status(core::Code::kInvalidArgument, std::move(message), "ValidationException");
}

core::Status WrongDataType() { return Invalid("An operand in the update expression has an incorrect data type"); }

core::Status InvalidPath() {
  return Invalid("The document path provided in the update expression is invalid for update");
}

// The section keywords, in UpdateAction::Kind order.
constexpr std::string_view kSectionNames[] = {"SET", "REMOVE", "ADD", "DELETE"};

bool IsSet(std::string_view type) { return type == "SS" || type == "NS" || type == "BS"; }

// The long type names of "Incorrect operand type ...; operator: ADD".
std::string LongTypeName(std::string_view type) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"S", "STRING"}, {"N", "NUMBER"},   {"B", "BINARY"}, {"NULL", "NULL"},
      {"BOOL", "BOOLEAN"}, {"L", "LIST"}, {"M", "MAP"}};
  for (const auto& [short_name, long_name] : kNames) {
    if (type == short_name) return std::string(long_name);
  }
  return std::string(type);
}

// ---- Parser ----

// Recursive descent over the tokens. Syntax errors return at once; the first
// semantic error (placeholder, section, function, operand type) is deferred
// so that a syntax error anywhere wins.
class Parser {
 public:
  Parser(std::string_view text, ExpressionContext& context)
      : text_(text), context_(context), tokens_(internal::Tokenize(text)) {}

  core::StatusOr<std::vector<UpdateAction>> Parse() {
    if (tokens_.size() == 1) return Error("The expression can not be empty;");
    if (text_.size() > kMaxBytes) {
      return Error("Expression size has exceeded the maximum allowed size; expression size: " +
                   std::to_string(text_.size()));
    }
    std::vector<UpdateAction> actions;
    bool seen[4] = {false, false, false, false};
    while (Peek().kind != Tok::kEnd) {
      std::optional<UpdateAction::Kind> kind = SectionKeyword();
      if (!kind) return SyntaxError();
      ++pos_;
      bool& once = seen[static_cast<int>(*kind)];
      if (once) {
        Defer("The \"" + std::string(kSectionNames[static_cast<int>(*kind)]) +
              "\" section can only be used once in an update expression;");
      }
      once = true;
      while (true) {
        ASSIGN_OR_RETURN(UpdateAction action, ParseAction(*kind));
        actions.push_back(std::move(action));
        if (!IsPunct(",")) break;
        ++pos_;
      }
    }
    RETURN_IF_ERROR(deferred_);
    return actions;
  }

  core::Status Error(std::string_view message) const {
    return Invalid("Invalid UpdateExpression: " + std::string(message));
  }

 private:
  static constexpr size_t kMaxBytes = 4096;  // DynamoDB's expression limit
  static constexpr int kMaxDepth = 32;       // nested function calls

  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  bool IsPunct(std::string_view p, size_t ahead = 0) const {
    return Peek(ahead).kind == Tok::kPunct && Peek(ahead).text == p;
  }
  core::Status SyntaxError() const { return Error(internal::SyntaxErrorText(text_, tokens_, pos_)); }
  core::Status Expect(std::string_view punct) {
    if (!IsPunct(punct)) return SyntaxError();
    ++pos_;
    return {};
  }
  void Defer(std::string_view message) {
    if (deferred_.ok()) deferred_ = Error(message);
  }

  // The section a keyword opens, or nullopt.
  std::optional<UpdateAction::Kind> SectionKeyword() const {
    if (Peek().kind != Tok::kWord) return std::nullopt;
    for (size_t i = 0; i < std::size(kSectionNames); ++i) {
      if (core::EqualsIgnoreCase(Peek().text, kSectionNames[i])) return static_cast<UpdateAction::Kind>(i);
    }
    return std::nullopt;
  }

  core::StatusOr<UpdateAction> ParseAction(UpdateAction::Kind kind) {
    UpdateAction action{.kind = kind};
    ASSIGN_OR_RETURN(action.path, ParsePath());
    if (kind == UpdateAction::Kind::kSet) {
      RETURN_IF_ERROR(Expect("="));
      ASSIGN_OR_RETURN(action.operand, ParseValue());
    } else if (kind != UpdateAction::Kind::kRemove) {  // ADD, DELETE
      if (Peek().kind != Tok::kValue) return SyntaxError();
      ASSIGN_OR_RETURN(action.operand, ParseOperand(0));
      CheckSetOperand(kind, action.operand);
    }
    return action;
  }

  // ADD takes a number or a set, DELETE a set.
  void CheckSetOperand(UpdateAction::Kind kind, const UpdateOperand& o) {
    if (!o.value) return;
    const std::string_view type = TypeOf(*o.value);
    const bool add = kind == UpdateAction::Kind::kAdd;
    if (IsSet(type) || (add && type == "N")) return;
    Defer(std::string("Incorrect operand type for operator or function; operator: ") + (add ? "ADD" : "DELETE") +
          ", operand type: " + LongTypeName(type));
  }

  // operand (("+" | "-") operand)?
  core::StatusOr<UpdateOperand> ParseValue() {
    ASSIGN_OR_RETURN(UpdateOperand left, ParseOperand(0));
    if (!IsPunct("+") && !IsPunct("-")) return left;
    UpdateOperand sum{.kind = IsPunct("+") ? UpdateOperand::Kind::kPlus : UpdateOperand::Kind::kMinus};
    ++pos_;
    ASSIGN_OR_RETURN(UpdateOperand right, ParseOperand(0));
    sum.args.push_back(std::move(left));
    sum.args.push_back(std::move(right));
    return sum;
  }

  core::StatusOr<UpdateOperand> ParseOperand(int depth) {
    UpdateOperand o;
    if (Peek().kind == Tok::kValue) {
      auto value = context_.ResolveValue(Peek().text);
      ++pos_;
      if (value.ok()) {
        o.value = *value;
      } else {
        Defer(value.status().message());
      }
      return o;
    }
    if (Peek().kind == Tok::kWord && IsPunct("(", 1)) return ParseFunction(depth);
    o.kind = UpdateOperand::Kind::kPath;
    ASSIGN_OR_RETURN(o.path, ParsePath());
    return o;
  }

  // name "(" operand ("," operand)* ")", name being if_not_exists or list_append.
  core::StatusOr<UpdateOperand> ParseFunction(int depth) {
    if (depth >= kMaxDepth) return SyntaxError();
    const std::string name(Peek().text);
    pos_ += 2;
    std::vector<UpdateOperand> args;
    while (true) {
      ASSIGN_OR_RETURN(UpdateOperand arg, ParseOperand(depth + 1));
      args.push_back(std::move(arg));
      if (IsPunct(")")) break;
      RETURN_IF_ERROR(Expect(","));
    }
    ++pos_;
    UpdateOperand o;
    if (name != "if_not_exists" && name != "list_append") {
      Defer("Invalid function name; function: " + name);
      return o;
    }
    if (args.size() != 2) {
      Defer("Incorrect number of operands for operator or function; operator or function: " + name +
            ", number of operands: " + std::to_string(args.size()));
      return o;
    }
    if (name == "if_not_exists") {
      if (args[0].kind != UpdateOperand::Kind::kPath) {
        Defer("Operator or function requires a document path; operator or function: if_not_exists");
        return o;
      }
      o.kind = UpdateOperand::Kind::kIfNotExists;
      o.path = std::move(args[0].path);
      o.args.push_back(std::move(args[1]));
      return o;
    }
    for (const UpdateOperand& arg : args) {
      if (arg.kind == UpdateOperand::Kind::kValue && arg.value && TypeOf(*arg.value) != "L") {
        Defer("Incorrect operand type for operator or function; operator or function: list_append, operand type: " +
              std::string(TypeOf(*arg.value)));
      }
    }
    o.kind = UpdateOperand::Kind::kListAppend;
    o.args = std::move(args);
    return o;
  }

  // A document path; any word may be a name.
  core::StatusOr<Path> ParsePath() {
    std::optional<Path> path = internal::ParsePath(
        tokens_, &pos_, context_, [](const Token&) { return true; },
        [this](internal::PathProblem, const std::string& message) { Defer(message); });
    if (!path) return SyntaxError();
    return std::move(*path);
  }

  std::string_view text_;
  ExpressionContext& context_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  core::Status deferred_;
};

// ---- Evaluation ----

core::StatusOr<Value> Evaluate(const UpdateOperand& o, const Value& old, Alloc& alloc) {
  switch (o.kind) {
    case UpdateOperand::Kind::kValue:
      return Value(*o.value, alloc);
    case UpdateOperand::Kind::kPath:
    case UpdateOperand::Kind::kIfNotExists: {
      if (const Value* v = internal::Lookup(&old, o.path)) return Value(*v, alloc);
      if (o.kind == UpdateOperand::Kind::kIfNotExists) return Evaluate(o.args[0], old, alloc);
      return Invalid("The provided expression refers to an attribute that does not exist in the item");
    }
    case UpdateOperand::Kind::kListAppend: {
      ASSIGN_OR_RETURN(Value a, Evaluate(o.args[0], old, alloc));
      ASSIGN_OR_RETURN(Value b, Evaluate(o.args[1], old, alloc));
      if (TypeOf(a) != "L" || TypeOf(b) != "L") return WrongDataType();
      Value& list = a.MemberBegin()->value;
      for (Value& element : b.MemberBegin()->value.GetArray()) list.PushBack(element, alloc);
      return a;
    }
    case UpdateOperand::Kind::kPlus:
    case UpdateOperand::Kind::kMinus: {
      ASSIGN_OR_RETURN(Value a, Evaluate(o.args[0], old, alloc));
      ASSIGN_OR_RETURN(Value b, Evaluate(o.args[1], old, alloc));
      if (TypeOf(a) != "N" || TypeOf(b) != "N") return WrongDataType();
      const std::string sum = SumNumbers(a["N"].GetString(), b["N"].GetString(),
                                         o.kind == UpdateOperand::Kind::kMinus);
      Value n(rapidjson::kObjectType);
      n.AddMember("N", Value(sum.data(), static_cast<rapidjson::SizeType>(sum.size()), alloc), alloc);
      RETURN_IF_ERROR(ValidateAttributeValue(n));
      return n;
    }
  }
  return WrongDataType();
}

bool SameMember(std::string_view set_type, const Value& a, const Value& b) {
  if (set_type == "NS") return CompareNumbers(a.GetString(), b.GetString()) == 0;
  return a == b;
}

bool HasMember(std::string_view set_type, const Value& set, const Value& member) {
  return std::any_of(set.Begin(), set.End(), [&](const Value& m) { return SameMember(set_type, m, member); });
}

// ADD's new value: `current` (null when absent) plus `operand`, a number or set.
core::StatusOr<Value> Add(const Value* current, const Value& operand, Alloc& alloc) {
  if (!current) return Value(operand, alloc);
  const std::string_view type = TypeOf(operand);
  if (TypeOf(*current) != type) return WrongDataType();
  if (type == "N") {
    const std::string sum = SumNumbers((*current)["N"].GetString(), operand["N"].GetString(), false);
    Value n(rapidjson::kObjectType);
    n.AddMember("N", Value(sum.data(), static_cast<rapidjson::SizeType>(sum.size()), alloc), alloc);
    RETURN_IF_ERROR(ValidateAttributeValue(n));
    return n;
  }
  Value result(*current, alloc);
  Value& members = result.MemberBegin()->value;
  for (const Value& m : operand.MemberBegin()->value.GetArray()) {
    if (!HasMember(type, members, m)) members.PushBack(Value(m, alloc), alloc);
  }
  return result;
}

// DELETE's new value: `current` without the members of the set `operand`;
// nullopt when nothing remains (or nothing was there).
core::StatusOr<std::optional<Value>> Delete(const Value* current, const Value& operand, Alloc& alloc) {
  if (!current) return std::optional<Value>();
  const std::string_view type = TypeOf(operand);
  if (TypeOf(*current) != type) return WrongDataType();
  Value result(rapidjson::kObjectType);
  Value members(rapidjson::kArrayType);
  const Value& removed = operand.MemberBegin()->value;
  for (const Value& m : current->MemberBegin()->value.GetArray()) {
    if (!HasMember(type, removed, m)) members.PushBack(Value(m, alloc), alloc);
  }
  if (members.Empty()) return std::optional<Value>();
  result.AddMember(Value(type.data(), static_cast<rapidjson::SizeType>(type.size()), alloc), members, alloc);
  return std::optional<Value>(std::move(result));
}

// The container an AttributeValue holds (its M object or L array), or null.
Value* Inner(Value* av, std::string_view type) {
  return av && TypeOf(*av) == type ? &av->MemberBegin()->value : nullptr;
}

// The AttributeValue at `path` in `item` (which the caller may change).
Value* MutableLookup(Value& item, const Path& path) {
  return const_cast<Value*>(internal::Lookup(&item, path));  // `item` is mutable: so is what it holds
}

// The object or array holding the last element of `path`, or null.
Value* Parent(Value& item, const Path& path) {
  if (path.size() == 1) return &item;
  Value* parent = MutableLookup(item, Path(path.begin(), path.end() - 1));
  return Inner(parent, path.back().index >= 0 ? "L" : "M");
}

// True when what holds the last element of `path` exists but is not the map
// or list that element needs.
bool ParentHasWrongType(Value& item, const Path& path) {
  if (path.size() == 1) return false;
  return MutableLookup(item, Path(path.begin(), path.end() - 1)) && !Parent(item, path);
}

// Writes `value` at `path`: a map member is added or replaced, a list element
// replaced or, past the end, appended. The parent must exist.
core::Status SetAt(Value& item, const Path& path, Value value, Alloc& alloc) {
  Value* parent = Parent(item, path);
  if (!parent) return InvalidPath();
  const internal::PathElement& last = path.back();
  if (last.index >= 0) {
    if (last.index < static_cast<int64_t>(parent->Size())) {
      (*parent)[static_cast<rapidjson::SizeType>(last.index)] = value;
    } else {
      parent->PushBack(value, alloc);
    }
    return {};
  }
  auto it = parent->FindMember(Value(rapidjson::StringRef(last.name.data(), last.name.size())));
  if (it != parent->MemberEnd()) {
    it->value = value;
  } else {
    parent->AddMember(Value(last.name.data(), static_cast<rapidjson::SizeType>(last.name.size()), alloc), value,
                      alloc);
  }
  return {};
}

// Removes what is at `path`; nothing when it is absent.
void RemoveAt(Value& item, const Path& path) {
  Value* parent = Parent(item, path);
  if (!parent) return;
  const internal::PathElement& last = path.back();
  if (last.index >= 0) {
    if (last.index < static_cast<int64_t>(parent->Size())) parent->Erase(parent->Begin() + last.index);
    return;
  }
  auto it = parent->FindMember(Value(rapidjson::StringRef(last.name.data(), last.name.size())));
  if (it != parent->MemberEnd()) parent->EraseMember(it);
}

// Orders paths so that removing in this order keeps the indices of the ones
// still to remove valid: higher list indices first.
bool RemoveBefore(const Path& a, const Path& b) {
  return std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end(),
                                      [](const internal::PathElement& x, const internal::PathElement& y) {
                                        return std::tie(x.index, x.name) < std::tie(y.index, y.name);
                                      });
}

// Orders document paths element by element (list indices before names).
struct PathLess {
  bool operator()(const Path& a, const Path& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](const internal::PathElement& x, const internal::PathElement& y) {
                                          return std::tie(x.index, x.name) < std::tie(y.index, y.name);
                                        });
  }
};
// The lists of a projection: the source path of each -> the source indices
// of the elements copied into it, ascending (their order in the copy).
using CopiedElements = std::map<Path, std::vector<int64_t>, PathLess>;

// Appends `value` (the AttributeValue at `path` in some item) to `out` under
// the same path, creating maps and lists as needed. List elements keep their
// source order, and paths through one element (a[1].b, a[1].c) share it.
void Insert(Value& out, const Path& path, const Value& value, CopiedElements& copied, Alloc& alloc) {
  Value* container = &out;  // an item / M object, or an L array
  for (size_t i = 0; i < path.size(); ++i) {
    const bool last = i + 1 == path.size();
    Value next(rapidjson::kObjectType);
    if (last) {
      next.CopyFrom(value, alloc);
    } else {
      next.AddMember(Value(path[i + 1].index >= 0 ? "L" : "M", alloc),
                     Value(path[i + 1].index >= 0 ? rapidjson::kArrayType : rapidjson::kObjectType), alloc);
    }
    Value* slot = nullptr;
    if (container->IsArray()) {
      std::vector<int64_t>& indices = copied[Path(path.begin(), path.begin() + static_cast<ptrdiff_t>(i))];
      auto at = std::lower_bound(indices.begin(), indices.end(), path[i].index);
      const auto position = static_cast<rapidjson::SizeType>(at - indices.begin());
      if (at == indices.end() || *at != path[i].index) {
        indices.insert(at, path[i].index);
        container->PushBack(next, alloc);
        for (rapidjson::SizeType k = container->Size() - 1; k > position; --k) {
          (*container)[k].Swap((*container)[k - 1]);
        }
      }
      slot = &(*container)[position];
    } else {
      const std::string& name = path[i].name;
      auto it = container->FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
      if (it == container->MemberEnd()) {
        container->AddMember(Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), alloc), next, alloc);
        it = container->MemberEnd() - 1;
      }
      slot = &it->value;
    }
    if (!last) container = &slot->MemberBegin()->value;
  }
}

}  // namespace

core::StatusOr<UpdateExpression> UpdateExpression::Parse(std::string_view text, ExpressionContext& context) {
  Parser parser(text, context);
  ASSIGN_OR_RETURN(std::vector<UpdateAction> actions, parser.Parse());
  std::vector<Path> paths;
  for (const UpdateAction& action : actions) paths.push_back(action.path);
  const std::string overlap = internal::OverlapError(paths);
  if (!overlap.empty()) return parser.Error(overlap);
  return UpdateExpression(std::move(actions), std::move(paths));
}

UpdateExpression::UpdateExpression(std::vector<UpdateAction> actions, std::vector<Path> paths)
    : actions_(std::make_shared<const std::vector<UpdateAction>>(std::move(actions))), paths_(std::move(paths)) {}

namespace {
// Adds the top-level names the paths in `operand` start at to `names`, once each.
void AddReadNames(const internal::UpdateOperand& operand, std::vector<std::string>& names) {
  using Kind = internal::UpdateOperand::Kind;
  if ((operand.kind == Kind::kPath || operand.kind == Kind::kIfNotExists) && !operand.path.empty() &&
      std::find(names.begin(), names.end(), operand.path[0].name) == names.end()) {
    names.push_back(operand.path[0].name);
  }
  for (const internal::UpdateOperand& arg : operand.args) AddReadNames(arg, names);
}
}  // namespace

std::vector<std::string> UpdateExpression::ReadTopLevelNames() const {
  std::vector<std::string> names;
  for (const UpdateAction& action : *actions_) {
    if (action.kind != UpdateAction::Kind::kRemove) AddReadNames(action.operand, names);
  }
  return names;
}

core::Status UpdateExpression::CheckKeyAttributes(const std::vector<std::string>& key_names) const {
  for (const Path& path : paths_) {
    if (std::find(key_names.begin(), key_names.end(), path[0].name) == key_names.end()) continue;
    if (path.size() == 1) {
      return Invalid("One or more parameter values were invalid: Cannot update attribute " + path[0].name +
                     ". This attribute is part of the key");
    }
    return Invalid(
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: " +
        path[0].name);
  }
  return {};
}

core::Status UpdateExpression::Apply(Value& item, Alloc& alloc) const {
  Value old(item, alloc);
  // Every new value first, from the old item; then the writes; removals last.
  std::vector<std::pair<const Path*, std::optional<Value>>> writes;
  std::vector<const Path*> removals;
  for (const UpdateAction& action : *actions_) {
    const Value* current = internal::Lookup(&old, action.path);
    switch (action.kind) {
      case UpdateAction::Kind::kSet: {
        ASSIGN_OR_RETURN(Value v, Evaluate(action.operand, old, alloc));
        writes.emplace_back(&action.path, std::move(v));
      } break;
      case UpdateAction::Kind::kAdd: {
        ASSIGN_OR_RETURN(Value v, Add(current, *action.operand.value, alloc));
        writes.emplace_back(&action.path, std::move(v));
      } break;
      case UpdateAction::Kind::kDelete: {
        ASSIGN_OR_RETURN(std::optional<Value> v, Delete(current, *action.operand.value, alloc));
        if (v) {
          writes.emplace_back(&action.path, std::move(v));
        } else if (current) {
          removals.push_back(&action.path);
        }
        break;
      }
      case UpdateAction::Kind::kRemove:
        if (ParentHasWrongType(old, action.path)) return InvalidPath();
        removals.push_back(&action.path);
        break;
    }
  }
  for (auto& [path, value] : writes) RETURN_IF_ERROR(SetAt(item, *path, std::move(*value), alloc));
  std::sort(removals.begin(), removals.end(), [](const Path* a, const Path* b) { return RemoveBefore(*a, *b); });
  for (const Path* path : removals) RemoveAt(item, *path);
  return {};
}

Value ProjectPaths(const Value& item, const std::vector<Path>& paths, Alloc& alloc) {
  Value out(rapidjson::kObjectType);
  CopiedElements copied;
  for (const Path& path : paths) {
    if (const Value* v = internal::Lookup(&item, path)) Insert(out, path, *v, copied, alloc);
  }
  return out;
}

}  // namespace kmslab::ddb
