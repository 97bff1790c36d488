// _contrib_MultiBoxPrior kernel (semantics: ops/contrib/multibox_prior.cc):
// float32 throughout, in MXNet's order of operations.
#include <algorithm>
#include <cmath>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

int MultiBoxPriorForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_contrib_MultiBoxPrior does not support req=add");
  auto attr = [call](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  const MXAttr *sizes = attr("sizes"), *ratios = attr("ratios"), *steps = attr("steps"), *offsets = attr("offsets");
  const bool clip = attr("clip")->i != 0;
  const int64_t height = call->inputs[0].shape[2], width = call->inputs[0].shape[3];
  float step_y = static_cast<float>(steps->floats[0]), step_x = static_cast<float>(steps->floats[1]);
  if (step_y <= 0 || step_x <= 0) {
    step_y = 1.f / static_cast<float>(height);
    step_x = 1.f / static_cast<float>(width);
  }
  const float offset_y = static_cast<float>(offsets->floats[0]), offset_x = static_cast<float>(offsets->floats[1]);
  float* out = Data<float>(call->outputs[0]);
  auto put = [&](float cx, float cy, float size, float ratio) {
    const float w = size * static_cast<float>(height) / static_cast<float>(width) * ratio / 2, h = size / ratio / 2;
    const float corners[4] = {cx - w, cy - h, cx + w, cy + h};
    for (float v : corners) *out++ = clip ? std::min(std::max(v, 0.f), 1.f) : v;
  };
  for (int64_t r = 0; r < height; ++r) {
    const float cy = (static_cast<float>(r) + offset_y) * step_y;
    for (int64_t c = 0; c < width; ++c) {
      const float cx = (static_cast<float>(c) + offset_x) * step_x;
      const float first_ratio = std::sqrt(static_cast<float>(ratios->floats[0]));
      for (int32_t i = 0; i < sizes->len; ++i) put(cx, cy, static_cast<float>(sizes->floats[i]), first_ratio);
      for (int32_t j = 1; j < ratios->len; ++j)
        put(cx, cy, static_cast<float>(sizes->floats[0]), std::sqrt(static_cast<float>(ratios->floats[j])));
    }
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(multibox_prior) {
  return RegisterKernel("_contrib_MultiBoxPrior", MultiBoxPriorForward, nullptr, {kF32});
}

}  // namespace mx_cpu
