// The C boundary: every exported function body runs inside MX_API_BEGIN /
// MX_API_END, which turn any exception into -1 plus a thread-local message
// and kind.  Also the thread-scratch buffers that out-pointers borrow.
#ifndef MX_C_API_API_GUARD_H_
#define MX_C_API_API_GUARD_H_

#include <new>
#include <string>
#include <vector>

#include "common/error.h"
#include "mx/c_api.h"

namespace mx {

int SetLastError(ErrorKind kind, const char* message);  // returns -1

// Loads the built-in plugins once; cheap afterwards.
void EnsureRuntime();

// Per-thread storage behind "thread-scratch" out-pointers.
struct ThreadScratch {
  std::vector<const char*> strings[4];
  std::vector<std::string> owned;
  std::vector<MXNDArrayHandle> handles;
  std::string bytes;
};
ThreadScratch& Scratch();

// Points *dst at src's strings and hands them out as (*out_size, *out).
inline void ExportStrings(const std::vector<std::string>& src, std::vector<const char*>* dst,
                          uint32_t* out_size, const char*** out) {
  dst->clear();
  for (const std::string& s : src) dst->push_back(s.c_str());
  *out_size = static_cast<uint32_t>(dst->size());
  *out = dst->data();
}

}  // namespace mx

#define MX_API_BEGIN() try {
#define MX_API_END()                                                          \
  }                                                                           \
  catch (const ::mx::Error& e) {                                              \
    return ::mx::SetLastError(e.kind(), e.what());                            \
  }                                                                           \
  catch (const std::bad_alloc&) {                                             \
    return ::mx::SetLastError(::mx::ErrorKind::kMemory, "out of memory");     \
  }                                                                           \
  catch (const std::exception& e) {                                           \
    return ::mx::SetLastError(::mx::ErrorKind::kInternal, e.what());          \
  }                                                                           \
  catch (...) {                                                               \
    return ::mx::SetLastError(::mx::ErrorKind::kInternal, "unknown error");   \
  }                                                                           \
  return 0

// Check an out-pointer argument.
#define MX_CHECK_OUT(ptr) MX_CHECK((ptr) != nullptr, kValue, #ptr " is NULL")

#endif  // MX_C_API_API_GUARD_H_
