#include "ddb/streams.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>

#include "core/random.h"
#include "core/strings.h"
#include "crypto/aes_gcm.h"
#include "ddb/attribute_value.h"
#include "ddb/errors.h"
#include "ddb/stream_wire.h"

namespace kmslab::ddb {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";
constexpr const char* kViewTypeNames[] = {"KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"};

std::optional<StreamViewType> ParseViewType(std::string_view name) {
  for (int i = 0; i < 4; ++i)
    if (name == kViewTypeNames[i]) return static_cast<StreamViewType>(i);
  return std::nullopt;
}

// The AAD of a sealed record: its stream and place in it.
std::string RecordAad(const std::string& arn, int64_t seq) { return arn + "|" + std::to_string(seq); }

std::string EncodeStreamMeta(const Stream& st) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("label");
  w.String(st.label);
  w.Key("tableName");
  w.String(st.table_name);
  w.Key("account");
  w.String(st.account);
  w.Key("region");
  w.String(st.region);
  w.Key("shardId");
  w.String(st.shard_id);
  w.Key("viewType");
  w.Int(static_cast<int>(st.view_type));
  w.Key("disabledMs");
  w.Int64(st.disabled_ms);
  w.Key("startSeq");
  w.Int64(st.start_seq);
  w.Key("endSeq");
  w.Int64(st.end_seq);
  w.Key("trimmedThrough");
  w.Int64(st.trimmed_through);
  w.Key("tableDeleted");
  w.Bool(st.table_deleted);
  w.Key("table");
  w.String(st.table_meta);
  w.Key("tags");
  WriteTagList(w, st.tags);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

core::StatusOr<std::shared_ptr<Stream>> DecodeStream(const store::DdbStreamRow& row) {
  rapidjson::Document doc;
  doc.Parse(row.meta.data(), row.meta.size());
  const core::Status bad = core::DataLoss("stored stream metadata is malformed");
  if (doc.HasParseError() || !doc.IsObject()) return bad;
  auto str = [&](const char* name) {
    auto it = doc.FindMember(name);
    return it != doc.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
  };
  auto num = [&](const char* name) -> int64_t {
    auto it = doc.FindMember(name);
    return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
  };
  auto st = std::make_shared<Stream>();
  st->arn = row.stream_arn;
  st->table_id = row.table_id;
  st->created_ms = row.created_ms;
  st->label = str("label");
  st->table_name = str("tableName");
  st->account = str("account");
  st->region = str("region");
  st->shard_id = str("shardId");
  const int64_t view = num("viewType");
  if (view < 0 || view > 3 || st->label.empty()) return bad;
  st->view_type = static_cast<StreamViewType>(view);
  st->disabled_ms = num("disabledMs");
  st->start_seq = num("startSeq");
  st->end_seq = num("endSeq");
  st->trimmed_through = num("trimmedThrough");
  auto deleted = doc.FindMember("tableDeleted");
  st->table_deleted = deleted != doc.MemberEnd() && deleted->value.IsTrue();
  st->table_meta = str("table");
  auto tags = doc.FindMember("tags");
  st->tags = ReadTagList(tags != doc.MemberEnd() ? &tags->value : nullptr);
  return st;
}

core::Status SaveStream(Service& s, const Stream& st) {
  return s.store().PutDdbStream({st.arn, st.table_id, st.created_ms, EncodeStreamMeta(st)});
}

// The key attributes of `item`.
void WriteKeys(rapidjson::Writer<rapidjson::StringBuffer>& w, const TableDefinition& d, const rapidjson::Value& item) {
  w.StartObject();
  for (const std::string* name : {&d.hash_name, &d.range_name}) {
    if (name->empty()) continue;
    auto it = item.FindMember(name->c_str());
    if (it == item.MemberEnd()) continue;
    w.Key(name->c_str());
    it->value.Accept(w);
  }
  w.EndObject();
}

int64_t KeysSize(const TableDefinition& d, const rapidjson::Value& item) {
  int64_t size = 0;
  for (const std::string* name : {&d.hash_name, &d.range_name}) {
    if (name->empty()) continue;
    auto it = item.FindMember(name->c_str());
    if (it != item.MemberEnd()) size += static_cast<int64_t>(name->size()) + AttributeValueSizeBytes(it->value);
  }
  return size;
}

// The records of `st` from the store, opened with `data_key`, joined to those in memory.
core::Status LoadRecords(Service& s, Stream& st, const core::SecretBytes& data_key) {
  ASSIGN_OR_RETURN(std::vector<store::DdbStreamRecordRow> rows, s.store().LoadDdbStreamRecords(st.arn));
  std::vector<StreamRecord> opened;
  for (const store::DdbStreamRecordRow& row : rows) {
    auto json = crypto::AesGcmOpen(data_key, row.sealed, RecordAad(st.arn, row.seq));
    if (!json.ok()) return InternalServerError("A stored record of stream " + st.arn + " does not open.");
    opened.push_back({row.seq, row.created_ms, std::string(json->Reveal())});
  }
  std::lock_guard<std::mutex> lock(s.streams().mu);
  for (StreamRecord& r : opened)
    if (r.seq > st.trimmed_through) st.records.emplace(r.seq, std::move(r));
  st.loaded = true;
  return core::Status();
}

}  // namespace

