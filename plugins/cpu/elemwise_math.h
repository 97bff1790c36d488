// Element-wise math shared by the unary, activation, where and binary
// kernels: the scalar definition of every unary math op (MXNet 1.9's
// semantics), a vectorised float32 exp, and the loops that apply them --
// compiled per ISA (MX_CPU_CLONES) and split across cores for big arrays.
#ifndef MX_PLUGINS_CPU_ELEMWISE_MATH_H_
#define MX_PLUGINS_CPU_ELEMWISE_MATH_H_

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernel_util.h"

#if defined(_OPENMP)
#define MX_SIMD_LOOP _Pragma("omp simd")
#else
#define MX_SIMD_LOOP
#endif

#define MX_ALWAYS_INLINE inline __attribute__((always_inline))

// Rationale: GCC warns that passing a 64-byte vector by value changes the
// ABI between ISA levels; every function here that does is always_inline
// into its (cloned) caller, so no such call crosses an ABI boundary.  The
// warning comes at the end of the including file (where templates are
// instantiated), so it stays off for the rest of that file.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace mx_cpu {

// ---------------------------------------------------------------------------
// Work splitting
// ---------------------------------------------------------------------------

// Elements per thread worth a hand-off to another core, by cost per element.
constexpr int64_t kGrainCheap = 1 << 16;   // a few instructions: add, abs, relu
constexpr int64_t kGrainVector = 1 << 14;  // vectorised exp / sigmoid
constexpr int64_t kGrainLibm = 1 << 12;    // one libm call per element

// fn(begin, end) over [0, n) in pieces that start on 64-element boundaries
// (whole cache lines of output per thread), across cores when n is
// big enough (see ParallelFor).
template <typename F>
void ParallelElements(int64_t n, int64_t grain, F&& fn) {
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  ParallelFor(blocks, std::max<int64_t>(1, grain / kBlock), [&](int64_t b, int64_t e) {
    fn(b * kBlock, std::min(n, e * kBlock));
  });
}

