// sort, argsort and topk: ordering along one axis, or over the flattened
// input when axis is None.
//
// MXNet 1.9's rules: topk's k < 1 selects the whole axis and k must then lie
// in [1, axis length]; ret_typ 'value' / 'indices' / 'mask' give one output,
// 'both' gives [values, indices]; 'mask' has the input's shape and dtype with
// 1 at the selected positions.  Indices take the `dtype` parameter's type,
// which must represent every index of the axis exactly.  Equal values keep
// their input order (the smaller index first, in either direction) and NaN
// orders above +inf, so it ends an ascending order and starts a descending one.
// Every numeric input dtype is accepted, float16 too (MXNet 1.9's CPU kernels
// reject float16 data; nothing is gained by copying that gap).
#include <cstdint>
#include <string>

#include "common/dtype.h"
#include "ops/op.h"
#include "ops/tensor/adjoint.h"

namespace mx {
namespace op {

namespace {

// The index dtypes in the order of the `dtype` parameter's choices.
const int kIndexDTypes[] = {kFloat16, kFloat32, kFloat64, kInt32, kInt64, kUint8};
constexpr const char* kIndexDTypeChoices = "{'float16', 'float32', 'float64', 'int32', 'int64', 'uint8'}";

// topk's ret_typ, in the order of its choices.
enum ReturnType { kBoth, kIndices, kMask, kValue };

// The largest integer a dtype holds exactly, with every smaller one.
int64_t LargestExactInteger(int dtype) {
  switch (dtype) {
    case kFloat16: return int64_t{1} << 11;
    case kFloat32: return int64_t{1} << 24;
    case kFloat64: return int64_t{1} << 53;
    case kUint8: return 255;
    case kInt32: return INT32_MAX;
    default: return INT64_MAX;
  }
}

// The ordered axis of an input: its position (-1 for the flattened input)
// and its length.  Checks the axis against the input's rank.
struct OrderedAxis {
  int axis;
  int64_t length;
};

OrderedAxis ResolveAxis(const Attrs& attrs, const Shape& data) {
  const std::string& name = attrs.op()->name;
  if (attrs.IsNone("axis")) return {-1, data.Size()};
  const int64_t axis = attrs.Int("axis");
  MX_CHECK(axis >= -data.ndim() && axis < data.ndim(), kValue, "operator ", name, ": axis ", axis,
           " is out of range for an input of shape ", data.ToString());
  const int resolved = static_cast<int>(axis < 0 ? axis + data.ndim() : axis);
  return {resolved, data[resolved]};
}

// The shape of `count` ordered elements per slice along the axis.
Shape OrderedShape(const Shape& data, const OrderedAxis& ordered, int64_t count) {
  if (ordered.axis < 0) return Shape{count};
  Shape result = data;
  result[ordered.axis] = count;
  return result;
}

void CheckIndexDType(const Attrs& attrs, const OrderedAxis& ordered) {
  const int dtype = kIndexDTypes[attrs.Int("dtype")];
  MX_CHECK(ordered.length - 1 <= LargestExactInteger(dtype), kValue, "operator ", attrs.op()->name,
           ": dtype ", DTypeName(dtype), " cannot represent every index of an axis of length ",
           ordered.length, " exactly");
}

bool SortShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const OrderedAxis ordered = ResolveAxis(attrs, data);
  if (attrs.op()->name == "argsort") CheckIndexDType(attrs, ordered);
  AssignShape(&(*out)[0], OrderedShape(data, ordered, ordered.length), *attrs.op(), "output");
  return true;
}

bool TopKShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const OrderedAxis ordered = ResolveAxis(attrs, data);
  const int64_t k = attrs.Int("k") < 1 ? ordered.length : attrs.Int("k");
  MX_CHECK(k >= 1 && k <= ordered.length, kValue, "operator topk: k must be in [1, ", ordered.length,
           "] for an axis of length ", ordered.length, " (k < 1 selects the whole axis), got k=",
           attrs.Int("k"));
  const int ret = static_cast<int>(attrs.Int("ret_typ"));
  if (ret == kIndices || ret == kBoth) CheckIndexDType(attrs, ordered);
  if (ret == kMask) {
    AssignShape(&(*out)[0], data, *attrs.op(), "output");
    return true;
  }
  const Shape selected = OrderedShape(data, ordered, k);
  AssignShape(&(*out)[0], selected, *attrs.op(), "output");
  if (ret == kBoth) AssignShape(&(*out)[1], selected, *attrs.op(), "indices");
  return true;
}

// Any numeric dtype can be ordered; bool cannot (as in MXNet).
void CheckDataDType(const Attrs& attrs, int data) {
  MX_CHECK(data != kBool, kType, "operator ", attrs.op()->name, ": cannot order an input of dtype bool");
}

bool SortType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int data = (*in)[0];
  if (data < 0) return false;
  CheckDataDType(attrs, data);
  AssignType(&(*out)[0], data, *attrs.op(), "output");
  return true;
}

