#include "cli/stack.h"

#include <sys/stat.h>

#include <filesystem>

#include "cli/trail.h"
#include "crypto/hmac.h"
#include "store/root_key.h"

namespace kmslab::cli {

core::StatusOr<std::unique_ptr<Stack>> Stack::Open(const StackOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) return core::Status(core::Code::kUnavailable, "cannot create " + o.data_dir + ": " + ec.message());
  ::chmod(o.data_dir.c_str(), 0700);

  std::unique_ptr<Stack> s(new Stack());
  s->options_ = o;
  ASSIGN_OR_RETURN(s->directory, iam::Directory::Load(o.fixtures_dir));
  ASSIGN_OR_RETURN(core::SecretBytes root_key, store::LoadOrCreateRootKey(o.data_dir));
  // The trail first: it takes over the events older state databases kept.
  ASSIGN_OR_RETURN(s->trail_db, store::TrailStore::Open(o.data_dir + "/trail.db", o.data_dir + "/kmslab.db"));
  ASSIGN_OR_RETURN(s->db, store::Store::Open(o.data_dir + "/kmslab.db"));
  // Tables under the AWS owned key seal their table keys under a key derived from the root key.
  core::SecretBytes owned_key = crypto::DeriveKey(root_key, "kmslab dynamodb AWS owned key v1");
  ASSIGN_OR_RETURN(s->keys, kms::KeyRegistry::Load(s->db.get(), std::move(root_key), &s->clock));
  s->denials = std::make_unique<kms::DenialLog>(o.data_dir + "/denials.jsonl");
  s->authorizer = std::make_unique<kms::PolicyAuthorizer>(&s->clock, s->keys.get(), s->denials.get(),
                                                          o.grant_delay_seconds * 1000);
  s->trail = std::make_unique<audit::Trail>(s->trail_db.get(), o.data_dir + "/trail.jsonl", o.trail_retention,
                                            &s->wall_clock);
  s->trail_sink = std::make_unique<kms::TrailSink>(s->trail.get(), &s->clock);
  s->kms_service =
      std::make_unique<kms::Service>(s->keys.get(), &s->clock, s->authorizer.get(), s->trail_sink.get(), o.kms);
  s->ddb_service = std::make_unique<ddb::Service>(s->db.get(), s->kms_service.get(), &s->clock,
                                                  std::move(owned_key), o.ddb);
  RETURN_IF_ERROR(s->ddb_service->Load());
  s->authenticator =
      std::make_unique<http::Authenticator>(s->directory.get(), o.auth, o.account, o.region, &s->wall_clock);
  s->sts = std::make_unique<http::StsEndpoint>(s->directory.get(), &s->wall_clock);
  Stack* self = s.get();
  http::AdminHooks hooks;
  hooks.reset = [self] { return self->Reset(); };
  hooks.trail = [self](const http::QueryParams& query) -> core::StatusOr<std::string> {
    std::map<std::string, std::string> fields(query.begin(), query.end());
    ASSIGN_OR_RETURN(store::AuditFilter filter, ParseTrailFilter(fields));
    self->trail->Flush();
    ASSIGN_OR_RETURN(std::vector<store::AuditEventRow> rows, self->trail_db->Query(filter));
    std::string body = "{\"events\":[";
    for (size_t i = 0; i < rows.size(); ++i) body += (i ? "," : "") + rows[i].event_json;
    return body + "]}";
  };
  s->admin = std::make_unique<http::AdminEndpoint>(&s->clock, o.admin_token, std::move(hooks));
  s->router = std::make_unique<http::Router>(s->kms_service.get(), s->authenticator.get(), s->sts.get(),
                                             o.modelled_http_status, s->ddb_service.get(), s->admin.get());
  return s;
}

core::Status Stack::Reset() {
  ASSIGN_OR_RETURN(std::unique_ptr<iam::Directory> fresh, iam::Directory::Load(options_.fixtures_dir));
  RETURN_IF_ERROR(trail->Clear());
  RETURN_IF_ERROR(db->ResetAll());
  keys->Reset();
  ddb_service->Reset();
  directory->ReplaceWith(std::move(*fresh));
  return core::Status();
}

}  // namespace kmslab::cli
