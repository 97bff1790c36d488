// The ops autograd records for a user-defined Function (mx.autograd.Function):
// _CustomFunction stands for the forward computation the frontend already
// ran, and its gradient is _CustomFunctionBackward, which libmx runs by
// calling the frontend's backward (imperative/custom_function.cc).  Neither
// has a kernel; `id` names the registered callback.
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

// Shapes and dtypes come from the arrays the frontend made.
bool UnknownShapes(const Attrs&, std::vector<Shape>*, std::vector<Shape>*) { return false; }
bool UnknownTypes(const Attrs&, std::vector<int>*, std::vector<int>*) { return false; }

int NumOutputs(const Attrs& attrs) { return static_cast<int>(attrs.Int("num_outputs")); }

void AddParams(OpDef& op) {
  op.VariadicInputs("data", "num_args")
      .Param("num_args", "int", nullptr, "Number of inputs.")
      .Param("num_outputs", "int", nullptr, "Number of outputs.")
      .Param("id", "long", nullptr, "The registered Function's id.")
      .NumOutputsFn(NumOutputs)
      .Shapes(UnknownShapes)
      .Types(UnknownTypes);
}

}  // namespace

MX_REGISTER_OPS(custom_function) {
  OpDef& forward = Registry::Get().Register("_CustomFunction");
  AddParams(forward.Describe("A user-defined Function's forward pass, as recorded by autograd."));
  forward.Gradient([](GradBuilder& b) {
    const int num_outputs = static_cast<int>(b.attrs().Int("num_outputs"));
    std::vector<Value> out_grads;
    for (int k = 0; k < num_outputs; ++k) out_grads.push_back(b.out_grad(k));
    return b.ApplyN("_CustomFunctionBackward", out_grads,
                    {{"num_outputs", std::to_string(b.num_inputs())},
                     {"id", std::to_string(b.attrs().Int("id"))}});
  });
  OpDef& backward = Registry::Get().Register("_CustomFunctionBackward");
  AddParams(backward.Describe(
      "A user-defined Function's backward pass: the gradients of its inputs from those of its "
      "outputs, computed by the frontend's callback."));
}

}  // namespace op
}  // namespace mx
