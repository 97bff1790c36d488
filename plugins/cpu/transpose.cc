// Kernels of transpose and SwapAxis: both are axis permutations.
#include <numeric>
#include <utility>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

int Permute(const MXKernelCall* call, const std::vector<int>& perm) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  TransposeCopy(call->inputs[0], call->outputs[0], perm);
  return 0;
}

int Transpose(const MXKernelCall* call) {
  const int ndim = call->inputs[0].ndim;
  const MXAttr& axes = Param(call, "axes");
  std::vector<int> perm(ndim);
  for (int k = 0; k < ndim; ++k) perm[k] = axes.len ? AxisIndex(axes.ints[k], ndim) : ndim - 1 - k;
  return Permute(call, perm);
}

int SwapAxis(const MXKernelCall* call) {
  const int ndim = call->inputs[0].ndim;
  std::vector<int> perm(ndim);
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[AxisIndex(Param(call, "dim1").i, ndim)], perm[AxisIndex(Param(call, "dim2").i, ndim)]);
  return Permute(call, perm);
}

}  // namespace

MX_CPU_KERNELS(transpose) {
  if (int rc = RegisterKernel("transpose", Transpose, nullptr, kAll)) return rc;
  return RegisterKernel("SwapAxis", SwapAxis, nullptr, kAll);
}

}  // namespace mx_cpu
