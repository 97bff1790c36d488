// Activation layers: Activation (relu, sigmoid, tanh, softrelu, softsign)
// and LeakyReLU (leaky, elu, selu, gelu, prelu, rrelu).  As in MXNet 1.9 they
// take floating-point arrays only.
#include <cstring>

#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// SameTypes, then float16 / float32 / float64 only (MXNet's
// MSHADOW_REAL_TYPE_SWITCH), reported at inference instead of as a missing
// kernel.
bool FloatTypes(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const bool known = SameTypes(attrs, in, out);
  if (known) {
    const int t = (*out)[0];
    MX_CHECK(t == kFloat32 || t == kFloat64 || t == kFloat16, kType, "operator ",
             attrs.op()->name, ": dtype ", DTypeName(t),
             " is not supported (float16, float32 and float64 only)");
  }
  return known;
}

bool IsPReLU(const Attrs& attrs) { return std::strcmp(attrs.Get("act_type").s, "prelu") == 0; }

// data: any shape; for prelu, gamma holds one slope per channel (axis 1, or
// axis 0 of a 1-D input), a single slope (shape (1,)), or one per element
// (data's shape).  An unknown gamma is inferred as one per channel.
bool LeakyReLUShapes(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape data = (*in)[0];
  AssignShape(&data, (*out)[0], op, "output");
  if (data.ndim() < 0) return false;
  (*in)[0] = data;
  (*out)[0] = data;
  if (in->size() > 1) {
    Shape& gamma = (*in)[1];
    const int64_t channels = data.ndim() == 0 ? 1 : data.ndim() == 1 ? data[0] : data[1];
    if (gamma.ndim() < 0) {
      if (channels >= 0) gamma = Shape({channels});
    } else if (gamma.is_known() && data.is_known()) {
      const bool ok = gamma == data || (gamma.ndim() == 1 && (gamma[0] == 1 || gamma[0] == channels));
      MX_CHECK(ok, kValue, "operator LeakyReLU: gamma of shape ", gamma.ToString(),
               " does not fit data of shape ", data.ToString(),
               " (prelu wants (channels,) = (", channels, ",), (1,) or data's shape)");
    }
    if (!gamma.is_known()) return false;
  }
  return data.is_known();
}

}  // namespace

MX_REGISTER_OP(Activation)
    .Describe("Applies an activation function element-wise to the input.\n\n"
              "The following activation functions are supported:\n\n"
              "- `relu`: Rectified Linear Unit, :math:`y = max(x, 0)`\n"
              "- `sigmoid`: :math:`y = \\frac{1}{1 + exp(-x)}`\n"
              "- `tanh`: Hyperbolic tangent, :math:`y = \\frac{exp(x) - exp(-x)}{exp(x) + exp(-x)}`\n"
              "- `softrelu`: Soft ReLU, or SoftPlus, :math:`y = log(1 + exp(x))`\n"
              "- `softsign`: :math:`y = \\frac{x}{1 + abs(x)}`")
    .Inputs({"data"})
    .Param("act_type", "{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}", nullptr,
           "Activation function to be applied.")
    .Shapes(SameShapes)
    .Types(FloatTypes)
    .Inplace({{0, 0}});

MX_REGISTER_OP(LeakyReLU)
    .Describe("Applies Leaky rectified linear unit activation element-wise to the input.\n\n"
              "Leaky ReLUs attempt to fix the \"dying ReLU\" problem by allowing a small `slope`\n"
              "when the input is negative and has a slope of one when input is positive.\n\n"
              "The following modified ReLU Activation functions are supported:\n\n"
              "- *elu*: Exponential Linear Unit. `y = x > 0 ? x : slope * (exp(x)-1)`\n"
              "- *selu*: Scaled Exponential Linear Unit. `y = lambda * (x > 0 ? x : alpha * "
              "(exp(x) - 1))` where *lambda = 1.0507009873554804934193349852946* and *alpha = "
              "1.6732632423543772848170429916717*.\n"
              "- *leaky*: Leaky ReLU. `y = x > 0 ? x : slope * x`\n"
              "- *prelu*: Parametric ReLU. This is same as *leaky* except that `slope` is learnt "
              "during training: it is the `gamma` input, one slope per channel (axis 1).\n"
              "- *rrelu*: Randomized ReLU. same as *leaky* but the `slope` is uniformly and "
              "randomly chosen from *[lower_bound, upper_bound)* for training, while fixed to be "
              "*(lower_bound+upper_bound)/2* for inference (MX computes the inference form).\n"
              "- *gelu*: Gaussian Error Linear Unit. `y = 0.5 * x * (1 + erf(x / sqrt(2)))`")
    .InputsFn({"data", "gamma"}, [](const Attrs& attrs) { return IsPReLU(attrs) ? 2 : 1; })
    .Outputs({"output"})
    .Param("act_type", "{'elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'}", "leaky",
           "Activation function to be applied.")
    .Param("slope", "float", "0.25", "Init slope for the activation. (For leaky and elu only)")
    .Param("lower_bound", "float", "0.125", "Lower bound of random slope. (For rrelu only)")
    .Param("upper_bound", "float", "0.334", "Upper bound of random slope. (For rrelu only)")
    .Shapes(LeakyReLUShapes)
    .Types(FloatTypes)
    .Inplace({{0, 0}});

}  // namespace op
}  // namespace mx
