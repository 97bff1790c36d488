#include "common/file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace mx {

std::string ReadFile(const char* fname) {
  std::ifstream in(fname, std::ios::binary);
  MX_CHECK(in, kIO, "cannot open '", fname, "' for reading: ", std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  MX_CHECK(!in.bad(), kIO, "error reading '", fname, "'");
  return bytes;
}

void WriteFile(const char* fname, const std::string& bytes) {
  std::ofstream out(fname, std::ios::binary | std::ios::trunc);
  MX_CHECK(out, kIO, "cannot open '", fname, "' for writing: ", std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  MX_CHECK(!out.fail(), kIO, "error writing '", fname, "'");
}

}  // namespace mx
