// moments: the mean and the (population) variance of data over `axes`, with
// the shape rules of the other axis reductions (axes=None: every axis, (1,)
// without keepdims).  MXNet 1.9 names its axes parameter `axes` where sum
// and mean say `axis`, and has no `exclude`.
//
// The gradient, for N elements per output, is og_mean / N + og_var * 2 (x -
// mean) / N: both spread back with _backward_mean, the mean with
// _backward_sum, so the gradient is itself differentiable.
#include <vector>

#include "ops/elemwise/float_types.h"
#include "ops/gradient_shorthands.h"
#include "ops/op.h"
#include "ops/tensor/reduce.h"

namespace mx {
namespace op {

namespace {

bool MomentsShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known()) return false;
  const Shape reduced = ReduceAxesShape((*in)[0], attrs, attrs.Bool("keepdims"), false, "axes");
  AssignShape(&(*out)[0], reduced, *attrs.op(), "mean");
  AssignShape(&(*out)[1], reduced, *attrs.op(), "var");
  return true;
}

std::vector<Value> MomentsGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const Value x = b.input(0);
  const Params reduction{{"axis", attrs.Str("axes")}, {"keepdims", attrs.Str("keepdims")}, {"exclude", "False"}};
  const Value from_mean = b.Apply("_backward_mean", {b.out_grad(0), x}, reduction);
  const Value var_share = b.Apply("_backward_mean", {b.out_grad(1), x}, reduction);
  const Value centered = Sub(b, x, b.Apply("_backward_sum", {b.output(0), x}, reduction));
  return {Add(b, from_mean, Mul(b, Scale(b, var_share, 2.0), centered))};
}

}  // namespace

MX_REGISTER_OP(moments)
    .Describe("Calculate the mean and variance of `data`.\n\n"
              "The mean and variance are calculated by aggregating the contents of data across axes. "
              "If x is 1-D and axes = [0] this is just the mean and variance of a vector.")
    .Inputs({"data"})
    .Outputs({"mean", "var"})
    .Param("axes", "Shape or None", "None", "Array of ints. Axes along which to compute mean and variance.")
    .Param("keepdims", "boolean", "False", "produce moments with the same dimensionality as the input.")
    .Shapes(MomentsShape)
    .Types(FloatTypes)
    .Gradient(MomentsGradient);

}  // namespace op
}  // namespace mx
