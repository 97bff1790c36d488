// Kernel of one_hot: fill with off_value, then put on_value at each index
// inside [0, depth).
#include <vector>

#include "index_util.h"

namespace mx_cpu {

namespace {

int OneHot(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  const int64_t depth = out.shape[out.ndim - 1];
  const double on = mx_attr_find(call->attrs, call->num_attrs, "on_value")->f;
  const double off = mx_attr_find(call->attrs, call->num_attrs, "off_value")->f;
  std::vector<int64_t> idx;
  if (!LoadIndices(call->inputs[0], &idx)) return Fail("one_hot: unsupported index dtype");
  const bool ok = DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* y = Data<T>(out);
    const T on_v = FromDouble<T>(on), off_v = FromDouble<T>(off);
    const int64_t n = NumElements(out);
    for (int64_t i = 0; i < n; ++i) y[i] = off_v;
    for (size_t k = 0; k < idx.size(); ++k)
      if (idx[k] >= 0 && idx[k] < depth) y[static_cast<int64_t>(k) * depth + idx[k]] = on_v;
  });
  return ok ? 0 : Fail("one_hot: unsupported output dtype");
}

}  // namespace

MX_CPU_KERNELS(one_hot) { return RegisterKernel("one_hot", OneHot, nullptr, kAll); }

}  // namespace mx_cpu
