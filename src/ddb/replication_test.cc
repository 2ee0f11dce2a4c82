#include "ddb/replication.h"

#include <doctest/doctest.h>

#include <cstdint>

#include "crypto/aes_gcm.h"
#include "ddb/errors.h"
#include "ddb/item_changes.h"

namespace kmslab::ddb {
namespace {

TEST_CASE("last writer wins: the later time, then the greater Region name") {
  CHECK(OlderThan({1000, "us-west-2"}, {1001, "us-east-1"}));
  CHECK_FALSE(OlderThan({1001, "us-east-1"}, {1000, "us-west-2"}));
  CHECK(OlderThan({1000, "us-east-1"}, {1000, "us-west-2"}));
  CHECK_FALSE(OlderThan({1000, "us-west-2"}, {1000, "us-west-2"}));  // the same write applies again
  CHECK(OlderThan({}, {1, "us-east-1"}));  // an item never seen is older than any write
}

TEST_CASE("KMS errors of a replica Region name the Region; a disabled key is the UPDATING text") {
  const core::Status not_found = ValidationError(
      "KMS validation error: com.amazonaws.services.kms.model.NotFoundException: Invalid arn us-east-1 (Service: "
      "AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: r; Proxy: null)");
  const core::Status named = ReplicaRegionError(not_found, "us-west-2");
  CHECK(named.aws_type() == "ValidationException");
  CHECK(named.message() ==
        "KMS validation error for region us-west-2: com.amazonaws.services.kms.model.NotFoundException: Invalid arn "
        "us-east-1 (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: r; Proxy: null)");
  const core::Status denied = ReplicaRegionError(
      AccessDenied("KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: User: u"), "eu-west-1");
  CHECK(denied.aws_type() == "AccessDeniedException");
  CHECK(denied.message() ==
        "KMS key access denied error for region eu-west-1: com.amazonaws.services.kms.model.AWSKMSException: User: u");
  const core::Status disabled = ReplicaRegionError(
      ValidationError("KMS key disabled error: com.amazonaws.services.kms.model.DisabledException: k is disabled."),
      "us-west-2");
  CHECK(disabled.message() ==
        "Operation cannot be performed while replica server-side encryption status is in UPDATING state. Please "
        "retry the request after the status is updated to ENABLED.");
  // Errors that are not KMS's pass as they are.
  CHECK(ReplicaRegionError(ResourceNotFound("x"), "us-west-2").message() == "x");
}

TEST_CASE("a table's changes are queued for each replica and a local write is newer than the item's last") {
  TableDefinition d;
  d.attributes = {{"pk", "S"}};
  d.hash_name = "pk";
  d.billing_mode = "PAY_PER_REQUEST";
  Table t("id-1", "111122223333", "us-east-1", "t", 0, d);
  t.state.replica_regions = {"us-west-2", "eu-west-1"};
  t.data_key = core::SecretBytes(std::string(32, 'k'));
  Replication replication;
  const std::string item = "{\"pk\":{\"S\":\"a\"}}";
  rapidjson::Document doc;
  doc.Parse(item.c_str());
  const ItemKey key = KeyOf(d, doc);
  replication.SetVersion("id-1", key.canonical, {5000, "us-west-2"});  // a replicated write from the future
  std::vector<store::DdbItemWrite> rows;
  const int64_t due =
      replication.Follow(t, ItemChange{key, nullptr, &item, WriteOrigin::kCaller, 4000}, 250, rows);
  CHECK(due == 4250);
  // One row per replica, sealed under the table's data key, due with the change.
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].kind == store::DdbItemWrite::Kind::kReplicaChange);
  CHECK(rows[0].table_id == "id-1");
  CHECK(rows[0].row_id == "us-west-2");
  CHECK(rows[1].row_id == "eu-west-1");
  CHECK(rows[0].at_ms == 4250);
  CHECK(rows[0].seq != rows[1].seq);
  CHECK(rows[0].sealed.find("\"pk\"") == std::string::npos);
  auto opened = crypto::AesGcmOpen(t.data_key, rows[1].sealed, ReplicaChangeAad(rows[1].seq));
  REQUIRE(opened.ok());
  ReplicaChange back;
  REQUIRE(DecodeReplicaChange(d, std::string(opened->Reveal()), back).ok());
  CHECK(back.key.canonical == key.canonical);
  CHECK(back.item == item);
  CHECK(back.version.at_ms == 5001);
  CHECK(back.version.region == "us-east-1");
  CHECK_FALSE(crypto::AesGcmOpen(t.data_key, rows[1].sealed, ReplicaChangeAad(rows[0].seq)).ok());
  CHECK(replication.NextDue() == 4250);
  const WriteVersion v = replication.VersionOf("id-1", key.canonical);
  CHECK(v.at_ms == 5001);
  CHECK(v.region == "us-east-1");
  replication.Reset();
  CHECK(replication.NextDue() == INT64_MAX);
  CHECK(replication.VersionOf("id-1", key.canonical).at_ms == 0);
}

TEST_CASE("a stored change names its key by the new item, or by the deleted one") {
  TableDefinition d;
  d.attributes = {{"pk", "S"}, {"sk", "N"}};
  d.hash_name = "pk";
  d.range_name = "sk";
  const std::string old_item = "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"x\"}}";
  rapidjson::Document doc;
  doc.Parse(old_item.c_str());
  ReplicaChange deleted;
  REQUIRE(DecodeReplicaChange(d, EncodeReplicaChange(std::nullopt, &old_item, {7, "eu-west-1"}), deleted).ok());
  CHECK(deleted.key.canonical == KeyOf(d, doc).canonical);
  CHECK_FALSE(deleted.item.has_value());
  CHECK(deleted.version.at_ms == 7);
  CHECK(deleted.version.region == "eu-west-1");
  // A change without its key attributes, or not JSON, does not decode.
  ReplicaChange bad;
  CHECK_FALSE(DecodeReplicaChange(d, EncodeReplicaChange(std::string("{\"pk\":{\"S\":\"a\"}}"), nullptr, {1, "r"}),
                                  bad).ok());
  CHECK_FALSE(DecodeReplicaChange(d, "{", bad).ok());
  CHECK_FALSE(DecodeReplicaChange(d, "{\"At\":1,\"Region\":\"r\"}", bad).ok());
}

}  // namespace
}  // namespace kmslab::ddb
