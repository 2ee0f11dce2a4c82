// The ciphertext blob (crypto/ciphertext_blob.cc): header parsing and
// opening of arbitrary bytes, and for every header that parses a seal/open
// round trip that must give the plaintext back. Input: line 1 the encryption
// context "name=value&...", the rest the blob.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/secret_bytes.h"
#include "core/strings.h"
#include "crypto/ciphertext_blob.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kmslab;
  fuzz::FuzzInput input(data, size);
  crypto::EncryptionContext context;
  const std::string_view context_line = input.Line();
  if (!context_line.empty()) {
    for (const std::string& pair : core::Split(context_line, '&')) {
      const size_t eq = pair.find('=');
      context[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    }
  }
  const std::string_view blob = input.Rest();
  (void)crypto::EncodeEncryptionContext(context);
  const core::SecretBytes material(std::string(32, 'k'));
  (void)crypto::OpenBlob(blob, material, context);

  auto header = crypto::ParseBlobHeader(blob);
  if (!header.ok()) return 0;
  auto sealed = crypto::SealBlob(*header, material, blob, context);
  if (!sealed.ok()) __builtin_trap();  // a header that parses must seal
  auto header_again = crypto::ParseBlobHeader(*sealed);
  if (!header_again.ok() || header_again->key_arn != header->key_arn ||
      header_again->material_version != header->material_version) {
    __builtin_trap();
  }
  auto opened = crypto::OpenBlob(*sealed, material, context);
  if (!opened.ok() || opened->Reveal() != blob) __builtin_trap();
  return 0;
}
