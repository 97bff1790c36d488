// _contrib_allclose (MXNet 1.9's src/operator/contrib/allclose_op): whether
// every |a - b| <= atol + rtol * |b|, as a 0-d uint8 array (1 or 0).  As in
// MXNet the test is asymmetric in a and b, equal infinities are close, and
// NaNs are close to each other only with equal_nan.  a and b must have the
// same shape and dtype (no broadcasting).
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool AllcloseShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &a = (*in)[0], &b = (*in)[1];
  MX_CHECK(!a.is_known() || !b.is_known() || a == b, kValue, attrs.op()->name,
           ": a and b must have the same shape, got ", a.ToString(), " and ", b.ToString());
  AssignShape(&(*out)[0], Shape::Scalar(), *attrs.op(), "output");
  return a.is_known() && b.is_known();
}

bool AllcloseType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> result = {-1};
  const bool known = SameTypes(attrs, in, &result);
  AssignType(&(*out)[0], kUint8, *attrs.op(), "output");
  return known;
}

}  // namespace

MX_REGISTER_OP(_contrib_allclose)
    .Describe("This operators implements the numpy.allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)\n\n"
              ".. math::\n\n    f(x) = |a-b|\\leq atol+rtol|b|\n\n"
              "where\n:math:`a, b` are the input tensors of equal types an shapes\n"
              ":math:`atol, rtol` the values of absolute and relative tolerance (by default, rtol=1e-05, "
              "atol=1e-08)\n\n"
              "The output is a 0-d uint8 array: 1 if every pair of elements is close, else 0.")
    .Inputs({"a", "b"})
    .Param("rtol", "float", "9.99999975e-06", "Relative tolerance.")
    .Param("atol", "float", "9.99999994e-09", "Absolute tolerance.")
    .Param("equal_nan", "boolean", "True", "Whether to compare NaN's as equal. If True, NaN's in A will be considered equal to NaN's in B in the output array.")
    .Shapes(AllcloseShape)
    .Types(AllcloseType);  // no gradient, as MXNet

}  // namespace op
}  // namespace mx
