// Kernel of _backward_relu: out = ograd * mask(output), mask 1 where the
// output is > 0, 0 where it is not, NaN where it is NaN (MXNet's relu_grad),
// vectorised per ISA and split across cores.
#include "elemwise_math.h"

namespace mx_cpu {

namespace {

template <typename T>
MX_CPU_CLONES void ReluGradLoop(const T* og, const T* y, T* out, int64_t n) {
  using C = std::conditional_t<std::is_integral_v<T>, T, typename Acc<T>::type>;
  MX_SIMD_LOOP
  for (int64_t i = 0; i < n; ++i) {
    const C v = static_cast<C>(y[i]);
    const C mask = v > C(0) ? C(1) : v != v ? v : C(0);  // v != v: NaN
    out[i] = static_cast<T>(static_cast<C>(og[i]) * mask);
  }
}

int BackwardReluKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_relu does not support req=add");
  const DLTensor &og = call->inputs[0], &y = call->inputs[1], &out = call->outputs[0];
  const int64_t n = NumElements(out);
  bool ok = false;
  DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
        ReluGradLoop(Data<T>(og) + b, Data<T>(y) + b, Data<T>(out) + b, e - b);
      });
      ok = true;
    }
  });
  return ok ? 0 : Fail("_backward_relu: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(backward_relu) { return RegisterKernel("_backward_relu", BackwardReluKernel, nullptr, kNumeric); }

}  // namespace mx_cpu
