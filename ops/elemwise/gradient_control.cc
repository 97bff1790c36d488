// Identity ops that set their input's gradient instead of passing the head
// gradient through: BlockGrad (zeros: the input is a constant to everything
// above it) and the loss heads make_loss / MakeLoss (ones, whatever arrives,
// so a graph ending in a loss needs no head gradient).  Their forward is the
// copy kernel of _copy.
#include <string>

#include "ops/gradient_shorthands.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// MakeLoss's gradient: grad_scale, divided by the batch size (data's first
// dimension) for normalization='batch' or by the number of elements above
// valid_thresh (at least 1) for 'valid'.  Built from ops on data alone, so it
// holds for any shape the graph is later bound to.
Value MakeLossGradient(GradBuilder& b) {
  const Attrs& attrs = b.attrs();
  const Value data = b.input(0);
  const double scale = attrs.Float("grad_scale");
  const std::string normalization = attrs.Str("normalization");
  if (normalization == "null") return Scale(b, b.Apply("ones_like", {data}), scale);
  Value count;
  if (normalization == "batch") {
    // Every element of the ones' sum over axis 0 is the batch size.
    count = b.Apply("sum", {b.Apply("ones_like", {data})}, {{"axis", "0"}, {"keepdims", "True"}});
  } else {
    const Value valid = GreaterScalar(b, data, attrs.Float("valid_thresh"));
    count = WithScalar(b, "_maximum_scalar", b.Apply("sum", {valid}, {{"keepdims", "True"}}), 1.0);
  }
  return WithScalar(b, "_rdiv_scalar", b.Apply("broadcast_like", {count, data}), scale);
}

bool MakeLossShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  MX_CHECK(!data.is_known() || attrs.Str("normalization") != "batch" || data.ndim() > 0, kValue,
           "MakeLoss: normalization='batch' needs data with a batch axis, got a 0-d array");
  return SameShapes(attrs, in, out);
}

}  // namespace

MX_REGISTER_OP(BlockGrad)
    .Describe("Stops gradient computation.\n\n"
              "Stops the accumulated gradient of the inputs from flowing through this operator in the "
              "backward direction. In other words, this operator prevents the contribution of its "
              "inputs to be taken into account for computing gradients.")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient(ZeroGradient)
    .Alias("stop_gradient")
    .Alias("_npx_stop_gradient");

MX_REGISTER_OP(make_loss)
    .Describe("Make your own loss function in network construction.\n\n"
              "The output is the input; the gradient of the input is ones, whatever gradient "
              "reaches the output, so the output can end a graph as its loss.")
    .Inputs({"data"})
    .Shapes(SameShapes)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) { return std::vector<Value>{b.Apply("ones_like", {b.input(0)})}; })
    .Alias("_npx_make_loss");

MX_REGISTER_OP(MakeLoss)
    .Describe("Make your own loss function in network construction.\n\n"
              "This operator accepts a customized loss function symbol as a terminal loss. Its output "
              "is the input; the gradient of the input is `grad_scale`, normalized as `normalization` "
              "says, whatever gradient reaches the output.")
    .Inputs({"data"})
    .Param("grad_scale", "float", "1", "Gradient scale as a supplement to unary and binary operators")
    .Param("valid_thresh", "float", "0",
           "clip each element in the array to 0 when it is less than ``valid_thresh``. This is used "
           "when ``normalization`` is set to ``'valid'``.")
    .Param("normalization", "{'batch', 'null', 'valid'}", "null",
           "If this is set to null, the output gradient will not be normalized. If this is set to "
           "batch, the output gradient will be divided by the batch size. If this is set to valid, "
           "the output gradient will be divided by the number of valid input elements.")
    .Shapes(MakeLossShape)
    .Types(SameTypes)
    .Inplace({{0, 0}})
    .Gradient([](GradBuilder& b) { return std::vector<Value>{MakeLossGradient(b)}; });

}  // namespace op
}  // namespace mx
