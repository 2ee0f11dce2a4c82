// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL
// statements, parsed in Read, authorized as IAM does (dynamodb:PartiQLSelect /
// PartiQLInsert / PartiQLUpdate / PartiQLDelete on the table's ARN, or a
// SELECT's index's, per statement) and run as the item operations (partiql_run.h), a transaction's
// as the actions of one TransactWriteItems or TransactGetItems.
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/base64.h"
#include "ddb/indexes.h"
#include "ddb/operations.h"
#include "ddb/ops/index_reads.h"
#include "ddb/ops/item_common.h"
#include "ddb/ops/item_ops.h"
#include "ddb/ops/partiql_run.h"
#include "ddb/ops/transact.h"

namespace kmslab::ddb::ops {

namespace {

// One statement with the members that go with it, as read from the request
// (ExecuteStatement's body or one of BatchExecuteStatement's Statements).
struct StatementEntry {
  partiql::Statement statement;
  const rapidjson::Value* parameters = nullptr;
  std::optional<std::string> return_old_on_failure;
  bool consistent_read = false;
  core::Status error;  // BatchExecuteStatement: why this statement was not read
};

core::Status ReadStatementEntry(const rapidjson::Value& entry, StatementEntry& e) {
  ASSIGN_OR_RETURN(std::string text, RequiredString(entry, "Statement", "statement"));
  const std::string prefix = "1 validation error detected: Value '" + text +
                             "' at 'statement' failed to satisfy "
                             "constraint: Member must have length ";
  if (text.empty()) return ValidationError(prefix + "greater than or equal to 1");
  if (text.size() > partiql::kMaxStatementBytes) return ValidationError(prefix + "less than or equal to 8192");
  ASSIGN_OR_RETURN(e.statement, partiql::Parse(text));
  ASSIGN_OR_RETURN(e.parameters, ReadParameters(entry, e.statement));
  // ConsistentRead: every kmslab read is consistent; it bars reading a GSI and
  // sets the units a read reports.
  if (const rapidjson::Value* v = FindMember(entry, "ConsistentRead")) {
    if (!v->IsBool()) return SerializationError("Unexpected value type for ConsistentRead");
    e.consistent_read = v->GetBool();
  }
  ASSIGN_OR_RETURN(bool old_on_failure, ReadReturnOldOnFailure(entry));
  if (old_on_failure) e.return_old_on_failure = "ALL_OLD";
  return core::Status();
}

// The call of a statement of a batch or transaction (a read is a GetItem on the full key).
StatementCall EntryCall(const StatementEntry& e) {
  StatementCall c;
  c.statement = &e.statement;
  c.parameters = e.parameters;
  c.return_old_on_failure = e.return_old_on_failure;
  c.key_only = e.statement.IsRead();
  c.consistent_read = e.consistent_read;
  return c;
}

// Requires the statement's PartiQL action on its table, with the fine-grained
// condition keys of the item call it stands for (condition_keys.h), so a
// statement escapes no condition its item call would meet. A statement that
// cannot be planned sets none: Execute plans it again and reports why before
// anything runs.
void RequireStatement(Service& s, const kms::CallContext& call, const StatementCall& c, CapacityReport capacity,
                      Plan& plan) {
  kms::AuthzCheck& check = plan.Require(c.statement->Action(), StatementResource(s, call, *c.statement));
  const core::StatusOr<ItemCall> planned = PlanStatement(s, call, c);
  if (!planned.ok()) return;
  const std::shared_ptr<Table> table = s.FindTable(call, c.statement->table);
  // The keys LeadingKeys and Attributes name: the table's, or the index's.
  std::optional<TableDefinition> keys_of;
  if (table && c.statement->index.empty()) keys_of = table->definition;
  if (IndexList list = table && !c.statement->index.empty() ? IndexesOf(*table) : nullptr) {
    if (const IndexSchema* index = FindIndexSchema(*list, c.statement->index)) keys_of = IndexKeyDefinition(*index);
  }
  const TableDefinition* definition = keys_of ? &*keys_of : nullptr;
  ConditionKeys (*keys)(const rapidjson::Value&, const TableDefinition*) = nullptr;
  switch (planned->kind) {
    case ItemCall::Kind::kGetItem: keys = GetItemConditionKeys; break;
    case ItemCall::Kind::kQuery: keys = QueryConditionKeys; break;
    case ItemCall::Kind::kScan: keys = ScanConditionKeys; break;
    case ItemCall::Kind::kPutItem: keys = PutItemConditionKeys; break;
    case ItemCall::Kind::kUpdateItem: keys = UpdateItemConditionKeys; break;
    case ItemCall::Kind::kDeleteItem: keys = DeleteItemConditionKeys; break;
  }
  ConditionKeys statement_keys = keys(planned->request, definition);
  statement_keys.return_consumed_capacity = CapacityReportName(capacity);  // the request's
  statement_keys.AddTo(check.context);
}

// NextToken: the base64 of the page's LastEvaluatedKey (JSON).
std::string NextToken(const rapidjson::Value& last_key) { return core::Base64Encode(ToJson(last_key)); }

}  // namespace

struct ExecuteStatementOp {
  static constexpr const char* kName = "ExecuteStatement";
  struct Request {
    StatementEntry entry;
    std::optional<int64_t> limit;
    rapidjson::Document start_key;  // from NextToken; null when none
    CapacityReport capacity = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.capacity, ReadCapacityReport(body));
    RETURN_IF_ERROR(ReadStatementEntry(body, q.entry));
    if (const rapidjson::Value* v = FindMember(body, "Limit")) {
      if (!v->IsInt64()) return SerializationError("Unexpected value type for Limit");
      if (v->GetInt64() < 1) {
        return ValidationError("1 validation error detected: Value '" + std::to_string(v->GetInt64()) +
                               "' at 'limit' failed to satisfy constraint: Member must have value greater than or "
                               "equal to 1");
      }
      q.limit = v->GetInt64();
    }
    ASSIGN_OR_RETURN(std::optional<std::string> token, OptionalString(body, "NextToken"));
    if (token) {
      std::string json;
      if (token->empty() || !core::Base64Decode(*token, &json)) return ValidationError("Invalid NextToken");
      q.start_key.Parse(json.data(), json.size());
      if (q.start_key.HasParseError() || !q.start_key.IsObject()) return ValidationError("Invalid NextToken");
    }
    return core::Status();
  }
  static StatementCall CallOf(const Request& q) {
    StatementCall c = EntryCall(q.entry);
    c.key_only = false;  // a SELECT of ExecuteStatement may be a Query or a Scan
    c.limit = q.limit;
    if (q.start_key.IsObject()) c.start_key = &q.start_key;
    if (q.capacity != CapacityReport::kNone) c.return_consumed_capacity = CapacityReportName(q.capacity);
    return c;
  }
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    RequireStatement(s, call, CallOf(q), q.capacity, plan);
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    ASSIGN_OR_RETURN(rapidjson::Document response, RunStatement(s, call, CallOf(q)));
    out.StartObject();
    out.Key("Items");
    out.StartArray();
    if (response.HasMember("Items")) {
      for (const rapidjson::Value& item : response["Items"].GetArray()) item.Accept(out);
    } else if (response.HasMember("Attributes")) {  // RETURNING
      response["Attributes"].Accept(out);
    }
    out.EndArray();
    if (response.HasMember("LastEvaluatedKey")) {
      const std::string token = NextToken(response["LastEvaluatedKey"]);
      out.Key("NextToken");
      out.String(token.data(), static_cast<rapidjson::SizeType>(token.size()));
    }
    if (response.HasMember("ConsumedCapacity")) {  // the item operation's, indexes included
      out.Key("ConsumedCapacity");
      response["ConsumedCapacity"].Accept(out);
    }
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(ExecuteStatement);

namespace {

constexpr size_t kMaxBatchStatements = 25;

// BatchStatementError's Code for a failed statement's error type.
std::string BatchErrorCode(const std::string& aws_type) {
  if (aws_type == "ValidationException") return "ValidationError";
  if (aws_type == "AccessDeniedException") return "AccessDenied";
  const std::string_view suffix = "Exception";
  if (aws_type.ends_with(suffix)) return aws_type.substr(0, aws_type.size() - suffix.size());
  return aws_type;
}

void WriteBatchError(JsonWriter& out, const core::Status& status) {
  out.Key("Error");
  out.StartObject();
  out.Key("Code");
  out.String(BatchErrorCode(status.aws_type()).c_str());
  out.Key("Message");
  out.String(status.message().c_str());
  if (!status.detail_json().empty()) {  // ReturnValuesOnConditionCheckFailure: {"Item": ...}
    rapidjson::Document detail;
    detail.Parse(status.detail_json().c_str());
    if (detail.IsObject() && detail.HasMember("Item")) {
      out.Key("Item");
      detail["Item"].Accept(out);
    }
  }
  out.EndObject();
}

// One statement of a batch: its read error, or its result (a read is a
// GetItem on the full key), with its ConsumedCapacity as `capacity` asks.
core::StatusOr<rapidjson::Document> RunEntry(Service& s, const kms::CallContext& call, const StatementEntry& e,
                                             CapacityReport capacity) {
  if (!e.error.ok()) return e.error;
  StatementCall c = EntryCall(e);
  if (capacity != CapacityReport::kNone) c.return_consumed_capacity = CapacityReportName(capacity);
  return RunStatement(s, call, c);
}

// The units a batch consumed, per table in the order the statements first name them.
class BatchCapacity {
 public:
  void Add(const std::string& table, const rapidjson::Value& consumed_capacity) {
    auto it = std::find_if(tables_.begin(), tables_.end(), [&](const auto& t) { return t.first == table; });
    if (it == tables_.end()) it = tables_.insert(tables_.end(), {table, Consumed{}});
    it->second.Add(ConsumedOf(consumed_capacity));
  }
  void Write(JsonWriter& out, CapacityReport report) const {
    out.Key("ConsumedCapacity");
    out.StartArray();
    for (const auto& [table, consumed] : tables_) WriteConsumedCapacity(out, report, table, consumed);
    out.EndArray();
  }

