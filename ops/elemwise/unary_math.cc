// Element-wise unary math: MXNet 1.9's abs, exp, sin, floor, relu, ...
// (one table, one registration loop), plus the unary ops that take a
// parameter (clip, smooth_l1, hard_sigmoid) and zeros_like / ones_like.
//
// dtype rule (MXNet 1.9's UnaryOp::Compute): the output has the input's
// dtype, and every numeric dtype is accepted, integers included -- a
// transcendental function of an integer array is computed in floating point
// and truncated toward zero (exp([1, 2]) on int32 gives [2, 7]).  bool has
// no kernel.  Activation / LeakyReLU (activation.cc) take floats only.
//
// Gradients are MXNet 1.9's _backward_<op> formulas written as graphs of
// element-wise ops, so they are differentiable again.  They read the input
// x or the output y as MXNet's do: sqrt(0) has gradient inf (0.5 / y),
// abs(0) and relu(0) have 0, log(0) has inf, relu's NaN gives NaN.
#include <cmath>

#include "ops/elemwise/float_types.h"
#include "ops/gradient_shorthands.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// d/dx of y = f(x), times the output gradient og.
using UnaryGradFn = Value (*)(GradBuilder& b, Value og, Value x, Value y);

struct UnaryMathDef {
  const char* name;
  const char* doc;
  UnaryGradFn grad;  // nullptr: a step function, zero gradient
};

constexpr double kPi = 3.14159265358979323846;

