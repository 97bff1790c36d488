// The batched gemm behind the matrix-product kernels (gemm.cc) and their
// gradients (gemm_backward.cc).
#ifndef MX_PLUGINS_CPU_GEMM_H_
#define MX_PLUGINS_CPU_GEMM_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "kernel_util.h"

namespace mx_cpu {

// A two-level batch of row-major products
//   C = alpha * op(A) op(B) + beta * C      (op(A): m x k, op(B): k x n)
// for outer x inner matrices; matrix (o, i) of X starts at
// o * outer_stride_x + i * stride_x and its rows are ld_x elements apart.
// Rationale: _linalg_gemm2's row axis need not be next to the column axis, so
// rows of one matrix interleave with its neighbours'; two levels of strides
// describe every layout without copying.
struct GemmBatch {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t inner = 1, stride_a = 0, stride_b = 0, stride_c = 0;
  int64_t outer = 1, outer_stride_a = 0, outer_stride_b = 0, outer_stride_c = 0;
};

// The workspace a float16 batch needs: float32 copies of one matrix of each operand.
size_t HalfScratchBytes(const GemmBatch& g);

// Runs the whole batch in a's dtype (float32, float64 or float16; float16
// widened in `workspace`); an empty contraction scales C by beta.  `op`
// names the caller in the error for sizes beyond 32-bit BLAS.
int RunGemm(const char* op, const GemmBatch& g, double alpha, const DLTensor& a, const DLTensor& b,
            double beta, const DLTensor& c, void* workspace);

// The dtypes of the products that take float16 too (dot, batch_dot,
// FullyConnected and their gradients; MXNet's la_op takes float32 / float64).
constexpr std::initializer_list<int32_t> kFloatsWithHalf = {kF32, kF64, kF16};

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_GEMM_H_
