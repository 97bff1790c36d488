// Kernels of _arange and _eye, which make arrays from their parameters, and
// of _contrib_arange_like (an arange shaped like its input: _arange's kernel).
#include <cstring>
#include <type_traits>

#include "layout_copy.h"

namespace mx_cpu {

namespace {

// out[i] = start + (i / repeat) * step, with start and step first converted
// to the output dtype and the arithmetic done in it (as MXNet does, so an
// integer arange truncates a fractional start or step).
int Arange(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& out = call->outputs[0];
  const MXAttr* stop = mx_attr_find(call->attrs, call->num_attrs, "stop");  // arange_like has none
  const bool from_zero = stop && stop->is_none;  // arange(n) counts 0 .. n
  const double start = from_zero ? 0.0 : Param(call, "start").f, step = Param(call, "step").f;
  const int64_t repeat = Param(call, "repeat").i, n = NumElements(out);
  const bool ok = DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    // bool counts in int64 and keeps only "non-zero".
    using A = std::conditional_t<std::is_same_v<T, bool>, int64_t, typename Acc<T>::type>;
    const A first = static_cast<A>(static_cast<T>(start)), delta = static_cast<A>(static_cast<T>(step));
    T* y = Data<T>(out);
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(first + static_cast<A>(i / repeat) * delta);
  });
  return ok ? 0 : Fail("_arange: unsupported dtype");
}

int Eye(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor& out = call->outputs[0];
  const int64_t rows = out.shape[0], cols = out.shape[1], k = Param(call, "k").i;
  const bool ok = DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* y = Data<T>(out);
    if (rows > 0 && cols > 0) std::memset(y, 0, static_cast<size_t>(rows * cols) * sizeof(T));
    for (int64_t i = 0; i < rows; ++i)
      if (i + k >= 0 && i + k < cols) y[i * cols + i + k] = T(1);
  });
  return ok ? 0 : Fail("_eye: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(range) {
  for (const char* name : {"_arange", "_contrib_arange_like"})
    if (int rc = RegisterKernel(name, Arange, nullptr, kAll)) return rc;
  return RegisterKernel("_eye", Eye, nullptr, kAll);
}

}  // namespace mx_cpu
