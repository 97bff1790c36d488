// SoftmaxOutput (alias Softmax): the forward pass is a softmax -- over the
// flattened non-batch axes (default), the last axis (preserve_shape) or
// axis 1 (multi_output).  Its gradient is that of the cross-entropy loss
// against `label`, whatever gradient reaches the output (unless out_grad):
//   grad = (softmax - one_hot(label)) * grad_scale / normalization
// with label smoothing (smooth_alpha), ignored labels (use_ignore) and
// normalization null / batch / valid as in MXNet 1.9.  A label of data's
// shape holds probabilities: grad = (softmax - label) * grad_scale.  The
// label gets no gradient.  _backward_SoftmaxOutput(ograd, label, output).
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

// The label shape of data for these parameters, given the label as far as
// it is known (multi_output accepts three forms).
void InferLabel(const Attrs& attrs, const Shape& data, Shape* label) {
  const OpDef& op = *attrs.op();
  if (*label == data) return;  // probabilities
  if (!attrs.Bool("multi_output")) {
    Shape expected = Shape::Scalar();  // data's shape without the last axis
    for (int i = 0; i + 1 < data.ndim(); ++i) expected.push_back(data[i]);
    AssignShape(label, expected, op, "label");
    return;
  }
  MX_CHECK(data.ndim() >= 2, kValue, "SoftmaxOutput: multi_output needs data of at least 2 dimensions, got ",
           data.ToString());
  if (!data.is_known()) return;
  Shape without_axis1({data[0]});
  int64_t rest = 1;
  for (int i = 2; i < data.ndim(); ++i) {
    without_axis1.push_back(data[i]);
    rest *= data[i];
  }
  const Shape flat({data[0], rest});
  Shape axis1_one = data;
  axis1_one[1] = 1;
  if (label->ndim() < 0) {
    *label = flat;
    return;
  }
  MX_CHECK(*label == flat || *label == without_axis1 || *label == axis1_one, kValue,
           "SoftmaxOutput: with multi_output, label must have shape ", flat.ToString(), " or ",
           without_axis1.ToString(), ", got ", label->ToString());
}

bool SoftmaxOutputShapes(const Attrs& attrs, Shape* data, Shape* label, Shape* out) {
  const OpDef& op = *attrs.op();
  AssignShape(data, *out, op, "output");
  if (data->ndim() < 0) return false;
  MX_CHECK(data->ndim() >= 1, kValue, "SoftmaxOutput: data must have at least one dimension");
  InferLabel(attrs, *data, label);
  AssignShape(out, *data, op, "output");
  return data->is_known() && label->is_known();
}

bool SoftmaxOutputShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return SoftmaxOutputShapes(attrs, &(*in)[0], &(*in)[1], &(*out)[0]);
}

// _backward_SoftmaxOutput: [ograd, label, output] -> [data's gradient] (the input is not
// called out_grad: a parameter is).
bool SoftmaxOutputBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const OpDef& op = *attrs.op();
  Shape data = (*in)[2];
  AssignShape(&data, (*in)[0], op, "ograd");
  AssignShape(&data, (*out)[0], op, "gradient");
  const bool known = SoftmaxOutputShapes(attrs, &data, &(*in)[1], &(*in)[2]);
  AssignShape(&(*in)[0], data, op, "ograd");
  AssignShape(&(*out)[0], data, op, "gradient");
  return known;
}

OpDef& AddSoftmaxOutputParams(OpDef& op) {
  return op.Param("grad_scale", "float", "1", "Scales the gradient by a float factor.")
      .Param("ignore_label", "float", "-1",
             "The instances whose `labels` == `ignore_label` will be ignored during backward, if `use_ignore` "
             "is set to ``true``).")
      .Param("multi_output", "boolean", "False",
             "If set to ``true``, the softmax function will be computed along axis ``1``. This is applied when "
             "the shape of input array differs from the shape of label array.")
      .Param("use_ignore", "boolean", "False",
             "If set to ``true``, the `ignore_label` value will not contribute to the backward gradient.")
      .Param("preserve_shape", "boolean", "False",
             "If set to ``true``, the softmax function will be computed along the last axis (``-1``).")
      .Param("normalization", "{'batch', 'null', 'valid'}", "null", "Normalizes the gradient.")
      .Param("out_grad", "boolean", "False", "Multiplies gradient with output gradient element-wise.")
      .Param("smooth_alpha", "float", "0",
             "Constant for computing a label smoothed version of cross-entropyfor the backwards pass.  This "
             "constant gets subtracted from theone-hot encoding of the gold label and distributed uniformly "
             "toall other labels.");
}

}  // namespace

MX_REGISTER_OPS(softmax_output) {
  AddSoftmaxOutputParams(
      Registry::Get()
          .Register("SoftmaxOutput")
          .Describe(
              "Computes the gradient of cross entropy loss with respect to softmax output.\n\n"
              "- This operator computes the gradient in two steps.  The cross entropy loss does not actually "
              "need to be computed.\n\n"
              "  - Applies softmax function on the input array.\n"
              "  - Computes and returns the gradient of cross entropy loss w.r.t. the softmax output.\n\n"
              "- During forward propagation, the softmax function is computed for each instance in the input "
              "array.  For general *N*-D input arrays with shape *(d_1, ..., d_n)* of size *s*: by default "
              "(``preserve_shape`` false) the input is read as a 2-D array *(d_1, s/d_1)* and the softmax is "
              "taken over each row; with ``preserve_shape`` it is taken along the last axis; with "
              "``multi_output`` along axis 1, and the label has shape *(d_1, d_3, ..., d_n)*.\n"
              "- During backward propagation, the gradient of cross-entropy loss w.r.t. the softmax output "
              "(output - one_hot(label)) is scaled by ``grad_scale`` and normalized by ``normalization`` "
              "('null': none, 'batch': the batch size, 'valid': the number of labels not equal to "
              "``ignore_label``); with ``use_ignore`` instances whose label is ``ignore_label`` get no "
              "gradient; ``smooth_alpha`` smooths the one-hot label.  The gradient arriving at the output "
              "is ignored unless ``out_grad`` is true.")
          .Inputs({"data", "label"})
          .Shapes(SoftmaxOutputShape)
          .Types(SameFloatTypes)
          .Inplace({{0, 0}})
          .Gradient([](GradBuilder& b) {
            return std::vector<Value>{b.Apply("_backward_SoftmaxOutput", {b.out_grad(0), b.input(1), b.output(0)},
                                              ParamsOf(b.attrs())),
                                      Value()};
          }))
      .Alias("Softmax");

  AddSoftmaxOutputParams(Registry::Get()
                             .Register("_backward_SoftmaxOutput")
                             .Describe("The gradient of SoftmaxOutput: from (ograd, label, output) to data's "
                                       "gradient (ograd, the output's gradient, is read only with out_grad=True).")
                             .Inputs({"ograd", "label", "output"})
                             .Shapes(SoftmaxOutputBackwardShape)
                             .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
