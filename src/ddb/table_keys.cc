// The keys of tables: setting them up, opening them for a caller (with the
// 5-minute cache), the background key check, and key switches.
#include <mutex>

#include "core/random.h"
#include "core/strings.h"
#include "crypto/aes_gcm.h"
#include "crypto/hmac.h"
#include "ddb/attribute_value.h"
#include "ddb/errors.h"
#include "ddb/item_history.h"
#include "ddb/indexes.h"
#include "ddb/service.h"

namespace kmslab::ddb {

namespace {
constexpr std::string_view kDataKeyAad = "kmslab dynamodb data key v1";

std::string OwnedKeyAad(const std::string& account, const std::string& region, const std::string& table_name) {
  return "kmslab dynamodb owned table key v1|" + account + "|" + region + "|" + table_name;
}

}  // namespace

core::StatusOr<core::SecretBytes> Service::UnsealDataKey(const core::SecretBytes& table_key, const TableKeys& keys) {
  auto data_key = crypto::AesGcmOpen(table_key, keys.sealed_data_key, kDataKeyAad);
  if (!data_key.ok()) return InternalServerError("The table's data key does not open under its table key.");
  return data_key;
}

core::StatusOr<TableKeys> Service::NewTableKeys(const kms::CallContext& call, const std::string& table_name,
                                                const SseChoice& choice, const core::SecretBytes* data_key) const {
  TableKeys keys;
  core::SecretBytes table_key;
  if (choice.kind == SseChoice::kOwned) {
    table_key = core::SecretBytes(core::RandomBytes(crypto::kAesKeyBytes));
    ASSIGN_OR_RETURN(keys.table_key_blob, crypto::AesGcmSeal(owned_key_, table_key.Reveal(),
                                                             OwnedKeyAad(call.caller->account, call.region, table_name)));
  } else {
    const EncryptionContext context = TableContext(table_name, call.caller->account);
    ASSIGN_OR_RETURN(KmsKey key, bridge_.DescribeKey(call, choice.key_id));
    keys.kms_key_arn = key.arn;
    ASSIGN_OR_RETURN(KmsBridge::Grant grant, bridge_.CreateTableGrant(call, key.arn, context));
    keys.grant_id = std::move(grant.id);
    keys.grant_token = std::move(grant.token);
    auto generated = bridge_.GenerateTableKey(call.region, key.arn, context, keys.grant_token);
    if (!generated.ok()) {
      RetireGrant(call.region, keys);
      return generated.status();
    }
    keys.table_key_blob = std::move(generated->blob);
    table_key = std::move(generated->plaintext);
  }
  if (data_key) {
    ASSIGN_OR_RETURN(keys.sealed_data_key, crypto::AesGcmSeal(table_key, data_key->Reveal(), kDataKeyAad));
  }
  return keys;
}

core::StatusOr<core::SecretBytes> Service::OpenTableKey(const kms::CallContext* call, const std::string& table_name,
                                                        const std::string& account, const std::string& region,
                                                        const TableKeys& keys) const {
  if (keys.kms_key_arn.empty()) {
    auto key = crypto::AesGcmOpen(owned_key_, keys.table_key_blob, OwnedKeyAad(account, region, table_name));
    if (!key.ok()) return InternalServerError("The table key does not open under the AWS owned key.");
    return key;
  }
  const EncryptionContext context = TableContext(table_name, account);
  return call ? bridge_.Decrypt(*call, keys.table_key_blob, context)
              : bridge_.ServiceDecrypt(region, keys.table_key_blob, context, keys.grant_token);
}

core::Status Service::OpenTable(const kms::CallContext& call, Table& t) {
  return OpenTableAs(&call, call.caller->arn, t);
}

core::Status Service::OpenTableAs(const kms::CallContext* call, const std::string& who, Table& t) {
  const int64_t now = NowMillis();
  TableKeys keys;
  bool loaded;
  {
    std::shared_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted) return ResourceNotFound("Requested resource not found");
    keys = t.state.keys;
    loaded = t.loaded;
  }
  const bool owned = keys.kms_key_arn.empty();
  if (owned && loaded) return core::Status();
  auto cached = [&] {
    std::lock_guard<std::mutex> lock(t.cache_mu);
    auto it = t.access_until.find(who);
    return it != t.access_until.end() && it->second > now;
  };
  if (!owned && loaded && cached()) return core::Status();

