// Activation layers: Activation (relu, sigmoid, tanh, softrelu, softsign)
// and LeakyReLU (leaky, elu, selu, gelu, prelu, rrelu).  As in MXNet 1.9 they
// take floating-point arrays only.
//
// Gradients follow MXNet 1.9's backward formulas as graphs (differentiable
// again): relu, sigmoid, tanh, leaky, elu read the output y; softsign, gelu
// and prelu the input x; the slope at exactly 0 is the negative side's.
#include <cmath>
#include <cstring>
#include <string>

#include "ops/elemwise/float_types.h"
#include "ops/elemwise/prelu_gamma.h"
#include "ops/gradient_shorthands.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

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
  for (Shape& o : *out) o = data;  // the output, and rrelu's mask
  if (in->size() > 1) {
    Shape& gamma = (*in)[1];
    const int64_t channels = PReLUChannels(data);
    if (gamma.ndim() < 0) {
      if (channels >= 0) gamma = Shape({channels});
    } else if (gamma.is_known() && data.is_known()) {
      MX_CHECK(PReLUGammaFits(gamma, data), kValue, "operator LeakyReLU: gamma of shape ", gamma.ToString(),
               " does not fit data of shape ", data.ToString(),
               " (prelu wants (channels,) = (", channels, ",), (1,) or data's shape)");
    }
    if (!gamma.is_known()) return false;
  }
  return data.is_known();
}

// Activation's gradient is that of the unary op of the same name, except
// softrelu's (no such op): y = log(1 + e^x), y' = 1 - e^-y.
std::vector<Value> ActivationGradient(GradBuilder& b) {
  const std::string act = b.attrs().Str("act_type");
  if (act != "softrelu") return Registry::Get().FindOrThrow(act)->gradient(b);
  return {Mul(b, b.out_grad(0), Neg(b, Unary(b, "expm1", Neg(b, b.output(0)))))};
}

// SELU's constants (Klambauer et al. 2017), as MXNet.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluLambda = 1.0507009873554804934193349852946;
constexpr double kPi = 3.14159265358979323846;

// gelu(x) = x Phi(x): gelu' = Phi(x) + x phi(x), Phi and phi the normal cdf and density.
Value GeluGrad(GradBuilder& b, Value og, Value x) {
  const Value cdf = Scale(b, PlusScalar(b, Unary(b, "erf", Scale(b, x, 1 / std::sqrt(2.0))), 1), 0.5);
  const Value pdf = Scale(b, Unary(b, "exp", Scale(b, Square(b, x), -0.5)), 1 / std::sqrt(2 * kPi));
  return Mul(b, og, Add(b, cdf, Mul(b, x, pdf)));
}

// x > 0 ? og : og * gamma (spread over x); gamma gets og * min(x, 0) summed per slope.
std::vector<Value> PReLUGradient(GradBuilder& b) {
  const Value og = b.out_grad(0), x = b.input(0), gamma = b.input(1);
  const Value dx = Where(b, GreaterScalar(b, x, 0), og, Mul(b, og, BroadcastPReLUGamma(b, gamma, x)));
  const Value negative_part = WithScalar(b, "_minimum_scalar", x, 0);
  return {dx, b.Apply("_prelu_reduce_like", {Mul(b, og, negative_part), gamma})};
}

std::vector<Value> LeakyReLUGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const std::string act = attrs.Str("act_type");
  if (act == "prelu") return PReLUGradient(b);
  const Value og = b.out_grad(0);
  if (act == "gelu") return {GeluGrad(b, og, b.input(0))};
  // The rest from y: slope 1 (lambda for selu) where y > 0, else the negative side's.
  const Value y = b.output(0);
  Value positive = og, negative;
  if (act == "leaky") {
    negative = Scale(b, og, attrs.Float("slope"));
  } else if (act == "rrelu") {  // the inference form's fixed slope
    negative = Scale(b, og, (attrs.Float("lower_bound") + attrs.Float("upper_bound")) / 2);
  } else if (act == "elu") {  // y = s (e^x - 1): y' = y + s
    negative = Mul(b, og, PlusScalar(b, y, attrs.Float("slope")));
  } else {  // selu: y = l a (e^x - 1): y' = y + l a (MXNet 1.9's l (y + a) is not y')
    positive = Scale(b, og, kSeluLambda);
    negative = Mul(b, og, PlusScalar(b, y, kSeluLambda * kSeluAlpha));
  }
  return {Where(b, GreaterScalar(b, y, 0), positive, negative)};
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
    .Inplace({{0, 0}})
    .Gradient(ActivationGradient);

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
              "*(lower_bound+upper_bound)/2* for inference (MX computes the inference form). Its second "
              "output, `mask`, holds the slope each element used.\n"
              "- *gelu*: Gaussian Error Linear Unit. `y = 0.5 * x * (1 + erf(x / sqrt(2)))`")
    .InputsFn({"data", "gamma"}, [](const Attrs& attrs) { return IsPReLU(attrs) ? 2 : 1; })
    .Outputs({"output", "mask"})
    .NumOutputsFn([](const Attrs& attrs) { return attrs.Str("act_type") == "rrelu" ? 2 : 1; })
    .Param("act_type", "{'elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'}", "leaky",
           "Activation function to be applied.")
    .Param("slope", "float", "0.25", "Init slope for the activation. (For leaky and elu only)")
    .Param("lower_bound", "float", "0.125", "Lower bound of random slope. (For rrelu only)")
    .Param("upper_bound", "float", "0.334", "Upper bound of random slope. (For rrelu only)")
    .Shapes(LeakyReLUShapes)
    .Types(FloatTypes)
    .Inplace({{0, 0}})
    .Gradient(LeakyReLUGradient);

}  // namespace op
}  // namespace mx
