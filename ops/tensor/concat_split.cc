// Joining arrays along an axis (Concat, stack) and cutting one into equal
// parts (SliceChannel, alias split).
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/layout_axis.h"

namespace mx {
namespace op {

namespace {

void CheckNumArgs(const Attrs& attrs) {
  MX_CHECK(attrs.Int("num_args") >= 1, kValue, "operator ", attrs.op()->name,
           ": num_args must be at least 1, got ", attrs.Int("num_args"));
}

bool ConcatShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  CheckNumArgs(attrs);
  for (const Shape& s : *in)
    if (!s.is_known()) return false;
  const Shape& first = (*in)[0];
  const int axis = NormalizeAxis(attrs.Int("dim"), first.ndim(), attrs, "dim");
  Shape result = first;
  result[axis] = 0;
  for (size_t k = 0; k < in->size(); ++k) {
    const Shape& s = (*in)[k];
    bool compatible = s.ndim() == first.ndim();
    for (int i = 0; compatible && i < s.ndim(); ++i) compatible = i == axis || s[i] == first[i];
    MX_CHECK(compatible, kValue, "operator Concat: input ", k, " has shape ", s.ToString(),
             " but input 0 has ", first.ToString(), "; they may differ only along dim ", axis);
    result[axis] += s[axis];
  }
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

bool StackShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  CheckNumArgs(attrs);
  for (const Shape& s : *in)
    if (!s.is_known()) return false;
  const Shape& first = (*in)[0];
  for (size_t k = 1; k < in->size(); ++k)
    MX_CHECK((*in)[k] == first, kValue, "operator stack: input ", k, " has shape ",
             (*in)[k].ToString(), " but input 0 has ", first.ToString(), "; all must be equal");
  const int axis = NormalizeAxis(attrs.Int("axis"), first.ndim() + 1, attrs, "axis");
  std::vector<int64_t> dims(first.begin(), first.end());
  dims.insert(dims.begin() + axis, static_cast<int64_t>(in->size()));
  AssignShape(&(*out)[0], Shape(dims), *attrs.op(), "output");
  return true;
}

int SplitCount(const Attrs& attrs) {
  const int64_t parts = attrs.Int("num_outputs");
  MX_CHECK(parts >= 1, kValue, "operator SliceChannel: num_outputs must be at least 1, got ", parts);
  return static_cast<int>(parts);
}

bool SplitShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const int64_t parts = SplitCount(attrs);
  const int axis = NormalizeAxis(attrs.Int("axis"), src.ndim(), attrs, "axis");
  MX_CHECK(src[axis] % parts == 0, kValue, "operator SliceChannel: cannot split axis ", axis,
           " of ", src.ToString(), " into num_outputs=", parts,
           " evenly sized parts: ", parts, " does not divide ", src[axis]);
  std::vector<int64_t> dims(src.begin(), src.end());
  dims[axis] /= parts;
  if (attrs.Bool("squeeze_axis")) {
    MX_CHECK(dims[axis] == 1, kValue, "operator SliceChannel: squeeze_axis needs the split axis (size ",
             src[axis], ") to equal num_outputs (", parts, ")");
    dims.erase(dims.begin() + axis);
  }
  for (Shape& s : *out) AssignShape(&s, Shape(dims), *attrs.op(), "outputs");
  return true;
}

}  // namespace

MX_REGISTER_OP(Concat)
    .Describe(
        "Joins input arrays along a given axis.\n\n"
        "The inputs must have the same shape except along the concatenation axis `dim`.")
    .VariadicInputs("data", "num_args")
    .Param("num_args", "int", nullptr, "Number of inputs to be concated.")
    .Param("dim", "int", "1", "the dimension to be concated.")
    .Shapes(ConcatShape)
    .Types(SameTypes)
    .Alias("concat");

MX_REGISTER_OP(stack)
    .Describe("Join a sequence of arrays along a new axis.\n\nAll inputs must have the same shape.")
    .VariadicInputs("data", "num_args")
    .Param("axis", "int", "0", "The axis in the result array along which the input arrays are stacked.")
    .Param("num_args", "int", nullptr, "Number of inputs to be stacked.")
    .Shapes(StackShape)
    .Types(SameTypes);

MX_REGISTER_OP(SliceChannel)
    .Describe(
        "Splits an array along a particular axis into multiple sub-arrays.\n\n"
        "The axis must divide into num_outputs equal parts; squeeze_axis removes the axis "
        "when each part has size 1 along it.")
    .Inputs({"data"})
    .NumOutputsFn(SplitCount)
    .Param("num_outputs", "int", nullptr, "Number of splits. Note that this should evenly divide the length of the `axis`.")
    .Param("axis", "int", "1", "Axis along which to split.")
    .Param("squeeze_axis", "boolean", "False", "If true, Removes the axis with length 1 from the shapes of the output arrays. **Note** that setting `squeeze_axis` to ``true`` removes axis with length 1 only along the `axis` which it is split. Also `squeeze_axis` can be set to ``true`` only if ``input.shape[axis] == num_outputs``.")
    .Shapes(SplitShape)
    .Types(SameTypes)
    .Alias("split");

}  // namespace op
}  // namespace mx
