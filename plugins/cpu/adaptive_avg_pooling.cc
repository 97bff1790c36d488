// _contrib_AdaptiveAvgPooling2D and its gradient (semantics:
// ops/contrib/adaptive_avg_pooling.cc): one plane per task; bins overlap,
// so the gradient of a plane is summed in Acc<T> before it is stored.
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

// Bin k of `out` over an axis of `in`: [k * in / out, ceil((k + 1) * in / out)).
int64_t BinStart(int64_t k, int64_t in, int64_t out) { return k * in / out; }
int64_t BinEnd(int64_t k, int64_t in, int64_t out) { return ((k + 1) * in + out - 1) / out; }

struct Planes {
  int64_t count, H, W, OH, OW;
};

Planes Measure(const DLTensor& data, const DLTensor& pooled) {
  return {data.shape[0] * data.shape[1], data.shape[2], data.shape[3], pooled.shape[2], pooled.shape[3]};
}

template <typename T>
void Pool(const Planes& g, const T* x, T* y) {
  using C = typename Acc<T>::type;
  ParallelFor(g.count, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.H * g.W)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      const T* plane = x + p * g.H * g.W;
      for (int64_t i = 0; i < g.OH; ++i) {
        const int64_t h0 = BinStart(i, g.H, g.OH), h1 = BinEnd(i, g.H, g.OH);
        for (int64_t j = 0; j < g.OW; ++j) {
          const int64_t w0 = BinStart(j, g.W, g.OW), w1 = BinEnd(j, g.W, g.OW);
          C sum = 0;
          for (int64_t h = h0; h < h1; ++h)
            for (int64_t w = w0; w < w1; ++w) sum += static_cast<C>(plane[h * g.W + w]);
          y[(p * g.OH + i) * g.OW + j] = static_cast<T>(sum / static_cast<C>((h1 - h0) * (w1 - w0)));
        }
      }
    }
  });
}

template <typename T>
void PoolBackward(const Planes& g, const T* dy, T* dx) {
  using C = typename Acc<T>::type;
  ParallelFor(g.count, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.H * g.W)), [&](int64_t b, int64_t e) {
    std::vector<C> sum(static_cast<size_t>(g.H * g.W));
    for (int64_t p = b; p < e; ++p) {
      std::fill(sum.begin(), sum.end(), C(0));
      for (int64_t i = 0; i < g.OH; ++i) {
        const int64_t h0 = BinStart(i, g.H, g.OH), h1 = BinEnd(i, g.H, g.OH);
        for (int64_t j = 0; j < g.OW; ++j) {
          const int64_t w0 = BinStart(j, g.W, g.OW), w1 = BinEnd(j, g.W, g.OW);
          const C share = static_cast<C>(dy[(p * g.OH + i) * g.OW + j]) / static_cast<C>((h1 - h0) * (w1 - w0));
          for (int64_t h = h0; h < h1; ++h)
            for (int64_t w = w0; w < w1; ++w) sum[h * g.W + w] += share;
        }
      }
      for (int64_t k = 0; k < g.H * g.W; ++k) dx[p * g.H * g.W + k] = static_cast<T>(sum[k]);
    }
  });
}

int AdaptivePool(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_contrib_AdaptiveAvgPooling2D does not support req=add");
  const DLTensor &data = call->inputs[0], &out = call->outputs[0];
  const Planes g = Measure(data, out);
  const bool ok = DispatchFloat(MXDType(data.dtype), [&](auto zero) {
    using T = decltype(zero);
    if (g.H && g.W) Pool<T>(g, Data<T>(data), Data<T>(out));
  });
  return ok ? 0 : Fail("_contrib_AdaptiveAvgPooling2D: unsupported dtype");
}

// inputs: out_grad, data; output: data's gradient.
int AdaptivePoolBackward(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_NULL) return 0;
  if (call->req[0] == MX_REQ_ADD) return Fail("_backward_contrib_AdaptiveAvgPooling2D does not support req=add");
  const DLTensor &grad = call->inputs[0], &data = call->inputs[1], &out = call->outputs[0];
  const Planes g = Measure(data, grad);
  const bool ok = DispatchFloat(MXDType(grad.dtype), [&](auto zero) {
    using T = decltype(zero);
    PoolBackward<T>(g, Data<T>(grad), Data<T>(out));
  });
  return ok ? 0 : Fail("_backward_contrib_AdaptiveAvgPooling2D: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(adaptive_avg_pooling) {
  if (int rc = RegisterKernel("_contrib_AdaptiveAvgPooling2D", AdaptivePool, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_contrib_AdaptiveAvgPooling2D", AdaptivePoolBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
