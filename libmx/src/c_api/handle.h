// What an MXNDArrayHandle points to, and how a NULL, freed or foreign handle
// is told apart from a live one without crashing.
#ifndef MX_C_API_HANDLE_H_
#define MX_C_API_HANDLE_H_

#include <cstdint>

#include "common/error.h"
#include "mx/c_api.h"
#include "ndarray/ndarray.h"

struct MXNDArray_ {
  uint64_t magic;
  mx::NDArray array;
};

struct MXOp_ {};  // an MXOpHandle is a cast const op::OpDef*

namespace mx {

constexpr uint64_t kLiveHandle = 0x4d58'4e44'4172'7261ull;  // "MXNDArra"

// Rationale: a freed handle is not returned to the allocator at once but
// parked in a FIFO quarantine with its magic cleared, so a use after free
// (or a double free) reads valid memory and gets MX_ERROR_HANDLE instead of
// undefined behaviour.  Only the small handle is kept; the array's buffer is
// released immediately.
MXNDArrayHandle NewHandle(NDArray array);
void FreeHandle(MXNDArrayHandle handle);

inline NDArray& ArrayOf(MXNDArrayHandle h, const char* what = "array handle") {
  MX_CHECK(h != nullptr, kHandle, what, " is NULL");
  MX_CHECK(h->magic == kLiveHandle, kHandle, what, " is not a live NDArray (already freed?)");
  return h->array;
}

}  // namespace mx

#endif  // MX_C_API_HANDLE_H_
