// Kernels of the unary math ops (ops/elemwise/unary_math.cc): one template
// (RunUnary in elemwise_math.h) instantiated per op, plus clip, smooth_l1,
// hard_sigmoid and zeros_like / ones_like.
#include <algorithm>
#include <limits>

#include "elemwise_math.h"

namespace mx_cpu {

namespace {

// Rejects what no unary kernel does; 1 means "nothing to do".
int CheckUnaryCall(const MXKernelCall* call, const char* what) {
  if (call->req[0] == MX_REQ_NULL) return 1;
  if (call->req[0] == MX_REQ_ADD) {
    Fail(what);
    return -1;
  }
  return 0;
}

template <UnaryOp OP>
int UnaryKernel(const MXKernelCall* call) {
  if (int rc = CheckUnaryCall(call, "unary math kernels do not support req=add")) return rc < 0 ? rc : 0;
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  bool ok = false;
  DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      RunUnary<OP, T>(Data<T>(in), Data<T>(out), n);
      ok = true;
    }
  });
  return ok ? 0 : Fail("unary math: unsupported dtype");
}

struct UnaryKernelEntry {
  const char* name;  // nullptr: no op of its own (used through Activation)
  UnaryOp op;
  MXKernelFn fn;
};

#define MX_UNARY_ENTRY(NAME, OP) {NAME, UnaryOp::OP, UnaryKernel<UnaryOp::OP>}
const UnaryKernelEntry kUnaryKernels[] = {
    MX_UNARY_ENTRY("abs", kAbs),         MX_UNARY_ENTRY("sign", kSign),
    MX_UNARY_ENTRY("reciprocal", kReciprocal), MX_UNARY_ENTRY("square", kSquare),
    MX_UNARY_ENTRY("sqrt", kSqrt),       MX_UNARY_ENTRY("rsqrt", kRsqrt),
    MX_UNARY_ENTRY("cbrt", kCbrt),       MX_UNARY_ENTRY("rcbrt", kRcbrt),
    MX_UNARY_ENTRY("exp", kExp),         MX_UNARY_ENTRY("expm1", kExpm1),
    MX_UNARY_ENTRY("log", kLog),         MX_UNARY_ENTRY("log1p", kLog1p),
    MX_UNARY_ENTRY("log2", kLog2),       MX_UNARY_ENTRY("log10", kLog10),
    MX_UNARY_ENTRY("sin", kSin),         MX_UNARY_ENTRY("cos", kCos),
    MX_UNARY_ENTRY("tan", kTan),         MX_UNARY_ENTRY("arcsin", kArcsin),
    MX_UNARY_ENTRY("arccos", kArccos),   MX_UNARY_ENTRY("arctan", kArctan),
    MX_UNARY_ENTRY("sinh", kSinh),       MX_UNARY_ENTRY("cosh", kCosh),
    MX_UNARY_ENTRY("tanh", kTanh),       MX_UNARY_ENTRY("arcsinh", kArcsinh),
    MX_UNARY_ENTRY("arccosh", kArccosh), MX_UNARY_ENTRY("arctanh", kArctanh),
    MX_UNARY_ENTRY("degrees", kDegrees), MX_UNARY_ENTRY("radians", kRadians),
    MX_UNARY_ENTRY("floor", kFloor),     MX_UNARY_ENTRY("ceil", kCeil),
    MX_UNARY_ENTRY("round", kRound),     MX_UNARY_ENTRY("rint", kRint),
    MX_UNARY_ENTRY("trunc", kTrunc),     MX_UNARY_ENTRY("fix", kFix),
    MX_UNARY_ENTRY("relu", kRelu),       MX_UNARY_ENTRY("sigmoid", kSigmoid),
    MX_UNARY_ENTRY("softsign", kSoftsign), MX_UNARY_ENTRY(nullptr, kSoftrelu),
    MX_UNARY_ENTRY("erf", kErf),         MX_UNARY_ENTRY("erfinv", kErfinv),
    MX_UNARY_ENTRY("gamma", kGamma),     MX_UNARY_ENTRY("gammaln", kGammaln),
    MX_UNARY_ENTRY("logical_not", kLogicalNot), MX_UNARY_ENTRY("log_sigmoid", kLogSigmoid),
    MX_UNARY_ENTRY("mish", kMish),
    // the straight-through estimators differ from round and sign only in their gradient
    MX_UNARY_ENTRY("_contrib_round_ste", kRound), MX_UNARY_ENTRY("_contrib_sign_ste", kSign),
};
#undef MX_UNARY_ENTRY

// An MXNet scalar parameter converted to the array's dtype first (as
// MXNet's DType(value)); out of an integer type's range it saturates.
template <typename T>
T ScalarAs(double v) {
  if constexpr (std::is_integral_v<T>) return SaturateCast<T>(v);
  else return static_cast<T>(v);
}

