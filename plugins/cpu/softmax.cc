// softmax, log_softmax and softmin kernels.  Each slice along the axis is
// shifted by its maximum (so exp never overflows), exponentiated and
// normalised, in float for float16 / float32 and in double when the input or
// the output is float64.  With a length input only the first length[slice]
// positions take part and the rest output 0.
//
// SoftmaxActivation is softmax over the last axis or axis 1; the summed
// softmax_cross_entropy takes each row's softmax from SoftmaxSlice.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "elemwise_math.h"
#include "float_dispatch.h"
#include "index_util.h"

namespace mx_cpu {

namespace {

enum SoftmaxKind { kSoftmax, kLogSoftmax, kSoftmin };

// The maximum and the sum of n values, in independent lanes so that the
// loops vectorise (a single running value would serialise them).

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

// Float slices (float16 and float32 data): three passes over the row, 16
// lanes a turn, reading x directly when it is float32 and writing y directly
// when it is float32 (buf stands in otherwise).  The tail of each pass goes
// through one zero-padded vector whose extra lanes stay out of the result.
const VecI kLaneIndex = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

MX_ALWAYS_INLINE VecF LoadTail(const float* v, int64_t m) {
  VecF a = {};
  std::memcpy(&a, v, m * sizeof(float));
  return a;
}

// The maximum of scale * v[j] over j < n (NaNs skipped, as MaxOf does).
MX_ALWAYS_INLINE float ScaledMax(const float* v, int64_t n, float scale) {
  const VecF lowest = VecF{} - std::numeric_limits<float>::infinity();
  VecF top0 = lowest, top1 = lowest;
  int64_t j = 0;
  for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
    VecF a, b;
    std::memcpy(&a, v + j, sizeof a);
    std::memcpy(&b, v + j + kLanes, sizeof b);
    a *= scale;
    b *= scale;
    top0 = a > top0 ? a : top0;
    top1 = b > top1 ? b : top1;
  }
  for (; j < n; j += kLanes) {
    const int32_t m = static_cast<int32_t>(std::min<int64_t>(kLanes, n - j));
    const VecF a = kLaneIndex < m ? LoadTail(v + j, m) * scale : lowest;
    top1 = a > top1 ? a : top1;
  }
  top0 = top1 > top0 ? top1 : top0;
  float top = top0[0];
  for (int l = 1; l < kLanes; ++l) top = top0[l] > top ? top0[l] : top;
  return top;
}

// The sum of e^(scale * v[j] - shift) over j < n; stored to e[j] unless e is
// nullptr (e may be v).
MX_ALWAYS_INLINE float ExpShiftedSum(const float* v, float* e, int64_t n, float scale, float shift) {
  VecF sum0 = {}, sum1 = {};
  int64_t j = 0;
  for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
    VecF a, b;
    std::memcpy(&a, v + j, sizeof a);
    std::memcpy(&b, v + j + kLanes, sizeof b);
    a = ExpV(a * scale - shift);
    b = ExpV(b * scale - shift);
    if (e) {
      std::memcpy(e + j, &a, sizeof a);
      std::memcpy(e + j + kLanes, &b, sizeof b);
    }
    sum0 += a;
    sum1 += b;
  }
  for (; j < n; j += kLanes) {
    const int32_t m = static_cast<int32_t>(std::min<int64_t>(kLanes, n - j));
    const VecF a = ExpV(LoadTail(v + j, m) * scale - shift);
    if (e) std::memcpy(e + j, &a, m * sizeof(float));
    sum1 += kLaneIndex < m ? a : VecF{};
  }
  sum0 += sum1;
  float sum = 0;
  for (int l = 0; l < kLanes; ++l) sum += sum0[l];
  return sum;
}

// One contiguous slice: y = f(scale * x) with f the kind's function; buf
// holds n values of C.
template <SoftmaxKind K, typename T, typename Out, typename C>
MX_CPU_CLONES void SoftmaxSlice(const T* x, Out* y, int64_t n, C scale, C* buf) {
  if constexpr (std::is_same_v<C, float>) {
    const float* in = buf;
    if constexpr (std::is_same_v<T, float>) in = x;
    else for (int64_t j = 0; j < n; ++j) buf[j] = static_cast<float>(x[j]);
    const float top = ScaledMax(in, n, scale);
    if constexpr (K == kLogSoftmax) {
      const float shift = top + std::log(ExpShiftedSum(in, nullptr, n, scale, top));
      for (int64_t j = 0; j < n; ++j) y[j] = static_cast<Out>(scale * in[j] - shift);
    } else {
      float* e = std::is_same_v<Out, float> ? reinterpret_cast<float*>(y) : buf;
      const float inverse = 1.0f / ExpShiftedSum(in, e, n, scale, top);
      for (int64_t j = 0; j < n; ++j) y[j] = static_cast<Out>(e[j] * inverse);
    }
  } else {
    for (int64_t j = 0; j < n; ++j) buf[j] = scale * static_cast<C>(x[j]);
    const C top = MaxOf(buf, n);
    for (int64_t j = 0; j < n; ++j) buf[j] = std::exp(buf[j] - top);
    const C sum = SumOf(buf, n);
    if constexpr (K == kLogSoftmax) {
      const C shift = top + std::log(sum);
      for (int64_t j = 0; j < n; ++j) y[j] = static_cast<Out>(scale * static_cast<C>(x[j]) - shift);
    } else {
      const C inverse = C(1) / sum;
      for (int64_t j = 0; j < n; ++j) y[j] = static_cast<Out>(buf[j] * inverse);
    }
  }
}

