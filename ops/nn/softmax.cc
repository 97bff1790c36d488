// softmax, log_softmax and softmin along one axis, with MXNet 1.9's
// temperature, output dtype and optional `length` input: with
// use_length=True, length (integer, data's shape without the axis) says how
// many leading positions of each slice take part; the others output 0 (for
// log_softmax too, as in MXNet).
#include <string>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

bool UseLength(const Attrs& attrs) { return !attrs.IsNone("use_length") && attrs.Bool("use_length"); }

// length's shape: data's without the axis; (1,) for 1-D data.
Shape LengthShape(const Shape& data, int64_t axis) {
  if (axis < 0) axis += data.ndim();
  Shape result = Shape::Scalar();
  for (int i = 0; i < data.ndim(); ++i)
    if (i != axis) result.push_back(data[i]);
  if (result.ndim() == 0) result.push_back(1);
  return result;
}

bool SoftmaxShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  const std::string& name = attrs.op()->name;
  const int64_t axis = attrs.Int("axis");
  const int ndim = data.ndim() == 0 ? 1 : data.ndim();
  MX_CHECK(axis >= -ndim && axis < ndim, kValue, "operator ", name, ": axis ", axis,
           " is out of range for an input of shape ", data.ToString());
  MX_CHECK(attrs.IsNone("temperature") || attrs.Float("temperature") != 0.0, kValue, "operator ",
           name, ": temperature must not be 0");
  if (UseLength(attrs)) {
    const Shape expected = LengthShape(data, axis);
    Shape& length = (*in)[1];
    MX_CHECK(!length.is_known() || length == expected, kValue, "operator ", name, ": length must have shape ",
             expected.ToString(), " (data ", data.ToString(), " without axis ", axis, "), got ",
             length.ToString());
    AssignShape(&length, expected, *attrs.op(), "length");
  }
  AssignShape(&(*out)[0], data, *attrs.op(), "output");
  return true;
}

bool SoftmaxType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const int data = (*in)[0];
  if (UseLength(attrs) && (*in)[1] >= 0) {
    const int length = (*in)[1];
    MX_CHECK(length == kUint8 || length == kInt8 || length == kInt32 || length == kInt64, kType, "operator ",
             attrs.op()->name, ": length must have an integer dtype, got ", DTypeName(length));
  }
  if (data < 0) return false;
  MX_CHECK(data == kFloat16 || data == kFloat32 || data == kFloat64, kType, "operator ",
           attrs.op()->name, ": input must be float16, float32 or float64, got ", DTypeName(data));
  static const int kOutDTypes[] = {kFloat16, kFloat32, kFloat64};
  const int result = attrs.IsNone("dtype") ? data : kOutDTypes[attrs.Int("dtype")];
  AssignType(&(*out)[0], result, *attrs.op(), "output");
  return true;
}

struct SoftmaxSpec {
  const char* name;
  const char* description;
};

const SoftmaxSpec kSoftmaxOps[] = {
    {"softmax",
     "Applies the softmax function.\n\nThe resulting array contains elements in the range "
     "(0,1) and the elements along the given axis sum up to 1.\n\n"
     "softmax(z/t)_j = exp(z_j/t) / sum_k exp(z_k/t), with t the temperature."},
    {"log_softmax",
     "Computes the log softmax of the input. This is equivalent to computing softmax followed "
     "by log."},
    {"softmin",
     "Applies the softmin function.\n\nThe resulting array contains elements in the range "
     "(0,1) and the elements along the given axis sum up to 1.\n\n"
     "softmin(z/t)_j = exp(-z_j/t) / sum_k exp(-z_k/t), with t the temperature."},
};

}  // namespace

MX_REGISTER_OPS(softmax) {
  for (const SoftmaxSpec& spec : kSoftmaxOps) {
    Registry::Get()
        .Register(spec.name)
        .Describe(spec.description)
        .InputsFn({"data", "length"}, [](const Attrs& attrs) { return UseLength(attrs) ? 2 : 1; })
        .Param("axis", "int", "-1", "The axis along which to compute softmax.")
        .Param("temperature", "double or None", "None", "Temperature parameter in softmax")
        .Param("dtype", "{'float16', 'float32', 'float64'} or None", "None",
               "DType of the output in case this can't be inferred. Defaults to the same as "
               "input's dtype if not defined (dtype=None).")
        .Param("use_length", "boolean or None", "False", "Whether to use the length input as a mask over the data input.")
        .Shapes(SoftmaxShape)
        .Types(SoftmaxType);
  }
}

}  // namespace op
}  // namespace mx
