// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the one zlib's crc32
// computes), used for DynamoDB's x-amz-crc32 response header.
#ifndef KMSLAB_CORE_CRC32_H_
#define KMSLAB_CORE_CRC32_H_

#include <cstdint>
#include <string_view>

namespace kmslab::core {

// The CRC-32 of `bytes`; Crc32("123456789") == 0xCBF43926.
uint32_t Crc32(std::string_view bytes);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_CRC32_H_
