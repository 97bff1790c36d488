// _linalg_gemm2 and _linalg_gemm: BLAS-3 gemm over a tensor of matrices.
//   gemm2: out = alpha * op(A) op(B)
//   gemm:  out = alpha * op(A) op(B) + beta * C
// A and B have the same rank n >= 2.  The matrix rows run along `axis`
// (default -2) and the columns along the last axis; every other axis indexes
// the batch and must match between A and B (no broadcasting).  With axis=-2
// that is a batch of matrices in the last two dims; with another axis, e.g.
// A of shape (b, m, x, k) and axis=1, the matrices are A[i, :, j, :].
#include "ops/linalg/matmul_gradient.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool GemmShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& b = (*in)[1];
  if (!a.is_known() || !b.is_known()) return false;  // no backward inference, as MXNet
  const std::string& name = attrs.op()->name;
  const bool ta = attrs.Bool("transpose_a"), tb = attrs.Bool("transpose_b");
  const int n = a.ndim();
  MX_CHECK(n >= 2 && b.ndim() == n, kValue, "operator ", name,
           ": A and B must have the same rank >= 2, got ", a.ToString(), " and ", b.ToString());
  const int64_t axis_param = attrs.Int("axis");
  const int64_t axis = axis_param < 0 ? n + axis_param : axis_param;
  MX_CHECK(axis >= 0 && axis < n - 1, kValue, "operator ", name, ": invalid row axis ", axis_param,
           " for inputs of rank ", n);
  for (int i = 0; i < n - 1; ++i)
    MX_CHECK(i == axis || a[i] == b[i], kValue, "operator ", name, ": shapes ", a.ToString(), " and ",
             b.ToString(), " must be the same except on the row and column axes");
  const int64_t k_a = ta ? a[axis] : a[n - 1], k_b = tb ? b[n - 1] : b[axis];
  MX_CHECK(k_a == k_b, kValue, "operator ", name, ": incompatible matrix dimensions for multiplication: ",
           a.ToString(), " and ", b.ToString(), " (transpose_a=", ta, ", transpose_b=", tb, ", axis=",
           axis_param, ")");
  Shape result = a;
  result[static_cast<int>(axis)] = ta ? a[n - 1] : a[axis];
  result[n - 1] = tb ? b[axis] : b[n - 1];
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  if (in->size() > 2) {
    const Shape& c = (*in)[2];
    MX_CHECK(!c.is_known() || c == result, kValue, "operator ", name, ": C must have the shape of op(A) op(B), ",
             result.ToString(), ", got ", c.ToString());
    AssignShape(&(*in)[2], result, *attrs.op(), "C");
  }
  return true;
}

// dA, dB (as for gemm2, alpha included) and, for gemm, dC = beta og.
std::vector<Value> GemmGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const Value og = b.out_grad(0);
  const auto [da, db] = MatmulGradients(b, "_linalg_gemm2", og, b.input(0), b.input(1), attrs.Bool("transpose_a"),
                                        attrs.Bool("transpose_b"),
                                        {{"alpha", attrs.Str("alpha")}, {"axis", attrs.Str("axis")}});
  std::vector<Value> grads{da, db};
  if (b.num_inputs() == 3) grads.push_back(WithScalar(b, "_mul_scalar", og, attrs.Float("beta")));
  return grads;
}

OpDef& GemmParams(OpDef& op) {
  return op
      .Param("transpose_a", "boolean", "False", "Multiply with transposed of first input (A).")
      .Param("transpose_b", "boolean", "False", "Multiply with transposed of second input (B).")
      .Param("alpha", "double", "1", "Scalar factor multiplied with A*B.");
}

}  // namespace

MX_REGISTER_OPS(linalg_gemm) {
  GemmParams(Registry::Get().Register("_linalg_gemm2")
                 .Describe(
                     "Performs general matrix multiplication: out = alpha * op(A) * op(B), where "
                     "op(X) is X or its transpose.  Inputs of rank n > 2 hold a batch of matrices "
                     "in their row axis (`axis`) and last axis; the other axes must match.")
                 .Inputs({"A", "B"}))
      .Param("axis", "int", "-2", "Axis corresponding to the matrix row indices.")
      .Shapes(GemmShape)
      .Types(SameTypes)
      .Gradient(GemmGradient)
      .Alias("linalg_gemm2");

  GemmParams(Registry::Get().Register("_linalg_gemm")
                 .Describe(
                     "Performs general matrix multiplication and accumulation: "
                     "out = alpha * op(A) * op(B) + beta * C, where op(X) is X or its transpose.  "
                     "Inputs of rank n > 2 hold a batch of matrices in their row axis (`axis`) "
                     "and last axis; the other axes must match.")
                 .Inputs({"A", "B", "C"}))
      .Param("beta", "double", "1", "Scalar factor multiplied with C.")
      .Param("axis", "int", "-2", "Axis corresponding to the matrix rows.")
      .Shapes(GemmShape)
      .Types(SameTypes)
      .Gradient(GemmGradient)
      .Alias("linalg_gemm");
}

}  // namespace op
}  // namespace mx
