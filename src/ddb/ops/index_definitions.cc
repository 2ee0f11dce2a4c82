#include "ddb/ops/index_definitions.h"

#include <algorithm>
#include <mutex>
#include <tuple>

#include "core/strings.h"
#include "ddb/indexes.h"
#include "ddb/table_stats.h"

namespace kmslab::ddb::ops {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";
constexpr size_t kMaxLocalIndexes = 5;
constexpr size_t kMaxGlobalIndexes = 20;
constexpr size_t kMaxProjectedAttributes = 100;
constexpr int64_t kMaxCapacity = 1000000000000LL;

core::Status Shape(const std::string& value, const std::string& path, const std::string& constraint) {
  return ValidationError("1 validation error detected: Value '" + value + "' at '" + path +
                         "' failed to satisfy constraint: " + constraint);
}

bool ValidIndexName(const std::string& name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

// {ReadCapacityUnits, WriteCapacityUnits}, each 1..10^12.
core::Status ReadThroughput(const rapidjson::Value& v, const std::string& path, int64_t* read, int64_t* write) {
  if (!v.IsObject()) return SerializationError("Start of structure or map expected for " + path);
  const rapidjson::Value* r = FindMember(v, "ReadCapacityUnits");
  const rapidjson::Value* w = FindMember(v, "WriteCapacityUnits");
  if (!r) return NullMember((path + ".readCapacityUnits").c_str());
  if (!w) return NullMember((path + ".writeCapacityUnits").c_str());
  if (!r->IsInt64() || !w->IsInt64()) return SerializationError("Unexpected value type in " + path);
  for (const auto& [value, field] : {std::pair{r, "readCapacityUnits"}, std::pair{w, "writeCapacityUnits"}}) {
    if (value->GetInt64() < 1) {
      return Shape(std::to_string(value->GetInt64()), path + "." + field,
                   "Member must have value greater than or equal to 1");
    }
  }
  for (const auto& [value, name] : {std::pair{r, "ReadCapacityUnits"}, std::pair{w, "WriteCapacityUnits"}}) {
    if (value->GetInt64() > kMaxCapacity) {
      return ValidationError("Given value " + std::to_string(value->GetInt64()) + " for " + name +
                             " is out of bounds");
    }
  }
  *read = r->GetInt64();
  *write = w->GetInt64();
  return core::Status();
}

// OnDemandThroughput {MaxReadRequestUnits?, MaxWriteRequestUnits?}: -1 (no limit) or at least 1.
core::Status ReadOnDemand(const rapidjson::Value& v, const std::string& path, IndexSchema& index) {
  if (!v.IsObject()) return SerializationError("Start of structure or map expected for " + path);
  for (const auto& [member, target] : {std::pair{"MaxReadRequestUnits", &index.max_read_units},
                                       std::pair{"MaxWriteRequestUnits", &index.max_write_units}}) {
    const rapidjson::Value* value = FindMember(v, member);
    if (!value) continue;
    if (!value->IsInt64()) return SerializationError("Unexpected value type in " + path);
    if (value->GetInt64() < 1 && value->GetInt64() != -1) {
      return ValidationError(kInvalid + member + " must be -1 or greater than 0");
    }
    *target = value->GetInt64();
  }
  return core::Status();
}

// An index's name, key schema and projection, shapes checked; `path` is
// "globalSecondaryIndexes.<n>.member" or the like. Key types are not yet set.
core::StatusOr<IndexSchema> ReadIndexShape(const rapidjson::Value& v, const std::string& path, IndexKind kind) {
  if (!v.IsObject()) return SerializationError("Start of structure or map expected");
  IndexSchema index;
  index.kind = kind;
  ASSIGN_OR_RETURN(index.name, RequiredString(v, "IndexName", (path + ".indexName").c_str()));
  if (index.name.size() < 3) {
    return Shape(index.name, path + ".indexName", "Member must have length greater than or equal to 3");
  }
  if (index.name.size() > 255) {
    return Shape(index.name, path + ".indexName", "Member must have length less than or equal to 255");
  }
  if (!ValidIndexName(index.name)) {
    return Shape(index.name, path + ".indexName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  const rapidjson::Value* schema = FindMember(v, "KeySchema");
  if (!schema) return NullMember((path + ".keySchema").c_str());
  if (!schema->IsArray()) return SerializationError("Start of list found where not expected");
  if (schema->Empty() || schema->Size() > 2) {
    return ValidationError("1 validation error detected: Value '[...]' at '" + path +
                           ".keySchema' failed to satisfy constraint: Member must have length less than or equal "
                           "to 2 and greater than or equal to 1");
  }
  for (rapidjson::SizeType i = 0; i < schema->Size(); ++i) {
    const rapidjson::Value& e = (*schema)[i];
    if (!e.IsObject()) return SerializationError("Start of structure or map expected");
    ASSIGN_OR_RETURN(std::string name,
                     RequiredString(e, "AttributeName", (path + ".keySchema.member.attributeName").c_str()));
    ASSIGN_OR_RETURN(std::string type, RequiredString(e, "KeyType", (path + ".keySchema.member.keyType").c_str()));
    if (type != "HASH" && type != "RANGE") {
      return Shape(type, path + ".keySchema.member.keyType", "Member must satisfy enum value set: [HASH, RANGE]");
    }
    if ((i == 0) != (type == "HASH")) {
      return ValidationError(kInvalid + (i == 0 ? "Invalid KeySchema: The first KeySchemaElement is not a HASH key "
                                                  "type"
                                                : "Invalid KeySchema: The second KeySchemaElement is not a RANGE key "
                                                  "type"));
    }
    (i == 0 ? index.hash : index.range).name = std::move(name);
  }
  if (index.hash.name == index.range.name) {
    return ValidationError(kInvalid +
                           "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  const rapidjson::Value* projection = FindMember(v, "Projection");
  if (!projection) return NullMember((path + ".projection").c_str());
  if (!projection->IsObject()) return SerializationError("Start of structure or map expected");
  ASSIGN_OR_RETURN(std::optional<std::string> type, OptionalString(*projection, "ProjectionType"));
  if (!type) return ValidationError(kInvalid + "Unknown ProjectionType: null");
  if (*type == "ALL") {
    index.projection = ProjectionType::kAll;
  } else if (*type == "KEYS_ONLY") {
    index.projection = ProjectionType::kKeysOnly;
  } else if (*type == "INCLUDE") {
    index.projection = ProjectionType::kInclude;
  } else {
    return Shape(*type, path + ".projection.projectionType",
                 "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
  }
  const rapidjson::Value* non_key = FindMember(*projection, "NonKeyAttributes");
  if (non_key) {
    if (!non_key->IsArray()) return SerializationError("Start of list found where not expected");
    if (non_key->Empty()) {
      return Shape("[]", path + ".projection.nonKeyAttributes", "Member must have length greater than or equal to 1");
    }
    if (index.projection != ProjectionType::kInclude) {
      return ValidationError(kInvalid + "ProjectionType is " + *type + ", but NonKeyAttributes is specified");
    }
    for (const auto& a : non_key->GetArray()) {
      if (!a.IsString()) return SerializationError("Unexpected value type in NonKeyAttributes");
      std::string name(a.GetString(), a.GetStringLength());
      if (name.empty() || name.size() > 255) {
        return Shape(name, path + ".projection.nonKeyAttributes.member",
                     "Member must have length less than or equal to 255 and greater than or equal to 1");
      }
      if (std::find(index.non_key_attributes.begin(), index.non_key_attributes.end(), name) ==
          index.non_key_attributes.end()) {
        index.non_key_attributes.push_back(std::move(name));
      }
    }
  } else if (index.projection == ProjectionType::kInclude) {
    return ValidationError(kInvalid + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  return index;
}

// A GSI's throughput for the table's billing mode.
core::Status ReadIndexThroughput(const rapidjson::Value& v, const std::string& path, const std::string& billing_mode,
                                 IndexSchema& index) {
  const rapidjson::Value* throughput = FindMember(v, "ProvisionedThroughput");
  if (billing_mode == "PAY_PER_REQUEST") {
    if (throughput) {
      return ValidationError(kInvalid + "ProvisionedThroughput should not be specified for index: " + index.name +
                             " when BillingMode is PAY_PER_REQUEST");
    }
  } else {
    if (!throughput) {
      return ValidationError(kInvalid + "ProvisionedThroughput is not specified for index: " + index.name);
    }
    RETURN_IF_ERROR(ReadThroughput(*throughput, path + ".provisionedThroughput", &index.read_capacity,
                                   &index.write_capacity));
  }
  if (const rapidjson::Value* on_demand = FindMember(v, "OnDemandThroughput")) {
    RETURN_IF_ERROR(ReadOnDemand(*on_demand, path + ".onDemandThroughput", index));
  }
  return core::Status();
}

// Sets the index's key types from `attributes`, or names the keys lacking one.
core::Status TypeKeys(IndexSchema& index, const std::vector<AttributeDefinition>& attributes) {
  auto type_of = [&](const std::string& name) {
    for (const AttributeDefinition& a : attributes)
      if (a.name == name) return a.type;
    return std::string();
  };
  index.hash.type = type_of(index.hash.name);
  if (!index.range.name.empty()) index.range.type = type_of(index.range.name);
  if (!index.hash.type.empty() && (index.range.name.empty() || !index.range.type.empty())) return core::Status();
  std::vector<std::string> keys{index.hash.name}, defined;
  if (!index.range.name.empty()) keys.push_back(index.range.name);
  for (const AttributeDefinition& a : attributes) defined.push_back(a.name);
  return ValidationError(kInvalid + "Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                         core::Join(keys, ", ") + "], AttributeDefinitions: [" + core::Join(defined, ", ") + "]");
}

size_t ProjectedAttributeCount(const std::vector<IndexSchema>& indexes) {
  size_t n = 0;
  for (const IndexSchema& i : indexes) n += i.non_key_attributes.size();
  return n;
}

core::Status CheckProjectedCount(const std::vector<IndexSchema>& indexes) {
  const size_t n = ProjectedAttributeCount(indexes);
  if (n <= kMaxProjectedAttributes) return core::Status();
  return ValidationError(kInvalid + "Number of projected attributes in all indexes exceeds limit of 100, number of "
                                    "projected attributes:" + std::to_string(n));
}

core::StatusOr<const rapidjson::Value*> OptionalList(const rapidjson::Value& request, const char* member) {
  const rapidjson::Value* v = FindMember(request, member);
  if (v && !v->IsArray()) return SerializationError("Start of list found where not expected");
  return v;
}

}  // namespace

bool DeclaresIndexes(const rapidjson::Value& request) {
  return FindMember(request, "LocalSecondaryIndexes") || FindMember(request, "GlobalSecondaryIndexes");
}

core::StatusOr<std::vector<IndexSchema>> ReadCreateTableIndexes(const rapidjson::Value& request,
                                                                TableDefinition& d) {
  std::vector<IndexSchema> indexes;
  ASSIGN_OR_RETURN(const rapidjson::Value* locals, OptionalList(request, "LocalSecondaryIndexes"));
  ASSIGN_OR_RETURN(const rapidjson::Value* globals, OptionalList(request, "GlobalSecondaryIndexes"));
  if (!locals && !globals) return indexes;
  auto duplicate = [&](const std::string& name) { return FindIndexSchema(indexes, name) != nullptr; };
  if (locals) {
    if (locals->Empty()) return ValidationError(kInvalid + "List of LocalSecondaryIndexes is empty");
    if (d.range_name.empty()) {
      return ValidationError(kInvalid +
                             "Table KeySchema does not have a range key, which is required when specifying a "
                             "LocalSecondaryIndex");
    }
    for (rapidjson::SizeType n = 0; n < locals->Size(); ++n) {
      const std::string path = "localSecondaryIndexes." + std::to_string(n + 1) + ".member";
      ASSIGN_OR_RETURN(IndexSchema index, ReadIndexShape((*locals)[n], path, IndexKind::kLocal));
      RETURN_IF_ERROR(TypeKeys(index, d.attributes));
      if (index.range.name.empty()) {
        return ValidationError(kInvalid + "Index KeySchema does not have a range key for index: " + index.name);
      }
      if (index.hash.name != d.hash_name) {
        return ValidationError(kInvalid + "Index KeySchema does not have the same leading hash key as table KeySchema "
                                          "for index: " + index.name + ". index hash key: " + index.hash.name +
                               ", table hash key: " + d.hash_name);
      }
      if (duplicate(index.name)) return ValidationError(kInvalid + "Duplicate index name: " + index.name);
      indexes.push_back(std::move(index));
    }
    if (locals->Size() > kMaxLocalIndexes) {
      return ValidationError(kInvalid + "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    }
  }
  if (globals) {
    if (globals->Empty()) return ValidationError(kInvalid + "List of GlobalSecondaryIndexes is empty");
    for (rapidjson::SizeType n = 0; n < globals->Size(); ++n) {
      const std::string path = "globalSecondaryIndexes." + std::to_string(n + 1) + ".member";
      ASSIGN_OR_RETURN(IndexSchema index, ReadIndexShape((*globals)[n], path, IndexKind::kGlobal));
      RETURN_IF_ERROR(TypeKeys(index, d.attributes));
      RETURN_IF_ERROR(ReadIndexThroughput((*globals)[n], path, d.billing_mode, index));
      if (duplicate(index.name)) return ValidationError(kInvalid + "Duplicate index name: " + index.name);
      indexes.push_back(std::move(index));
    }
    if (globals->Size() > kMaxGlobalIndexes) {
      return ValidationError(kInvalid + "GlobalSecondaryIndex count exceeds the per-table limit of 20");
    }
  }
  RETURN_IF_ERROR(CheckProjectedCount(indexes));
  // AttributeDefinitions: exactly the keys of the table and its indexes.
  std::vector<std::string> used{d.hash_name};
  if (!d.range_name.empty()) used.push_back(d.range_name);
  for (const IndexSchema& i : indexes) {
    for (const IndexKeyAttribute* key : {&i.hash, &i.range})
      if (!key->name.empty() && std::find(used.begin(), used.end(), key->name) == used.end()) used.push_back(key->name);
  }
  std::vector<std::string> defined;
  for (const AttributeDefinition& a : d.attributes) defined.push_back(a.name);
  for (const std::string& name : defined) {
    if (std::find(used.begin(), used.end(), name) == used.end()) {
      return ValidationError(kInvalid + "Some AttributeDefinitions are not used. AttributeDefinitions: [" +
                             core::Join(defined, ", ") + "], keys used: [" + core::Join(used, ", ") + "]");
    }
  }
  std::vector<AttributeDefinition> own;
  for (const AttributeDefinition& a : d.attributes)
    if (a.name == d.hash_name || a.name == d.range_name) own.push_back(a);
  d.attributes = std::move(own);
  for (IndexSchema& i : indexes) i.status = IndexStatus::kActive;
  return indexes;
}

core::Status CheckNoIndexChange(const Table& t) {
  if (!t.state.indexes || !IndexesChanging(*t.state.indexes)) return core::Status();
  return ResourceInUse(
      "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, "
      "updated, or deleted.");
}

namespace {

enum class Action { kCreate, kUpdate, kDelete };
struct IndexUpdate {
  Action action;
  const rapidjson::Value* body;
  std::string path;
};

core::StatusOr<std::vector<IndexUpdate>> ReadUpdates(const rapidjson::Value& list) {
  if (!list.IsArray()) return SerializationError("Start of list found where not expected");
  if (list.Empty()) return ValidationError(kInvalid + "List of GlobalSecondaryIndexUpdates is empty");
  std::vector<IndexUpdate> updates;
  int create_or_delete = 0;
  for (rapidjson::SizeType n = 0; n < list.Size(); ++n) {
    const rapidjson::Value& e = list[n];
    if (!e.IsObject()) return SerializationError("Start of structure or map expected");
    const std::string path = "globalSecondaryIndexUpdates." + std::to_string(n + 1) + ".member";
    std::vector<IndexUpdate> found;
    for (const auto& [member, action, field] :
         {std::tuple{"Create", Action::kCreate, ".create"}, std::tuple{"Update", Action::kUpdate, ".update"},
          std::tuple{"Delete", Action::kDelete, ".delete"}}) {
      if (const rapidjson::Value* v = FindMember(e, member)) {
        if (!v->IsObject()) return SerializationError("Start of structure or map expected");
        found.push_back({action, v, path + field});
      }
    }
    if (found.size() != 1) {
      return ValidationError(kInvalid + "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update "
                                        "or GlobalSecondaryIndexUpdate.Delete must be specified");
    }
    if (found[0].action != Action::kUpdate) ++create_or_delete;
    updates.push_back(found[0]);
  }
  if (create_or_delete > 1) {
    return LimitExceeded("Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
                         "per table");
  }
  return updates;
}

}  // namespace

core::Status UpdateTableIndexes(Service& s, const kms::CallContext& call, const TableRequest& q, JsonWriter& out) {
  const rapidjson::Value& request = *q.body;
  for (auto it = request.MemberBegin(); it != request.MemberEnd(); ++it) {
    const std::string member = it->name.GetString();
    if (member == "TableName" || member == "GlobalSecondaryIndexUpdates" || member == "AttributeDefinitions" ||
        it->value.IsNull()) {
      continue;
    }
    return ValidationError(
        "kmslab supports GlobalSecondaryIndexUpdates in UpdateTable only with AttributeDefinitions; " + member +
        " is not supported with it");
  }
  ASSIGN_OR_RETURN(std::vector<IndexUpdate> updates, ReadUpdates(*FindMember(request, "GlobalSecondaryIndexUpdates")));
  std::vector<AttributeDefinition> attributes;
  ASSIGN_OR_RETURN(const rapidjson::Value* attrs, OptionalList(request, "AttributeDefinitions"));
  if (attrs) {
    for (const auto& a : attrs->GetArray()) {
      if (!a.IsObject()) return SerializationError("Start of structure or map expected");
      ASSIGN_OR_RETURN(std::string name,
                       RequiredString(a, "AttributeName", "attributeDefinitions.member.attributeName"));
      const rapidjson::Value* type_member = FindMember(a, "AttributeType");
      if (!type_member) return NullMember("attributeDefinitions.member.attributeType");
      if (!type_member->IsString()) return SerializationError("Unexpected value type for AttributeType");
      const std::string type(type_member->GetString(), type_member->GetStringLength());
      if (type != "S" && type != "N" && type != "B") {
        return Shape(type, "attributeDefinitions.member.attributeType",
                     "Member must satisfy enum value set: [B, N, S]");
      }
      attributes.push_back({std::move(name), std::move(type)});
    }
  }
  std::shared_ptr<Table> table = s.FindTable(call, q.table);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + q.table + " not found");
  const int64_t now = s.NowMillis();
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found: Table: " + q.table + " not found");
  const TableDefinition& d = table->definition;
  std::vector<IndexSchema> indexes = table->state.indexes ? *table->state.indexes : std::vector<IndexSchema>();
  std::string built;  // a created index to backfill
  int64_t due = INT64_MAX;
  for (const IndexUpdate& u : updates) {
    if (u.action == Action::kCreate) {
      ASSIGN_OR_RETURN(IndexSchema index, ReadIndexShape(*u.body, u.path, IndexKind::kGlobal));
      if (FindIndexSchema(indexes, index.name)) {
        return ValidationError("Attempting to create an index which already exists");
      }
      // Types: the request's AttributeDefinitions, else those the table already has.
      std::vector<AttributeDefinition> known = attributes;
      for (const AttributeDefinition& a : d.attributes) known.push_back(a);
      for (const AttributeDefinition& a : IndexAttributeDefinitions(*table)) known.push_back(a);
      RETURN_IF_ERROR(TypeKeys(index, known));
      RETURN_IF_ERROR(ReadIndexThroughput(*u.body, u.path, d.billing_mode, index));
      if (IndexesChanging(indexes) && std::any_of(indexes.begin(), indexes.end(), [](const IndexSchema& i) {
            return i.status == IndexStatus::kCreating || i.status == IndexStatus::kDeleting;
          })) {
        return LimitExceeded("Subscriber limit exceeded: Only 1 online index can be created or deleted "
                             "simultaneously per table");
      }
      const size_t globals = std::count_if(indexes.begin(), indexes.end(),
                                           [](const IndexSchema& i) { return i.kind == IndexKind::kGlobal; });
      if (globals >= kMaxGlobalIndexes) {
        return LimitExceeded("Subscriber limit exceeded: GlobalSecondaryIndex count exceeds the per-table limit of 20");
      }
      index.status = IndexStatus::kCreating;
      index.created_online = true;
      index.next_status_ms = now + s.options().index_allocation_ms;
      due = std::min(due, index.next_status_ms);
      built = index.name;
      indexes.push_back(std::move(index));
      RETURN_IF_ERROR(CheckProjectedCount(indexes));
      continue;
    }
    ASSIGN_OR_RETURN(std::string name, RequiredString(*u.body, "IndexName", (u.path + ".indexName").c_str()));
    auto it = std::find_if(indexes.begin(), indexes.end(), [&](const IndexSchema& i) {
      return i.name == name && i.kind == IndexKind::kGlobal;
    });
    if (it == indexes.end()) {
      return ResourceNotFound("Requested resource not found: Index " + name + " for table " + q.table);
    }
    if (u.action == Action::kDelete) {
      if (it->status == IndexStatus::kCreating && !it->backfilling) {
        return ResourceInUse("Attempt to change a resource which is still in use: Index creation is in resource "
                             "allocation phase. Retry deletion during backfilling phase or when the index is active. "
                             "Table: " + q.table + " Index: " + name);
      }
      if (std::any_of(indexes.begin(), indexes.end(), [](const IndexSchema& i) {
            return i.status == IndexStatus::kDeleting || (i.status == IndexStatus::kCreating && i.backfilling);
          })) {
        return LimitExceeded("Subscriber limit exceeded: Only 1 online index can be created or deleted "
                             "simultaneously per table");
      }
      it->status = IndexStatus::kDeleting;
      it->backfilling = false;
      it->next_status_ms = now + s.options().index_delete_ms;
      due = std::min(due, it->next_status_ms);
      continue;
    }
    // Update: throughput for the table's billing mode.
    if (it->status != IndexStatus::kActive) {
      return ResourceInUse("Attempt to change a resource which is still in use: Index: " + name +
                           " is not in ACTIVE state. Table: " + q.table);
    }
    IndexSchema changed = *it;
    RETURN_IF_ERROR(ReadIndexThroughput(*u.body, u.path, d.billing_mode, changed));
    changed.status = IndexStatus::kUpdating;
    changed.next_status_ms = now + s.options().index_update_ms;
    due = std::min(due, changed.next_status_ms);
    *it = std::move(changed);
  }
  SetIndexes(*table, std::move(indexes));
  if (!built.empty() && table->loaded) {
    BuildIndexEntries(*table, built);
    s.store().EnqueueDdbItemWrite(TableStatsRow(*table));  // the new index's counts, for after a restart
  }
  RETURN_IF_ERROR(s.SaveTable(*table));
  out.StartObject();
  out.Key("TableDescription");
  WriteTableDescription(out, *table, "");
  out.EndObject();
  lock.unlock();
  s.ScheduleWork(due);
  return core::Status();
}

}  // namespace kmslab::ddb::ops