 private:
  std::vector<std::pair<std::string, Consumed>> tables_;
};

}  // namespace

struct BatchExecuteStatementOp {
  static constexpr const char* kName = "BatchExecuteStatement";
  struct Request {
    std::vector<StatementEntry> entries;
    CapacityReport capacity = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(q.capacity, ReadCapacityReport(body));
    const rapidjson::Value* statements = FindMember(body, "Statements");
    if (!statements) return NullMember("statements");
    if (!statements->IsArray()) return SerializationError("Unexpected value type for Statements");
    const std::string prefix =
        "1 validation error detected: Value at 'statements' failed to satisfy constraint: "
        "Member must have length ";
    if (statements->Empty()) return ValidationError(prefix + "greater than or equal to 1");
    if (statements->Size() > kMaxBatchStatements) return ValidationError(prefix + "less than or equal to 25");
    std::optional<bool> reads;  // whether the valid statements read
    for (const rapidjson::Value& entry : statements->GetArray()) {
      if (!entry.IsObject()) return SerializationError("Unexpected value type for BatchStatementRequest");
      StatementEntry& e = q.entries.emplace_back();
      e.error = ReadStatementEntry(entry, e);
      if (e.error.aws_type() == "SerializationException") return e.error;
      if (!e.error.ok()) continue;  // answered in its own response entry
      if (!reads) reads = e.statement.IsRead();
      if (e.statement.IsRead() != *reads) {
        return ValidationError("Read and write requests together in the same batch is not supported.");
      }
    }
    // Every statement needs its authorization: a batch of none valid is refused whole.
    if (!reads) return q.entries.front().error;
    return core::Status();
  }
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    for (const StatementEntry& e : q.entries) {
      if (e.error.ok()) RequireStatement(s, call, EntryCall(e), q.capacity, plan);
    }
    return core::Status();
  }
  // Each statement runs on its own, reads as GetItem on the full key: its
  // entry holds the error, or the table and the item found. With
  // ReturnConsumedCapacity, the units of the statements that ran, per table
  // (a failed statement's are not counted [I]).
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    BatchCapacity capacity;
    out.StartObject();
    out.Key("Responses");
    out.StartArray();
    for (const StatementEntry& e : q.entries) {
      const core::StatusOr<rapidjson::Document> response = RunEntry(s, call, e, q.capacity);
      out.StartObject();
      if (!response.ok()) {
        WriteBatchError(out, response.status());
      } else {
        out.Key("TableName");
        out.String(e.statement.table.c_str());
        if (response->HasMember("Item")) {
          out.Key("Item");
          (*response)["Item"].Accept(out);
        }
        if (response->HasMember("ConsumedCapacity")) capacity.Add(e.statement.table, (*response)["ConsumedCapacity"]);
      }
      out.EndObject();
    }
    out.EndArray();
    if (q.capacity != CapacityReport::kNone) capacity.Write(out, q.capacity);
    out.EndObject();
    return core::Status();
  }
};
KMSLAB_DDB_OPERATION(BatchExecuteStatement);

