#include "ddb/legacy_parameters.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/strings.h"
#include "ddb/attribute_value.h"

namespace kmslab::ddb {

namespace {

using core::Join;
using rapidjson::Value;

const std::string kInvalid = "One or more parameter values were invalid: ";

core::Status Invalid(std::string message) {
  return core::Status(core::Code::kInvalidArgument, std::move(message), "ValidationException");
}

core::Status Serialization(std::string message) {
  return core::Status(core::Code::kInvalidArgument, std::move(message), "SerializationException");
}

// A shape (Smithy) error: "1 validation error detected: Value ... at '<field>' ...".
core::Status ShapeError(const std::string& value, const std::string& field, const std::string& constraint) {
  return Invalid("1 validation error detected: Value " + value + " at '" + field +
                 "' failed to satisfy constraint: " + constraint);
}

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// The member `name` of `object`, or null when absent or JSON null.
const Value* Member(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

// What one operation accepts, in DynamoDB's order for its messages.
struct OperationParameters {
  std::string_view operation;
  std::vector<const char*> expressions;        // expression members
  std::vector<const char*> legacy;             // non-expression members
  std::vector<const char*> value_expressions;  // expressions that may use ExpressionAttributeValues
};

const OperationParameters* ParametersOf(std::string_view operation) {
  static const OperationParameters kOperations[] = {
      {"PutItem", {"ConditionExpression"}, {"Expected", "ConditionalOperator"}, {"ConditionExpression"}},
      {"DeleteItem", {"ConditionExpression"}, {"Expected", "ConditionalOperator"}, {"ConditionExpression"}},
      {"UpdateItem",
       {"UpdateExpression", "ConditionExpression"},
       {"AttributeUpdates", "Expected", "ConditionalOperator"},
       {"UpdateExpression", "ConditionExpression"}},
      {"GetItem", {"ProjectionExpression"}, {"AttributesToGet"}, {}},
      {"Query",
       {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"},
       {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"},
       {"FilterExpression", "KeyConditionExpression"}},
      {"Scan",
       {"ProjectionExpression", "FilterExpression"},
       {"AttributesToGet", "ScanFilter", "ConditionalOperator"},
       {"FilterExpression"}},
  };
  for (const OperationParameters& p : kOperations) {
    if (p.operation == operation) return &p;
  }
  return nullptr;
}

// DynamoDB's checks of which parameters a request combines (dynalite
// validations/index.js validateExpressionParams, verified against DynamoDB).
core::Status CheckCombination(const OperationParameters& p, const Value& request) {
  std::vector<std::string> expressions, legacy;
  for (const char* member : p.expressions) {
    if (Member(request, member)) expressions.emplace_back(member);
  }
  for (const char* member : p.legacy) {
    // KeyConditions goes with FilterExpression or ProjectionExpression, only
    // not with KeyConditionExpression.
    if (std::string_view(member) == "KeyConditions" && !Member(request, "KeyConditionExpression")) continue;
    if (Member(request, member)) legacy.emplace_back(member);
  }
  if (!expressions.empty() && !legacy.empty()) {
    return Invalid("Can not use both expression and non-expression parameters in the same request: "
                   "Non-expression parameters: {" +
                   Join(legacy, ", ") + "} Expression parameters: {" + Join(expressions, ", ") + "}");
  }
  if (Member(request, "ExpressionAttributeNames") && expressions.empty()) {
    return Invalid("ExpressionAttributeNames can only be specified when using expressions");
  }
  if (Member(request, "ExpressionAttributeValues") && !p.value_expressions.empty() &&
      std::none_of(p.value_expressions.begin(), p.value_expressions.end(),
                   [&](const char* member) { return Member(request, member) != nullptr; })) {
    std::vector<std::string> names(p.value_expressions.begin(), p.value_expressions.end());
    return Invalid("ExpressionAttributeValues can only be specified when using expressions: " + Join(names, " and ") +
                   (names.size() > 1 ? " are null" : " is null"));
  }
  return core::Status();
}

// ---- Comparisons ----

struct Operator {
  std::string_view name;
  int min_args, max_args;  // max_args < 0: unbounded
  std::vector<std::string_view> types;  // AttributeValue types allowed in the list; empty: any
};

// The ComparisonOperators, in the order DynamoDB lists them in its enum message.
const Operator kOperators[] = {
    {"IN", 1, -1, {"S", "N", "B"}},
    {"NULL", 0, 0, {}},
    {"BETWEEN", 2, 2, {"S", "N", "B"}},
    {"LT", 1, 1, {"S", "N", "B"}},
    {"NOT_CONTAINS", 1, 1, {"S", "N", "B", "BOOL", "NULL"}},
    {"EQ", 1, 1, {}},
    {"GT", 1, 1, {"S", "N", "B"}},
    {"NOT_NULL", 0, 0, {}},
    {"NE", 1, 1, {}},
    {"LE", 1, 1, {"S", "N", "B"}},
    {"BEGINS_WITH", 1, 1, {"S", "B"}},
    {"GE", 1, 1, {"S", "N", "B"}},
    {"CONTAINS", 1, 1, {"S", "N", "B", "BOOL", "NULL"}},
};

// The operator called `name`, one of kOperators.
const Operator& OperatorNamed(std::string_view name) {
  for (const Operator& op : kOperators) {
    if (op.name == name) return op;
  }
  return kOperators[0];
}

const char kOperatorEnum[] =
    "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, "
    "BEGINS_WITH, GE, CONTAINS]";

// One legacy condition: an attribute, an operator and its arguments.
struct Comparison {
  std::string attribute;
  const Operator* op = nullptr;
  std::vector<const Value*> args;
};

// Reads ComparisonOperator (a shape error at `field` when not one of the
// enum; null when absent).
core::StatusOr<const Operator*> ReadOperator(const Value& condition, const std::string& field) {
  const Value* v = Member(condition, "ComparisonOperator");
  if (!v) return static_cast<const Operator*>(nullptr);
  if (!v->IsString()) return Serialization("Unexpected value type for ComparisonOperator");
  for (const Operator& op : kOperators) {
    if (op.name == Str(*v)) return &op;
  }
  return ShapeError("'" + Str(*v) + "'", field, kOperatorEnum);
}

// The values of an AttributeValueList, each validated as an AttributeValue.
core::StatusOr<std::vector<const Value*>> ReadValueList(const Value& list) {
  if (!list.IsArray()) return Serialization("Unexpected value type for AttributeValueList");
  std::vector<const Value*> values;
  for (const Value& v : list.GetArray()) {
    RETURN_IF_ERROR(ValidateAttributeValue(v));
    values.push_back(&v);
  }
  return values;
}

// The argument rules every ComparisonOperator applies, in DynamoDB's order:
// count, each value's type, one type for all, BETWEEN's bounds.
core::Status CheckArguments(const Comparison& c) {
  const Operator& op = *c.op;
  const int count = static_cast<int>(c.args.size());
  if (count < op.min_args || (op.max_args >= 0 && count > op.max_args)) {
    return Invalid(kInvalid + "Invalid number of argument(s) for the " + std::string(op.name) + " ComparisonOperator");
  }
  for (const Value* arg : c.args) {
    const std::string_view type = TypeOf(*arg);
    if (!op.types.empty() && std::find(op.types.begin(), op.types.end(), type) == op.types.end()) {
      return Invalid(kInvalid + "ComparisonOperator " + std::string(op.name) + " is not valid for " +
                     std::string(type) + " AttributeValue type");
    }
  }
  for (const Value* arg : c.args) {
    if (TypeOf(*arg) != TypeOf(*c.args[0])) {
      return Invalid(kInvalid + "AttributeValues inside AttributeValueList must be of same type");
    }
  }
  if (op.name == "BETWEEN" && CompareScalars(*c.args[0], *c.args[1]) > 0) {
    return Invalid("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  }
  return core::Status();
}

// A QueryFilter, ScanFilter or KeyConditions entry (a Condition): a required
// ComparisonOperator and its AttributeValueList. `field` is the map's name as
// shape messages spell it (queryFilter ...).
core::StatusOr<Comparison> ReadCondition(const std::string& attribute, const Value& condition,
                                         const std::string& field) {
  if (!condition.IsObject()) return Serialization("Start of structure or map expected for " + attribute);
  Comparison c;
  c.attribute = attribute;
  const std::string operator_field = field + "." + attribute + ".member.comparisonOperator";
  ASSIGN_OR_RETURN(c.op, ReadOperator(condition, operator_field));
  if (!c.op) return ShapeError("null", operator_field, "Member must not be null");
  if (const Value* list = Member(condition, "AttributeValueList")) {
    ASSIGN_OR_RETURN(c.args, ReadValueList(*list));
  }
  RETURN_IF_ERROR(CheckArguments(c));
  return c;
}

// An Expected entry (an ExpectedAttributeValue): either Exists / Value, or a
// ComparisonOperator with Value or AttributeValueList. {Value: v} (Exists
// true or absent) reads as EQ v, {Exists: false} as NULL.
core::StatusOr<Comparison> ReadExpected(const std::string& attribute, const Value& expected) {
  if (!expected.IsObject()) return Serialization("Start of structure or map expected for " + attribute);
  const std::string about = " for Attribute: " + attribute;
  const Value* value = Member(expected, "Value");
  const Value* list = Member(expected, "AttributeValueList");
  const Value* exists = Member(expected, "Exists");
  if (exists && !exists->IsBool()) return Serialization("Unexpected value type for Exists");
  Comparison c;
  c.attribute = attribute;
  ASSIGN_OR_RETURN(c.op, ReadOperator(expected, "expected." + attribute + ".member.comparisonOperator"));
  if (value && list) return Invalid(kInvalid + "Value and AttributeValueList cannot be used together" + about);
  if (c.op) {
    if (exists) return Invalid(kInvalid + "Exists and ComparisonOperator cannot be used together" + about);
    if (!value && !list && c.op->min_args > 0) {
      return Invalid(kInvalid + "Value or AttributeValueList must be used with ComparisonOperator: " +
                     std::string(c.op->name) + about);
    }
    if (list) {
      ASSIGN_OR_RETURN(c.args, ReadValueList(*list));
    } else if (value) {
      RETURN_IF_ERROR(ValidateAttributeValue(*value));
      c.args.push_back(value);
    }
    RETURN_IF_ERROR(CheckArguments(c));
    return c;
  }
  if (list) return Invalid(kInvalid + "AttributeValueList can only be used with a ComparisonOperator" + about);
  const bool must_exist = !exists || exists->GetBool();
  if (must_exist && !value) {
    return Invalid(kInvalid + "Value must be provided when Exists is " + (exists ? "true" : "null") + about);
  }
  if (!must_exist && value) return Invalid(kInvalid + "Value cannot be used when Exists is false" + about);
  c.op = &OperatorNamed(must_exist ? "EQ" : "NULL");
  if (value) {
    RETURN_IF_ERROR(ValidateAttributeValue(*value));
    c.args.push_back(value);
  }
  return c;
}

// ---- Generated placeholders ----

// Generates "#legacyN" / ":legacyN" placeholders into the merged maps,
// skipping numbers the request's own maps use.
class Placeholders {
 public:
  Placeholders(rapidjson::Document& maps, const Value& request) : maps_(maps) {
    maps_.SetObject();
    Value names(rapidjson::kObjectType), values(rapidjson::kObjectType);
    for (auto [member, copy] : {std::pair{"ExpressionAttributeNames", &names},
                                std::pair{"ExpressionAttributeValues", &values}}) {
      const Value* own = Member(request, member);
      if (own && own->IsObject()) copy->CopyFrom(*own, maps_.GetAllocator());
    }
    maps_.AddMember("names", names, maps_.GetAllocator());
    maps_.AddMember("values", values, maps_.GetAllocator());
  }

  std::string Name(const std::string& attribute) {
    return Add(maps_["names"], '#', Value(attribute.data(), static_cast<rapidjson::SizeType>(attribute.size()),
                                          maps_.GetAllocator()),
               &next_name_);
  }
  std::string ValueOf(const Value& av) { return Add(maps_["values"], ':', Value(av, maps_.GetAllocator()), &next_value_); }

 private:
  std::string Add(Value& map, char sigil, Value value, int* next) {
    std::string key;
    do {
      key = sigil + std::string("legacy") + std::to_string((*next)++);
    } while (map.HasMember(key.c_str()));
    map.AddMember(Value(key.c_str(), maps_.GetAllocator()), value, maps_.GetAllocator());
    return key;
  }

  rapidjson::Document& maps_;
  int next_name_ = 0;
  int next_value_ = 0;
};

// The expression text of one comparison.
std::string ConditionText(const Comparison& c, Placeholders& p) {
  const std::string name = p.Name(c.attribute);
  std::vector<std::string> values;
  for (const Value* arg : c.args) values.push_back(p.ValueOf(*arg));
  const std::string_view op = c.op->name;
  if (op == "NULL") return "attribute_not_exists(" + name + ")";
  if (op == "NOT_NULL") return "attribute_exists(" + name + ")";
  if (op == "CONTAINS") return "contains(" + name + ", " + values[0] + ")";
  // DynamoDB's NOT_CONTAINS holds only for an attribute that exists (as the
  // DAX client, AWS's own translator, writes it).
  if (op == "NOT_CONTAINS") return "(attribute_exists(" + name + ") AND NOT contains(" + name + ", " + values[0] + "))";
  if (op == "BEGINS_WITH") return "begins_with(" + name + ", " + values[0] + ")";
  if (op == "IN") return name + " IN (" + Join(values, ", ") + ")";
  if (op == "BETWEEN") return name + " BETWEEN " + values[0] + " AND " + values[1];
  static constexpr std::pair<std::string_view, std::string_view> kComparators[] = {
      {"EQ", "="}, {"NE", "<>"}, {"LT", "<"}, {"LE", "<="}, {"GT", ">"}, {"GE", ">="}};
  for (const auto& [legacy, comparator] : kComparators) {
    if (op == legacy) return name + " " + std::string(comparator) + " " + values[0];
  }
  return "";
}

// ---- Parameters ----

// ConditionalOperator: "AND" (default) or "OR"; `conditions` is the size of
// the map it joins (0 when absent).
core::StatusOr<std::string> ReadConditionalOperator(const Value& request, size_t conditions) {
  const Value* v = Member(request, "ConditionalOperator");
  if (!v) return std::string("AND");
  if (!v->IsString()) return Serialization("Unexpected value type for ConditionalOperator");
  const std::string op = Str(*v);
  if (op != "AND" && op != "OR") {
    return ShapeError("'" + op + "'", "conditionalOperator", "Member must satisfy enum value set: [OR, AND]");
  }
  if (conditions == 0) return Invalid("ConditionalOperator cannot be used without Filter or Expected");
  if (conditions < 2) {
    return Invalid("ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  return op;
}

// The entries of the map member `member`, skipping JSON nulls; empty when absent.
core::StatusOr<std::vector<std::pair<std::string, const Value*>>> MapEntries(const Value& request,
                                                                            const char* member) {
  std::vector<std::pair<std::string, const Value*>> entries;
  const Value* map = Member(request, member);
  if (!map) return entries;
  if (!map->IsObject()) return Serialization(std::string("Start of structure or map expected for ") + member);
  for (const auto& m : map->GetObject()) {
    if (!m.value.IsNull()) entries.emplace_back(Str(m.name), &m.value);
  }
  return entries;
}

// Joins the comparisons' texts with `op`.
std::string JoinConditions(const std::vector<Comparison>& conditions, const std::string& op, Placeholders& p) {
  std::vector<std::string> texts;
  for (const Comparison& c : conditions) texts.push_back(ConditionText(c, p));
  return Join(texts, " " + op + " ");
}

// Expected -> ConditionExpression.
core::StatusOr<std::optional<std::string>> TranslateExpected(const Value& request, Placeholders& p) {
  ASSIGN_OR_RETURN(auto entries, MapEntries(request, "Expected"));
  std::vector<Comparison> conditions;
  for (const auto& [attribute, expected] : entries) {
    ASSIGN_OR_RETURN(Comparison c, ReadExpected(attribute, *expected));
    conditions.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(std::string op, ReadConditionalOperator(request, conditions.size()));
  if (conditions.empty()) return std::optional<std::string>();
  return std::optional<std::string>(JoinConditions(conditions, op, p));
}

// QueryFilter / ScanFilter (`member`) -> FilterExpression; the attributes it
// names go to `attributes`.
core::StatusOr<std::optional<std::string>> TranslateFilter(const Value& request, const char* member,
                                                           const std::string& field, Placeholders& p,
                                                           std::vector<std::string>& attributes) {
  ASSIGN_OR_RETURN(auto entries, MapEntries(request, member));
  std::vector<Comparison> conditions;
  for (const auto& [attribute, condition] : entries) {
    ASSIGN_OR_RETURN(Comparison c, ReadCondition(attribute, *condition, field));
    attributes.push_back(attribute);
    conditions.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(std::string op, ReadConditionalOperator(request, conditions.size()));
  if (conditions.empty()) return std::optional<std::string>();
  return std::optional<std::string>(JoinConditions(conditions, op, p));
}

// KeyConditions -> KeyConditionExpression. The key schema is checked when the
// expression is parsed against the table (ParseKeyCondition).
core::StatusOr<std::optional<std::string>> TranslateKeyConditions(const Value& request, Placeholders& p) {
  if (!Member(request, "KeyConditions")) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto entries, MapEntries(request, "KeyConditions"));
  std::vector<Comparison> conditions;
  for (const auto& [attribute, condition] : entries) {
    ASSIGN_OR_RETURN(Comparison c, ReadCondition(attribute, *condition, "keyConditions"));
    conditions.push_back(std::move(c));
  }
  if (conditions.size() != 1 && conditions.size() != 2) return Invalid("Conditions can be of length 1 or 2 only");
  for (const Comparison& c : conditions) {
    for (std::string_view unindexable : {"NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN"}) {
      if (c.op->name == unindexable) return Invalid("Attempted conditional constraint is not an indexable operation");
    }
  }
  return std::optional<std::string>(JoinConditions(conditions, "AND", p));
}

// AttributesToGet -> ProjectionExpression.
core::StatusOr<std::optional<std::string>> TranslateAttributesToGet(const Value& request, Placeholders& p) {
  const Value* list = Member(request, "AttributesToGet");
  if (!list) return std::optional<std::string>();
  if (!list->IsArray()) return Serialization("Unexpected value type for AttributesToGet");
  std::vector<std::string> names;
  for (const Value& v : list->GetArray()) {
    if (!v.IsString()) return Serialization("Unexpected value type for AttributesToGet");
    names.push_back(Str(v));
  }
  if (names.empty() || names.size() > 255) {
    std::string shown = "[" + Join(names, ", ") + "]";
    return ShapeError("'" + shown + "'", "attributesToGet",
                      names.empty() ? "Member must have length greater than or equal to 1"
                                    : "Member must have length less than or equal to 255");
  }
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) return Invalid(kInvalid + "Duplicate value in attribute name: " + name);
  }
  std::vector<std::string> placeholders;
  for (const std::string& name : names) placeholders.push_back(p.Name(name));
  return std::optional<std::string>(Join(placeholders, ", "));
}

// AttributeUpdates -> UpdateExpression: PUT sets, ADD adds to a number or a
// set (and appends to a list, through list_append), DELETE removes members
// of a set or, without a value, the attribute.
core::StatusOr<std::optional<std::string>> TranslateAttributeUpdates(const Value& request, Placeholders& p) {
  ASSIGN_OR_RETURN(auto entries, MapEntries(request, "AttributeUpdates"));
  std::vector<std::string> set, add, remove, del;
  for (const auto& [attribute, update] : entries) {
    if (!update->IsObject()) return Serialization("Start of structure or map expected for " + attribute);
    std::string action = "PUT";
    if (const Value* a = Member(*update, "Action")) {
      if (!a->IsString()) return Serialization("Unexpected value type for Action");
      action = Str(*a);
      if (action != "PUT" && action != "ADD" && action != "DELETE") {
        return ShapeError("'" + action + "'", "attributeUpdates." + attribute + ".member.action",
                          "Member must satisfy enum value set: [ADD, PUT, DELETE]");
      }
    }
    const Value* value = Member(*update, "Value");
    if (value) RETURN_IF_ERROR(ValidateAttributeValue(*value));
    if (!value && action != "DELETE") {
      return Invalid(kInvalid + "Only DELETE action is allowed when no attribute value is specified");
    }
    const std::string type = value ? std::string(TypeOf(*value)) : "";
    const bool is_set = type == "SS" || type == "NS" || type == "BS";
    if (value && action == "DELETE" && !is_set) {
      return Invalid(kInvalid + "DELETE action with value is not supported for the type " + type);
    }
    if (value && action == "ADD" && !is_set && type != "N" && type != "L") {
      return Invalid(kInvalid + "ADD action is not supported for the type " + type);
    }
    const std::string name = p.Name(attribute);
    if (action == "PUT") {
      set.push_back(name + " = " + p.ValueOf(*value));
    } else if (action == "ADD" && type == "L") {
      rapidjson::Document empty_list(rapidjson::kObjectType);
      Value elements(rapidjson::kArrayType);
      empty_list.AddMember("L", elements, empty_list.GetAllocator());
      const std::string empty = p.ValueOf(empty_list);
      set.push_back(name + " = list_append(if_not_exists(" + name + ", " + empty + "), " + p.ValueOf(*value) + ")");
    } else if (action == "ADD") {
      add.push_back(name + " " + p.ValueOf(*value));
    } else if (value) {
      del.push_back(name + " " + p.ValueOf(*value));
    } else {
      remove.push_back(name);
    }
  }
  std::vector<std::string> sections;
  for (const auto& [keyword, actions] : {std::pair{"SET ", &set}, std::pair{"ADD ", &add},
                                         std::pair{"DELETE ", &del}, std::pair{"REMOVE ", &remove}}) {
    if (!actions->empty()) sections.push_back(keyword + Join(*actions, ", "));
  }
  if (sections.empty()) return std::optional<std::string>();
  return std::optional<std::string>(Join(sections, " "));
}

}  // namespace

LegacyTranslation::LegacyTranslation() { maps_.SetObject(); }

const std::string* LegacyTranslation::Expression(std::string_view member) const {
  for (const auto& [name, text] : expressions_) {
    if (name == member) return &text;
  }
  return nullptr;
}

const Value* LegacyTranslation::names() const {
  auto it = maps_.FindMember("names");
  return it == maps_.MemberEnd() || it->value.ObjectEmpty() ? nullptr : &it->value;
}

const Value* LegacyTranslation::values() const {
  auto it = maps_.FindMember("values");
  return it == maps_.MemberEnd() || it->value.ObjectEmpty() ? nullptr : &it->value;
}

rapidjson::Document LegacyTranslation::ExpressionRequest(const Value& body) const {
  static constexpr const char* kLegacyMembers[] = {"Expected",     "ConditionalOperator", "AttributeUpdates",
                                                   "AttributesToGet", "KeyConditions",    "QueryFilter",
                                                   "ScanFilter"};
  rapidjson::Document request;
  request.CopyFrom(body, request.GetAllocator());
  auto& allocator = request.GetAllocator();
  for (const char* member : kLegacyMembers) request.RemoveMember(member);
  auto replace = [&](const char* member, const Value* value) {
    request.RemoveMember(member);
    if (value) request.AddMember(rapidjson::StringRef(member), Value(*value, allocator), allocator);
  };
  for (const auto& [member, text] : expressions_) {
    request.RemoveMember(member.c_str());
    request.AddMember(Value(member.c_str(), allocator),
                      Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator), allocator);
  }
  replace("ExpressionAttributeNames", names());
  replace("ExpressionAttributeValues", values());
  return request;
}

core::Status LegacyTranslation::CheckQueryFilterKeys(const std::string& hash_name,
                                                     const std::string& range_name) const {
  for (const std::string& key : {hash_name, range_name}) {
    if (key.empty()) continue;
    if (std::find(query_filter_attributes_.begin(), query_filter_attributes_.end(), key) !=
        query_filter_attributes_.end()) {
      return Invalid("QueryFilter can only contain non-primary key attributes: Primary key attribute: " + key);
    }
  }
  return core::Status();
}

core::Status LegacyTranslation::UpdateError(core::Status status) const {
  if (!Expression("UpdateExpression") || status.ok()) return status;
  if (status.message() == "An operand in the update expression has an incorrect data type") {
    return Invalid("Type mismatch for attribute to update");
  }
  return status;
}

core::Status TranslateLegacyParameters(std::string_view operation, const Value& request, LegacyTranslation& out) {
  const OperationParameters* p = ParametersOf(operation);
  if (!p || !request.IsObject()) return core::Status();
  RETURN_IF_ERROR(CheckCombination(*p, request));
  if (std::none_of(p->legacy.begin(), p->legacy.end(), [&](const char* m) { return Member(request, m) != nullptr; })) {
    return core::Status();
  }
  auto uses = [&](const char* member) {
    return std::find_if(p->legacy.begin(), p->legacy.end(),
                        [&](const char* m) { return std::string_view(m) == member; }) != p->legacy.end();
  };
  rapidjson::Document maps;
  Placeholders placeholders(maps, request);
  std::vector<std::pair<const char*, std::optional<std::string>>> texts;
  if (uses("AttributeUpdates")) {
    ASSIGN_OR_RETURN(auto text, TranslateAttributeUpdates(request, placeholders));
    texts.emplace_back("UpdateExpression", std::move(text));
  }
  if (uses("Expected")) {
    ASSIGN_OR_RETURN(auto text, TranslateExpected(request, placeholders));
    texts.emplace_back("ConditionExpression", std::move(text));
  }
  if (uses("AttributesToGet")) {
    ASSIGN_OR_RETURN(auto text, TranslateAttributesToGet(request, placeholders));
    texts.emplace_back("ProjectionExpression", std::move(text));
  }
  for (const char* filter : {"QueryFilter", "ScanFilter"}) {
    if (!uses(filter)) continue;
    const std::string field = std::string_view(filter) == "QueryFilter" ? "queryFilter" : "scanFilter";
    std::vector<std::string> attributes;
    ASSIGN_OR_RETURN(auto text, TranslateFilter(request, filter, field, placeholders, attributes));
    texts.emplace_back("FilterExpression", std::move(text));
    if (std::string_view(filter) == "QueryFilter") out.query_filter_attributes_ = std::move(attributes);
  }
  if (uses("KeyConditions")) {
    ASSIGN_OR_RETURN(auto text, TranslateKeyConditions(request, placeholders));
    texts.emplace_back("KeyConditionExpression", std::move(text));
  }
  for (auto& [member, text] : texts) {
    if (text) out.expressions_.emplace_back(member, std::move(*text));
  }
  out.maps_.Swap(maps);
  return core::Status();
}

}  // namespace kmslab::ddb
