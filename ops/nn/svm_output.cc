// SVMOutput: a support vector machine output layer.  The forward pass is the
// identity; like the other output layers it ignores the gradient reaching
// its output, and the data's gradient is that of the one-vs-rest hinge loss
// against `label`, over the last axis (one class index per row, truncated):
//   L2-SVM (default)   k == label  -2 c max(0, margin - out)
//                      k != label   2 c max(0, margin + out)
//   L1-SVM (use_linear) k == label  -c [margin > out]
//                      k != label   c [margin > -out]
// with c = regularization_coefficient.  The label has data's shape without
// the last axis and gets no gradient.  _backward_SVMOutput(label, output).
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// data's shape without its last axis.
void InferLabel(const OpDef& op, const Shape& data, Shape* label) {
  Shape expected = Shape::Scalar();
  for (int i = 0; i + 1 < data.ndim(); ++i) expected.push_back(data[i]);
  AssignShape(label, expected, op, "label (data's shape without the last axis)");
}

bool SVMOutputShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& data = (*in)[0];
  AssignShape(&data, (*out)[0], op, "output");
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() >= 1, kValue, "operator ", op.name, ": data must have at least one dimension");
  InferLabel(op, data, &(*in)[1]);
  AssignShape(&(*out)[0], data, op, "output");
  return (*in)[1].is_known();
}

// _backward_SVMOutput: [label, output] -> [data's gradient].
bool SVMOutputBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  std::vector<Shape> forward_in{(*in)[1], (*in)[0]};
  const bool known = SVMOutputShape(attrs, &forward_in, out);
  (*in)[1] = forward_in[0];
  (*in)[0] = forward_in[1];
  return known;
}

OpDef& AddSVMOutputParams(OpDef& op) {
  return op.Param("margin", "float", "1",
                  "The margin of the hinge loss: a score is penalised until it lies this far on the right side of "
                  "zero.")
      .Param("regularization_coefficient", "float", "1",
             "Scales the gradient: the coefficient that balances the weights' size against the training error.")
      .Param("use_linear", "boolean", "False",
             "If set true, uses L1-SVM objective function. Default uses L2-SVM objective");
}

}  // namespace

MX_REGISTER_OPS(svm_output) {
  AddSVMOutputParams(Registry::Get()
                         .Register("SVMOutput")
                         .Describe("Support Vector Machine based transformation on input, backprop L2-SVM.\n\n"
                                   "An output layer for classification in place of softmax: the forward pass "
                                   "is the identity; the backward pass "
                                   "gives the gradient of the L2-SVM (squared hinge) loss, or with "
                                   "``use_linear`` of the L1-SVM (hinge) loss, one-vs-rest over the last axis "
                                   "against the class indices in ``label``, whatever gradient reaches the "
                                   "output.")
                         .Inputs({"data", "label"})
                         .Shapes(SVMOutputShape)
                         .Types(SameFloatTypes)
                         .Inplace({{0, 0}})
                         .Gradient([](GradBuilder& b) {
                           return std::vector<Value>{
                               b.Apply("_backward_SVMOutput", {b.input(1), b.output(0)}, ParamsOf(b.attrs())),
                               Value()};
                         }));
  AddSVMOutputParams(Registry::Get()
                         .Register("_backward_SVMOutput")
                         .Describe("The data's gradient of SVMOutput, from (label, output).")
                         .Inputs({"label", "output"})
                         .Shapes(SVMOutputBackwardShape)
                         .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
