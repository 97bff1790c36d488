// softmax, log_softmax and softmin along one axis, with MXNet 1.9's
// temperature, output dtype and optional `length` input: with
// use_length=True, length (integer, data's shape without the axis) says how
// many leading positions of each slice take part; the others output 0 (for
// log_softmax too, as in MXNet).
//
// Gradients (MXNet 1.9's SoftmaxGrad, as graphs), with t the temperature,
// y the output and og its gradient, sums along the axis:
//   softmax:     y (og - sum(og y)) / t
//   softmin:    -y (og - sum(og y)) / t
//   log_softmax: (og - e^y sum(og)) / t
// Masked positions (beyond length) get 0; length gets no gradient.  With an
// output dtype the gradient is computed in it and cast back to data's.
//
// SoftmaxActivation, MXNet's older layer, is softmax over a fixed axis:
// the last one (mode='instance': MXNet flattens the data to 2-D keeping the
// last axis) or axis 1 (mode='channel', data of 3 or more dimensions).
// Rationale: its gradient is softmax's for that axis; MXNet 1.9's backward
// reduces over axis 1 in both modes, which differs from the forward's
// gradient for instance mode on data of more than 2 dimensions.
#include <string>

#include "common/dtype.h"
#include "ops/gradient_shorthands.h"
#include "ops/nn/layer_util.h"
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

// v summed along axis, kept as a size-1 axis for broadcasting.
Value SumAlongAxis(GradBuilder& b, Value v, const std::string& axis) {
  return b.Apply("sum", {v}, {{"axis", axis}, {"keepdims", "True"}});
}

// The gradient of y = softmax(x) along axis (temperature 1): y (og - sum(og y)).
Value SoftmaxBackward(GradBuilder& b, Value y, Value og, const std::string& axis) {
  return Mul(b, y, b.Apply("broadcast_sub", {og, SumAlongAxis(b, Mul(b, og, y), axis)}));
}

std::vector<Value> SoftmaxGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const std::string& name = attrs.op()->name;
  const Value data = b.input(0), y = b.output(0);
  Value og = b.out_grad(0), dx;
  if (name == "log_softmax") {
    Value softmax = Unary(b, "exp", y);
    if (UseLength(attrs)) {  // 1 where a position takes part (softmax of zeros is 1/length there), else 0
      const Value zeros = b.Apply("zeros_like", {y});
      const Value uniform = b.Apply("softmax", {zeros, b.input(1)},
                                    {{"axis", attrs.Str("axis")}, {"use_length", "True"}});
      const Value mask = GreaterScalar(b, uniform, 0);
      og = Mul(b, og, mask);
      softmax = Mul(b, softmax, mask);
    }
    dx = Sub(b, og, b.Apply("broadcast_mul", {softmax, SumAlongAxis(b, og, attrs.Str("axis"))}));
  } else {  // masked positions have y = 0: they take no part and get 0
    dx = SoftmaxBackward(b, y, og, attrs.Str("axis"));
    if (name == "softmin") dx = Neg(b, dx);
  }
  if (!attrs.IsNone("temperature") && attrs.Float("temperature") != 1.0)
    dx = WithScalar(b, "_div_scalar", dx, attrs.Float("temperature"));
  if (!attrs.IsNone("dtype")) dx = b.Apply("_cast_like", {dx, data});
  std::vector<Value> grads{dx};
  if (UseLength(attrs)) grads.push_back(Value());
  return grads;
}

// SoftmaxActivation's axis, as text: the last one, or 1 for mode='channel'.
std::string ActivationAxis(const Attrs& attrs) { return attrs.Str("mode") == "channel" ? "1" : "-1"; }

bool SoftmaxActivationShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  if (attrs.Str("mode") == "channel")
    MX_CHECK(data.ndim() >= 3, kValue, "SoftmaxActivation: data needs at least 3 dimensions when mode=channel, "
             "got shape ", data.ToString());
  else
    MX_CHECK(data.ndim() >= 1, kValue, "SoftmaxActivation: data must have at least 1 dimension");
  AssignShape(&(*out)[0], data, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(SoftmaxActivation)
    .Describe("Applies softmax activation to input. This is intended for internal layers.\n\n"
              "With mode='instance' (the default) the softmax runs over the last axis of each instance; with "
              "mode='channel' it runs over axis 1 (the channels) at each position of data of 3 or more "
              "dimensions (N, C, ...).\n\n.. note:: This operator has been deprecated, please use `softmax`.")
    .Inputs({"data"})
    .Param("mode", "{'channel', 'instance'}", "'instance'",
           "Specifies how to compute the softmax. If set to ``instance``, it computes softmax for each instance. "
           "If set to ``channel``, It computes cross channel softmax for each position of each instance.")
    .Shapes(SoftmaxActivationShape)
    .Types(SameFloatTypes)
    .Gradient([](GradBuilder& b) {
      return std::vector<Value>{SoftmaxBackward(b, b.output(0), b.out_grad(0), ActivationAxis(b.attrs()))};
    });

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
        .Types(SoftmaxType)
        .Gradient(SoftmaxGradient);
  }
}

}  // namespace op
}  // namespace mx
