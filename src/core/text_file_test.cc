#include "core/text_file.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace kmslab::core {
namespace {

TEST_CASE("a regular file is read whole; a device, a FIFO or a missing file is refused") {
  char path[] = "/tmp/kmslab-text-file-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(path) << "{\"a\":1}";
  StatusOr<std::string> text = ReadTextFile(path);
  REQUIRE(text.ok());
  CHECK(*text == "{\"a\":1}");
  CHECK(ReadTextFile(path, 3).status().message().find("larger than 3 bytes") != std::string::npos);
  ::unlink(path);
  CHECK(ReadTextFile(path).status().code() == Code::kNotFound);
  StatusOr<std::string> zero = ReadTextFile("/dev/zero");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.status().message() == "/dev/zero is not a regular file");
}

TEST_CASE("a stream is read to its end, within the bound") {
  std::istringstream small("hello");
  CHECK(ReadStream(small).value() == "hello");
  std::istringstream big(std::string(200000, 'x'));
  CHECK_FALSE(ReadStream(big, 100000).ok());
}

}  // namespace
}  // namespace kmslab::core
