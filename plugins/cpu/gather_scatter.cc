// Kernels of gather_nd, scatter_nd, _scatter_set_nd and gather_nd's
// gradient.  indices (M, K...) address blocks of the target: a coordinate
// into its first M axes selects the contiguous block of its remaining axes.
#include <algorithm>
#include <string>
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

// For each of the K index columns, the offset (in blocks) of the block it
// addresses in a `target`-shaped array; false (after Fail) for a coordinate
// outside [-dim, dim).
bool BlockOffsets(const DLTensor& indices, const DLTensor& target, const char* op,
                  std::vector<int64_t>* offsets, size_t* block_bytes) {
  std::vector<int64_t> idx;
  if (!LoadIndices(indices, &idx)) {
    Fail((std::string(op) + ": unsupported index dtype").c_str());
    return false;
  }
  const int m = static_cast<int>(indices.shape[0]);
  const int64_t k = m ? static_cast<int64_t>(idx.size()) / m : 0;
  int64_t block = 1;
  for (int i = m; i < target.ndim; ++i) block *= target.shape[i];
  *block_bytes = static_cast<size_t>(block) * ElementBytes(target);
  offsets->assign(static_cast<size_t>(k), 0);
  for (int j = 0; j < m; ++j) {
    const int64_t dim = target.shape[j];
    for (int64_t c = 0; c < k; ++c) {
      int64_t v = idx[j * k + c];
      if (v < -dim || v >= dim) {
        const std::string msg = std::string(op) + ": index " + std::to_string(v) +
                                " is out of bounds for axis " + std::to_string(j) + " with size " +
                                std::to_string(dim);
        Fail(msg.c_str());
        return false;
      }
      if (v < 0) v += dim;
      (*offsets)[c] = (*offsets)[c] * dim + v;
    }
  }
  return true;
}

int GatherND(const MXKernelCall* call) {
  const DLTensor& data = call->inputs[0];
  std::vector<int64_t> offsets;
  size_t block;
  if (!BlockOffsets(call->inputs[1], data, "gather_nd", &offsets, &block)) return -1;
  const char* src = static_cast<const char*>(data.data);
  char* dst = static_cast<char*>(call->outputs[0].data);
  for (size_t c = 0; c < offsets.size(); ++c) std::memcpy(dst + c * block, src + offsets[c] * block, block);
  return 0;
}

// Writes the blocks of `values` where the indices point in `out`, in order
// (the last of repeated indices wins).
int Scatter(const DLTensor& values, const DLTensor& indices, const DLTensor& out, const char* op) {
  std::vector<int64_t> offsets;
  size_t block;
  if (!BlockOffsets(indices, out, op, &offsets, &block)) return -1;
  const char* src = static_cast<const char*>(values.data);
  char* dst = static_cast<char*>(out.data);
  for (size_t c = 0; c < offsets.size(); ++c) std::memcpy(dst + offsets[c] * block, src + c * block, block);
  return 0;
}

int ScatterND(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  const size_t bytes = static_cast<size_t>(NumElements(out)) * ElementBytes(out);
  if (bytes) std::memset(out.data, 0, bytes);
  return Scatter(call->inputs[0], call->inputs[1], out, "scatter_nd");
}

int ScatterSetND(const MXKernelCall* call) {
  CopyUnlessInplace(call, call->inputs[0], call->outputs[0]);
  return Scatter(call->inputs[1], call->inputs[2], call->outputs[0], "_scatter_set_nd");
}

// _backward_gather_nd(ograd, data, indices): zeros of data's shape with
// each gathered block's ograd added where it came from.  Threads own ranges
// of positions within a block, so repeated indices never race.
int GatherNDBackward(const MXKernelCall* call) {
  const DLTensor &ograd = call->inputs[0], &grad = call->outputs[0];
  std::vector<int64_t> offsets;
  size_t block_bytes;
  if (!BlockOffsets(call->inputs[2], grad, "_backward_gather_nd", &offsets, &block_bytes)) return -1;
  const int64_t block = static_cast<int64_t>(block_bytes / ElementBytes(grad));
  const int64_t count = static_cast<int64_t>(offsets.size());
  const bool ok = DispatchDType(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(ograd);
    T* dst = Data<T>(grad);
    std::fill(dst, dst + NumElements(grad), T(0));
    ParallelFor(block, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, count)), [&](int64_t begin, int64_t end) {
      for (int64_t c = 0; c < count; ++c) {
        T* to = dst + offsets[c] * block;
        const T* from = src + c * block;
        for (int64_t j = begin; j < end; ++j) to[j] = static_cast<T>(to[j] + from[j]);
      }
    });
  });
  return ok ? 0 : Fail("_backward_gather_nd: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(gather_scatter) {
  if (int rc = RegisterKernel("_backward_gather_nd", GatherNDBackward, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("gather_nd", GatherND, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("scatter_nd", ScatterND, nullptr, kAll)) return rc;
  return RegisterKernel("_scatter_set_nd", ScatterSetND, nullptr, kAll);
}

}  // namespace mx_cpu
