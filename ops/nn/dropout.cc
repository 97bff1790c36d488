// Dropout: in training (or always, with mode='always') each element -- or,
// with `axes`, each slice along them (variational dropout) -- is zeroed with
// probability p and the survivors are scaled by 1 / (1 - p); otherwise the
// identity.  The hidden second output is the mask (0 or 1 / (1 - p), shape
// data's with the axes set to 1), drawn from the call's seed, so
// mx.random.seed makes it reproducible.  Gradient: out_grad * mask
// (_backward_Dropout).
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

Shape MaskShape(const Attrs& attrs, const Shape& data) {
  Shape mask = data;
  for (int64_t axis : attrs.Tuple("axes")) {
    MX_CHECK(axis >= -data.ndim() && axis < data.ndim(), kValue, "Dropout: axis ", axis,
             " in axes is out of range for data of shape ", data.ToString());
    mask[static_cast<int>(axis < 0 ? axis + data.ndim() : axis)] = 1;
  }
  return mask;
}

void CheckP(const Attrs& attrs) {
  const double p = attrs.Float("p");
  MX_CHECK(p >= 0 && p <= 1, kValue, "Dropout: p must be in [0, 1], got ", p);
}

bool DropoutShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  CheckP(attrs);
  Shape& data = (*in)[0];
  AssignShape(&data, (*out)[0], op, "output");
  if (data.ndim() < 0) return false;
  AssignShape(&(*out)[0], data, op, "output");
  AssignShape(&(*out)[1], MaskShape(attrs, data), op, "mask");
  return data.is_known();
}

// _backward_Dropout: [out_grad, mask] -> [data's gradient].
bool DropoutBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& grad = (*in)[0];
  AssignShape(&grad, (*out)[0], op, "gradient");
  if (grad.ndim() < 0) return false;
  AssignShape(&(*out)[0], grad, op, "gradient");
  AssignShape(&(*in)[1], MaskShape(attrs, grad), op, "mask");
  return grad.is_known();
}

OpDef& AddDropoutParams(OpDef& op) {
  return op.Param("p", "float", "0.5", "Fraction of the input that gets dropped out during training time.")
      .Param("mode", "{'always', 'training'}", "training",
             "Whether to only turn on dropout during training or to also turn on for inference.")
      .Param("axes", "Shape(tuple)", "[]", "Axes for variational dropout kernel.")
      .Param("cudnn_off", "boolean or None", "False",
             "Whether to turn off cudnn in dropout operator. This option is ignored if axes is specified.");
}

}  // namespace

MX_REGISTER_OPS(dropout) {
  OpDef& dropout =
      AddDropoutParams(Registry::Get()
                           .Register("Dropout")
                           .Describe(
                               "Applies dropout operation to input array.\n\n"
                               "- During training, each element of the input is set to zero with probability "
                               "p.  The whole array is rescaled by 1/(1-p) to keep the expected sum of the "
                               "input unchanged.\n"
                               "- During testing, this operator does not change the input if mode is "
                               "'training'.  If mode is 'always', the same computation as during training "
                               "will be applied.\n\n"
                               "With ``axes``, one mask value is drawn per slice along those axes and shared "
                               "by the slice (variational dropout).")
                           .Inputs({"data"})
                           .Outputs({"output", "mask"})
                           .VisibleOutputs([](const Attrs&) { return 1; })
                           .Shapes(DropoutShape)
                           .Types(SameFloatTypes)
                           .Inplace({{0, 0}})
                           .Gradient([](GradBuilder& b) {
                             return std::vector<Value>{b.Apply("_backward_Dropout", {b.out_grad(0), b.output(1)},
                                                               ParamsOf(b.attrs()))};
                           }))
          .Alias("_npx_dropout");
  dropout.needs_rng = true;

  AddDropoutParams(Registry::Get()
                       .Register("_backward_Dropout")
                       .Describe("The gradient of Dropout: out_grad times the mask Dropout drew.")
                       .Inputs({"out_grad", "mask"})
                       .Shapes(DropoutBackwardShape)
                       .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
