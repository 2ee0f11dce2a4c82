#include "ddb/ops/partiql_run.h"

#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <map>

#include "ddb/attribute_value.h"
#include "ddb/indexes.h"
#include "ddb/ops/common.h"
#include "ddb/ops/index_reads.h"
#include "ddb/ops/item_ops.h"

namespace kmslab::ddb::ops {

namespace {

using partiql::Condition;
using partiql::Path;
using partiql::Value;

// The value `c` compares `name` equal to (`name = v` or `v = name`), or null.
const Value* EqualityValue(const Condition& c, const std::string& name) {
  if (c.kind != Condition::Kind::kCompare || c.op != "=") return nullptr;
  for (int side = 0; side < 2; ++side) {
    const partiql::Operand& path = c.operands[side];
    const partiql::Operand& value = c.operands[1 - side];
    if (path.is_path && !value.is_path && path.path.size() == 1 && path.path[0].name == name) return &value.value;
  }
  return nullptr;
}

// The conditions of a WHERE's top-level AND chain.
void Conjuncts(const Condition& c, std::vector<const Condition*>& out) {
  if (c.kind != Condition::Kind::kAnd) {
    out.push_back(&c);
    return;
  }
  for (const Condition& child : c.children) Conjuncts(child, out);
}

// The top-level `name = value` equalities of a WHERE's AND chain, first one kept.
std::map<std::string, const Value*> Equalities(const std::vector<const Condition*>& conjuncts) {
  std::map<std::string, const Value*> out;
  for (const Condition* c : conjuncts) {
    for (const partiql::Operand& o : c->operands) {
      if (!o.is_path || o.path.size() != 1) continue;
      if (const Value* v = EqualityValue(*c, o.path[0].name)) out.emplace(o.path[0].name, v);
    }
  }
  return out;
}

// Whether a path of `c` starts at a key attribute of the table.
bool NamesKeyAttribute(const Condition& c, const TableDefinition& d) {
  for (const Condition& child : c.children) {
    if (NamesKeyAttribute(child, d)) return true;
  }
  for (const partiql::Operand& o : c.operands) {
    if (o.is_path && (o.path[0].name == d.hash_name || o.path[0].name == d.range_name)) return true;
  }
  return false;
}

// An item operation's request under construction: the statement's names and
// values become ExpressionAttributeNames / Values placeholders.
class StatementRequest {
 public:
  StatementRequest(const std::string& table, const rapidjson::Value* parameters) : parameters_(parameters) {
    doc_.SetObject();
    names_.SetObject();
    values_.SetObject();
    Set("TableName", table);
  }

  rapidjson::Document::AllocatorType& alloc() { return doc_.GetAllocator(); }
  // A JSON string of `text` whole (a NUL inside it included).
  rapidjson::Value Text(const std::string& text) {
    return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc());
  }

  void Set(const char* member, const std::string& text) {
    doc_.AddMember(rapidjson::StringRef(member), Text(text), alloc());
  }
  void Set(const char* member, rapidjson::Value value) {
    doc_.AddMember(rapidjson::StringRef(member), std::move(value), alloc());
  }

