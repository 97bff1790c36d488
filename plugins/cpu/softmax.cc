// softmax, log_softmax and softmin kernels.  Each slice along the axis is
// shifted by its maximum (so exp never overflows), exponentiated and
// normalised, in float for float16 / float32 and in double when the input or
// the output is float64.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernel_util.h"

namespace mx_cpu {

namespace {

enum SoftmaxKind { kSoftmax, kLogSoftmax, kSoftmin };

// e^x in float that the compiler vectorises (std::exp is a libm call):
// x = k ln2 + r with |r| <= ln2 / 2, e^r by its Taylor polynomial to r^7
// (relative error below 2e-7), 2^k through the exponent bits.
inline float VectorExp(float x) {
  const float clamped = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // Adding and removing 1.5 * 2^23 rounds to the nearest integer: unlike
  // floorf, the compiler vectorises it without -fno-trapping-math.
  constexpr float kRound = 12582912.0f;
  const float k = (clamped * 1.44269504f + kRound) - kRound;
  const float r = clamped - k * 0.693145752f - k * 1.42860677e-6f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float y = p * scale;
  return x < -87.0f ? 0.0f : (x != x ? x : y);
}
inline double VectorExp(double x) { return std::exp(x); }

// The maximum and the sum of n values, in independent lanes so that the
// loops vectorise (a single running value would serialise them).
constexpr int kLanes = 16;

template <typename C>
inline C MaxOf(const C* v, int64_t n) {
  C lanes[kLanes];
  for (int l = 0; l < kLanes; ++l) lanes[l] = -std::numeric_limits<C>::infinity();
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = v[j + l] > lanes[l] ? v[j + l] : lanes[l];
  for (; j < n; ++j) lanes[0] = v[j] > lanes[0] ? v[j] : lanes[0];
  C top = lanes[0];
  for (int l = 1; l < kLanes; ++l) top = lanes[l] > top ? lanes[l] : top;
  return top;
}

template <typename C>
inline C SumOf(const C* v, int64_t n) {
  C lanes[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] += v[j + l];
  for (; j < n; ++j) lanes[0] += v[j];
  C sum = 0;
  for (int l = 0; l < kLanes; ++l) sum += lanes[l];
  return sum;
}

// One contiguous slice: y = f(scale * x) with f the kind's function; buf
// holds n values of C.
template <SoftmaxKind K, typename T, typename Out, typename C>
MX_CPU_CLONES void SoftmaxSlice(const T* x, Out* y, int64_t n, C scale, C* buf) {
  for (int64_t j = 0; j < n; ++j) buf[j] = scale * static_cast<C>(x[j]);
  const C top = MaxOf(buf, n);
  for (int64_t j = 0; j < n; ++j) buf[j] = VectorExp(buf[j] - top);
  const C sum = SumOf(buf, n);
  if constexpr (K == kLogSoftmax) {
    const C shift = top + std::log(sum);
    for (int64_t j = 0; j < n; ++j) y[j] = static_cast<Out>(scale * static_cast<C>(x[j]) - shift);
  } else {
    const C inverse = C(1) / sum;
    for (int64_t j = 0; j < n; ++j) y[j] = static_cast<Out>(buf[j] * inverse);
  }
}

template <SoftmaxKind K, typename T, typename Out>
void Softmax(const DLTensor& in, const DLTensor& out, int64_t axis, double temperature) {
  using C = std::conditional_t<std::is_same_v<T, double> || std::is_same_v<Out, double>, double, float>;
  int64_t outer = 1, len = 1, inner = 1;
  for (int i = 0; i < in.ndim; ++i) (i < axis ? outer : i == axis ? len : inner) *= in.shape[i];
  if (outer * len * inner == 0) return;
  const C scale = static_cast<C>((K == kSoftmin ? -1.0 : 1.0) / temperature);
  const T* x = Data<T>(in);
  Out* y = Data<Out>(out);
  const int64_t slices = outer * inner;
  ParallelFor(slices, std::max<int64_t>(1, (1 << 14) / len), [&](int64_t begin, int64_t end) {
    std::vector<C> buf(inner == 1 ? len : 3 * len);
    for (int64_t s = begin; s < end; ++s) {
      if (inner == 1) {
        SoftmaxSlice<K, T, Out, C>(x + s * len, y + s * len, len, scale, buf.data());
        continue;
      }
      // A strided slice: gather it, compute, scatter back.
      C* column = buf.data() + len;
      C* result = column + len;
      const int64_t base = (s / inner) * len * inner + s % inner;
      for (int64_t j = 0; j < len; ++j) column[j] = static_cast<C>(x[base + j * inner]);
      SoftmaxSlice<K, C, C, C>(column, result, len, scale, buf.data());
      for (int64_t j = 0; j < len; ++j) y[base + j * inner] = static_cast<Out>(result[j]);
    }
  });
}

template <typename F>
bool DispatchFloat(int dtype, F&& f) {
  switch (dtype) {
    case kF32: f(float{}); return true;
    case kF64: f(double{}); return true;
    case kF16: f(half{}); return true;
    default: return false;
  }
}

template <SoftmaxKind K>
int SoftmaxKernel(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("softmax does not support req=add");
  const MXAttr* temperature = mx_attr_find(call->attrs, call->num_attrs, "temperature");
  int64_t axis = mx_attr_find(call->attrs, call->num_attrs, "axis")->i;
  if (axis < 0) axis += in.ndim;
  const double t = temperature->is_none ? 1.0 : temperature->f;
  bool ok = false;
  DispatchFloat(MXDType(in.dtype), [&](auto in_zero) {
    ok = DispatchFloat(MXDType(out.dtype), [&](auto out_zero) {
      Softmax<K, decltype(in_zero), decltype(out_zero)>(in, out, axis, t);
    });
  });
  return ok ? 0 : Fail("softmax: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(softmax) {
  const std::initializer_list<int32_t> kFloats = {kF32, kF64, kF16};
  if (int rc = RegisterKernel("softmax", SoftmaxKernel<kSoftmax>, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("log_softmax", SoftmaxKernel<kLogSoftmax>, nullptr, kFloats)) return rc;
  return RegisterKernel("softmin", SoftmaxKernel<kSoftmin>, nullptr, kFloats);
}

}  // namespace mx_cpu
