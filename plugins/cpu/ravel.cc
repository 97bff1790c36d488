// Kernels of _ravel_multi_index and _unravel_index (ops/tensor/ravel.cc).
// Multi-indices are the columns of a (ndim, N) array; indices are read as
// int64 (truncated) and written back in the array's dtype.
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

const MXAttr& IndexSpace(const MXKernelCall* call) { return *mx_attr_find(call->attrs, call->num_attrs, "shape"); }

// Writes values[i] (int64) into t, converted to its dtype.
bool StoreIndices(const std::vector<int64_t>& values, const DLTensor& t) {
  return DispatchDType(MXDType(t.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* p = Data<T>(t);
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
  });
}

// flat[i] = sum_j index[j, i] * stride_j (the leading dimension never counts).
int Ravel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("ravel_multi_index does not support req=add");
  const MXAttr& shape = IndexSpace(call);
  std::vector<int64_t> index;
  if (!LoadIndices(call->inputs[0], &index)) return Fail("ravel_multi_index: unsupported dtype");
  const int64_t n = NumElements(call->outputs[0]);
  std::vector<int64_t> flat(static_cast<size_t>(n), 0);
  for (int j = 0; j < shape.len; ++j)
    for (int64_t i = 0; i < n; ++i) flat[i] = flat[i] * shape.ints[j] + index[j * n + i];
  return StoreIndices(flat, call->outputs[0]) ? 0 : Fail("ravel_multi_index: unsupported dtype");
}

// index[j, i]: remainders of flat[i] by the trailing dimensions, the
// quotient left for the leading one when it is -1 (unbounded).
int Unravel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("unravel_index does not support req=add");
  const MXAttr& shape = IndexSpace(call);
  std::vector<int64_t> flat;
  if (!LoadIndices(call->inputs[0], &flat)) return Fail("unravel_index: unsupported dtype");
  const int64_t n = static_cast<int64_t>(flat.size());
  std::vector<int64_t> index(static_cast<size_t>(n * shape.len));
  for (int j = shape.len - 1; j >= 0; --j) {
    const int64_t d = shape.ints[j];
    for (int64_t i = 0; i < n; ++i) {
      index[j * n + i] = d == -1 ? flat[i] : flat[i] % d;  // C's remainder: MXNet's idx - (idx / d) * d
      flat[i] = d == -1 ? 0 : flat[i] / d;
    }
  }
  return StoreIndices(index, call->outputs[0]) ? 0 : Fail("unravel_index: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(ravel) {
  if (int rc = RegisterKernel("_ravel_multi_index", Ravel, nullptr, kNumeric)) return rc;
  return RegisterKernel("_unravel_index", Unravel, nullptr, kNumeric);
}

}  // namespace mx_cpu
