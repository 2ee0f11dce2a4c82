#include "kms/ops/key_encryption.h"

#include "crypto/asymmetric_key.h"
#include "crypto/rsa_oaep.h"
#include "kms/errors.h"
#include "kms/ops/common.h"

namespace kmslab::kms::ops {

namespace {

crypto::OaepHash OaepHashOf(const std::string& algorithm) {
  return algorithm == "RSAES_OAEP_SHA_1" ? crypto::OaepHash::kSha1 : crypto::OaepHash::kSha256;
}

size_t ModulusBytes(KeySpec spec) {
  switch (spec) {
    case KeySpec::kRsa3072: return 384;
    case KeySpec::kRsa4096: return 512;
    default: return 256;
  }
}

}  // namespace

bool IsAsymmetricEncryption(const std::string& algorithm) { return algorithm != "SYMMETRIC_DEFAULT"; }

core::StatusOr<ResolvedKey> ResolveDecryptingKey(Service& service, const CallContext& call, const std::string& blob,
                                                 const char* key_member, const std::optional<std::string>& key_id,
                                                 const std::string& algorithm) {
  if (!IsAsymmetricEncryption(algorithm)) return ResolveCiphertextKey(service, call, blob, key_id);
  if (!key_id) return ValidationError(std::string(key_member) + " must not be null");
  return ResolveKey(service.keys(), *key_id, KeyIdForms::kKeyOrAlias, call);
}

core::Status CheckEncryptionUse(const Key& key, const std::string& algorithm, const StringMap& context,
                                const char* operation) {
  RETURN_IF_ERROR(CheckKeyUsage(key, KeyUsage::kEncryptDecrypt, operation));
  if (!AlgorithmsOf(key.spec, key.usage).Contains(algorithm)) {
    return IncompatibleAlgorithmError(algorithm, Name(key.spec));
  }
  if (key.spec != KeySpec::kSymmetricDefault && !context.empty()) {
    return ValidationError("EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.");
  }
  return core::Status();
}

core::StatusOr<std::string> EncryptUnderKey(const Key& key, const std::string& algorithm,
                                            std::string_view plaintext, const StringMap& context) {
  if (key.spec == KeySpec::kSymmetricDefault) return SealUnderKey(key, plaintext, context);
  const crypto::OaepHash hash = OaepHashOf(algorithm);
  const size_t limit = crypto::OaepMaxPlaintext(ModulusBytes(key.spec), hash);
  if (plaintext.size() > limit) {
    return ValidationError("Algorithm " + algorithm + " and key spec " + std::string(Name(key.spec)) +
                           " cannot encrypt data larger than " + std::to_string(limit) + " bytes.");
  }
  ASSIGN_OR_RETURN(const crypto::PrivateKey* private_key, key.current_private_key());
  return crypto::RsaOaepEncrypt(*private_key, hash, plaintext);
}

core::StatusOr<core::SecretBytes> DecryptUnderKey(const Key& key, const std::string& algorithm,
                                                  const std::string& blob, const StringMap& context) {
  if (key.spec == KeySpec::kSymmetricDefault) return OpenUnderKey(key, blob, context);
  ASSIGN_OR_RETURN(const crypto::PrivateKey* private_key, key.current_private_key());
  auto plaintext = crypto::RsaOaepDecrypt(*private_key, OaepHashOf(algorithm), blob);
  if (plaintext.status().code() == core::Code::kInvalidArgument) return InvalidCiphertextError();
  return plaintext;
}

}  // namespace kmslab::kms::ops