Value AbsGrad(GradBuilder& b, Value og, Value x, Value) { return Mul(b, og, Unary(b, "sign", x)); }
Value ReciprocalGrad(GradBuilder& b, Value og, Value x, Value) { return Neg(b, Div(b, og, Square(b, x))); }
Value SquareGrad(GradBuilder& b, Value og, Value x, Value) { return Mul(b, og, Scale(b, x, 2)); }
Value SqrtGrad(GradBuilder& b, Value og, Value, Value y) { return Div(b, og, Scale(b, y, 2)); }
// -1/2 x^(-3/2) = -1/2 y^3
Value RsqrtGrad(GradBuilder& b, Value og, Value, Value y) {
  return Scale(b, Mul(b, og, Mul(b, y, Square(b, y))), -0.5);
}
Value CbrtGrad(GradBuilder& b, Value og, Value, Value y) { return Div(b, og, Scale(b, Square(b, y), 3)); }
// -1/3 x^(-4/3) = -1/3 y / x
Value RcbrtGrad(GradBuilder& b, Value og, Value x, Value y) {
  return Scale(b, Div(b, Mul(b, og, y), x), -1.0 / 3);
}
Value ExpGrad(GradBuilder& b, Value og, Value, Value y) { return Mul(b, og, y); }
Value Expm1Grad(GradBuilder& b, Value og, Value x, Value) { return Mul(b, og, Unary(b, "exp", x)); }
Value LogGrad(GradBuilder& b, Value og, Value x, Value) { return Div(b, og, x); }
Value Log1pGrad(GradBuilder& b, Value og, Value x, Value) { return Div(b, og, PlusScalar(b, x, 1)); }
Value Log2Grad(GradBuilder& b, Value og, Value x, Value) { return Div(b, og, Scale(b, x, std::log(2.0))); }
Value Log10Grad(GradBuilder& b, Value og, Value x, Value) { return Div(b, og, Scale(b, x, std::log(10.0))); }
Value SinGrad(GradBuilder& b, Value og, Value x, Value) { return Mul(b, og, Unary(b, "cos", x)); }
Value CosGrad(GradBuilder& b, Value og, Value x, Value) { return Neg(b, Mul(b, og, Unary(b, "sin", x))); }
Value TanGrad(GradBuilder& b, Value og, Value, Value y) { return Mul(b, og, PlusScalar(b, Square(b, y), 1)); }
Value ArcsinGrad(GradBuilder& b, Value og, Value x, Value) {
  return Div(b, og, Unary(b, "sqrt", RMinusScalar(b, Square(b, x), 1)));
}
Value ArccosGrad(GradBuilder& b, Value og, Value x, Value y) { return Neg(b, ArcsinGrad(b, og, x, y)); }
Value ArctanGrad(GradBuilder& b, Value og, Value x, Value) { return Div(b, og, PlusScalar(b, Square(b, x), 1)); }
Value SinhGrad(GradBuilder& b, Value og, Value x, Value) { return Mul(b, og, Unary(b, "cosh", x)); }
Value CoshGrad(GradBuilder& b, Value og, Value x, Value) { return Mul(b, og, Unary(b, "sinh", x)); }
Value TanhGrad(GradBuilder& b, Value og, Value, Value y) { return Mul(b, og, RMinusScalar(b, Square(b, y), 1)); }
// 1 / hypot(x, 1): sqrt(x^2 + 1) without overflow
Value ArcsinhGrad(GradBuilder& b, Value og, Value x, Value) {
  return Div(b, og, WithScalar(b, "_hypot_scalar", x, 1));
}
Value ArccoshGrad(GradBuilder& b, Value og, Value x, Value) {
  return Div(b, og, Unary(b, "sqrt", WithScalar(b, "_minus_scalar", Square(b, x), 1)));
}
Value ArctanhGrad(GradBuilder& b, Value og, Value x, Value) { return Div(b, og, RMinusScalar(b, Square(b, x), 1)); }
Value DegreesGrad(GradBuilder& b, Value og, Value, Value) { return Scale(b, og, 180 / kPi); }
Value RadiansGrad(GradBuilder& b, Value og, Value, Value) { return Scale(b, og, kPi / 180); }
Value ReluGrad(GradBuilder& b, Value og, Value, Value y) { return b.Apply("_backward_relu", {og, y}); }
Value SigmoidGrad(GradBuilder& b, Value og, Value, Value y) { return Mul(b, og, Mul(b, y, RMinusScalar(b, y, 1))); }
Value SoftsignGrad(GradBuilder& b, Value og, Value x, Value) {
  return Div(b, og, Square(b, PlusScalar(b, Unary(b, "abs", x), 1)));
}
// d/dx log(sigmoid(x)) = 1 - sigmoid(x) = sigmoid(-x)
Value LogSigmoidGrad(GradBuilder& b, Value og, Value x, Value) {
  return Mul(b, og, Unary(b, "sigmoid", Neg(b, x)));
}
// mish = x tanh(softplus(x)): tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2), as
// softplus' = sigmoid.  Large x: exp overflows to inf, tanh gives 1 and the
// second term 0.
Value MishGrad(GradBuilder& b, Value og, Value x, Value) {
  const Value t = Unary(b, "tanh", Unary(b, "log1p", Unary(b, "exp", x)));
  const Value slope = Mul(b, Mul(b, x, Unary(b, "sigmoid", x)), RMinusScalar(b, Square(b, t), 1));
  return Mul(b, og, Add(b, t, slope));
}
Value ErfGrad(GradBuilder& b, Value og, Value x, Value) {
  return Mul(b, og, Scale(b, Unary(b, "exp", Neg(b, Square(b, x))), 2 / std::sqrt(kPi)));
}
Value ErfinvGrad(GradBuilder& b, Value og, Value, Value y) {
  return Mul(b, og, Scale(b, Unary(b, "exp", Square(b, y)), std::sqrt(kPi) / 2));
}
// gammaln' is digamma, which only _backward_gammaln computes; gamma' = gamma * digamma.
Value GammalnGrad(GradBuilder& b, Value og, Value x, Value) { return b.Apply("_backward_gammaln", {og, x}); }
Value GammaGrad(GradBuilder& b, Value og, Value x, Value y) { return Mul(b, y, GammalnGrad(b, og, x, y)); }

GradientFn UnaryGradient(UnaryGradFn fn) {
  if (!fn) return ZeroGradient;
  return [fn](GradBuilder& b) { return std::vector<Value>{fn(b, b.out_grad(0), b.input(0), b.output(0))}; };
}

// og where a_min <= x <= a_max, else 0; NaN passes og, as MXNet's clip_grad.
std::vector<Value> ClipGradient(GradBuilder& b) {
  const Value x = b.input(0);
  const Value outside = Add(b, GreaterScalar(b, x, b.attrs().Float("a_max")),
                            WithScalar(b, "_lesser_scalar", x, b.attrs().Float("a_min")));
  return {Mul(b, b.out_grad(0), Unary(b, "logical_not", outside))};
}

