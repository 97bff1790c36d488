// Two-output factorizations over a batch of matrices in the last two axes:
//   _linalg_gelqf: A (m x n, m <= n) = L Q, Q with orthonormal rows, L lower
//                  triangular (LAPACK's signs, as MXNet);
//   _linalg_syevd: symmetric A = U^T diag(lambda) U, the rows of U the
//                  eigenvectors (each with its largest-magnitude entry
//                  positive, the first on a tie), lambda ascending; only A's
//                  lower triangle is read.
#include <vector>

#include "ops/gradient_shorthands.h"
#include "ops/linalg/la_gradient.h"
#include "ops/linalg/la_shape.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool GelqfShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  const int n = a.ndim();
  MX_CHECK(n >= 2, kValue, "operator _linalg_gelqf: A must be a tensor of matrices (rank >= 2), got ", a.ToString());
  MX_CHECK(a[n - 2] <= a[n - 1], kValue, "operator _linalg_gelqf: the matrices of A must have no more rows than ",
           "columns, got ", a.ToString());
  Shape l = a;
  l[n - 1] = a[n - 2];
  AssignShape(&(*out)[0], a, *attrs.op(), "Q");
  AssignShape(&(*out)[1], l, *attrs.op(), "L");
  return true;
}

bool SyevdShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  CheckSquareMatrices(attrs, a, "A");
  AssignShape(&(*out)[0], a, *attrs.op(), "U");
  AssignShape(&(*out)[1], Shape(a.data(), a.ndim() - 1), *attrs.op(), "L");
  return true;
}

// A = L Q: with M = L^T dL - dQ Q^T, dA = L^-T (dQ + copyLTU(M) Q).
std::vector<Value> GelqfGradient(GradBuilder& b) {
  const Value q = b.output(0), l = b.output(1), dq = b.out_grad(0), dl = b.out_grad(1);
  const Value m = Sub(b, Gemm2(b, l, dl, true, false), Gemm2(b, dq, q, false, true));
  const Value x = Add(b, dq, Gemm2(b, MirrorLower(b, m), q, false, false));
  return {b.Apply("_linalg_trsm", {l, x}, {{"transpose", "True"}})};
}

// A = U^T diag(lambda) U (rows of U the eigenvectors): the usual
// eigenvector adjoint dA = U^T (diag(dlambda) + F o (U dU^T)) U, F_ij =
// 1 / (lambda_j - lambda_i) off the diagonal and 0 on it, made symmetric
// since A is.  Repeated eigenvalues make F infinite, as in MXNet.
std::vector<Value> SyevdGradient(GradBuilder& b) {
  const Value u = b.output(0), lambda = b.output(1), du = b.out_grad(0), dlambda = b.out_grad(1);
  const Value identity = b.Apply("_linalg_makediag", {b.Apply("ones_like", {lambda})});
  const Value gaps = b.Apply("broadcast_sub", {b.Apply("expand_dims", {lambda}, {{"axis", "-2"}}),
                                               b.Apply("expand_dims", {lambda}, {{"axis", "-1"}})});
  const Value f = Sub(b, b.Apply("reciprocal", {Add(b, gaps, identity)}), identity);
  const Value inner = Add(b, b.Apply("_linalg_makediag", {dlambda}), Mul(b, f, Gemm2(b, u, du, false, true)));
  const Value da = Gemm2(b, u, Gemm2(b, inner, u, false, false), true, false);
  return {Scale(b, Add(b, da, SwapLast(b, da)), 0.5)};
}

}  // namespace

MX_REGISTER_OPS(linalg_decompositions) {
  Registry::Get()
      .Register("_linalg_gelqf")
      .Describe("LQ factorization for general matrix: A = L * Q for A of shape (m, n), m <= n; Q has "
                "orthonormal rows and L is lower triangular, for each matrix in the last two axes.")
      .Inputs({"A"})
      .Outputs({"Q", "L"})
      .Shapes(GelqfShape)
      .Types(SameTypes)
      .Gradient(GelqfGradient)
      .Alias("linalg_gelqf");
  Registry::Get()
      .Register("_linalg_syevd")
      .Describe("Eigendecomposition for symmetric matrix: A = U^T * diag(L) * U, the rows of U the "
                "eigenvectors and L the eigenvalues in ascending order, for each matrix in the last two axes.  "
                "Only the lower triangle of A is read.")
      .Inputs({"A"})
      .Outputs({"U", "L"})
      .Shapes(SyevdShape)
      .Types(SameTypes)
      .Gradient(SyevdGradient)
      .Alias("linalg_syevd");
}

}  // namespace op
}  // namespace mx
