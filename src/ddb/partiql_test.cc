#include "ddb/partiql.h"

#include <doctest/doctest.h>

#include <string>

namespace kmslab::ddb::partiql {
namespace {

const std::string kMalformed = "Statement wasn't well formed, can't be processed: ";

// The parse error's message, or "" when `text` parses.
std::string ParseError(const std::string& text) {
  auto parsed = Parse(text);
  return parsed.ok() ? "" : parsed.status().message();
}

Statement Parsed(const std::string& text) {
  auto parsed = Parse(text);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  return *parsed;
}

TEST_CASE("SELECT: projection, table, WHERE with key and non-key conditions") {
  const Statement s = Parsed(R"(SELECT a, "b c".d[2] FROM "Music-1" WHERE pk = 'x' AND n >= 3 OR NOT (m <> ?))");
  CHECK(s.kind == Statement::Kind::kSelect);
  CHECK(std::string(s.Action()) == "PartiQLSelect");
  CHECK(s.table == "Music-1");
  REQUIRE(s.projection.size() == 2);
  REQUIRE(s.projection[1].size() == 3);
  CHECK(s.projection[1][0].name == "b c");
  CHECK(s.projection[1][1].name == "d");
  CHECK(s.projection[1][2].index == 2);
  REQUIRE(s.has_where);
  CHECK(s.where.kind == Condition::Kind::kOr);  // AND binds tighter than OR
  CHECK(s.where.children[0].kind == Condition::Kind::kAnd);
  CHECK(s.where.children[1].kind == Condition::Kind::kNot);
  CHECK(s.where.children[1].children[0].op == "<>");
  CHECK(s.parameter_count == 1);

  const Statement all = Parsed("select * from t");
  CHECK(all.projection.empty());
  CHECK_FALSE(all.has_where);
}

TEST_CASE("predicates: BETWEEN, IN, IS [NOT] MISSING, functions, != as <>") {
  const Statement s = Parsed(
      "SELECT * FROM t WHERE a BETWEEN 1 AND 5 AND b IN ['x', ?] AND c IS MISSING AND d IS NOT MISSING "
      "AND begins_with(e, 'p') AND f != 2");
  std::vector<const Condition*> leaves;
  const Condition* c = &s.where;
  while (c->kind == Condition::Kind::kAnd) {
    leaves.insert(leaves.begin(), &c->children[1]);
    c = &c->children[0];
  }
  leaves.insert(leaves.begin(), c);
  REQUIRE(leaves.size() == 6);
  CHECK(leaves[0]->kind == Condition::Kind::kBetween);
  CHECK(leaves[0]->operands.size() == 3);
  CHECK(leaves[1]->kind == Condition::Kind::kIn);
  CHECK(leaves[1]->operands.size() == 3);
  CHECK(leaves[2]->op == "attribute_not_exists");
  CHECK(leaves[3]->op == "attribute_exists");
  CHECK(leaves[4]->op == "begins_with");
  CHECK(leaves[5]->op == "<>");
}

TEST_CASE("INSERT: a literal document of every value kind") {
  const Statement s =
      Parsed("INSERT INTO t VALUE {'pk': 'a''b', 'n': -1.5e3, 'ok': TRUE, 'z': null, 'p': ?, "
             "'m': {'x': [1, 'y']}, 'ss': <<'a', 'b'>>}");
  CHECK(s.kind == Statement::Kind::kInsert);
  CHECK(std::string(s.Action()) == "PartiQLInsert");
  REQUIRE(s.item.kind == Value::Kind::kMap);
  REQUIRE(s.item.keys.size() == 7);
  CHECK(s.item.elements[0].text == "a'b");
  CHECK(s.item.elements[1].kind == Value::Kind::kNumber);
  CHECK(s.item.elements[1].text == "-1.5e3");
  CHECK(s.item.elements[2].text == "true");
  CHECK(s.item.elements[3].kind == Value::Kind::kNull);
  CHECK(s.item.elements[4].kind == Value::Kind::kParameter);
  CHECK(s.item.elements[5].elements[0].kind == Value::Kind::kList);
  CHECK(s.item.elements[6].kind == Value::Kind::kSet);
  CHECK(s.parameter_count == 1);
}

TEST_CASE("UPDATE with SET and REMOVE; DELETE") {
  const Statement u = Parsed("UPDATE t SET a = 1, b.c = ? REMOVE d, e[0] WHERE pk = ? AND sk = 2;");
  CHECK(u.kind == Statement::Kind::kUpdate);
  CHECK(u.set.size() == 2);
  CHECK(u.remove.size() == 2);
  CHECK(u.parameter_count == 2);
  CHECK(u.set[1].value.parameter == 0);
  CHECK(std::string(u.Action()) == "PartiQLUpdate");
  CHECK(u.returning.empty());
  CHECK(Parsed("UPDATE t SET a = 1 WHERE pk = 1 RETURNING MODIFIED NEW *").returning == "UPDATED_NEW");
  CHECK(Parsed("UPDATE t SET a = 1 WHERE pk = 1 returning all old *").returning == "ALL_OLD");
  CHECK(Parsed("DELETE FROM t WHERE pk = 1 RETURNING ALL OLD *").returning == "ALL_OLD");
  CHECK(ParseError("DELETE FROM t WHERE pk = 1 RETURNING ALL NEW *") == kMalformed + "Unexpected identifier");
  const Statement d = Parsed("DELETE FROM t WHERE pk = 'a'");
  CHECK(d.kind == Statement::Kind::kDelete);
  CHECK(std::string(d.Action()) == "PartiQLDelete");
}

TEST_CASE("malformed statements get DynamoDB's texts") {
  CHECK(ParseError("UPSERT INTO t VALUE {}") == kMalformed + "Expected data manipulation");
  CHECK(ParseError("") == kMalformed + "Expected data manipulation");
  CHECK(ParseError("SELECT * FROM") == kMalformed + "Unexpected end of statement");
  CHECK(ParseError("SELECT * FROM t WHERE") == kMalformed + "Unexpected end of statement");
  CHECK(ParseError("INSERT INTO t VALUES (1, 2)") == kMalformed + "Unexpected keyword");
  CHECK(ParseError("SELECT * FROM t WHERE a = 'x") == kMalformed + "Unterminated string");
  CHECK(ParseError("SELECT * FROM t x") == kMalformed + "Unexpected identifier");
  CHECK(ParseError("SELECT * FROM t WHERE a = = 1") == kMalformed + "Unexpected token");
  CHECK(ParseError("UPDATE t WHERE pk = 1") == kMalformed + "Unexpected keyword");
  CHECK(ParseError("DELETE FROM t") == kMalformed + "Unexpected end of statement");
  CHECK(ParseError("SELECT * FROM t WHERE a = 1 #") == kMalformed + "Unexpected character");
  CHECK(ParseError("SELECT * FROM t WHERE size(a) = 1") == kMalformed + "Unsupported function: size");
  CHECK(ParseError("SELECT * FROM t WHERE attribute_exists(a, b)") ==
        kMalformed + "Incorrect number or type of arguments for function attribute_exists");
  CHECK(ParseError(std::string(kMaxStatementBytes + 1, ' ')) == kMalformed + "Statement is too long");
}

TEST_CASE("nesting is bounded: documents at 32 levels, conditions likewise") {
  std::string ok = "INSERT INTO t VALUE {'pk': 'a', 'm': ";
  std::string deep = ok;
  for (int i = 0; i < kMaxNesting; ++i) ok += "[";
  for (int i = 0; i < kMaxNesting; ++i) ok += "]";
  CHECK(ParseError(ok + "}") == "");
  for (int i = 0; i <= kMaxNesting; ++i) deep += "[";
  CHECK(ParseError(deep) == kMalformed + "Nesting of the statement is too deep");
  std::string parens = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 1000; ++i) parens += "(";
  CHECK(ParseError(parens) == kMalformed + "Nesting of the statement is too deep");
  std::string nots = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  CHECK(ParseError(nots + "a = 1") == kMalformed + "Nesting of the statement is too deep");
}

TEST_CASE("Redact keeps the statement's shape and drops its literal values") {
  CHECK(Redact(R"(SELECT "a b", c FROM "t" WHERE pk = 'secret' AND n > -1.5e+3 AND l[0] = ?)") ==
        R"(SELECT "a b", c FROM "t" WHERE pk = ***(Redacted) AND n > ***(Redacted) AND l[***(Redacted)] = ?)");
  CHECK(Redact("INSERT INTO t VALUE {'pk': 'it''s', 'n': 12}") ==
        "INSERT INTO t VALUE {***(Redacted): ***(Redacted), ***(Redacted): ***(Redacted)}");
  CHECK(Redact("UPDATE t SET a = 'unterminated") == "UPDATE t SET a = ***(Redacted)");
  CHECK(Redact("SELECT * FROM t2 WHERE x1 = 3") == "SELECT * FROM t2 WHERE x1 = ***(Redacted)");
}

TEST_CASE("SELECT FROM table.index names the index; writes may not, nor three components") {
  const Statement s = Parsed(R"(SELECT * FROM "Music"."by-genre" WHERE genre = 'rock')");
  CHECK(s.table == "Music");
  CHECK(s.index == "by-genre");
  CHECK(Parsed("SELECT * FROM Music").index.empty());
  CHECK(Parsed("select a from Music.byGenre").index == "byGenre");
  CHECK(ParseError(R"(SELECT * FROM "Music"."by-genre"."x")") ==
        "A path may contain at most 2 components in the FROM clause");
  CHECK(ParseError(R"(SELECT * FROM "Music"."")") == "Path component cannot be an empty string");
  CHECK(ParseError(R"(SELECT * FROM "" WHERE pk = 'p')") == "Path component cannot be an empty string");
  CHECK(ParseError(R"(SELECT * FROM "Music". WHERE pk = 'p')") == kMalformed + "Unexpected keyword");
  for (const char* write : {R"(INSERT INTO "Music"."i" VALUE {'pk': 'a'})", R"(UPDATE "Music"."i" SET a = 1 WHERE pk = 'a')",
                            R"(DELETE FROM "Music"."i" WHERE pk = 'a')"}) {
    CAPTURE(write);
    CHECK(ParseError(write) == "This operation is not supported on an index");
  }
}

}  // namespace
}  // namespace kmslab::ddb::partiql