// f'(x) = sigma^2 x inside |x| < 1 / sigma^2, sign(x) outside: clip(sigma^2 x, -1, 1).
std::vector<Value> SmoothL1Gradient(GradBuilder& b) {
  const double sigma = b.attrs().Float("scalar");
  const Value slope = b.Apply("clip", {Scale(b, b.input(0), sigma * sigma)}, {{"a_min", "-1"}, {"a_max", "1"}});
  return {Mul(b, b.out_grad(0), slope)};
}

// Rationale: one table so every op gets the same inputs, inference and
// in-place hint; the kernels come from one template in plugins/cpu.
const UnaryMathDef kUnaryMath[] = {
    {"abs", "Returns element-wise absolute value of the input.\n\n"
            "Example::\n\n   abs([-2, 0, 3]) = [2, 0, 3]", AbsGrad},
    {"sign", "Returns element-wise sign of the input: -1, 0 or 1 (0 for NaN, as MXNet).\n\n"
             "Example::\n\n   sign([-2, 0, 3]) = [-1, 0, 1]", nullptr},
    {"reciprocal", "Returns the reciprocal of the argument, element-wise: 1 / x.\n\n"
                   "Example::\n\n   reciprocal([-2, 1, 3, 1.6, 0.2]) = [-0.5, 1.0, 0.33333334, 0.625, 5.0]",
     ReciprocalGrad},
    {"square", "Returns element-wise squared value of the input: x^2.\n\n"
               "Example::\n\n   square([2, 3, 4]) = [4, 9, 16]", SquareGrad},
    {"sqrt", "Returns element-wise square-root value of the input.\n\n"
             "Example::\n\n   sqrt([4, 9, 16]) = [2, 3, 4]", SqrtGrad},
    {"rsqrt", "Returns element-wise inverse square-root value of the input: 1 / sqrt(x).\n\n"
              "Example::\n\n   rsqrt([4, 9, 16]) = [0.5, 0.33333334, 0.25]", RsqrtGrad},
    {"cbrt", "Returns element-wise cube-root value of the input.\n\n"
             "Example::\n\n   cbrt([1, 8, -125]) = [1, 2, -5]", CbrtGrad},
    {"rcbrt", "Returns element-wise inverse cube-root value of the input: 1 / cbrt(x).\n\n"
              "Example::\n\n   rcbrt([1, 8, -125]) = [1.0, 0.5, -0.2]", RcbrtGrad},
    {"exp", "Returns element-wise exponential value of the input: e^x.\n\n"
            "Example::\n\n   exp([0, 1, 2]) = [1., 2.71828175, 7.38905621]", ExpGrad},
    {"expm1", "Returns exp(x) - 1 computed element-wise, accurate for small x.", Expm1Grad},
    {"log", "Returns element-wise natural logarithmic value of the input.\n\n"
            "The natural logarithm is logarithm in base e, so that log(exp(x)) = x.", LogGrad},
    {"log1p", "Returns element-wise log(1 + x), accurate for small x.", Log1pGrad},
    {"log2", "Returns element-wise base-2 logarithmic value of the input: 2^log2(x) = x.", Log2Grad},
    {"log10", "Returns element-wise base-10 logarithmic value of the input: 10^log10(x) = x.", Log10Grad},
    {"sin", "Computes the element-wise sine of the input array (in radians).", SinGrad},
    {"cos", "Computes the element-wise cosine of the input array (in radians).", CosGrad},
    {"tan", "Computes the element-wise tangent of the input array (in radians).", TanGrad},
    {"arcsin", "Returns element-wise inverse sine of the input array, in [-pi/2, pi/2]; "
               "NaN outside [-1, 1].", ArcsinGrad},
    {"arccos", "Returns element-wise inverse cosine of the input array, in [0, pi]; "
               "NaN outside [-1, 1].", ArccosGrad},
    {"arctan", "Returns element-wise inverse tangent of the input array, in (-pi/2, pi/2).", ArctanGrad},
    {"sinh", "Returns the hyperbolic sine of the input array, computed element-wise.", SinhGrad},
    {"cosh", "Returns the hyperbolic cosine of the input array, computed element-wise.", CoshGrad},
    {"tanh", "Returns the hyperbolic tangent of the input array, computed element-wise.", TanhGrad},
    {"arcsinh", "Returns the element-wise inverse hyperbolic sine of the input array.", ArcsinhGrad},
    {"arccosh", "Returns the element-wise inverse hyperbolic cosine of the input array; "
                "NaN below 1.", ArccoshGrad},
    {"arctanh", "Returns the element-wise inverse hyperbolic tangent of the input array; "
                "NaN outside [-1, 1].", ArctanhGrad},
    {"degrees", "Converts each element of the input array from radians to degrees.\n\n"
                "Example::\n\n   degrees([0, pi/2, pi, 3pi/2, 2pi]) = [0, 90, 180, 270, 360]", DegreesGrad},
    {"radians", "Converts each element of the input array from degrees to radians.\n\n"
                "Example::\n\n   radians([0, 90, 180, 270, 360]) = [0, pi/2, pi, 3pi/2, 2pi]", RadiansGrad},
    {"floor", "Returns element-wise floor of the input: the largest integer i <= x.\n\n"
              "Example::\n\n   floor([-2.1, -1.9, 1.5, 1.9, 2.1]) = [-3., -2.,  1.,  1.,  2.]", nullptr},
    {"ceil", "Returns element-wise ceiling of the input: the smallest integer i >= x.\n\n"
             "Example::\n\n   ceil([-2.1, -1.9, 1.5, 1.9, 2.1]) = [-2., -1.,  2.,  2.,  3.]", nullptr},
    {"round", "Returns element-wise rounded value to the nearest integer of the input; "
              "halves round away from zero.\n\n"
              "Example::\n\n   round([-1.5, 1.5, -1.9, 1.9, 2.1]) = [-2.,  2., -2.,  2.,  2.]", nullptr},
    {"rint", "Returns element-wise rounded value to the nearest integer of the input; "
             "halves round down (MXNet's rule).\n\n"
             "Example::\n\n   rint([-1.5, 1.5, -1.9, 1.9, 2.1]) = [-2.,  1., -2.,  2.,  2.]", nullptr},
    {"trunc", "Return the element-wise truncated value of the input: the nearest integer "
              "toward zero.\n\n"
              "Example::\n\n   trunc([-2.1, -1.9, 1.5, 1.9, 2.1]) = [-2., -1.,  1.,  1.,  2.]", nullptr},
    {"fix", "Returns element-wise rounded value to the nearest integer towards zero of the "
            "input.\n\n"
            "Example::\n\n   fix([-2.1, -1.9, 1.9, 2.1]) = [-2., -1.,  1., 2.]", nullptr},
    {"relu", "Computes rectified linear activation: max(x, 0) (NaN stays NaN).", ReluGrad},
    {"sigmoid", "Computes sigmoid of x element-wise: y = 1 / (1 + exp(-x)).", SigmoidGrad},
    {"softsign", "Computes softsign of x element-wise: y = x / (1 + abs(x)).", SoftsignGrad},
    {"log_sigmoid", "Computes log_sigmoid of x element-wise: y = log(1 / (1 + exp(-x))).", LogSigmoidGrad},
    {"mish", "Computes mish of x element-wise: y = x * tanh(log(1 + exp(x))).", MishGrad},
    {"erf", "Returns element-wise gauss error function of the input.\n\n"
            "Example::\n\n   erf([0, -1., 10.]) = [0., -0.8427, 1.]", ErfGrad},
    {"erfinv", "Returns element-wise inverse gauss error function of the input; "
               "NaN outside [-1, 1].\n\n"
               "Example::\n\n   erfinv([0, 0.5., -1.]) = [0., 0.4769, -inf]", ErfinvGrad},
    {"gamma", "Returns the gamma function (extension of the factorial function to the "
              "reals), computed element-wise on the input array.", GammaGrad},
    {"gammaln", "Returns element-wise log of the absolute value of the gamma function of "
                "the input.", GammalnGrad},
    {"logical_not", "Returns the result of logical NOT (!) function: 1 where x is 0, else 0, "
                    "in the input dtype.\n\n"
                    "Example::\n\n  logical_not([-2., 0., 1.]) = [0., 1., 0.]", nullptr},
};

}  // namespace

