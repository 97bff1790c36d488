// Binary element-wise kernels: broadcast_*, elemwise (equal shapes) and the
// scalar forms, all through one row loop (cloned per ISA), split across
// cores for big arrays.
#include <cmath>
#include <cstring>
#include <limits>

#include "elemwise_math.h"

namespace mx_cpu {

namespace {

enum BinaryOp { kAdd, kSub, kMul, kDiv, kMod, kPower, kMax, kMin, kHypot, kEq, kNe, kGt, kGe, kLt, kLe, kAnd, kOr, kXor };

// Integer + - * wrap around (as numpy's do) instead of overflowing, which
// would be undefined behaviour in C++.
template <typename T>
T WrapAdd(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}
template <typename T>
T WrapSub(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  } else {
    return a - b;
  }
}
template <typename T>
T WrapMul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

template <typename T>
T IntPow(T base, T exp) {
  if (exp < 0) {
    if constexpr (std::is_signed_v<T>) {
      if (base == 1) return 1;
      if (base == -1) return (exp % 2) ? -1 : 1;
    }
    return 0;
  }
  T result = 1;
  while (exp) {
    if (exp & 1) result = WrapMul(result, base);
    exp = static_cast<T>(exp >> 1);
    base = WrapMul(base, base);
  }
  return result;
}

// One binary operation on values of type T computed in C (see Acc).
template <BinaryOp OP, typename T>
inline T Apply(T x, T y) {
  using C = typename Acc<T>::type;
  const C a = static_cast<C>(x), b = static_cast<C>(y);
  constexpr bool kInt = std::is_integral_v<C>;
  if constexpr (OP == kAdd) return static_cast<T>(WrapAdd(a, b));
  if constexpr (OP == kSub) return static_cast<T>(WrapSub(a, b));
  if constexpr (OP == kMul) return static_cast<T>(WrapMul(a, b));
  if constexpr (OP == kDiv) {
    if constexpr (kInt) {
      if (b == 0) return 0;  // no SIGFPE: MXNet's integer division by zero gives 0
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return static_cast<T>(WrapSub(C(0), a));
      }
    }
    return static_cast<T>(a / b);
  }
  if constexpr (OP == kMod) {
    if (b == 0) return 0;
    if constexpr (kInt) {
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return 0;
      }
      C r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return static_cast<T>(r);
    } else {
      C r = std::fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return static_cast<T>(r);
    }
  }
  if constexpr (OP == kPower) {
    if constexpr (kInt) return static_cast<T>(IntPow(a, b));
    else return static_cast<T>(std::pow(a, b));
  }
  if constexpr (OP == kMax) {
    if constexpr (!kInt) { if (std::isnan(a) || std::isnan(b)) return static_cast<T>(a + b); }
    return static_cast<T>(a > b ? a : b);
  }
  if constexpr (OP == kMin) {
    if constexpr (!kInt) { if (std::isnan(a) || std::isnan(b)) return static_cast<T>(a + b); }
    return static_cast<T>(a < b ? a : b);
  }
  if constexpr (OP == kHypot) return static_cast<T>(std::hypot(static_cast<double>(a), static_cast<double>(b)));
  if constexpr (OP == kEq) return static_cast<T>(a == b);
  if constexpr (OP == kNe) return static_cast<T>(a != b);
  if constexpr (OP == kGt) return static_cast<T>(a > b);
  if constexpr (OP == kGe) return static_cast<T>(a >= b);
  if constexpr (OP == kLt) return static_cast<T>(a < b);
  if constexpr (OP == kLe) return static_cast<T>(a <= b);
  if constexpr (OP == kAnd) return static_cast<T>(a != 0 && b != 0);
  if constexpr (OP == kOr) return static_cast<T>(a != 0 || b != 0);
  if constexpr (OP == kXor) return static_cast<T>((a != 0) != (b != 0));
}

// Ops whose body is a few vectorisable instructions; the others call libm
// (pow, fmod, hypot) and get smaller pieces per thread.
constexpr bool IsCheapBinary(BinaryOp op) { return op != kPower && op != kHypot && op != kMod; }

template <BinaryOp OP>
constexpr int64_t BinaryGrain() { return IsCheapBinary(OP) ? kGrainCheap : kGrainLibm; }

