// What the optimizer update kernels share (optimizer_update.cc,
// adamw_update.cc, multi_lamb.cc): parameters read as MXNet stores them,
// gradient clipping, and one parallel pass over a weight's elements.
#ifndef MX_PLUGINS_CPU_OPTIMIZER_KERNEL_H_
#define MX_PLUGINS_CPU_OPTIMIZER_KERNEL_H_

#include "float_dispatch.h"

namespace mx_cpu {
namespace optimizer {

constexpr int64_t kGrain = 1 << 15;

// A float parameter as MXNet stores it.
inline float Param(const MXKernelCall* call, const char* name) {
  return static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, name)->f);
}

// value clipped to [-bound, bound]; bound < 0: no clipping (MXNet's clip_gradient).
template <typename A>
A Clip(A value, float bound) {
  if (bound < 0) return value;
  return value > A(bound) ? A(bound) : value < A(-bound) ? A(-bound) : value;
}

template <typename A>
A Sign(A x) {
  return A((x > 0) - (x < 0));
}

// req null still updates the states, as MXNet's kernels do.
template <typename T, typename A>
void Store(T* out, A value, int32_t req) {
  if (req != MX_REQ_NULL) *out = static_cast<T>(value);
}

template <typename T>
T* Tensor(const MXKernelCall* call, int k) {
  return Data<T>(call->inputs[k]);
}

// Runs step(i) for every element of the weight at input `weight` (output
// `output` is its new value), with T the weight's C++ type, across the
// CPU's cores.  Make(T{}) returns the step for T.
template <typename Make>
int ForEachElement(const MXKernelCall* call, const char* dtype_error, Make&& make, int weight = 0, int output = 0) {
  if (call->req[output] == MX_REQ_ADD) return Fail("optimizer updates do not support req=add");
  const int64_t n = NumElements(call->inputs[weight]);
  const bool ok = DispatchFloat(MXDType(call->inputs[weight].dtype), [&](auto zero) {
    auto step = make(zero);
    ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) step(i);
    });
  });
  return ok ? 0 : Fail(dtype_error);
}

}  // namespace optimizer
}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_OPTIMIZER_KERNEL_H_