MX_REGISTER_OPS(unary_math) {
  Registry& reg = Registry::Get();
  for (const UnaryMathDef& def : kUnaryMath) {
    reg.Register(def.name)
        .Describe(def.doc)
        .Inputs({"data"})
        .Shapes(SameShapes)
        .Types(SameTypes)
        .Inplace({{0, 0}})
        .Gradient(UnaryGradient(def.grad));
  }
}

MX_REGISTER_OP(clip)
    .Describe("Clips (limits) the values in an array: elements below a_min become a_min and "
              "elements above a_max become a_max (NaN stays NaN).  The bounds are converted to "
              "the array's dtype first.\n\n"
              "Example::\n\n    x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
              "    clip(x,1,8) = [ 1.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  8.]")
    .Inputs({"data"})
    .Param("a_min", "float", nullptr, "Minimum value")
    .Param("a_max", "float", nullptr, "Maximum value")
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ClipGradient);

MX_REGISTER_OP(smooth_l1)
    .Describe("Calculate Smooth L1 Loss(lhs, scalar) by summing\n\n"
              ".. math::\n\n"
              "    f(x) = 0.5 * (sigma * x)^2,     if |x| < 1/sigma^2\n"
              "           |x| - 0.5 / sigma^2,   otherwise\n\n"
              "where x is an element of the input and sigma is the scalar.\n\n"
              "Example::\n\n  smooth_l1([1, 2, 3, 4]) = [0.5, 1.5, 2.5, 3.5]\n"
              "  smooth_l1([1, 2, 3, 4], scalar=1) = [0.5, 1.5, 2.5, 3.5]")
    .Inputs({"data"})
    .Param("scalar", "float", "1", "scalar input value")
    .Param("is_int", "boolean", "True", "Indicate whether scalar input is int type")
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(SmoothL1Gradient);