namespace {

constexpr size_t kMaxTransactionStatements = 100;

// The TransactItems entry of one planned statement: {"Get": request} ...
const char* TransactMember(ItemCall::Kind kind) {
  switch (kind) {
    case ItemCall::Kind::kPutItem: return "Put";
    case ItemCall::Kind::kUpdateItem: return "Update";
    case ItemCall::Kind::kDeleteItem: return "Delete";
    default: return "Get";
  }
}

// A cancelled transaction as PartiQL reports it: an INSERT whose key was
// taken failed with DuplicateItem, not its PutItem's ConditionalCheckFailed.
core::Status WithDuplicateItems(const core::Status& status, const std::vector<StatementEntry>& entries) {
  if (status.aws_type() != "TransactionCanceledException") return status;
  rapidjson::Document detail;
  detail.Parse(status.detail_json().c_str());
  if (!detail.IsObject() || !detail.HasMember("CancellationReasons")) return status;
  std::vector<CancellationReason> reasons;
  for (const rapidjson::Value& r : detail["CancellationReasons"].GetArray()) {
    CancellationReason& reason = reasons.emplace_back();
    reason.code = r["Code"].GetString();
    if (r.HasMember("Message")) reason.message = r["Message"].GetString();
    if (r.HasMember("Item")) reason.item_json = ToJson(r["Item"]);
    const size_t i = reasons.size() - 1;
    if (i < entries.size() && entries[i].statement.kind == partiql::Statement::Kind::kInsert &&
        reason.code == "ConditionalCheckFailed") {
      reason = CancellationReason{"DuplicateItem", "Duplicate primary key exists in table", ""};
    }
  }
  return TransactionCanceled(reasons);
}

}  // namespace

