// TransactWriteItems (docs/spec/dynamodb.md section 3.3): up to 100 Put,
// Update, Delete and ConditionCheck actions on items of one or more tables,
// all or nothing. Every condition is checked with every table involved
// locked, then every write is applied and committed to the store as one
// transaction; a failed condition cancels them all, with a reason per action.
#include <algorithm>
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/operations.h"
#include "ddb/ops/item_ops.h"
#include "ddb/ops/transact.h"

namespace kmslab::ddb::ops {

namespace {

// The aggregate size of the items one transaction may write (reference section 3.3).
constexpr int64_t kMaxTransactionBytes = 4 * 1024 * 1024;


enum class Kind { kConditionCheck, kPut, kUpdate, kDelete };

struct KindName {
  Kind kind;
  const char* member;  // in TransactItems
  const char* path;    // as validation messages spell it
  const char* action;  // the IAM action it is authorized as (section 10)
  // Its fine-grained condition keys, computed from the action's body as from
  // the item call's (a ConditionCheck addresses a key under a condition, as
  // DeleteItem does).
  ConditionKeys (*keys)(const rapidjson::Value&, const TableDefinition*);
};
constexpr KindName kKinds[] = {
    {Kind::kConditionCheck, "ConditionCheck", "conditionCheck", "ConditionCheckItem", DeleteItemConditionKeys},
    {Kind::kPut, "Put", "put", "PutItem", PutItemConditionKeys},
    {Kind::kUpdate, "Update", "update", "UpdateItem", UpdateItemConditionKeys},
    {Kind::kDelete, "Delete", "delete", "DeleteItem", DeleteItemConditionKeys}};

// One action, as read (Read) and then placed in its table (Execute).
struct Action {
  const KindName* kind = nullptr;
  std::string table_name;  // or its ARN
  const rapidjson::Value* body = nullptr;  // the action's object
  const rapidjson::Value* item = nullptr;  // Put's Item, or the others' Key
  std::optional<Condition> condition;
  std::optional<UpdateExpression> update;
  bool old_on_failure = false;
  std::shared_ptr<Table> table;
  ItemKey key;
};

// The action of one TransactItems entry: exactly one of the four members.
core::StatusOr<Action> ReadAction(const rapidjson::Value& entry, size_t index) {
  Action a;
  const rapidjson::Value* body = nullptr;
  for (const KindName& kind : kKinds) {
    ASSIGN_OR_RETURN(const rapidjson::Value* member, OptionalObject(entry, kind.member));
    if (!member) continue;
    if (body) return ValidationError("TransactItems can only contain one of Check, Put, Update or Delete");
    body = member;
    a.kind = &kind;
  }
  if (!body) return ValidationError("TransactItems can only contain one of Check, Put, Update or Delete");
  a.body = body;
  const std::string path = ActionPath(index, a.kind->path);
  ASSIGN_OR_RETURN(a.table_name, RequiredTableNameOrArn(*body, "TableName", (path + ".tableName").c_str()));
  const bool put = a.kind->kind == Kind::kPut;
  ASSIGN_OR_RETURN(a.item, RequiredObject(*body, put ? "Item" : "Key", (path + (put ? ".item" : ".key")).c_str()));
  if (a.kind->kind == Kind::kConditionCheck && !FindMember(*body, "ConditionExpression")) {
    return NullMember((path + ".conditionExpression").c_str());
  }
  if (a.kind->kind == Kind::kUpdate && !FindMember(*body, "UpdateExpression")) {
    return NullMember((path + ".updateExpression").c_str());
  }
  const TableRequest request{a.table_name, body};  // no legacy parameters in transactions
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(request));
  if (a.kind->kind == Kind::kUpdate) {
    ASSIGN_OR_RETURN(a.update, ReadUpdate(request, context));
  }
  ASSIGN_OR_RETURN(a.condition, ReadCondition(request, "ConditionExpression", context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  ASSIGN_OR_RETURN(a.old_on_failure, ReadReturnOldOnFailure(*body));
  return a;
}

// ClientRequestToken: 1 to 36 characters.
core::StatusOr<std::optional<std::string>> ReadToken(const rapidjson::Value& request) {
  ASSIGN_OR_RETURN(std::optional<std::string> token, OptionalString(request, "ClientRequestToken"));
  if (token && (token->empty() || token->size() > 36)) {
    return ValidationError("1 validation error detected: Value '" + *token +
                           "' at 'clientRequestToken' failed to satisfy constraint: Member must have length " +
                           (token->empty() ? "greater than or equal to 1" : "less than or equal to 36"));
  }
  return token;
}

}  // namespace

struct TransactWriteItemsOp {
  static constexpr const char* kName = "TransactWriteItems";
  struct Request {
    std::vector<Action> actions;
    std::optional<std::string> token;
    std::string fingerprint;  // what a repeated token must repeat
    CapacityReport capacity = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(const rapidjson::Value* items, ReadTransactItems(body));
    ASSIGN_OR_RETURN(q.token, ReadToken(body));
    ASSIGN_OR_RETURN(q.capacity, ReadCapacityReport(body));
    RETURN_IF_ERROR(CheckReturnItemCollectionMetrics(body));
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
      ASSIGN_OR_RETURN(Action action, ReadAction((*items)[i], i));
      q.actions.push_back(std::move(action));
    }
    q.fingerprint = ToJson(*items);
    return core::Status();
  }
  // Each action as the item operation it stands for, with that operation's
  // condition keys, marked as enclosed.
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    for (const Action& a : q.actions) {
      const TableRef ref = ResolveTableRef(s, call, a.table_name);
      const std::shared_ptr<Table> table = FindRefTable(s, call, ref);
      kms::AuthzCheck& check = plan.Require(a.kind->action, ref.arn);
      ConditionKeys keys = a.kind->keys(*a.body, table ? &table->definition : nullptr);
      keys.return_consumed_capacity = CapacityReportName(q.capacity);  // the transaction's, not the action's
      keys.AddTo(check.context);
      check.context.Set("dynamodb:EnclosingOperation", kName);
    }
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);

