#include "cli/creds.h"

#include <iostream>

#include "iam/directory.h"

namespace kmslab::cli {

int Creds(const CredsOptions& options) {
  auto directory = iam::Directory::Load(options.fixtures_dir);
  if (!directory.ok()) {
    std::cerr << "kmslab creds: " << directory.status().message() << "\n";
    return 1;
  }
  const std::string& name = options.name;
  auto key = (*directory)->LongTermKeyOf(name);
  if (!key) {
    std::cerr << "kmslab creds: " << name
              << " has no access key in the fixtures (roles are assumed: aws sts assume-role)\n";
    return 1;
  }
  std::cout << "export AWS_ACCESS_KEY_ID=" << key->access_key_id << "\n"
            << "export AWS_SECRET_ACCESS_KEY=" << key->secret << "\n"
            << "unset AWS_SESSION_TOKEN\n"
            << "# " << key->identity->arn << "\n";
  return 0;
}

}  // namespace kmslab::cli
