// One value per square matrix in the last two axes, shape PerMatrixShape
// ((1,) for a single matrix, as MXNet 1.x):
//   _linalg_sumlogdiag: sum of the logs of the diagonal (log det of a
//                       Cholesky factor);
//   _linalg_det:        the determinant;
//   _linalg_slogdet:    sign and log |det|.
// And _linalg_inverse, the inverse of each matrix.
//
// Rationale: MXNet's det and slogdet carry the LU factors and pivots as
// hidden outputs for their backward pass; here the gradient uses
// _linalg_inverse instead, so the ops have only their visible outputs.
#include <vector>

#include "ops/linalg/la_gradient.h"
#include "ops/linalg/la_shape.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool PerMatrix(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  CheckSquareMatrices(attrs, a, "A");
  for (size_t i = 0; i < out->size(); ++i) AssignShape(&(*out)[i], PerMatrixShape(a), *attrs.op(), "output");
  return true;
}

bool SameSquare(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  CheckSquareMatrices(attrs, a, "A");
  AssignShape(&(*out)[0], a, *attrs.op(), "output");
  return true;
}

// d sum log A_ii = dA_ii / A_ii.
std::vector<Value> SumLogDiagGradient(GradBuilder& b) {
  const Value d = b.Apply("_linalg_extractdiag", {b.input(0)});
  const Value og = b.Apply("expand_dims", {b.out_grad(0)}, {{"axis", "-1"}});
  // a single matrix: og (1, 1) / d (n,) -> (1, n), back to (n,)
  const Value ratio = b.Apply("reshape_like", {b.Apply("broadcast_div", {og, d}), d});
  return {b.Apply("_linalg_makediag", {ratio})};
}

// d det A = det A tr(A^-1 dA): dA = og det A^-T.
std::vector<Value> DetGradient(GradBuilder& b) {
  const Value inverse_t = SwapLast(b, b.Apply("_linalg_inverse", {b.input(0)}));
  return {ScaleMatrices(b, inverse_t, Mul(b, b.out_grad(0), b.output(0)))};
}

// d log|det A| = tr(A^-1 dA); the sign is piecewise constant.
std::vector<Value> SlogdetGradient(GradBuilder& b) {
  const Value inverse_t = SwapLast(b, b.Apply("_linalg_inverse", {b.input(0)}));
  return {ScaleMatrices(b, inverse_t, b.out_grad(1))};
}

// dX = -X dA X: dA = -X^T og X^T.
std::vector<Value> InverseGradient(GradBuilder& b) {
  const Value x = b.output(0);
  return {Gemm2(b, x, Gemm2(b, b.out_grad(0), x, false, true), true, false, -1.0)};
}

}  // namespace

MX_REGISTER_OPS(linalg_determinant) {
  Registry::Get()
      .Register("_linalg_sumlogdiag")
      .Describe("Computes the sum of the logarithms of the diagonal elements of a square matrix, for each "
                "matrix in the last two axes.")
      .Inputs({"A"})
      .Shapes(PerMatrix)
      .Types(SameTypes)
      .Gradient(SumLogDiagGradient)
      .Alias("linalg_sumlogdiag");
  Registry::Get()
      .Register("_linalg_det")
      .Describe("Compute the determinant of a matrix, for each square matrix in the last two axes.")
      .Inputs({"A"})
      .Shapes(PerMatrix)
      .Types(SameTypes)
      .Gradient(DetGradient)
      .Alias("linalg_det");
  Registry::Get()
      .Register("_linalg_slogdet")
      .Describe("Compute the sign and log of the absolute value of the determinant of a matrix, for each "
                "square matrix in the last two axes.  A singular matrix gives sign 0 and -inf.")
      .Inputs({"A"})
      .Outputs({"sign", "logdet"})
      .Shapes(PerMatrix)
      .Types(SameTypes)
      .Gradient(SlogdetGradient)
      .Alias("linalg_slogdet");
  Registry::Get()
      .Register("_linalg_inverse")
      .Describe("Compute the inverse of a matrix, for each square matrix in the last two axes.  A singular "
                "matrix is an error.")
      .Inputs({"A"})
      .Shapes(SameSquare)
      .Types(SameTypes)
      .Gradient(InverseGradient)
      .Alias("linalg_inverse");
}

}  // namespace op
}  // namespace mx
