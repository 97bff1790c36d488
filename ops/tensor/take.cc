// take (pick whole slices along an axis by index) and pick (one element per
// position along an axis).  Index arrays may have any dtype; float indices
// are truncated.  Out-of-range indices are clipped or wrapped per `mode`.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/indexing.h"

namespace mx {
namespace op {

namespace {

bool TakeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& indices = (*in)[1];
  if (!a.is_known() || !indices.is_known()) return false;
  const std::string& name = attrs.op()->name;
  MX_CHECK(a.ndim() > 0, kValue, "operator ", name, ": cannot take from a 0-dimensional array");
  const int axis = NormalizeAxis(attrs.Int("axis"), a.ndim(), name);
  MX_CHECK(a[axis] > 0 || indices.Size() == 0, kIndex, "operator ", name,
           ": cannot take indices from axis ", axis, " of size 0");
  Shape result = Shape::Scalar();
  for (int i = 0; i < axis; ++i) result.push_back(a[i]);
  for (int64_t d : indices) result.push_back(d);
  for (int i = axis + 1; i < a.ndim(); ++i) result.push_back(a[i]);
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool PickShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const std::string& name = attrs.op()->name;
  MX_CHECK(!attrs.IsNone("axis"), kValue, "operator ", name,
           ": axis=None is not supported by pick; give an axis");
  MX_CHECK(data.ndim() > 0, kValue, "operator ", name, ": cannot pick from a 0-dimensional array");
  const int axis = NormalizeAxis(attrs.Int("axis"), data.ndim(), name);
  Shape reduced = Shape::Scalar(), kept = Shape::Scalar();
  for (int i = 0; i < data.ndim(); ++i) {
    if (i != axis) reduced.push_back(data[i]);
    kept.push_back(i == axis ? 1 : data[i]);
  }
  MX_CHECK(data[axis] > 0 || reduced.Size() == 0, kIndex, "operator ", name,
           ": cannot pick from axis ", axis, " of size 0");
  // One index per output element; as in MXNet, the index may keep the axis
  // (as size 1) whatever keepdims says.
  const Shape& index = (*in)[1];
  AssignShape(&(*in)[1], index.ndim() == data.ndim() ? kept : reduced, *attrs.op(), "index");
  AssignShape(&(*out)[0], attrs.Bool("keepdims") ? kept : reduced, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(take)
    .Describe(
        "Takes elements from an array along an axis: the output is "
        "a.shape[:axis] + indices.shape + a.shape[axis+1:], and out[..., i, ...] = "
        "a[..., indices[i], ...]. mode 'clip' clamps out-of-range indices, 'wrap' wraps them "
        "around, 'raise' fails on them.")
    .Inputs({"a", "indices"})
    .Param("axis", "int", "0", "The axis of input array to be taken.For input tensor of rank r, it could be in the range of [-r, r-1]")
    .Param("mode", "{'clip', 'raise', 'wrap'}", "'clip'", "Specify how out-of-bound indices bahave. Default is \"clip\". \"clip\" means clip to the range. So, if all indices mentioned are too large, they are replaced by the index that addresses the last element along an axis. \"wrap\" means to wrap around. \"raise\" means to raise an error when index out of range.")
    .Shapes(TakeShape)
    .Types(DataTypeOnly)
    .Gradient(AdjointGradient("_backward_take"));

MX_REGISTER_OP(pick)
    .Describe(
        "Picks one element per position along an axis: out[i, j] = data[i, index[i, j], j] for "
        "axis 1 of a 3-D array. The index has one entry per output element: the data's shape "
        "without the axis, or with it as 1 (whatever keepdims says). mode 'clip' clamps, 'wrap' "
        "wraps out-of-range indices.")
    .Inputs({"data", "index"})
    .Param("axis", "int or None", "-1", "int or None. The axis to picking the elements. Negative values means indexing from right to left. If is `None`, the elements in the index w.r.t the flattened input will be picked.")
    .Param("keepdims", "boolean", "False", "If true, the axis where we pick the elements is left in the result as dimension with size one.")
    .Param("mode", "{'clip', 'wrap'}", "'clip'", "Specify how out-of-bound indices behave. Default is \"clip\". \"clip\" means clip to the range. So, if all indices mentioned are too large, they are replaced by the index that addresses the last element along an axis.  \"wrap\" means to wrap around.")
    .Shapes(PickShape)
    .Types(DataTypeOnly)
    .Gradient(AdjointGradient("_backward_pick"))
    .Alias("choose_element_0index");

MX_REGISTER_OPS(take_pick_adjoints) {
  RegisterAdjoint("_backward_take", "take",
                  "The gradient of take: zeros of a's shape, each taken slice's ograd added at its "
                  "index (repeated indices accumulate).");
  RegisterAdjoint("_backward_pick", "pick",
                  "The gradient of pick: zeros of data's shape with ograd at the picked positions.");
}

}  // namespace op
}  // namespace mx
