// diag kernel: builds a diagonal matrix from a 1-D input, or gathers a
// diagonal of an N-D input (output axes: the others, then the diagonal).
#include <algorithm>
#include <cstring>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

int Diag(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t k = Param(call, "k").i;
  const int64_t row0 = std::max<int64_t>(0, -k), col0 = std::max<int64_t>(0, k);
  const size_t elem = ElementSize(in);
  if (in.ndim == 1) {
    const int64_t n = out.shape[1];
    char* dst = static_cast<char*>(out.data);
    if (NumElements(out)) std::memset(dst, 0, static_cast<size_t>(NumElements(out)) * elem);
    for (int64_t i = 0; i < in.shape[0]; ++i)
      std::memcpy(dst + ((i + row0) * n + i + col0) * elem, static_cast<const char*>(in.data) + i * elem, elem);
    return 0;
  }
  const int a1 = AxisIndex(Param(call, "axis1").i, in.ndim), a2 = AxisIndex(Param(call, "axis2").i, in.ndim);
  const std::vector<int64_t> strides = RowMajorStrides(in);
  AxisOffsets offsets;
  for (int d = 0; d < in.ndim; ++d)
    if (d != a1 && d != a2) offsets.push_back(StridedOffsets(in.shape[d], strides[d]));
  std::vector<int64_t> diagonal(out.shape[out.ndim - 1]);
  for (int64_t j = 0; j < static_cast<int64_t>(diagonal.size()); ++j)
    diagonal[j] = (j + row0) * strides[a1] + (j + col0) * strides[a2];
  offsets.push_back(diagonal);
  GatherCopy(in.data, out.data, elem, offsets);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(diag) { return RegisterKernel("diag", Diag, nullptr, kAll); }

}  // namespace mx_cpu
