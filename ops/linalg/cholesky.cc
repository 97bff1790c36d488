// _linalg_potrf and _linalg_potri over a batch of matrices in the last two axes:
//   potrf: the Cholesky factor L of a symmetric positive-definite A = L L^T
//          (lower; upper: A = U^T U), zeros in the other triangle;
//   potri: A^-1 from the Cholesky factor of A (only its triangle is read).
#include <vector>

#include "ops/linalg/la_gradient.h"
#include "ops/linalg/la_shape.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool SquareShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  if (!a.is_known()) return false;
  CheckSquareMatrices(attrs, a, "A");
  AssignShape(&(*out)[0], a, *attrs.op(), "output");
  return true;
}

// A = L L^T: L^-1 dA L^-T = L^-1 dL + (L^-1 dL)^T with L^-1 dL lower, whose
// adjoint is the symmetric dA = 1/2 L^-T copyLTU(L^T dL) L^-1 (MXNet's
// formula; copyLTU mirrors the lower triangle into the upper).  A symmetric
// gradient fits the symmetric A potrf takes.  Upper: the same with L = U^T.
std::vector<Value> PotrfGradient(GradBuilder& b) {
  const bool lower = b.attrs().Bool("lower");
  const Value l = lower ? b.output(0) : SwapLast(b, b.output(0));
  const Value dl = lower ? b.out_grad(0) : SwapLast(b, b.out_grad(0));
  const Value m = b.Apply("_linalg_trmm", {l, dl}, {{"transpose", "True"}});  // L^T dL
  const Value left = b.Apply("_linalg_trsm", {l, MirrorLower(b, m)}, {{"transpose", "True"}, {"alpha", "0.5"}});
  return {b.Apply("_linalg_trsm", {l, left}, {{"rightside", "True"}})};
}

// X = (L L^T)^-1: dX = -X dA X with dA = dL L^T + L dL^T, so
// dL = -(X (dX + dX^T) X) L in L's triangle (upper, A = U^T U: -U X (..) X).
std::vector<Value> PotriGradient(GradBuilder& b) {
  const bool lower = b.attrs().Bool("lower");
  const Value x = b.output(0), og = b.out_grad(0);
  const Value sym = Add(b, og, SwapLast(b, og));
  const Value xsx = Gemm2(b, x, Gemm2(b, sym, x, false, false), false, false);
  const Value d = lower ? Gemm2(b, xsx, b.input(0), false, false, -1.0) : Gemm2(b, b.input(0), xsx, false, false, -1.0);
  return {Triangle(b, d, lower)};
}

const char* kLowerDoc = "True if the triangular matrix is lower triangular, false if it is upper triangular.";

}  // namespace

MX_REGISTER_OPS(linalg_cholesky) {
  Registry::Get()
      .Register("_linalg_potrf")
      .Describe("Performs Cholesky factorization of a symmetric positive-definite matrix: A = L * L^T (lower) "
                "or A = U^T * U (upper), over a batch of matrices in the last two axes.  The other triangle of "
                "the result is zero; a matrix that is not positive definite is an error.")
      .Inputs({"A"})
      .Param("lower", "boolean", "True", kLowerDoc)
      .Shapes(SquareShape)
      .Types(SameTypes)
      .Gradient(PotrfGradient)
      .Alias("linalg_potrf");
  Registry::Get()
      .Register("_linalg_potri")
      .Describe("Performs matrix inversion from a Cholesky factorization: out = (A * A^T)^-1 for a lower "
                "triangular A (upper: (A^T * A)^-1), over a batch of matrices in the last two axes.")
      .Inputs({"A"})
      .Param("lower", "boolean", "True", kLowerDoc)
      .Shapes(SquareShape)
      .Types(SameTypes)
      .Gradient(PotriGradient)
      .Alias("linalg_potri");
}

}  // namespace op
}  // namespace mx
