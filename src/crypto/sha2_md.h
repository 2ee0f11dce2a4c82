// crypto/ internal: the OpenSSL digest of a Hash.
#ifndef KMSLAB_CRYPTO_SHA2_MD_H_
#define KMSLAB_CRYPTO_SHA2_MD_H_

#include <openssl/evp.h>

#include "crypto/hmac.h"

namespace kmslab::crypto {

const EVP_MD* Sha2Md(Hash hash);

}  // namespace kmslab::crypto

#endif  // KMSLAB_CRYPTO_SHA2_MD_H_