  // The AttributeValue of a literal or parameter.
  core::StatusOr<rapidjson::Value> Bind(const Value& v) {
    rapidjson::Value out(rapidjson::kObjectType);
    auto typed = [&](const char* type, rapidjson::Value inner) {
      out.AddMember(rapidjson::StringRef(type), std::move(inner), alloc());
    };
    switch (v.kind) {
      case Value::Kind::kString: typed("S", Text(v.text)); break;
      case Value::Kind::kNumber: typed("N", Text(v.text)); break;
      case Value::Kind::kBool: typed("BOOL", rapidjson::Value(v.text == "true")); break;
      case Value::Kind::kNull: typed("NULL", rapidjson::Value(true)); break;
      case Value::Kind::kParameter: out.CopyFrom((*parameters_)[v.parameter], alloc()); break;
      case Value::Kind::kMap: {
        rapidjson::Value members(rapidjson::kObjectType);
        for (size_t i = 0; i < v.keys.size(); ++i) {
          ASSIGN_OR_RETURN(rapidjson::Value element, Bind(v.elements[i]));
          members.RemoveMember(v.keys[i].c_str());  // the last of repeated names wins
          members.AddMember(Text(v.keys[i]), std::move(element), alloc());
        }
        typed("M", std::move(members));
        break;
      }
      case Value::Kind::kList: {
        rapidjson::Value elements(rapidjson::kArrayType);
        for (const Value& e : v.elements) {
          ASSIGN_OR_RETURN(rapidjson::Value element, Bind(e));
          elements.PushBack(std::move(element), alloc());
        }
        typed("L", std::move(elements));
        break;
      }
      case Value::Kind::kSet: {
        // <<'a', 'b'>> is an SS, <<1, 2>> an NS, a set of B parameters a BS.
        rapidjson::Value elements(rapidjson::kArrayType);
        std::string type;
        for (const Value& e : v.elements) {
          ASSIGN_OR_RETURN(rapidjson::Value element, Bind(e));
          const std::string_view t = TypeOf(element);
          if ((t != "S" && t != "N" && t != "B") || (!type.empty() && type != t)) {
            return ValidationError(
                "Statement wasn't well formed, can't be processed: Set elements must all be "
                "strings, all numbers or all binary");
          }
          type = std::string(t);
          elements.PushBack(std::move(element.MemberBegin()->value), alloc());
        }
        if (type.empty()) type = "S";
        out.AddMember(Text(type + "S"), std::move(elements), alloc());
        break;
      }
    }
    return out;
  }

  std::string Name(const std::string& name) {
    const std::string placeholder = "#n" + std::to_string(names_.MemberCount());
    names_.AddMember(Text(placeholder), Text(name), alloc());
    return placeholder;
  }
  core::StatusOr<std::string> Placeholder(const Value& v) {
    ASSIGN_OR_RETURN(rapidjson::Value bound, Bind(v));
    const std::string placeholder = ":v" + std::to_string(values_.MemberCount());
    values_.AddMember(Text(placeholder), std::move(bound), alloc());
    return placeholder;
  }
  std::string PathText(const Path& path) {
    std::string text;
    for (const partiql::PathStep& step : path) {
      if (step.index >= 0) {
        text += "[" + std::to_string(step.index) + "]";
      } else {
        if (!text.empty()) text += ".";
        text += Name(step.name);
      }
    }
    return text;
  }
  core::StatusOr<std::string> OperandText(const partiql::Operand& o) {
    if (o.is_path) return PathText(o.path);
    return Placeholder(o.value);
  }
  // The condition in DynamoDB's expression grammar.
  core::StatusOr<std::string> ConditionText(const Condition& c) {
    switch (c.kind) {
      case Condition::Kind::kAnd:
      case Condition::Kind::kOr: {
        ASSIGN_OR_RETURN(std::string left, ConditionText(c.children[0]));
        ASSIGN_OR_RETURN(std::string right, ConditionText(c.children[1]));
        return "(" + left + (c.kind == Condition::Kind::kAnd ? " AND " : " OR ") + right + ")";
      }
      case Condition::Kind::kNot: {
        ASSIGN_OR_RETURN(std::string inner, ConditionText(c.children[0]));
        return "(NOT " + inner + ")";
      }
      case Condition::Kind::kCompare: {
        ASSIGN_OR_RETURN(std::string left, OperandText(c.operands[0]));
        ASSIGN_OR_RETURN(std::string right, OperandText(c.operands[1]));
        return left + " " + c.op + " " + right;
      }
      case Condition::Kind::kBetween: {
        ASSIGN_OR_RETURN(std::string subject, OperandText(c.operands[0]));
        ASSIGN_OR_RETURN(std::string low, OperandText(c.operands[1]));
        ASSIGN_OR_RETURN(std::string high, OperandText(c.operands[2]));
        return subject + " BETWEEN " + low + " AND " + high;
      }
      case Condition::Kind::kIn:
      case Condition::Kind::kFunction: {
        std::string args;
        for (size_t i = c.kind == Condition::Kind::kIn ? 1 : 0; i < c.operands.size(); ++i) {
          ASSIGN_OR_RETURN(std::string arg, OperandText(c.operands[i]));
          args += (args.empty() ? "" : ", ") + arg;
        }
        if (c.kind == Condition::Kind::kFunction) return c.op + "(" + args + ")";
        ASSIGN_OR_RETURN(std::string subject, OperandText(c.operands[0]));
        return subject + " IN (" + args + ")";
      }
    }
    return std::string();
  }

