#include "ddb/expressions.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "ddb/document_path.h"
#include "ddb/test_support.h"

namespace kmslab::ddb {
namespace {

using testing::Json;
using testing::Request;

const char kItem[] = R"({
  "a": {"N": "5"},
  "s": {"S": "abc"},
  "b": {"B": "AQID"},
  "t": {"BOOL": true},
  "z": {"NULL": true},
  "m": {"M": {"k": {"S": "v"}, "l": {"L": [{"N": "7"}]}}},
  "l": {"L": [{"S": "x"}, {"M": {"k": {"S": "v"}}}, {"N": "3"}]},
  "ss": {"SS": ["red", "green"]},
  "ns": {"NS": ["1", "2.5"]},
  "bs": {"BS": ["AQ==", "Ag=="]},
  "odd name": {"S": "x"}
})";

const char kValues[] = R"({
  ":five": {"N": "5.0"}, ":four": {"N": "4"}, ":six": {"N": "6"}, ":one": {"N": "1"}, ":three": {"N": "3"},
  ":two": {"N": "2"}, ":n25": {"N": "25E-1"},
  ":abc": {"S": "abc"}, ":abd": {"S": "abd"}, ":ab": {"S": "ab"}, ":bc": {"S": "bc"}, ":x": {"S": "x"},
  ":v": {"S": "v"}, ":red": {"S": "red"}, ":true": {"BOOL": true}, ":null": {"NULL": true},
  ":b12": {"B": "AQI="}, ":b23": {"B": "AgM="}, ":b1": {"B": "AQ=="},
  ":tN": {"S": "N"}, ":tS": {"S": "S"}, ":tM": {"S": "M"}, ":tNULL": {"S": "NULL"},
  ":mk": {"M": {"k": {"S": "v"}}}
})";

const char kNames[] = R"({"#a": "a", "#m": "m", "#k": "k", "#odd": "odd name", "#l": "l"})";

// Parses `expression` (must succeed) against kNames / kValues and evaluates
// it on `item` (kItem by default; "" for no item).
bool Eval(const std::string& expression, const std::string& item_json = kItem) {
  Request request(kNames, kValues);
  auto condition = Condition::Parse(expression, request.context);
  INFO(expression, " -> ", condition.status().message());
  REQUIRE(condition.ok());
  rapidjson::Document item = Json(item_json);
  return condition->Evaluate(item.IsNull() ? nullptr : &item);
}

// The error of parsing `expression` as a condition ("" when it parses).
std::string ConditionError(const std::string& expression, const std::string& kind = "ConditionExpression",
                           const std::string& names = kNames, const std::string& values = kValues) {
  Request request(names, values);
  auto condition = Condition::Parse(expression, request.context, kind);
  if (!condition.ok()) CHECK(condition.status().aws_type() == "ValidationException");
  return condition.status().message();
}

TEST_CASE("comparisons") {
  CHECK(Eval("a = :five"));
  CHECK_FALSE(Eval("a <> :five"));
  CHECK(Eval("a <> :four"));
  CHECK(Eval("a > :four"));
  CHECK(Eval("a >= :five"));
  CHECK(Eval("a <= :five"));
  CHECK_FALSE(Eval("a < :five"));
  CHECK_FALSE(Eval("a > :six"));
  CHECK(Eval(":four < a"));
  CHECK(Eval("s < :abd"));
  CHECK(Eval("s > :ab"));
  CHECK(Eval("b < :b23"));
  CHECK(Eval("b > :b12"));
  CHECK(Eval(":five = :five"));
  CHECK(Eval("a=:five"));
}

TEST_CASE("comparisons across types are false, <> true") {
  CHECK_FALSE(Eval("a = :abc"));
  CHECK(Eval("a <> :abc"));
  CHECK_FALSE(Eval("a < :abc"));
  CHECK_FALSE(Eval("a > :abc"));
  CHECK(Eval("t = :true"));
  CHECK_FALSE(Eval("t < :true"));  // BOOL has no order
  CHECK_FALSE(Eval("t >= :true"));
  CHECK(Eval("z = :null"));
  CHECK(Eval("m.k = :v"));
  CHECK(Eval("l[1] = :mk"));  // maps compare deeply
}

