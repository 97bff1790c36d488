// _contrib_MultiBoxPrior (alias _npx_multibox_prior; MXNet 1.9): SSD's
// anchor boxes for a feature map data (batch, channel, H, W, ...): output
// (1, H * W * (len(sizes) + len(ratios) - 1), 4) corner boxes, pixel by
// pixel (row-major), centred at ((r + offsets[0]) * step_y, (c +
// offsets[1]) * step_x) with steps (step_y, step_x), both 1 / H and 1 / W
// when either is <= 0.  Each pixel gets one box per size at ratios[0], then
// one per further ratio at sizes[0]; a box of size s and ratio q is s * H /
// W * sqrt(q) wide and s / sqrt(q) high.  clip clamps corners to [0, 1].
// As in MXNet, data must be float32 (only its shape is read), the output is
// float32 and the gradient is zero.
#include "common/dtype.h"
#include "ops/op.h"

namespace mx {
namespace op {

namespace {

void CheckParams(const Attrs& attrs) {
  const std::string& op = attrs.op()->name;
  const MXAttr &sizes = attrs.Get("sizes"), &ratios = attrs.Get("ratios");
  const MXAttr &steps = attrs.Get("steps"), &offsets = attrs.Get("offsets");
  MX_CHECK(sizes.len > 0, kValue, op, ": sizes must not be empty");
  MX_CHECK(ratios.len > 0, kValue, op, ": ratios must not be empty");
  MX_CHECK(steps.len == 2, kValue, op, ": Step ndim must be 2: (step_y, step_x), got ", steps.len, " steps");
  MX_CHECK(steps.floats[0] * steps.floats[1] >= 0, kValue, op, ": Must specify both step_y and step_x, got (",
           steps.floats[0], ", ", steps.floats[1], ")");
  MX_CHECK(offsets.len == 2, kValue, op, ": offsets must be 2 values (y, x), got ", offsets.len);
  for (int k = 0; k < 2; ++k)
    MX_CHECK(offsets.floats[k] >= 0 && offsets.floats[k] <= 1, kValue, op, ": offsets must be in [0, 1], got ",
             offsets.floats[k]);
}

bool MultiBoxPriorShape(const Attrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (!data.is_known()) return false;
  MX_CHECK(data.ndim() >= 4, kValue, attrs.op()->name, ": Input data should be 4D: batch-channel-y-x, got shape ",
           data.ToString());
  CheckParams(attrs);
  const int64_t anchors = attrs.Get("sizes").len + attrs.Get("ratios").len - 1;
  AssignShape(&(*out)[0], Shape({1, data[2] * data[3] * anchors, 4}), *attrs.op(), "output");
  return true;
}

bool MultiBoxPriorType(const Attrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  AssignType(&(*in)[0], kFloat32, *attrs.op(), "data");
  AssignType(&(*out)[0], kFloat32, *attrs.op(), "output");
  return true;
}

}  // namespace

MX_REGISTER_OP(_contrib_MultiBoxPrior)
    .Describe("Generate prior(anchor) boxes from data, sizes and ratios.")
    .Inputs({"data"})
    .Param("sizes", "tuple of <float>", "[1]", "List of sizes of generated MultiBoxPriores.")
    .Param("ratios", "tuple of <float>", "[1]", "List of aspect ratios of generated MultiBoxPriores.")
    .Param("clip", "boolean", "False", "Whether to clip out-of-boundary boxes.")
    .Param("steps", "tuple of <float>", "[-1,-1]", "Priorbox step across y and x, -1 for auto calculation.")
    .Param("offsets", "tuple of <float>", "[0.5,0.5]", "Priorbox center offsets, y and x respectively")
    .Shapes(MultiBoxPriorShape)
    .Types(MultiBoxPriorType)
    .Gradient(ZeroGradient)
    .Alias("_npx_multibox_prior");

}  // namespace op
}  // namespace mx