 private:
  static core::StatusOr<std::string> Commit(Service& s, const kms::CallContext& call, Request& q);
};
KMSLAB_DDB_OPERATION(TransactWriteItems);

KMSLAB_DDB_INNER_OPERATION(TransactWriteItems);

core::Status TransactWriteItemsOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  for (Action& a : q.actions) {
    ASSIGN_OR_RETURN(a.table, TableForItems(s, call, a.table_name));
  }
  std::vector<ItemRef> refs;
  for (Action& a : q.actions) {
    const TableDefinition& d = a.table->definition;
    if (a.kind->kind == Kind::kPut) {
      RETURN_IF_ERROR(ValidateNewItem(*a.table, *a.item));
    } else {
      RETURN_IF_ERROR(ValidateKey(d, *a.item));
    }
    if (a.update) RETURN_IF_ERROR(a.update->CheckKeyAttributes(KeyNames(d)));
    a.key = KeyOf(d, *a.item);
    refs.push_back({a.table.get(), &a.key});
  }
  RETURN_IF_ERROR(CheckOneActionPerItem(refs));
  std::string response;
  if (!q.token) {
    ASSIGN_OR_RETURN(response, Commit(s, call, q));
  } else {
    TransactionTokens& tokens = s.transaction_tokens();
    const std::string token = call.caller->account + "|" + call.region + "|" + *q.token;
    switch (tokens.Begin(token, q.fingerprint, s.NowMillis(), &response)) {
      case TransactionTokens::Claim::kMismatch:
        return IdempotentParameterMismatch();
      case TransactionTokens::Claim::kInProgress:
        return TransactionInProgress();
      case TransactionTokens::Claim::kReplay:
        break;
      case TransactionTokens::Claim::kRun: {
        core::StatusOr<std::string> done = Commit(s, call, q);
        tokens.Finish(token, done.ok() ? std::optional<std::string>(done.value()) : std::nullopt, s.NowMillis());
        if (!done.ok()) return done.status();
        response = std::move(done.value());
      }
    }
  }
  out.RawValue(response.data(), response.size(), rapidjson::kObjectType);
  return core::Status();
}

