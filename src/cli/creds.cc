#include "cli/creds.h"

#include <iostream>

#include "cli/flags.h"
#include "iam/directory.h"

namespace kmslab::cli {

int Creds(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"fixtures"});
  if (!flags.ok() || flags->positional.size() != 1) {
    std::cerr << "usage: kmslab creds NAME [--fixtures DIR]   (NAME: admin, role/db-team, root@111122223333, ...)\n";
    return 2;
  }
  auto directory = iam::Directory::Load(flags->Get("fixtures", kDefaultFixturesDir));
  if (!directory.ok()) {
    std::cerr << "kmslab creds: " << directory.status().message() << "\n";
    return 1;
  }
  const std::string& name = flags->positional[0];
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