TEST_CASE("missing attributes") {
  CHECK_FALSE(Eval("nope = :five"));
  CHECK(Eval("nope <> :five"));
  CHECK_FALSE(Eval("nope < :five"));
  CHECK_FALSE(Eval("nope >= :five"));
  CHECK_FALSE(Eval("a = nope"));
  CHECK_FALSE(Eval("a = :five", ""));
  CHECK(Eval("attribute_not_exists(a)", ""));
  CHECK_FALSE(Eval("attribute_exists(a)", ""));
  CHECK(Eval("a <> :five", ""));
}

TEST_CASE("AND binds tighter than OR, NOT tighter than AND") {
  // a matches, s and t do not.
  CHECK(Eval("a = :five OR s = :x AND t = :null"));
  CHECK_FALSE(Eval("(a = :five OR s = :x) AND t = :null"));
  CHECK_FALSE(Eval("s = :x AND t = :null OR s = :x"));
  CHECK(Eval("s = :x AND t = :null OR a = :five"));
  CHECK(Eval("NOT s = :x"));
  CHECK_FALSE(Eval("NOT a = :five"));
  CHECK(Eval("NOT NOT a = :five"));
  CHECK_FALSE(Eval("NOT a = :five AND s = :abc"));    // (NOT a) AND s
  CHECK(Eval("NOT (a = :five AND s = :x)"));
  CHECK(Eval("NOT a = :five OR s = :abc"));           // (NOT a) OR s
  CHECK(Eval("not a = :four and s = :abc or s = :x"));  // keywords case-insensitive
  CHECK(Eval("(a = :five) AND ((s = :abc) OR (t = :x))"));
}