// Checks every action under the locks of every table, then applies and
// stores all writes together; returns the response body.
core::StatusOr<std::string> TransactWriteItemsOp::Commit(Service& s, const kms::CallContext& call, Request& q) {
  std::vector<std::shared_ptr<Table>> tables;
  for (const Action& a : q.actions) tables.push_back(a.table);
  RETURN_IF_ERROR(OpenTables(s, call, tables));
  const std::vector<Table*> order = LockOrder(tables);

  std::vector<CancellationReason> reasons(q.actions.size());
  bool cancelled = false;
  std::vector<SealedWrite> writes;
  CapacityTally capacity;
  const bool with_indexes = q.capacity != CapacityReport::kNone;
  int64_t written_bytes = 0;  // the items the transaction writes, against DynamoDB's 4 MB
  std::optional<uint64_t> ticket;
  {
    std::vector<std::unique_lock<std::shared_mutex>> locks;
    for (Table* t : order) locks.emplace_back(t->mu);
    RETURN_IF_ERROR(CheckNoneDeleted(order));
    for (size_t i = 0; i < q.actions.size(); ++i) {
      const Action& a = q.actions[i];
      Table& table = *a.table;
      const std::string* stored = FindItem(table, a.key);
      const int64_t stored_size = StoredSize(stored);
      if (!ConditionHolds(a.condition, stored)) {
        reasons[i] = {"ConditionalCheckFailed", "The conditional request failed",
                      a.old_on_failure && stored ? *stored : ""};
        cancelled = true;
        continue;
      }
      std::optional<SealedWrite> write;
      switch (a.kind->kind) {
        case Kind::kConditionCheck:
          capacity.AddWrite(a.table_name, stored_size);
          break;
        case Kind::kPut: {
          const int64_t size = ItemSizeBytes(*a.item);
          written_bytes += size;
          ASSIGN_OR_RETURN(write, SealWrite(table, a.key, ToJson(*a.item), size - stored_size));
          capacity.AddWrite(a.table_name, std::max(size, stored_size));
          if (with_indexes) capacity.AddIndexWrites(a.table_name, table, stored ? *stored : "", write->item_json);
          break;
        }
        case Kind::kDelete:
          if (stored) {
            ASSIGN_OR_RETURN(write, SealWrite(table, a.key, "", -stored_size));
            if (with_indexes) capacity.AddIndexWrites(a.table_name, table, *stored, "");
          }
          capacity.AddWrite(a.table_name, stored_size);
          break;
        case Kind::kUpdate: {
          rapidjson::Document item;
          if (stored) {
            item.Parse(stored->data(), stored->size());
          } else {
            item.CopyFrom(*a.item, item.GetAllocator());
          }
          if (core::Status applied = ApplyUpdate(table, a.update, item); !applied.ok()) {
            reasons[i] = {"ValidationError", applied.message(), ""};
            cancelled = true;
            continue;
          }
          const int64_t size = ItemSizeBytes(item);
          written_bytes += size;
          ASSIGN_OR_RETURN(write, SealWrite(table, a.key, ToJson(item), size - stored_size));
          capacity.AddWrite(a.table_name, std::max(size, stored_size));
          if (with_indexes) capacity.AddIndexWrites(a.table_name, table, stored ? *stored : "", write->item_json);
          break;
        }
      }
      if (write) writes.push_back(std::move(*write));
    }
    if (written_bytes > kMaxTransactionBytes) {
      return ValidationError("Collection size of items exceeded, which can also be caused by the aggregate size of "
                             "the items in the transaction exceeding the 4MB limit");
    }
    if (cancelled) return TransactionCanceled(reasons);
    ticket = ApplyWrites(s, std::move(writes));
  }
  RETURN_IF_ERROR(AwaitWrite(s, ticket));
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  capacity.Write(w, q.capacity);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace kmslab::ddb::ops
