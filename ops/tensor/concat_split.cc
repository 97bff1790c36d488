// Joining arrays along an axis (Concat, stack) and cutting one into equal
// parts (SliceChannel, alias split) or at given indices (_split_v2).
#include <algorithm>
#include <string>
#include <vector>

#include "ops/op.h"
#include "ops/tensor/adjoint.h"
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

// _split_v2's cut points along the axis: `sections` equal parts, or the
// pieces starting at `indices` (MXNet's wrapper prepends 0), the last one
// running to the end.  Returns the piece starts followed by the axis size.
std::vector<int64_t> SplitV2Bounds(const Attrs& attrs, int64_t size) {
  const int64_t sections = attrs.Int("sections");
  std::vector<int64_t> bounds;
  if (sections > 0) {
    // MXNet's kernel mis-sizes the last piece of an uneven split; its wrapper
    // documents the error we raise.
    MX_CHECK(size % sections == 0, kValue, "operator _split_v2: cannot split an axis of size ", size,
             " into ", sections, " equal sections");
    for (int64_t k = 0; k <= sections; ++k) bounds.push_back(size / sections * k);
    return bounds;
  }
  const Shape indices = attrs.Tuple("indices");
  bounds.assign(indices.begin(), indices.end());
  bounds.push_back(size);
  // MXNet requires the same through its shape check (the pieces must add up to the input).
  MX_CHECK(bounds[0] == 0, kValue, "operator _split_v2: indices must start at 0, got ", bounds[0]);
  // Rationale: empty pieces (a repeated index, or one at the axis's end) are
  // allowed, as numpy.split and MX's split_v2 before this op allow them;
  // MXNet 1.9 rejects them.
  for (size_t k = 0; k + 1 < bounds.size(); ++k)
    MX_CHECK(bounds[k] <= bounds[k + 1], kValue, "operator _split_v2: piece ", k, " would run from ",
             bounds[k], " to ", bounds[k + 1], ": indices must not decrease nor pass the axis size ", size);
  return bounds;
}

int SplitV2Count(const Attrs& attrs) {
  const int64_t sections = attrs.Int("sections");
  MX_CHECK(sections >= 0, kValue, "operator _split_v2: sections must be non-negative, got ", sections);
  const int64_t count = sections > 0 ? sections : attrs.Tuple("indices").ndim();
  MX_CHECK(count >= 1, kValue, "operator _split_v2: needs sections > 0 or at least one index");
  return static_cast<int>(count);
}

bool SplitV2Shape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  SplitV2Count(attrs);
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const int axis = NormalizeAxis(attrs.Int("axis"), src.ndim(), attrs, "axis");
  const std::vector<int64_t> bounds = SplitV2Bounds(attrs, src[axis]);
  for (size_t k = 0; k < out->size(); ++k) {
    std::vector<int64_t> dims(src.begin(), src.end());
    dims[axis] = bounds[k + 1] - bounds[k];
    if (attrs.Bool("squeeze_axis")) {
      MX_CHECK(dims[axis] == 1, kValue, "operator _split_v2: squeeze_axis needs pieces of size 1 along axis ",
               axis, ", piece ", k, " has size ", dims[axis]);
      dims.erase(dims.begin() + axis);
    }
    AssignShape(&(*out)[k], Shape(dims), *attrs.op(), "outputs");
  }
  return true;
}

// _backward_Concat(ograd, data...): the parts of ograd, shaped like the data.
bool ConcatAdjointShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  std::vector<Shape> parts(in->begin() + 1, in->end()), whole(1);
  for (size_t k = 0; k < out->size(); ++k) {
    AssignShape(&(*out)[k], parts[k], *attrs.op(), "outputs (the data shapes)");
    AssignShape(&parts[k], (*out)[k], *attrs.op(), "data");
  }
  std::copy(parts.begin(), parts.end(), in->begin() + 1);
  for (const Shape& s : parts)
    if (!s.is_known()) return false;
  ConcatShape(attrs, &parts, &whole);
  AssignShape(&(*in)[0], whole[0], *attrs.op(), "ograd (the forward output)");
  return (*in)[0].is_known();
}

std::vector<Value> OutGrads(GradBuilder& b, int count) {
  std::vector<Value> grads;
  for (int k = 0; k < count; ++k) grads.push_back(b.out_grad(k));
  return grads;
}

// The gradient of a split into `count` pieces (SliceChannel, _split_v2): the
// pieces' gradients joined back along the axis it cut.
std::vector<Value> JoinedOutGrads(GradBuilder& b, int count) {
  const Attrs& attrs = b.attrs();
  const std::vector<Value> parts = OutGrads(b, count);
  const std::string num_args = std::to_string(count), axis = attrs.Str("axis");
  // Squeezed pieces lost the axis: stacking restores it.
  if (attrs.Bool("squeeze_axis")) return {b.Apply("stack", parts, {{"num_args", num_args}, {"axis", axis}})};
  return {b.Apply("Concat", parts, {{"num_args", num_args}, {"dim", axis}})};
}