TEST_CASE("TopLevelNames: the attributes a condition reads, by their top-level name") {
  Request request(R"({"#m": "Meta"})", R"({":v": {"N": "1"}, ":w": {"S": "x"}})");
  auto condition = Condition::Parse(
      "a = :v AND (#m.b[2] > a OR size(c) < :v) AND NOT begins_with(d, :w) AND e IN (:v, f) AND attribute_exists(g)",
      request.context);
  REQUIRE(condition.ok());
  CHECK(condition->TopLevelNames() == std::vector<std::string>{"a", "Meta", "c", "d", "e", "f", "g"});
}

TEST_CASE("BETWEEN and IN") {
  CHECK(Eval("a BETWEEN :four AND :six"));
  CHECK(Eval("a BETWEEN :five AND :six"));  // inclusive
  CHECK(Eval("a between :four and :five"));
  CHECK_FALSE(Eval("a BETWEEN :one AND :four"));
  CHECK_FALSE(Eval("a BETWEEN :ab AND :abd"));  // type mismatch
  CHECK(Eval("s BETWEEN :ab AND :abd"));
  CHECK_FALSE(Eval("nope BETWEEN :one AND :six"));
  CHECK(Eval("a BETWEEN :four AND :six AND s = :abc"));
  CHECK(Eval("a IN (:one, :five)"));
  CHECK(Eval("a IN (:five)"));
  CHECK_FALSE(Eval("a IN (:one, :four, :abc)"));
  CHECK(Eval("s IN (:x, :abc)"));
  CHECK_FALSE(Eval("nope IN (:one, :five)"));
  CHECK(Eval("NOT a IN (:one)"));
}

TEST_CASE("functions") {
  CHECK(Eval("attribute_exists(a)"));
  CHECK_FALSE(Eval("attribute_exists(nope)"));
  CHECK(Eval("attribute_not_exists(nope)"));
  CHECK(Eval("attribute_exists(m.k)"));
  CHECK_FALSE(Eval("attribute_exists(m.nope)"));
  CHECK(Eval("attribute_exists(l[2])"));
  CHECK_FALSE(Eval("attribute_exists(l[3])"));
  CHECK_FALSE(Eval("attribute_exists(a.k)"));  // a is not a map
  CHECK(Eval("attribute_exists(z)"));          // NULL exists
  CHECK(Eval("attribute_type(a, :tN)"));
  CHECK_FALSE(Eval("attribute_type(a, :tS)"));
  CHECK(Eval("attribute_type(m, :tM)"));
  CHECK(Eval("attribute_type(z, :tNULL)"));
  CHECK_FALSE(Eval("attribute_type(nope, :tN)"));
  CHECK(Eval("begins_with(s, :ab)"));
  CHECK(Eval("begins_with(s, :abc)"));
  CHECK_FALSE(Eval("begins_with(s, :bc)"));
  CHECK(Eval("begins_with(b, :b12)"));
  CHECK_FALSE(Eval("begins_with(b, :b23)"));
  CHECK_FALSE(Eval("begins_with(nope, :ab)"));
  CHECK(Eval("contains(s, :bc)"));
  CHECK_FALSE(Eval("contains(s, :x)"));
  CHECK(Eval("contains(b, :b23)"));
  CHECK(Eval("contains(ss, :red)"));
  CHECK_FALSE(Eval("contains(ss, :abc)"));
  CHECK(Eval("contains(ns, :n25)"));  // numeric equality
  CHECK_FALSE(Eval("contains(ns, :two)"));
  CHECK(Eval("contains(bs, :b1)"));
  CHECK(Eval("contains(l, :x)"));
  CHECK(Eval("contains(l, :mk)"));
  CHECK(Eval("contains(l, :three)"));
  CHECK_FALSE(Eval("contains(l, :v)"));
  CHECK_FALSE(Eval("contains(a, :five)"));
}

TEST_CASE("size()") {
  CHECK(Eval("size(s) = :three"));
  CHECK(Eval("size(b) = :three"));  // decoded bytes
  CHECK(Eval("size(l) = :three"));
  CHECK(Eval("size(m) = :two"));
  CHECK(Eval("size(ss) = :two"));
  CHECK(Eval("size(ns) < :three"));
  CHECK(Eval("size(m.l) = :one"));
  CHECK(Eval(":two < size(s)"));
  CHECK(Eval("size(s) BETWEEN :one AND :three"));
  CHECK(Eval("size(s) IN (:one, :three)"));
  CHECK(Eval("size(s) <> :four"));
  CHECK_FALSE(Eval("size(nope) = :three"));
  CHECK_FALSE(Eval("size(nope) < :three"));
  CHECK_FALSE(Eval("size(t) = :one"));  // BOOL has no size
  CHECK(Eval("size(s) = size(l)"));
  CHECK(Eval("size(:abc) = :three"));
}

TEST_CASE("document paths and placeholders") {
  CHECK(Eval("#a = :five"));
  CHECK(Eval("#m.#k = :v"));
  CHECK(Eval("#m.k = :v"));
  CHECK(Eval("m.l[0] = :n25") == false);
  CHECK(Eval("m.l[0] > :six"));
  CHECK(Eval("l[0] = :x"));
  CHECK(Eval("l[1].k = :v"));
  CHECK(Eval("#l[1].#k = :v"));
  CHECK(Eval("l [ 2 ] = :three"));
  CHECK_FALSE(Eval("l[1].nope = :v"));
  CHECK_FALSE(Eval("m[0] = :v"));     // a map is not a list
  CHECK_FALSE(Eval("l.k = :v"));      // a list is not a map
  CHECK(Eval("#odd = :x"));
}

TEST_CASE("undefined and unused placeholders") {
  CHECK(ConditionError("#nope = :five") ==
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #nope");
  CHECK(ConditionError("a = :nope") ==
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :nope");
  CHECK(ConditionError("a = :x", "FilterExpression", "", "") ==
        "Invalid FilterExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :x");

  Request request(R"({"#b": "b", "#a": "a", "#c": "c"})", R"({":y": {"S": "y"}, ":x": {"S": "x"}})");
  REQUIRE(Condition::Parse("#c = :x", request.context).ok());
  CHECK(request.context.CheckAllUsed().message() ==
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}");
  REQUIRE(Condition::Parse("#a = #b", request.context).ok());
  CHECK(request.context.CheckAllUsed().message() ==
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
  REQUIRE(ParseProjection("#a, x", request.context).ok());
  CHECK(request.context.CheckAllUsed().message() ==
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
  REQUIRE(Condition::Parse("a = :y", request.context, "FilterExpression").ok());
  CHECK(request.context.CheckAllUsed().ok());

  Request none("", "");
  CHECK(none.context.CheckAllUsed().ok());
}

TEST_CASE("ExpressionContext::Create validates the maps") {
  auto create = [](const std::string& names_json, const std::string& values_json) {
    rapidjson::Document names = Json(names_json), values = Json(values_json);
    auto context = ExpressionContext::Create(names.IsNull() ? nullptr : &names, values.IsNull() ? nullptr : &values);
    return context.status().message();
  };
  CHECK(create(R"({"#a": "a"})", R"({":a": {"S": "x"}})") == "");
  CHECK(create("", "") == "");
  CHECK(create("{}", "") == "ExpressionAttributeNames must not be empty");
  CHECK(create("", "{}") == "ExpressionAttributeValues must not be empty");
  CHECK(create(R"({"a": "a"})", "") == "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"");
  CHECK(create(R"({"#": "a"})", "") == "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#\"");
  CHECK(create(R"({"#a": ""})", "") ==
        "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a");
  CHECK(create("", R"({"a": {"S": "b"}})") ==
        "ExpressionAttributeValues contains invalid key: Syntax error; key: \"a\"");
  CHECK(create("", R"({":a": {"SS": []}})") ==
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string "
        "set  may not be empty for key :a");
  CHECK(create("", R"({":a": {}})") ==
        "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly "
        "one of the supported datatypes for key :a");
}

TEST_CASE("syntax errors") {
  CHECK(ConditionError("") == "Invalid ConditionExpression: The expression can not be empty;");
  CHECK(ConditionError("  \t") == "Invalid ConditionExpression: The expression can not be empty;");
  CHECK(ConditionError("", "FilterExpression") == "Invalid FilterExpression: The expression can not be empty;");
  CHECK(ConditionError("a =") == "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
  CHECK(ConditionError("a == :five") ==
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :five\"");
  CHECK(ConditionError("a = :five AND") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
  CHECK(ConditionError("a - b") == "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a - b\"");
  CHECK(ConditionError("(a = :five") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":five\"");
  CHECK(ConditionError("a = :five)") ==
        "Invalid ConditionExpression: Syntax error; token: \")\", near: \":five)\"");
  CHECK(ConditionError("a > 4") == "Invalid ConditionExpression: Syntax error; token: \"4\", near: \"> 4\"");
  CHECK(ConditionError("a BETWEEN :one") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":one\"");
  CHECK(ConditionError("a IN :one") ==
        "Invalid ConditionExpression: Syntax error; token: \":one\", near: \"IN :one\"");
  CHECK(ConditionError("a") == "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
  CHECK(ConditionError("a.1 = :one") ==
        "Invalid ConditionExpression: Syntax error; token: \"1\", near: \".1 =\"");
  CHECK(ConditionError("l[x] = :one") ==
        "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\"");
  CHECK(ConditionError("AND = :one") ==
        "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"AND =\"");
  CHECK(ConditionError("a = :five", "FilterExpression") == "");
  // At most 4096 bytes.
  std::string long_text = "a IN (:one)" + std::string(4096 - 11, ' ');
  CHECK(ConditionError(long_text) == "");
  CHECK(ConditionError(long_text + " ") ==
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097");
  // Nesting is bounded: 256 levels parse, 257 do not.
  std::string nested = std::string(256, '(') + "a = :one" + std::string(256, ')');
  CHECK(ConditionError(nested) == "Invalid ConditionExpression: The expression has redundant parentheses;");
  CHECK(ConditionError("(" + nested + ")").rfind("Invalid ConditionExpression: Syntax error; token: \"(\"", 0) == 0);
  std::string nots;
  for (int i = 0; i < 256; ++i) nots += "NOT ";
  CHECK(Eval(nots + "a = :five"));
  CHECK(ConditionError("NOT " + nots + "a = :four") ==
        "Invalid ConditionExpression: Syntax error; token: \"NOT\", near: \"NOT NOT a\"");
  // A syntax error wins over an undefined placeholder before it.
  CHECK(ConditionError("#nope = :five AND") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
}

TEST_CASE("function and operand errors") {
  const std::string p = "Invalid ConditionExpression: ";
  CHECK(ConditionError("foo(a)") == p + "Invalid function name; function: foo");
  CHECK(ConditionError("foo(a) = :one") == p + "Invalid function name; function: foo");
  CHECK(ConditionError("attribute_exists(a, s)") ==
        p + "Incorrect number of operands for operator or function; operator or function: attribute_exists, "
            "number of operands: 2");
  CHECK(ConditionError("begins_with(s)") ==
        p + "Incorrect number of operands for operator or function; operator or function: begins_with, "
            "number of operands: 1");
  CHECK(ConditionError("attribute_exists(:one)") ==
        p + "Operator or function requires a document path; operator or function: attribute_exists");
  CHECK(ConditionError("attribute_not_exists(size(a))") ==
        p + "Operator or function requires a document path; operator or function: attribute_not_exists");
  CHECK(ConditionError("size(a)") ==
        p + "The function is not allowed to be used this way in an expression; function: size");
  CHECK(ConditionError("attribute_exists(a) = :one") ==
        p + "The function is not allowed to be used this way in an expression; function: attribute_exists");
  CHECK(ConditionError("a = contains(s, :x)") ==
        p + "The function is not allowed to be used this way in an expression; function: contains");
  CHECK(ConditionError("begins_with(s, :one)") ==
        p + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
  CHECK(ConditionError("attribute_type(a, :one)") ==
        p + "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N");
  CHECK(ConditionError("attribute_type(a, :abc)") ==
        p + "Invalid attribute type name found; type: abc, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  CHECK(ConditionError("size(:one) = :one") ==
        p + "Incorrect operand type for operator or function; operator or function: size, operand type: N");
  CHECK(ConditionError("a = a") ==
        p + "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: =, first operand: [a]");
  CHECK(ConditionError("contains(l[1], #l[1])") ==
        p + "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: contains, first operand: [l, [1]]");
  CHECK(ConditionError("((a = :one))") == p + "The expression has redundant parentheses;");
  CHECK(ConditionError("((a = :one) AND s = :x)") == "");
  CHECK(ConditionError("a BETWEEN :six AND :one") ==
        p + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound "
            "operand: AttributeValue: {N:6}, upper bound operand: AttributeValue: {N:1}");
  CHECK(ConditionError("a BETWEEN :one AND :abc") ==
        p + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: "
            "AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:abc}");
  // An unknown function outranks an undefined placeholder.
  CHECK(ConditionError("a = :nope AND foo(a)") == p + "Invalid function name; function: foo");
}

// ---- Key conditions ----

const char kKeyValues[] = R"({":p": {"S": "p1"}, ":q": {"S": "p2"}, ":s": {"S": "m"}, ":t": {"S": "t"},
  ":a": {"S": "a"}, ":b": {"S": "b"}, ":n": {"N": "5"}, ":v": {"S": "x"}})";

// A parsed key condition with the request its values point into.
struct KeyResult {
  std::unique_ptr<Request> request;
  core::Status status;
  KeyCondition condition;
};

KeyResult Key(const std::string& expression, const std::string& range = "sk") {
  KeyResult r{.request = std::make_unique<Request>(R"({"#h": "pk", "#r": "sk"})", kKeyValues)};
  auto parsed = ParseKeyCondition(expression, r.request->context, "pk", range);
  if (parsed.ok()) {
    r.condition = *parsed;
  } else {
    r.status = parsed.status();
  }
  return r;
}

std::string KeyError(const std::string& expression, const std::string& range = "sk") {
  return Key(expression, range).status.message();
}

bool Matches(const KeyCondition& condition, const std::string& sort_json) {
  rapidjson::Document sort = Json(sort_json);
  return condition.SortMatches(sort);
}

TEST_CASE("key condition on the partition key alone") {
  Request request("", kKeyValues);
  auto parsed = ParseKeyCondition("pk = :p", request.context, "pk", "sk");
  REQUIRE(parsed.ok());
  CHECK(parsed->partition_name == "pk");
  REQUIRE(parsed->partition_value != nullptr);
  CHECK((*parsed->partition_value)["S"] == "p1");
  CHECK(parsed->sort_name.empty());
  CHECK(parsed->op == KeyCondition::Op::kNone);
  CHECK(Matches(*parsed, R"({"S": "anything"})"));
  CHECK(Key(":p = pk").status.ok());
  CHECK(Key("#h = :p").condition.partition_name == "pk");
  CHECK(Key("(pk = :p)").status.ok());
  CHECK(Key("pk = :p", "").status.ok());
}

TEST_CASE("key condition sort operators, either clause order") {
  using Op = KeyCondition::Op;
  struct Case {
    const char* expression;
    Op op;
  };
  for (const Case& c : std::vector<Case>{{"pk = :p AND sk = :s", Op::kEq},
                                         {"sk = :s AND pk = :p", Op::kEq},
                                         {"pk = :p AND sk < :s", Op::kLt},
                                         {"pk = :p and sk <= :s", Op::kLe},
                                         {"(sk > :s) AND (pk = :p)", Op::kGt},
                                         {"pk = :p AND #r >= :s", Op::kGe},
                                         {"pk = :p AND :s > sk", Op::kLt},
                                         {":s <= sk AND #h = :p", Op::kGe},
                                         {"pk = :p AND sk BETWEEN :a AND :t", Op::kBetween},
                                         {"sk between :a and :t and pk = :p", Op::kBetween},
                                         {"pk = :p AND begins_with(sk, :s)", Op::kBeginsWith},
                                         {"begins_with(#r, :s) AND pk = :p", Op::kBeginsWith}}) {
    CAPTURE(c.expression);
    KeyResult r = Key(c.expression);
    REQUIRE(r.status.ok());
    CHECK(r.condition.partition_name == "pk");
    CHECK((*r.condition.partition_value)["S"] == "p1");
    CHECK(r.condition.sort_name == "sk");
    CHECK(r.condition.op == c.op);
    REQUIRE(r.condition.sort_low != nullptr);
    CHECK((*r.condition.sort_low)["S"] == (c.op == Op::kBetween ? "a" : "m"));
    CHECK((r.condition.sort_high != nullptr) == (c.op == Op::kBetween));
  }
}

TEST_CASE("SortMatches") {
  auto matches = [](const char* expression, const char* sort) {
    KeyResult r = Key(expression);
    INFO(expression, " -> ", r.status.message());
    REQUIRE(r.status.ok());
    return Matches(r.condition, sort);
  };
  CHECK(matches("pk = :p AND sk = :s", R"({"S": "m"})"));
  CHECK_FALSE(matches("pk = :p AND sk = :s", R"({"S": "n"})"));
  CHECK(matches("pk = :p AND sk < :s", R"({"S": "l"})"));
  CHECK_FALSE(matches("pk = :p AND sk < :s", R"({"S": "m"})"));
  CHECK(matches("pk = :p AND sk <= :s", R"({"S": "m"})"));
  CHECK(matches("pk = :p AND sk > :s", R"({"S": "ma"})"));
  CHECK_FALSE(matches("pk = :p AND sk > :s", R"({"S": "m"})"));
  CHECK(matches("pk = :p AND sk >= :s", R"({"S": "m"})"));
  CHECK(matches("pk = :p AND :s > sk", R"({"S": "a"})"));
  CHECK(matches("pk = :p AND sk BETWEEN :a AND :t", R"({"S": "a"})"));
  CHECK(matches("pk = :p AND sk BETWEEN :a AND :t", R"({"S": "t"})"));
  CHECK_FALSE(matches("pk = :p AND sk BETWEEN :a AND :t", R"({"S": "ta"})"));
  CHECK(matches("pk = :p AND begins_with(sk, :s)", R"({"S": "mango"})"));
  CHECK_FALSE(matches("pk = :p AND begins_with(sk, :s)", R"({"S": "lime"})"));
  CHECK_FALSE(matches("pk = :p AND sk = :s", R"({"N": "5"})"));  // type differs
  CHECK(matches("pk = :p AND sk = :n", R"({"N": "5.0"})"));
  CHECK(matches("pk = :p AND sk < :n", R"({"N": "-10"})"));
  CHECK_FALSE(matches("pk = :p AND sk < :n", R"({"N": "10"})"));
}

TEST_CASE("key condition errors") {
  CHECK(KeyError("") == "Invalid KeyConditionExpression: The expression can not be empty;");
  CHECK(KeyError("pk =") == "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
  CHECK(KeyError("sk = :s") == "Query condition missed key schema element: pk");
  CHECK(KeyError("attr = :s") == "Query condition missed key schema element: pk");
  CHECK(KeyError("sk BETWEEN :a AND :b") == "Query condition missed key schema element: pk");
  CHECK(KeyError("pk = :p AND attr = :s") == "Query key condition not supported");
  CHECK(KeyError("pk = :p AND sk = :s", "") == "Query key condition not supported");
  CHECK(KeyError("pk < :p") == "Query key condition not supported");
  CHECK(KeyError("begins_with(pk, :p)") == "Query key condition not supported");
  CHECK(KeyError("pk BETWEEN :a AND :b AND sk = :s") == "Query key condition not supported");
  CHECK(KeyError("pk = :p OR sk = :s") == "Invalid operator used in KeyConditionExpression: OR");
  CHECK(KeyError("pk = :p AND sk > :s OR sk < :t") == "Invalid operator used in KeyConditionExpression: OR");
  CHECK(KeyError("NOT pk = :p") == "Invalid operator used in KeyConditionExpression: NOT");
  CHECK(KeyError("pk <> :p") == "Invalid operator used in KeyConditionExpression: <>");
  CHECK(KeyError("pk IN (:p, :q)") == "Invalid operator used in KeyConditionExpression: IN");
  CHECK(KeyError("pk = :p AND attribute_exists(sk)") ==
        "Invalid operator used in KeyConditionExpression: attribute_exists");
  CHECK(KeyError("pk = :p AND contains(sk, :s)") == "Invalid operator used in KeyConditionExpression: contains");
  CHECK(KeyError("pk = :p AND sk BETWEEN :b AND :a") ==
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
        "lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}");
  CHECK(KeyError("pk = :p AND sk BETWEEN :n AND :a") ==
        "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
        "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:a}");
  CHECK(KeyError("pk = :p AND begins_with(sk, :n)") ==
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
        "begins_with, operand type: N");
  CHECK(KeyError("pk = :p AND pk = :q") == "KeyConditionExpressions must only contain one condition per key");
  CHECK(KeyError("pk = :p AND sk > :a AND sk < :t") ==
        "KeyConditionExpressions must only contain one condition per key");
  CHECK(KeyError("pk = :p AND sk = :s AND attr = :v") == "Conditions can be of length 1 or 2 only");
  CHECK(KeyError("pk.x = :p") == "KeyConditionExpressions cannot have conditions on nested attributes");
  CHECK(KeyError("pk[0] = :p") == "KeyConditionExpressions cannot have conditions on nested attributes");
  CHECK(KeyError("pk = sk") ==
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  CHECK(KeyError(":p = :q") == "Invalid condition in KeyConditionExpression: No key attribute specified");
  CHECK(KeyError("size(pk) = :n") == "KeyConditionExpressions cannot contain nested operations");
  CHECK(KeyError("pk = :p AND :a BETWEEN sk AND :b") ==
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first "
        "operand");
  CHECK(KeyError("pk = :p AND begins_with(:s, sk)") ==
        "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its "
        "first operand");
  CHECK(KeyError("pk = :nope") ==
        "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :nope");
}

// ---- Projection ----

std::string ProjectionError(const std::string& expression) {
  Request request(R"({"#a": "a", "#n": "name.with.dots", "#r": "[3]"})", "");
  return ParseProjection(expression, request.context).status().message();
}

TEST_CASE("projection paths") {
  Request request(R"({"#n": "name.with.dots", "#c": "c"})", "");
  auto paths = ParseProjection("a, b.c, #n[1], d[0].e, #c, b.d, f[2][10].g", request.context);
  REQUIRE(paths.ok());
  std::vector<std::string> printed;
  for (const internal::Path& path : *paths) printed.push_back(internal::PathString(path));
  CHECK(printed == std::vector<std::string>{"[a]", "[b, c]", "[name.with.dots, [1]]", "[d, [0], e]", "[c]",
                                            "[b, d]", "[f, [2], [10], g]"});
  CHECK(request.context.CheckAllUsed().ok());
}

TEST_CASE("reserved words are rejected as names in every grammar") {
  const std::string reserved = "Attribute name is a reserved keyword; reserved keyword: ";
  CHECK(ConditionError("name = :one") == "Invalid ConditionExpression: " + reserved + "name");
  CHECK(ConditionError("a.Status = :one", "FilterExpression") == "Invalid FilterExpression: " + reserved + "Status");
  CHECK(ConditionError("attribute_exists(m.l[0].COUNT)") == "Invalid ConditionExpression: " + reserved + "COUNT");
  CHECK(ProjectionError("a, data") == "Invalid ProjectionExpression: " + reserved + "data");
  CHECK(KeyError("pk = :p AND begins_with(size, :s)") == "Invalid KeyConditionExpression: " + reserved + "size");
  // A placeholder stands for a reserved word; a function may be named like one.
  Request request(R"({"#n": "name"})", kValues);
  CHECK(Condition::Parse("#n = :one AND size(a) > :one", request.context).ok());
  // Reserved words rank after function errors, before undefined placeholders.
  CHECK(ConditionError("#nope = :one OR name = :one") == "Invalid ConditionExpression: " + reserved + "name");
  CHECK(ConditionError("name = :one OR nofn(a)") ==
        "Invalid ConditionExpression: Invalid function name; function: nofn");
  // Words that only look like reserved ones are names.
  CHECK(ConditionError("names2 = :one AND name_x = :one AND a.b = :one").empty());
}

TEST_CASE("projection errors") {
  const std::string p = "Invalid ProjectionExpression: ";
  CHECK(ProjectionError("") == p + "The expression can not be empty;");
  CHECK(ProjectionError("a b") == p + "Syntax error; token: \"b\", near: \"a b\"");
  CHECK(ProjectionError("a,") == p + "Syntax error; token: \"<EOF>\", near: \",\"");
  CHECK(ProjectionError("a,,b") == p + "Syntax error; token: \",\", near: \",,b\"");
  CHECK(ProjectionError("a-b") == p + "Syntax error; token: \"-\", near: \"a-b\"");
  CHECK(ProjectionError(":a") == p + "Syntax error; token: \":a\", near: \":a\"");
  CHECK(ProjectionError("f(a)") == p + "Syntax error; token: \"(\", near: \"f(a\"");
  CHECK(ProjectionError("a..b") == p + "Syntax error; token: \".\", near: \"..b\"");
  CHECK(ProjectionError("a, #x") ==
        p + "An expression attribute name used in the document path is not defined; attribute name: #x");
  CHECK(ProjectionError("a, b, a, #x") ==
        p + "An expression attribute name used in the document path is not defined; attribute name: #x");
  CHECK(ProjectionError("a, a") ==
        p + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a], path two: [a]");
  CHECK(ProjectionError("b[1], b.a, #a.b, a") ==
        p + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a, b], path two: [a]");
  CHECK(ProjectionError("a, #a[1]") ==
        p + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a], path two: [a, [1]]");
  CHECK(ProjectionError("a.b, #a[1]") ==
        p + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
            "path one: [a, b], path two: [a, [1]]");
  CHECK(ProjectionError("a[3].b, #a.#r.b") ==
        p + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
            "path one: [a, [3], b], path two: [a, [3], b]");
  CHECK(ProjectionError("a.b, a.c, a[1].x") ==
        p + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
            "path one: [a, b], path two: [a, [1], x]");
  CHECK(ProjectionError("a.b, a.c") == "");
}

}  // namespace
}  // namespace kmslab::ddb
