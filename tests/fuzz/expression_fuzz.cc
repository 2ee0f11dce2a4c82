// Every DynamoDB expression grammar (ddb/expressions.cc): condition and
// filter expressions (parsed, then evaluated against an item and against no
// item), key conditions (with SortMatches), projections, update expressions
// (parsed, then applied to a copy of the item and to an empty one), and the
// ExpressionAttributeNames / Values validation of ExpressionContext. Input:
//   1: "condition", "filter", "key", "projection" or "update" (else all five)
//   2: the expression
//   rest: {"names": {...}, "values": {...}, "item": {...}}; when absent or
//   not such JSON, a fixed set of names (#a #b #n), values (:a :b :s :n :l)
//   and item.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "ddb/attribute_value.h"
#include "ddb/expressions.h"
#include "ddb/update_expression.h"
#include "fuzz_input.h"

namespace {

using namespace kmslab;

constexpr std::string_view kDefaults =
    R"({"names":{"#a":"a","#b":"b","#n":"n"},)"
    R"("values":{":a":{"S":"a"},":b":{"B":"AAE="},":s":{"SS":["x","y"]},":n":{"N":"1.5"},":l":{"L":[{"N":"1"}]}},)"
    R"("item":{"pk":{"S":"a"},"sk":{"N":"2"},"a":{"S":"abc"},"b":{"B":"AAEC"},"n":{"N":"-1E3"},)"
    R"("l":{"L":[{"S":"x"},{"M":{"c":{"BOOL":true}}}]},"m":{"M":{"d":{"NS":["1","2"]},"e":{"NULL":true}}}}})";

const rapidjson::Value* MemberOrNull(const rapidjson::Value& doc, const char* name) {
  return doc.IsObject() && doc.HasMember(name) ? &doc[name] : nullptr;
}

void Run(std::string_view kind, std::string_view text, const rapidjson::Value& doc) {
  auto context = ddb::ExpressionContext::Create(MemberOrNull(doc, "names"), MemberOrNull(doc, "values"));
  if (!context.ok()) return;
  const rapidjson::Value* item = MemberOrNull(doc, "item");
  if (item != nullptr && !item->IsObject()) item = nullptr;
  if (kind == "condition" || kind == "filter") {
    auto condition = ddb::Condition::Parse(text, *context, kind == "filter" ? "FilterExpression" : "ConditionExpression");
    if (condition.ok()) {
      (void)condition->Evaluate(item);
      (void)condition->Evaluate(nullptr);
    }
  } else if (kind == "key") {
    auto key = ddb::ParseKeyCondition(text, *context, "pk", "sk");
    if (key.ok() && item != nullptr && item->HasMember("sk")) (void)key->SortMatches((*item)["sk"]);
  } else if (kind == "update") {
    auto update = ddb::UpdateExpression::Parse(text, *context);
    if (update.ok()) {
      rapidjson::Document target;
      target.SetObject();
      (void)update->Apply(target, target.GetAllocator());
      if (item != nullptr && ddb::ValidateItem(*item).ok()) {  // Apply's precondition: a stored, valid item
        target.CopyFrom(*item, target.GetAllocator());
      }
      if (update->Apply(target, target.GetAllocator()).ok()) {
        (void)ddb::ProjectPaths(target, update->paths(), target.GetAllocator());
      }
    }
  } else {
    (void)ddb::ParseProjection(text, *context);
  }
  (void)context->CheckAllUsed();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::string_view kind = input.Line();
  const std::string_view text = input.Line();
  const std::string_view json = input.Rest();
  if (!fuzz::NestingAtMost(json, 64)) return 0;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) doc.Parse(kDefaults.data(), kDefaults.size());
  if (kind == "condition" || kind == "filter" || kind == "key" || kind == "projection" || kind == "update") {
    Run(kind, text, doc);
  } else {
    for (std::string_view k : {"condition", "filter", "key", "projection", "update"}) Run(k, text, doc);
  }
  return 0;
}
