// Element-wise contrib ops (MXNet 1.9's src/operator/contrib):
// _contrib_div_sqrt_dim (data / sqrt(data.shape[-1]), the attention scaling),
// _contrib_quadratic (a * x^2 + b * x + c), _contrib_gradientmultiplier
// (identity forward, gradient times scalar) and the straight-through
// estimators _contrib_round_ste and _contrib_sign_ste (round / sign
// forward, the gradient passed through unchanged).
#include <string>
#include <vector>

#include "ops/gradient_shorthands.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// The gradient of the straight-through estimators: out_grad itself.
std::vector<Value> PassThrough(GradBuilder& b) { return {b.out_grad(0)}; }

bool DivSqrtDimShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const bool known = SameShapes(attrs, in, out);
  MX_CHECK(!known || (*in)[0].ndim() >= 1, kValue, attrs.op()->name,
           ": data must have at least one dimension, got a 0-d array");
  return known;
}

OpDef& Elementwise(const char* name) {
  return Registry::Get().Register(name).Inputs({"data"}).Types(SameTypes).Inplace({{0, 0}});
}

}  // namespace

MX_REGISTER_OPS(contrib_elemwise) {
  Elementwise("_contrib_div_sqrt_dim")
      .Describe("Rescale the input by the square root of the channel dimension.\n\n"
                "   out = data / sqrt(data.shape[-1])\n\n"
                "The divisor is converted to data's dtype first (as MXNet: an integer array is divided by "
                "the truncated root).")
      .Shapes(DivSqrtDimShape)
      // d(x / s)/dx = 1 / s, with out_grad of data's shape.
      .Gradient([](GradBuilder& b) { return std::vector<Value>{b.Apply("_contrib_div_sqrt_dim", {b.out_grad(0)})}; });

  Elementwise("_contrib_quadratic")
      .Describe("This operators implements the quadratic function.\n\n"
                ".. math::\n    f(x) = ax^2+bx+c\n\n"
                "where :math:`x` is an input tensor and all operations in the function are element-wise.  The "
                "arithmetic runs in float32 (float64 for float64 data) and the result is converted to data's "
                "dtype.")
      .Param("a", "float", "0", "Coefficient of the quadratic term in the quadratic function.")
      .Param("b", "float", "0", "Coefficient of the linear term in the quadratic function.")
      .Param("c", "float", "0", "Constant term in the quadratic function.")
      .Shapes(SameShapes)
      .Gradient([](GradBuilder& b) {
        // f'(x) = 2ax + b
        const double a = static_cast<float>(b.attrs().Float("a")), lin = static_cast<float>(b.attrs().Float("b"));
        const Value slope = PlusScalar(b, Scale(b, b.input(0), 2 * a), lin);
        return std::vector<Value>{Mul(b, b.out_grad(0), slope)};
      });

  Elementwise("_contrib_gradientmultiplier")
      .Describe("This operator implements the gradient multiplier function.\n"
                "In forward pass it acts as an identity transform. During backpropagation it\n"
                "multiplies the gradient from the subsequent level by a scalar factor lambda and passes it to\n"
                "the preceding layer.")
      .Param("scalar", "double", "1", "lambda multiplier")
      .Param("is_int", "boolean", "True", "Indicate whether scalar input is int type")
      .Shapes(SameShapes)
      .Gradient([](GradBuilder& b) {
        return std::vector<Value>{Scale(b, b.out_grad(0), b.attrs().Float("scalar"))};
      });

  Elementwise("_contrib_round_ste")
      .Describe("Straight-through-estimator of `round()`.\n\n"
                "In forward pass, returns element-wise rounded value to the nearest integer of the input (same "
                "as `round()`).\n\n"
                "In backward pass, returns gradients of ``1`` everywhere (instead of ``0`` everywhere as in "
                "`round()`): :math:`\\frac{d}{dx}{round\\_ste(x)} = 1` vs. :math:`\\frac{d}{dx}{round(x)} = 0`. "
                "This is useful for quantized training.")
      .Shapes(SameShapes)
      .Gradient(PassThrough)
      .Alias("_sparse__contrib_round_ste");

  Elementwise("_contrib_sign_ste")
      .Describe("Straight-through-estimator of `sign()`.\n\n"
                "In forward pass, returns element-wise sign of the input (same as `sign()`).\n\n"
                "In backward pass, returns gradients of ``1`` everywhere (instead of ``0`` everywhere as in "
                "``sign()``): :math:`\\frac{d}{dx}{sign\\_ste(x)} = 1` vs. :math:`\\frac{d}{dx}{sign(x)} = 0`. "
                "This is useful for quantized training.")
      .Shapes(SameShapes)
      .Gradient(PassThrough)
      .Alias("_sparse__contrib_sign_ste");
}

}  // namespace op
}  // namespace mx
