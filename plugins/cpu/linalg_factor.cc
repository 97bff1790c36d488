// LAPACK factorizations for la_op (ops/linalg/cholesky.cc, determinant.cc):
// _linalg_potrf, _linalg_potri (Cholesky), _linalg_inverse, _linalg_det,
// _linalg_slogdet (LU), and _linalg_sumlogdiag beside them.
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

int MatrixError(const char* op, int64_t index, const char* what) {
  return Fail((std::string(op) + ": matrix " + std::to_string(index) + " of the batch " + what).c_str());
}

// out = A, then an in-place LAPACK routine on each matrix (fn(n, matrix) ->
// info, > 0 a numerical failure reported as `what`).
template <typename Fn>
int InPlace(const MXKernelCall* call, const char* op, const char* what, Fn&& fn) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &a = call->inputs[0], &out = call->outputs[0];
  const MatrixBatch mb = BatchOf(a);
  if (mb.count == 0 || mb.rows == 0) return 0;
  if (!FitsBlas({mb.rows})) return Fail((std::string(op) + ": matrices too large for 32-bit LAPACK").c_str());
  int64_t failed = -1;
  DispatchBlasFloat(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* po = Data<T>(out);
    std::memcpy(po, Data<T>(a), static_cast<size_t>(NumElements(a)) * sizeof(T));
    failed = ForEachMatrix(mb.count, mb.size() * mb.rows,
                           [&](int64_t i) { return fn(static_cast<int>(mb.rows), po + i * mb.size()) == 0; });
  });
  return failed >= 0 ? MatrixError(op, failed, what) : 0;
}

bool Lower(const MXKernelCall* call) { return Param(call, "lower").i != 0; }

int CholeskyKernel(const MXKernelCall* call) {
  const bool lower = Lower(call);
  return InPlace(call, "_linalg_potrf", "is not positive definite", [lower](int n, auto* m) {
    const int info = Potrf(lower, n, m);
    ZeroOtherTriangle(lower, n, m);
    return info;
  });
}

int CholeskyInverseKernel(const MXKernelCall* call) {
  const bool lower = Lower(call);
  return InPlace(call, "_linalg_potri", "is singular (a zero on its diagonal)", [lower](int n, auto* m) {
    const int info = Potri(lower, n, m);
    MirrorTriangle(lower, n, m);
    return info;
  });
}

int Inverse(const MXKernelCall* call) {
  return InPlace(call, "_linalg_inverse", "is singular", [](int n, auto* m) {
    std::vector<lapack_int> pivots(n);
    const int info = Getrf(n, m, pivots.data());
    return info != 0 ? info : Getri(n, m, pivots.data());
  });
}

// sign and log |det| of each matrix from its LU factors (sign 0, log -inf
// when singular) and det itself: sign exp(log |det|) would lose range, so
// det multiplies the pivots directly, negated for each row swap.
struct Determinant {
  double sign, log_abs, product;
};

template <typename T>
Determinant FromLU(int n, T* m) {
  std::vector<lapack_int> pivots(n);
  Getrf(n, m, pivots.data());  // info > 0: a zero pivot, which the diagonal shows
  Determinant d{1.0, 0.0, 1.0};
  for (int j = 0; j < n; ++j) {
    const double u = m[static_cast<int64_t>(j) * n + j];
    const bool swapped = pivots[j] != j + 1;
    if (swapped != (u < 0)) d.sign = -d.sign;
    if (u == 0) d.sign = 0;
    d.product *= swapped ? -u : u;
    d.log_abs += std::log(std::fabs(u));  // -inf once singular
  }
  return d;
}

// fn(d, i) for the determinant of each matrix i of A, factored in a copy.
template <typename Fn>
int ForEachDeterminant(const MXKernelCall* call, Fn&& fn) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& a = call->inputs[0];
  const MatrixBatch mb = BatchOf(a);
  if (!FitsBlas({mb.rows})) return Fail("determinant: matrices too large for 32-bit LAPACK");
  const int64_t count = NumElements(call->outputs[0]);  // a 0 x 0 matrix still has a determinant, 1
  DispatchBlasFloat(MXDType(a.dtype), [&](auto zero) {
    using T = decltype(zero);
    ForEachMatrix(count, mb.size() * mb.rows, [&](int64_t i) {
      std::vector<T> lu(Data<T>(a) + i * mb.size(), Data<T>(a) + (i + 1) * mb.size());
      fn(mb.rows ? FromLU(static_cast<int>(mb.rows), lu.data()) : Determinant{1.0, 0.0, 1.0}, i, zero);
      return true;
    });
  });
  return 0;
}

int Det(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  return ForEachDeterminant(call, [&](const Determinant& d, int64_t i, auto zero) {
    using T = decltype(zero);
    Data<T>(out)[i] = static_cast<T>(d.product);
  });
}

int Slogdet(const MXKernelCall* call) {
  if (call->req[1] == MX_REQ_ADD) return Fail("_linalg_slogdet: accumulating into the output is not supported");
  const DLTensor &sign = call->outputs[0], &log_abs = call->outputs[1];
  return ForEachDeterminant(call, [&](const Determinant& d, int64_t i, auto zero) {
    using T = decltype(zero);
    Data<T>(sign)[i] = static_cast<T>(d.sign);
    Data<T>(log_abs)[i] = static_cast<T>(d.log_abs);
  });
}

int SumLogDiag(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &a = call->inputs[0], &out = call->outputs[0];
  const MatrixBatch mb = BatchOf(a);
  DispatchBlasFloat(MXDType(a.dtype), [&](auto zero) {
    using T = decltype(zero);
    for (int64_t i = 0; i < NumElements(out); ++i) {
      const T* m = Data<T>(a) + i * mb.size();
      double sum = 0;
      for (int64_t j = 0; j < mb.rows; ++j) sum += std::log(static_cast<double>(m[j * mb.cols + j]));
      Data<T>(out)[i] = static_cast<T>(sum);
    }
  });
  return 0;
}

}  // namespace

// MXNet's la_op takes float32 and float64 only.
MX_CPU_KERNELS(linalg_factor) {
  for (auto [name, fn] : {std::pair<const char*, MXKernelFn>{"_linalg_potrf", CholeskyKernel}, {"_linalg_potri", CholeskyInverseKernel},
                          {"_linalg_inverse", Inverse}, {"_linalg_det", Det}, {"_linalg_slogdet", Slogdet},
                          {"_linalg_sumlogdiag", SumLogDiag}})
    if (int rc = RegisterKernel(name, fn, nullptr, {kF32, kF64})) return rc;
  return 0;
}

}  // namespace mx_cpu