std::string_view StreamViewTypeName(StreamViewType type) { return kViewTypeNames[static_cast<int>(type)]; }

core::StatusOr<StreamChoice> ReadStreamSpecification(const rapidjson::Value& spec, bool creating) {
  if (!spec.IsObject()) return SerializationError("Start of structure or map expected for streamSpecification");
  const rapidjson::Value* enabled = FindMember(spec, "StreamEnabled");
  const rapidjson::Value* type = FindMember(spec, "StreamViewType");
  if ((enabled && !enabled->IsBool()) || (type && !type->IsString())) {
    return SerializationError("Unexpected value type in streamSpecification");
  }
  if (!enabled) {
    return ValidationError("1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to "
                           "satisfy constraint: Member must not be null");
  }
  StreamChoice choice;
  choice.enabled = enabled->GetBool();
  if (type) {
    choice.view_type = ParseViewType(type->GetString());
    if (!choice.view_type) {
      return ValidationError("1 validation error detected: Value '" + std::string(type->GetString()) +
                             "' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must "
                             "satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]");
    }
  }
  if (choice.enabled && !type) {
    return ValidationError(kInvalid + (creating ? "Table is being created with a stream enabled, UpdateViewType is required"
                                                : "If stream is being enabled then UpdateViewType is required"));
  }
  if (!choice.enabled && type && !creating) {
    return ValidationError(kInvalid + "If stream is being disabled, then UpdateViewType must not be specified");
  }
  return choice;
}

Streams::Streams() : iterator_key(core::RandomBytes(32)) {}

core::Status Streams::Load(store::Store& store) {
  ASSIGN_OR_RETURN(std::vector<store::DdbStreamRow> rows, store.LoadDdbStreams());
  ASSIGN_OR_RETURN(int64_t max_seq, store.MaxDdbStreamSeq());
  std::lock_guard<std::mutex> lock(mu);
  by_arn.clear();
  int64_t last = max_seq;
  for (const store::DdbStreamRow& row : rows) {
    ASSIGN_OR_RETURN(std::shared_ptr<Stream> st, DecodeStream(row));
    last = std::max({last, st->end_seq, st->start_seq, st->trimmed_through});
    st->oldest_ms = row.created_ms;  // no later than its first record: TrimStreams asks the store
    by_arn[st->arn] = std::move(st);
  }
  last_seq = last;
  return core::Status();
}

void Streams::Clear() {
  std::lock_guard<std::mutex> lock(mu);
  by_arn.clear();
}

core::Status StartTableStream(Service& s, Table& t, StreamViewType view_type) {
  // A new label even when the clock has not moved since the last stream.
  int64_t ms = s.NowMillis();
  for (int i = 0; i < 100000 && StreamLabel(ms) <= t.state.stream.latest_label; ++i) ++ms;
  auto st = std::make_shared<Stream>();
  st->label = StreamLabel(ms);
  st->arn = t.arn + "/stream/" + st->label;
  st->table_id = t.table_id;
  st->table_name = t.name;
  st->account = t.account;
  st->region = t.region;
  char shard[64];
  std::snprintf(shard, sizeof(shard), "shardId-%020lld-", static_cast<long long>(ms));
  st->shard_id = shard + core::HexEncode(core::RandomBytes(4));
  st->view_type = view_type;
  st->created_ms = ms;
  st->start_seq = s.streams().last_seq.load() + 1;
  t.state.stream = {true, view_type, st->label};
  st->table_meta = EncodeTableMeta(t.definition, t.state);
  st->loaded = true;
  RETURN_IF_ERROR(SaveStream(s, *st));
  std::lock_guard<std::mutex> lock(s.streams().mu);
  s.streams().by_arn[st->arn] = st;
  return core::Status();
}