  std::lock_guard<std::mutex> refresh(t.refresh_mu);
  if (!owned && loaded && cached()) return core::Status();  // another request refreshed it
  ASSIGN_OR_RETURN(core::SecretBytes table_key, OpenTableKey(call, t.name, t.account, t.region, keys));
  // DynamoDB maintains the table under its grant: a revoked grant stops access.
  if (!owned) RETURN_IF_ERROR(bridge_.ServiceDescribeKey(t.region, keys.kms_key_arn, keys.grant_token));
  ASSIGN_OR_RETURN(core::SecretBytes data_key, UnsealDataKey(table_key, keys));
  if (!loaded) RETURN_IF_ERROR(LoadItems(t, std::move(data_key)));
  if (!owned) {
    std::lock_guard<std::mutex> lock(t.cache_mu);
    t.access_until[who] = now + options_.key_cache_seconds * 1000;
  }
  return core::Status();
}

core::Status Service::LoadItems(Table& t, core::SecretBytes data_key) {
  std::unique_lock<std::shared_mutex> lock(t.mu);
  if (t.loaded) return core::Status();
  ASSIGN_OR_RETURN(std::vector<store::DdbItemRow> rows, store_->LoadDdbItems(t.table_id));
  std::map<std::string, Partition> partitions;
  int64_t count = 0, size = 0;
  for (const store::DdbItemRow& row : rows) {
    auto json = crypto::AesGcmOpen(data_key, row.sealed, row.row_id);
    if (!json.ok()) return InternalServerError("A stored item of table " + t.name + " does not open.");
    rapidjson::Document item;
    item.Parse(json->Reveal().data(), json->size());
    if (item.HasParseError() || !item.IsObject()) return InternalServerError("A stored item is malformed.");
    ItemKey key = KeyOf(t.definition, item);
    partitions[key.partition].emplace(std::move(key.sort), std::string(json->Reveal()));
    ++count;
    size += ItemSizeBytes(item);
  }
  t.partitions = std::move(partitions);
  t.item_count = count;
  t.size_bytes = size;
  t.data_key = std::move(data_key);
  t.loaded = true;
  BuildIndexEntries(t);
  return core::Status();
}

std::string Service::RowId(const Table& t, const std::string& item_key_bytes) {
  return core::HexEncode(crypto::View(crypto::HmacSha256(t.data_key.Reveal(), item_key_bytes)));
}

core::StatusOr<std::string> Service::SealItem(const Table& t, const std::string& row_id, const std::string& json) {
  return crypto::AesGcmSeal(t.data_key, json, row_id);
}

core::Status Service::SaveTable(const Table& t) {
  return store_->PutDdbTable(
      {t.table_id, t.account, t.region, t.name, t.created_ms, EncodeTableMeta(t.definition, t.state)});
}

void Service::RetireGrant(const std::string& region, const TableKeys& keys) const {
  if (!keys.kms_key_arn.empty() && !keys.grant_id.empty()) {
    (void)bridge_.RetireGrant(region, keys.kms_key_arn, keys.grant_id);
  }
}

void Service::RetireTableGrants(const Table& t) const {
  RetireGrant(t.region, t.state.keys);
  if (t.state.key_switch) RetireGrant(t.region, t.state.key_switch->target);
}

void Service::CheckTableKeys(Table& t, int64_t now) {
  TableKeys keys;
  {
    std::shared_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted || t.state.keys.kms_key_arn.empty()) return;
    keys = t.state.keys;
  }
  // As DynamoDB, under its grant: a disabled key, a key pending deletion and a
  // revoked grant all fail here.
  auto opened = OpenTableKey(nullptr, t.name, t.account, t.region, keys);
  std::unique_lock<std::shared_mutex> lock(t.mu);
  if (t.deleted) return;
  TableState& s = t.state;
  if (opened.ok()) {
    s.inaccessible_ms = 0;
    s.inaccessible_type.clear();
    s.inaccessible_message.clear();
    s.next_check_ms = now + options_.detection_seconds * 1000;
  } else {
    if (s.inaccessible_ms == 0) {
      s.inaccessible_ms = now;
      s.inaccessible_type = opened.status().aws_type();
      s.inaccessible_message = opened.status().message();
    }
    s.next_check_ms = now + options_.recovery_seconds * 1000;
  }
  (void)SaveTable(t);
}

