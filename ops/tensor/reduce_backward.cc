// _backward_sum(ograd, data) and _backward_mean(ograd, data): the gradient
// of an axis reduction of data, ograd (the reduction's output shape) spread
// back over data's shape -- divided by the number of elements each output
// summed, for mean.  They take the reduction's axis, keepdims and exclude;
// data gives only the shape.  Each is the adjoint of its reduction, so the
// reduction is its gradient.
#include <string>
#include <utility>

#include "ops/tensor/reduce.h"

namespace mx {
namespace op {

namespace {

bool BackwardReduceShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &ograd = (*in)[0], &data = (*in)[1];
  AssignShape(&(*out)[0], data, *attrs.op(), "output");
  if (!data.is_known()) return false;
  const Shape reduced = ReduceAxesShape(data, attrs, attrs.Bool("keepdims"), attrs.Bool("exclude"));
  MX_CHECK(!ograd.is_known() || ograd == reduced, kValue, "operator ", attrs.op()->name, ": ograd must have shape ",
           reduced.ToString(), " (data ", data.ToString(), " reduced), got ", ograd.ToString());
  AssignShape(&(*in)[0], reduced, *attrs.op(), "ograd");
  return true;
}

bool BackwardReduceType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignType(&(*in)[0], (*out)[0], *attrs.op(), "ograd");
  return (*out)[0] >= 0 && (*in)[1] >= 0;
}

}  // namespace

MX_REGISTER_OPS(backward_reduce) {
  const std::pair<const char*, const char*> kForms[] = {{"_backward_sum", "sum"}, {"_backward_mean", "mean"}};
  for (const auto& [name, reduction] : kForms) {
    const std::string forward = reduction;
    Registry::Get()
        .Register(name)
        .Describe("The gradient of " + forward + " over the given axes: ograd spread over data's shape" +
                  (forward == "mean" ? ", divided by the number of elements each mean took." : "."))
        .Inputs({"ograd", "data"})
        .Param("axis", "Shape or None", "None", "The reduction's axis.")
        .Param("keepdims", "boolean", "False", "The reduction's keepdims.")
        .Param("exclude", "boolean", "False", "The reduction's exclude.")
        .Shapes(BackwardReduceShape)
        .Types(BackwardReduceType)
        .Gradient([forward](GradBuilder& b) {
          const Attrs& attrs = b.attrs();
          const Value g = b.Apply(forward, {b.out_grad(0)},
                                  {{"axis", attrs.Str("axis")}, {"keepdims", attrs.Str("keepdims")},
                                   {"exclude", attrs.Str("exclude")}});
          return std::vector<Value>{g, Value()};
        });
  }
}

}  // namespace op
}  // namespace mx
