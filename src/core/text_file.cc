#include "core/text_file.h"

#include <sys/stat.h>

#include <fstream>

namespace kmslab::core {

StatusOr<std::string> ReadStream(std::istream& in, size_t max_bytes) {
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    if (text.size() + static_cast<size_t>(in.gcount()) > max_bytes) {
      return InvalidArgument("the input is larger than " + std::to_string(max_bytes) + " bytes");
    }
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  return text;
}

StatusOr<std::string> ReadTextFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return InvalidArgument(path + " is not a regular file");
  }
  StatusOr<std::string> text = ReadStream(in, max_bytes);
  if (!text.ok()) return InvalidArgument(path + ": " + text.status().message());
  return text;
}

}  // namespace kmslab::core
