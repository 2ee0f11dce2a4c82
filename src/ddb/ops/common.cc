#include "ddb/ops/common.h"

#include <string_view>

#include "ddb/resource_policies.h"

namespace kmslab::ddb::ops {

core::Status NullMember(const char* field) {
  return ValidationError(std::string("1 validation error detected: Value null at '") + field +
                         "' failed to satisfy constraint: Member must not be null");
}

core::StatusOr<std::optional<std::string>> OptionalString(const rapidjson::Value& request, const char* member) {
  const rapidjson::Value* v = FindMember(request, member);
  if (!v) return std::optional<std::string>();
  if (!v->IsString()) return SerializationError(std::string("Unexpected value type for ") + member);
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

core::StatusOr<std::string> RequiredString(const rapidjson::Value& request, const char* member, const char* field) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(request, member));
  if (!value) return NullMember(field);
  return *value;
}

namespace {

// The constraint a table or backup name breaks, or "" when it is valid.
std::string NameProblem(std::string_view name) {
  if (name.size() < 3) return "Member must have length greater than or equal to 3";
  if (name.size() > 255) return "Member must have length less than or equal to 255";
  for (char c : name) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
    }
  }
  return "";
}

}  // namespace

core::StatusOr<std::string> RequiredName(const rapidjson::Value& request, const char* member, const char* field) {
  ASSIGN_OR_RETURN(std::string name, RequiredString(request, member, field));
  const std::string problem = NameProblem(name);
  if (problem.empty()) return name;
  return ValidationError("1 validation error detected: Value '" + name + "' at '" + field +
                         "' failed to satisfy constraint: " + problem);
}

core::StatusOr<std::string> RequiredTableNameOrArn(const rapidjson::Value& request, const char* member,
                                                   const char* field) {
  ASSIGN_OR_RETURN(std::string value, RequiredString(request, member, field));
  if (value.compare(0, 4, "arn:") != 0) return RequiredName(request, member, field);
  if (value.size() > 1024) {
    return ValidationError("1 validation error detected: Value '" + value + "' at '" + field +
                           "' failed to satisfy constraint: Member must have length less than or equal to 1024");
  }
  return value;
}

core::StatusOr<const rapidjson::Value*> OptionalObject(const rapidjson::Value& request, const char* member) {
  const rapidjson::Value* v = FindMember(request, member);
  if (v && !v->IsObject()) return SerializationError(std::string("Start of structure or map expected for ") + member);
  return v;
}

core::StatusOr<const rapidjson::Value*> RequiredObject(const rapidjson::Value& request, const char* member,
                                                       const char* field) {
  ASSIGN_OR_RETURN(const rapidjson::Value* v, OptionalObject(request, member));
  if (!v) return NullMember(field);
  return v;
}

core::StatusOr<bool> OptionalBool(const rapidjson::Value& request, const char* member) {
  const rapidjson::Value* v = FindMember(request, member);
  if (!v) return false;
  if (!v->IsBool()) return SerializationError(std::string("Unexpected value type for ") + member);
  return v->GetBool();
}

core::Status RejectUnsupported(const rapidjson::Value& request, std::initializer_list<const char*> members,
                               const char* operation) {
  for (const char* member : members) {
    if (FindMember(request, member)) {
      return ValidationError(std::string("kmslab does not support ") + member + " in " + operation);
    }
  }
  return core::Status();
}

core::Status ReadTableRequest(const rapidjson::Value& body, TableRequest& request) {
  ASSIGN_OR_RETURN(request.table, RequiredName(body, "TableName", "tableName"));
  request.body = &body;
  return core::Status();
}

core::Status ReadItemTableRequest(const rapidjson::Value& body, TableRequest& request) {
  ASSIGN_OR_RETURN(request.table, RequiredTableNameOrArn(body, "TableName", "tableName"));
  request.body = &body;
  return core::Status();
}

TableRef ResolveTableRef(const Service& s, const kms::CallContext& call, std::string_view sent) {
  if (!sent.starts_with("arn:")) return {s.TableArn(call, std::string(sent)), std::string(sent), call.caller->account};
  TableRef ref{std::string(sent), "", ""};
  const std::optional<TableResourceArn> arn = ParseTableResourceArn(sent);
  if (arn && arn->kind == TableResourceArn::Kind::kTable && arn->region == call.region) {
    ref.name = arn->table;
    ref.account = arn->account;
  }
  return ref;
}

std::shared_ptr<Table> FindRefTable(const Service& s, const kms::CallContext& call, const TableRef& ref) {
  return ref.name.empty() ? nullptr : s.FindTableIn(ref.account, call.region, ref.name);
}

core::StatusOr<std::shared_ptr<Table>> TableForItems(Service& s, const kms::CallContext& call,
                                                     const std::string& name) {
  const TableRef ref = ResolveTableRef(s, call, name);
  std::shared_ptr<Table> table = FindRefTable(s, call, ref);
  if (!table) return ResourceNotFound("Requested resource not found");
  return table;
}

core::Status InaccessibleError(const TableState& state) {
  return core::Status(core::Code::kFailedPrecondition, state.inaccessible_message, state.inaccessible_type);
}

}  // namespace kmslab::ddb::ops