// out[i] = a[i * sa] OP b[i * sb] for i < n; sa, sb in {0, 1}.  Separate
// loops so the compiler vectorises each case; one clone per ISA.
template <BinaryOp OP, typename T>
MX_CPU_CLONES void Row(const T* a, int64_t sa, const T* b, int64_t sb, T* out, int64_t n) {
  if (sa == 1 && sb == 1) {
    MX_SIMD_LOOP  // exact aliasing of out with a or b is safe (in-place ops)
    for (int64_t i = 0; i < n; ++i) out[i] = Apply<OP, T>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T y = b[0];
    MX_SIMD_LOOP
    for (int64_t i = 0; i < n; ++i) out[i] = Apply<OP, T>(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const T x = a[0];
    MX_SIMD_LOOP
    for (int64_t i = 0; i < n; ++i) out[i] = Apply<OP, T>(x, b[i]);
  } else {
    const T v = Apply<OP, T>(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  }
}

// Row over [begin, end), split across cores when the op is big.
template <BinaryOp OP, typename T>
void ParallelRow(const T* a, int64_t sa, const T* b, int64_t sb, T* out, int64_t n) {
  ParallelElements(n, BinaryGrain<OP>(), [&](int64_t begin, int64_t end) {
    Row<OP, T>(a + begin * sa, sa, b + begin * sb, sb, out + begin, end - begin);
  });
}

// Broadcasts a and b (numpy rules, shapes right-aligned) into out.
template <BinaryOp OP, typename T>
void Broadcast(const DLTensor& ta, const DLTensor& tb, const DLTensor& to) {
  const int nd = to.ndim;
  const int64_t total = NumElements(to);
  if (total == 0) return;
  const T* a = Data<T>(ta);
  const T* b = Data<T>(tb);
  T* out = Data<T>(to);
  // Element strides of a and b along each output dim (0 where broadcast),
  // with adjacent dims merged when both inputs are contiguous across them.
  int64_t dims[MX_MAX_NDIM], sa[MX_MAX_NDIM], sb[MX_MAX_NDIM];
  int m = 0;
  int64_t stride_a = 1, stride_b = 1;
  int64_t full_a[MX_MAX_NDIM], full_b[MX_MAX_NDIM];
  for (int i = nd - 1; i >= 0; --i) {
    const int ia = i - (nd - ta.ndim), ib = i - (nd - tb.ndim);
    const int64_t da = ia >= 0 ? ta.shape[ia] : 1, db = ib >= 0 ? tb.shape[ib] : 1;
    full_a[i] = da == 1 && to.shape[i] != 1 ? 0 : stride_a;
    full_b[i] = db == 1 && to.shape[i] != 1 ? 0 : stride_b;
    stride_a *= da;
    stride_b *= db;
  }
  for (int i = 0; i < nd; ++i) {
    if (to.shape[i] == 1) continue;
    if (m > 0 && sa[m - 1] == full_a[i] * to.shape[i] && sb[m - 1] == full_b[i] * to.shape[i]) {
      dims[m - 1] *= to.shape[i];
      sa[m - 1] = full_a[i];
      sb[m - 1] = full_b[i];
      continue;
    }
    dims[m] = to.shape[i];
    sa[m] = full_a[i];
    sb[m] = full_b[i];
    ++m;
  }
  if (m == 0) {
    out[0] = Apply<OP, T>(a[0], b[0]);
    return;
  }
  const int64_t inner = dims[m - 1];
  const int64_t ia = sa[m - 1], ib = sb[m - 1];
  if (m == 1) {  // equal shapes, or one side a single value: one flat row
    ParallelRow<OP, T>(a, ia, b, ib, out, inner);
    return;
  }
  // Rows of `inner` elements; a thread takes a range of rows and walks the
  // outer index from its first row.
  const int64_t rows = total / inner;
  const int64_t grain = std::max<int64_t>(1, BinaryGrain<OP>() / inner);
  ParallelFor(rows, grain, [&](int64_t row_begin, int64_t row_end) {
    int64_t index[MX_MAX_NDIM] = {0};
    int64_t off_a = 0, off_b = 0;
    for (int64_t r = row_begin, d = m - 2; d >= 0; --d) {
      index[d] = r % dims[d];
      r /= dims[d];
      off_a += index[d] * sa[d];
      off_b += index[d] * sb[d];
    }
    for (int64_t row = row_begin; row < row_end; ++row) {
      Row<OP, T>(a + off_a, ia, b + off_b, ib, out + row * inner, inner);
      for (int d = m - 2; d >= 0; --d) {
        off_a += sa[d];
        off_b += sb[d];
        if (++index[d] < dims[d]) break;
        off_a -= sa[d] * dims[d];
        off_b -= sb[d] * dims[d];
        index[d] = 0;
      }
    }
  });
}

template <BinaryOp OP>
int BinaryKernel(const MXKernelCall* call) {
  const DLTensor &a = call->inputs[0], &b = call->inputs[1], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("binary kernels do not support req=add");
  const bool ok = DispatchDType(MXDType(a.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) Broadcast<OP, T>(a, b, out);
  });
  return ok ? 0 : Fail("unsupported dtype");
}

template <BinaryOp OP, bool REVERSE>
int ScalarKernel(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("scalar kernels do not support req=add");
  const MXAttr* scalar = mx_attr_find(call->attrs, call->num_attrs, "scalar");
  if (!scalar) return Fail("missing parameter 'scalar'");
  const int64_t n = NumElements(in);
  const bool ok = DispatchDType(MXDType(in.dtype), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      // As MXNet: the scalar is first converted to the array's dtype (a
      // float64 value out of an integer type's range saturates instead of
      // being undefined behaviour).
      const double s = scalar->f;
      T v;
      if constexpr (std::is_integral_v<T>) v = SaturateCast<T>(s);
      else v = static_cast<T>(s);
      if (REVERSE) ParallelRow<OP, T>(&v, 0, Data<T>(in), 1, Data<T>(out), n);
      else ParallelRow<OP, T>(Data<T>(in), 1, &v, 0, Data<T>(out), n);
    }
  });
  return ok ? 0 : Fail("unsupported dtype");
}

