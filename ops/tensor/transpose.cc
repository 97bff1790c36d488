// Axis permutations: transpose (any order) and SwapAxis (two axes).
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

bool TransposeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const Shape axes = attrs.Tuple("axes");
  const int ndim = src.ndim();
  Shape result = src;
  if (axes.ndim() == 0) {
    for (int i = 0; i < ndim; ++i) result[i] = src[ndim - 1 - i];
  } else {
    MX_CHECK(axes.ndim() == ndim, kValue, "operator transpose: axes ", axes.ToString(), " has ",
             axes.ndim(), " entries but the input ", src.ToString(), " has ", ndim, " dimensions");
    std::vector<bool> seen(ndim, false);
    for (int i = 0; i < ndim; ++i) {
      const int axis = NormalizeAxis(axes[i], ndim, attrs, "axis");
      MX_CHECK(!seen[axis], kValue, "operator transpose: axes ", axes.ToString(),
               " repeats axis ", axes[i]);
      seen[axis] = true;
      result[i] = src[axis];
    }
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool SwapAxisShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const int a = NormalizeAxis(attrs.Int("dim1"), src.ndim(), attrs, "dim1");
  const int b = NormalizeAxis(attrs.Int("dim2"), src.ndim(), attrs, "dim2");
  Shape result = src;
  result[a] = src[b];
  result[b] = src[a];
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

// The gradient undoes the permutation: transpose by its inverse.
std::vector<Value> TransposeGradient(GradBuilder& b) {
  const Shape axes = b.attrs().Tuple("axes");
  Shape inverse = axes;
  for (int i = 0; i < axes.ndim(); ++i)
    inverse[NormalizeAxis(axes[i], axes.ndim(), b.attrs(), "axis")] = i;
  return {b.Apply("transpose", {b.out_grad(0)}, {{"axes", inverse.ToString()}})};
}

}  // namespace

MX_REGISTER_OP(transpose)
    .Describe(
        "Permutes the dimensions of an array.\n\n"
        "Output dimension i is input dimension axes[i]; with no axes the dimensions are reversed. "
        "Negative axes count from the end.")
    .Inputs({"data"})
    .Param("axes", "Shape(tuple)", "()", "Target axis order. By default the axes will be inverted.")
    .Shapes(TransposeShape)
    .Types(SameTypes)
    .Gradient(TransposeGradient);

MX_REGISTER_OP(SwapAxis)
    .Describe("Interchanges two axes of an array.")
    .Inputs({"data"})
    .Param("dim1", "int", "0", "the first axis to be swapped.")
    .Param("dim2", "int", "0", "the second axis to be swapped.")
    .Shapes(SwapAxisShape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) {  // swapping again undoes it
      return std::vector<Value>{b.Apply("SwapAxis", {b.out_grad(0)}, SameParams(b.attrs()))};
    })
    .Alias("swapaxes");

}  // namespace op
}  // namespace mx
