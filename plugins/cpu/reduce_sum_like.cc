// Kernel of _reduce_sum_like: data summed over the axes where `like` has
// size 1 (or is missing), accumulated in double.  One streaming pass over
// data in row-major order; gradients of broadcasting ops come through here.
#include <vector>

#include "elemwise_math.h"

namespace mx_cpu {

namespace {

int ReduceSumLikeKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_reduce_sum_like does not support req=add");
  const DLTensor& data = call->inputs[0];
  const DLTensor& out = call->outputs[0];
  const int nd = data.ndim;
  const int lead = nd - out.ndim;
  // Output stride of each data axis (0 where the axis is summed).
  std::vector<int64_t> stride(nd, 0);
  int64_t s = 1;
  for (int i = nd - 1; i >= lead; --i) {
    const int64_t dim = out.shape[i - lead];
    stride[i] = dim == 1 && data.shape[i] != 1 ? 0 : s;
    s *= dim;
  }
  const int64_t out_size = NumElements(out), n = NumElements(data);
  std::vector<double> acc(static_cast<size_t>(out_size), 0.0);
  const int64_t inner = nd ? data.shape[nd - 1] : 1;
  const bool inner_kept = nd && stride[nd - 1] != 0;
  const bool ok = DispatchDType(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(data);
    std::vector<int64_t> index(nd, 0);
    for (int64_t row = 0; inner > 0 && row < n / inner; ++row) {
      int64_t base = 0;
      for (int i = 0; i + 1 < nd; ++i) base += index[i] * stride[i];
      const T* r = src + row * inner;
      if (inner_kept) {
        for (int64_t j = 0; j < inner; ++j) acc[base + j] += static_cast<double>(r[j]);
      } else {
        double sum = 0;
        for (int64_t j = 0; j < inner; ++j) sum += static_cast<double>(r[j]);
        acc[base] += sum;
      }
      for (int i = nd - 2; i >= 0 && ++index[i] == data.shape[i]; --i) index[i] = 0;
    }
    T* dst = Data<T>(out);
    for (int64_t i = 0; i < out_size; ++i) dst[i] = static_cast<T>(acc[i]);
  });
  return ok ? 0 : Fail("_reduce_sum_like: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(reduce_sum_like) {
  return RegisterKernel("_reduce_sum_like", ReduceSumLikeKernel, nullptr, kNumeric);
}

}  // namespace mx_cpu
