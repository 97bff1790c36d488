// The copy engines behind the layout kernels (transpose, flip, tile,
// broadcast, repeat, pad, diag).  They move elements by their byte size, so
// one instance serves every dtype, bool included.
#ifndef MX_PLUGINS_CPU_LAYOUT_COPY_H_
#define MX_PLUGINS_CPU_LAYOUT_COPY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

// An output position whose element is the fill value, not a copy.
constexpr int64_t kFillElement = INT64_MIN;

// For each output axis k, offsets[k][i] is the source offset (in elements)
// contributed by index i along that axis, or kFillElement.  Output element
// (i0, ..., in) = src[sum_k offsets[k][i_k]], or *fill when any entry is
// kFillElement.  The output is compact row-major with dims offsets[k].size().
using AxisOffsets = std::vector<std::vector<int64_t>>;
void GatherCopy(const void* src, void* dst, size_t elem_size, const AxisOffsets& offsets,
                const void* fill = nullptr);

// Offsets that walk axis `dim` of a tensor with that stride: i * stride.
std::vector<int64_t> StridedOffsets(int64_t dim, int64_t stride);

// Compact row-major strides (in elements) of a tensor.
std::vector<int64_t> RowMajorStrides(const DLTensor& t);

// dst = src with its axes permuted: output axis k is input axis perm[k].
// Cache-blocked and parallel when the innermost input axis moves.
void TransposeCopy(const DLTensor& src, const DLTensor& dst, const std::vector<int>& perm);

// The common guard of copy kernels: false when there is nothing to write
// (req null); sets *error for req=add, which layout ops do not support.
bool ShouldWrite(const MXKernelCall* call, int output, int* error);

// A parameter of the call (ops/ declares every one, so it is present).
inline const MXAttr& Param(const MXKernelCall* call, const char* name) {
  return *mx_attr_find(call->attrs, call->num_attrs, name);
}

// An axis validated by ops/ mapped from [-ndim, ndim) to [0, ndim).
inline int AxisIndex(int64_t axis, int ndim) { return static_cast<int>(axis < 0 ? axis + ndim : axis); }

inline size_t ElementSize(const DLTensor& t) { return (t.dtype.bits + 7) / 8; }

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_LAYOUT_COPY_H_
