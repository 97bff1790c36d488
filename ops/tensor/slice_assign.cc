// _slice_assign and _slice_assign_scalar (aliases _crop_assign,
// _crop_assign_scalar): the data with a slice's box overwritten, by an array
// of the box's shape or by a scalar.  NDArray's `a[1:3, ::2] = x` runs them
// in place (out=a), which the (0, 0) in-place pair allows.
#include <vector>

#include "ops/op.h"
#include "ops/tensor/indexing.h"

namespace mx {
namespace op {

namespace {

bool SliceAssignShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& lhs = (*in)[0];
  if (!lhs.is_known()) return false;
  const SliceBox box = InferSliceBox(attrs, lhs);
  if (in->size() > 1) AssignShape(&(*in)[1], box.shape, *attrs.op(), "rhs (the sliced region)");
  AssignShape(&(*out)[0], lhs, *attrs.op(), "output");
  return true;
}

const char* const kBeginDoc = "starting indices for the slice operation, supports negative indices.";
const char* const kEndDoc = "ending indices for the slice operation, supports negative indices.";
const char* const kStepDoc = "step for the slice operation, supports negative values.";

// Zeros over the written box: the overwritten data gets no gradient there.
Value ClearBox(GradBuilder& b) {
  Params params = SliceBoxParams(b.attrs());
  params.emplace_back("scalar", "0");
  return b.Apply("_slice_assign_scalar", {b.out_grad(0)}, params);
}

}  // namespace

MX_REGISTER_OP(_slice_assign)
    .Describe("Assigns rhs to the region of lhs that slice(lhs, begin, end, step) selects; "
              "rhs has that region's shape.")
    .Inputs({"lhs", "rhs"})
    .Param("begin", "Shape(tuple)", nullptr, kBeginDoc)
    .Param("end", "Shape(tuple)", nullptr, kEndDoc)
    .Param("step", "Shape(tuple)", "[]", kStepDoc)
    .Shapes(SliceAssignShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) {
      // The box came from rhs, the rest from lhs.
      return std::vector<Value>{ClearBox(b), b.Apply("slice", {b.out_grad(0)}, SliceBoxParams(b.attrs()))};
    })
    .Alias("_crop_assign");

MX_REGISTER_OP(_slice_assign_scalar)
    .Describe("Sets the region of data that slice(data, begin, end, step) selects to a scalar.")
    .Inputs({"data"})
    .Param("scalar", "double", "0", "The scalar value for assignment.")
    .Param("begin", "Shape(tuple)", nullptr, kBeginDoc)
    .Param("end", "Shape(tuple)", nullptr, kEndDoc)
    .Param("step", "Shape(tuple)", "[]", kStepDoc)
    .Shapes(SliceAssignShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) { return std::vector<Value>{ClearBox(b)}; })
    .Alias("_crop_assign_scalar");

}  // namespace op
}  // namespace mx
