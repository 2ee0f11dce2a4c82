#include "kms/multi_region.h"

#include <doctest/doctest.h>

#include "core/arn.h"
#include "kms/service_test_fixture.h"

namespace kmslab::kms {
namespace {

rapidjson::Document Parse(const Reply& reply) {
  rapidjson::Document doc;
  doc.Parse(reply.body.data(), reply.body.size());
  return doc;
}

// A primary in us-east-1 and its replica in eu-west-1; `f.call` is left in us-east-1.
std::string PrimaryWithReplica(Fixture& f) {
  std::string id = f.CreateKey(R"({"MultiRegion": true})");
  REQUIRE(f.Call("ReplicateKey", R"({"KeyId": ")" + id + R"(", "ReplicaRegion": "eu-west-1"})").status.ok());
  return id;
}

TEST_CASE("multi-Region key ids and the Region pattern") {
  const std::string id = NewMultiRegionKeyId();
  CHECK(id.size() == 36);
  CHECK(IsMultiRegionKeyId(id));
  CHECK(core::IsKeyId(id));
  CHECK_FALSE(IsMultiRegionKeyId("1234abcd-12ab-34cd-56ef-1234567890ab"));
  CHECK(IsRegionPattern("us-east-1"));
  CHECK(IsRegionPattern("us-gov-west-1"));
  CHECK_FALSE(IsRegionPattern("useast-1"));
  CHECK_FALSE(IsRegionPattern("us-east-"));
  CHECK_FALSE(IsRegionPattern("a-b-c-d-1"));
  CHECK_FALSE(IsRegionPattern("US-east-1"));
  CHECK_FALSE(IsRegionPattern("us--east-1"));
}

TEST_CASE("a replica shares the key id and material; ciphertext crosses Regions, rotation reaches replicas") {
  Fixture f;
  std::string id = PrimaryWithReplica(f);
  CHECK(id.starts_with("mrk-"));
  KeyPtr primary = f.keys->Find("us-east-1", id), replica = f.keys->Find("eu-west-1", id);
  REQUIRE(replica);
  CHECK(IsReplica(replica->meta));
  CHECK(replica->current().material_id == primary->current().material_id);
  CHECK(f.keys->Related(replica->meta).size() == 2);
  CHECK(f.keys->Related(replica->meta)[0]->meta.region == "us-east-1");

  Reply enc = f.Call("Encrypt", R"({"KeyId": ")" + id + R"(", "Plaintext": "aGk="})");
  REQUIRE(enc.status.ok());
  f.call.region = "eu-west-1";
  Reply dec = f.Call("Decrypt", std::string(R"({"CiphertextBlob": ")") + Parse(enc)["CiphertextBlob"].GetString() +
                                    R"("})");
  REQUIRE(dec.status.ok());
  CHECK(std::string(Parse(dec)["KeyId"].GetString()) == replica->meta.arn);
  CHECK(f.Call("RotateKeyOnDemand", R"({"KeyId": ")" + id + R"("})").status.message() ==
        replica->meta.arn + " is not a multi-region primary key.");