void Service::CompleteKeySwitch(Table& t, int64_t now) {
  TableKeys old_keys;
  KeySwitch change;
  {
    std::shared_lock<std::shared_mutex> lock(t.mu);
    if (t.deleted || !t.state.key_switch) return;
    old_keys = t.state.keys;
    change = *t.state.key_switch;
  }
  // Re-wrap the data key: open it with the old table key (which must still be
  // usable) on the requester's behalf, and seal it under the new table key,
  // which DynamoDB opens under its new grant.
  auto sealed = [&]() -> core::StatusOr<std::string> {
    const kms::CallContext* requester = change.requester ? &*change.requester : nullptr;
    ASSIGN_OR_RETURN(core::SecretBytes old_table_key, OpenTableKey(requester, t.name, t.account, t.region, old_keys));
    ASSIGN_OR_RETURN(core::SecretBytes data_key, UnsealDataKey(old_table_key, old_keys));
    ASSIGN_OR_RETURN(core::SecretBytes new_table_key,
                     OpenTableKey(nullptr, t.name, t.account, t.region, change.target));
    return crypto::AesGcmSeal(new_table_key, data_key.Reveal(), kDataKeyAad);
  }();
  std::unique_lock<std::shared_mutex> lock(t.mu);
  if (t.deleted || !t.state.key_switch) return;
  if (!sealed.ok()) {
    // The old key is not usable: the switch waits (and the key check will flag the table).
    t.state.key_switch->completes_ms = now + options_.sse_update_seconds * 1000;
    (void)SaveTable(t);
    return;
  }
  change.target.sealed_data_key = std::move(sealed).value();
  t.state.keys = change.target;
  t.state.key_switch.reset();
  t.state.inaccessible_ms = 0;
  t.state.inaccessible_type.clear();
  t.state.inaccessible_message.clear();
  t.state.next_check_ms = now + options_.detection_seconds * 1000;
  (void)SaveTable(t);
  RecordKeyChange(*this, t, now);
  lock.unlock();
  {
    std::lock_guard<std::mutex> cache(t.cache_mu);
    t.access_until.clear();
  }
  RetireGrant(t.region, old_keys);
}

void Service::RunDueWork() {
  const int64_t now = NowMillis();
  if (now < next_due_ms_.load(std::memory_order_relaxed)) return;
  std::unique_lock<std::mutex> one_at_a_time(due_mu_, std::try_to_lock);
  if (!one_at_a_time.owns_lock()) return;
  // Work scheduled while this pass runs lowers the value again (ScheduleWork).
  next_due_ms_.store(INT64_MAX, std::memory_order_relaxed);
  std::vector<std::shared_ptr<Table>> tables;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (const auto& [index, table] : tables_) tables.push_back(table);
  }
  int64_t next = INT64_MAX;
  for (const auto& t : tables) {
    int64_t check_ms, switch_ms;
    bool kms_table;
    {
      std::shared_lock<std::shared_mutex> lock(t->mu);
      kms_table = !t->state.keys.kms_key_arn.empty();
      check_ms = t->state.next_check_ms;
      switch_ms = t->state.key_switch ? t->state.key_switch->completes_ms : INT64_MAX;
    }
    if (switch_ms <= now) CompleteKeySwitch(*t, now);
    if (kms_table && check_ms <= now) CheckTableKeys(*t, now);
    next = std::min(next, SweepTimeToLive(*t, now));
    next = std::min(next, AdvanceIndexes(*this, *t, now));
    next = std::min(next, LeaveIfLongInaccessible(*this, *t, now));
    std::shared_lock<std::shared_mutex> lock(t->mu);
    if (!t->state.keys.kms_key_arn.empty()) next = std::min(next, t->state.next_check_ms);
    if (t->state.key_switch) next = std::min(next, t->state.key_switch->completes_ms);
  }
  replication_.Drain(*this);
  ScheduleWork(std::min(next, replication_.NextDue()));
}

void Service::ScheduleWork(int64_t at_ms) {
  int64_t current = next_due_ms_.load(std::memory_order_relaxed);
  while (at_ms < current && !next_due_ms_.compare_exchange_weak(current, at_ms, std::memory_order_relaxed)) {
  }
}

}  // namespace kmslab::ddb
