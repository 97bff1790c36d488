// _contrib_AdaptiveAvgPooling2D (MXNet 1.9's src/operator/contrib/adaptive_avg_pooling):
// data (N, C, H, W) averaged into (N, C, OH, OW) bins; output bin (i, j)
// covers rows [floor(i * H / OH), ceil((i + 1) * H / OH)) and the same for
// columns, so bins overlap when the size does not divide.  output_size ()
// means (1, 1), (s,) means (s, s).  The gradient op
// _backward_contrib_AdaptiveAvgPooling2D takes (out_grad, data) to data's
// gradient: each bin's out_grad spread evenly over its inputs.
#include <vector>

#include "ops/nn/layer_util.h"

namespace mx {
namespace op {

namespace {

Shape PooledShape(const Attrs& attrs, const Shape& data) {
  const std::string& op = attrs.op()->name;
  MX_CHECK(data.ndim() == 4, kValue, op, ": data must be 4-D (batch, channel, height, width), got shape ",
           data.ToString());
  MX_CHECK(data[2] > 0 && data[3] > 0, kValue, op, ": data's height and width must be positive (a bin of no "
           "elements has no average), got shape ", data.ToString());
  const Shape size = attrs.Tuple("output_size");
  MX_CHECK(size.ndim() <= 2, kValue, op, ": output_size must be (), (size,) or (height, width), got ",
           size.ToString());
  for (int64_t d : size) MX_CHECK(d >= 0, kValue, op, ": output_size must not be negative, got ", size.ToString());
  const int64_t height = size.ndim() == 0 ? 1 : size[0], width = size.ndim() == 2 ? size[1] : height;
  return Shape({data[0], data[1], height, width});
}

bool AdaptivePoolShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[0].is_known()) return false;
  AssignShape(&(*out)[0], PooledShape(attrs, (*in)[0]), *attrs.op(), "output");
  return true;
}

// _backward: [out_grad, data] -> [data's gradient].
bool AdaptivePoolBackwardShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if (!(*in)[1].is_known()) return false;
  AssignShape(&(*in)[0], PooledShape(attrs, (*in)[1]), *attrs.op(), "out_grad");
  AssignShape(&(*out)[0], (*in)[1], *attrs.op(), "gradient");
  return true;
}

OpDef& AddOutputSize(OpDef& op) {
  return op.Param("output_size", "Shape(tuple)", "()",
                  "int (output size) or a tuple of int for output (height, width).");
}

}  // namespace

MX_REGISTER_OPS(contrib_adaptive_avg_pooling) {
  AddOutputSize(Registry::Get()
                    .Register("_contrib_AdaptiveAvgPooling2D")
                    .Describe("Applies a 2D adaptive average pooling over a 4D input with the shape of (NCHW).\n"
                              "The pooling kernel and stride sizes are automatically chosen for desired output "
                              "sizes.\n\n"
                              "- If a single integer is provided for output_size, the output size is \n"
                              "  (N x C x output_size x output_size) for any input (NCHW).\n\n"
                              "- If a tuple of integers (height, width) are provided for output_size, the output "
                              "size is \n  (N x C x height x width) for any input (NCHW).\n\n"
                              "float16 data is averaged in float32.")
                    .Inputs({"data"})
                    .Shapes(AdaptivePoolShape)
                    .Types(SameFloatTypes)
                    .Gradient([](GradBuilder& b) {
                      return std::vector<Value>{b.Apply("_backward_contrib_AdaptiveAvgPooling2D",
                                                        {b.out_grad(0), b.input(0)}, ParamsOf(b.attrs()))};
                    }));
  AddOutputSize(Registry::Get()
                    .Register("_backward_contrib_AdaptiveAvgPooling2D")
                    .Describe("The gradient of _contrib_AdaptiveAvgPooling2D: from (out_grad, data) to data's "
                              "gradient.")
                    .Inputs({"out_grad", "data"})
                    .Shapes(AdaptivePoolBackwardShape)
                    .Types(SameFloatTypes));
}

}  // namespace op
}  // namespace mx
