// Table settings as DynamoDB shapes them (docs/spec/dynamodb.md sections 9
// and 8.3): TagResource, UntagResource, ListTagsOfResource, the UpdateTable
// of DeletionProtectionEnabled and TableClass, DescribeLimits,
// DescribeEndpoints, and the refused legacy global tables.
#include <functional>
#include <mutex>

#include "ddb/operations.h"
#include "ddb/ops/common.h"
#include "ddb/ops/table_settings.h"
#include "ddb/resource_policies.h"
#include "ddb/streams.h"
#include "ddb/table_settings.h"

namespace kmslab::ddb::ops {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";

// A ResourceArn of the tag operations: a table ARN, or a stream ARN
// (<table arn>/stream/<label>; AWS tags streams on their own, for Streams
// ABAC), checked for shape with AWS's texts.
struct ResourceRef {
  std::string arn;
  std::string region, account, table;
  bool stream = false;
};

core::StatusOr<ResourceRef> ReadResourceArn(const rapidjson::Value& body) {
  ASSIGN_OR_RETURN(std::string arn, RequiredString(body, "ResourceArn", "resourceArn"));
  if (arn.empty() || arn.size() > 1283) {
    return ValidationError("1 validation error detected: Value '" + arn +
                           "' at 'resourceArn' failed to satisfy constraint: Member must have length " +
                           (arn.empty() ? "greater than or equal to 1" : "less than or equal to 1283"));
  }
  std::optional<TableResourceArn> parsed = ParseTableResourceArn(arn);
  if (!parsed) return ValidationError("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  using Kind = TableResourceArn::Kind;
  if (parsed->kind == Kind::kIndex || parsed->kind == Kind::kOther) {
    return ValidationError(kInvalid +
                           "Invalid resource arn provided, only table or stream is accepted. Provided resource "
                           "arn: " + arn);
  }
  return ResourceRef{arn, parsed->region, parsed->account, parsed->table, parsed->kind == Kind::kStream};
}

core::Status ResourceMissing(const ResourceRef& ref) {
  return ResourceNotFound("Requested resource not found: ResourcArn: " + ref.arn + " not found");
}

// The caller's table the ARN names, or AWS's ResourceNotFoundException (sic).
core::StatusOr<std::shared_ptr<Table>> TableOfResource(Service& s, const kms::CallContext& call,
                                                       const ResourceRef& ref) {
  if (ref.stream || ref.region != call.region || ref.account != call.caller->account) return ResourceMissing(ref);
  std::shared_ptr<Table> table = s.FindTable(call, ref.table);
  if (!table) return ResourceMissing(ref);
  return table;
}

// The caller's stream the ARN names while it is kept (a stream has tags of
// its own, not its table's), or the same ResourceNotFoundException.
core::StatusOr<std::shared_ptr<Stream>> StreamOfResource(Service& s, const kms::CallContext& call,
                                                         const ResourceRef& ref) {
  std::shared_ptr<Stream> stream = KeptStream(s, call, ref.arn);
  if (!stream) return ResourceMissing(ref);
  return stream;
}

struct ResourceRequest {
  ResourceRef resource;
  Tags tags;
  std::vector<std::string> keys;
};

core::Status RequireResource(const ResourceRequest& q, Plan& plan) {
  plan.Require(q.resource.arn);
  return core::Status();
}

// Replaces the tags of the table or stream `q` names with
// `change(current tags)` and saves them (the old tags stay if saving fails);
// answers {}.
core::Status ChangeTags(Service& s, const kms::CallContext& call, const ResourceRequest& q,
                        const std::function<core::StatusOr<Tags>(const Tags&)>& change, JsonWriter& out) {
  if (q.resource.stream) {
    ASSIGN_OR_RETURN(std::shared_ptr<Stream> stream, StreamOfResource(s, call, q.resource));
    RETURN_IF_ERROR(ChangeStreamTags(s, *stream, change));
    out.StartObject();
    out.EndObject();
    return core::Status();
  }
  ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableOfResource(s, call, q.resource));
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceMissing(q.resource);
  ASSIGN_OR_RETURN(Tags changed, change(table->state.settings.tags));
  Tags before = std::move(table->state.settings.tags);
  table->state.settings.tags = std::move(changed);
  if (core::Status saved = s.SaveTable(*table); !saved.ok()) {
    table->state.settings.tags = std::move(before);
    return saved;
  }
  out.StartObject();
  out.EndObject();
  return core::Status();
}

}  // namespace

