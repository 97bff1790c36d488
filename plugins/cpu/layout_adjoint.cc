#include "layout_adjoint.h"

#include <algorithm>

namespace mx_cpu {

namespace {

MX_CPU_CLONES void AddRow(double* __restrict dst, const double* __restrict src, int64_t n) {
  for (int64_t j = 0; j < n; ++j) dst[j] += src[j];
}

bool IsIdentity(const std::vector<int64_t>& sources, int64_t source_dim) {
  if (static_cast<int64_t>(sources.size()) != source_dim) return false;
  for (int64_t i = 0; i < source_dim; ++i)
    if (sources[i] != i) return false;
  return true;
}

// Sums `in` (sizes dims) along axis k into `out`, whose axis k has
// source_dim entries: out's row j gathers the rows whose source is j.
void ReduceAxis(const std::vector<double>& in, const std::vector<int64_t>& dims, int k, int64_t source_dim,
                const std::vector<int64_t>& sources, std::vector<double>* out) {
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < k; ++i) outer *= dims[i];
  for (size_t i = k + 1; i < dims.size(); ++i) inner *= dims[i];
  const int64_t len = dims[k];
  // The rows copied from each source index, grouped by source (CSR).
  std::vector<int64_t> start(source_dim + 1, 0), rows(len);
  for (int64_t s : sources)
    if (s >= 0) ++start[s + 1];
  for (int64_t j = 0; j < source_dim; ++j) start[j + 1] += start[j];
  std::vector<int64_t> next(start.begin(), start.end() - 1);
  for (int64_t i = 0; i < len; ++i)
    if (sources[i] >= 0) rows[next[sources[i]]++] = i;
  out->assign(static_cast<size_t>(outer * source_dim * inner), 0.0);
  const int64_t work = std::max<int64_t>(1, inner * std::max<int64_t>(1, len / std::max<int64_t>(1, source_dim)));
  ParallelFor(outer * source_dim, std::max<int64_t>(1, 65536 / work), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r / source_dim, j = r % source_dim;
      double* dst = out->data() + r * inner;
      for (int64_t p = start[j]; p < start[j + 1]; ++p) AddRow(dst, in.data() + (o * len + rows[p]) * inner, inner);
    }
  });
}

}  // namespace

int SumCopies(const DLTensor& ograd, const DLTensor& grad, const std::vector<int64_t>& source_dims,
              const AxisSources& sources) {
  std::vector<int64_t> dims(ograd.shape, ograd.shape + ograd.ndim);
  std::vector<double> sum(static_cast<size_t>(NumElements(ograd))), reduced;
  const bool read = DispatchDType(MXDType(ograd.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* src = Data<T>(ograd);
    ParallelFor(static_cast<int64_t>(sum.size()), 65536, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) sum[i] = static_cast<double>(src[i]);
    });
  });
  if (!read) return Fail("gradient of a layout op: unsupported dtype");
  for (int k = 0; k < ograd.ndim; ++k) {
    if (IsIdentity(sources[k], source_dims[k])) continue;
    ReduceAxis(sum, dims, k, source_dims[k], sources[k], &reduced);
    sum.swap(reduced);
    dims[k] = source_dims[k];
  }
  DispatchDType(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* dst = Data<T>(grad);
    ParallelFor(static_cast<int64_t>(sum.size()), 65536, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) dst[i] = static_cast<T>(sum[i]);
    });
  });
  return 0;
}

}  // namespace mx_cpu
