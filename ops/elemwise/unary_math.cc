// Element-wise unary math: MXNet 1.9's abs, exp, sin, floor, relu, ...
// (one table, one registration loop), plus the unary ops that take a
// parameter (clip, smooth_l1) and zeros_like / ones_like.
//
// dtype rule (MXNet 1.9's UnaryOp::Compute): the output has the input's
// dtype, and every numeric dtype is accepted, integers included -- a
// transcendental function of an integer array is computed in floating point
// and truncated toward zero (exp([1, 2]) on int32 gives [2, 7]).  bool has
// no kernel.  Activation / LeakyReLU (activation.cc) take floats only.
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

struct UnaryMathDef {
  const char* name;
  const char* doc;
};

// Rationale: one table so every op gets the same inputs, inference and
// in-place hint; the kernels come from one template in plugins/cpu.
const UnaryMathDef kUnaryMath[] = {
    {"abs", "Returns element-wise absolute value of the input.\n\n"
            "Example::\n\n   abs([-2, 0, 3]) = [2, 0, 3]"},
    {"sign", "Returns element-wise sign of the input: -1, 0 or 1 (0 for NaN, as MXNet).\n\n"
             "Example::\n\n   sign([-2, 0, 3]) = [-1, 0, 1]"},
    {"reciprocal", "Returns the reciprocal of the argument, element-wise: 1 / x.\n\n"
                   "Example::\n\n   reciprocal([-2, 1, 3, 1.6, 0.2]) = [-0.5, 1.0, 0.33333334, 0.625, 5.0]"},
    {"square", "Returns element-wise squared value of the input: x^2.\n\n"
               "Example::\n\n   square([2, 3, 4]) = [4, 9, 16]"},
    {"sqrt", "Returns element-wise square-root value of the input.\n\n"
             "Example::\n\n   sqrt([4, 9, 16]) = [2, 3, 4]"},
    {"rsqrt", "Returns element-wise inverse square-root value of the input: 1 / sqrt(x).\n\n"
              "Example::\n\n   rsqrt([4, 9, 16]) = [0.5, 0.33333334, 0.25]"},
    {"cbrt", "Returns element-wise cube-root value of the input.\n\n"
             "Example::\n\n   cbrt([1, 8, -125]) = [1, 2, -5]"},
    {"rcbrt", "Returns element-wise inverse cube-root value of the input: 1 / cbrt(x).\n\n"
              "Example::\n\n   rcbrt([1, 8, -125]) = [1.0, 0.5, -0.2]"},
    {"exp", "Returns element-wise exponential value of the input: e^x.\n\n"
            "Example::\n\n   exp([0, 1, 2]) = [1., 2.71828175, 7.38905621]"},
    {"expm1", "Returns exp(x) - 1 computed element-wise, accurate for small x."},
    {"log", "Returns element-wise natural logarithmic value of the input.\n\n"
            "The natural logarithm is logarithm in base e, so that log(exp(x)) = x."},
    {"log1p", "Returns element-wise log(1 + x), accurate for small x."},
    {"log2", "Returns element-wise base-2 logarithmic value of the input: 2^log2(x) = x."},
    {"log10", "Returns element-wise base-10 logarithmic value of the input: 10^log10(x) = x."},
    {"sin", "Computes the element-wise sine of the input array (in radians)."},
    {"cos", "Computes the element-wise cosine of the input array (in radians)."},
    {"tan", "Computes the element-wise tangent of the input array (in radians)."},
    {"arcsin", "Returns element-wise inverse sine of the input array, in [-pi/2, pi/2]; "
               "NaN outside [-1, 1]."},
    {"arccos", "Returns element-wise inverse cosine of the input array, in [0, pi]; "
               "NaN outside [-1, 1]."},
    {"arctan", "Returns element-wise inverse tangent of the input array, in (-pi/2, pi/2)."},
    {"sinh", "Returns the hyperbolic sine of the input array, computed element-wise."},
    {"cosh", "Returns the hyperbolic cosine of the input array, computed element-wise."},
    {"tanh", "Returns the hyperbolic tangent of the input array, computed element-wise."},
    {"arcsinh", "Returns the element-wise inverse hyperbolic sine of the input array."},
    {"arccosh", "Returns the element-wise inverse hyperbolic cosine of the input array; "
                "NaN below 1."},
    {"arctanh", "Returns the element-wise inverse hyperbolic tangent of the input array; "
                "NaN outside [-1, 1]."},
    {"degrees", "Converts each element of the input array from radians to degrees.\n\n"
                "Example::\n\n   degrees([0, pi/2, pi, 3pi/2, 2pi]) = [0, 90, 180, 270, 360]"},
    {"radians", "Converts each element of the input array from degrees to radians.\n\n"
                "Example::\n\n   radians([0, 90, 180, 270, 360]) = [0, pi/2, pi, 3pi/2, 2pi]"},
    {"floor", "Returns element-wise floor of the input: the largest integer i <= x.\n\n"
              "Example::\n\n   floor([-2.1, -1.9, 1.5, 1.9, 2.1]) = [-3., -2.,  1.,  1.,  2.]"},
    {"ceil", "Returns element-wise ceiling of the input: the smallest integer i >= x.\n\n"
             "Example::\n\n   ceil([-2.1, -1.9, 1.5, 1.9, 2.1]) = [-2., -1.,  2.,  2.,  3.]"},
    {"round", "Returns element-wise rounded value to the nearest integer of the input; "
              "halves round away from zero.\n\n"
              "Example::\n\n   round([-1.5, 1.5, -1.9, 1.9, 2.1]) = [-2.,  2., -2.,  2.,  2.]"},
    {"rint", "Returns element-wise rounded value to the nearest integer of the input; "
             "halves round down (MXNet's rule).\n\n"
             "Example::\n\n   rint([-1.5, 1.5, -1.9, 1.9, 2.1]) = [-2.,  1., -2.,  2.,  2.]"},
    {"trunc", "Return the element-wise truncated value of the input: the nearest integer "
              "toward zero.\n\n"
              "Example::\n\n   trunc([-2.1, -1.9, 1.5, 1.9, 2.1]) = [-2., -1.,  1.,  1.,  2.]"},
    {"fix", "Returns element-wise rounded value to the nearest integer towards zero of the "
            "input.\n\n"
            "Example::\n\n   fix([-2.1, -1.9, 1.9, 2.1]) = [-2., -1.,  1., 2.]"},
    {"relu", "Computes rectified linear activation: max(x, 0) (NaN stays NaN)."},
    {"sigmoid", "Computes sigmoid of x element-wise: y = 1 / (1 + exp(-x))."},
    {"softsign", "Computes softsign of x element-wise: y = x / (1 + abs(x))."},
    {"erf", "Returns element-wise gauss error function of the input.\n\n"
            "Example::\n\n   erf([0, -1., 10.]) = [0., -0.8427, 1.]"},
    {"erfinv", "Returns element-wise inverse gauss error function of the input; "
               "NaN outside [-1, 1].\n\n"
               "Example::\n\n   erfinv([0, 0.5., -1.]) = [0., 0.4769, -inf]"},
    {"gamma", "Returns the gamma function (extension of the factorial function to the "
              "reals), computed element-wise on the input array."},
    {"gammaln", "Returns element-wise log of the absolute value of the gamma function of "
                "the input."},
    {"logical_not", "Returns the result of logical NOT (!) function: 1 where x is 0, else 0, "
                    "in the input dtype.\n\n"
                    "Example::\n\n  logical_not([-2., 0., 1.]) = [0., 1., 0.]"},
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
        .Inplace({{0, 0}});
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
    .Inplace({{0, 0}});

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
    .Inplace({{0, 0}});

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