bool ArgSortType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int data = (*in)[0];
  if (data < 0) return false;
  CheckDataDType(attrs, data);
  AssignType(&(*out)[0], kIndexDTypes[attrs.Int("dtype")], *attrs.op(), "output");
  return true;
}

bool TopKType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int data = (*in)[0];
  if (data < 0) return false;
  CheckDataDType(attrs, data);
  const int indices = kIndexDTypes[attrs.Int("dtype")];
  const int ret = static_cast<int>(attrs.Int("ret_typ"));
  AssignType(&(*out)[0], ret == kIndices ? indices : data, *attrs.op(), "output");
  if (ret == kBoth) AssignType(&(*out)[1], indices, *attrs.op(), "indices");
  return true;
}

// _backward_topk(ograd, data, indices): zeros of data's shape with ograd
// added at the positions `indices` name along the axis.
bool TopKAdjointShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  AssignShape(&(*out)[0], (*in)[1], op, "output");
  AssignShape(&(*in)[1], (*out)[0], op, "data");
  AssignShape(&(*in)[0], (*in)[2], op, "ograd (the shape of indices)");
  AssignShape(&(*in)[2], (*in)[0], op, "indices (the shape of ograd)");
  const Shape& data = (*in)[1];
  const Shape& selected = (*in)[0];
  if (!data.is_known() || !selected.is_known()) return false;
  const OrderedAxis ordered = ResolveAxis(attrs, data);
  const int64_t count = ordered.axis < 0 ? selected.Size()
                        : selected.ndim() == data.ndim() ? selected[ordered.axis] : -1;
  MX_CHECK(selected == OrderedShape(data, ordered, count) && count <= ordered.length, kValue, "operator ", op.name,
           ": ograd and indices of shape ", selected.ToString(), " do not select along axis ",
           attrs.Str("axis"), " of data ", data.ToString());
  return true;
}

// The gradient of the selected values: each goes back where it was taken.
Value ScatterBack(GradBuilder& b, Value indices) {
  return b.Apply("_backward_topk", {b.out_grad(0), b.input(0), indices}, {{"axis", b.attrs().Str("axis")}});
}

// The indices a sort or topk node selected, in int64 (exact for any length).
Value SelectedIndices(GradBuilder& b, const char* op, Params params) {
  params.emplace_back("axis", b.attrs().Str("axis"));
  params.emplace_back("is_ascend", b.attrs().Str("is_ascend"));
  params.emplace_back("dtype", "int64");
  return b.Apply(op, {b.input(0)}, params);
}

std::vector<Value> SortGradient(GradBuilder& b) { return {ScatterBack(b, SelectedIndices(b, "argsort", {}))}; }

// Values flow back to where they were taken; indices and masks do not vary
// with the data (MXNet gives them a zero gradient).
std::vector<Value> TopKGradient(GradBuilder& b) {
  switch (static_cast<int>(b.attrs().Int("ret_typ"))) {
    case kBoth: return {ScatterBack(b, b.output(1))};
    case kValue:
      return {ScatterBack(b, SelectedIndices(b, "topk", {{"k", b.attrs().Str("k")}, {"ret_typ", "indices"}}))};
    default: return ZeroGradient(b);
  }
}

constexpr const char* kIndexDTypeDoc =
    "DType of the output indices. It is only valid when ret_typ is \"indices\" or \"both\". An "
    "error will be raised if the selected data type cannot precisely represent the indices.";

}  // namespace

MX_REGISTER_OP(sort)
    .Describe(
        "Returns a sorted copy of an input array along the given axis.\n\n"
        "Examples::\n\n  x = [[ 1, 4],\n       [ 3, 1]]\n\n"
        "  // sorts along the last axis\n  sort(x) = [[ 1.,  4.],\n             [ 1.,  3.]]\n\n"
        "  // flattens and then sorts\n  sort(x, axis=None) = [ 1.,  1.,  3.,  4.]\n\n"
        "  // sorts along the first axis\n  sort(x, axis=0) = [[ 1.,  1.],\n                     [ 3.,  4.]]\n\n"
        "  // in a descend order\n  sort(x, is_ascend=0) = [[ 4.,  1.],\n                          [ 3.,  1.]]\n")
    .Inputs({"data"})
    .Param("axis", "int or None", "-1",
           "Axis along which to choose sort the input tensor. If not given, the flattened array is "
           "used. Default is -1.")
    .Param("is_ascend", "boolean", "True", "Whether to sort in ascending or descending order.")
    .Shapes(SortShape)
    .Types(SortType)
    .Gradient(SortGradient);

