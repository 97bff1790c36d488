// dot through OpenBLAS (the scipy-openblas32 wheel: symbols carry a scipy_
// prefix).  The op's semantics (ops/tensor/dot.cc) flatten both operands to
// matrices; this kernel multiplies them.
#include <cblas.h>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

int Dot(const MXKernelCall* call) {
  const DLTensor &a = call->inputs[0], &b = call->inputs[1], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  const MXAttr* ta = mx_attr_find(call->attrs, call->num_attrs, "transpose_a");
  const MXAttr* tb = mx_attr_find(call->attrs, call->num_attrs, "transpose_b");
  const bool trans_a = ta && ta->i, trans_b = tb && tb->i;
  // a as an (M, K) matrix (stored (K, M) when transposed), b as (K, N).
  const int64_t a_size = NumElements(a), b_size = NumElements(b);
  const int64_t a_rows = trans_a ? a.shape[0] : (a.ndim ? a_size / a.shape[a.ndim - 1] : 1);
  const int64_t b_rows = trans_b ? (b.ndim ? b_size / b.shape[b.ndim - 1] : 1) : b.shape[0];
  const int64_t a_cols = a_rows ? a_size / a_rows : 0;
  const int64_t b_cols = b_rows ? b_size / b_rows : 0;
  const int64_t M = trans_a ? a_cols : a_rows, K = trans_a ? a_rows : a_cols;
  const int64_t N = trans_b ? b_rows : b_cols;
  const float beta = call->req[0] == MX_REQ_ADD ? 1.0f : 0.0f;
  const CBLAS_TRANSPOSE opa = trans_a ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE opb = trans_b ? CblasTrans : CblasNoTrans;
  if (M == 0 || N == 0) return 0;
  const int dtype = MXDType(a.dtype);
  if (dtype == kF32) {
    scipy_cblas_sgemm(CblasRowMajor, opa, opb, M, N, K, 1.0f, Data<float>(a), trans_a ? M : K,
                      Data<float>(b), trans_b ? K : N, beta, Data<float>(out), N);
  } else if (dtype == kF64) {
    scipy_cblas_dgemm(CblasRowMajor, opa, opb, M, N, K, 1.0, Data<double>(a), trans_a ? M : K,
                      Data<double>(b), trans_b ? K : N, beta, Data<double>(out), N);
  } else {
    return Fail("dot: unsupported dtype");
  }
  return 0;
}

}  // namespace

int RegisterDot() { return RegisterKernel("dot", Dot, nullptr, {kF32, kF64}); }

}  // namespace mx_cpu
