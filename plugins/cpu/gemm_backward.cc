// Kernels of _backward_dot and _backward_FullyConnected: the gradients of
// the matrix products as gemms on the operands' 2-D views (the flattening
// their forward kernels in gemm.cc use), float16 through float32 as there.
#include <algorithm>
#include <vector>

#include "gemm.h"

namespace mx_cpu {

namespace {

bool BoolAttr(const MXKernelCall* call, const char* name) {
  return mx_attr_find(call->attrs, call->num_attrs, name)->i != 0;
}

// C (m x n) = op(A) op(B) for compact row-major matrices, op(A) m x k.
GemmBatch Product(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k) {
  GemmBatch g;
  g.trans_a = trans_a;
  g.trans_b = trans_b;
  g.m = m, g.n = n, g.k = k;
  g.lda = trans_a ? m : k;
  g.ldb = trans_b ? k : n;
  g.ldc = n;
  return g;
}

// Runs g into output i unless its request is null (add: accumulate).
int GemmInto(const MXKernelCall* call, int i, const char* op, const GemmBatch& g, const DLTensor& a,
             const DLTensor& b) {
  if (call->req[i] == MX_REQ_NULL) return 0;
  return RunGemm(op, g, 1.0, a, b, call->req[i] == MX_REQ_ADD ? 1.0 : 0.0, call->outputs[i], call->workspace);
}

// ---- _backward_dot(ograd, lhs, rhs) ------------------------------------------
// The forward reads lhs as op(A) (m x k) and rhs as op(B) (k x n), stored
// transposed when transpose_a / transpose_b (see gemm.cc's DotBatch); ograd
// is m x n.  Stored-layout gradients:
//   A:  og op(B)^T (m x k),   or op(B) og^T (k x m) when transposed
//   B:  op(A)^T og (k x n),   or og^T op(A) (n x k) when transposed
struct DotGrads {
  GemmBatch lhs, rhs;
};

DotGrads DotGradsOf(const MXKernelCall* call) {
  const DLTensor& a = call->inputs[1];
  const bool ta = BoolAttr(call, "transpose_a"), tb = BoolAttr(call, "transpose_b");
  const int64_t k = ta ? a.shape[0] : a.shape[a.ndim - 1];
  int64_t m = 1, n = 1;
  for (int i = ta ? 1 : 0; i < (ta ? a.ndim : a.ndim - 1); ++i) m *= a.shape[i];
  const DLTensor& b = call->inputs[2];
  for (int i = tb ? 0 : 1; i < (tb ? b.ndim - 1 : b.ndim); ++i) n *= b.shape[i];
  return {ta ? Product(tb, true, k, m, n) : Product(false, !tb, m, k, n),
          tb ? Product(true, ta, n, k, m) : Product(!ta, false, k, n, m)};
}

int BackwardDot(const MXKernelCall* call) {
  const DLTensor &og = call->inputs[0], &a = call->inputs[1], &b = call->inputs[2];
  const DotGrads g = DotGradsOf(call);
  const bool ta = BoolAttr(call, "transpose_a"), tb = BoolAttr(call, "transpose_b");
  const char* kTooLarge = "_backward_dot: operands too large for 32-bit BLAS";
  if (int rc = ta ? GemmInto(call, 0, kTooLarge, g.lhs, b, og) : GemmInto(call, 0, kTooLarge, g.lhs, og, b))
    return rc;
  return tb ? GemmInto(call, 1, kTooLarge, g.rhs, og, a) : GemmInto(call, 1, kTooLarge, g.rhs, a, og);
}

size_t BackwardDotWorkspace(const MXKernelCall* call) {
  if (MXDType(call->inputs[0].dtype) != kF16) return 0;
  const DotGrads g = DotGradsOf(call);
  return std::max(HalfScratchBytes(g.lhs), HalfScratchBytes(g.rhs));
}

// ---- _backward_FullyConnected(ograd, data, weight[, bias]) ---------------------
// data read as rows x input_dim, ograd as rows x num_hidden (both flatten
// modes come to this): d data = og W, d weight = og^T data, d bias = the
// column sums of og.
struct FullyConnectedGrads {
  GemmBatch data, weight;
};

FullyConnectedGrads FullyConnectedGradsOf(const MXKernelCall* call) {
  const DLTensor &og = call->inputs[0], &weight = call->inputs[2];
  const int64_t hidden = weight.shape[0], input_dim = weight.shape[1];
  const int64_t rows = NumElements(og) / hidden;
  return {Product(false, false, rows, input_dim, hidden), Product(true, false, hidden, input_dim, rows)};
}

template <typename T>
MX_CPU_CLONES void AccumulateRow(const T* row, int64_t n, double* acc) {
  for (int64_t j = 0; j < n; ++j) acc[j] += static_cast<double>(row[j]);
}

int BiasGrad(const MXKernelCall* call) {
  if (call->req[2] == MX_REQ_NULL) return 0;
  const DLTensor &og = call->inputs[0], &out = call->outputs[2];
  const int64_t hidden = NumElements(out), rows = NumElements(og) / hidden;
  const bool accumulate = call->req[2] == MX_REQ_ADD;
  std::vector<double> sums(static_cast<size_t>(hidden), 0.0);
  const bool ok = DispatchDType(MXDType(og.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* g = Data<T>(og);
    T* db = Data<T>(out);
    for (int64_t r = 0; r < rows; ++r) AccumulateRow(g + r * hidden, hidden, sums.data());
    for (int64_t j = 0; j < hidden; ++j)
      db[j] = static_cast<T>(sums[j] + (accumulate ? static_cast<double>(db[j]) : 0.0));
  });
  return ok ? 0 : Fail("_backward_FullyConnected: unsupported dtype");
}

int BackwardFullyConnected(const MXKernelCall* call) {
  const DLTensor &og = call->inputs[0], &data = call->inputs[1], &weight = call->inputs[2];
  const FullyConnectedGrads g = FullyConnectedGradsOf(call);
  const char* kTooLarge = "_backward_FullyConnected: operands too large for 32-bit BLAS";
  if (int rc = GemmInto(call, 0, kTooLarge, g.data, og, weight)) return rc;
  if (int rc = GemmInto(call, 1, kTooLarge, g.weight, og, data)) return rc;
  return call->num_outputs == 3 ? BiasGrad(call) : 0;
}

size_t BackwardFullyConnectedWorkspace(const MXKernelCall* call) {
  if (MXDType(call->inputs[0].dtype) != kF16) return 0;
  const FullyConnectedGrads g = FullyConnectedGradsOf(call);
  return std::max(HalfScratchBytes(g.data), HalfScratchBytes(g.weight));
}

}  // namespace

MX_CPU_KERNELS(gemm_backward) {
  if (int rc = RegisterKernel("_backward_dot", BackwardDot, nullptr, kFloatsWithHalf, BackwardDotWorkspace)) return rc;
  return RegisterKernel("_backward_FullyConnected", BackwardFullyConnected, nullptr,
                            kFloatsWithHalf, BackwardFullyConnectedWorkspace);
}

}  // namespace mx_cpu
