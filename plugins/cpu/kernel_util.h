// Helpers every CPU kernel uses: dtype dispatch over DLPack tensors, float16,
// registration, and error reporting through the host.
#ifndef MX_PLUGINS_CPU_KERNEL_UTIL_H_
#define MX_PLUGINS_CPU_KERNEL_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "mx/plugin.h"

namespace mx_cpu {

using half = _Float16;

// The type arithmetic happens in: float16 computes in float.
template <typename T> struct Acc { using type = T; };
template <> struct Acc<half> { using type = float; };

// MX dtype codes (mirrors libmx's; the plugin ABI speaks DLPack).
enum { kF32 = 0, kF64 = 1, kF16 = 2, kU8 = 3, kI32 = 4, kI8 = 5, kI64 = 6, kBool = 7 };

inline int MXDType(const DLDataType& t) {
  switch (t.code) {
    case kDLFloat: return t.bits == 32 ? kF32 : t.bits == 64 ? kF64 : t.bits == 16 ? kF16 : -1;
    case kDLUInt: return t.bits == 8 ? kU8 : -1;
    case kDLInt: return t.bits == 32 ? kI32 : t.bits == 8 ? kI8 : t.bits == 64 ? kI64 : -1;
    case kDLBool: return kBool;
    default: return -1;
  }
}

inline int64_t NumElements(const DLTensor& t) {
  int64_t n = 1;
  for (int i = 0; i < t.ndim; ++i) n *= t.shape[i];
  return n;
}

template <typename T> T* Data(const DLTensor& t) { return static_cast<T*>(t.data); }

// Calls f(T{}) with T the C++ type of an MX dtype code; false if unknown.
template <typename F>
bool DispatchDType(int dtype, F&& f) {
  switch (dtype) {
    case kF32: f(float{}); return true;
    case kF64: f(double{}); return true;
    case kF16: f(half{}); return true;
    case kU8: f(uint8_t{}); return true;
    case kI32: f(int32_t{}); return true;
    case kI8: f(int8_t{}); return true;
    case kI64: f(int64_t{}); return true;
    case kBool: f(bool{}); return true;
    default: return false;
  }
}

// The host, saved at init, for set_error.
const MXPluginHost* Host();
int Fail(const char* message);  // set_error + return -1

// Register fn for op_name on the CPU for the given MX dtypes (all if empty).
int RegisterKernel(const char* op_name, MXKernelFn fn, void* data,
                   std::initializer_list<int32_t> dtypes);

// The numeric dtypes (everything but bool) and all of them.
constexpr std::initializer_list<int32_t> kNumeric = {kF32, kF64, kF16, kU8, kI32, kI8, kI64};
constexpr std::initializer_list<int32_t> kAll = {};

// Per-file registration functions, called by mx_plugin_init.
int RegisterElemwiseBinary();
int RegisterElemwiseUnary();
int RegisterInit();
int RegisterDot();

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_KERNEL_UTIL_H_