core::Status StopTableStream(Service& s, Table& t) {
  t.state.stream.enabled = false;
  Streams& streams = s.streams();
  std::lock_guard<std::mutex> lock(streams.mu);
  auto it = streams.by_arn.find(t.arn + "/stream/" + t.state.stream.latest_label);
  if (it == streams.by_arn.end() || it->second->disabled_ms) return core::Status();
  Stream& st = *it->second;
  st.disabled_ms = s.NowMillis();
  st.end_seq = std::max(streams.last_seq.load(), st.start_seq);
  st.table_meta = EncodeTableMeta(t.definition, t.state);
  return SaveStream(s, st);
}

core::Status UpdateTableStream(Service& s, const kms::CallContext& call, const std::string& name,
                               const rapidjson::Value& spec, JsonWriter& out) {
  ASSIGN_OR_RETURN(StreamChoice choice, ReadStreamSpecification(spec, false));
  std::shared_ptr<Table> table = s.FindTable(call, name);
  if (!table) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  std::unique_lock<std::shared_mutex> lock(table->mu);
  if (table->deleted) return ResourceNotFound("Requested resource not found: Table: " + name + " not found");
  if (choice.enabled) {
    if (table->state.stream.enabled) return ValidationError("Table already has an enabled stream: TableName: " + name);
    RETURN_IF_ERROR(StartTableStream(s, *table, *choice.view_type));
  } else {
    if (!table->state.replica_regions.empty()) {
      return ValidationError("One or more parameter values were invalid: Disabling Stream is not allowed for a Global "
                             "Table replica.");
    }
    if (!table->state.stream.enabled) return ValidationError("Table has no stream to disable: TableName: " + name);
    RETURN_IF_ERROR(StopTableStream(s, *table));
  }
  RETURN_IF_ERROR(s.SaveTable(*table));
  out.StartObject();
  out.Key("TableDescription");
  WriteTableDescription(out, *table, "UPDATING");
  out.EndObject();
  return core::Status();
}

void OnTableDeleted(Service& s, Table& t) {
  if (t.state.stream.enabled) (void)StopTableStream(s, t);
  Streams& streams = s.streams();
  std::lock_guard<std::mutex> lock(streams.mu);
  for (auto& [arn, st] : streams.by_arn) {
    if (st->table_id != t.table_id) continue;
    st->table_deleted = true;
    st->table_meta = EncodeTableMeta(t.definition, t.state);
    (void)SaveStream(s, *st);
  }
}

