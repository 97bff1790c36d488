// take (pick whole slices along an axis by index) and pick (one element per
// position along an axis).  Index arrays may have any dtype; float indices
// are truncated.  Out-of-range indices are clipped or wrapped per `mode`.
// batch_take, MXNet's deprecated pick: one element of each row along the
// last axis, int32 indices (as MXNet 1.9 requires) clipped; no gradient.
// fill_element_0index, its legacy counterpart that writes: one element of
// each row of a matrix set; no gradient either.
#include <algorithm>
#include <string>
#include <vector>

#include "common/dtype.h"
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

// The output has the indices' shape: one per row of a's last axis.
bool BatchTakeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &a = (*in)[0], &indices = (*in)[1];
  if (indices.is_known()) AssignShape(&(*out)[0], indices, *attrs.op(), "output");
  else if ((*out)[0].is_known()) AssignShape(&(*in)[1], (*out)[0], *attrs.op(), "indices");
  if (!a.is_known() || !(*out)[0].is_known()) return false;
  MX_CHECK(a.ndim() >= 2, kValue, "batch_take: data must have at least 2 dimensions, got shape ", a.ToString());
  const int64_t rows = a.Size() / std::max<int64_t>(a[a.ndim() - 1], 1);
  MX_CHECK(a[a.ndim() - 1] > 0 ? rows == (*out)[0].Size() : (*out)[0].Size() == 0, kValue,
           "batch_take: the indices (shape ", (*out)[0].ToString(), ") must have one entry per row of data ",
           a.ToString(), " along its last axis (", rows, ")");
  return true;
}

bool BatchTakeType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*in)[1], kInt32, *attrs.op(), "indices");
  return DataTypeOnly(attrs, in, out);
}

// lhs (n, m), mhs and rhs (n,): the output has lhs's shape.
bool FillElementShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignShape(&(*in)[0], (*out)[0], *attrs.op(), "lhs");
  const Shape &lhs = (*in)[0], &mhs = (*in)[1], &rhs = (*in)[2];
  if (!lhs.is_known() || !mhs.is_known() || !rhs.is_known()) return false;
  MX_CHECK(lhs.ndim() == 2 && mhs.ndim() == 1 && rhs.ndim() == 1, kValue,
           "fill_element_0index: needs a 2-D lhs, 1-D mhs (values) and 1-D rhs (indices), got shapes ",
           lhs.ToString(), ", ", mhs.ToString(), " and ", rhs.ToString());
  MX_CHECK(mhs[0] == lhs[0] && rhs[0] == lhs[0], kValue, "fill_element_0index: mhs ", mhs.ToString(),
           " and rhs ", rhs.ToString(), " must have one entry per row of lhs ", lhs.ToString());
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

MX_REGISTER_OP(batch_take)
    .Describe(
        "Takes elements from a data batch.\n\n"
        ".. note::\n  `batch_take` is deprecated. Use `pick` instead.\n\n"
        "Given an input array of shape ``(d0, d1)`` and indices of shape ``(i0,)``, the result will be "
        "an output array of shape ``(i0,)`` with::\n\n  output[i] = input[i, indices[i]]\n\n"
        "Indices (int32) out of range are clipped. Data of more dimensions is read as rows along its last "
        "axis.\n\nExamples::\n\n  x = [[ 1.,  2.],\n       [ 3.,  4.],\n       [ 5.,  6.]]\n\n"
        "  // takes elements with specified indices\n  batch_take(x, [0,1,0]) = [ 1.  4.  5.]")
    .Inputs({"a", "indices"})
    .Shapes(BatchTakeShape)
    .Types(BatchTakeType);

// Rationale: MXNet's legacy function takes float32 only; every dtype is
// taken here, the same for all three arrays as there.
MX_REGISTER_OP(fill_element_0index)
    .Describe(
        "Fill one element of each line(row for python, column for R/Julia) in lhs according to index "
        "indicated by rhs and values indicated by mhs. This function assume rhs uses 0-based index.\n\n"
        "out = lhs, then out[i, rhs[i]] = mhs[i] for each row i of the 2-D lhs. Float indices are "
        "truncated; a row whose index is outside [0, lhs.shape[1]) is left unchanged, as in MXNet.")
    .Inputs({"lhs", "mhs", "rhs"})
    .Shapes(FillElementShape)
    .Types(SameTypes)
    .Inplace({{0, 0}});

MX_REGISTER_OPS(take_pick_adjoints) {
  RegisterAdjoint("_backward_take", "take",
                  "The gradient of take: zeros of a's shape, each taken slice's ograd added at its "
                  "index (repeated indices accumulate).");
  RegisterAdjoint("_backward_pick", "pick",
                  "The gradient of pick: zeros of data's shape with ograd at the picked positions.");
}

}  // namespace op
}  // namespace mx