namespace {

// alpha og where 0 < alpha x + beta < 1 (the unclipped part), else 0.
std::vector<Value> HardSigmoidGradient(GradBuilder& b) {
  const double alpha = b.attrs().Float("alpha");
  const Value z = PlusScalar(b, Scale(b, b.input(0), alpha), b.attrs().Float("beta"));
  const Value inside = Mul(b, GreaterScalar(b, z, 0), WithScalar(b, "_lesser_scalar", z, 1));
  return {Scale(b, Mul(b, b.out_grad(0), inside), alpha)};
}

}  // namespace

MX_REGISTER_OP(hard_sigmoid)
    .Describe("Computes hard sigmoid of x element-wise.\n\n"
              ".. math::\n   y = max(0, min(1, alpha * x + beta))\n\n"
              "Floating-point dtypes only, as MXNet 1.9.")
    .Inputs({"data"})
    .Param("alpha", "float", "0.2", "Slope of hard sigmoid")
    .Param("beta", "float", "0.5", "Bias of hard sigmoid.")
    .Shapes(SameShapes)
    .Types(FloatTypes)
    .Inplace({{0, 0}})
    .Gradient(HardSigmoidGradient);

MX_REGISTER_OP(zeros_like)
    .Describe("Return an array of zeros with the same shape and dtype as the input.\n\n"
              "Example::\n\n  x = [[ 1.,  1.,  1.],\n       [ 1.,  1.,  1.]]\n\n"
              "  zeros_like(x) = [[ 0.,  0.,  0.],\n                  [ 0.,  0.,  0.]]")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ZeroGradient);

MX_REGISTER_OP(ones_like)
    .Describe("Return an array of ones with the same shape and dtype as the input.\n\n"
              "Example::\n\n  x = [[ 0.,  0.,  0.],\n       [ 0.,  0.,  0.]]\n\n"
              "  ones_like(x) = [[ 1.,  1.,  1.],\n                 [ 1.,  1.,  1.]]")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ZeroGradient);

}  // namespace op
}  // namespace mx
