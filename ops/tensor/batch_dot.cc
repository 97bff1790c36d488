// batch_dot: matrix products over matching leading (batch) dimensions.  Both
// operands are N-D with N >= 3 and equal leading N-2 dims; the last two dims
// hold one matrix each: (B..., M, K) x (B..., K, N) -> (B..., M, N), with
// transpose_a / transpose_b swapping the last two dims of an operand.
#include "ops/tensor/dot.h"

#include "ops/linalg/matmul_gradient.h"

namespace mx {
namespace op {

namespace {

bool BatchDotShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& b = (*in)[1];
  if (!a.is_known() || !b.is_known()) return false;
  const bool ta = attrs.Bool("transpose_a"), tb = attrs.Bool("transpose_b");
  const int n = a.ndim();
  MX_CHECK(n >= 3 && b.ndim() == n, kValue,
           "batch_dot: operands must both be N-D with N >= 3 (batch dims, rows, columns), got ",
           a.ToString(), " and ", b.ToString());
  for (int i = 0; i < n - 2; ++i)
    MX_CHECK(a[i] == b[i], kValue, "batch_dot: the leading batch dimensions must be equal, got ",
             a.ToString(), " and ", b.ToString());
  const int64_t rows = ta ? a[n - 1] : a[n - 2], k_a = ta ? a[n - 2] : a[n - 1];
  const int64_t cols = tb ? b[n - 2] : b[n - 1], k_b = tb ? b[n - 1] : b[n - 2];
  MX_CHECK(k_a == k_b, kValue, "batch_dot: shapes ", a.ToString(), " and ", b.ToString(),
           " are not aligned (transpose_a=", ta, ", transpose_b=", tb, ")");
  Shape result = a;
  result[n - 2] = rows;
  result[n - 1] = cols;
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OPS(batch_dot) {
  AddDotParams(Registry::Get().Register("batch_dot"))
      .Describe(
          "Batchwise dot product.\n\n"
          "For lhs of shape (B_0, ..., B_i, N, M) and rhs of shape (B_0, ..., B_i, M, K) the "
          "result has shape (B_0, ..., B_i, N, K): "
          "batch_dot(x, y)[b_0, ..., b_i, :, :] = dot(x[b_0, ..., b_i, :, :], y[b_0, ..., b_i, :, :]).")
      .Inputs({"lhs", "rhs"})
      .Shapes(BatchDotShape)
      .Types(SameTypes)
      .Gradient([](GradBuilder& b) {
        const auto [da, db] = MatmulGradients(b, "batch_dot", b.out_grad(0), b.input(0), b.input(1),
                                              b.attrs().Bool("transpose_a"), b.attrs().Bool("transpose_b"), {});
        return std::vector<Value>{da, db};
      })
      .Alias("_npx_batch_dot");
}

}  // namespace op
}  // namespace mx
