// GroupNorm and InstanceNorm kernels and their gradients (ops/nn/group_norm.cc).
// Data of shape (N, C, ...) is N * G contiguous slices of L = C / G * spatial
// elements, slice s in group s % G, with gamma and beta of shape (G,) and the
// statistics one per slice; they accumulate in double.  kernel_data says
// which second statistic the op keeps: GroupNorm's std = sqrt(var + eps) or
// InstanceNorm's var.
#include <cmath>
#include <vector>

#include "float_dispatch.h"

namespace mx_cpu {

namespace {

enum class Stat { kStd, kVar };
const Stat kStd = Stat::kStd, kVar = Stat::kVar;  // kernel_data

struct Slices {
  int64_t count = 0, groups = 1, len = 0;
};

// gamma: the (G,) parameter.
Slices SlicesOf(const DLTensor& data, const DLTensor& gamma) {
  Slices s;
  s.groups = gamma.shape[0];
  s.count = data.shape[0] * s.groups;
  s.len = s.count ? NumElements(data) / s.count : 0;
  return s;
}

int64_t SliceGrain(const Slices& s) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(s.len, 1)); }

double InvStd(Stat kind, double stat, double eps) { return kind == Stat::kStd ? 1 / stat : 1 / std::sqrt(stat + eps); }

template <typename T>
void Forward(const Slices& sl, Stat kind, double eps, const T* x, const T* gamma, const T* beta, T* y, T* mean_out,
             T* stat_out) {
  using C = typename Acc<T>::type;
  const int64_t len = sl.len;
  ParallelFor(sl.count, SliceGrain(sl), [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      const T* xs = x + s * len;
      T* ys = y + s * len;
      double sum = 0, squares = 0;
      for (int64_t j = 0; j < len; ++j) sum += static_cast<double>(xs[j]);
      const double mean = sum / static_cast<double>(len);
      for (int64_t j = 0; j < len; ++j) {
        const double d = static_cast<double>(xs[j]) - mean;
        squares += d * d;
      }
      const double var = squares / static_cast<double>(len), std = std::sqrt(var + eps);
      const int64_t g = s % sl.groups;
      const C m = static_cast<C>(mean), scale = static_cast<C>(static_cast<double>(gamma[g]) / std);
      const C shift = static_cast<C>(beta[g]);
      for (int64_t j = 0; j < len; ++j) ys[j] = static_cast<T>((static_cast<C>(xs[j]) - m) * scale + shift);
      mean_out[s] = static_cast<T>(mean);
      stat_out[s] = static_cast<T>(kind == Stat::kStd ? std : var);
    }
  });
}

// Per slice, with xhat = (x - mean) / std and gamma constant over it:
// dx = gamma / std * (dy - mean(dy) - xhat * mean(dy * xhat)); the slice's
// sums of dy * xhat and dy go to its group's gamma and beta gradients.
template <typename T>
void Backward(const Slices& sl, Stat kind, double eps, const T* dy, const T* x, const T* gamma, const T* mean,
              const T* stat, T* dx, T* dgamma, T* dbeta) {
  const int64_t len = sl.len;
  std::vector<double> sum_dy(sl.count), sum_dy_xhat(sl.count);
  ParallelFor(sl.count, SliceGrain(sl), [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      const T* dys = dy + s * len;
      const T* xs = x + s * len;
      const double m = static_cast<double>(mean[s]), inv = InvStd(kind, static_cast<double>(stat[s]), eps);
      double a = 0, b = 0;
      for (int64_t j = 0; j < len; ++j) {
        const double g = static_cast<double>(dys[j]);
        a += g;
        b += g * (static_cast<double>(xs[j]) - m) * inv;
      }
      sum_dy[s] = a;
      sum_dy_xhat[s] = b;
      if (!dx) continue;
      const double mean_dy = a / static_cast<double>(len), mean_dy_xhat = b / static_cast<double>(len);
      const double scale = static_cast<double>(gamma[s % sl.groups]) * inv;
      T* dxs = dx + s * len;
      for (int64_t j = 0; j < len; ++j) {
        const double xhat = (static_cast<double>(xs[j]) - m) * inv;
        dxs[j] = static_cast<T>(scale * (static_cast<double>(dys[j]) - mean_dy - xhat * mean_dy_xhat));
      }
    }
  });
  for (int64_t g = 0; g < sl.groups; ++g) {
    double to_gamma = 0, to_beta = 0;
    for (int64_t s = g; s < sl.count; s += sl.groups) {
      to_gamma += sum_dy_xhat[s];
      to_beta += sum_dy[s];
    }
    if (dgamma) dgamma[g] = static_cast<T>(to_gamma);
    if (dbeta) dbeta[g] = static_cast<T>(to_beta);
  }
}

bool AddsTo(const MXKernelCall* call) {
  for (int k = 0; k < call->num_outputs; ++k)
    if (call->req[k] == MX_REQ_ADD) return true;
  return false;
}

double Eps(const MXKernelCall* call) { return mx_attr_find(call->attrs, call->num_attrs, "eps")->f; }

// inputs: data, gamma, beta; outputs: output, mean, std or var.
int NormForward(const MXKernelCall* call) {
  if (AddsTo(call)) return Fail("GroupNorm / InstanceNorm do not support req=add");
  const DLTensor* in = call->inputs;
  const DLTensor* out = call->outputs;
  const Slices sl = SlicesOf(in[0], in[1]);
  const Stat kind = *static_cast<const Stat*>(call->kernel_data);
  const bool ok = DispatchFloat(MXDType(in[0].dtype), [&](auto zero) {
    using T = decltype(zero);
    Forward(sl, kind, Eps(call), Data<T>(in[0]), Data<T>(in[1]), Data<T>(in[2]), Data<T>(out[0]), Data<T>(out[1]),
            Data<T>(out[2]));
  });
  return ok ? 0 : Fail("GroupNorm / InstanceNorm: unsupported dtype");
}

// inputs: out_grad, data, gamma, mean, std or var; outputs: data, gamma, beta gradients.
int NormBackward(const MXKernelCall* call) {
  if (AddsTo(call)) return Fail("_backward_GroupNorm / _backward_InstanceNorm do not support req=add");
  const DLTensor* in = call->inputs;
  const Slices sl = SlicesOf(in[1], in[2]);
  const Stat kind = *static_cast<const Stat*>(call->kernel_data);
  const bool ok = DispatchFloat(MXDType(in[1].dtype), [&](auto zero) {
    using T = decltype(zero);
    const auto output = [&](int k) { return call->req[k] == MX_REQ_NULL ? nullptr : Data<T>(call->outputs[k]); };
    Backward(sl, kind, Eps(call), Data<T>(in[0]), Data<T>(in[1]), Data<T>(in[2]), Data<T>(in[3]), Data<T>(in[4]),
             output(0), output(1), output(2));
  });
  return ok ? 0 : Fail("_backward_GroupNorm / _backward_InstanceNorm: unsupported dtype");
}

}  // namespace

MX_CPU_KERNELS(group_norm) {
  void* std_stat = const_cast<Stat*>(&kStd);
  void* var_stat = const_cast<Stat*>(&kVar);
  if (int rc = RegisterKernel("GroupNorm", NormForward, std_stat, kFloats)) return rc;
  if (int rc = RegisterKernel("_backward_GroupNorm", NormBackward, std_stat, kFloats)) return rc;
  if (int rc = RegisterKernel("InstanceNorm", NormForward, var_stat, kFloats)) return rc;
  return RegisterKernel("_backward_InstanceNorm", NormBackward, var_stat, kFloats);
}

}  // namespace mx_cpu
