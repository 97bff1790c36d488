// Element-wise unary ops of the foundation: negation and copies.
#include "ops/op.h"

namespace mx {
namespace op {

MX_REGISTER_OP(negative)
    .Describe("Numerical negative of the argument, element-wise: y = -x.")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) { return std::vector<Value>{Neg(b, b.out_grad(0))}; });

MX_REGISTER_OP(_copy)
    .Describe("Returns a copy of the input.")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) { return std::vector<Value>{b.out_grad(0)}; })
    .Alias("identity");

namespace {

// The output keeps a dtype it already has (a copy into an array of another
// dtype converts); otherwise it takes the input's.
bool CopyToType(const Attrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*out)[0] < 0) (*out)[0] = (*in)[0];
  return (*out)[0] >= 0;
}

bool CastType(const Attrs& attrs, std::vector<int>*, std::vector<int>* out) {
  AssignType(&(*out)[0], static_cast<int>(attrs.Int("dtype")), *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(_copyto)
    .Describe("Copies the input into the output array, converting to the output's dtype and "
              "moving to its device if they differ.")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(CopyToType)
    .CrossDevice()
    // The gradient comes back in the input's dtype and on its device.
    .Gradient([](GradBuilder& b) {
      return std::vector<Value>{b.Apply("_cast_like", {b.out_grad(0), b.input(0)})};
    });

MX_REGISTER_OP(Cast)
    .Describe("Casts all elements of the input to a new type.\n\n"
              "Floating-point values are truncated toward zero when cast to an integer type; "
              "NaN becomes 0 and values outside the target's range saturate.")
    .Inputs({"data"})
    .Param("dtype", "dtype", nullptr, "Output data type.")
    .Shapes(SameShapes)
    .Types(CastType)
    .Gradient([](GradBuilder& b) {  // back to the input's dtype
      return std::vector<Value>{b.Apply("_cast_like", {b.out_grad(0), b.input(0)})};
    })
    .Alias("cast");

}  // namespace op
}  // namespace mx
