// Matrix-product kernels built on one batched gemm: dot, batch_dot,
// _linalg_gemm2, _linalg_gemm and FullyConnected.  float32 / float64 go to OpenBLAS (the
// scipy-openblas32 wheel, scipy_ prefix); float16 is widened to float32 in the
// workspace, multiplied by sgemm (float32 accumulation) and rounded back once.
#include "gemm.h"
#include "blas.h"

#include <cblas.h>

#include <climits>
#include <cstring>

namespace mx_cpu {

namespace {

// Where one operand's matrices lie: rows along `axis`, columns along the last axis.
struct MatrixLayout {
  int64_t rows, cols, ld, stride, outer_stride;
};

MatrixLayout LayoutOf(const DLTensor& t, int axis) {
  int64_t inner = 1;
  for (int i = axis + 1; i < t.ndim - 1; ++i) inner *= t.shape[i];
  const int64_t rows = t.shape[axis], cols = t.shape[t.ndim - 1];
  return {rows, cols, inner * cols, cols, rows * inner * cols};
}

// The product of a and b (same rank) with matrix rows along `axis`.
GemmBatch BatchOf(const DLTensor& a, const DLTensor& b, const DLTensor& c, int axis, bool trans_a,
                  bool trans_b) {
  const MatrixLayout la = LayoutOf(a, axis), lb = LayoutOf(b, axis), lc = LayoutOf(c, axis);
  GemmBatch g;
  g.trans_a = trans_a;
  g.trans_b = trans_b;
  g.m = trans_a ? la.cols : la.rows;
  g.k = trans_a ? la.rows : la.cols;
  g.n = trans_b ? lb.rows : lb.cols;
  g.lda = la.ld, g.ldb = lb.ld, g.ldc = lc.ld;
  g.stride_a = la.stride, g.stride_b = lb.stride, g.stride_c = lc.stride;
  g.outer_stride_a = la.outer_stride, g.outer_stride_b = lb.outer_stride, g.outer_stride_c = lc.outer_stride;
  g.outer = 1;
  for (int i = 0; i < axis; ++i) g.outer *= c.shape[i];
  g.inner = 1;
  for (int i = axis + 1; i < c.ndim - 1; ++i) g.inner *= c.shape[i];
  if (g.inner == 1) {  // matrices are contiguous: one flat batch serves (and BLAS batches it)
    g.inner = g.outer;
    g.stride_a = g.outer_stride_a, g.stride_b = g.outer_stride_b, g.stride_c = g.outer_stride_c;
    g.outer = 1;
  }
  return g;
}

// OpenBLAS here takes 32-bit sizes.
bool FitsBlas(const GemmBatch& g) {
  for (int64_t v : {g.m, g.n, g.k, g.lda, g.ldb, g.ldc, g.inner, g.stride_a, g.stride_b, g.stride_c})
    if (v > INT_MAX) return false;
  return true;
}

// One product split across the pool by columns, or a batch spread over the
// pool one product per piece (OpenBLAS itself runs single-threaded: see
// blas_threads.cc).
template <typename T>
void Blas(const GemmBatch& g, T alpha, const T* a, const T* b, T beta, T* c) {
  if (g.inner == 1) {
    ParallelGemm(g.trans_a, g.trans_b, g.m, g.n, g.k, alpha, a, g.lda, b, g.ldb, beta, c, g.ldc);
    return;
  }
  if (g.inner < MaxThreads()) {
    for (int64_t i = 0; i < g.inner; ++i)
      ParallelGemm(g.trans_a, g.trans_b, g.m, g.n, g.k, alpha, a + i * g.stride_a, g.lda, b + i * g.stride_b,
                   g.ldb, beta, c + i * g.stride_c, g.ldc);
    return;
  }
  const int64_t work = std::max<int64_t>(1, g.m * g.n * g.k);
  ParallelFor(g.inner, std::max<int64_t>(1, (int64_t{1} << 20) / work), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      Gemm(g.trans_a, g.trans_b, g.m, g.n, g.k, alpha, a + i * g.stride_a, g.lda, b + i * g.stride_b, g.ldb, beta,
           c + i * g.stride_c, g.ldc);
  });
}

// Copies a rows x cols matrix between row strides.
template <typename To, typename From>
void CopyMatrix(int64_t rows, int64_t cols, const From* src, int64_t ld_src, To* dst, int64_t ld_dst) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) dst[r * ld_dst + j] = static_cast<To>(src[r * ld_src + j]);
}

