// Kernels of _backward_sum and _backward_mean: ograd, the reduced-shape
// gradient, copied over data's shape along the reduced axes (scaled by the
// number of elements each output reduced, for mean first, on the small
// ograd).  The reduced axes follow the reduction's parameters as
// ops/tensor/reduce.cc reads them.
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

// Which axes of an ndim-D input the reduction (axis, exclude) reduced.
std::vector<bool> ReducedAxes(const MXKernelCall* call, int ndim) {
  const MXAttr& axis = Param(call, "axis");
  if (axis.is_none || axis.len == 0) return std::vector<bool>(ndim, true);
  const bool exclude = Param(call, "exclude").i != 0;
  std::vector<bool> reduced(ndim, exclude);
  for (int k = 0; k < axis.len; ++k) reduced[AxisIndex(axis.ints[k], ndim)] = !exclude;
  return reduced;
}

template <bool kMean>
int BackwardReduceKernel(const MXKernelCall* call) {
  int error = 0;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &ograd = call->inputs[0], &data = call->inputs[1], &out = call->outputs[0];
  const int ndim = data.ndim;
  const std::vector<bool> reduced = ReducedAxes(call, ndim);
  // ograd read with keepdims' shape: row-major strides over the kept axes.
  AxisOffsets offsets(ndim);
  int64_t stride = 1;
  for (int k = ndim - 1; k >= 0; --k) {
    offsets[k] = reduced[k] ? std::vector<int64_t>(data.shape[k], 0) : StridedOffsets(data.shape[k], stride);
    if (!reduced[k]) stride *= data.shape[k];
  }
  const int64_t ograd_size = NumElements(ograd), out_size = NumElements(out);
  if (!kMean || ograd_size == 0) {
    GatherCopy(ograd.data, out.data, ElementSize(out), offsets);
    return 0;
  }
  const double count = static_cast<double>(out_size) / static_cast<double>(ograd_size);
  bool ok = false;
  DispatchDType(MXDType(ograd.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      const T* g = Data<T>(ograd);
      std::vector<T> scaled(static_cast<size_t>(ograd_size));
      for (int64_t i = 0; i < ograd_size; ++i) scaled[i] = static_cast<T>(static_cast<double>(g[i]) / count);
      GatherCopy(scaled.data(), out.data, ElementSize(out), offsets);
      ok = true;
    }
  });
  return ok ? 0 : Fail("_backward_mean: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(reduce_backward) {
  if (int rc = RegisterKernel("_backward_sum", BackwardReduceKernel<false>, nullptr, kNumeric)) return rc;
  return RegisterKernel("_backward_mean", BackwardReduceKernel<true>, nullptr, kNumeric);
}

}  // namespace mx_cpu