// MXNet's text for both splits' squeeze_axis.
constexpr char kSqueezeAxisDoc[] =
    "If true, Removes the axis with length 1 from the shapes of the output arrays. **Note** that setting "
    "`squeeze_axis` to ``true`` removes axis with length 1 only along the `axis` which it is split. Also "
    "`squeeze_axis` can be set to ``true`` only if ``input.shape[axis] == num_outputs``.";

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
    .Gradient([](GradBuilder& b) {
      std::vector<Value> args{b.out_grad(0)};
      for (int k = 0; k < b.num_inputs(); ++k) args.push_back(b.input(k));
      return b.ApplyN("_backward_Concat", args, {{"num_args", std::to_string(args.size())},
                                                 {"dim", b.attrs().Str("dim")}});
    })
    .Alias("concat");

// Variadic (ograd, then the data) so every frontend can call it.
MX_REGISTER_OP(_backward_Concat)
    .Describe("The gradient of Concat: ograd cut along dim into parts shaped like the data.")
    .VariadicInputs("data", "num_args")
    .NumOutputsFn([](const Attrs& attrs) {
      MX_CHECK(attrs.Int("num_args") >= 2, kValue, "operator ", attrs.op()->name,
               ": num_args (ograd and the data) must be at least 2, got ", attrs.Int("num_args"));
      return static_cast<int>(attrs.Int("num_args")) - 1;
    })
    .Param("num_args", "int", nullptr, "Number of inputs: ograd and the arrays that were concated.")
    .Param("dim", "int", "1", "the dimension that was concated.")
    .Shapes(ConcatAdjointShape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) {
      const int parts = b.num_inputs() - 1;
      std::vector<Value> grads(b.num_inputs());
      grads[0] = b.Apply("Concat", OutGrads(b, parts),
                         {{"num_args", std::to_string(parts)}, {"dim", b.attrs().Str("dim")}});
      return grads;
    });

MX_REGISTER_OP(stack)
    .Describe("Join a sequence of arrays along a new axis.\n\nAll inputs must have the same shape.")
    .VariadicInputs("data", "num_args")
    .Param("axis", "int", "0", "The axis in the result array along which the input arrays are stacked.")
    .Param("num_args", "int", nullptr, "Number of inputs to be stacked.")
    .Shapes(StackShape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) {
      return b.ApplyN("SliceChannel", {b.out_grad(0)},
                      {{"num_outputs", std::to_string(b.num_inputs())},
                       {"axis", b.attrs().Str("axis")},
                       {"squeeze_axis", "True"}});
    });

MX_REGISTER_OP(SliceChannel)
    .Describe(
        "Splits an array along a particular axis into multiple sub-arrays.\n\n"
        "The axis must divide into num_outputs equal parts; squeeze_axis removes the axis "
        "when each part has size 1 along it.")
    .Inputs({"data"})
    .NumOutputsFn(SplitCount)
    .Param("num_outputs", "int", nullptr, "Number of splits. Note that this should evenly divide the length of the `axis`.")
    .Param("axis", "int", "1", "Axis along which to split.")
    .Param("squeeze_axis", "boolean", "False", kSqueezeAxisDoc)
    .Shapes(SplitShape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) { return JoinedOutGrads(b, SplitCount(b.attrs())); })
    .Alias("split");

MX_REGISTER_OP(_split_v2)
    .Describe(
        "Splits an array along a particular axis into multiple sub-arrays (the op behind split_v2).\n\n"
        "Either `sections` equal pieces, or pieces starting at each of `indices` (which start at 0 and "
        "do not decrease), the last one running to the end of the axis. squeeze_axis removes the axis from "
        "pieces of size 1 along it.")
    .Inputs({"data"})
    .NumOutputsFn(SplitV2Count)
    .Param("indices", "Shape(tuple)", nullptr, "Indices of splits. The elements should denote the boundaries of at which split is performed along the `axis`.")
    .Param("axis", "int", "1", "Axis along which to split.")
    .Param("squeeze_axis", "boolean", "False", kSqueezeAxisDoc)
    .Param("sections", "int", "0", "Number of sections if equally splitted. Default to 0 which means split by indices.")
    .Shapes(SplitV2Shape)
    .Types(SameTypes)
    .Gradient([](GradBuilder& b) { return JoinedOutGrads(b, SplitV2Count(b.attrs())); });

}  // namespace op
}  // namespace mx
