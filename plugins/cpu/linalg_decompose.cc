// _linalg_gelqf and _linalg_syevd through LAPACK (ops/linalg/decompositions.cc).
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "blas.h"
#include "lapack.h"
#include "layout_copy.h"
#include "linalg_batch.h"

namespace mx_cpu {

namespace {

bool WritesBoth(const MXKernelCall* call, int* error) {
  for (int i = 0; i < 2; ++i)
    if (call->req[i] == MX_REQ_ADD) {
      *error = Fail("la_op factorizations: accumulating into an output is not supported");
      return false;
    }
  *error = 0;
  return call->req[0] != MX_REQ_NULL || call->req[1] != MX_REQ_NULL;
}

// Q = A's LQ reflectors formed into Q; L = the lower triangle of the first m columns.
int LqKernel(const MXKernelCall* call) {
  int error;
  if (!WritesBoth(call, &error)) return error;
  const DLTensor &a = call->inputs[0], &q = call->outputs[0], &l = call->outputs[1];
  const MatrixBatch mb = BatchOf(a);
  const int64_t m = mb.rows, n = mb.cols;
  if (mb.count == 0) return 0;
  if (!FitsBlas({m, n})) return Fail("_linalg_gelqf: matrices too large for 32-bit LAPACK");
  int64_t failed = -1;
  DispatchBlasFloat(MXDType(a.dtype), [&](auto zero) {
    using T = decltype(zero);
    std::memcpy(q.data, a.data, static_cast<size_t>(NumElements(a)) * sizeof(T));
    failed = ForEachMatrix(mb.count, m * m * n, [&](int64_t i) {
      T* qi = Data<T>(q) + i * m * n;
      T* li = Data<T>(l) + i * m * m;
      std::vector<T> tau(m);
      if (Gelqf(static_cast<int>(m), static_cast<int>(n), qi, tau.data()) != 0) return false;
      for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < m; ++c) li[r * m + c] = c <= r ? qi[r * n + c] : T(0);
      return Orglq(static_cast<int>(m), static_cast<int>(n), qi, tau.data()) == 0;
    });
  });
  return failed >= 0 ? Fail(("_linalg_gelqf: LAPACK failed on matrix " + std::to_string(failed)).c_str()) : 0;
}

// MXNet's sign rule: each eigenvector's largest-magnitude entry (the first
// on a tie) is positive.
template <typename T>
void FixSign(int64_t n, T* row) {
  int64_t at = 0;
  for (int64_t j = 1; j < n; ++j)
    if (std::fabs(row[j]) > std::fabs(row[at])) at = j;
  if (row[at] < 0)
    for (int64_t j = 0; j < n; ++j) row[j] = -row[j];
}

int EigenKernel(const MXKernelCall* call) {
  int error;
  if (!WritesBoth(call, &error)) return error;
  const DLTensor &a = call->inputs[0], &u = call->outputs[0], &w = call->outputs[1];
  const MatrixBatch mb = BatchOf(a);
  const int64_t n = mb.rows;
  if (mb.count == 0) return 0;
  if (!FitsBlas({n})) return Fail("_linalg_syevd: matrices too large for 32-bit LAPACK");
  int64_t failed = -1;
  DispatchBlasFloat(MXDType(a.dtype), [&](auto zero) {
    using T = decltype(zero);
    failed = ForEachMatrix(mb.count, n * n * n, [&](int64_t i) {
      std::vector<T> vectors(Data<T>(a) + i * n * n, Data<T>(a) + (i + 1) * n * n);
      if (SyevdLower(static_cast<int>(n), vectors.data(), Data<T>(w) + i * n) != 0) return false;
      T* ui = Data<T>(u) + i * n * n;
      for (int64_t r = 0; r < n; ++r) {  // eigenvector r: column r of `vectors`, row r of U
        for (int64_t c = 0; c < n; ++c) ui[r * n + c] = vectors[c * n + r];
        FixSign(n, ui + r * n);
      }
      return true;
    });
  });
  return failed >= 0 ? Fail(("_linalg_syevd: the eigensolver did not converge on matrix " +
                             std::to_string(failed)).c_str())
                     : 0;
}

}  // namespace

// MXNet's la_op takes float32 and float64 only.
MX_CPU_KERNELS(linalg_decompose) {
  if (int rc = RegisterKernel("_linalg_gelqf", LqKernel, nullptr, {kF32, kF64})) return rc;
  return RegisterKernel("_linalg_syevd", EigenKernel, nullptr, {kF32, kF64});
}

}  // namespace mx_cpu
