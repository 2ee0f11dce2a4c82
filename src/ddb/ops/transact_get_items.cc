// TransactGetItems (docs/spec/dynamodb.md section 3.4): up to 100 Get
// actions read as one snapshot, every table involved locked while they are
// read; Responses in request order, {} for a missing item.
#include <mutex>

#include "ddb/attribute_value.h"
#include "ddb/operations.h"
#include "ddb/ops/item_ops.h"
#include "ddb/ops/transact.h"

namespace kmslab::ddb::ops {

namespace {

struct Get {
  std::string table_name;  // or its ARN
  const rapidjson::Value* body = nullptr;  // the Get's object
  const rapidjson::Value* key = nullptr;
  std::vector<internal::Path> projection;
  std::shared_ptr<Table> table;
  ItemKey item_key;
};

core::StatusOr<Get> ReadGet(const rapidjson::Value& entry, size_t index) {
  const std::string path = ActionPath(index, "get");
  ASSIGN_OR_RETURN(const rapidjson::Value* body, RequiredObject(entry, "Get", path.c_str()));
  Get g;
  g.body = body;
  ASSIGN_OR_RETURN(g.table_name, RequiredTableNameOrArn(*body, "TableName", (path + ".tableName").c_str()));
  ASSIGN_OR_RETURN(g.key, RequiredObject(*body, "Key", (path + ".key").c_str()));
  ASSIGN_OR_RETURN(ExpressionContext context, ReadExpressionContext(*body));
  ASSIGN_OR_RETURN(g.projection, ReadProjection(*body, context));
  RETURN_IF_ERROR(context.CheckAllUsed());
  return g;
}

}  // namespace

struct TransactGetItemsOp {
  static constexpr const char* kName = "TransactGetItems";
  struct Request {
    std::vector<Get> gets;
    CapacityReport capacity = CapacityReport::kNone;
  };
  static core::Status Read(const rapidjson::Value& body, Request& q) {
    ASSIGN_OR_RETURN(const rapidjson::Value* items, ReadTransactItems(body));
    ASSIGN_OR_RETURN(q.capacity, ReadCapacityReport(body));
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
      ASSIGN_OR_RETURN(Get get, ReadGet((*items)[i], i));
      q.gets.push_back(std::move(get));
    }
    return core::Status();
  }
  // Each Get as dynamodb:GetItem with GetItem's condition keys, marked as
  // enclosed (section 10).
  static core::Status Resolve(Service& s, const kms::CallContext& call, const Request& q, Plan& plan) {
    for (const Get& g : q.gets) {
      const TableRef ref = ResolveTableRef(s, call, g.table_name);
      const std::shared_ptr<Table> table = FindRefTable(s, call, ref);
      kms::AuthzCheck& check = plan.Require("GetItem", ref.arn);
      ConditionKeys keys = GetItemConditionKeys(*g.body, table ? &table->definition : nullptr);
      keys.return_consumed_capacity = CapacityReportName(q.capacity);  // the transaction's, not the action's
      keys.AddTo(check.context);
      check.context.Set("dynamodb:EnclosingOperation", kName);
    }
    return core::Status();
  }
  static core::Status Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out);
};
KMSLAB_DDB_OPERATION(TransactGetItems);

KMSLAB_DDB_INNER_OPERATION(TransactGetItems);

core::Status TransactGetItemsOp::Execute(Service& s, const kms::CallContext& call, Request& q, JsonWriter& out) {
  std::vector<std::shared_ptr<Table>> tables;
  for (Get& g : q.gets) {
    ASSIGN_OR_RETURN(g.table, TableForItems(s, call, g.table_name));
    tables.push_back(g.table);
  }
  // A key that does not fit its table cancels the transaction (observed).
  std::vector<CancellationReason> reasons(q.gets.size());
  bool cancelled = false;
  for (size_t i = 0; i < q.gets.size(); ++i) {
    if (core::Status valid = ValidateKey(q.gets[i].table->definition, *q.gets[i].key); !valid.ok()) {
      reasons[i] = {"ValidationError", valid.message(), ""};
      cancelled = true;
    }
  }
  if (cancelled) return TransactionCanceled(reasons);
  std::vector<ItemRef> refs;
  for (Get& g : q.gets) {
    g.item_key = KeyOf(g.table->definition, *g.key);
    refs.push_back({g.table.get(), &g.item_key});
  }
  RETURN_IF_ERROR(CheckOneActionPerItem(refs));
  RETURN_IF_ERROR(OpenTables(s, call, tables));
  const std::vector<Table*> order = LockOrder(tables);

  std::vector<std::shared_lock<std::shared_mutex>> locks;
  for (Table* t : order) locks.emplace_back(t->mu);
  RETURN_IF_ERROR(CheckNoneDeleted(order));
  CapacityTally capacity;
  out.StartObject();
  out.Key("Responses");
  out.StartArray();
  for (const Get& g : q.gets) {
    const std::string* stored = FindItem(*g.table, g.item_key);
    capacity.AddRead(g.table_name, StoredSize(stored));
    out.StartObject();
    if (stored) {
      out.Key("Item");
      WriteItem(out, *stored, g.projection);
    }
    out.EndObject();
  }
  out.EndArray();
  capacity.Write(out, q.capacity);
  out.EndObject();
  return core::Status();
}

}  // namespace kmslab::ddb::ops