// lengths: nullptr, or one per slice (outer-major), clamped into [0, len].
template <SoftmaxKind K, typename T, typename Out>
void Softmax(const DLTensor& in, const DLTensor& out, int64_t axis, double temperature,
             const std::vector<int64_t>* lengths) {
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
      const int64_t n = lengths ? std::clamp<int64_t>((*lengths)[s], 0, len) : len;
      if (inner == 1) {
        if (n > 0) SoftmaxSlice<K, T, Out, C>(x + s * len, y + s * len, n, scale, buf.data());
        std::fill(y + s * len + n, y + (s + 1) * len, Out(0));
        continue;
      }
      // A strided slice: gather it, compute, scatter back.
      C* column = buf.data() + len;
      C* result = column + len;
      const int64_t base = (s / inner) * len * inner + s % inner;
      for (int64_t j = 0; j < n; ++j) column[j] = static_cast<C>(x[base + j * inner]);
      if (n > 0) SoftmaxSlice<K, C, C, C>(column, result, n, scale, buf.data());
      for (int64_t j = 0; j < n; ++j) y[base + j * inner] = static_cast<Out>(result[j]);
      for (int64_t j = n; j < len; ++j) y[base + j * inner] = Out(0);
    }
  });
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
  std::vector<int64_t> lengths;
  if (call->num_inputs == 2 && !LoadIndices(call->inputs[1], &lengths))
    return Fail("softmax: unsupported length dtype");
  bool ok = false;
  DispatchFloat(MXDType(in.dtype), [&](auto in_zero) {
    ok = DispatchFloat(MXDType(out.dtype), [&](auto out_zero) {
      Softmax<K, decltype(in_zero), decltype(out_zero)>(in, out, axis, t, call->num_inputs == 2 ? &lengths : nullptr);
    });
  });
  return ok ? 0 : Fail("softmax: unsupported dtype");
}

int SoftmaxActivationKernel(const MXKernelCall* call) {
  const DLTensor &in = call->inputs[0], &out = call->outputs[0];
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("SoftmaxActivation does not support req=add");
  const bool channel = std::strcmp(mx_attr_find(call->attrs, call->num_attrs, "mode")->s, "channel") == 0;
  const int64_t axis = channel ? 1 : in.ndim - 1;
  const bool ok = DispatchFloat(MXDType(in.dtype), [&](auto zero) {
    Softmax<kSoftmax, decltype(zero), decltype(zero)>(in, out, axis, 1.0, nullptr);
  });
  return ok ? 0 : Fail("SoftmaxActivation: unsupported dtype");
}

// sum over rows of -log(max(p, 1e-8)), p the softmax of the row at its label
// (truncated, clipped into the row), in double.
template <typename T>
double SummedCrossEntropy(const DLTensor& data, const DLTensor& label) {
  const int64_t rows = data.shape[0], classes = data.shape[1];
  const T* x = Data<T>(data);
  const T* labels = Data<T>(label);
  std::vector<double> probabilities(classes), buf(classes);
  double total = 0;
  for (int64_t r = 0; r < rows; ++r) {
    SoftmaxSlice<kSoftmax, T, double, double>(x + r * classes, probabilities.data(), classes, 1.0, buf.data());
    const double at = static_cast<double>(labels[r]);
    const int64_t k = at >= static_cast<double>(classes - 1) ? classes - 1 : at > 0 ? static_cast<int64_t>(at) : 0;
    total -= std::log(std::max(probabilities[k], 1e-8));
  }
  return total;
}

int SoftmaxCrossEntropyKernel(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("softmax_cross_entropy does not support req=add");
  const DLTensor &data = call->inputs[0], &label = call->inputs[1], &out = call->outputs[0];
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    Data<T>(out)[0] = static_cast<T>(data.shape[0] == 0 ? 0.0 : SummedCrossEntropy<T>(data, label));
  });
  return ok ? 0 : Fail("softmax_cross_entropy: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(softmax) {
  const std::initializer_list<int32_t> kFloats = {kF32, kF64, kF16};
  if (int rc = RegisterKernel("softmax", SoftmaxKernel<kSoftmax>, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("log_softmax", SoftmaxKernel<kLogSoftmax>, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("softmin", SoftmaxKernel<kSoftmin>, nullptr, kFloats)) return rc;
  if (int rc = RegisterKernel("SoftmaxActivation", SoftmaxActivationKernel, nullptr, kFloats)) return rc;
  return RegisterKernel("softmax_cross_entropy", SoftmaxCrossEntropyKernel, nullptr, kFloats);
}

}  // namespace mx_cpu
