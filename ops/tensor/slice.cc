// slice (alias crop), slice_axis and slice_like: a strided box of the input,
// copied out.  The kernels recompute each axis's first index from the same
// parameters; the box's shape is decided here.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/indexing.h"

namespace mx {
namespace op {

SliceBox InferSliceBox(const Attrs& attrs, const Shape& data) {
  const std::string& name = attrs.op()->name;
  const Shape begin = attrs.Tuple("begin"), end = attrs.Tuple("end"), step = attrs.Tuple("step");
  MX_CHECK(data.ndim() > 0, kValue, "operator ", name, ": cannot slice a 0-dimensional array");
  MX_CHECK(begin.ndim() == end.ndim(), kValue, "operator ", name, ": begin ", begin.ToString(),
           " and end ", end.ToString(), " must have the same length");
  MX_CHECK(begin.ndim() <= data.ndim(), kValue, "operator ", name, ": slicing ", begin.ndim(),
           " axes exceeds the ", data.ndim(), " dimensions of the data");
  MX_CHECK(step.ndim() == 0 || step.ndim() == begin.ndim(), kValue, "operator ", name,
           ": step ", step.ToString(), " and begin must have the same length");
  SliceBox box{data, data, data};
  for (int i = 0; i < data.ndim(); ++i) {
    box.begin[i] = 0;
    box.step[i] = 1;
  }
  for (int i = 0; i < begin.ndim(); ++i) {
    const int64_t len = data[i];
    const int64_t s = step.ndim() == 0 || step[i] == MX_ATTR_NONE_INT ? 1 : step[i];
    MX_CHECK(s != 0, kValue, "operator ", name, ": step[", i, "] cannot be 0");
    // Python's slice.indices: a negative bound counts from the end; bounds
    // are clamped to [0, len] going forward and [-1, len - 1] going back.
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? len : len - 1;
    auto clamp = [&](int64_t v, int64_t if_none) {
      if (v == MX_ATTR_NONE_INT) return if_none;
      if (v < 0) v += len;
      return v < lo ? lo : v > hi ? hi : v;
    };
    const int64_t b = clamp(begin[i], s > 0 ? 0 : len - 1);
    const int64_t e = clamp(end[i], s > 0 ? len : -1);
    const int64_t count = s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (b > e ? (b - e - 1) / -s + 1 : 0);
    box.begin[i] = count > 0 ? b : 0;
    box.step[i] = s;
    box.shape[i] = count;
  }
  return box;
}

namespace {

bool SliceShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known()) return false;
  AssignShape(&(*out)[0], InferSliceBox(attrs, (*in)[0]).shape, *attrs.op(), "output");
  return true;
}

bool SliceAxisShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const std::string& name = attrs.op()->name;
  const int axis = NormalizeAxis(attrs.Int("axis"), data.ndim(), name);
  const int64_t len = data[axis];
  // Unlike slice, slice_axis does not clamp: its range must be non-empty
  // and inside the axis (MXNet's checks).
  int64_t b = attrs.Int("begin"), e = attrs.IsNone("end") ? len : attrs.Int("end");
  if (b < 0) b += len;
  if (e < 0) e += len;
  Shape result = data;
  if (len > 0) {
    MX_CHECK(b >= 0 && e <= len && b < e, kValue, "operator ", name, ": invalid range begin=",
             attrs.Str("begin"), ", end=", attrs.Str("end"), " for axis ", axis, " of size ", len);
    result[axis] = e - b;
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool SliceLikeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  const Shape& like = (*in)[1];
  if (!data.is_known() || !like.is_known()) return false;
  const std::string& name = attrs.op()->name;
  const Shape axes = attrs.Tuple("axes");
  Shape result = data;
  auto take_axis = [&](int axis) {
    MX_CHECK(axis < like.ndim(), kValue, "operator ", name, ": axis ", axis,
             " exceeds the dimensions of shape_like ", like.ToString());
    MX_CHECK(like[axis] <= data[axis], kValue, "operator ", name, ": axis ", axis, " of shape_like ",
             like.ToString(), " is larger than that of the data ", data.ToString());
    result[axis] = like[axis];
  };
  if (axes.ndim() == 0) {
    MX_CHECK(data.ndim() == like.ndim(), kValue, "operator ", name, ": without axes, data ",
             data.ToString(), " and shape_like ", like.ToString(), " must have the same ndim");
    for (int i = 0; i < data.ndim(); ++i) take_axis(i);
  } else {
    for (int64_t a : axes) take_axis(NormalizeAxis(a, data.ndim(), name));
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

// The gradient of slice: ograd written into zeros at the box it came from.
std::vector<Value> SliceGradient(GradBuilder& b) {
  const Value zeros = b.Apply("zeros_like", {b.input(0)});
  return {b.Apply("_slice_assign", {zeros, b.out_grad(0)}, SliceBoxParams(b.attrs()))};
}

}  // namespace

Params SliceBoxParams(const Attrs& attrs) {
  return {{"begin", attrs.Str("begin")}, {"end", attrs.Str("end")}, {"step", attrs.Str("step")}};
}

MX_REGISTER_OP(slice)
    .Describe(
        "Slices a region of the array: on axis i the elements begin[i], begin[i] + step[i], ... "
        "up to end[i] (exclusive), with Python's slice semantics (None, negative and "
        "out-of-range bounds; a negative step walks backwards). Axes past len(begin) are kept "
        "whole.")
    .Inputs({"data"})
    .Param("begin", "Shape(tuple)", nullptr, "starting indices for the slice operation, supports negative indices.")
    .Param("end", "Shape(tuple)", nullptr, "ending indices for the slice operation, supports negative indices.")
    .Param("step", "Shape(tuple)", "[]", "step for the slice operation, supports negative values.")
    .Shapes(SliceShape)
    .Types(SameTypes)
    .Gradient(SliceGradient)
    .Alias("crop");

MX_REGISTER_OP(slice_axis)
    .Describe(
        "Slices along one axis: the elements begin .. end - 1 of `axis` (negative values count "
        "from the end; end=None is the axis size). The range must be non-empty.")
    .Inputs({"data"})
    .Param("axis", "int", nullptr, "Axis along which to be sliced, supports negative indexes.")
    .Param("begin", "int", nullptr, "The beginning index along the axis to be sliced,  supports negative indexes.")
    .Param("end", "int or None", nullptr, "The ending index along the axis to be sliced,  supports negative indexes.")
    .Shapes(SliceAxisShape)
    .Types(SameTypes)
    .Gradient(AdjointGradient("_backward_slice_axis"));

MX_REGISTER_OP(slice_like)
    .Describe(
        "Slices the data to the shape of `shape_like` (from index 0), on the listed axes or, "
        "when axes is empty, on all of them.")
    .Inputs({"data", "shape_like"})
    .Param("axes", "Shape(tuple)", "()", "List of axes on which input data will be sliced according to the corresponding size of the second input. By default will slice on all axes. Negative axes are supported.")
    .Shapes(SliceLikeShape)
    .Types(DataTypeOnly)
    .Gradient(AdjointGradient("_backward_slice_like"));

MX_REGISTER_OPS(slice_adjoints) {
  RegisterAdjoint("_backward_slice_axis", "slice_axis",
                  "The gradient of slice_axis: zeros of data's shape with ograd at the sliced range.");
  RegisterAdjoint("_backward_slice_like", "slice_like",
                  "The gradient of slice_like: zeros of data's shape with ograd at the sliced corner.");
}

}  // namespace op
}  // namespace mx
