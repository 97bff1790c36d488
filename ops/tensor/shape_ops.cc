// Ops that change only an array's shape, never its elements (expand_dims,
// squeeze, Flatten, reshape_like: the output may share the input's memory),
// and the two that report a shape as data (shape_array, size_array).
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

bool ExpandDimsShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  // The new axis may go anywhere in the (ndim + 1)-dimensional result.
  const int axis = NormalizeAxis(attrs.Int("axis"), src.ndim() + 1, attrs, "axis");
  std::vector<int64_t> dims(src.begin(), src.end());
  dims.insert(dims.begin() + axis, 1);
  AssignShape(&(*out)[0], Shape(dims), *attrs.op(), "output");
  return true;
}

bool SqueezeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  std::vector<bool> drop(src.ndim(), false);
  if (attrs.IsNone("axis")) {
    for (int i = 0; i < src.ndim(); ++i) drop[i] = src[i] == 1;
  } else {
    for (int64_t a : attrs.Tuple("axis")) {
      const int axis = NormalizeAxis(a, src.ndim(), attrs, "axis");
      MX_CHECK(src[axis] == 1, kValue, "operator squeeze: cannot squeeze axis ", a, " of ",
               src.ToString(), ": its size is ", src[axis], ", not 1");
      drop[axis] = true;
    }
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < src.ndim(); ++i)
    if (!drop[i]) dims.push_back(src[i]);
  // MXNet's NDArrays have at least one dimension: squeezing all gives (1,).
  if (dims.empty()) dims.push_back(1);
  AssignShape(&(*out)[0], Shape(dims), *attrs.op(), "output");
  return true;
}

bool FlattenShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  MX_CHECK(src.ndim() >= 1, kValue, "operator Flatten: the input must have at least one dimension");
  int64_t rest = 1;
  for (int i = 1; i < src.ndim(); ++i) rest *= src[i];
  AssignShape(&(*out)[0], Shape({src[0], rest}), *attrs.op(), "output");
  return true;
}

// One of reshape_like's optional bounds as an index in [0, ndim]: None gives
// fallback, a negative value counts from the end.
int LikeBound(const Attrs& attrs, const char* name, int ndim, int fallback) {
  if (attrs.IsNone(name)) return fallback;
  const int64_t v = attrs.Int(name);
  const int64_t bound = v < 0 ? v + ndim : v;
  MX_CHECK(bound >= 0 && bound <= ndim, kValue, "operator reshape_like: ", name, " ", v,
           " is out of range for an array of ", ndim, " dimensions");
  return static_cast<int>(bound);
}

bool ReshapeLikeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &lhs = (*in)[0], &rhs = (*in)[1];
  if (!lhs.is_known() || !rhs.is_known()) return false;
  const int lb = LikeBound(attrs, "lhs_begin", lhs.ndim(), 0);
  const int le = LikeBound(attrs, "lhs_end", lhs.ndim(), lhs.ndim());
  const int rb = LikeBound(attrs, "rhs_begin", rhs.ndim(), 0);
  const int re = LikeBound(attrs, "rhs_end", rhs.ndim(), rhs.ndim());
  MX_CHECK(lb <= le && rb <= re, kValue, "operator reshape_like: a begin bound exceeds its end");
  std::vector<int64_t> dims(lhs.begin(), lhs.begin() + lb);
  dims.insert(dims.end(), rhs.begin() + rb, rhs.begin() + re);
  dims.insert(dims.end(), lhs.begin() + le, lhs.end());
  const Shape result(dims);
  MX_CHECK(result.Size() == lhs.Size(), kValue, "operator reshape_like: cannot reshape lhs ",
           lhs.ToString(), " to ", result.ToString(), ": the sizes differ");
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool ShapeArrayShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() < 0) return false;
  AssignShape(&(*out)[0], Shape({(*in)[0].ndim()}), *attrs.op(), "output");
  return true;
}

bool SizeArrayShape(const Attrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  AssignShape(&(*out)[0], Shape({1}), *attrs.op(), "output");
  return true;
}

bool Int64Output(const Attrs& attrs, std::vector<int>*, std::vector<int>* out) {
  AssignType(&(*out)[0], static_cast<int>(DType::kInt64), *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(expand_dims)
    .Describe(
        "Inserts a new axis of size 1 into the array shape.\n\n"
        "For example, given ``x`` with shape ``(2,3,4)``, ``expand_dims(x, axis=1)`` has shape "
        "``(2,1,3,4)``.")
    .Inputs({"data"})
    .Param("axis", "int", nullptr, "Position where new axis is to be inserted. Suppose that the input `NDArray`'s dimension is `ndim`, the range of the inserted axis is `[-ndim, ndim]`")
    .Shapes(ExpandDimsShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(squeeze)
    .Describe(
        "Removes axes of length one from the array.\n\n"
        "With axis=None every size-1 axis goes; an array whose axes are all removed becomes "
        "shape (1,). Selecting an axis whose size is not 1 is an error.")
    .Inputs({"data"})
    .Param("axis", "Shape(tuple) or None", "None", "Selects a subset of the single-dimensional entries in the shape. If an axis is selected with shape entry greater than one, an error is raised.")
    .Shapes(SqueezeShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(Flatten)
    .Describe(
        "Flattens the input array into a 2-D array by collapsing the higher dimensions.\n\n"
        "For an input with shape ``(d1, d2, ..., dk)`` the output has shape "
        "``(d1, d2*...*dk)``.")
    .Inputs({"data"})
    .Shapes(FlattenShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ReshapeGradient)
    .Alias("flatten");

MX_REGISTER_OP(reshape_like)
    .Describe(
        "Reshape some or all dimensions of `lhs` to have the same shape as some or all "
        "dimensions of `rhs`.\n\n"
        "The output shape is lhs.shape[:lhs_begin] + rhs.shape[rhs_begin:rhs_end] + "
        "lhs.shape[lhs_end:]; it must hold as many elements as lhs.")
    .Inputs({"lhs", "rhs"})
    .Param("lhs_begin", "int or None", "None", "Defaults to 0. The beginning index along which the lhs dimensions are to be reshaped. Supports negative indices.")
    .Param("lhs_end", "int or None", "None", "Defaults to None. The ending index along which the lhs dimensions are to be used for reshaping. Supports negative indices.")
    .Param("rhs_begin", "int or None", "None", "Defaults to 0. The beginning index along which the rhs dimensions are to be used for reshaping. Supports negative indices.")
    .Param("rhs_end", "int or None", "None", "Defaults to None. The ending index along which the rhs dimensions are to be used for reshaping. Supports negative indices.")
    .Shapes(ReshapeLikeShape)
    .Types(FirstInputType)
    .Inplace({{0, 0}})
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(shape_array)
    .Describe("Returns a 1D int64 array containing the shape of data.")
    .Inputs({"data"})
    .Shapes(ShapeArrayShape)
    .Types(Int64Output)
    .Gradient(ZeroGradient);  // as MXNet: a shape does not vary with the values

MX_REGISTER_OP(size_array)
    .Describe("Returns a 1D int64 array of shape (1,) containing the number of elements of data.")
    .Inputs({"data"})
    .Shapes(SizeArrayShape)
    .Types(Int64Output)
    .Gradient(ZeroGradient);

}  // namespace op
}  // namespace mx