void AppendStreamRecord(Service& s, Table& t, const ItemChange& change, std::vector<store::DdbItemWrite>& rows) {
  if (!t.state.stream.enabled) return;
  const rapidjson::Document& old_doc = change.OldDocument();
  const rapidjson::Document& new_doc = change.NewDocument();
  if (old_doc.HasParseError() || new_doc.HasParseError()) return;
  const bool has_old = change.old_item && old_doc.IsObject(), has_new = change.new_item && new_doc.IsObject();
  if (!has_old && !has_new) return;
  if (has_old && has_new && old_doc == new_doc) return;  // a write that changed nothing
  const StreamViewType view = t.state.stream.view_type;
  const bool with_new = has_new && (view == StreamViewType::kNewImage || view == StreamViewType::kNewAndOldImages);
  const bool with_old = has_old && (view == StreamViewType::kOldImage || view == StreamViewType::kNewAndOldImages);
  const rapidjson::Value& key_source = has_new ? new_doc : old_doc;
  int64_t size = KeysSize(t.definition, key_source);
  if (with_new) size += ItemSizeBytes(new_doc);
  if (with_old) size += ItemSizeBytes(old_doc);

  Streams& streams = s.streams();
  const int64_t seq = ++streams.last_seq;
  const std::string arn = t.arn + "/stream/" + t.state.stream.latest_label;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("eventID");
  w.String(core::HexEncode(core::RandomBytes(16)));
  w.Key("eventName");
  w.String(!has_old ? "INSERT" : !has_new ? "REMOVE" : "MODIFY");
  w.Key("eventVersion");
  w.String("1.1");
  w.Key("eventSource");
  w.String("aws:dynamodb");
  w.Key("awsRegion");
  w.String(t.region);
  w.Key("dynamodb");
  w.StartObject();
  w.Key("ApproximateCreationDateTime");
  w.Int64(change.at_ms / 1000);
  w.Key("Keys");
  WriteKeys(w, t.definition, key_source);
  if (with_new) {
    w.Key("NewImage");
    new_doc.Accept(w);
  }
  if (with_old) {
    w.Key("OldImage");
    old_doc.Accept(w);
  }
  w.Key("SequenceNumber");
  w.String(FormatSequenceNumber(seq));
  w.Key("SizeBytes");
  w.Int64(size);
  w.Key("StreamViewType");
  w.String(StreamViewTypeName(view).data());
  w.EndObject();
  if (change.origin == WriteOrigin::kTimeToLive) {
    w.Key("userIdentity");
    w.StartObject();
    w.Key("type");
    w.String("Service");
    w.Key("principalId");
    w.String("dynamodb.amazonaws.com");
    w.EndObject();
  }
  w.EndObject();
  std::string json(buffer.GetString(), buffer.GetSize());
  auto sealed = Service::SealItem(t, RecordAad(arn, seq), json);
  if (!sealed.ok()) return;
  store::DdbItemWrite row{t.table_id, arn, std::move(sealed).value(), store::DdbItemWrite::Kind::kStreamRecord,
                          change.at_ms, seq};
  rows.push_back(std::move(row));
  std::lock_guard<std::mutex> lock(streams.mu);
  auto it = streams.by_arn.find(arn);
  if (it == streams.by_arn.end()) return;
  it->second->records.emplace(seq, StreamRecord{seq, change.at_ms, std::move(json)});
  if (!it->second->oldest_ms) it->second->oldest_ms = change.at_ms;
}

void WriteTableStream(JsonWriter& out, const Table& t) {
  const TableStream& stream = t.state.stream;
  if (stream.enabled) {
    out.Key("StreamSpecification");
    out.StartObject();
    out.Key("StreamEnabled");
    out.Bool(true);
    out.Key("StreamViewType");
    out.String(StreamViewTypeName(stream.view_type).data());
    out.EndObject();
  }
  if (!stream.latest_label.empty()) {
    out.Key("LatestStreamLabel");
    out.String(stream.latest_label);
    out.Key("LatestStreamArn");
    out.String(t.arn + "/stream/" + stream.latest_label);
  }
}

void TrimStreams(Service& s) {
  const int64_t now = s.NowMillis();
  const int64_t cutoff = now - s.options().stream_retention_seconds * 1000;
  Streams& streams = s.streams();
  std::lock_guard<std::mutex> lock(streams.mu);
  for (auto it = streams.by_arn.begin(); it != streams.by_arn.end();) {
    Stream& st = *it->second;
    if (st.disabled_ms && st.disabled_ms <= cutoff) {
      (void)s.store().DeleteDdbStream(st.arn);
      it = streams.by_arn.erase(it);
      continue;
    }
    if (st.oldest_ms && st.oldest_ms <= cutoff) {
      int64_t oldest = 0;
      auto trimmed = s.store().TrimDdbStreamRecords(st.arn, cutoff, &oldest);
      if (trimmed.ok()) {
        st.trimmed_through = std::max(st.trimmed_through, *trimmed);
        while (!st.records.empty() && st.records.begin()->second.created_ms <= cutoff) {
          st.trimmed_through = std::max(st.trimmed_through, st.records.begin()->first);
          st.records.erase(st.records.begin());
        }
        st.oldest_ms = st.records.empty() ? oldest : st.records.begin()->second.created_ms;
        if (oldest && (!st.oldest_ms || oldest < st.oldest_ms)) st.oldest_ms = oldest;
        (void)SaveStream(s, st);
      }
    }
    ++it;
  }
}

core::StatusOr<std::shared_ptr<Stream>> FindStream(Service& s, const kms::CallContext& call, const std::string& arn) {
  Streams& streams = s.streams();
  std::lock_guard<std::mutex> lock(streams.mu);
  auto it = streams.by_arn.find(arn);
  if (it == streams.by_arn.end() || it->second->account != call.caller->account || it->second->region != call.region) {
    return ResourceNotFound("Requested resource not found: Stream: " + arn + " not found");
  }
  return it->second;
}

