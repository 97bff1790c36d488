// _backward_relu(ograd, output): ograd where relu's output is > 0, else 0,
// and NaN where the output is NaN -- MXNet 1.9's relu_grad, in one pass (the
// gradient of relu and of Activation(act_type='relu'), the hottest backward
// of a network).  The mask is locally constant: its gradient is itself for
// ograd and none for output.
#include "ops/op.h"

namespace mx {
namespace op {

MX_REGISTER_OP(_backward_relu)
    .Describe("The gradient of relu from its output: ograd * (output > 0), NaN where output is NaN.")
    .Inputs({"ograd", "output"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) {
      return std::vector<Value>{b.Apply("_backward_relu", {b.out_grad(0), b.input(1)}), Value()};
    });

}  // namespace op
}  // namespace mx