// y[i] = f(x[i]): one clone per ISA, for bodies the compiler vectorises.
// Rationale for `omp simd`: an in-place call passes x == y, which defeats
// the compiler's own alias analysis; the loop reads x[i] before writing
// y[i], so vector execution is exact for exact aliasing (partial overlap
// never reaches a kernel).
template <typename T, typename U, typename F>
MX_CPU_CLONES void MapLoop(const T* x, U* y, int64_t n, F f) {
  MX_SIMD_LOOP
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

// The same for bodies that call libm (nothing to vectorise: no clones).
template <typename T, typename U, typename F>
void MapLoopScalar(const T* x, U* y, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

// ---------------------------------------------------------------------------
// float32 SIMD through GCC/Clang vector extensions
// ---------------------------------------------------------------------------
// Rationale: a 16-lane vector is one AVX-512 register, two AVX2 or four SSE
// registers in the matching MX_CPU_CLONES clone.  Written explicitly because
// under -ftrapping-math the auto-vectoriser turns exp's range clamps into
// branches and gives up on AVX2 / SSE.
typedef float VecF __attribute__((vector_size(64)));
typedef int32_t VecI __attribute__((vector_size(64)));
typedef uint32_t VecU __attribute__((vector_size(64)));
constexpr int kLanes = 16;

// exp(x), float32, 16 lanes.  Max error 1 ulp against the correctly rounded
// result over every float32 input (checked exhaustively); overflow gives
// inf, underflow gradual denormals then 0, NaN stays NaN.
//   exp(x) = 2^n * exp(r),  n = round(x / ln2),  |r| <= ln2 / 2,
// with ln2 split in two (Cody-Waite) so r is exact, exp(r) a degree-7
// polynomial, and 2^n applied as two factors so that n in [-150, 128]
// never leaves the exponent range of either factor.
MX_ALWAYS_INLINE VecF ExpV(VecF x) {
  const float kLog2e = 1.44269504088896341f;
  const float kLn2Hi = 0.693145751953125f, kLn2Lo = 1.42860682030941723212e-6f;
  const float kShift = 12582912.0f;  // 1.5 * 2^23: t + kShift rounds t to an integer
  const VecF lo = VecF{} + -104.0f, hi = VecF{} + 89.0f;
  VecF xc = x < lo ? lo : x;  // NaN compares false: it stays NaN and propagates
  xc = xc > hi ? hi : xc;
  const VecF t = xc * kLog2e + kShift;
  const VecF n = t - kShift;
  const VecI ni = (VecI)t - 0x4b400000;  // the integer n, read from t's mantissa
  VecF r = xc - n * kLn2Hi;
  r = r - n * kLn2Lo;
  VecF p = VecF{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const VecI n1 = ni >> 1, n2 = ni - n1;
  const VecU s1 = ((VecU)n1 + 127u) << 23, s2 = ((VecU)n2 + 127u) << 23;
  return p * (VecF)s1 * (VecF)s2;
}

MX_ALWAYS_INLINE VecF SigmoidV(VecF x) { return 1.0f / (1.0f + ExpV(-x)); }

// ---------------------------------------------------------------------------
// Scalar helpers
// ---------------------------------------------------------------------------

// double -> integer type: truncation toward zero; out of range saturates and
// NaN gives 0 (a plain cast would be undefined behaviour there).
template <typename I>
inline I SaturateCast(double v) {
  if (v != v) return 0;
  if (v <= static_cast<double>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (v >= static_cast<double>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}

// Integer * and - that wrap around (as numpy's and C's unsigned ones do).
template <typename I>
inline I WrapMulInt(I a, I b) {
  using U = std::conditional_t<(sizeof(I) < sizeof(unsigned)), unsigned, std::make_unsigned_t<I>>;
  return static_cast<I>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
}
template <typename I>
inline I WrapNegInt(I a) {
  using U = std::conditional_t<(sizeof(I) < sizeof(unsigned)), unsigned, std::make_unsigned_t<I>>;
  return static_cast<I>(static_cast<U>(0u - static_cast<U>(a)));
}

// The inverse error function, double precision: a rational first guess
// (Giles' single-precision approximation, 2010) refined by Newton steps --
// on erf(y) = |x| in the middle, on log(erfc(y)) = log(1 - |x|) in the
// tails, where erf is too flat to steer by.  Within 1e-15 relative of
// scipy.special.erfinv; erfinv(+-1) = +-inf; NaN outside [-1, 1].
inline double ErfInv(double x) {
  if (!(x >= -1.0 && x <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 1.0 || x == -1.0) return std::copysign(std::numeric_limits<double>::infinity(), x);
  const double a = std::fabs(x);
  double w = -std::log((1.0 - a) * (1.0 + a)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double y = p * a;
  const double kTwoOverSqrtPi = 1.1283791670955126;
  for (int k = 0; k < 4; ++k) {
    double step;
    if (a > 0.84) {  // tail (y > ~1): 1 - a is exact here
      const double e = std::erfc(y);
      step = (std::log(e) - std::log1p(-a)) * e / (kTwoOverSqrtPi * std::exp(-y * y));
    } else {
      step = (a - std::erf(y)) / (kTwoOverSqrtPi * std::exp(-y * y));
    }
    y += step;
    if (!(std::fabs(step) > 1e-16 * y)) break;
  }
  return std::copysign(y, x);
}

// ---------------------------------------------------------------------------
// The unary math ops
// ---------------------------------------------------------------------------

enum class UnaryOp {
  kAbs, kSign, kReciprocal, kSquare, kSqrt, kRsqrt, kCbrt, kRcbrt, kExp, kExpm1, kLog, kLog1p,
  kLog2, kLog10, kSin, kCos, kTan, kArcsin, kArccos, kArctan, kSinh, kCosh, kTanh, kArcsinh,
  kArccosh, kArctanh, kDegrees, kRadians, kFloor, kCeil, kRound, kRint, kTrunc, kFix, kRelu,
  kSigmoid, kSoftsign, kSoftrelu, kErf, kErfinv, kGamma, kGammaln, kLogicalNot, kLogSigmoid, kMish,
};

// Ops whose floating-point body is a few vectorisable instructions.
constexpr bool IsCheap(UnaryOp op) {
  switch (op) {
    case UnaryOp::kAbs: case UnaryOp::kSign: case UnaryOp::kReciprocal: case UnaryOp::kSquare:
    case UnaryOp::kDegrees: case UnaryOp::kRadians: case UnaryOp::kFloor: case UnaryOp::kCeil:
    case UnaryOp::kRint: case UnaryOp::kTrunc: case UnaryOp::kFix: case UnaryOp::kRelu:
    case UnaryOp::kSoftsign: case UnaryOp::kLogicalNot:
      return true;
    default:
      return false;
  }
}

// Ops with an exact integer form (the rest convert an integer to double,
// compute, and truncate back, as MXNet does through float).
constexpr bool HasIntegerForm(UnaryOp op) {
  switch (op) {
    case UnaryOp::kAbs: case UnaryOp::kSign: case UnaryOp::kSquare: case UnaryOp::kFloor:
    case UnaryOp::kCeil: case UnaryOp::kRound: case UnaryOp::kRint: case UnaryOp::kTrunc:
    case UnaryOp::kFix: case UnaryOp::kRelu: case UnaryOp::kLogicalNot:
      return true;
    default:
      return false;
  }
}

// Ops with a 16-lane float32 body.
constexpr bool HasVecF32(UnaryOp op) { return op == UnaryOp::kExp || op == UnaryOp::kSigmoid; }

template <UnaryOp OP>
MX_ALWAYS_INLINE VecF EvalVec(VecF x) {
  if constexpr (OP == UnaryOp::kExp) return ExpV(x);
  else return SigmoidV(x);
}

// y[i] = OP(x[i]) 16 floats at a time (HasVecF32 ops); the tail goes
// through one zero-padded vector, so every element takes the same path.
template <UnaryOp OP>
MX_CPU_CLONES void MapVecF32(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {  // two vectors per turn: more in flight
    VecF a, b;
    std::memcpy(&a, x + i, sizeof a);
    std::memcpy(&b, x + i + kLanes, sizeof b);
    a = EvalVec<OP>(a);
    b = EvalVec<OP>(b);
    std::memcpy(y + i, &a, sizeof a);
    std::memcpy(y + i + kLanes, &b, sizeof b);
  }
  for (; i < n; i += kLanes) {
    const int64_t m = std::min<int64_t>(kLanes, n - i);
    VecF a = {};
    std::memcpy(&a, x + i, m * sizeof(float));
    a = EvalVec<OP>(a);
    std::memcpy(y + i, &a, m * sizeof(float));
  }
}

// OP on a floating-point value (float or double).
template <UnaryOp OP, typename C>
inline C Eval(C x) {
  static_assert(std::is_floating_point_v<C>, "Eval computes in float or double");
  using U = UnaryOp;
  if constexpr (OP == U::kAbs) return std::fabs(x);
  if constexpr (OP == U::kSign) return x < C(0) ? C(-1) : x > C(0) ? C(1) : C(0);  // NaN -> 0, as MXNet
  if constexpr (OP == U::kReciprocal) return C(1) / x;
  if constexpr (OP == U::kSquare) return x * x;
  if constexpr (OP == U::kSqrt) return std::sqrt(x);
  if constexpr (OP == U::kRsqrt) return C(1) / std::sqrt(x);
  if constexpr (OP == U::kCbrt) return std::cbrt(x);
  if constexpr (OP == U::kRcbrt) return C(1) / std::cbrt(x);
  if constexpr (OP == U::kExp) return std::exp(x);
  if constexpr (OP == U::kExpm1) return std::expm1(x);
  if constexpr (OP == U::kLog) return std::log(x);
  if constexpr (OP == U::kLog1p) return std::log1p(x);
  if constexpr (OP == U::kLog2) return std::log2(x);
  if constexpr (OP == U::kLog10) return std::log10(x);
  if constexpr (OP == U::kSin) return std::sin(x);
  if constexpr (OP == U::kCos) return std::cos(x);
  if constexpr (OP == U::kTan) return std::tan(x);
  if constexpr (OP == U::kArcsin) return std::asin(x);
  if constexpr (OP == U::kArccos) return std::acos(x);
  if constexpr (OP == U::kArctan) return std::atan(x);
  if constexpr (OP == U::kSinh) return std::sinh(x);
  if constexpr (OP == U::kCosh) return std::cosh(x);
  if constexpr (OP == U::kTanh) return std::tanh(x);
  if constexpr (OP == U::kArcsinh) return std::asinh(x);
  if constexpr (OP == U::kArccosh) return std::acosh(x);
  if constexpr (OP == U::kArctanh) return std::atanh(x);
  if constexpr (OP == U::kDegrees) return x * C(57.295779513082320876798154814105);
  if constexpr (OP == U::kRadians) return x * C(0.017453292519943295769236907684886);
  if constexpr (OP == U::kFloor) return std::floor(x);
  if constexpr (OP == U::kCeil) return std::ceil(x);
  if constexpr (OP == U::kRound) return std::round(x);  // halves away from zero
  if constexpr (OP == U::kRint) {
    // MXNet's rint: the nearer of floor and ceil, floor on a tie
    // (rint(1.5) = 1, rint(-1.5) = -2).
    const C f = std::floor(x), c = std::ceil(x);
    return (x - f) <= (c - x) ? f : c;
  }
  if constexpr (OP == U::kTrunc || OP == U::kFix) return std::trunc(x);
  if constexpr (OP == U::kRelu) return (x > C(0) || x != x) ? x : C(0);
  if constexpr (OP == U::kSigmoid) return C(1) / (C(1) + std::exp(-x));
  if constexpr (OP == U::kSoftsign) return x / (C(1) + std::fabs(x));
  if constexpr (OP == U::kSoftrelu) return x > C(20) ? x : std::log1p(std::exp(x));  // MXNet's cut-off
  // log(sigmoid(x)) = -softplus(-x), and mish's softplus, without overflow.
  if constexpr (OP == U::kLogSigmoid) return std::fmin(x, C(0)) - std::log1p(std::exp(-std::fabs(x)));
  if constexpr (OP == U::kMish) return x * std::tanh(std::fmax(x, C(0)) + std::log1p(std::exp(-std::fabs(x))));
  if constexpr (OP == U::kErf) return std::erf(x);
  if constexpr (OP == U::kErfinv) return static_cast<C>(ErfInv(static_cast<double>(x)));
  if constexpr (OP == U::kGamma) return std::tgamma(x);
  if constexpr (OP == U::kGammaln) {
    int sign;  // lgamma_r: std::lgamma writes the global signgam (a data race across threads)
    if constexpr (std::is_same_v<C, float>) return ::lgammaf_r(x, &sign);
    else return ::lgamma_r(x, &sign);
  }
  if constexpr (OP == U::kLogicalNot) return x != C(0) ? C(0) : C(1);
}

// OP on an integer value, exactly (HasIntegerForm ops).
template <UnaryOp OP, typename I>
inline I EvalInt(I x) {
  using U = UnaryOp;
  if constexpr (OP == U::kAbs) {
    if constexpr (std::is_signed_v<I>) return x < 0 ? WrapNegInt(x) : x;  // abs(INT_MIN) wraps, as numpy
    else return x;
  }
  if constexpr (OP == U::kSign) return x < 0 ? I(-1) : x > 0 ? I(1) : I(0);
  if constexpr (OP == U::kSquare) return WrapMulInt(x, x);
  if constexpr (OP == U::kRelu) return x > 0 ? x : I(0);
  if constexpr (OP == U::kLogicalNot) return x != 0 ? I(0) : I(1);
  if constexpr (OP == U::kFloor || OP == U::kCeil || OP == U::kRound || OP == U::kRint ||
                OP == U::kTrunc || OP == U::kFix)
    return x;
}

// OP on a value of any numeric MX dtype: float16 computes in float, other
// integers through double, truncated back (saturating).
template <UnaryOp OP, typename T>
MX_ALWAYS_INLINE T Apply(T x) {
  if constexpr (std::is_same_v<T, half>) {
    return static_cast<T>(Eval<OP, float>(static_cast<float>(x)));
  } else if constexpr (std::is_floating_point_v<T>) {
    return Eval<OP, T>(x);
  } else if constexpr (HasIntegerForm(OP)) {
    return EvalInt<OP, T>(x);
  } else {
    return SaturateCast<T>(Eval<OP, double>(static_cast<double>(x)));
  }
}

// y = OP(x) over n elements of T: the float32 vector body where there is
// one, cloned loops for cheap bodies, plain loops around libm; split across
// cores by cost.
template <UnaryOp OP, typename T>
void RunUnary(const T* x, T* y, int64_t n) {
  if constexpr (std::is_same_v<T, float> && HasVecF32(OP)) {
    ParallelElements(n, kGrainVector, [&](int64_t b, int64_t e) {
      MapVecF32<OP>(x + b, y + b, e - b);
    });
  } else if constexpr (!std::is_same_v<T, half> &&
                       ((std::is_floating_point_v<T> && IsCheap(OP)) ||
                        (std::is_integral_v<T> && HasIntegerForm(OP)))) {
    ParallelElements(n, kGrainCheap, [&](int64_t b, int64_t e) {
      MapLoop(x + b, y + b, e - b, [](T v) { return Apply<OP, T>(v); });
    });
  } else {
    ParallelElements(n, kGrainLibm, [&](int64_t b, int64_t e) {
      MapLoopScalar(x + b, y + b, e - b, [](T v) { return Apply<OP, T>(v); });
    });
  }
}

// The kernel of a unary math op (defined in unary_math.cc), for other
// kernel files that reuse one (Activation).
MXKernelFn UnaryMathKernel(UnaryOp op);

}  // namespace mx_cpu

#endif  // MX_PLUGINS_CPU_ELEMWISE_MATH_H_