struct TagResourceOp {
  static constexpr const char* kName = "TagResource";
  using Request = ResourceRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.resource, ReadResourceArn(body));
    const rapidjson::Value* tags = FindMember(body, "Tags");
    if (!tags) return NullMember("tags");
    if (tags->IsArray() && tags->Empty()) return ValidationError("Atleast one Tag needs to be provided as Input.");
    ASSIGN_OR_RETURN(q.tags, ReadTags(*tags));
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request& q, Plan& plan) {
    return RequireResource(q, plan);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    return ChangeTags(s, call, q, [&](const Tags& current) { return MergeTags(current, q.tags); }, out);
  }
};
KMSLAB_DDB_OPERATION(TagResource);

struct UntagResourceOp {
  static constexpr const char* kName = "UntagResource";
  using Request = ResourceRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.resource, ReadResourceArn(body));
    const rapidjson::Value* keys = FindMember(body, "TagKeys");
    if (!keys) return NullMember("tagKeys");
    if (!keys->IsArray()) return SerializationError("Start of list found where not expected");
    if (keys->Empty()) return ValidationError("Atleast one Tag Key needs to be provided as Input.");
    if (keys->Size() > kMaxTags) {
      return ValidationError("Number of Tags exceed the current limit for the provided ResourceArn");
    }
    for (const rapidjson::Value& key : keys->GetArray()) {
      if (!key.IsString()) return SerializationError("Unexpected value type in TagKeys");
      std::string k(key.GetString(), key.GetStringLength());
      RETURN_IF_ERROR(CheckTagKey(k));
      q.keys.push_back(std::move(k));
    }
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request& q, Plan& plan) {
    return RequireResource(q, plan);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    return ChangeTags(s, call, q, [&](const Tags& current) -> core::StatusOr<Tags> {
      Tags kept;
      for (const auto& tag : current) {
        if (std::find(q.keys.begin(), q.keys.end(), tag.first) == q.keys.end()) kept.push_back(tag);
      }
      return kept;
    }, out);
  }
};
KMSLAB_DDB_OPERATION(UntagResource);

