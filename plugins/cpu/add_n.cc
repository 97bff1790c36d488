// Kernel of add_n: out = args[0] + ... + args[n-1], accumulated in the
// arrays' dtype as MXNet does (float16 per step in float32).
#include "elemwise_math.h"

namespace mx_cpu {

namespace {

template <typename T>
MX_CPU_CLONES void AddInto(T* out, const T* a, const T* b, int64_t n) {
  MX_SIMD_LOOP
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(a[i] + b[i]);
}

int AddNKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("add_n does not support req=add");
  const DLTensor& to = call->outputs[0];
  const int64_t n = NumElements(to);
  if (n == 0) return 0;
  const int count = call->num_inputs;
  const bool ok = DispatchDType(MXDType(to.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* out = Data<T>(to);
    ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
      const T* first = Data<T>(call->inputs[0]) + b;
      if (count == 1) {
        if (out + b != first) std::copy(first, first + (e - b), out + b);
        return;
      }
      AddInto(out + b, first, Data<T>(call->inputs[1]) + b, e - b);
      for (int k = 2; k < count; ++k) AddInto(out + b, out + b, Data<T>(call->inputs[k]) + b, e - b);
    });
  });
  return ok ? 0 : Fail("add_n: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(add_n) { return RegisterKernel("add_n", AddNKernel, nullptr, kNumeric); }

}  // namespace mx_cpu
