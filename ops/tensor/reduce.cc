// Reductions: sum, mean, prod, nansum, nanprod, max, min and norm over a set
// of axes, and argmax, argmin, argmax_channel along one axis.
//
// MXNet 1.9's legacy shape rules: reducing every axis without keepdims gives
// shape (1,), never a 0-d array; axis=() means every axis; exclude reduces
// the axes NOT listed.
//
// Gradients are MXNet 1.9's, as graphs over _backward_sum (og spread back
// over the input x): max and min give og to every element equal to the
// result (ties included), prod gives og * prod / x (NaN where x is 0, as
// MXNet), the nan- forms give 0 at NaNs, norm gives og * sign(x) (ord 1) or
// og * x / norm (ord 2).  argmax and argmin have zero gradient;
// argmax_channel has none (MXNet 1.9 defines none).
#include "ops/tensor/reduce.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/dtype.h"
#include "ops/gradient_shorthands.h"
#include "ops/op.h"

namespace mx {
namespace op {

Shape ReduceAxesShape(const Shape& in, const Attrs& attrs, bool keepdims, bool exclude, const char* axis_param) {
  const std::string& name = attrs.op()->name;
  if (attrs.IsNone(axis_param) || attrs.Tuple(axis_param).ndim() == 0) {
    if (!keepdims) return Shape{1};
    Shape all_ones;
    for (int i = 0; i < in.ndim(); ++i) all_ones.push_back(1);
    return in.ndim() == 0 ? Shape{1} : all_ones;
  }
  Shape axes = attrs.Tuple(axis_param);
  for (int i = 0; i < axes.ndim(); ++i) {
    const int64_t given = axes[i];
    if (axes[i] < 0) axes[i] += in.ndim();
    MX_CHECK(axes[i] >= 0 && axes[i] < in.ndim(), kValue, "operator ", name, ": reduction axis ",
             given, " is out of range for an input of shape ", in.ToString());
  }
  std::sort(axes.data(), axes.data() + axes.ndim());
  for (int i = 1; i < axes.ndim(); ++i)
    MX_CHECK(axes[i - 1] != axes[i], kValue, "operator ", name, ": reduction axes ",
             attrs.Tuple(axis_param).ToString(), " have duplicates");
  bool listed[Shape::kMaxNDim] = {false};
  for (int i = 0; i < axes.ndim(); ++i) listed[axes[i]] = true;
  Shape out = Shape::Scalar();
  for (int i = 0; i < in.ndim(); ++i) {
    const bool reduced = listed[i] != exclude;
    if (!reduced) out.push_back(in[i]);
    else if (keepdims) out.push_back(1);
  }
  if (out.ndim() == 0) out.push_back(1);
  return out;
}

namespace {

bool ReduceShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known()) return false;
  const bool exclude = attrs.op()->name != "norm" && attrs.Bool("exclude");
  AssignShape(&(*out)[0], ReduceAxesShape((*in)[0], attrs, attrs.Bool("keepdims"), exclude),
              *attrs.op(), "output");
  return true;
}

// max and min have no identity: MXNet rejects an empty input.
bool MinMaxShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known()) return false;
  MX_CHECK((*in)[0].Size() > 0, kValue, "operator ", attrs.op()->name,
           ": reduction input's size should be > 0, got shape ", (*in)[0].ToString());
  return ReduceShape(attrs, in, out);
}

bool NormShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const int64_t ord = attrs.Int("ord");
  MX_CHECK(ord == 1 || ord == 2, kValue, "operator norm: only ord=1 and ord=2 are supported, got ord=", ord);
  return ReduceShape(attrs, in, out);
}

bool NormType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  if (attrs.IsNone("out_dtype")) return SameTypes(attrs, in, out);
  if ((*in)[0] < 0) return false;
  static const int kOutDTypes[] = {kFloat16, kFloat32, kFloat64, kInt32, kInt64, kInt8};
  AssignType(&(*out)[0], kOutDTypes[attrs.Int("out_dtype")], *attrs.op(), "output");
  return true;
}

