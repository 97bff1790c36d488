// One row-major matrix product through OpenBLAS (scipy-openblas32, 32-bit
// sizes), overloaded for float and double, for kernels that build their own
// sequence of products (the convolution family).  gemm.cc handles batched
// and float16 products for dot and friends.
#ifndef MX_PLUGINS_CPU_BLAS_H_
#define MX_PLUGINS_CPU_BLAS_H_

#include <cblas.h>

#include <climits>
#include <cstdint>
#include <initializer_list>

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

// Every size and leading dimension fits OpenBLAS's 32-bit int.
inline bool FitsBlas(std::initializer_list<int64_t> sizes) {
  for (int64_t v : sizes)
    if (v > INT_MAX) return false;
  return true;
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_BLAS_H_
