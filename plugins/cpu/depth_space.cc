// Kernels of depth_to_space and space_to_depth (ops/tensor/depth_space.cc):
// a transpose of 6-D views of the compact input and output.
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

// The 6-D view of the input and the permutation (output axis k is input
// axis perm[k]) of each op.
template <bool kDepthToSpace>
int DepthSpace(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t b = Param(call, "block_size").i;
  const int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  int64_t d2s[6] = {n, b, b, c / (b * b), h, w}, s2d[6] = {n, c, h / b, b, w / b, b};
  int64_t* in_shape = kDepthToSpace ? d2s : s2d;
  const std::vector<int> perm =
      kDepthToSpace ? std::vector<int>{0, 3, 4, 1, 5, 2} : std::vector<int>{0, 3, 5, 1, 2, 4};
  int64_t out_shape[6];
  for (int k = 0; k < 6; ++k) out_shape[k] = in_shape[perm[k]];
  DLTensor src = in, dst = out;  // the same compact memory, seen in 6-D
  src.ndim = dst.ndim = 6;
  src.shape = in_shape;
  dst.shape = out_shape;
  TransposeCopy(src, dst, perm);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(depth_space) {
  if (int rc = RegisterKernel("depth_to_space", DepthSpace<true>, nullptr, kAll)) return rc;
  return RegisterKernel("space_to_depth", DepthSpace<false>, nullptr, kAll);
}

}  // namespace mx_cpu