struct BinaryNames {
  const char* broadcast;
  const char* elemwise;
  const char* scalar;
  const char* rscalar;
};

template <BinaryOp OP>
int RegisterFamily(const BinaryNames& names) {
  if (int rc = RegisterKernel(names.broadcast, BinaryKernel<OP>, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel(names.elemwise, BinaryKernel<OP>, nullptr, kNumeric)) return rc;
  if (int rc = RegisterKernel(names.scalar, ScalarKernel<OP, false>, nullptr, kNumeric)) return rc;
  if (names.rscalar) return RegisterKernel(names.rscalar, ScalarKernel<OP, true>, nullptr, kNumeric);
  return 0;
}

}  // namespace

MX_CPU_KERNELS(elemwise_binary) {
  int rc = 0;
  rc = rc ? rc : RegisterFamily<kAdd>({"broadcast_add", "elemwise_add", "_plus_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kSub>({"broadcast_sub", "elemwise_sub", "_minus_scalar", "_rminus_scalar"});
  rc = rc ? rc : RegisterFamily<kMul>({"broadcast_mul", "elemwise_mul", "_mul_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kDiv>({"broadcast_div", "elemwise_div", "_div_scalar", "_rdiv_scalar"});
  rc = rc ? rc : RegisterFamily<kMod>({"broadcast_mod", "_mod", "_mod_scalar", "_rmod_scalar"});
  rc = rc ? rc : RegisterFamily<kPower>({"broadcast_power", "_power", "_power_scalar", "_rpower_scalar"});
  rc = rc ? rc : RegisterFamily<kMax>({"broadcast_maximum", "_maximum", "_maximum_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kMin>({"broadcast_minimum", "_minimum", "_minimum_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kHypot>({"broadcast_hypot", "_hypot", "_hypot_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kEq>({"broadcast_equal", "_equal", "_equal_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kNe>({"broadcast_not_equal", "_not_equal", "_not_equal_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kGt>({"broadcast_greater", "_greater", "_greater_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kGe>({"broadcast_greater_equal", "_greater_equal", "_greater_equal_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kLt>({"broadcast_lesser", "_lesser", "_lesser_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kLe>({"broadcast_lesser_equal", "_lesser_equal", "_lesser_equal_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kAnd>({"broadcast_logical_and", "_logical_and", "_logical_and_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kOr>({"broadcast_logical_or", "_logical_or", "_logical_or_scalar", nullptr});
  rc = rc ? rc : RegisterFamily<kXor>({"broadcast_logical_xor", "_logical_xor", "_logical_xor_scalar", nullptr});
  return rc;
}

}  // namespace mx_cpu
