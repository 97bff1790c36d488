// diag kernel and its gradient.  Each moves elements between a compact array
// and a diagonal of a full one: diag of a 1-D input writes the input onto the
// diagonal of a zero matrix, diag of an N-D input gathers a diagonal (output
// axes: the others, then the diagonal); the gradient moves the other way.
#include <algorithm>
#include <cstring>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

// Offsets into `full` of its diagonal k over axes a1 and a2, laid out as
// diag's output: the other axes in order, then `length` diagonal positions.
AxisOffsets DiagonalOffsets(const DLTensor& full, int64_t k, int a1, int a2, int64_t length) {
  const int64_t row0 = std::max<int64_t>(0, -k), col0 = std::max<int64_t>(0, k);
  const std::vector<int64_t> strides = RowMajorStrides(full);
  AxisOffsets offsets;
  for (int d = 0; d < full.ndim; ++d)
    if (d != a1 && d != a2) offsets.push_back(StridedOffsets(full.shape[d], strides[d]));
  std::vector<int64_t> diagonal(length);
  for (int64_t j = 0; j < length; ++j) diagonal[j] = (j + row0) * strides[a1] + (j + col0) * strides[a2];
  offsets.push_back(diagonal);
  return offsets;
}

// full = zeros with compact at `offsets` (distinct positions): the inverse
// of GatherCopy.
void ScatterIntoZeros(const DLTensor& compact, const DLTensor& full, const AxisOffsets& offsets) {
  const size_t elem = ElementSize(full);
  char* dst = static_cast<char*>(full.data);
  const char* src = static_cast<const char*>(compact.data);
  if (NumElements(full)) std::memset(dst, 0, static_cast<size_t>(NumElements(full)) * elem);
  const int64_t n = NumElements(compact);
  const int nd = static_cast<int>(offsets.size());
  std::vector<int64_t> index(nd, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t at = 0;
    for (int d = 0; d < nd; ++d) at += offsets[d][index[d]];
    std::memcpy(dst + at * elem, src + i * elem, elem);
    for (int d = nd - 1; d >= 0 && ++index[d] == static_cast<int64_t>(offsets[d].size()); --d) index[d] = 0;
  }
}

// Between `full` and its diagonal k in `compact`.  With 1-D data (vector)
// full is the matrix; otherwise the diagonal runs over axis1 and axis2.
void MoveDiagonal(const MXKernelCall* call, const DLTensor& full, const DLTensor& compact, bool vector,
                  bool into_full) {
  const int a1 = vector ? 0 : AxisIndex(Param(call, "axis1").i, full.ndim);
  const int a2 = vector ? 1 : AxisIndex(Param(call, "axis2").i, full.ndim);
  const AxisOffsets offsets = DiagonalOffsets(full, Param(call, "k").i, a1, a2, compact.shape[compact.ndim - 1]);
  if (into_full) ScatterIntoZeros(compact, full, offsets);
  else GatherCopy(full.data, compact.data, ElementSize(full), offsets);
}

int Diag(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (in.ndim == 1) MoveDiagonal(call, out, in, true, true);
  else MoveDiagonal(call, in, out, false, false);
  return 0;
}

// _backward_diag(ograd, data): the adjoint moves the other way.
int DiagBackward(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &ograd = call->inputs[0], &grad = call->outputs[0];
  if (grad.ndim == 1) MoveDiagonal(call, ograd, grad, true, false);
  else MoveDiagonal(call, grad, ograd, false, true);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(diag) {
  if (int rc = RegisterKernel("diag", Diag, nullptr, kAll)) return rc;
  return RegisterKernel("_backward_diag", DiagBackward, nullptr, kAll);
}

}  // namespace mx_cpu