// clip(x, a_min, a_max): x > a_max -> a_max, x < a_min -> a_min, else x
// (NaN stays NaN), the bounds converted to x's dtype first.
int ClipKernel(const MXKernelCall* call) {
  if (int rc = CheckUnaryCall(call, "clip does not support req=add")) return rc < 0 ? rc : 0;
  const MXAttr* a_min = mx_attr_find(call->attrs, call->num_attrs, "a_min");
  const MXAttr* a_max = mx_attr_find(call->attrs, call->num_attrs, "a_max");
  if (!a_min || !a_max) return Fail("clip: missing parameter a_min or a_max");
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  bool ok = false;
  DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      using C = typename Acc<T>::type;
      const C lo = static_cast<C>(ScalarAs<T>(a_min->f)), hi = static_cast<C>(ScalarAs<T>(a_max->f));
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
        MapLoop(x + b, y + b, e - b, [lo, hi](T v) {
          const C c = static_cast<C>(v);
          return static_cast<T>(c > hi ? hi : c < lo ? lo : c);
        });
      });
      ok = true;
    }
  });
  return ok ? 0 : Fail("clip: unsupported dtype");
}

// smooth_l1(x, sigma): 0.5 (sigma x)^2 where |x| < 1 / sigma^2, else
// |x| - 0.5 / sigma^2 (MXNet's smooth_l1_loss).
template <typename C>
inline C SmoothL1(C x, C sigma) {
  const C bsq = sigma * sigma, ibsq = C(1) / bsq;
  if (x > ibsq) return x - C(0.5) * ibsq;
  if (x < -ibsq) return -x - C(0.5) * ibsq;
  return C(0.5) * x * x * bsq;
}

int SmoothL1Kernel(const MXKernelCall* call) {
  if (int rc = CheckUnaryCall(call, "smooth_l1 does not support req=add")) return rc < 0 ? rc : 0;
  const MXAttr* scalar = mx_attr_find(call->attrs, call->num_attrs, "scalar");
  if (!scalar) return Fail("smooth_l1: missing parameter scalar");
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  bool ok = false;
  DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      // Integers compute in double (from sigma converted to the dtype, as
      // MXNet) and truncate back.
      using C = std::conditional_t<std::is_integral_v<T>, double, typename Acc<T>::type>;
      const C sigma = static_cast<C>(ScalarAs<T>(scalar->f));
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
        MapLoop(x + b, y + b, e - b, [sigma](T v) {
          const C r = SmoothL1<C>(static_cast<C>(v), sigma);
          if constexpr (std::is_integral_v<T>) return SaturateCast<T>(r);
          else return static_cast<T>(r);
        });
      });
      ok = true;
    }
  });
  return ok ? 0 : Fail("smooth_l1: unsupported dtype");
}

// hard_sigmoid(x, alpha, beta) = clip(alpha x + beta, 0, 1); floats only.
int HardSigmoidKernel(const MXKernelCall* call) {
  if (int rc = CheckUnaryCall(call, "hard_sigmoid does not support req=add")) return rc < 0 ? rc : 0;
  const MXAttr* alpha = mx_attr_find(call->attrs, call->num_attrs, "alpha");
  const MXAttr* beta = mx_attr_find(call->attrs, call->num_attrs, "beta");
  if (!alpha || !beta) return Fail("hard_sigmoid: missing parameter alpha or beta");
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  const int64_t n = NumElements(in);
  bool ok = false;
  DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
      using C = typename Acc<T>::type;
      const C a = static_cast<C>(alpha->f), b = static_cast<C>(beta->f);
      const T* x = Data<T>(in);
      T* y = Data<T>(out);
      ParallelElements(n, kGrainCheap, [&](int64_t lo, int64_t hi) {
        MapLoop(x + lo, y + lo, hi - lo, [a, b](T v) {
          const C z = a * static_cast<C>(v) + b;
          return static_cast<T>(z > C(1) ? C(1) : z < C(0) ? C(0) : z);  // NaN stays NaN
        });
      });
      ok = true;
    }
  });
  return ok ? 0 : Fail("hard_sigmoid: unsupported dtype");
}

// zeros_like / ones_like: fill the output (the input's values are unused).
template <int VALUE>
int FillLikeKernel(const MXKernelCall* call) {
  if (int rc = CheckUnaryCall(call, "zeros_like / ones_like do not support req=add")) return rc < 0 ? rc : 0;
  const DLTensor& out = call->outputs[0];
  const int64_t n = NumElements(out);
  const bool ok = DispatchDType(MXDType(out.dtype), [&](auto zero) {
    using T = decltype(zero);
    T* y = Data<T>(out);
    const T v = static_cast<T>(VALUE);
    ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) { std::fill(y + b, y + e, v); });
  });
  return ok ? 0 : Fail("zeros_like / ones_like: unsupported dtype");
}

}  // namespace

MXKernelFn UnaryMathKernel(UnaryOp op) {
  for (const UnaryKernelEntry& k : kUnaryKernels)
    if (k.op == op) return k.fn;
  return nullptr;
}

MX_CPU_KERNELS(unary_math) {
  for (const UnaryKernelEntry& k : kUnaryKernels) {
    if (!k.name) continue;
    if (int rc = RegisterKernel(k.name, k.fn, nullptr, kNumeric)) return rc;
  }
  if (int rc = RegisterKernel("clip", ClipKernel, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("smooth_l1", SmoothL1Kernel, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel("hard_sigmoid", HardSigmoidKernel, nullptr, {kF32, kF64, kF16})) return rc;
  if (int rc = RegisterKernel("zeros_like", FillLikeKernel<0>, nullptr, kAll)) return rc;
  return RegisterKernel("ones_like", FillLikeKernel<1>, nullptr, kAll);
}

}  // namespace mx_cpu