  // The finished request.
  rapidjson::Document& Finish() {
    if (names_.MemberCount() > 0) doc_.AddMember("ExpressionAttributeNames", std::move(names_), alloc());
    if (values_.MemberCount() > 0) doc_.AddMember("ExpressionAttributeValues", std::move(values_), alloc());
    return doc_;
  }

 private:
  const rapidjson::Value* parameters_;
  rapidjson::Document doc_;
  rapidjson::Value names_;
  rapidjson::Value values_;
};

// The Key of an UPDATE, DELETE or key-only SELECT: an equality on every key
// attribute in the WHERE's top-level ANDs.
core::StatusOr<rapidjson::Value> KeyOfWhere(StatementRequest& request, const TableDefinition& d,
                                            const std::map<std::string, const Value*>& equalities) {
  rapidjson::Value key(rapidjson::kObjectType);
  for (const std::string* name : {&d.hash_name, &d.range_name}) {
    if (name->empty()) continue;
    auto it = equalities.find(*name);
    if (it == equalities.end()) {
      return ValidationError("Where clause does not contain a mandatory equality on all key attributes");
    }
    ASSIGN_OR_RETURN(rapidjson::Value value, request.Bind(*it->second));
    key.AddMember(rapidjson::Value(name->c_str(), request.alloc()), std::move(value), request.alloc());
  }
  return key;
}

// The attribute names a condition's paths start at, in order, each once.
void PathRoots(const Condition& c, std::vector<std::string>& out) {
  for (const Condition& child : c.children) PathRoots(child, out);
  for (const partiql::Operand& o : c.operands) {
    if (o.is_path && std::find(out.begin(), out.end(), o.path[0].name) == out.end()) out.push_back(o.path[0].name);
  }
}

// The names of `names` that `index` does not project, joined by ", " ("" when it projects them all).
std::string Unprojected(const TableDefinition& d, const IndexSchema& index, const std::vector<std::string>& names) {
  std::string missing;
  for (const std::string& name : names) {
    if (!IndexProjects(d, index, name)) missing += (missing.empty() ? "" : ", ") + name;
  }
  return missing;
}

// The index a SELECT FROM table.index reads, checked as PartiQL checks it
// (texts [I]: third-party probes of AWS; they differ from Query's): it exists,
// no ConsistentRead on a GSI, a column list only of what a GSI projects, and
// a batch never reads one (its SELECTs are GetItems on the table's key).
core::StatusOr<IndexRead> StatementIndex(const Table& table, const StatementCall& c) {
  const partiql::Statement& st = *c.statement;
  IndexRead read;
  read.list = IndexesOf(table);
  read.schema = read.list ? FindIndexSchema(*read.list, st.index) : nullptr;
  if (!read.schema || read.schema->status == IndexStatus::kDeleting) {
    return ValidationError("The table does not have the specified index");
  }
  const bool global = read.schema->kind == IndexKind::kGlobal;
  if (global && c.consistent_read) {
    return ValidationError("Strongly consistent read is not supported on Global Secondary Indexes");
  }
  if (c.key_only) {
    return ValidationError(
        "Select statements within BatchExecuteStatement must specify the primary key in the "
        "where clause.");
  }
  if (global) {
    std::vector<std::string> columns;
    for (const Path& path : st.projection) {
      if (std::find(columns.begin(), columns.end(), path[0].name) == columns.end()) columns.push_back(path[0].name);
    }
    const std::string missing = Unprojected(table.definition, *read.schema, columns);
    if (!missing.empty()) {
      return ValidationError("One or more parameter values were invalid: Global secondary index " + st.index +
                             " does not project [" + missing + "]");
    }
  }
  read.keys = IndexKeyDefinition(*read.schema);
  return read;
}

ItemCall Planned(ItemCall::Kind kind, StatementRequest& request) {
  ItemCall planned;
  planned.kind = kind;
  planned.request = std::move(request.Finish());
  return planned;
}

}  // namespace

