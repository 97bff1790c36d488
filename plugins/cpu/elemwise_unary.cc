// Unary element-wise kernels of the foundation: negative and copies (also
// the kernel of Reshape, whose output may alias its input, and of the
// identities that only change the gradient: BlockGrad, make_loss, MakeLoss and
// _contrib_gradientmultiplier).
#include <cstring>
#include <limits>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

int Copy(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL || in.data == out.data) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("copy does not support req=add");
  const int64_t n = NumElements(in);
  if (n) std::memmove(out.data, in.data, static_cast<size_t>(n) * (in.dtype.bits / 8));
  return 0;
}

// One element converted to To.  Float to integer truncates toward zero,
// saturates out of range and maps NaN to 0 (a plain cast would be undefined
// behaviour there).
template <typename To, typename From>
inline To Convert(From x) {
  if constexpr (std::is_same_v<To, bool>) {
    return x != From(0);
  } else if constexpr (std::is_integral_v<To> && !std::is_integral_v<From>) {
    const double v = static_cast<double>(x);
    if (v != v) return 0;
    if (v <= static_cast<double>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (v >= static_cast<double>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(x);
  }
}

// _copyto, Cast, _cast_like and amp_cast: a copy when the dtypes agree, else
// an element-wise conversion.
int CopyConvert(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int from = MXDType(in.dtype), to = MXDType(out.dtype);
  if (from == to) return Copy(call);
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("cast does not support req=add");
  const int64_t n = NumElements(in);
  bool ok = false;
  DispatchDType(from, [&](auto from_zero) {
    using From = decltype(from_zero);
    ok = DispatchDType(to, [&](auto to_zero) {
      using To = decltype(to_zero);
      const From* x = Data<From>(in);
      To* y = Data<To>(out);
      for (int64_t i = 0; i < n; ++i) y[i] = Convert<To>(x[i]);
    });
  });
  return ok ? 0 : Fail("unsupported dtype");
}

int Negative(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("negative does not support req=add");
  const int64_t n = NumElements(in);
  const bool ok = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;  // -INT_MIN wraps, as in numpy
        for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(static_cast<U>(0) - static_cast<U>(x[i]));
      } else {
        for (int64_t i = 0; i < n; ++i) y[i] = -x[i];
      }
    }
  });
  return ok ? 0 : Fail("unsupported dtype");
}

// amp_multicast: each input converted into its output, as Cast.
int CopyConvertPairs(const MXKernelCall* call) {
  for (int i = 0; i < call->num_outputs; ++i) {
    MXKernelCall pair = *call;
    pair.inputs = call->inputs + i;
    pair.outputs = call->outputs + i;
    pair.req = call->req + i;
    pair.num_inputs = pair.num_outputs = 1;
    if (int rc = CopyConvert(&pair)) return rc;
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(elemwise_unary) {
  for (const char* name : {"_copy", "Reshape", "BlockGrad", "make_loss", "MakeLoss", "_contrib_gradientmultiplier"})
    if (int rc = RegisterKernel(name, Copy, nullptr, kAll)) return rc;
  for (const char* name : {"_copyto", "Cast", "_cast_like", "amp_cast"})
    if (int rc = RegisterKernel(name, CopyConvert, nullptr, kAll)) return rc;
  if (int rc = RegisterKernel("amp_multicast", CopyConvertPairs, nullptr, kAll)) return rc;
  return RegisterKernel("negative", Negative, nullptr, kNumeric);
}

}  // namespace mx_cpu
