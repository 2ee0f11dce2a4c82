// Pieces shared by the operation files in ops/: enum value sets, key
// resolution into the plan, paging, tags and the symmetric crypto steps.
#ifndef KMSLAB_KMS_OPS_COMMON_H_
#define KMSLAB_KMS_OPS_COMMON_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "crypto/ciphertext_blob.h"
#include "kms/key_resolver.h"
#include "kms/operations.h"
#include "kms/pipeline.h"

namespace kmslab::kms::ops {

inline const std::vector<const char*> kEncryptionAlgorithms = {"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1",
                                                               "RSAES_OAEP_SHA_256", "SM2PKE"};
inline constexpr StrRule kKeyIdRule{.required = true, .min = 1, .max = 2048};
inline constexpr ListRule kGrantTokensRule{.max_items = 10, .item_min = 1, .item_max = 8192};
inline constexpr StrRule kMarkerRule{.min = 1, .max = 1024};
inline constexpr int64_t kDayMillis = 24LL * 3600 * 1000;

// Resolves `key_id` and adds the check `action` on that key to the plan, in `role`.
core::StatusOr<KeyPtr> PlanKey(Service& service, const CallContext& call, const std::string& key_id,
                               KeyIdForms forms, const char* action, KeyUse use, Plan& plan,
                               CheckRole role = CheckRole::kKey);
// A cryptographic operation's key (id, ARN, alias or alias ARN): records the
// grant tokens and DryRun, then adds the check `action` (key-state rule
// kCryptographic) on the key.
core::Status PlanCryptoKey(Service& service, const CallContext& call, const std::string& key_id, const char* action,
                           const std::vector<std::string>& grant_tokens, bool dry_run, Plan& plan);

// The request of operations that take only KeyId and GrantTokens.
struct KeyIdRequest {
  std::vector<std::string> grant_tokens;
  std::string key_id;
  static void Read(RequestReader& r, KeyIdRequest& q);
};

// Applies `change` to the plan's first key and persists it, after checking
// the key-state rule of that check again.
core::StatusOr<KeyPtr> UpdatePlannedKey(Service& service, const Plan& plan,
                                        const std::function<core::Status(store::KeyRow&)>& change);
// Parses a key policy for CreateKey / PutKeyPolicy; a bad document is a
// MalformedPolicyDocumentException naming every problem.
core::StatusOr<std::shared_ptr<const policy::Policy>> ParseKeyPolicyDocument(const std::string& text);
// The policy lockout safety check for a new key `meta` whose policy is
// `policy` (as sent; unset = the default policy, which passes): unless
// `bypass`, a policy that would not let the caller update it is a
// MalformedPolicyDocumentException.
core::Status CheckPolicyLockout(Service& service, const CallContext& call, const store::KeyRow& meta,
                                const std::optional<std::string>& policy, bool bypass);
// Sets the encryption-context condition keys, kms:EncryptionAlgorithm and the
// context grant constraints are checked against.
void AddCryptoContext(AuthzCheck& check, const StringMap& context, const std::string& algorithm);
// Sets aws:RequestTag/<key> and aws:TagKeys.
void AddTagContext(AuthzCheck& check, const std::vector<Tag>& tags);
// Adds an IAM-only check (no key policy; resource "*" or an alias ARN) in
// `role` and returns it.
AuthzCheck& PlanIamOnly(const char* action, std::string resource, Plan& plan, CheckRole role = CheckRole::kIamOnly);

// A page of `ids` (in listing order) starting at `marker` (one of the ids).
struct Page {
  size_t begin = 0;
  size_t end = 0;
  bool truncated = false;
  std::string next_marker;
};
core::StatusOr<Page> Paginate(const std::vector<std::string>& ids, const std::optional<std::string>& marker,
                              size_t limit);
void WritePageEnd(JsonOut& out, const Page& page);

// AWS's tag rules: no aws: prefix, no duplicate keys, at most 50 per key.
core::Status CheckTags(const std::vector<Tag>& tags, size_t existing_after_merge);

// InvalidKeyUsageException naming `operation` unless the key's usage is `usage`.
core::Status CheckKeyUsage(const Key& key, KeyUsage usage, const char* operation);
// Encryption algorithm checks for a symmetric key: the usage, then the
// algorithm against the spec (an RSA key with SYMMETRIC_DEFAULT fails here).
core::Status CheckSymmetricUse(const Key& key, const std::string& algorithm, const char* operation);
// Refuses what only symmetric encryption keys do (rotation): an
// UnsupportedOperationException with AWS's empty message.
core::Status CheckRotatable(const Key& key);

// Encrypts under the key's current material.
core::StatusOr<std::string> SealUnderKey(const Key& key, std::string_view plaintext,
                                         const crypto::EncryptionContext& context);

// The key a ciphertext names, checked against an optional KeyId the caller
// gave (IncorrectKeyException when they differ).
core::StatusOr<ResolvedKey> ResolveCiphertextKey(Service& service, const CallContext& call, const std::string& blob,
                                                 const std::optional<std::string>& key_id);
// Decrypts; InvalidCiphertextException for any mismatch.
core::StatusOr<core::SecretBytes> OpenUnderKey(const Key& key, const std::string& blob,
                                               const crypto::EncryptionContext& context);
// The material version a ciphertext names (valid after ResolveCiphertextKey).
const KeyMaterial& CiphertextMaterial(const Key& key, const std::string& blob);

}  // namespace kmslab::kms::ops

#endif  // KMSLAB_KMS_OPS_COMMON_H_
