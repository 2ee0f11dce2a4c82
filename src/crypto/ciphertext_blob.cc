#include "crypto/ciphertext_blob.h"

#include "crypto/aes_gcm.h"

namespace kmslab::crypto {

namespace {
constexpr char kMagic[] = {'K', 'L'};
constexpr uint8_t kFormatVersion = 1;

void PutU32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

uint32_t GetU32(std::string_view s) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[0])) << 24 | static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 8 | static_cast<uint8_t>(s[3]);
}

std::string EncodeHeader(const BlobHeader& header) {
  std::string out(kMagic, 2);
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(header.key_arn.size()));
  out += header.key_arn;
  PutU32(&out, header.material_version);
  return out;
}

size_t HeaderSize(std::string_view blob) { return 8 + static_cast<uint8_t>(blob[3]); }
}  // namespace

std::string EncodeEncryptionContext(const EncryptionContext& context) {
  std::string out;
  PutU32(&out, static_cast<uint32_t>(context.size()));
  for (const auto& [key, value] : context) {
    PutU32(&out, static_cast<uint32_t>(key.size()));
    out += key;
    PutU32(&out, static_cast<uint32_t>(value.size()));
    out += value;
  }
  return out;
}

core::StatusOr<BlobHeader> ParseBlobHeader(std::string_view blob) {
  if (blob.size() < 4 || blob[0] != kMagic[0] || blob[1] != kMagic[1] ||
      static_cast<uint8_t>(blob[2]) != kFormatVersion || blob[3] == 0) {
    return core::DataLoss("not a kmslab ciphertext blob");
  }
  size_t header_size = HeaderSize(blob);
  if (blob.size() < header_size + 12 + 16) return core::DataLoss("ciphertext blob truncated");
  BlobHeader header;
  header.key_arn = std::string(blob.substr(4, header_size - 8));
  header.material_version = GetU32(blob.substr(header_size - 4));
  return header;
}

core::StatusOr<std::string> SealBlob(const BlobHeader& header, const core::SecretBytes& material,
                                     std::string_view plaintext, const EncryptionContext& context) {
  if (header.key_arn.empty() || header.key_arn.size() > 255) return core::Internal("key ARN length out of range");
  std::string blob = EncodeHeader(header);
  ASSIGN_OR_RETURN(std::string sealed, AesGcmSeal(material, plaintext, blob + EncodeEncryptionContext(context)));
  return blob + sealed;
}

core::StatusOr<core::SecretBytes> OpenBlob(std::string_view blob, const core::SecretBytes& material,
                                           const EncryptionContext& context) {
  RETURN_IF_ERROR(ParseBlobHeader(blob).status());
  size_t header_size = HeaderSize(blob);
  std::string aad(blob.substr(0, header_size));
  aad += EncodeEncryptionContext(context);
  return AesGcmOpen(material, blob.substr(header_size), aad);
}

}  // namespace kmslab::crypto
