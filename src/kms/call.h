// Who makes a KMS call and from where: the inputs every stage of the pipeline
// reads. Built by http/ (or by a service shim forwarding a call) per request.
#ifndef KMSLAB_KMS_CALL_H_
#define KMSLAB_KMS_CALL_H_

#include <string>

namespace kmslab::kms {

struct Caller {
  std::string arn;            // arn:aws:iam::111122223333:root, a user ARN, a session ARN
  std::string account;        // 12 digits
  std::string type;           // Root | IAMUser | AssumedRole | AWSService
  std::string access_key_id;  // as sent; never the secret
};

struct CallContext {
  Caller caller;
  std::string region;       // from the SigV4 credential scope, else the server default
  std::string request_id;   // x-amzn-RequestId, a UUID
  std::string source_ip;
  std::string user_agent;
  std::string via_service;  // kms:ViaService when a service forwards the call; empty when direct
};

}  // namespace kmslab::kms

#endif  // KMSLAB_KMS_CALL_H_