std::shared_ptr<Stream> KeptStream(Service& s, const kms::CallContext& call, const std::string& arn,
                                   const std::string& table_id) {
  const int64_t cutoff = s.NowMillis() - s.options().stream_retention_seconds * 1000;
  Streams& streams = s.streams();
  std::lock_guard<std::mutex> lock(streams.mu);
  auto it = streams.by_arn.find(arn);
  if (it == streams.by_arn.end()) return nullptr;
  const Stream& st = *it->second;
  if (st.account != call.caller->account || st.region != call.region) return nullptr;
  if (!table_id.empty() && st.table_id != table_id) return nullptr;
  if (st.disabled_ms && st.disabled_ms <= cutoff) return nullptr;
  return it->second;
}

std::string_view StreamStatusAt(const Stream& st, int64_t now_ms, int64_t transition_ms) {
  if (st.disabled_ms) return now_ms < st.disabled_ms + transition_ms ? "DISABLING" : "DISABLED";
  return now_ms < st.created_ms + transition_ms ? "ENABLING" : "ENABLED";
}

core::Status ChangeStreamTags(Service& s, Stream& st,
                              const std::function<core::StatusOr<Tags>(const Tags&)>& change) {
  std::lock_guard<std::mutex> lock(s.streams().mu);
  auto it = s.streams().by_arn.find(st.arn);
  if (it == s.streams().by_arn.end() || it->second.get() != &st) {  // trimmed meanwhile: not saved back
    return ResourceNotFound("Requested resource not found: ResourcArn: " + st.arn + " not found");
  }
  ASSIGN_OR_RETURN(Tags changed, change(st.tags));
  Tags before = std::move(st.tags);
  st.tags = std::move(changed);
  core::Status saved = SaveStream(s, st);
  if (!saved.ok()) st.tags = std::move(before);
  return saved;
}

Tags StreamTags(Service& s, const Stream& st) {
  std::lock_guard<std::mutex> lock(s.streams().mu);
  return st.tags;
}

core::Status OpenStream(Service& s, const kms::CallContext& call, Stream& st) {
  std::string table_name, table_id, table_meta;
  bool loaded;
  {
    std::lock_guard<std::mutex> lock(s.streams().mu);
    table_name = st.table_name;
    table_id = st.table_id;
    table_meta = st.table_meta;
    loaded = st.loaded;
  }
  if (loaded && s.options().streams_readable_while_key_unusable) return core::Status();
  std::shared_ptr<Table> table = s.FindTable(call, table_name);
  if (table && table->table_id == table_id) {
    // As base-table reads: the caller's cached right to the table key, or KMS.
    RETURN_IF_ERROR(s.OpenTable(call, *table));
    if (loaded) return core::Status();
    core::SecretBytes data_key;
    {
      std::shared_lock<std::shared_mutex> lock(table->mu);
      data_key = core::SecretBytes(std::string(table->data_key.Reveal()));
    }
    return LoadRecords(s, st, data_key);
  }
  // The table is gone: the keys it had, with the same 5-minute cache per caller.
  const int64_t now = s.NowMillis();
  {
    std::lock_guard<std::mutex> lock(s.streams().mu);
    auto it = st.access_until.find(call.caller->arn);
    if (loaded && it != st.access_until.end() && it->second > now) return core::Status();
  }
  TableDefinition definition;
  TableState state;
  RETURN_IF_ERROR(DecodeTableMeta(table_meta, &definition, &state));
  ASSIGN_OR_RETURN(core::SecretBytes table_key, s.OpenTableKey(&call, table_name, st.account, st.region, state.keys));
  ASSIGN_OR_RETURN(core::SecretBytes data_key, Service::UnsealDataKey(table_key, state.keys));
  if (!loaded) RETURN_IF_ERROR(LoadRecords(s, st, data_key));
  if (!state.keys.kms_key_arn.empty()) {
    std::lock_guard<std::mutex> lock(s.streams().mu);
    st.access_until[call.caller->arn] = now + s.options().key_cache_seconds * 1000;
  }
  return core::Status();
}

}  // namespace kmslab::ddb
