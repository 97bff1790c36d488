// Ops whose forward is a copy and whose only job is to shape the gradient:
// BlockGrad (stop_gradient) passes no gradient back, make_loss marks its input
// as a loss (the gradient it passes back is ones, whatever comes from above).
// Their kernel is the copy kernel of _copy.
#include "ops/op.h"

namespace mx {
namespace op {

MX_REGISTER_OP(BlockGrad)
    .Describe("Stops gradient computation.\n\n"
              "Stops the accumulated gradient of the inputs from flowing through this operator "
              "in the backward direction. In other words, this operator prevents the "
              "contribution of its inputs to be taken into account for computing gradients.\n\n"
              "Example::\n\n  v1 = [1, 2]\n  v2 = [0, 1]\n  a = Variable('a')\n"
              "  b = Variable('b')\n  b_stop_grad = stop_gradient(3 * b)\n"
              "  loss = MakeLoss(b_stop_grad + a)\n\n"
              "  executor = loss.simple_bind(ctx=cpu(), a=(1,2), b=(1,2))\n"
              "  executor.forward(is_train=True, a=v1, b=v2)\n  executor.outputs\n"
              "  [ 1.  5.]\n\n  executor.backward()\n  executor.grad_arrays\n"
              "  [ 0.  0.]\n  [ 1.  1.]")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ZeroGradient)
    .Alias("stop_gradient");

MX_REGISTER_OP(make_loss)
    .Describe("Make your own loss function in network construction.\n\n"
              "This operator accepts a customized loss function symbol as a terminal loss and "
              "the symbol should be an operator with no backward dependency. The output of "
              "this function is the gradient of loss with respect to the input data: the "
              "gradient passed back is ones of the input's shape.\n\n"
              "Example::\n\n  cross_entropy = label * log(out) + (1 - label) * log(1 - out)\n"
              "  loss = make_loss(cross_entropy)")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) {
      return std::vector<Value>{b.Apply("ones_like", {b.input(0)})};
    });

}  // namespace op
}  // namespace mx
