// What an MXNDArrayHandle points to, and how a NULL, freed or foreign handle
// is told apart from a live one without crashing.  Also the check of the
// other argument that names a runtime object: a device.
#ifndef MX_C_API_HANDLE_H_
#define MX_C_API_HANDLE_H_

#include <cstdint>
#include <utility>

#include "common/context.h"
#include "common/error.h"
#include "graph/symbol.h"
#include "mx/c_api.h"
#include "ndarray/ndarray.h"

struct MXNDArray_ {
  uint64_t magic;
  mx::NDArray array;
};

struct MXSymbol_ {
  uint64_t magic;
  mx::graph::Symbol symbol;
};

struct MXOp_ {};  // an MXOpHandle is a cast const op::OpDef*

namespace mx {

namespace op {
struct OpDef;
}

inline const op::OpDef* OpOf(MXOpHandle op) {
  MX_CHECK(op != nullptr, kHandle, "op handle is NULL");
  return reinterpret_cast<const op::OpDef*>(op);
}

constexpr uint64_t kLiveHandle = 0x4d58'4e44'4172'7261ull;  // "MXNDArra"

// Rationale: a freed handle is not returned to the allocator at once but
// parked in a FIFO quarantine with its magic cleared, so a use after free
// (or a double free) reads valid memory and gets MX_ERROR_HANDLE instead of
// undefined behaviour.  Only the small handle is kept; the array's buffer is
// released immediately.
MXNDArrayHandle NewHandle(NDArray array);
void FreeHandle(MXNDArrayHandle handle);
// Parks any freed handle (its magic already cleared) in the quarantine;
// destroy runs when it leaves.
void Park(void* handle, void (*destroy)(void*));

inline NDArray& ArrayOf(MXNDArrayHandle h, const char* what = "array handle") {
  MX_CHECK(h != nullptr, kHandle, what, " is NULL");
  MX_CHECK(h->magic == kLiveHandle, kHandle, what, " is not a live NDArray (already freed?)");
  return h->array;
}

constexpr uint64_t kLiveSymbol = 0x4d58'5379'6d62'6f6cull;  // "MXSymbol"

inline MXSymbolHandle NewSymbolHandle(graph::Symbol s) {
  return new MXSymbol_{kLiveSymbol, std::move(s)};
}

inline graph::Symbol& SymbolOf(MXSymbolHandle h, const char* what = "symbol handle") {
  MX_CHECK(h != nullptr, kHandle, what, " is NULL");
  MX_CHECK(h->magic == kLiveSymbol, kHandle, what, " is not a live Symbol (already freed?)");
  return h->symbol;
}

// The device (dev_type, dev_id) names; throws kValue for an unknown type or a
// negative id.  Rationale: Context::is_cpu() holds for any type but gpu, so an
// unchecked type 99 would silently mean the CPU.
inline Context DeviceOf(int dev_type, int dev_id) {
  MX_CHECK(dev_type == Context::kCPU || dev_type == Context::kGPU ||
               dev_type == Context::kCPUPinned || dev_type == Context::kCPUShared,
           kValue, "invalid device type ", dev_type);
  MX_CHECK(dev_id >= 0, kValue, "invalid device id ", dev_id);
  return Context{dev_type, dev_id};
}

}  // namespace mx

#endif  // MX_C_API_HANDLE_H_
