// Contrib ops that count positions (MXNet 1.9's src/operator/contrib and
// tensor/init_op): _contrib_arange_like (an arange shaped like data, or
// like one of its axes), _contrib_index_array (every element's coordinates,
// int64) and _contrib_index_copy (old_tensor with the rows index_vector
// names replaced by new_tensor's rows).
#include <string>
#include <vector>

#include "common/dtype.h"
#include "ops/op.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

// data's shape, or (data.shape[axis],) when an axis is given.
bool ArangeLikeShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  MX_CHECK(attrs.Int("repeat") > 0, kValue, "operator ", attrs.op()->name, ": repeat must be positive, got ",
           attrs.Int("repeat"));
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  Shape shape = data;
  if (!attrs.IsNone("axis")) shape = Shape({data[NormalizeAxis(attrs.Int("axis"), data.ndim(), attrs, "axis")]});
  AssignShape(&(*out)[0], shape, *attrs.op(), "output");
  return true;
}

// The axes index_array reports: every axis of an ndim-array, or those asked
// for (negative ones counting from the end).
std::vector<int> IndexedAxes(const Attrs& attrs, int ndim) {
  std::vector<int> axes;
  if (attrs.IsNone("axes")) {
    for (int i = 0; i < ndim; ++i) axes.push_back(i);
  } else {
    for (int64_t axis : attrs.Tuple("axes")) axes.push_back(NormalizeAxis(axis, ndim, attrs, "axis"));
  }
  return axes;
}

bool IndexArrayShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  Shape shape = data;
  shape.push_back(static_cast<int64_t>(IndexedAxes(attrs, data.ndim()).size()));
  AssignShape(&(*out)[0], shape, *attrs.op(), "output");
  return true;
}

bool Int64Output(const Attrs& attrs, std::vector<int>*, std::vector<int>* out) {
  AssignType(&(*out)[0], kInt64, *attrs.op(), "output");
  return true;
}

// old_tensor (n, ...), index_vector (k,), new_tensor (k, ...) -> old_tensor's shape.
bool IndexCopyShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const std::string& op = attrs.op()->name;
  AssignShape(&(*out)[0], (*in)[0], *attrs.op(), "output");
  AssignShape(&(*in)[0], (*out)[0], *attrs.op(), "old_tensor");
  const Shape &old_tensor = (*in)[0], &index = (*in)[1], &new_tensor = (*in)[2];
  if (!old_tensor.is_known() || !index.is_known() || !new_tensor.is_known()) return false;
  MX_CHECK(index.ndim() == 1, kValue, op, ": index_vector must be 1-D, got shape ", index.ToString());
  MX_CHECK(old_tensor.ndim() >= 1 && new_tensor.ndim() == old_tensor.ndim(), kValue, op,
           ": new_tensor must have old_tensor's number of dimensions (at least 1), got ", new_tensor.ToString(),
           " and ", old_tensor.ToString());
  MX_CHECK(new_tensor[0] == index[0], kValue, op, ": new_tensor must have one row per index, got ",
           new_tensor.ToString(), " for ", index[0], " indices");
  for (int i = 1; i < old_tensor.ndim(); ++i)
    MX_CHECK(new_tensor[i] == old_tensor[i], kValue, op, ": the rows of new_tensor ", new_tensor.ToString(),
             " and old_tensor ", old_tensor.ToString(), " differ in shape");
  return true;
}

// The output and new_tensor take old_tensor's dtype; the index may have any.
bool IndexCopyType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  std::vector<int> tensors = {(*in)[0], (*in)[2]};
  const bool known = SameTypes(attrs, &tensors, out);
  (*in)[0] = tensors[0];
  (*in)[2] = tensors[1];
  return known && (*in)[1] >= 0;
}

}  // namespace

MX_REGISTER_OPS(contrib_index_ops) {
  Registry::Get()
      .Register("_contrib_arange_like")
      .Describe("Return an array with evenly spaced values. If axis is not given, the output will \n"
                "have the same shape as the input array. Otherwise, the output will be a 1-D array with size of \n"
                "the specified axis in input shape.\n\n"
                "Element i is start + (i / repeat) * step, with start and step in the output dtype "
                "(data's).")
      .Inputs({"data"})
      .Param("start", "double", "0", "Start of interval. The interval includes this value. The default start value is 0.")
      .Param("step", "double", "1", "Spacing between values.")
      .Param("repeat", "int", "1", "The repeating time of all elements. E.g repeat=3, the element a will be repeated three times --> a, a, a.")
      .Param("ctx", "string", "", "Context of output, in format [cpu|gpu|cpu_pinned](n).Only used for imperative calls.")
      .Param("axis", "int or None", "None", "Arange elements according to the size of a certain axis of input array. The negative numbers are interpreted counting from the backward. If not provided, will arange elements according to the input shape.")
      .Shapes(ArangeLikeShape)
      .Types([](const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
        return SameTypes(attrs, in, out);
      })
      .Gradient(ZeroGradient)  // as MXNet: data only lends its shape
      .Alias("_npx_arange_like");

  Registry::Get()
      .Register("_contrib_index_array")
      .Describe("Returns an array of indexes of the input array.\n\n"
                "For an input array with shape  :math:`(d_1, d_2, ..., d_n)`, `index_array` returns a "
                ":math:`(d_1, d_2, ..., d_n, n)` array `idx`, where :math:`idx[i_1, i_2, ..., i_n, :] = "
                "[i_1, i_2, ..., i_n]`.\n\n"
                "Additionally, when the parameter `axes` is specified, `idx` will be a :math:`(d_1, d_2, ..., "
                "d_n, m)` array where `m` is the length of `axes`, and the following equality will hold: "
                ":math:`idx[i_1, i_2, ..., i_n, j] = i_{axes[j]}`.")
      .Inputs({"data"})
      .Param("axes", "Shape or None", "None", "The axes to include in the index array. Supports negative values.")
      .Shapes(IndexArrayShape)
      .Types(Int64Output)
      .Gradient(ZeroGradient);  // as MXNet: data only lends its shape

  Registry::Get()
      .Register("_contrib_index_copy")
      .Describe("Copies the elements of a `new_tensor` into the `old_tensor`.\n\n"
                "This operator copies the elements by selecting the indices in the order given in `index`. "
                "The output will be a new tensor containing the rest elements of old tensor and the copied "
                "elements of new tensor. For example, if `index[i] == j`, then the `i` th row of `new_tensor` is "
                "copied to the `j` th row of output.\n\n"
                "The `index` must be a vector and it must have the same size with the `0` th dimension of "
                "`new_tensor`. Also, the `0` th dimension of old_tensor must `>=` the `0` th dimension of "
                "`new_tensor`, or an error will be raised.  Indices are truncated to integers; a repeated index "
                "takes its last row; an index outside old_tensor's rows is an error.")
      .Inputs({"old_tensor", "index_vector", "new_tensor"})
      .Shapes(IndexCopyShape)
      .Types(IndexCopyType)
      .Gradient([](GradBuilder& b) {
        const Value grad = b.out_grad(0), index = b.input(1);
        // old_tensor's rows that were replaced get nothing; new_tensor row i gets row index[i].
        const Value old_grad = b.Apply("_contrib_index_copy", {grad, index, b.Apply("zeros_like", {b.input(2)})});
        return std::vector<Value>{old_grad, Value(), b.Apply("take", {grad, index}, {{"axis", "0"}})};
      });
}

}  // namespace op
}  // namespace mx
