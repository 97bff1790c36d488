// softmax_cross_entropy(data, label): the summed cross-entropy of each
// row's softmax against its label, sum_i -log(max(softmax(data_i)[label_i],
// 1e-8)), of shape (1,) as in MXNet 1.9.  data is (batch, classes), label
// (batch,) of data's (float) dtype; labels are truncated and, where MXNet
// reads outside the row, clipped into [0, classes).
//
// Gradient (MXNet's, the clamp ignored): og (softmax(data) - one_hot(label))
// with one_hot from _backward_pick; the label gets none.
#include <vector>

#include "ops/gradient.h"
#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

bool SoftmaxCrossEntropyShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &data = (*in)[0], &label = (*in)[1];
  AssignShape(&(*out)[0], Shape({1}), *attrs.op(), "output");
  if (!data.is_known() || !label.is_known()) return false;
  MX_CHECK(data.ndim() == 2, kValue, "softmax_cross_entropy: data must be 2-D (batch, classes), got shape ",
           data.ToString());
  MX_CHECK(label.ndim() == 1, kValue, "softmax_cross_entropy: label must be 1-D (batch,), got shape ",
           label.ToString());
  MX_CHECK(data[1] > 0 || data[0] == 0, kValue, "softmax_cross_entropy: data of shape ", data.ToString(),
           " has no classes to pick from");
  MX_CHECK(data[0] == label[0], kValue, "softmax_cross_entropy: data ", data.ToString(), " and label ",
           label.ToString(), " have different batch sizes");
  return true;
}

std::vector<Value> SoftmaxCrossEntropyGradient(GradBuilder& b) {
  const Value data = b.input(0), label = b.input(1);
  const Value one_hot = b.Apply("_backward_pick", {b.Apply("ones_like", {label}), data, label});
  const Value diff = Sub(b, b.Apply("softmax", {data}), one_hot);
  return {b.Apply("broadcast_mul", {diff, b.out_grad(0)}), Value()};
}

}  // namespace

MX_REGISTER_OP(softmax_cross_entropy)
    .Describe("Calculate cross entropy of softmax output and one-hot label.\n\n"
              "- This operator computes the cross entropy in two steps:\n"
              "  - Applies softmax function on the input array.\n"
              "  - Computes and returns the cross entropy loss between the softmax output and the labels.\n\n"
              "- The softmax function and cross entropy loss is given by:\n\n"
              "  - Softmax Function: softmax(x)_i = exp(x_i) / sum_j exp(x_j)\n"
              "  - Cross Entropy Function: CE(label, output) = - sum_i label_i log(output_i)\n\n"
              "data has shape (batch_size, num_classes), label (batch_size,) with class indices; the output is "
              "the loss summed over the batch, of shape (1,).")
    .Inputs({"data", "label"})
    .Shapes(SoftmaxCrossEntropyShape)
    .Types(SameFloatTypes)
    .Gradient(SoftmaxCrossEntropyGradient);

}  // namespace op
}  // namespace mx