// argmax / argmin: one axis, or the flattened input when axis is None (or
// the input is 1-D); the result is (1,) then.
Shape ReduceAxisShape(const Shape& in, bool has_axis, int64_t axis, bool keepdims, const std::string& name) {
  if (!has_axis || in.ndim() <= 1) {
    Shape out = Shape::Scalar();
    for (int i = 0; i < in.ndim() && keepdims; ++i) out.push_back(1);
    if (out.ndim() == 0) out.push_back(1);
    return out;
  }
  MX_CHECK(axis >= -in.ndim() && axis < in.ndim(), kValue, "operator ", name, ": axis ", axis,
           " is out of range for an input of shape ", in.ToString());
  if (axis < 0) axis += in.ndim();
  Shape out = Shape::Scalar();
  for (int i = 0; i < in.ndim(); ++i) {
    if (i != axis) out.push_back(in[i]);
    else if (keepdims) out.push_back(1);
  }
  return out;
}

bool ArgReduceShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& src = (*in)[0];
  if (!src.is_known()) return false;
  const std::string& name = attrs.op()->name;
  const bool channel = name == "argmax_channel";
  const bool has_axis = channel || !attrs.IsNone("axis");
  const int64_t axis = channel ? 1 : has_axis ? attrs.Int("axis") : 0;
  const Shape result = ReduceAxisShape(src, has_axis, axis, !channel && attrs.Bool("keepdims"), name);
  // An empty reduction has no position to return.
  const bool flat = !has_axis || src.ndim() <= 1;
  const int64_t length = flat ? src.Size() : src[axis < 0 ? axis + src.ndim() : axis];
  MX_CHECK(length > 0, kValue, "operator ", name, ": cannot search an empty axis of an input of shape ",
           src.ToString());
  AssignShape(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

// v, of the reduction's output shape, spread over x's shape (`backward`:
// _backward_sum, or _backward_mean to divide by the count too).
Value Unreduce(GradBuilder& b, Value v, Value x, const char* backward = "_backward_sum") {
  const Attrs& attrs = b.attrs();
  const bool has_exclude = attrs.op()->name != "norm";
  return b.Apply(backward, {v, x},
                 {{"axis", attrs.Str("axis")}, {"keepdims", attrs.Str("keepdims")},
                  {"exclude", has_exclude ? attrs.Str("exclude") : "False"}});
}

std::vector<Value> ReduceGradient(GradBuilder& b) {
  const std::string& name = b.attrs().op()->name;
  const Value x = b.input(0), og = b.out_grad(0);
  if (name == "mean") return {Unreduce(b, og, x, "_backward_mean")};
  const Value g = Unreduce(b, og, x);
  if (name == "sum") return {g};
  if (name == "nansum") return {Mul(b, g, b.Apply("_equal", {x, x}))};
  const Value y = Unreduce(b, b.output(0), x);
  if (name == "max" || name == "min") return {Mul(b, g, b.Apply("_equal", {x, y}))};
  const Value dx = Mul(b, g, Div(b, y, x));
  if (name == "prod") return {dx};
  return {Where(b, b.Apply("_equal", {x, x}), dx, b.Apply("zeros_like", {x}))};  // nanprod
}

// With out_dtype the gradient is computed in it and cast back to x's dtype.
std::vector<Value> NormGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const Value data = b.input(0);
  const Value x = attrs.IsNone("out_dtype") ? data : b.Apply("Cast", {data}, {{"dtype", attrs.Str("out_dtype")}});
  const Value g = Unreduce(b, b.out_grad(0), x);
  const Value dx = attrs.Int("ord") == 1 ? Mul(b, g, Unary(b, "sign", x))
                                         : Mul(b, g, Div(b, x, Unreduce(b, b.output(0), x)));
  return {attrs.IsNone("out_dtype") ? dx : b.Apply("_cast_like", {dx, data})};
}

constexpr const char* kAxesDoc =
    "The axis or axes along which to perform the reduction.\n\n"
    "The default, `axis=()`, will compute over all elements into a scalar array with shape "
    "`(1,)`.\n\nIf `axis` is int, a reduction is performed on a particular axis.\n\n"
    "If `axis` is a tuple of ints, a reduction is performed on all the axes specified in the "
    "tuple.\n\nIf `exclude` is true, reduction will be performed on the axes that are NOT in "
    "axis instead.\n\nNegative values means indexing from right to left.";