MX_REGISTER_OP(argsort)
    .Describe(
        "Returns the indices that would sort an input array along the given axis.\n\n"
        "This function performs sorting along the given axis and returns an array of indices "
        "having same shape as an input array that index data in sorted order.\n\n"
        "Examples::\n\n  x = [[ 0.3,  0.2,  0.4],\n       [ 0.1,  0.3,  0.2]]\n\n"
        "  // sort along axis -1\n  argsort(x) = [[ 1.,  0.,  2.],\n                [ 0.,  2.,  1.]]\n\n"
        "  // sort along axis 0\n  argsort(x, axis=0) = [[ 1.,  0.,  1.]\n                        [ 0.,  1.,  0.]]\n\n"
        "  // flatten and then sort\n  argsort(x, axis=None) = [ 3.,  1.,  5.,  0.,  4.,  2.]\n")
    .Inputs({"data"})
    .Param("axis", "int or None", "-1",
           "Axis along which to sort the input tensor. If not given, the flattened array is used. "
           "Default is -1.")
    .Param("is_ascend", "boolean", "True", "Whether to sort in ascending or descending order.")
    .Param("dtype", kIndexDTypeChoices, "'float32'", kIndexDTypeDoc)
    .Shapes(SortShape)
    .Types(ArgSortType)
    .Gradient(ZeroGradient);

MX_REGISTER_OP(topk)
    .Describe(
        "Returns the top *k* elements in an input array along the given axis.\n The returned "
        "elements will be sorted.\n\n"
        "Examples::\n\n  x = [[ 0.3,  0.2,  0.4],\n       [ 0.1,  0.3,  0.2]]\n\n"
        "  // returns an index of the largest element on last axis\n"
        "  topk(x) = [[ 2.],\n             [ 1.]]\n\n"
        "  // returns the value of top-2 largest elements on last axis\n"
        "  topk(x, ret_typ='value', k=2) = [[ 0.4,  0.3],\n                                   [ 0.3,  0.2]]\n\n"
        "  // returns the value of top-2 smallest elements on last axis\n"
        "  topk(x, ret_typ='value', k=2, is_ascend=1) = [[ 0.2 ,  0.3],\n"
        "                                               [ 0.1 ,  0.2]]\n\n"
        "  // returns the value of top-2 largest elements on axis 0\n"
        "  topk(x, axis=0, ret_typ='value', k=2) = [[ 0.3,  0.3,  0.4],\n"
        "                                           [ 0.1,  0.2,  0.2]]\n\n"
        "  // flattens and then returns list of both values and indices\n"
        "  topk(x, ret_typ='both', k=2) = [[[ 0.4,  0.3], [ 0.3,  0.2]] ,  [[ 2.,  0.], [ 1.,  2.]]]\n")
    .Inputs({"data"})
    .NumOutputsFn([](const Attrs& attrs) { return attrs.Int("ret_typ") == kBoth ? 2 : 1; })
    .Param("axis", "int or None", "-1",
           "Axis along which to choose the top k indices. If not given, the flattened array is "
           "used. Default is -1.")
    .Param("k", "int", "1",
           "Number of top elements to select, should be always smaller than or equal to the "
           "element number in the given axis. A global sort is performed if set k < 1.")
    .Param("ret_typ", "{'both', 'indices', 'mask', 'value'}", "'indices'",
           "The return type.\n \"value\" means to return the top k values, \"indices\" means to "
           "return the indices of the top k values, \"mask\" means to return a mask array "
           "containing 0 and 1. 1 means the top k values. \"both\" means to return a list of both "
           "values and indices of top k elements.")
    .Param("is_ascend", "boolean", "False",
           "Whether to choose k largest or k smallest elements. Top K largest elements will be "
           "chosen if set to false.")
    .Param("dtype", kIndexDTypeChoices, "'float32'",
           "DType of the output indices when ret_typ is \"indices\" or \"both\". An error will be "
           "raised if the selected data type cannot precisely represent the indices.")
    .Shapes(TopKShape)
    .Types(TopKType)
    .Gradient(TopKGradient)
    .Alias("_npx_topk");

MX_REGISTER_OP(_backward_topk)
    .Describe(
        "The gradient of topk and sort: zeros of data's shape with each element of ograd added "
        "at the position along the axis that the matching element of indices names.")
    .Inputs({"ograd", "data", "indices"})
    .Param("axis", "int or None", "-1",
           "The axis the indices select along; None: indices into the flattened data.")
    .Shapes(TopKAdjointShape)
    .Types(AdjointTypes);

}  // namespace op
}  // namespace mx
