// _linalg_extractdiag / _linalg_makediag / _linalg_extracttrian /
// _linalg_maketrian: each gathers a fixed set of positions of every n x n
// matrix (a diagonal, or a triangle row by row) into a vector, or scatters
// the vector into a matrix of zeros.  ops/linalg/diag_trian.cc has the
// semantics and checked the offset.
#include <cstring>
#include <vector>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

// Positions in an n x n row-major matrix of its diagonal `offset` or, for a
// triangle, of the triangle the offset (or `lower`, at offset 0) picks.
std::vector<int64_t> Positions(int64_t n, int64_t offset, bool triangle, bool lower) {
  const int64_t m = n - (offset < 0 ? -offset : offset);
  const int64_t row0 = offset < 0 ? -offset : 0, col0 = offset > 0 ? offset : 0;
  std::vector<int64_t> at;
  if (!triangle) {
    for (int64_t j = 0; j < m; ++j) at.push_back((j + row0) * n + j + col0);
    return at;
  }
  const bool below = offset < 0 || (offset == 0 && lower);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = below ? 0 : r; c < (below ? r + 1 : m); ++c) at.push_back((r + row0) * n + c + col0);
  return at;
}

// The matrices' side n, from the full tensor's last axis.
std::vector<int64_t> PositionsFor(const MXKernelCall* call, const DLTensor& full, bool triangle) {
  const bool lower = triangle && Param(call, "lower").i != 0;
  return Positions(full.shape[full.ndim - 1], Param(call, "offset").i, triangle, lower);
}

template <bool kTriangle>
int Extract(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &full = call->inputs[0], &compact = call->outputs[0];
  const std::vector<int64_t> at = PositionsFor(call, full, kTriangle);
  const int64_t n = full.shape[full.ndim - 1], k = static_cast<int64_t>(at.size());
  const int64_t batch = n ? NumElements(full) / (n * n) : 0;
  const size_t elem = ElementSize(full);
  const char* src = static_cast<const char*>(full.data);
  char* dst = static_cast<char*>(compact.data);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < k; ++j) std::memcpy(dst + (b * k + j) * elem, src + (b * n * n + at[j]) * elem, elem);
  return 0;
}

template <bool kTriangle>
int Make(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &compact = call->inputs[0], &full = call->outputs[0];
  const std::vector<int64_t> at = PositionsFor(call, full, kTriangle);
  const int64_t n = full.shape[full.ndim - 1], k = static_cast<int64_t>(at.size());
  const int64_t batch = n ? NumElements(full) / (n * n) : 0;
  const size_t elem = ElementSize(full);
  const char* src = static_cast<const char*>(compact.data);
  char* dst = static_cast<char*>(full.data);
  if (NumElements(full)) std::memset(dst, 0, static_cast<size_t>(NumElements(full)) * elem);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < k; ++j) std::memcpy(dst + (b * n * n + at[j]) * elem, src + (b * k + j) * elem, elem);
  return 0;
}

}  // namespace

// MXNet's la_op takes float32 and float64 only.
MX_CPU_KERNELS(linalg_copy) {
  if (int rc = RegisterKernel("_linalg_extractdiag", Extract<false>, nullptr, {kF32, kF64})) return rc;
  if (int rc = RegisterKernel("_linalg_makediag", Make<false>, nullptr, {kF32, kF64})) return rc;
  if (int rc = RegisterKernel("_linalg_extracttrian", Extract<true>, nullptr, {kF32, kF64})) return rc;
  return RegisterKernel("_linalg_maketrian", Make<true>, nullptr, {kF32, kF64});
}

}  // namespace mx_cpu
