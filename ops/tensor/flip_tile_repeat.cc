// Ops that reorder or replicate elements along axes: reverse (flip), tile
// and repeat.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

bool ReverseShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  for (int64_t a : attrs.Tuple("axis")) NormalizeAxis(a, src.ndim(), attrs, "axis");
  AssignShape(&(*out)[0], src, *attrs.op(), "output");
  return true;
}

bool TileShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const Shape reps = attrs.Tuple("reps");
  for (int64_t r : reps)
    MX_CHECK(r >= 0, kValue, "operator tile: reps ", reps.ToString(), " must be non-negative");
  // The shorter of shape and reps is padded with leading 1s (numpy.tile).
  const int ndim = std::max(src.ndim(), reps.ndim());
  std::vector<int64_t> dims(ndim);
  for (int i = 0; i < ndim; ++i) {
    const int si = i - (ndim - src.ndim()), ri = i - (ndim - reps.ndim());
    dims[i] = (si >= 0 ? src[si] : 1) * (ri >= 0 ? reps[ri] : 1);
  }
  AssignShape(&(*out)[0], Shape(dims), *attrs.op(), "output");
  return true;
}

bool RepeatShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const int64_t repeats = attrs.Int("repeats");
  MX_CHECK(repeats >= 0, kValue, "operator repeat: repeats ", repeats, " must be non-negative");
  Shape result;
  if (attrs.IsNone("axis") || repeats == 0) {  // repeats 0: empty and flat, as in MXNet 1.9
    result = Shape({src.Size() * repeats});  // the flattened input, repeated
  } else {
    result = src;
    result[NormalizeAxis(attrs.Int("axis"), src.ndim(), attrs, "axis")] *= repeats;
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(reverse)
    .Describe(
        "Reverses the order of elements along given axis while preserving array shape.\n\n"
        "An axis named twice is reversed twice.")
    .Inputs({"data"})
    .Param("axis", "Shape(tuple)", nullptr, "The axis which to reverse elements.")
    .Shapes(ReverseShape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) {  // reversing again undoes it
      return std::vector<Value>{b.Apply("reverse", {b.out_grad(0)}, SameParams(b.attrs()))};
    })
    .Alias("flip");

MX_REGISTER_OP(tile)
    .Describe(
        "Repeats the whole array multiple times.\n\n"
        "Like numpy.tile: when reps has fewer entries than the input has dimensions it is "
        "padded with leading 1s, and when it has more the input shape is.")
    .Inputs({"data"})
    .Param("reps", "Shape(tuple)", nullptr, "The number of times for repeating the tensor a. Each dim size of reps must be a positive integer. If reps has length d, the result will have dimension of max(d, a.ndim); If a.ndim < d, a is promoted to be d-dimensional by prepending new axes. If a.ndim > d, reps is promoted to a.ndim by pre-pending 1's to it.")
    .Shapes(TileShape)
    .Types(SameTypes)
    .Gradient(AdjointGradient("_backward_tile"));

MX_REGISTER_OP(repeat)
    .Describe(
        "Repeats elements of an array.\n\n"
        "Each element is repeated `repeats` times along `axis`; with no axis the input is "
        "flattened first and the output is 1-D.")
    .Inputs({"data"})
    .Param("repeats", "int", nullptr, "The number of repetitions for each element.")
    .Param("axis", "int or None", "None", "The axis along which to repeat values. The negative numbers are interpreted counting from the backward. By default, use the flattened input array, and return a flat output array.")
    .Shapes(RepeatShape)
    .Types(SameTypes)
    .Gradient(AdjointGradient("_backward_repeat"));

// Registered after their forward ops, whose parameters they copy.
MX_REGISTER_OPS(tile_repeat_adjoints) {
  RegisterAdjoint("_backward_tile", "tile",
                  "The gradient of tile: each element of data receives the sum of ograd over its "
                  "copies.");
  RegisterAdjoint("_backward_repeat", "repeat",
                  "The gradient of repeat: each element of data receives the sum of ograd over its "
                  "repeats.");
}

}  // namespace op
}  // namespace mx
