// Whole-file reads and writes for the file formats (.params, -symbol.json);
// failures throw kIO naming the file and the system's reason.
#ifndef MX_COMMON_FILE_IO_H_
#define MX_COMMON_FILE_IO_H_

#include <string>

namespace mx {

std::string ReadFile(const char* fname);
void WriteFile(const char* fname, const std::string& bytes);

}  // namespace mx

#endif  // MX_COMMON_FILE_IO_H_
