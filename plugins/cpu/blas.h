// Row-major matrix products through OpenBLAS (scipy-openblas32, 32-bit
// sizes), overloaded for float and double, for kernels that build their own
// sequence of products (the convolution family): one product, or one split
// by columns across the plugin's thread pool.  gemm.cc handles batched and
// float16 products for dot and friends.
#ifndef MX_PLUGINS_CPU_BLAS_H_
#define MX_PLUGINS_CPU_BLAS_H_

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <initializer_list>

#include "kernel_util.h"

namespace mx_cpu {

// C (m x n) = alpha * op(A) op(B) + beta * C, op(A) m x k, op(B) k x n.
inline void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  scipy_cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                    static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda),
                    b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

inline void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                 int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  scipy_cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                    static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda),
                    b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// The same product with C's columns split across the pool (ParallelFor),
// each block a single-threaded BLAS call (see blas_threads.cc).
template <typename T>
void ParallelGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
                  const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  constexpr int64_t kBlock = 16;  // columns per unit: whole vectors of C
  const int64_t units = (n + kBlock - 1) / kBlock;
  // Units per piece: about a million multiply-adds, worth a thread.
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 20) / std::max<int64_t>(1, m * k * kBlock));
  ParallelFor(units, grain, [&](int64_t begin, int64_t end) {
    const int64_t first = begin * kBlock, last = std::min(n, end * kBlock);
    const T* b_block = trans_b ? b + first * ldb : b + first;
    Gemm(trans_a, trans_b, m, last - first, k, alpha, a, lda, b_block, ldb, beta, c + first, ldc);
  });
}

// f(T{}) with T float or double, the dtypes with BLAS products; false otherwise.
template <typename F>
bool DispatchBlasFloat(int dtype, F&& f) {
  if (dtype == kF32) return f(float{}), true;
  if (dtype == kF64) return f(double{}), true;
  return false;
}

// Every size and leading dimension fits OpenBLAS's 32-bit int.
inline bool FitsBlas(std::initializer_list<int64_t> sizes) {
  for (int64_t v : sizes)
    if (v > INT_MAX) return false;
  return true;
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_BLAS_H_