core::StatusOr<const rapidjson::Value*> ReadParameters(const rapidjson::Value& entry,
                                                       const partiql::Statement& statement) {
  const rapidjson::Value* parameters = FindMember(entry, "Parameters");
  if (parameters && !parameters->IsArray()) return SerializationError("Unexpected value type for Parameters");
  if (parameters && parameters->Empty()) {
    return ValidationError(
        "1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1");
  }
  const size_t sent = parameters ? parameters->Size() : 0;
  if (sent != static_cast<size_t>(statement.parameter_count)) {
    return ValidationError("Number of parameters in request and statement don't match.");
  }
  for (size_t i = 0; i < sent; ++i) {
    core::Status valid = ValidateAttributeValue((*parameters)[i]);
    if (!valid.ok()) return ValidationError("Invalid parameter: " + valid.message());
  }
  return parameters;
}

std::string StatementResource(Service& s, const kms::CallContext& call, const partiql::Statement& statement) {
  const std::string arn = s.TableArn(call, statement.table);
  return statement.index.empty() ? arn : arn + "/index/" + statement.index;
}

core::StatusOr<ItemCall> PlanStatement(Service& s, const kms::CallContext& call, const StatementCall& c) {
  const partiql::Statement& st = *c.statement;
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableForItems(s, call, st.table));
  const TableDefinition& d = table->definition;
  StatementRequest request(st.table, c.parameters);
  std::vector<const Condition*> conjuncts;
  if (st.has_where) Conjuncts(st.where, conjuncts);
  const std::map<std::string, const Value*> equalities = Equalities(conjuncts);
  if (c.return_old_on_failure) request.Set("ReturnValuesOnConditionCheckFailure", *c.return_old_on_failure);
  if (c.return_consumed_capacity) request.Set("ReturnConsumedCapacity", *c.return_consumed_capacity);
  if (!st.returning.empty()) request.Set("ReturnValues", st.returning);

  switch (st.kind) {
    case partiql::Statement::Kind::kSelect: {
      std::optional<IndexRead> index;
      if (!st.index.empty()) {
        ASSIGN_OR_RETURN(index, StatementIndex(*table, c));
        request.Set("IndexName", st.index);
      }
      // Never on a GSI (StatementIndex refused it); it sets the read's units.
      if (c.consistent_read) request.Set("ConsistentRead", rapidjson::Value(true));
      if (!st.projection.empty()) {
        std::string projection;
        for (const Path& path : st.projection) projection += (projection.empty() ? "" : ", ") + request.PathText(path);
        request.Set("ProjectionExpression", projection);
      }
      if (c.key_only) {
        ASSIGN_OR_RETURN(rapidjson::Value key, KeyOfWhere(request, d, equalities));
        request.Set("Key", std::move(key));
        return Planned(ItemCall::Kind::kGetItem, request);
      }
      if (c.limit) request.Set("Limit", rapidjson::Value(*c.limit));
      if (c.start_key) {
        rapidjson::Value start_key;
        start_key.CopyFrom(*c.start_key, request.alloc());
        request.Set("ExclusiveStartKey", std::move(start_key));
      }
      // A Query when one conjunct is pk = v and no other names a key
      // attribute (a Query's filter may not); otherwise a Scan filtered by
      // the whole WHERE. Through an index (resolved first), its keys are the keys.
      const TableDefinition& keys = index ? index->keys : d;
      const Condition* partition = nullptr;
      std::vector<const Condition*> rest;
      bool rest_names_key = false;
      for (const Condition* conjunct : conjuncts) {
        if (!partition && EqualityValue(*conjunct, keys.hash_name)) {
          partition = conjunct;
        } else {
          rest.push_back(conjunct);
          rest_names_key = rest_names_key || NamesKeyAttribute(*conjunct, keys);
        }
      }
      if (!partition || rest_names_key) {
        if (st.has_where) {
          ASSIGN_OR_RETURN(std::string filter, request.ConditionText(st.where));
          request.Set("FilterExpression", filter);
        }
        return Planned(ItemCall::Kind::kScan, request);
      }
      if (index) {  // a key read on an index filters only on what the index holds
        std::vector<std::string> filtered;
        for (const Condition* conjunct : rest) PathRoots(*conjunct, filtered);
        const std::string missing = Unprojected(d, *index->schema, filtered);
        if (!missing.empty()) {
          return ValidationError("One or more parameter values were invalid: Secondary index " + st.index +
                                 " does not project one or more filter attributes: [" + missing + "]");
        }
      }
      ASSIGN_OR_RETURN(std::string value, request.Placeholder(*EqualityValue(*partition, keys.hash_name)));
      request.Set("KeyConditionExpression", request.Name(keys.hash_name) + " = " + value);
      std::string filter;
      for (const Condition* conjunct : rest) {
        ASSIGN_OR_RETURN(std::string text, request.ConditionText(*conjunct));
        filter += (filter.empty() ? "" : " AND ") + text;
      }
      if (!filter.empty()) request.Set("FilterExpression", filter);
      return Planned(ItemCall::Kind::kQuery, request);
    }
    case partiql::Statement::Kind::kInsert: {
      ASSIGN_OR_RETURN(rapidjson::Value item, request.Bind(st.item));
      request.Set("Item", std::move(item.MemberBegin()->value));
      request.Set("ConditionExpression", "attribute_not_exists(" + request.Name(d.hash_name) + ")");
      return Planned(ItemCall::Kind::kPutItem, request);
    }
    case partiql::Statement::Kind::kUpdate: {
      ASSIGN_OR_RETURN(rapidjson::Value key, KeyOfWhere(request, d, equalities));
      request.Set("Key", std::move(key));
      std::string set;
      for (const partiql::Assignment& a : st.set) {
        const std::string path = request.PathText(a.path);
        ASSIGN_OR_RETURN(std::string value, request.Placeholder(a.value));
        set += (set.empty() ? "SET " : ", ") + path + " = " + value;
      }
      std::string remove;
      for (const Path& path : st.remove) remove += (remove.empty() ? " REMOVE " : ", ") + request.PathText(path);
      request.Set("UpdateExpression", set + remove);
      ASSIGN_OR_RETURN(std::string where, request.ConditionText(st.where));
      request.Set("ConditionExpression", "attribute_exists(" + request.Name(d.hash_name) + ") AND " + where);
      return Planned(ItemCall::Kind::kUpdateItem, request);
    }
    case partiql::Statement::Kind::kDelete: {
      ASSIGN_OR_RETURN(rapidjson::Value key, KeyOfWhere(request, d, equalities));
      const size_t key_count = d.range_name.empty() ? 1 : 2;
      request.Set("Key", std::move(key));
      if (conjuncts.size() > key_count) {
        ASSIGN_OR_RETURN(std::string where, request.ConditionText(st.where));
        request.Set("ConditionExpression", "attribute_not_exists(" + request.Name(d.hash_name) + ") OR " + where);
      }
      return Planned(ItemCall::Kind::kDeleteItem, request);
    }
  }
  return InternalServerError("Internal server error: unknown statement kind");
}

core::StatusOr<rapidjson::Document> RunStatement(Service& s, const kms::CallContext& call, const StatementCall& c) {
  ASSIGN_OR_RETURN(ItemCall planned, PlanStatement(s, call, c));
  InnerOperationFn operation = nullptr;
  switch (planned.kind) {
    case ItemCall::Kind::kGetItem: operation = RunGetItem; break;
    case ItemCall::Kind::kQuery: operation = RunQuery; break;
    case ItemCall::Kind::kScan: operation = RunScan; break;
    case ItemCall::Kind::kPutItem: operation = RunPutItem; break;
    case ItemCall::Kind::kUpdateItem: operation = RunUpdateItem; break;
    case ItemCall::Kind::kDeleteItem: operation = RunDeleteItem; break;
  }
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  const core::Status status = operation(s, call, planned.request, out);
  if (planned.kind == ItemCall::Kind::kPutItem && status.aws_type() == "ConditionalCheckFailedException") {
    return DuplicateItem();  // INSERT's attribute_not_exists on the key
  }
  RETURN_IF_ERROR(status);
  rapidjson::Document response;
  response.Parse(buffer.GetString(), buffer.GetSize());
  return response;
}

}  // namespace kmslab::ddb::ops
