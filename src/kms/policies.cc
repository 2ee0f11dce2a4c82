#include "kms/policies.h"

namespace kmslab::kms {

std::string DefaultKeyPolicy(const std::string& account) {
  return R"({
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::)" +
         account + R"(:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
})";
}

}  // namespace kmslab::kms