struct ExecuteTransactionOp {
  static constexpr const char* kName = "ExecuteTransaction";
  struct Request {
    std::vector<StatementEntry> entries;
    const rapidjson::Value* body = nullptr;
    CapacityReport capacity = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    q.body = &body;
    ASSIGN_OR_RETURN(q.capacity, ReadCapacityReport(body));
    const rapidjson::Value* statements = FindMember(body, "TransactStatements");
    if (!statements) return NullMember("transactStatements");
    if (!statements->IsArray()) return SerializationError("Unexpected value type for TransactStatements");
    const std::string prefix =
        "1 validation error detected: Value at 'transactStatements' failed to satisfy "
        "constraint: Member must have length ";
    if (statements->Empty()) return ValidationError(prefix + "greater than or equal to 1");
    if (statements->Size() > kMaxTransactionStatements) return ValidationError(prefix + "less than or equal to 100");
    for (const rapidjson::Value& entry : statements->GetArray()) {
      if (!entry.IsObject()) return SerializationError("Unexpected value type for ParameterizedStatement");
      StatementEntry& e = q.entries.emplace_back();
      RETURN_IF_ERROR(ReadStatementEntry(entry, e));
      if (!e.statement.returning.empty()) {
        return ValidationError(
            "Statement wasn't well formed, can't be processed: RETURNING is not supported in "
            "a transaction");
      }
      if (e.statement.IsRead() != q.entries.front().statement.IsRead()) {
        return ValidationError("Read and write requests together in the same transaction is not supported.");
      }
      if (!e.statement.index.empty()) {  // [I] third-party probes of AWS
        return ValidationError("Validation failed in TransactStatements[" + std::to_string(q.entries.size() - 1) +
                               "]: Reads on indices are not supported within transactions.");
      }
    }
    return core::Status();
  }
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    for (const StatementEntry& e : q.entries) RequireStatement(s, call, EntryCall(e), q.capacity, plan);
    return core::Status();
  }
  // The statements become one TransactGetItems (reads, each a Get on the full
  // key) or TransactWriteItems: all of them or none.
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
    rapidjson::Document transaction;
    transaction.SetObject();
    auto& alloc = transaction.GetAllocator();
    rapidjson::Value items(rapidjson::kArrayType);
    for (const StatementEntry& e : q.entries) {
      ASSIGN_OR_RETURN(ItemCall planned, PlanStatement(s, call, EntryCall(e)));
      rapidjson::Value action(rapidjson::kObjectType);
      action.AddMember(rapidjson::StringRef(TransactMember(planned.kind)),
                       rapidjson::Value().CopyFrom(planned.request, alloc), alloc);
      items.PushBack(std::move(action), alloc);
    }
    transaction.AddMember("TransactItems", std::move(items), alloc);
    for (const char* member : {"ClientRequestToken", "ReturnConsumedCapacity"}) {
      if (const rapidjson::Value* v = FindMember(*q.body, member)) {
        transaction.AddMember(rapidjson::StringRef(member), rapidjson::Value().CopyFrom(*v, alloc), alloc);
      }
    }
    if (q.entries.front().statement.IsRead()) return RunTransactGetItems(s, call, transaction, out);
    return WithDuplicateItems(RunTransactWriteItems(s, call, transaction, out), q.entries);
  }
};
KMSLAB_DDB_OPERATION(ExecuteTransaction);

}  // namespace kmslab::ddb::ops
