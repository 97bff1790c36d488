// gather_nd, scatter_nd and _scatter_set_nd: N-d indexing by an index array
// whose first axis (of length M) holds coordinates into the data's first M
// axes.  indices (M, Y...) with data (X0..X_{M-1}, Z...) gives (Y..., Z...).
// Coordinates may be negative (from the end); outside [-X, X) the kernel
// fails.  _scatter_set_nd is what NDArray's `a[idx_array] = x` runs.
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
#include "ops/tensor/indexing.h"

namespace mx {
namespace op {

namespace {

// The shape (Y..., Z...) the indices select from a `target`-shaped array.
Shape SelectedShape(const Shape& target, const Shape& indices, const std::string& name) {
  MX_CHECK(indices.ndim() > 0, kValue, "operator ", name, ": indices must have at least one dimension");
  const int64_t m = indices[0];
  MX_CHECK(m >= 1 && m <= target.ndim(), kValue, "operator ", name, ": indices.shape[0] = ", m,
           " must be in [1, ", target.ndim(), "] (the dimensions of ", target.ToString(), ")");
  Shape result = Shape::Scalar();
  for (int i = 1; i < indices.ndim(); ++i) result.push_back(indices[i]);
  for (int i = static_cast<int>(m); i < target.ndim(); ++i) result.push_back(target[i]);
  return result;
}

bool GatherNDShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known() || !(*in)[1].is_known()) return false;
  AssignShape(&(*out)[0], SelectedShape((*in)[0], (*in)[1], attrs.op()->name), *attrs.op(), "output");
  return true;
}

bool ScatterNDShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& indices = (*in)[1];
  if (!indices.is_known()) return false;
  const Shape target = attrs.Tuple("shape");
  AssignShape(&(*in)[0], SelectedShape(target, indices, attrs.op()->name), *attrs.op(), "data");
  AssignShape(&(*out)[0], target, *attrs.op(), "output");
  return true;
}

bool ScatterSetNDShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& lhs = (*in)[0];
  const Shape& indices = (*in)[2];
  if (!lhs.is_known() || !indices.is_known()) return false;
  AssignShape(&(*in)[0], attrs.Tuple("shape"), *attrs.op(), "lhs (parameter shape)");
  AssignShape(&(*in)[1], SelectedShape(lhs, indices, attrs.op()->name), *attrs.op(), "rhs");
  AssignShape(&(*out)[0], lhs, *attrs.op(), "output");
  return true;
}

// lhs and rhs share a dtype; indices are free.
bool ScatterSetNDType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const OpDef& op = *attrs.op();
  int t = -1;
  for (int v : {(*in)[0], (*in)[1], (*out)[0]}) AssignType(&t, v, op, "lhs, rhs and output");
  (*in)[0] = (*in)[1] = (*out)[0] = t;
  return t >= 0;
}

Value GatherND(GradBuilder& b, Value data, Value indices) { return b.Apply("gather_nd", {data, indices}); }

}  // namespace

MX_REGISTER_OP(gather_nd)
    .Describe(
        "Gathers elements or slices of data by N-d coordinates: with indices of shape "
        "(M, Y0, ..., Yk), output[y0, ..., yk, z...] = data[indices[0, y0, ..., yk], ..., "
        "indices[M-1, y0, ..., yk], z...]. Negative coordinates count from the end.")
    .Inputs({"data", "indices"})
    .Shapes(GatherNDShape)
    .Types(DataTypeOnly)
    .Gradient(AdjointGradient("_backward_gather_nd"));

MX_REGISTER_OPS(gather_nd_adjoint) {
  RegisterAdjoint("_backward_gather_nd", "gather_nd",
                  "The gradient of gather_nd: zeros of data's shape, each gathered element's or "
                  "slice's ograd added where it came from (repeated indices accumulate).");
}

MX_REGISTER_OP(scatter_nd)
    .Describe(
        "Scatters data into a new array of the given shape, zero elsewhere: the inverse of "
        "gather_nd. Where indices repeat, the last write wins.")
    .Inputs({"data", "indices"})
    .Param("shape", "Shape(tuple)", nullptr, "Shape of output.")
    .Shapes(ScatterNDShape)
    .Types(DataTypeOnly)
    .Gradient([](GradBuilder& b) {
      // As MXNet: with repeated indices only the last write reached the
      // output, yet every copy gets the gradient.
      return std::vector<Value>{GatherND(b, b.out_grad(0), b.input(1)), Value()};
    });

MX_REGISTER_OP(_scatter_set_nd)
    .Describe(
        "lhs with the elements or slices that gather_nd(lhs, indices) selects set to rhs "
        "(used by NDArray's advanced-index assignment). Where indices repeat, the last write "
        "wins.")
    .Inputs({"lhs", "rhs", "indices"})
    .Param("shape", "Shape(tuple)", nullptr, "Shape of output.")
    .Shapes(ScatterSetNDShape)
    .Types(ScatterSetNDType)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) {
      // The written elements came from rhs, the others from lhs.
      const Value og = b.out_grad(0), indices = b.input(2);
      const Value cleared = b.Apply("_scatter_set_nd", {og, b.Apply("zeros_like", {b.input(1)}), indices},
                                    {{"shape", b.attrs().Str("shape")}});
      return std::vector<Value>{cleared, GatherND(b, og, indices), Value()};
    });

}  // namespace op
}  // namespace mx
