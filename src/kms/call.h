// Who makes a KMS call and from where: the inputs every stage of the pipeline
// reads. Built by http/ (or by a service shim forwarding a call) per request.
#ifndef KMSLAB_KMS_CALL_H_
#define KMSLAB_KMS_CALL_H_

#include <string>

#include "iam/identity.h"

namespace kmslab::kms {

struct CallContext {
  iam::IdentityPtr caller;     // never null
  std::string access_key_id;   // as sent; never the secret
  std::string region;          // from the SigV4 credential scope, else the server default
  std::string request_id;      // x-amzn-RequestId, a UUID
  std::string source_ip;
  std::string user_agent;
  std::string via_service;     // kms:ViaService when a service forwards the call; empty when direct
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_CALL_H_
