// Row-major LAPACK and triangular BLAS through OpenBLAS (scipy-openblas32:
// scipy_ prefix, 32-bit sizes), overloaded for float and double, for the
// la_op kernels (_linalg_*).  LAPACK routines return LAPACK's info: 0 ok,
// > 0 a numerical failure (not positive definite, singular).
#ifndef MX_PLUGINS_CPU_LAPACK_H_
#define MX_PLUGINS_CPU_LAPACK_H_

#include <cblas.h>
#include <lapacke.h>

#include <cstdint>

namespace mx_cpu {

inline char Uplo(bool lower) { return lower ? 'L' : 'U'; }

inline int Potrf(bool lower, int n, float* a) { return scipy_LAPACKE_spotrf(LAPACK_ROW_MAJOR, Uplo(lower), n, a, n); }
inline int Potrf(bool lower, int n, double* a) { return scipy_LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Uplo(lower), n, a, n); }
inline int Potri(bool lower, int n, float* a) { return scipy_LAPACKE_spotri(LAPACK_ROW_MAJOR, Uplo(lower), n, a, n); }
inline int Potri(bool lower, int n, double* a) { return scipy_LAPACKE_dpotri(LAPACK_ROW_MAJOR, Uplo(lower), n, a, n); }
inline int Getrf(int n, float* a, lapack_int* pivots) { return scipy_LAPACKE_sgetrf(LAPACK_ROW_MAJOR, n, n, a, n, pivots); }
inline int Getrf(int n, double* a, lapack_int* pivots) { return scipy_LAPACKE_dgetrf(LAPACK_ROW_MAJOR, n, n, a, n, pivots); }
inline int Getri(int n, float* a, const lapack_int* pivots) { return scipy_LAPACKE_sgetri(LAPACK_ROW_MAJOR, n, a, n, pivots); }
inline int Getri(int n, double* a, const lapack_int* pivots) { return scipy_LAPACKE_dgetri(LAPACK_ROW_MAJOR, n, a, n, pivots); }
// LQ of an m x n matrix (m <= n) in place: L in the lower triangle, Q's
// reflectors above with their scales in tau (m); Orglq then forms Q.
inline int Gelqf(int m, int n, float* a, float* tau) { return scipy_LAPACKE_sgelqf(LAPACK_ROW_MAJOR, m, n, a, n, tau); }
inline int Gelqf(int m, int n, double* a, double* tau) { return scipy_LAPACKE_dgelqf(LAPACK_ROW_MAJOR, m, n, a, n, tau); }
inline int Orglq(int m, int n, float* a, const float* tau) {
  return scipy_LAPACKE_sorglq(LAPACK_ROW_MAJOR, m, n, m, a, n, tau);
}
inline int Orglq(int m, int n, double* a, const double* tau) {
  return scipy_LAPACKE_dorglq(LAPACK_ROW_MAJOR, m, n, m, a, n, tau);
}
// Eigenvalues (ascending) into w and eigenvectors into the columns of a,
// from a's lower triangle.
inline int SyevdLower(int n, float* a, float* w) { return scipy_LAPACKE_ssyevd(LAPACK_ROW_MAJOR, 'V', 'L', n, a, n, w); }
inline int SyevdLower(int n, double* a, double* w) { return scipy_LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', n, a, n, w); }

// B (m x n) = alpha op(A) B (right: alpha B op(A)), A triangular.
struct TriangularSide {
  bool right, lower, transpose;
  CBLAS_SIDE side() const { return right ? CblasRight : CblasLeft; }
  CBLAS_UPLO uplo() const { return lower ? CblasLower : CblasUpper; }
  CBLAS_TRANSPOSE trans() const { return transpose ? CblasTrans : CblasNoTrans; }
};

inline void Trmm(const TriangularSide& s, int m, int n, float alpha, const float* a, int lda, float* b) {
  scipy_cblas_strmm(CblasRowMajor, s.side(), s.uplo(), s.trans(), CblasNonUnit, m, n, alpha, a, lda, b, n);
}
inline void Trmm(const TriangularSide& s, int m, int n, double alpha, const double* a, int lda, double* b) {
  scipy_cblas_dtrmm(CblasRowMajor, s.side(), s.uplo(), s.trans(), CblasNonUnit, m, n, alpha, a, lda, b, n);
}
// B = alpha op(A)^-1 B (right: alpha B op(A)^-1).
inline void Trsm(const TriangularSide& s, int m, int n, float alpha, const float* a, int lda, float* b) {
  scipy_cblas_strsm(CblasRowMajor, s.side(), s.uplo(), s.trans(), CblasNonUnit, m, n, alpha, a, lda, b, n);
}
inline void Trsm(const TriangularSide& s, int m, int n, double alpha, const double* a, int lda, double* b) {
  scipy_cblas_dtrsm(CblasRowMajor, s.side(), s.uplo(), s.trans(), CblasNonUnit, m, n, alpha, a, lda, b, n);
}

// The lower triangle of C (n x n) = alpha op(A) op(A)^T, op(A) n x k
// (transpose: A is k x n and op(A) = A^T).
inline void SyrkLower(bool transpose, int n, int k, float alpha, const float* a, float* c) {
  scipy_cblas_ssyrk(CblasRowMajor, CblasLower, transpose ? CblasTrans : CblasNoTrans, n, k, alpha, a,
                    transpose ? n : k, 0.0f, c, n);
}
inline void SyrkLower(bool transpose, int n, int k, double alpha, const double* a, double* c) {
  scipy_cblas_dsyrk(CblasRowMajor, CblasLower, transpose ? CblasTrans : CblasNoTrans, n, k, alpha, a,
                    transpose ? n : k, 0.0, c, n);
}

// Fills the other triangle of a square matrix from `lower` (mirror).
template <typename T>
void MirrorTriangle(bool lower, int64_t n, T* a) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = r + 1; c < n; ++c) {
      if (lower) a[r * n + c] = a[c * n + r];
      else a[c * n + r] = a[r * n + c];
    }
}

// Zeros the triangle opposite `lower` (diagonal excluded).
template <typename T>
void ZeroOtherTriangle(bool lower, int64_t n, T* a) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = r + 1; c < n; ++c) (lower ? a[r * n + c] : a[c * n + r]) = T(0);
}

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_LAPACK_H_