  f.call.region = "us-east-1";
  REQUIRE(f.Call("RotateKeyOnDemand", R"({"KeyId": ")" + id + R"("})").status.ok());
  CHECK(f.keys->Find("eu-west-1", id)->materials.size() == 2);
  CHECK(f.keys->Find("eu-west-1", id)->current().material_id == f.keys->Find("us-east-1", id)->current().material_id);
}

TEST_CASE("a replica of an EXTERNAL primary gets no material and starts in PendingImport") {
  Fixture f;
  std::string id = f.CreateKey(R"({"MultiRegion": true, "Origin": "EXTERNAL"})");
  const std::string replicate = R"({"KeyId": ")" + id + R"(", "ReplicaRegion": "eu-west-1"})";
  KeyPtr primary = f.keys->Find("us-east-1", id);
  REQUIRE(primary);
  CHECK(primary->meta.state == store::KeyState::kPendingImport);
  CHECK(f.Call("ReplicateKey", replicate).status.message() == primary->meta.arn + " is pending import.");
  // With material (its import is test_imported_keys' subject), the primary replicates.
  REQUIRE(f.keys->Update("us-east-1", id, [](store::KeyRow& m) {
                 m.state = store::KeyState::kEnabled;
                 return core::Status();
               }).ok());
  REQUIRE(f.Call("ReplicateKey", replicate).status.ok());
  KeyPtr replica = f.keys->Find("eu-west-1", id);
  REQUIRE(replica);
  CHECK(IsReplica(replica->meta));
  CHECK(replica->meta.origin == "EXTERNAL");
  CHECK(replica->meta.state == store::KeyState::kPendingImport);
  CHECK_FALSE(replica->has_material());
  // And it survives a reload without material.
  auto reloaded = KeyRegistry::Load(f.db.get(), core::SecretBytes(std::string(32, 'k')), &f.clock);
  REQUIRE(reloaded.ok());
  CHECK((*reloaded)->Find("eu-west-1", id)->meta.state == store::KeyState::kPendingImport);
}

TEST_CASE("replication errors: replica or single-Region key, a Region already holding a related key") {
  Fixture f;
  std::string id = PrimaryWithReplica(f);
  Reply again = f.Call("ReplicateKey", R"({"KeyId": ")" + id + R"(", "ReplicaRegion": "eu-west-1"})");
  CHECK(again.status.aws_type() == "AlreadyExistsException");
  CHECK(f.Call("ReplicateKey", R"({"KeyId": ")" + id + R"(", "ReplicaRegion": "us-east-1"})").status.aws_type() ==
        "AlreadyExistsException");
  std::string single = f.CreateKey();
  Reply not_primary = f.Call("ReplicateKey", R"({"KeyId": ")" + single + R"(", "ReplicaRegion": "eu-west-1"})");
  CHECK(not_primary.status.aws_type() == "UnsupportedOperationException");
  CHECK(f.Call("ReplicateKey", R"({"KeyId": ")" + id + R"(", "ReplicaRegion": "moon"})").status.aws_type() ==
        "ValidationException");
}

TEST_CASE("UpdatePrimaryRegion swaps the roles and moves the rotation setting") {
  Fixture f;
  std::string id = PrimaryWithReplica(f);
  REQUIRE(f.Call("EnableKeyRotation", R"({"KeyId": ")" + id + R"("})").status.ok());
  REQUIRE(f.Call("UpdatePrimaryRegion", R"({"KeyId": ")" + id + R"(", "PrimaryRegion": "eu-west-1"})").status.ok());
  CHECK(IsPrimary(f.keys->Find("eu-west-1", id)->meta));
  CHECK(IsReplica(f.keys->Find("us-east-1", id)->meta));
  CHECK(f.keys->Find("eu-west-1", id)->meta.rotation_enabled);
  Reply status = f.Call("GetKeyRotationStatus", R"({"KeyId": ")" + id + R"("})");
  CHECK(Parse(status)["KeyRotationEnabled"].GetBool());
  CHECK(f.Call("UpdatePrimaryRegion", R"({"KeyId": ")" + id + R"(", "PrimaryRegion": "eu-west-1"})")
            .status.aws_type() == "UnsupportedOperationException");
}

TEST_CASE("a primary waits in PendingReplicaDeletion until its last replica is deleted") {
  Fixture f;
  std::string id = PrimaryWithReplica(f);
  Reply scheduled = f.Call("ScheduleKeyDeletion", R"({"KeyId": ")" + id + R"(", "PendingWindowInDays": 7})");
  REQUIRE(scheduled.status.ok());
  CHECK(std::string(Parse(scheduled)["KeyState"].GetString()) == std::string("PendingReplicaDeletion"));
  CHECK_FALSE(Parse(scheduled).HasMember("DeletionDate"));
  CHECK(f.Call("Encrypt", R"({"KeyId": ")" + id + R"(", "Plaintext": "aGk="})").status.message() ==
        f.keys->Find("us-east-1", id)->meta.arn + " is pending replica deletion.");
  f.call.region = "eu-west-1";
  REQUIRE(f.Call("ScheduleKeyDeletion", R"({"KeyId": ")" + id + R"(", "PendingWindowInDays": 7})").status.ok());
  f.clock.AdvanceSeconds(7 * 86400 + 60);
  f.Call("ListKeys", "{}");
  CHECK_FALSE(f.keys->Find("eu-west-1", id));
  KeyPtr primary = f.keys->Find("us-east-1", id);
  REQUIRE(primary);
  CHECK(primary->meta.state == store::KeyState::kPendingDeletion);
  CHECK(primary->meta.deletion_ms > f.clock.NowMillis() + 6 * 86400 * 1000LL);
}

TEST_CASE("multi-Region keys and their roles survive a reload") {
  Fixture f;
  std::string id = PrimaryWithReplica(f);
  auto reloaded = KeyRegistry::Load(f.db.get(), core::SecretBytes(std::string(32, 'k')), &f.clock);
  REQUIRE(reloaded.ok());
  KeyPtr replica = (*reloaded)->Find("eu-west-1", id);
  REQUIRE(replica);
  CHECK(IsReplica(replica->meta));
  CHECK(replica->materials.size() == 1);
  CHECK((*reloaded)->Related(replica->meta).size() == 2);
}

}  // namespace
}  // namespace kmslab::kms
