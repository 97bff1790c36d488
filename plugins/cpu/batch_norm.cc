// BatchNorm and _backward_BatchNorm kernels, one channel per task.  The data
// is (outer, channels, inner) around the channel axis; statistics are
// accumulated in double (two passes for the variance).  In training the
// moving statistics (inputs 3 and 4) are updated in place during the
// forward pass.  gamma, beta and the statistics are float32 for float16 data.
#include <algorithm>
#include <cmath>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

struct NormLayout {
  int64_t outer = 1, channels = 1, inner = 1;
  int64_t PerChannel() const { return outer * inner; }
  // fn(pointer offset of a contiguous run of `inner` elements) for channel c.
  template <typename F>
  void ForRuns(int64_t c, F&& fn) const {
    for (int64_t o = 0; o < outer; ++o) fn((o * channels + c) * inner);
  }
};

NormLayout LayoutOf(const MXKernelCall* call, const DLTensor& data) {
  int64_t axis = mx_attr_find(call->attrs, call->num_attrs, "axis")->i;
  if (axis < 0) axis += data.ndim;
  NormLayout l;
  for (int i = 0; i < data.ndim; ++i) (i < axis ? l.outer : i == axis ? l.channels : l.inner) *= data.shape[i];
  return l;
}

struct NormOptions {
  double eps, momentum;
  bool fix_gamma, training;
};

NormOptions OptionsOf(const MXKernelCall* call) {
  const auto attr = [&](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  const bool global = attr("use_global_stats")->i != 0;
  return {attr("eps")->f, attr("momentum")->f, attr("fix_gamma")->i != 0, call->is_train != 0 && !global};
}

double InvStd(double var, double eps) { return var == 0 && eps == 0 ? 0 : 1 / std::sqrt(var + eps); }

int64_t ChannelGrain(const NormLayout& l) {
  return std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(1, l.PerChannel()));
}

template <typename T, typename P>
void Forward(const NormLayout& l, const NormOptions& o, const T* x, const P* gamma, const P* beta, P* moving_mean,
             P* moving_var, T* y, P* mean_out, P* invstd_out) {
  using C = typename Acc<T>::type;
  const int64_t n = l.PerChannel(), inner = l.inner;
  ParallelFor(l.channels, ChannelGrain(l), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      double mean, invstd;
      if (o.training) {
        double sum = 0, squares = 0;
        l.ForRuns(c, [&](int64_t at) {
          for (int64_t i = 0; i < inner; ++i) sum += static_cast<double>(x[at + i]);
        });
        mean = sum / static_cast<double>(n);
        l.ForRuns(c, [&](int64_t at) {
          for (int64_t i = 0; i < inner; ++i) {
            const double d = static_cast<double>(x[at + i]) - mean;
            squares += d * d;
          }
        });
        const double var = squares / static_cast<double>(n);
        invstd = InvStd(var, o.eps);
        moving_mean[c] = static_cast<P>(static_cast<double>(moving_mean[c]) * o.momentum + mean * (1 - o.momentum));
        moving_var[c] = static_cast<P>(static_cast<double>(moving_var[c]) * o.momentum + var * (1 - o.momentum));
      } else {
        mean = static_cast<double>(moving_mean[c]);
        invstd = InvStd(static_cast<double>(moving_var[c]), o.eps);
      }
      const double w = o.fix_gamma ? 1.0 : static_cast<double>(gamma[c]);
      const C scale = static_cast<C>(invstd * w);
      const C shift = static_cast<C>(static_cast<double>(beta[c]) - mean * invstd * w);
      l.ForRuns(c, [&](int64_t at) {
        for (int64_t i = 0; i < inner; ++i) y[at + i] = static_cast<T>(static_cast<C>(x[at + i]) * scale + shift);
      });
      if (mean_out) mean_out[c] = static_cast<P>(mean);
      if (invstd_out) invstd_out[c] = static_cast<P>(invstd);
    }
  });
}

