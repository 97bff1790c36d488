// _linalg_syrk: out = alpha * A A^T (transpose: alpha * A^T A), a symmetric
// matrix, over a batch of matrices in the last two axes.
#include <vector>

#include "ops/linalg/la_gradient.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool SyrkShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  const int n = a.ndim();
  MX_CHECK(n >= 2, kValue, "operator _linalg_syrk: A must be a tensor of matrices (rank >= 2), got ", a.ToString());
  Shape result = a;
  result[n - 2] = result[n - 1] = attrs.Bool("transpose") ? a[n - 1] : a[n - 2];
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

// d(A A^T) = dA A^T + A dA^T: dA = alpha (og + og^T) A (transpose: A (og + og^T)).
std::vector<Value> SyrkGradient(GradBuilder& b) {
  const double alpha = b.attrs().Float("alpha");
  const Value og = b.out_grad(0), a = b.input(0);
  const Value sym = Add(b, og, SwapLast(b, og));
  return {b.attrs().Bool("transpose") ? Gemm2(b, a, sym, false, false, alpha) : Gemm2(b, sym, a, false, false, alpha)};
}

}  // namespace

MX_REGISTER_OP(_linalg_syrk)
    .Describe("Multiplication of a matrix with its transpose: out = alpha * A * A^T (transpose=False) or "
              "out = alpha * A^T * A (transpose=True), over a batch of matrices in the last two axes.")
    .Inputs({"A"})
    .Param("transpose", "boolean", "False", "Use transpose of input matrix.")
    .Param("alpha", "double", "1", "Scalar factor to be applied to the result.")
    .Shapes(SyrkShape)
    .Types(SameTypes)
    .Gradient(SyrkGradient)
    .Alias("linalg_syrk");

}  // namespace op
}  // namespace mx