struct ListTagsOfResourceOp {
  static constexpr const char* kName = "ListTagsOfResource";
  using Request = ResourceRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.resource, ReadResourceArn(body));
    // At most 50 tags: one page, never a NextToken (a token sent is ignored).
    ASSIGN_OR_RETURN(std::optional<std::string> token, OptionalString(body, "NextToken"));
    (void)token;
    return core::Status();
  }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request& q, Plan& plan) {
    return RequireResource(q, plan);
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    Tags tags;
    if (q.resource.stream) {
      ASSIGN_OR_RETURN(std::shared_ptr<Stream> stream, StreamOfResource(s, call, q.resource));
      tags = StreamTags(s, *stream);
    } else {
      ASSIGN_OR_RETURN(std::shared_ptr<Table> table, TableOfResource(s, call, q.resource));
      std::shared_lock<std::shared_mutex> lock(table->mu);
      tags = table->state.settings.tags;
    }
    out.StartObject();
    out.Key("Tags");
    out.StartArray();
    for (const auto& tag : tags) {
      out.StartObject();
      out.Key("Key");
      out.String(tag.first);
      out.Key("Value");
      out.String(tag.second);
      out.EndObject();
    }
    out.EndArray();
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(ListTagsOfResource);

// --- UpdateTable of the settings --------------------------------------------------------

bool IsSettingsUpdate(const rapidjson::Value& request) {
  if (FindMember(request, "SSESpecification")) return false;
  return FindMember(request, "DeletionProtectionEnabled") || FindMember(request, "TableClass") ||
         FindMember(request, "BillingMode") || FindMember(request, "ProvisionedThroughput");
}

namespace {

const std::string kBothUnits =
    kInvalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED";

// UpdateTable's BillingMode and ProvisionedThroughput applied to `current`
// (the table's billing now), with AWS's texts.
core::StatusOr<Billing> UpdatedBilling(const rapidjson::Value& request, const Billing& current) {
  ASSIGN_OR_RETURN(std::optional<std::string> mode, OptionalString(request, "BillingMode"));
  if (mode && *mode != "PROVISIONED" && *mode != "PAY_PER_REQUEST") {
    return ValidationError("1 validation error detected: Value '" + *mode +
                           "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: "
                           "[PROVISIONED, PAY_PER_REQUEST]");
  }
  ASSIGN_OR_RETURN(const rapidjson::Value* throughput, OptionalObject(request, "ProvisionedThroughput"));
  const bool on_demand = mode ? *mode == "PAY_PER_REQUEST" : current.pay_per_request;
  if (on_demand) {
    if (throughput) {
      return ValidationError(kInvalid +
                             "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                             "PAY_PER_REQUEST");
    }
    return Billing{true, 0, 0};
  }
  if (!throughput) {
    if (current.pay_per_request) return ValidationError(kBothUnits);
    return current;  // BillingMode PROVISIONED on a provisioned table, with another change
  }
  const rapidjson::Value* r = FindMember(*throughput, "ReadCapacityUnits");
  const rapidjson::Value* w = FindMember(*throughput, "WriteCapacityUnits");
  if (!r || !w || !r->IsInt64() || !w->IsInt64() || r->GetInt64() < 1 || w->GetInt64() < 1) {
    return ValidationError(kBothUnits);
  }
  Billing next{false, r->GetInt64(), w->GetInt64()};
  if (!current.pay_per_request && next.read_capacity == current.read_capacity &&
      next.write_capacity == current.write_capacity) {
    const std::string rc = std::to_string(current.read_capacity), wc = std::to_string(current.write_capacity);
    return ValidationError("The provisioned throughput for the table will not change. The requested value equals "
                           "the current value. Current ReadCapacityUnits provisioned for the table: " + rc +
                           ". Requested ReadCapacityUnits: " + rc +
                           ". Current WriteCapacityUnits provisioned for the table: " + wc +
                           ". Requested WriteCapacityUnits: " + wc +
                           ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
                           "higher limits.");
  }
  return next;
}

}  // namespace

core::Status UpdateTableSettings(Service& s, const kms::CallContext& call, const TableRequest& q, JsonWriter& out) {
  const rapidjson::Value& request = *q.body;
  const rapidjson::Value* protection = FindMember(request, "DeletionProtectionEnabled");
  const rapidjson::Value* table_class = FindMember(request, "TableClass");
  for (auto it = request.MemberBegin(); it != request.MemberEnd(); ++it) {
    const std::string member = it->name.GetString();
    if (member == "TableName" || it->value.IsNull()) continue;
    if (protection && member != "DeletionProtectionEnabled") {
      return ValidationError(kInvalid + "DeletionProtection modification must be the only operation in the request");
    }
    if (member != "DeletionProtectionEnabled" && member != "TableClass" && member != "BillingMode" &&
        member != "ProvisionedThroughput") {
      return ValidationError("kmslab supports only SSESpecification, DeletionProtectionEnabled, TableClass, "
                             "BillingMode and ProvisionedThroughput in UpdateTable; " + member + " is not supported");
    }
  }
  if (protection && !protection->IsBool()) return SerializationError("Unexpected value type for DeletionProtectionEnabled");
  std::optional<TableClass> wanted;
  if (table_class) {
    ASSIGN_OR_RETURN(TableClass c, ReadTableClass(*table_class));
    wanted = c;
  }
  std::shared_ptr<Table> table = s.FindTable(call, q.table);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + q.table + " not found");
  const int64_t now = s.NowMillis();
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found: Table: " + q.table + " not found");
  TableSettings& settings = table->state.settings;
  const TableSettings before = settings;
  if (protection) settings.deletion_protection = protection->GetBool();
  if (FindMember(request, "BillingMode") || FindMember(request, "ProvisionedThroughput")) {
    const TableDefinition& d = table->definition;
    const Billing current = settings.billing.value_or(
        Billing{d.billing_mode == "PAY_PER_REQUEST", d.read_capacity, d.write_capacity});
    ASSIGN_OR_RETURN(Billing next, UpdatedBilling(request, current));
    if (next.pay_per_request && !current.pay_per_request) settings.pay_per_request_since_ms = now;
    settings.billing = next;
  }
  if (wanted && *wanted != settings.table_class) {
    if (core::Status quota = CheckTableClassQuota(settings.table_class_changes_ms, now); !quota.ok()) {
      settings = before;
      return quota;
    }
    settings.table_class = *wanted;
    settings.table_class_set_ms = now;
    settings.table_class_changes_ms.push_back(now);
  }
  if (core::Status saved = s.SaveTable(*table); !saved.ok()) {
    settings = before;
    return saved;
  }
  out.StartObject();
  out.Key("TableDescription");
  WriteTableDescription(out, *table, "");
  out.EndObject();
  return core::Status();
}

core::StatusOr<TableSettings> ReadCreateTableSettings(const rapidjson::Value& request, int64_t now_ms) {
  TableSettings settings;
  if (const rapidjson::Value* protection = FindMember(request, "DeletionProtectionEnabled")) {
    if (!protection->IsBool()) return SerializationError("Unexpected value type for DeletionProtectionEnabled");
    settings.deletion_protection = protection->GetBool();
  }
  if (const rapidjson::Value* table_class = FindMember(request, "TableClass")) {
    ASSIGN_OR_RETURN(settings.table_class, ReadTableClass(*table_class));
    settings.table_class_set_ms = now_ms;
  }
  if (const rapidjson::Value* tags = FindMember(request, "Tags")) {
    ASSIGN_OR_RETURN(settings.tags, ReadTags(*tags));
  }
  return settings;
}

void RequireCreateTableTags(const rapidjson::Value& request, const std::string& table_arn, Plan& plan) {
  const rapidjson::Value* tags = FindMember(request, "Tags");
  if (tags && !tags->IsNull()) plan.Require("TagResource", table_arn);
}

// --- account-wide -----------------------------------------------------------------------

struct NoInput {};

struct DescribeLimitsOp {
  static constexpr const char* kName = "DescribeLimits";
  using Request = NoInput;
  static core::Status Read(const rapidjson::Value&, Request&) { return core::Status(); }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request&, Plan& plan) {
    plan.Require("*");
    return core::Status();
  }
  static core::Status Execute(Service&, const kms::CallContext&, Request&, JsonWriter& out) {
    out.StartObject();
    out.Key("AccountMaxReadCapacityUnits");
    out.Int(80000);
    out.Key("AccountMaxWriteCapacityUnits");
    out.Int(80000);
    out.Key("TableMaxReadCapacityUnits");
    out.Int(40000);
    out.Key("TableMaxWriteCapacityUnits");
    out.Int(40000);
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(DescribeLimits);

struct DescribeEndpointsOp {
  static constexpr const char* kName = "DescribeEndpoints";
  using Request = NoInput;
  static core::Status Read(const rapidjson::Value&, Request&) { return core::Status(); }
  static core::Status Resolve(Service&, const kms::CallContext&, const Request&, Plan& plan) {
    plan.Require("*");
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request&, JsonWriter& out) {
    out.StartObject();
    out.Key("Endpoints");
    out.StartArray();
    out.StartObject();
    out.Key("Address");
    // The server's own host:port (in-process, as in `kmslab check`: DynamoDB's name).
    out.String(s.endpoint().empty() ? "dynamodb." + call.region + ".amazonaws.com" : s.endpoint());
    out.Key("CachePeriodInMinutes");
    out.Int(1440);
    out.EndObject();
    out.EndArray();
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(DescribeEndpoints);

// --- global tables version 2017.11.29 ------------------------------------------------------

namespace {

struct GlobalTableRequest {
  std::string name;
};

core::Status ReadGlobalTableRequest(const rapidjson::Value& body, GlobalTableRequest& q, const char* list,
                                    const char* list_field) {
  ASSIGN_OR_RETURN(q.name, RequiredName(body, "GlobalTableName", "globalTableName"));
  const rapidjson::Value* members = FindMember(body, list);
  if (!members) return NullMember(list_field);
  if (!members->IsArray()) return SerializationError("Start of list found where not expected");
  return core::Status();
}

core::Status RequireGlobalTable(const kms::CallContext& call, const GlobalTableRequest& q, Plan& plan) {
  plan.Require("arn:aws:dynamodb::" + call.caller->account + ":global-table/" + q.name);
  return core::Status();
}

// AWS refuses version 2017.11.29 since 2026 (reference section 8.3).
core::Status LegacyGlobalTablesRefused() {
  return ValidationError(kInvalid +
                         "DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB "
                         "global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).");
}

}  // namespace

struct CreateGlobalTableOp {
  static constexpr const char* kName = "CreateGlobalTable";
  using Request = GlobalTableRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    return ReadGlobalTableRequest(body, q, "ReplicationGroup", "replicationGroup");
  }
  static core::Status Resolve(Service&, const kms::CallContext& call, const Request& q, Plan& plan) {
    return RequireGlobalTable(call, q, plan);
  }
  static core::Status Execute(Service&, const kms::CallContext&, Request&, JsonWriter&) {
    return LegacyGlobalTablesRefused();
  }
};
KMSLAB_DDB_OPERATION(CreateGlobalTable);

struct UpdateGlobalTableOp {
  static constexpr const char* kName = "UpdateGlobalTable";
  using Request = GlobalTableRequest;
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    return ReadGlobalTableRequest(body, q, "ReplicaUpdates", "replicaUpdates");
  }
  static core::Status Resolve(Service&, const kms::CallContext& call, const Request& q, Plan& plan) {
    return RequireGlobalTable(call, q, plan);
  }
  static core::Status Execute(Service&, const kms::CallContext&, Request&, JsonWriter&) {
    return LegacyGlobalTablesRefused();
  }
};
KMSLAB_DDB_OPERATION(UpdateGlobalTable);

}  // namespace kmslab::ddb::ops