// float16: each matrix is widened into `scratch` (HalfScratchBytes), sgemm'd, rounded back.
void Blas(const GemmBatch& g, float alpha, const half* a, const half* b, float beta, half* c, float* scratch) {
  const int64_t rows_a = g.trans_a ? g.k : g.m, cols_a = g.trans_a ? g.m : g.k;
  const int64_t rows_b = g.trans_b ? g.n : g.k, cols_b = g.trans_b ? g.k : g.n;
  float *wa = scratch, *wb = wa + g.m * g.k, *wc = wb + g.k * g.n;
  GemmBatch one = g;
  one.inner = 1;
  one.lda = cols_a, one.ldb = cols_b, one.ldc = g.n;
  for (int64_t i = 0; i < g.inner; ++i) {
    const half* ai = a + i * g.stride_a;
    const half* bi = b + i * g.stride_b;
    half* ci = c + i * g.stride_c;
    CopyMatrix(rows_a, cols_a, ai, g.lda, wa, cols_a);
    CopyMatrix(rows_b, cols_b, bi, g.ldb, wb, cols_b);
    if (beta != 0) CopyMatrix(g.m, g.n, ci, g.ldc, wc, g.n);
    Blas(one, alpha, wa, wb, beta, wc);
    CopyMatrix(g.m, g.n, wc, g.n, ci, g.ldc);
  }
}

// C = beta * C for an empty contraction (k == 0), which BLAS rejects.
template <typename T>
void ScaleC(const GemmBatch& g, double beta, T* c) {
  for (int64_t o = 0; o < g.outer; ++o)
    for (int64_t i = 0; i < g.inner; ++i) {
      T* ci = c + o * g.outer_stride_c + i * g.stride_c;
      for (int64_t r = 0; r < g.m; ++r)
        for (int64_t j = 0; j < g.n; ++j)
          ci[r * g.ldc + j] = beta == 0 ? T(0) : static_cast<T>(beta * static_cast<double>(ci[r * g.ldc + j]));
    }
}

}  // namespace

size_t HalfScratchBytes(const GemmBatch& g) { return sizeof(float) * (g.m * g.k + g.k * g.n + g.m * g.n); }

int RunGemm(const char* op, const GemmBatch& g, double alpha, const DLTensor& a, const DLTensor& b,
            double beta, const DLTensor& c, void* workspace) {
  if (g.m == 0 || g.n == 0 || g.inner == 0 || g.outer == 0) return 0;
  int rc = 0;
  DispatchDType(MXDType(a.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, half>) {
      if (g.k == 0) return ScaleC(g, beta, Data<T>(c));
      if (!FitsBlas(g)) {
        rc = Fail(op);
        return;
      }
      using Scalar = typename Acc<T>::type;
      for (int64_t o = 0; o < g.outer; ++o) {
        const T* ao = Data<T>(a) + o * g.outer_stride_a;
        const T* bo = Data<T>(b) + o * g.outer_stride_b;
        T* co = Data<T>(c) + o * g.outer_stride_c;
        if constexpr (std::is_same_v<T, half>)
          Blas(g, static_cast<Scalar>(alpha), ao, bo, static_cast<Scalar>(beta), co, static_cast<float*>(workspace));
        else
          Blas(g, static_cast<Scalar>(alpha), ao, bo, static_cast<Scalar>(beta), co);
      }
    } else {
      rc = Fail("gemm kernels: unsupported dtype");  // not registered for other dtypes
    }
  });
  return rc;
}

