// Kernels of the element-wise contrib ops _contrib_div_sqrt_dim,
// _contrib_quadratic and _contrib_allclose (semantics: ops/contrib/).
// gradientmultiplier, round_ste and sign_ste share the copy, round and sign
// kernels (elemwise_unary.cc, unary_math.cc).
#include <cmath>
#include <type_traits>

#include "elemwise_math.h"
#include "layout_copy.h"

namespace mx_cpu {

namespace {

// A value computed in C converted to the output dtype T: integers saturate.
template <typename T, typename C>
T StoreAs(C v) {
  if constexpr (std::is_integral_v<T>) return SaturateCast<T>(static_cast<double>(v));
  else return static_cast<T>(v);
}

// data / T(sqrt(last dim)): as MXNet, the divisor is converted to the dtype
// first, so an integer array is divided by the truncated root.
int DivSqrtDim(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  if (n == 0) return 0;
  const double root = std::sqrt(static_cast<double>(in.shape[in.ndim - 1]));
  const bool ok = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      using C = typename Acc<T>::type;
      const C divisor = static_cast<C>(static_cast<T>(root));
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      ParallelFor(n, 1 << 16, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) y[i] = static_cast<T>(static_cast<C>(x[i]) / divisor);
      });
    }
  });
  return ok ? 0 : Fail("_contrib_div_sqrt_dim: unsupported dtype");
}

// a x^2 + b x + c with a, b, c float32 (MXNet's parameters): in double for
// float64, else in float (as MXNet's float parameters promote the others).
int Quadratic(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  const float a = static_cast<float>(Param(call, "a").f), b = static_cast<float>(Param(call, "b").f),
              c = static_cast<float>(Param(call, "c").f);
  const bool ok = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      ParallelFor(n, 1 << 16, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const C v = static_cast<C>(x[i]);
          y[i] = StoreAs<T>(C(a) * v * v + C(b) * v + C(c));
        }
      });
    }
  });
  return ok ? 0 : Fail("_contrib_quadratic: unsupported dtype");
}

// 1 if every |a - b| <= atol + rtol |b| (equal values, infinities included,
// always; two NaNs with equal_nan), else 0.  Compared in double, so
// unsigned differences do not wrap.
int Allclose(const MXKernelCall* call) {
  int error;
  if (!ShouldWrite(call, 0, &error)) return error;
  const DLTensor &lhs = call->inputs[0], &rhs = call->inputs[1];
  const double rtol = static_cast<float>(Param(call, "rtol").f), atol = static_cast<float>(Param(call, "atol").f);
  const bool equal_nan = Param(call, "equal_nan").i != 0;
  const int64_t n = NumElements(lhs);
  bool close = true;
  const bool ok = DispatchDType(MXDType(lhs.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T *a = Data<T>(lhs), *b = Data<T>(rhs);
    for (int64_t i = 0; i < n && close; ++i) {
      const double x = static_cast<double>(a[i]), y = static_cast<double>(b[i]);
      if (x == y || (equal_nan && std::isnan(x) && std::isnan(y))) continue;
      close = std::fabs(x - y) <= atol + rtol * std::fabs(y);
    }
  });
  if (!ok) return Fail("_contrib_allclose: unsupported dtype");
  *Data<uint8_t>(call->outputs[0]) = close ? 1 : 0;
  return 0;
}

}  // namespace

MX_CPU_KERNELS(contrib_elemwise) {
  if (int rc = RegisterKernel("_contrib_div_sqrt_dim", DivSqrtDim, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("_contrib_quadratic", Quadratic, nullptr, kNumeric)) return rc;
  return RegisterKernel("_contrib_allclose", Allclose, nullptr, kAll);
}

}  // namespace mx_cpu
