#include "ddb/document_path.h"

#include <algorithm>
#include <climits>
#include <string_view>

#include "ddb/attribute_value.h"
#include "ddb/reserved_words.h"

namespace kmslab::ddb::internal {

using rapidjson::Value;

namespace {

bool IsPunct(const Token& t, std::string_view p) { return t.kind == Tok::kPunct && t.text == p; }

// A path name at tokens[*pos] (see ParsePath), advancing past it.
std::optional<std::string> ParseName(const std::vector<Token>& tokens, size_t* pos, ExpressionContext& context,
                                     const std::function<bool(const Token&)>& word_is_name,
                                     const std::function<void(PathProblem, const std::string&)>& report) {
  const Token& t = tokens[*pos];
  if (t.kind == Tok::kWord && word_is_name(t)) {
    ++*pos;
    if (IsReservedWord(t.text)) {
      report(PathProblem::kReservedWord,
             "Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text));
    }
    return std::string(t.text);
  }
  if (t.kind != Tok::kName) return std::nullopt;
  ++*pos;
  auto name = context.ResolveName(t.text);
  if (name.ok()) return std::move(name).value();
  report(PathProblem::kUndefinedName, name.status().message());
  return std::string(t.text);
}

}  // namespace

std::optional<Path> ParsePath(const std::vector<Token>& tokens, size_t* pos, ExpressionContext& context,
                              const std::function<bool(const Token&)>& word_is_name,
                              const std::function<void(PathProblem, const std::string&)>& report) {
  Path path;
  std::optional<std::string> first = ParseName(tokens, pos, context, word_is_name, report);
  if (!first) return std::nullopt;
  path.push_back({.name = std::move(*first)});
  while (true) {  // tokens end with kEnd, which matches nothing here
    if (IsPunct(tokens[*pos], ".")) {
      ++*pos;
      std::optional<std::string> name = ParseName(tokens, pos, context, word_is_name, report);
      if (!name) return std::nullopt;
      path.push_back({.name = std::move(*name)});
    } else if (IsPunct(tokens[*pos], "[")) {
      ++*pos;
      if (tokens[*pos].kind != Tok::kNumber) return std::nullopt;
      int64_t index = 0;
      for (char c : tokens[*pos].text) index = std::min<int64_t>(index * 10 + (c - '0'), INT32_MAX);
      ++*pos;
      if (!IsPunct(tokens[*pos], "]")) return std::nullopt;
      ++*pos;
      path.push_back({.index = index});
    } else {
      return path;
    }
  }
}

// "[a, b, [1]]", as DynamoDB prints document paths.
std::string PathString(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ", ";
    out += path[i].index >= 0 ? "[" + std::to_string(path[i].index) + "]" : path[i].name;
  }
  return out + "]";
}

bool SameElement(const PathElement& a, const PathElement& b) { return a.index == b.index && a.name == b.name; }

const Value* Lookup(const Value* item, const Path& path) {
  const Value* map = item;     // where the next name is looked up
  const Value* cur = nullptr;  // the AttributeValue reached so far
  for (const PathElement& e : path) {
    if (cur) {
      std::string_view type = TypeOf(*cur);
      if (type.empty()) return nullptr;
      const Value& inner = cur->MemberBegin()->value;
      if (e.index >= 0) {
        if (type != "L" || !inner.IsArray() || e.index >= static_cast<int64_t>(inner.Size())) return nullptr;
        cur = &inner[static_cast<rapidjson::SizeType>(e.index)];
        continue;
      }
      if (type != "M") return nullptr;
      map = &inner;
    } else if (e.index >= 0) {
      return nullptr;
    }
    if (!map || !map->IsObject()) return nullptr;
    auto it = map->FindMember(Value(rapidjson::StringRef(e.name.data(), e.name.size())));
    if (it == map->MemberEnd()) return nullptr;
    cur = &it->value;
  }
  return cur;
}

std::string OverlapError(const std::vector<Path>& paths) {
  auto describe = [](const Path& a, const Path& b) {
    return "must remove or rewrite one of these paths; path one: " + PathString(a) + ", path two: " + PathString(b);
  };
  // First any overlap (one path a prefix of the other), then any conflict
  // (a list index where the other path has a map key), as DynamoDB reports.
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      size_t n = std::min(paths[i].size(), paths[j].size());
      if (std::equal(paths[i].begin(), paths[i].begin() + static_cast<ptrdiff_t>(n), paths[j].begin(), SameElement)) {
        return "Two document paths overlap with each other; " + describe(paths[i], paths[j]);
      }
    }
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      auto [a, b] = std::mismatch(paths[i].begin(), paths[i].end(), paths[j].begin(), paths[j].end(), SameElement);
      if (a != paths[i].end() && b != paths[j].end() && (a->index >= 0) != (b->index >= 0)) {
        return "Two document paths conflict with each other; " + describe(paths[i], paths[j]);
      }
    }
  }
  return "";
}

}  // namespace kmslab::ddb::internal
