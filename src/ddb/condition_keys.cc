#include "ddb/condition_keys.h"

#include <algorithm>

#include "ddb/attribute_value.h"
#include "ddb/expressions.h"
#include "ddb/legacy_parameters.h"
#include "ddb/service.h"
#include "ddb/update_expression.h"

namespace kmslab::ddb {

namespace {

// Members are read with FindMember, as the operations read them (a null
// member is an absent one), so the keys describe what Execute will do.
const rapidjson::Value* ObjectMember(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* v = FindMember(object, name);
  return v && v->IsObject() ? v : nullptr;
}

std::optional<std::string> StringMember(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* v = FindMember(object, name);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

void AddName(std::vector<std::string>& names, std::string name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
}

// The request's placeholders, or nullopt when they are malformed.
std::optional<ExpressionContext> ContextOf(const rapidjson::Value& body) {
  core::StatusOr<ExpressionContext> context =
      ExpressionContext::Create(FindMember(body, "ExpressionAttributeNames"),
                                FindMember(body, "ExpressionAttributeValues"));
  if (!context.ok()) return std::nullopt;
  return std::move(context).value();
}

// The top-level names ProjectionExpression selects; none when it is absent or malformed.
std::vector<std::string> ProjectionNames(const rapidjson::Value& body) {
  std::optional<std::string> text = StringMember(body, "ProjectionExpression");
  std::optional<ExpressionContext> context = ContextOf(body);
  if (!text || !context) return {};
  core::StatusOr<std::vector<internal::Path>> paths = ParseProjection(*text, *context);
  std::vector<std::string> names;
  if (paths.ok()) {
    for (const internal::Path& path : *paths) AddName(names, path.front().name);
  }
  return names;
}

// The top-level names UpdateExpression writes, then those it reads; none when
// it is absent or malformed.
std::vector<std::string> UpdateNames(const rapidjson::Value& body) {
  std::optional<std::string> text = StringMember(body, "UpdateExpression");
  std::optional<ExpressionContext> context = ContextOf(body);
  if (!text || !context) return {};
  core::StatusOr<UpdateExpression> update = UpdateExpression::Parse(*text, *context);
  if (!update.ok()) return {};
  std::vector<std::string> names;
  for (const internal::Path& path : update->paths()) AddName(names, path.front().name);
  for (std::string& name : update->ReadTopLevelNames()) AddName(names, std::move(name));
  return names;
}

// The top-level names the condition expression `member` (ConditionExpression,
// FilterExpression) reads; none when it is absent or malformed.
std::vector<std::string> ConditionNames(const rapidjson::Value& body, const char* member) {
  std::optional<std::string> text = StringMember(body, member);
  std::optional<ExpressionContext> context = ContextOf(body);
  if (!text || !context) return {};
  core::StatusOr<Condition> condition = Condition::Parse(*text, *context, member);
  return condition.ok() ? condition->TopLevelNames() : std::vector<std::string>{};
}

// `a` followed by the names of `b` it lacks.
std::vector<std::string> Union(std::vector<std::string> a, const std::vector<std::string>& b) {
  for (const std::string& name : b) AddName(a, name);
  return a;
}

// A string parameter as sent, `fallback` when omitted, unset when not a string.
std::optional<std::string> Parameter(const rapidjson::Value& body, const char* name, const char* fallback) {
  if (!FindMember(body, name)) return fallback;
  return StringMember(body, name);
}

std::optional<std::string> SelectOf(const rapidjson::Value& body) {
  return Parameter(body, "Select", FindMember(body, "ProjectionExpression") ? "SPECIFIC_ATTRIBUTES" : "ALL_ATTRIBUTES");
}

// The keys of an operation on the item at `Key` (or `Item`).
ConditionKeys ForOneItem(const rapidjson::Value& body, const char* member, const TableDefinition* definition,
                         const std::vector<std::string>& more_attributes) {
  const rapidjson::Value* item = ObjectMember(body, member);
  if (!item) return ConditionKeys{};
  const rapidjson::Value* items[] = {item};
  return ConditionKeysForItems(definition, items, more_attributes);
}

}  // namespace

void ConditionKeys::AddTo(policy::RequestContext& context) const {
  if (leading_keys && !leading_keys->empty()) context.SetList("dynamodb:LeadingKeys", *leading_keys);
  if (attributes && !attributes->empty()) context.SetList("dynamodb:Attributes", *attributes);
  if (select) context.Set("dynamodb:Select", *select);
  if (return_values) context.Set("dynamodb:ReturnValues", *return_values);
  if (return_consumed_capacity) context.Set("dynamodb:ReturnConsumedCapacity", *return_consumed_capacity);
}

void ConditionKeys::Merge(const ConditionKeys& other) {
  auto join = [](std::optional<std::vector<std::string>>& mine, const std::optional<std::vector<std::string>>& theirs) {
    if (!mine || !theirs) {
      mine.reset();  // unknown on one side: unknown for the whole
      return;
    }
    for (const std::string& value : *theirs) AddName(*mine, value);
  };
  join(leading_keys, other.leading_keys);
  join(attributes, other.attributes);
  if (select != other.select) {
    select = select == "ALL_ATTRIBUTES" || other.select == "ALL_ATTRIBUTES" ? std::optional<std::string>("ALL_ATTRIBUTES")
                                                                            : std::nullopt;
  }
  if (return_values != other.return_values) return_values.reset();
  if (return_consumed_capacity != other.return_consumed_capacity) return_consumed_capacity.reset();
}

std::optional<std::string> LeadingKeyValue(const rapidjson::Value& av) {
  const std::string_view type = TypeOf(av);
  if (type != "S" && type != "N" && type != "B") return std::nullopt;
  const rapidjson::Value& value = av.MemberBegin()->value;
  if (!value.IsString()) return std::nullopt;
  std::string text(value.GetString(), value.GetStringLength());
  return type == "N" ? NormalizeNumber(text) : text;
}

ConditionKeys ConditionKeysForItems(const TableDefinition* definition,
                                    std::span<const rapidjson::Value* const> keys_or_items,
                                    const std::vector<std::string>& more_attributes) {
  ConditionKeys keys;
  keys.attributes.emplace();
  if (definition) keys.leading_keys.emplace();
  for (const rapidjson::Value* item : keys_or_items) {
    if (!item || !item->IsObject()) continue;
    for (const auto& m : item->GetObject()) {
      AddName(*keys.attributes, std::string(m.name.GetString(), m.name.GetStringLength()));
    }
    if (!definition) continue;
    const rapidjson::Value* partition = FindMember(*item, definition->hash_name.c_str());
    if (!partition) continue;
    if (std::optional<std::string> value = LeadingKeyValue(*partition)) AddName(*keys.leading_keys, *value);
  }
  for (const std::string& name : more_attributes) AddName(*keys.attributes, name);
  return keys;
}

ConditionKeys GetItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition) {
  ConditionKeys keys = ForOneItem(body, "Key", definition, ProjectionNames(body));
  keys.select = SelectOf(body);
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys PutItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition) {
  ConditionKeys keys = ForOneItem(body, "Item", definition, ConditionNames(body, "ConditionExpression"));
  keys.return_values = Parameter(body, "ReturnValues", "NONE");
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys DeleteItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition) {
  ConditionKeys keys = ForOneItem(body, "Key", definition, ConditionNames(body, "ConditionExpression"));
  keys.return_values = Parameter(body, "ReturnValues", "NONE");
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys UpdateItemConditionKeys(const rapidjson::Value& body, const TableDefinition* definition) {
  ConditionKeys keys =
      ForOneItem(body, "Key", definition, Union(UpdateNames(body), ConditionNames(body, "ConditionExpression")));
  keys.return_values = Parameter(body, "ReturnValues", "NONE");
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys QueryConditionKeys(const rapidjson::Value& body, const TableDefinition* definition) {
  ConditionKeys keys;
  keys.attributes.emplace();
  std::optional<std::string> text = StringMember(body, "KeyConditionExpression");
  std::optional<ExpressionContext> context = ContextOf(body);
  if (definition && text && context) {
    core::StatusOr<KeyCondition> condition =
        ParseKeyCondition(*text, *context, definition->hash_name, definition->range_name);
    if (condition.ok()) {
      if (std::optional<std::string> value = LeadingKeyValue(*condition->partition_value)) {
        keys.leading_keys = std::vector<std::string>{*value};
      }
      AddName(*keys.attributes, condition->partition_name);
      if (!condition->sort_name.empty()) AddName(*keys.attributes, condition->sort_name);
    }
  }
  for (const std::string& name : Union(ProjectionNames(body), ConditionNames(body, "FilterExpression"))) {
    AddName(*keys.attributes, name);
  }
  keys.select = SelectOf(body);
  keys.return_values = "NONE";
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys BatchGetItemConditionKeys(const rapidjson::Value& entry, const rapidjson::Value& body,
                                        const TableDefinition* definition) {
  if (!entry.IsObject()) return ConditionKeys{};
  std::vector<const rapidjson::Value*> keys_list;
  const rapidjson::Value* keys_member = FindMember(entry, "Keys");
  if (!keys_member || !keys_member->IsArray()) return ConditionKeys{};
  for (const rapidjson::Value& key : keys_member->GetArray()) keys_list.push_back(&key);
  // An entry reads as a GetItem; AttributesToGet counts as the projection it stands for.
  LegacyTranslation legacy;
  rapidjson::Document translated;
  const bool is_legacy = TranslateLegacyParameters("GetItem", entry, legacy).ok() && legacy.translated();
  if (is_legacy) translated = legacy.ExpressionRequest(entry);
  const rapidjson::Value& read = is_legacy ? translated : entry;
  ConditionKeys keys = ConditionKeysForItems(definition, keys_list, ProjectionNames(read));
  keys.select = FindMember(read, "ProjectionExpression") ? "SPECIFIC_ATTRIBUTES" : "ALL_ATTRIBUTES";
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys BatchWriteItemConditionKeys(const rapidjson::Value& entry, const rapidjson::Value& body,
                                          const TableDefinition* definition) {
  if (!entry.IsArray()) return ConditionKeys{};
  std::vector<const rapidjson::Value*> items;
  for (const rapidjson::Value& request : entry.GetArray()) {
    if (!request.IsObject()) continue;
    if (const rapidjson::Value* put = ObjectMember(request, "PutRequest")) items.push_back(FindMember(*put, "Item"));
    if (const rapidjson::Value* del = ObjectMember(request, "DeleteRequest")) items.push_back(FindMember(*del, "Key"));
  }
  ConditionKeys keys = ConditionKeysForItems(definition, items, {});
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

ConditionKeys ScanConditionKeys(const rapidjson::Value& body, const TableDefinition*) {
  ConditionKeys keys;
  keys.attributes = Union(ProjectionNames(body), ConditionNames(body, "FilterExpression"));
  keys.select = SelectOf(body);
  keys.return_values = "NONE";
  keys.return_consumed_capacity = Parameter(body, "ReturnConsumedCapacity", "NONE");
  return keys;
}

}  // namespace kmslab::ddb