struct ReduceSpec {
  const char* name;
  const char* alias;  // nullptr: none
  const char* description;
  bool min_max;       // rejects empty inputs
};

const ReduceSpec kReductions[] = {
    {"sum", "sum_axis", "Computes the sum of array elements over given axes.", false},
    {"mean", nullptr, "Computes the mean of array elements over given axes.", false},
    {"prod", nullptr, "Computes the product of array elements over given axes.", false},
    {"nansum", nullptr,
     "Computes the sum of array elements over given axes treating Not a Numbers (NaN) as zero.",
     false},
    {"nanprod", nullptr,
     "Computes the product of array elements over given axes treating Not a Numbers (NaN) as one.",
     false},
    {"max", "max_axis", "Computes the max of array elements over given axes.", true},
    {"min", "min_axis", "Computes the min of array elements over given axes.", true},
};

}  // namespace

MX_REGISTER_OPS(reductions) {
  for (const ReduceSpec& spec : kReductions) {
    OpDef& op = Registry::Get()
                    .Register(spec.name)
                    .Describe(spec.description)
                    .Inputs({"data"})
                    .Param("axis", "Shape or None", "None", kAxesDoc)
                    .Param("keepdims", "boolean", "False",
                           "If this is set to `True`, the reduced axes are left in the result as "
                           "dimension with size one.")
                    .Param("exclude", "boolean", "False",
                           "Whether to perform reduction on axis that are NOT in axis instead.")
                    .Shapes(spec.min_max ? MinMaxShape : ReduceShape)
                    .Types(SameTypes)
                    .Gradient(ReduceGradient);
    if (spec.alias) op.Alias(spec.alias);
  }
}

MX_REGISTER_OP(norm)
    .Describe(
        "Computes the norm on an NDArray.\n\nThis operator computes the norm on an NDArray with "
        "the specified axis, depending on the value of the ord parameter. By default, it "
        "computes the L2 norm on the entire array. Currently only ord=2 supports sparse "
        "ndarrays.")
    .Inputs({"data"})
    .Param("ord", "int", "2", "Order of the norm. Currently ord=1 and ord=2 is supported.")
    .Param("axis", "Shape or None", "None",
           "The axis or axes along which to perform the reduction.\n      The default, `axis=()`, "
           "will compute over all elements into a\n      scalar array with shape `(1,)`.\n      If "
           "`axis` is int, a reduction is performed on a particular axis.\n      If `axis` is a "
           "2-tuple, it specifies the axes that hold 2-D matrices,\n      and the matrix norms of "
           "these matrices are computed.")
    .Param("out_dtype", "{'float16', 'float32', 'float64', 'int32', 'int64', 'int8'} or None", "None",
           "The data type of the output.")
    .Param("keepdims", "boolean", "False",
           "If this is set to `True`, the reduced axis is left in the result as dimension with "
           "size one.")
    .Shapes(NormShape)
    .Types(NormType)
    .Gradient(NormGradient);

MX_REGISTER_OPS(arg_reductions) {
  const std::pair<const char*, const char*> kSearches[] = {{"argmax", "maximum"}, {"argmin", "minimum"}};
  for (const auto& [name, extreme] : kSearches) {
    Registry::Get()
        .Register(name)
        .Describe(std::string("Returns indices of the ") + extreme +
                  " values along an axis.\n\nIn the case of multiple occurrences of the extreme "
                  "value, the index of the first occurrence is returned. The indices have the "
                  "input's dtype.")
        .Inputs({"data"})
        .Param("axis", "int or None", "None",
               "The axis along which to perform the reduction. Negative values means indexing "
               "from right to left. ``Requires axis to be set as int, because global reduction "
               "is not supported yet.``")
        .Param("keepdims", "boolean", "False",
               "If this is set to `True`, the reduced axis is left in the result as dimension "
               "with size one.")
        .Shapes(ArgReduceShape)
        .Types(SameTypes)
        .Gradient(ZeroGradient);
  }
}

MX_REGISTER_OP(argmax_channel)
    .Describe(
        "Returns argmax indices of each channel (axis 1) from the input array; for a 1-D input, "
        "of the whole array.")
    .Inputs({"data"})
    .Shapes(ArgReduceShape)
    .Types(SameTypes);

}  // namespace op
}  // namespace mx
