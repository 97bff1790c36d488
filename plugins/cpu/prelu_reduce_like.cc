// Kernel of _prelu_reduce_like: data summed down to a prelu gamma's shape
// (ops/elemwise/prelu_gamma.h), accumulated in double -- the cases of
// LeakyReLU's prelu kernel, in the same order.
#include <vector>

#include "elemwise_math.h"

namespace mx_cpu {

namespace {

int PReLUReduceLikeKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_prelu_reduce_like does not support req=add");
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(data), slopes = NumElements(out);
  bool ok = false;
  DispatchDType(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
      const T* x = Data<T>(data);
      T* y = Data<T>(out);
      if (slopes == n && slopes != 1) {  // one slope per element
        std::copy(x, x + n, y);
      } else {
        // One slope per channel (axis 1): rows of `inner` elements share one; a
        // single slope is the case of one channel.
        int64_t inner = 1;
        for (int d = 2; d < data.ndim; ++d) inner *= data.shape[d];
        if (slopes == 1) inner = n;
        std::vector<double> acc(static_cast<size_t>(slopes), 0.0);
        for (int64_t row = 0; inner > 0 && row < n / inner; ++row) {
          double sum = 0;
          for (int64_t j = 0; j < inner; ++j) sum += static_cast<double>(x[row * inner + j]);
          acc[row % slopes] += sum;
        }
        for (int64_t c = 0; c < slopes; ++c) y[c] = static_cast<T>(acc[c]);
      }
      ok = true;
    }
  });
  return ok ? 0 : Fail("_prelu_reduce_like: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(prelu_reduce_like) {
  return RegisterKernel("_prelu_reduce_like", PReLUReduceLikeKernel, nullptr, {kF32, kF64, kF16});
}

}  // namespace mx_cpu
