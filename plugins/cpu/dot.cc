// dot through OpenBLAS (the scipy-openblas32 wheel: symbols carry a scipy_
// prefix).  The op's semantics (ops/tensor/dot.cc) flatten both operands to
// matrices; this kernel multiplies them.
#include <cblas.h>

#include <cstring>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

int Dot(const MXKernelCall* call) {
  const DLTensor &a = call->inputs[0], &b = call->inputs[1], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  const MXAttr* ta = mx_attr_find(call->attrs, call->num_attrs, "transpose_a");
  const MXAttr* tb = mx_attr_find(call->attrs, call->num_attrs, "transpose_b");
  const bool trans_a = ta && ta->i, trans_b = tb && tb->i;
  // The product is (M, K) x (K, N): K is the contracted dimension, and the
  // output's elements split into M rows (lhs's free dims) and N columns.
  const int64_t K = trans_a ? a.shape[0] : a.shape[a.ndim - 1];
  const int64_t lhs_free = K ? NumElements(a) / K : 0;
  int64_t M = lhs_free;
  if (K == 0) {  // lhs's free dims may hold elements although lhs has none
    M = 1;
    for (int i = trans_a ? 1 : 0; i < (trans_a ? a.ndim : a.ndim - 1); ++i) M *= a.shape[i];
  }
  const int64_t total = NumElements(out);
  const int64_t N = M ? total / M : 0;
  if (M == 0 || N == 0) return 0;
  const bool accumulate = call->req[0] == MX_REQ_ADD;
  const CBLAS_TRANSPOSE opa = trans_a ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE opb = trans_b ? CblasTrans : CblasNoTrans;
  const int dtype = MXDType(a.dtype);
  if (K == 0) {  // an empty sum: zeros (BLAS rejects a leading dimension of 0)
    if (!accumulate) std::memset(out.data, 0, static_cast<size_t>(total) * (out.dtype.bits / 8));
    return 0;
  }
  if (dtype == kF32) {
    scipy_cblas_sgemm(CblasRowMajor, opa, opb, M, N, K, 1.0f, Data<float>(a), trans_a ? M : K,
                      Data<float>(b), trans_b ? K : N, accumulate ? 1.0f : 0.0f, Data<float>(out), N);
  } else if (dtype == kF64) {
    scipy_cblas_dgemm(CblasRowMajor, opa, opb, M, N, K, 1.0, Data<double>(a), trans_a ? M : K,
                      Data<double>(b), trans_b ? K : N, accumulate ? 1.0 : 0.0, Data<double>(out), N);
  } else {
    return Fail("dot: unsupported dtype");
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(dot) { return RegisterKernel("dot", Dot, nullptr, {kF32, kF64}); }

}  // namespace mx_cpu