// Training: dx = (dy - mean(dy) - (x - mean) * dot((x - mean), dy) * invstd^2 / n) * invstd * gamma;
// otherwise the statistics are constants: dx = dy * invstd * gamma.
template <typename T, typename P>
void Backward(const NormLayout& l, const NormOptions& o, const T* dy, const T* x, const P* gamma, const P* mean_in,
              const P* invstd_in, T* dx, P* dgamma, P* dbeta) {
  const int64_t n = l.PerChannel(), inner = l.inner;
  ParallelFor(l.channels, ChannelGrain(l), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const double mean = static_cast<double>(mean_in[c]), invstd = static_cast<double>(invstd_in[c]);
      double sum_dy = 0, dot = 0;
      l.ForRuns(c, [&](int64_t at) {
        for (int64_t i = 0; i < inner; ++i) {
          const double g = static_cast<double>(dy[at + i]);
          sum_dy += g;
          dot += (static_cast<double>(x[at + i]) - mean) * g;
        }
      });
      const double w = o.fix_gamma ? 1.0 : static_cast<double>(gamma[c]);
      if (dx) {
        const double k = o.training ? dot * invstd * invstd / static_cast<double>(n) : 0;
        const double mean_dy = o.training ? sum_dy / static_cast<double>(n) : 0;
        const double iw = invstd * w;
        l.ForRuns(c, [&](int64_t at) {
          for (int64_t i = 0; i < inner; ++i)
            dx[at + i] = static_cast<T>(
                (static_cast<double>(dy[at + i]) - mean_dy - (static_cast<double>(x[at + i]) - mean) * k) * iw);
        });
      }
      if (dgamma) dgamma[c] = static_cast<P>(o.fix_gamma ? 0.0 : dot * invstd);
      if (dbeta) dbeta[c] = static_cast<P>(sum_dy);
    }
  });
}

template <typename F>
bool DispatchNorm(int dtype, F&& f) {
  if (dtype == kF32) return f(float{}, float{}), true;
  if (dtype == kF64) return f(double{}, double{}), true;
  if (dtype == kF16) return f(half{}, float{}), true;
  return false;
}

template <typename P>
P* Output(const MXKernelCall* call, int k) {
  return call->req[k] == MX_REQ_NULL ? nullptr : Data<P>(call->outputs[k]);
}

int BatchNormForward(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("BatchNorm does not support req=add");
  const DLTensor* in = call->inputs;
  const NormLayout l = LayoutOf(call, in[0]);
  const NormOptions o = OptionsOf(call);
  const bool ok = DispatchNorm(MXDType(in[0].dtype), [&](auto data_zero, auto param_zero) {
    using T = decltype(data_zero);
    using P = decltype(param_zero);
    Forward<T, P>(l, o, Data<T>(in[0]), Data<P>(in[1]), Data<P>(in[2]), Data<P>(in[3]), Data<P>(in[4]),
                  Data<T>(call->outputs[0]), Output<P>(call, 1), Output<P>(call, 2));
  });
  return ok ? 0 : Fail("BatchNorm: unsupported dtype");
}

// inputs: out_grad, data, gamma, mean, invstd; outputs: data, gamma, beta gradients.
int BatchNormBackward(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return Fail("_backward_BatchNorm does not support req=add");
  const DLTensor* in = call->inputs;
  const NormLayout l = LayoutOf(call, in[1]);
  const NormOptions o = OptionsOf(call);
  const bool ok = DispatchNorm(MXDType(in[1].dtype), [&](auto data_zero, auto param_zero) {
    using T = decltype(data_zero);
    using P = decltype(param_zero);
    Backward<T, P>(l, o, Data<T>(in[0]), Data<T>(in[1]), Data<P>(in[2]), Data<P>(in[3]), Data<P>(in[4]),
                   Output<T>(call, 0), Output<P>(call, 1), Output<P>(call, 2));
  });
  return ok ? 0 : Fail("_backward_BatchNorm: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(batch_norm) {
  if (int rc = RegisterKernel("BatchNorm", BatchNormForward, nullptr, kFloats)) return rc;
  return RegisterKernel("_backward_BatchNorm", BatchNormBackward, nullptr, kFloats);
}

}  // namespace mx_cpu
