// Dropout and _backward_Dropout kernels.  Mask element i keeps its slice with
// probability 1 - p, decided by PhiloxStream(seed, i) alone, so the mask
// depends on the call's seed only, never on the threads.  Both kernels
// multiply by the mask broadcast over the dropout axes.
#include <algorithm>
#include <cstring>

#include "float_dispatch.h"
#include "philox.h"

namespace mx_cpu {

namespace {

constexpr int64_t kGrain = 1 << 15;

// out = in * mask, mask broadcast to in's shape along its size-1 axes.
template <typename T>
void MultiplyByMask(const DLTensor& in, const DLTensor& mask, T* out) {
  const int ndim = in.ndim;
  const int64_t n = NumElements(in), last = ndim ? in.shape[ndim - 1] : 1;
  const T* x = Data<T>(in);
  const T* m = Data<T>(mask);
  if (NumElements(mask) == n) {  // no broadcasting
    ParallelFor(n, kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) out[i] = x[i] * m[i];
    });
    return;
  }
  // Strides of the mask in in's index space: 0 along broadcast axes.
  int64_t strides[MX_MAX_NDIM];
  int64_t stride = 1;
  for (int d = ndim - 1; d >= 0; --d) {
    strides[d] = mask.shape[d] == 1 ? 0 : stride;
    stride *= mask.shape[d];
  }
  const int64_t rows = last ? n / last : 0;
  ParallelFor(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(last, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      int64_t offset = 0;
      for (int64_t d = ndim - 2, rest = r; d >= 0; --d) {
        offset += (rest % in.shape[d]) * strides[d];
        rest /= in.shape[d];
      }
      const T* xr = x + r * last;
      T* yr = out + r * last;
      const int64_t step = strides[ndim - 1];
      for (int64_t j = 0; j < last; ++j) yr[j] = xr[j] * m[offset + j * step];
    }
  });
}

int DropoutForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_ADD) return Fail("Dropout does not support req=add");
  const DLTensor &in = call->inputs[0], &out = call->outputs[0], &mask = call->outputs[1];
  const auto attr = [&](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  const double keep = 1.0 - attr("p")->f;
  const bool active = call->is_train || std::strcmp(attr("mode")->s, "always") == 0;
  const bool ok = DispatchFloat(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* m = Data<T>(mask);
    const int64_t masks = NumElements(mask);
    if (!active || keep >= 1.0) {  // the identity; the mask says so for the gradient
      std::fill(m, m + masks, T(1));
      if (out.data != in.data) std::memcpy(out.data, in.data, NumElements(in) * sizeof(T));
      return;
    }
    const T scale = static_cast<T>(1.0 / keep);
    ParallelFor(masks, kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        m[i] = PhiloxStream(call->seed, static_cast<uint64_t>(i)).Uniform() < keep ? scale : T(0);
    });
    MultiplyByMask(in, mask, Data<T>(out));
  });
  return ok ? 0 : Fail("Dropout: unsupported dtype");
}

// inputs: out_grad, mask; output: data's gradient.
int DropoutBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_Dropout does not support req=add");
  const bool ok = DispatchFloat(MXDType(call->inputs[0].dtype), [&](auto zero) {
    using T = decltype(zero);
    MultiplyByMask(call->inputs[0], call->inputs[1], Data<T>(call->outputs[0]));
  });
  return ok ? 0 : Fail("_backward_Dropout: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(dropout) {
  if (int rc = RegisterKernel("Dropout", DropoutForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_Dropout", DropoutBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
