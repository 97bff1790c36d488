// _linalg_trmm, _linalg_trsm and _linalg_syrk through OpenBLAS's triangular
// and symmetric BLAS-3 routines (ops/linalg/triangular.cc, syrk.cc).
#include <cstring>
#include <string>

#include "blas.h"
#include "lapack.h"
#include "layout_copy.h"
#include "linalg_batch.h"

namespace mx_cpu {

namespace {

// out = B, then trmm / trsm in place on each matrix of out.
template <bool kSolve>
int Triangular(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &a = call->inputs[0], &b = call->inputs[1], &out = call->outputs[0];
  const MatrixBatch mb = BatchOf(b);
  const int64_t n = a.shape[a.ndim - 1];
  if (mb.count == 0 || mb.size() == 0) return 0;
  const char* op = kSolve ? "_linalg_trsm" : "_linalg_trmm";
  if (!FitsBlas({mb.rows, mb.cols, n})) return Fail((std::string(op) + ": matrices too large for 32-bit BLAS").c_str());
  const TriangularSide side{Param(call, "rightside").i != 0, Param(call, "lower").i != 0,
                            Param(call, "transpose").i != 0};
  const double alpha = Param(call, "alpha").f;
  DispatchBlasFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* pa = Data<T>(a);
    T* po = Data<T>(out);
    std::memcpy(po, Data<T>(b), static_cast<size_t>(NumElements(b)) * sizeof(T));
    ForEachMatrix(mb.count, mb.size() * n, [&](int64_t i) {
      const int rows = static_cast<int>(mb.rows), cols = static_cast<int>(mb.cols);
      if (kSolve) Trsm(side, rows, cols, static_cast<T>(alpha), pa + i * n * n, static_cast<int>(n), po + i * mb.size());
      else Trmm(side, rows, cols, static_cast<T>(alpha), pa + i * n * n, static_cast<int>(n), po + i * mb.size());
      return true;
    });
  });
  return 0;
}

// The lower triangle by syrk, mirrored: MXNet returns the full symmetric matrix.
int Syrk(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &a = call->inputs[0], &out = call->outputs[0];
  const MatrixBatch ma = BatchOf(a);
  const bool transpose = Param(call, "transpose").i != 0;
  const int64_t n = transpose ? ma.cols : ma.rows, k = transpose ? ma.rows : ma.cols;
  const double alpha = Param(call, "alpha").f;
  if (!FitsBlas({n, k})) return Fail("_linalg_syrk: matrices too large for 32-bit BLAS");
  DispatchBlasFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* po = Data<T>(out);
    if (k == 0) {  // an empty sum; BLAS rejects a zero leading dimension
      std::memset(po, 0, static_cast<size_t>(NumElements(out)) * sizeof(T));
      return;
    }
    ForEachMatrix(ma.count, n * n * k, [&](int64_t i) {
      T* c = po + i * n * n;
      SyrkLower(transpose, static_cast<int>(n), static_cast<int>(k), static_cast<T>(alpha), Data<T>(a) + i * ma.size(), c);
      MirrorTriangle(true, n, c);
      return true;
    });
  });
  return 0;
}

}  // namespace

// MXNet's la_op takes float32 and float64 only.
MX_CPU_KERNELS(linalg_triangular) {
  if (int rc = RegisterKernel("_linalg_trmm", Triangular<false>, nullptr, {kF32, kF64})) return rc;
  if (int rc = RegisterKernel("_linalg_trsm", Triangular<true>, nullptr, {kF32, kF64})) return rc;
  return RegisterKernel("_linalg_syrk", Syrk, nullptr, {kF32, kF64});
}

}  // namespace mx_cpu
