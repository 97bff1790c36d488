// _linalg_trmm and _linalg_trsm: products with, and solves against, the
// triangular matrices A (lower, or upper) of a batch:
//   trmm: out = alpha * op(A) B   (rightside: alpha * B op(A))
//   trsm: out = alpha * op(A)^-1 B (rightside: alpha * B op(A)^-1)
// with op(A) = A or A^T (transpose).  Only A's triangle is read, so A's
// gradient is zero outside it.
#include <vector>

#include "ops/linalg/la_gradient.h"
#include "ops/linalg/la_shape.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool TriangularShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &a = (*in)[0], &b = (*in)[1];
  if (!a.is_known() || !b.is_known()) return false;
  CheckSquareMatrices(attrs, a, "A");
  CheckSameBatch(attrs, a, b);
  const int n = a.ndim();
  const int64_t shared = attrs.Bool("rightside") ? b[n - 1] : b[n - 2];
  MX_CHECK(shared == a[n - 1], kValue, "operator ", attrs.op()->name,
           ": incompatible matrix dimensions for multiplication: ", a.ToString(), " and ", b.ToString(),
           " (rightside=", attrs.Bool("rightside"), ")");
  AssignShape(&(*out)[0], b, *attrs.op(), "output");
  return true;
}

// The parameters of op for the same A with `transpose` as given.
Params SameA(const Attrs& attrs, bool transpose, const std::string& alpha) {
  return {{"transpose", BoolStr(transpose)},
          {"rightside", BoolStr(attrs.Bool("rightside"))},
          {"lower", BoolStr(attrs.Bool("lower"))},
          {"alpha", alpha}};
}

// out = alpha op(A) B: dB = alpha op(A)^T og; d op(A) = alpha og B^T (and
// the mirror images for rightside), kept to A's triangle.
std::vector<Value> TrmmGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const bool t = attrs.Bool("transpose"), right = attrs.Bool("rightside");
  const double alpha = attrs.Float("alpha");
  const Value og = b.out_grad(0), bm = b.input(1);
  const Value db = b.Apply("_linalg_trmm", {b.input(0), og}, SameA(attrs, !t, attrs.Str("alpha")));
  // left: dA = og B^T (t: B og^T); right: dA = B^T og (t: og^T B)
  const Value da = right ? (t ? Gemm2(b, og, bm, true, false, alpha) : Gemm2(b, bm, og, true, false, alpha))
                         : (t ? Gemm2(b, bm, og, false, true, alpha) : Gemm2(b, og, bm, false, true, alpha));
  return {Triangle(b, da, attrs.Bool("lower")), db};
}

// X = out = alpha op(A)^-1 B.  With dB = alpha op(A)^-T og (a solve), dX =
// -op(A)^-1 d op(A) X gives dA = -(1/alpha) dB X^T (left), -(1/alpha) X^T dB
// (right), transposed when op(A) = A^T; MXNet scales by -1/alpha the same way.
std::vector<Value> TrsmGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const bool t = attrs.Bool("transpose"), right = attrs.Bool("rightside");
  const double scale = -1.0 / attrs.Float("alpha");
  const Value x = b.output(0);
  const Value db = b.Apply("_linalg_trsm", {b.input(0), b.out_grad(0)}, SameA(attrs, !t, attrs.Str("alpha")));
  const bool db_first = right == t;
  const Value da = Gemm2(b, db_first ? db : x, db_first ? x : db, right, !right, scale);
  return {Triangle(b, da, attrs.Bool("lower")), db};
}

OpDef& TriangularParams(OpDef& op) {
  return op.Inputs({"A", "B"})
      .Param("transpose", "boolean", "False", "Use transposed of the triangular matrix")
      .Param("rightside", "boolean", "False", "Multiply triangular matrix from the right to non-triangular one.")
      .Param("lower", "boolean", "True", "True if the triangular matrix is lower triangular, false if it is upper triangular.")
      .Param("alpha", "double", "1", "Scalar factor to be applied to the result.")
      .Shapes(TriangularShape)
      .Types(SameTypes);
}

}  // namespace

MX_REGISTER_OPS(linalg_triangular) {
  TriangularParams(Registry::Get().Register("_linalg_trmm").Describe(
                       "Performs multiplication with a lower (or upper) triangular matrix: out = alpha * op(A) * B "
                       "(rightside=False) or out = alpha * B * op(A) (rightside=True), op(A) = A or its "
                       "transpose, over a batch of matrices in the last two axes."))
      .Gradient(TrmmGradient)
      .Alias("linalg_trmm");
  TriangularParams(Registry::Get().Register("_linalg_trsm").Describe(
                       "Solves a matrix equation with a lower (or upper) triangular matrix: out = alpha * "
                       "op(A)^-1 * B (rightside=False) or out = alpha * B * op(A)^-1 (rightside=True), op(A) = A "
                       "or its transpose, over a batch of matrices in the last two axes."))
      .Gradient(TrsmGradient)
      .Alias("linalg_trsm");
}

}  // namespace op
}  // namespace mx
