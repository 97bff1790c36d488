// The regression output layers: LinearRegressionOutput (out = data),
// LogisticRegressionOutput (out = sigmoid(data)) and MAERegressionOutput
// (out = data).  Like SoftmaxOutput they ignore the gradient reaching the
// output; the data's gradient is that of their loss against `label`:
//   linear, logistic  (out - label) * grad_scale / m
//   MAE               sign(out - label) * grad_scale / m   (-1 where equal)
// with m = label.size / label.shape[0] (the outputs per example).  The label
// has data's size and batch size -- (n,) for data (n, 1) -- and gets no
// gradient.  _backward_<Op>(label, output).
#include <string>

#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

void InferLabel(const Attrs& attrs, const Shape& data, Shape* label) {
  if (!data.is_known()) return;
  if (label->ndim() < 0) {
    *label = data.ndim() == 2 && data[1] == 1 ? Shape({data[0]}) : data;
    return;
  }
  if (!label->is_known()) return;
  MX_CHECK(data.ndim() >= 1 && label->ndim() >= 1 && (*label)[0] == data[0] && label->Size() == data.Size(), kValue,
           "operator ", attrs.op()->name, ": label of shape ", label->ToString(),
           " is inconsistent with data of shape ", data.ToString(), " (same size and batch size expected)");
}

bool RegressionShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& data = (*in)[0];
  AssignShape(&data, (*out)[0], op, "output");
  if (data.ndim() < 0) return false;
  AssignShape(&(*out)[0], data, op, "output");
  InferLabel(attrs, data, &(*in)[1]);
  return data.is_known() && (*in)[1].is_known();
}

// _backward_<Op>: [label, output] -> [data's gradient].
bool RegressionBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape& output = (*in)[1];
  AssignShape(&output, (*out)[0], op, "gradient");
  if (output.ndim() < 0) return false;
  AssignShape(&(*out)[0], output, op, "gradient");
  InferLabel(attrs, output, &(*in)[0]);
  return output.is_known() && (*in)[0].is_known();
}

struct RegressionSpec {
  const char* name;
  const char* description;
};

const RegressionSpec kRegressionOps[] = {
    {"LinearRegressionOutput",
     "Computes and optimizes for squared loss during backward propagation.  Just outputs ``data`` during forward "
     "propagation.\n\nIf :math:`\\hat{y}_i` is the predicted value of the i-th sample, and :math:`y_i` is the "
     "corresponding target value, then the squared loss estimated over :math:`n` samples is defined as\n\n"
     "    SquaredLoss(y, yhat) = 1/n sum_i ||y_i - yhat_i||_2^2\n\n"
     "By default, gradients of this loss function are scaled by factor `1/m`, where m is the number of "
     "regression outputs of a training example.  The parameter `grad_scale` can be used to change this scale "
     "to `grad_scale/m`."},
    {"LogisticRegressionOutput",
     "Applies a logistic function to the input.\n\nThe logistic function, also known as the sigmoid function, "
     "is computed as 1/(1+exp(-data)).  Commonly, the sigmoid is used to squash the real-valued output of a "
     "linear model wTx+b into the [0,1] range so that it can be interpreted as a probability.  It is suitable "
     "for binary classification or probability prediction tasks.\n\nThe gradient of the loss (binary cross "
     "entropy against the label) is (output - label), scaled by `grad_scale/m` with m the number of outputs "
     "of a training example."},
    {"MAERegressionOutput",
     "Computes mean absolute error of the input.\n\nMAE is a risk metric corresponding to the expected value of "
     "the absolute error.  Just outputs ``data`` during forward propagation; the gradient of the loss is "
     "sign(output - label), scaled by `grad_scale/m` with m the number of regression outputs of a training "
     "example."},
};

}  // namespace

MX_REGISTER_OPS(regression_output) {
  for (const RegressionSpec& spec : kRegressionOps) {
    const std::string backward = std::string("_backward_") + spec.name;
    Registry::Get()
        .Register(spec.name)
        .Describe(spec.description)
        .Inputs({"data", "label"})
        .Param("grad_scale", "float", "1", "Scale the gradient by a float factor")
        .Shapes(RegressionShape)
        .Types(SameFloatTypes)
        .Inplace({{0, 0}})
        .Gradient([backward](GradBuilder& b) {
          return std::vector<Value>{b.Apply(backward, {b.input(1), b.output(0)}, ParamsOf(b.attrs())), Value()};
        });
    Registry::Get()
        .Register(backward)
        .Describe(std::string("The data's gradient of ") + spec.name + ", from (label, output).")
        .Inputs({"label", "output"})
        .Param("grad_scale", "float", "1", "Scale the gradient by a float factor")
        .Shapes(RegressionBackwardShape)
        .Types(SameFloatTypes);
  }
}

}  // namespace op
}  // namespace mx
