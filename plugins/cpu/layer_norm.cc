// LayerNorm and _backward_LayerNorm kernels.  The data is (outer, len,
// inner) around the normalized axis: one slice of len elements, inner apart,
// per (outer, inner) position; statistics accumulate in double.
#include <algorithm>
#include <cmath>
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

struct SliceLayout {
  int64_t outer = 1, len = 1, inner = 1;
  int64_t Slices() const { return outer * inner; }
  int64_t Base(int64_t s) const { return (s / inner) * len * inner + s % inner; }  // element j at Base + j * inner
};

SliceLayout LayoutOf(const MXKernelCall* call, const DLTensor& data) {
  int64_t axis = mx_attr_find(call->attrs, call->num_attrs, "axis")->i;
  if (axis < 0) axis += data.ndim;
  SliceLayout l;
  for (int i = 0; i < data.ndim; ++i) (i < axis ? l.outer : i == axis ? l.len : l.inner) *= data.shape[i];
  return l;
}

int64_t SliceGrain(const SliceLayout& l) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(l.len, 1)); }

template <typename T>
void Forward(const SliceLayout& l, double eps, const T* x, const T* gamma, const T* beta, T* y, T* mean_out,
             T* std_out) {
  using C = typename Acc<T>::type;
  const int64_t len = l.len, step = l.inner;
  ParallelFor(l.Slices(), SliceGrain(l), [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      const T* xs = x + l.Base(s);
      T* ys = y + l.Base(s);
      double sum = 0, squares = 0;
      for (int64_t j = 0; j < len; ++j) sum += static_cast<double>(xs[j * step]);
      const double mean = sum / static_cast<double>(len);
      for (int64_t j = 0; j < len; ++j) {
        const double d = static_cast<double>(xs[j * step]) - mean;
        squares += d * d;
      }
      const double std = std::sqrt(squares / static_cast<double>(len) + eps);
      const C m = static_cast<C>(mean), inv = static_cast<C>(1 / std);
      for (int64_t j = 0; j < len; ++j)
        ys[j * step] = static_cast<T>((static_cast<C>(xs[j * step]) - m) * inv * static_cast<C>(gamma[j]) +
                                      static_cast<C>(beta[j]));
      mean_out[s] = static_cast<T>(mean);
      std_out[s] = static_cast<T>(std);
    }
  });
}

// dx = (g - mean(g) - xhat * mean(g * xhat)) / std with g = dy * gamma, per
// slice; dgamma = sum of dy * xhat and dbeta = sum of dy over the slices.
template <typename T>
void Backward(const SliceLayout& l, const T* dy, const T* x, const T* gamma, const T* mean, const T* std, T* dx,
              T* dgamma, T* dbeta) {
  const int64_t len = l.len, step = l.inner;
  if (dx) {
    ParallelFor(l.Slices(), SliceGrain(l), [&](int64_t begin, int64_t end) {
      for (int64_t s = begin; s < end; ++s) {
        const int64_t base = l.Base(s);
        const double m = static_cast<double>(mean[s]), inv = 1 / static_cast<double>(std[s]);
        double sum_g = 0, sum_gx = 0;
        for (int64_t j = 0; j < len; ++j) {
          const double g = static_cast<double>(dy[base + j * step]) * static_cast<double>(gamma[j]);
          sum_g += g;
          sum_gx += g * (static_cast<double>(x[base + j * step]) - m) * inv;
        }
        const double mean_g = sum_g / static_cast<double>(len), mean_gx = sum_gx / static_cast<double>(len);
        for (int64_t j = 0; j < len; ++j) {
          const int64_t i = base + j * step;
          const double g = static_cast<double>(dy[i]) * static_cast<double>(gamma[j]);
          const double xhat = (static_cast<double>(x[i]) - m) * inv;
          dx[i] = static_cast<T>((g - mean_g - xhat * mean_gx) * inv);
        }
      }
    });
  }
  if (!dgamma && !dbeta) return;
  std::vector<double> sum_gamma(len, 0.0), sum_beta(len, 0.0);
  for (int64_t s = 0; s < l.Slices(); ++s) {
    const int64_t base = l.Base(s);
    const double m = static_cast<double>(mean[s]), inv = 1 / static_cast<double>(std[s]);
    for (int64_t j = 0; j < len; ++j) {
      const double g = static_cast<double>(dy[base + j * step]);
      sum_gamma[j] += g * (static_cast<double>(x[base + j * step]) - m) * inv;
      sum_beta[j] += g;
    }
  }
  for (int64_t j = 0; j < len; ++j) {
    if (dgamma) dgamma[j] = static_cast<T>(sum_gamma[j]);
    if (dbeta) dbeta[j] = static_cast<T>(sum_beta[j]);
  }
}

int LayerNormForward(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("LayerNorm does not support req=add");
  const DLTensor* in = call->inputs;
  const DLTensor* out = call->outputs;
  const SliceLayout l = LayoutOf(call, in[0]);
  const double eps = mx_attr_find(call->attrs, call->num_attrs, "eps")->f;
  const bool ok = DispatchFloat(MXDType(in[0].dtype), [&](auto zero) {
    using T = decltype(zero);
    Forward(l, eps, Data<T>(in[0]), Data<T>(in[1]), Data<T>(in[2]), Data<T>(out[0]), Data<T>(out[1]),
            Data<T>(out[2]));
  });
  return ok ? 0 : Fail("LayerNorm: unsupported dtype");
}

// inputs: out_grad, data, gamma, mean, std; outputs: data, gamma, beta gradients.
int LayerNormBackward(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("_backward_LayerNorm does not support req=add");
  const DLTensor* in = call->inputs;
  const SliceLayout l = LayoutOf(call, in[1]);
  const bool ok = DispatchFloat(MXDType(in[1].dtype), [&](auto zero) {
    using T = decltype(zero);
    const auto output = [&](int k) { return call->req[k] == MX_REQ_NULL ? nullptr : Data<T>(call->outputs[k]); };
    Backward(l, Data<T>(in[0]), Data<T>(in[1]), Data<T>(in[2]), Data<T>(in[3]), Data<T>(in[4]), output(0), output(1),
             output(2));
  });
  return ok ? 0 : Fail("_backward_LayerNorm: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(layer_norm) {
  if (int rc = RegisterKernel("LayerNorm", LayerNormForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_LayerNorm", LayerNormBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
