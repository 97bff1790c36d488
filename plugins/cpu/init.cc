// Fill kernels: _zeros, _ones, _full.
#include <cstring>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

enum FillKind { kZeros, kOnes, kFull };

template <FillKind KIND>
int Fill(const MXKernelCall* call) {
  const DLTensor& out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  const int64_t n = NumElements(out);
  if (KIND == kZeros) {
    if (n) std::memset(out.data, 0, static_cast<size_t>(n) * (out.dtype.bits / 8));
    return 0;
  }
  double value = 1.0;
  if (KIND == kFull) {
    const MXAttr* v = mx_attr_find(call->attrs, call->num_attrs, "value");
    if (!v) return Fail("missing parameter 'value'");
    value = v->f;
  }
  const bool ok = DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    T v;
    if constexpr (std::is_same_v<T, bool>) v = value != 0;
    else if constexpr (std::is_integral_v<T>) v = value != value ? T(0) : static_cast<T>(static_cast<int64_t>(value));
    else v = static_cast<T>(value);
    T* y = Data<T>(out);
    for (int64_t i = 0; i < n; ++i) y[i] = v;
  });
  return ok ? 0 : Fail("unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(init) {
  if (int rc = RegisterKernel("_zeros", Fill<kZeros>, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("_ones", Fill<kOnes>, nullptr, kAll)) return rc;
  return RegisterKernel("_full", Fill<kFull>, nullptr, kAll);
}

}  // namespace mx_cpu