namespace {

bool BoolAttr(const MXKernelCall* call, const char* name) {
  const MXAttr* a = mx_attr_find(call->attrs, call->num_attrs, name);
  return a && a->i;
}

double FloatAttr(const MXKernelCall* call, const char* name) {
  return mx_attr_find(call->attrs, call->num_attrs, name)->f;
}

// The row axis of _linalg_gemm / _linalg_gemm2 (shape inference checked it).
int RowAxis(const MXKernelCall* call) {
  const int ndim = call->inputs[0].ndim;
  const int64_t axis = mx_attr_find(call->attrs, call->num_attrs, "axis")->i;
  return static_cast<int>(axis < 0 ? ndim + axis : axis);
}

// ---- the ops ----------------------------------------------------------------

// dot: the semantics (ops/tensor/dot.cc) read lhs as a matrix of its free
// dims by the contracted one (transpose_a: the first dim is contracted) and
// rhs as the contracted dim by its free dims (transpose_b: the last).
GemmBatch DotBatch(const MXKernelCall* call) {
  const DLTensor &a = call->inputs[0], &b = call->inputs[1];
  GemmBatch g;
  g.trans_a = BoolAttr(call, "transpose_a");
  g.trans_b = BoolAttr(call, "transpose_b");
  g.k = g.trans_a ? a.shape[0] : a.shape[a.ndim - 1];
  g.m = g.n = 1;
  for (int i = g.trans_a ? 1 : 0; i < (g.trans_a ? a.ndim : a.ndim - 1); ++i) g.m *= a.shape[i];
  for (int i = g.trans_b ? 0 : 1; i < (g.trans_b ? b.ndim - 1 : b.ndim); ++i) g.n *= b.shape[i];
  g.lda = g.trans_a ? g.m : g.k;
  g.ldb = g.trans_b ? g.k : g.n;
  g.ldc = g.n;
  return g;
}

int Dot(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  return RunGemm("dot: operands too large for 32-bit BLAS", DotBatch(call), 1.0, call->inputs[0], call->inputs[1],
                 call->req[0] == MX_REQ_ADD ? 1.0 : 0.0, call->outputs[0], call->workspace);
}

GemmBatch BatchDotBatch(const MXKernelCall* call) {
  const DLTensor& a = call->inputs[0];
  return BatchOf(a, call->inputs[1], call->outputs[0], a.ndim - 2, BoolAttr(call, "transpose_a"),
                 BoolAttr(call, "transpose_b"));
}

int BatchDot(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  return RunGemm("batch_dot: operands too large for 32-bit BLAS", BatchDotBatch(call), 1.0, call->inputs[0],
                 call->inputs[1], call->req[0] == MX_REQ_ADD ? 1.0 : 0.0, call->outputs[0], call->workspace);
}

GemmBatch LinalgBatch(const MXKernelCall* call) {
  return BatchOf(call->inputs[0], call->inputs[1], call->outputs[0], RowAxis(call),
                 BoolAttr(call, "transpose_a"), BoolAttr(call, "transpose_b"));
}

int LinalgGemm2(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  return RunGemm("_linalg_gemm2: operands too large for 32-bit BLAS", LinalgBatch(call), FloatAttr(call, "alpha"),
                 call->inputs[0], call->inputs[1], call->req[0] == MX_REQ_ADD ? 1.0 : 0.0, call->outputs[0],
                 call->workspace);
}

// out = alpha * op(A) op(B) + beta * C: C is brought into out first (out has
// C's shape), so BLAS's own beta does the accumulation.
int LinalgGemm(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const DLTensor &c = call->inputs[2], &out = call->outputs[0];
  double beta = FloatAttr(call, "beta");
  const int64_t size = NumElements(out);
  if (call->req[0] == MX_REQ_ADD) {  // out += beta * C, then accumulate the product
    if (beta != 0) {
      DispatchDType(MXDType(out.dtype), [&](auto zero) {
        using T = decltype(zero);
        for (int64_t i = 0; i < size; ++i)
          Data<T>(out)[i] = static_cast<T>(static_cast<double>(Data<T>(out)[i]) + beta * static_cast<double>(Data<T>(c)[i]));
      });
    }
    beta = 1.0;
  } else if (out.data != c.data) {
    std::memcpy(out.data, c.data, static_cast<size_t>(size) * (out.dtype.bits / 8));
  }
  return RunGemm("_linalg_gemm: operands too large for 32-bit BLAS", LinalgBatch(call), FloatAttr(call, "alpha"),
                 call->inputs[0], call->inputs[1], beta, out, call->workspace);
}

// data (rows x input_dim) . weight^T (input_dim x num_hidden); the semantics
// already flattened data as `flatten` asks, so rows = out.size / num_hidden.
GemmBatch FullyConnectedBatch(const MXKernelCall* call) {
  const DLTensor &weight = call->inputs[1], &out = call->outputs[0];
  GemmBatch g;
  g.trans_b = true;
  g.n = weight.shape[0];
  g.k = weight.shape[1];
  g.m = g.n ? NumElements(out) / g.n : 0;
  g.lda = g.k, g.ldb = g.k, g.ldc = g.n;
  return g;
}

int FullyConnected(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  const GemmBatch g = FullyConnectedBatch(call);
  const DLTensor& out = call->outputs[0];
  const bool accumulate = call->req[0] == MX_REQ_ADD;
  const bool has_bias = call->num_inputs == 3 && !BoolAttr(call, "no_bias");
  if (has_bias) {  // every row of out starts at bias (plus what it held, when accumulating)
    DispatchDType(MXDType(out.dtype), [&](auto zero) {
      using T = decltype(zero);
      const T* bias = Data<T>(call->inputs[2]);
      T* o = Data<T>(out);
      for (int64_t r = 0; r < g.m; ++r)
        for (int64_t j = 0; j < g.n; ++j) o[r * g.n + j] = accumulate ? T(o[r * g.n + j] + bias[j]) : bias[j];
    });
  }
  return RunGemm("FullyConnected: operands too large for 32-bit BLAS", g, 1.0, call->inputs[0], call->inputs[1],
                 has_bias || accumulate ? 1.0 : 0.0, out, call->workspace);
}

// float16 needs float32 copies of one matrix of each operand.
template <GemmBatch (*BatchFn)(const MXKernelCall*)>
size_t HalfWorkspace(const MXKernelCall* call) {
  return MXDType(call->inputs[0].dtype) == kF16 ? HalfScratchBytes(BatchFn(call)) : 0;
}

}  // namespace


// MXNet's la_op (_linalg_*) takes float32 / float64 only; dot, batch_dot
// and FullyConnected also float16.
MX_CPU_KERNELS(gemm) {
  if (int rc = RegisterKernel("dot", Dot, nullptr, kFloatsWithHalf, HalfWorkspace<DotBatch>)) return rc;
  if (int rc = RegisterKernel("batch_dot", BatchDot, nullptr, kFloatsWithHalf, HalfWorkspace<BatchDotBatch>)) return rc;
  if (int rc = RegisterKernel("FullyConnected", FullyConnected, nullptr, kFloatsWithHalf,
                              HalfWorkspace<FullyConnectedBatch>))
    return rc;
  if (int rc = RegisterKernel("_linalg_gemm2", LinalgGemm2, nullptr, {kF32, kF64})) return rc;
  return RegisterKernel("_linalg_gemm", LinalgGemm, nullptr, {kF32, kF64});
}

}  // namespace mx_cpu
