// Kernels of _contrib_index_array and _contrib_index_copy (semantics:
// ops/contrib/index_ops.cc; _contrib_arange_like shares _arange's kernel in
// range.cc).
#include <cstdio>
#include <cstring>
#include <vector>

#include "index_util.h"
#include "layout_copy.h"

namespace mx_cpu {

namespace {

// out[..., k] = the coordinate of the element along axes[k] (int64).
int IndexArray(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const int ndim = data.ndim;
  std::vector<int> axes;
  const MXAttr& given = Param(call, "axes");
  if (given.is_none) {
    for (int i = 0; i < ndim; ++i) axes.push_back(i);
  } else {
    for (int64_t k = 0; k < given.len; ++k) axes.push_back(AxisIndex(given.ints[k], ndim));
  }
  const std::vector<int64_t> strides = RowMajorStrides(data);
  const int64_t n = NumElements(data), m = static_cast<int64_t>(axes.size());
  int64_t* y = Data<int64_t>(out);
  ParallelFor(n, 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      for (int64_t k = 0; k < m; ++k) y[i * m + k] = i / strides[axes[k]] % data.shape[axes[k]];
  });
  return 0;
}

// out = old_tensor, then row index[i] = new_tensor row i, in order (a
// repeated index keeps its last row).
int IndexCopy(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &old_tensor = call->inputs[0], &index = call->inputs[1], &new_tensor = call->inputs[2];
  const DLTensor& out = call->outputs[0];
  std::vector<int64_t> rows;
  if (!LoadIndices(index, &rows)) return Fail("_contrib_index_copy: unsupported index dtype");
  const int64_t n = old_tensor.shape[0];
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || rows[i] >= n) {
      char text[160];
      std::snprintf(text, sizeof(text), "_contrib_index_copy: index %lld (entry %zu) is out of range for %lld rows",
                    static_cast<long long>(rows[i]), i, static_cast<long long>(n));
      return Fail(text);
    }
  }
  CopyUnlessInplace(call, old_tensor, out);
  const size_t row_bytes = n ? static_cast<size_t>(NumElements(old_tensor) / n) * ElementBytes(out) : 0;
  const char* src = static_cast<const char*>(new_tensor.data);
  char* dst = static_cast<char*>(out.data);
  for (size_t i = 0; i < rows.size(); ++i)
    if (row_bytes) std::memcpy(dst + rows[i] * row_bytes, src + i * row_bytes, row_bytes);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(contrib_index) {
  if (int rc = RegisterKernel("_contrib_index_array", IndexArray, nullptr, kAll)) return rc;
  return RegisterKernel("_contrib_index_copy", IndexCopy, nullptr, kAll);
}

}  // namespace mx_cpu
