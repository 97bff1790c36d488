// Dtype dispatch for kernels of floating-point ops (MXNet's
// MSHADOW_REAL_TYPE_SWITCH): f(T{}) with T float, double or half.
#ifndef MX_PLUGINS_CPU_FLOAT_DISPATCH_H_
#define MX_PLUGINS_CPU_FLOAT_DISPATCH_H_

#include "kernel_util.h"

namespace mx_cpu {

// False for any other dtype.
template <typename F>
bool DispatchFloat(int dtype, F&& f) {
  switch (dtype) {
    case kF32: f(float{}); return true;
    case kF64: f(double{}); return true;
    case kF16: f(half{}); return true;
    default: return false;
  }
}

constexpr std::initializer_list<int32_t> kFloats = {kF32, kF64, kF16};

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_FLOAT_DISPATCH_H_
