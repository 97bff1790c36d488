// LRN and _backward_LRN kernels over (N, C, H, W), one image per task, whole
// planes at a time.  Channel c's window is [c - nsize/2, c - nsize/2 + nsize)
// clipped to [0, C); the gradient sums over the channels whose windows hold
// c (the same window when nsize is odd).
#include <algorithm>
#include <cmath>
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

struct LRNParams {
  double alpha, beta, knorm;
  int64_t nsize;
  double Scale() const { return alpha / static_cast<double>(nsize); }
};

LRNParams ParamsOf(const MXKernelCall* call) {
  const auto attr = [&](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  return {attr("alpha")->f, attr("beta")->f, attr("knorm")->f, attr("nsize")->i};
}

// The channels [first, last) of c's window.
void Window(int64_t c, int64_t channels, int64_t nsize, int64_t* first, int64_t* last) {
  const int64_t start = c - nsize / 2;
  *first = std::max<int64_t>(start, 0);
  *last = std::min(start + nsize, channels);
}

// One image: norm and out, each (C, plane).
template <typename T>
void ForwardImage(const LRNParams& p, int64_t channels, int64_t plane, const T* x, T* out, T* norm) {
  using C = typename Acc<T>::type;
  std::vector<C> sum(plane);
  for (int64_t c = 0; c < channels; ++c) {
    int64_t first, last;
    Window(c, channels, p.nsize, &first, &last);
    std::fill(sum.begin(), sum.end(), C(0));
    for (int64_t k = first; k < last; ++k) {
      const T* xk = x + k * plane;
      for (int64_t i = 0; i < plane; ++i) sum[i] += static_cast<C>(xk[i]) * static_cast<C>(xk[i]);
    }
    const C knorm = static_cast<C>(p.knorm), scale = static_cast<C>(p.Scale()), beta = static_cast<C>(p.beta);
    for (int64_t i = 0; i < plane; ++i) {
      const C n = knorm + scale * sum[i];
      norm[c * plane + i] = static_cast<T>(n);
      out[c * plane + i] = static_cast<T>(static_cast<C>(x[c * plane + i]) * std::pow(n, -beta));
    }
  }
}

// dx[c] = dy[c] norm[c]^-beta - 2 alpha beta / nsize * x[c] * sum over c' whose
// window holds c of dy[c'] x[c'] norm[c']^(-beta - 1).
template <typename T>
void BackwardImage(const LRNParams& p, int64_t channels, int64_t plane, const T* dy, const T* x, const T* norm, T* dx) {
  using C = typename Acc<T>::type;
  const C beta = static_cast<C>(p.beta), factor = static_cast<C>(-2.0 * p.Scale() * p.beta);
  std::vector<C> t(channels * plane), sum(plane);
  for (int64_t i = 0; i < channels * plane; ++i)
    t[i] = static_cast<C>(dy[i]) * static_cast<C>(x[i]) * std::pow(static_cast<C>(norm[i]), -beta - C(1));
  for (int64_t c = 0; c < channels; ++c) {
    // c' holds c when c' - nsize/2 <= c < c' - nsize/2 + nsize
    const int64_t first = std::max<int64_t>(c + p.nsize / 2 - p.nsize + 1, 0);
    const int64_t last = std::min(c + p.nsize / 2 + 1, channels);
    std::fill(sum.begin(), sum.end(), C(0));
    for (int64_t k = first; k < last; ++k)
      for (int64_t i = 0; i < plane; ++i) sum[i] += t[k * plane + i];
    for (int64_t i = 0; i < plane; ++i) {
      const int64_t at = c * plane + i;
      dx[at] = static_cast<T>(static_cast<C>(dy[at]) * std::pow(static_cast<C>(norm[at]), -beta) +
                              factor * static_cast<C>(x[at]) * sum[i]);
    }
  }
}

int LRNForward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_ADD || call->req[1] == MX_REQ_ADD) return Fail("LRN does not support req=add");
  const DLTensor& data = call->inputs[0];
  const LRNParams p = ParamsOf(call);
  const int64_t batch = data.shape[0], channels = data.shape[1], plane = data.shape[2] * data.shape[3];
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T* x = Data<T>(data);
    T *y = Data<T>(call->outputs[0]), *norm = Data<T>(call->outputs[1]);
    ParallelFor(batch, 1, [&](int64_t begin, int64_t end) {
      for (int64_t n = begin; n < end; ++n) {
        const int64_t at = n * channels * plane;
        ForwardImage(p, channels, plane, x + at, y + at, norm + at);
      }
    });
  });
  return ok ? 0 : Fail("LRN: unsupported dtype");
}

// inputs: out_grad, data, tmp_norm; output: data's gradient.
int LRNBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_LRN does not support req=add");
  const DLTensor& data = call->inputs[1];
  const LRNParams p = ParamsOf(call);
  const int64_t batch = data.shape[0], channels = data.shape[1], plane = data.shape[2] * data.shape[3];
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    const T *dy = Data<T>(call->inputs[0]), *x = Data<T>(data), *norm = Data<T>(call->inputs[2]);
    T* dx = Data<T>(call->outputs[0]);
    ParallelFor(batch, 1, [&](int64_t begin, int64_t end) {
      for (int64_t n = begin; n < end; ++n) {
        const int64_t at = n * channels * plane;
        BackwardImage(p, channels, plane, dy + at, x + at, norm + at, dx + at);
      }
    });
  });
  return ok ? 0 : Fail("_backward_LRN: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(lrn) {
  if (int rc = RegisterKernel("LRN", LRNForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_LRN", LRNBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
