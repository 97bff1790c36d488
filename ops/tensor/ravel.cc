// _ravel_multi_index / _unravel_index (public names ravel_multi_index /
// unravel_index): numpy's conversions between a batch of multi-indices --
// one per column of a (len(shape), N) array -- and flat indices into an
// array of `shape`.  The leading dimension may be -1 (unbounded).  Indices
// of any dtype are truncated toward zero; the result keeps the input's dtype.
// As MXNet, out-of-range indices are not checked: ravel computes the sum of
// index times stride, unravel takes remainders.  Zero gradient (MXNet's
// MakeZeroGradNodes): the results are piecewise constant in the values.
#include <string>
#include <vector>

#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// The `shape` parameter: given, non-empty, positive but for a leading -1.
Shape IndexSpace(const Attrs& attrs) {
  const std::string& name = attrs.op()->name;
  MX_CHECK(!attrs.IsNone("shape") && attrs.Tuple("shape").ndim() > 0, kValue, name,
           ": the shape parameter must be given (the shape of the array the indices apply to)");
  const Shape shape = attrs.Tuple("shape");
  for (int j = 0; j < shape.ndim(); ++j)
    MX_CHECK(shape[j] > 0 || (j == 0 && shape[j] == -1), kValue, name, ": shape ", shape.ToString(),
             " must be positive (the leading dimension may be -1)");
  return shape;
}

// Both check the shape parameter once some shape is known, so that partial
// inference of a graph without shapes still succeeds.
bool RavelShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known() && !(*out)[0].is_known()) return false;
  const Shape space = IndexSpace(attrs);
  if (data.is_known()) {
    MX_CHECK(data.ndim() == 2 && data[0] == space.ndim(), kValue,
             "ravel_multi_index: data must be (", space.ndim(), ", N) -- one multi-index into shape ",
             space.ToString(), " per column -- got shape ", data.ToString());
    AssignShape(&(*out)[0], Shape{data[1]}, *attrs.op(), "output");
    return true;
  }
  AssignShape(&(*in)[0], Shape{space.ndim(), (*out)[0][0]}, *attrs.op(), "data");
  return true;
}

bool UnravelShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const Shape space = IndexSpace(attrs);
  Shape result{space.ndim()};
  for (int64_t d : data) result.push_back(d);
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

constexpr const char* kShapeDoc = "Shape of the array into which the multi-indices apply.";

}  // namespace

MX_REGISTER_OP(_ravel_multi_index)
    .Describe("Converts a batch of index arrays into an array of flat indices. The operator follows numpy "
              "conventions so a single multi index is given by a column of the input matrix. The leading "
              "dimension may be left unspecified by using -1 as placeholder.\n\n"
              "Examples::\n\n   A = [[3,6,6],[4,5,1]]\n   ravel(A, shape=(7,6)) = [22,41,37]\n"
              "   ravel(A, shape=(-1,6)) = [22,41,37]")
    .Inputs({"data"})
    .Param("shape", "Shape or None", "None", kShapeDoc)
    .Shapes(RavelShape)
    .Types(SameTypes)
    .Gradient(ZeroGradient)
    .Alias("ravel_multi_index");

MX_REGISTER_OP(_unravel_index)
    .Describe("Converts an array of flat indices into a batch of index arrays. The operator follows numpy "
              "conventions so a single multi index is given by a column of the output matrix. The leading "
              "dimension may be left unspecified by using -1 as placeholder.\n\n"
              "Examples::\n\n   A = [22,41,37]\n   unravel(A, shape=(7,6)) = [[3,6,6],[4,5,1]]\n"
              "   unravel(A, shape=(-1,6)) = [[3,6,6],[4,5,1]]")
    .Inputs({"data"})
    .Param("shape", "Shape or None", "None", kShapeDoc)
    .Shapes(UnravelShape)
    .Types(SameTypes)
    .Gradient(ZeroGradient)
    .Alias("unravel_index");

}  // namespace op
}  // namespace mx
