// diag: a 1-D input becomes a square matrix with it on diagonal k; an N-D
// input (N >= 2) gives its diagonal k over axes axis1 and axis2, which are
// removed and replaced by a last axis holding the diagonal (numpy.diagonal).
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

bool DiagShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const int64_t k = attrs.Int("k");
  MX_CHECK(src.ndim() >= 1, kValue, "operator diag: the input must have at least one dimension");
  Shape result;
  if (src.ndim() == 1) {
    const int64_t n = src[0] + (k < 0 ? -k : k);
    result = Shape({n, n});
  } else {
    const int a1 = NormalizeAxis(attrs.Int("axis1"), src.ndim(), attrs, "axis1");
    const int a2 = NormalizeAxis(attrs.Int("axis2"), src.ndim(), attrs, "axis2");
    MX_CHECK(a1 != a2, kValue, "operator diag: axis1 and axis2 both refer to axis ", a1);
    MX_CHECK(-src[a1] <= k && k <= src[a2], kValue, "operator diag: Diagonal does not exist: k=", k,
             " is outside [", -src[a1], ", ", src[a2], "] for axes of sizes ", src[a1], " and ", src[a2]);
    // k > 0 starts the diagonal k columns (axis2) right, k < 0 rows down.
    const int64_t length = std::max<int64_t>(0, k >= 0 ? std::min(src[a1], src[a2] - k)
                                                       : std::min(src[a1] + k, src[a2]));
    std::vector<int64_t> dims;
    for (int i = 0; i < src.ndim(); ++i)
      if (i != a1 && i != a2) dims.push_back(src[i]);
    dims.push_back(length);
    result = Shape(dims);
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(diag)
    .Describe(
        "Extracts a diagonal or constructs a diagonal array.\n\n"
        "A 1-D input gives a 2-D array with the input on diagonal k and zeros elsewhere. An "
        "N-D input gives its diagonal k taken over axes axis1 and axis2; the result drops "
        "those axes and appends one holding the diagonal.")
    .Inputs({"data"})
    .Param("k", "int", "0", "Diagonal in question. The default is 0. Use k>0 for diagonals above the main diagonal, and k<0 for diagonals below the main diagonal. If input has shape (S0 S1) k must be between -S0 and S1")
    .Param("axis1", "int", "0", "The first axis of the sub-arrays of interest. Ignored when the input is a 1-D array.")
    .Param("axis2", "int", "1", "The second axis of the sub-arrays of interest. Ignored when the input is a 1-D array.")
    .Shapes(DiagShape)
    .Types(SameTypes)
    .Gradient(AdjointGradient("_backward_diag"));

MX_REGISTER_OPS(diag_adjoint) {
  RegisterAdjoint("_backward_diag", "diag",
                  "The gradient of diag: for 1-D data the diagonal k of ograd; otherwise zeros of "
                  "data's shape with ograd on the diagonal k over axis1 and axis2.");
}

}  // namespace op
}  // namespace mx
