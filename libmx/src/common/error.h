// Errors inside MX: one exception type with a kind, caught at the C boundary
// and turned into -1 + MXGetLastError/MXGetLastErrorKind.
#ifndef MX_COMMON_ERROR_H_
#define MX_COMMON_ERROR_H_

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace mx {

// Same values as MXErrorKind in c_api.h.
enum class ErrorKind : int {
  kNone = 0,
  kInternal = 1,
  kValue = 2,
  kType = 3,
  kIndex = 4,
  kNotFound = 5,
  kHandle = 6,
  kNotImplemented = 7,
  kPlugin = 8,
  kMemory = 9,
  kIO = 10,
  kCallback = 11,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

template <typename... Parts>
[[noreturn]] void Throw(ErrorKind kind, Parts&&... parts) {
  std::ostringstream os;
  (os << ... << std::forward<Parts>(parts));
  throw Error(kind, os.str());
}

}  // namespace mx

// Check a condition; on failure throw an Error of the kind with the message
// pieces streamed together.
#define MX_CHECK(cond, kind, ...) \
  do {                            \
    if (!(cond)) ::mx::Throw(::mx::ErrorKind::kind, __VA_ARGS__); \
  } while (0)

#endif  // MX_COMMON_ERROR_H_
