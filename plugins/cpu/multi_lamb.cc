// Kernels of MXNet's multi-tensor LAMB ops (ops/optimizer/multi_lamb.cc).
// Per tensor, three passes: update mean and var in place; sum the squares
// of the weight and of the direction d (in double, in element order, so
// the norms do not depend on threads); step the weight by the trust ratio.
// d is recomputed from the stored mean and var in the last pass instead of
// being kept in a workspace (MXNet keeps it as float32).
#include <algorithm>
#include <cmath>

#include "optimizer_kernel.h"

namespace mx_cpu {

namespace {

using namespace optimizer;  // the helpers every update kernel shares

struct LambParams {
  float beta1, beta2, epsilon, rescale_grad, clip_gradient, lower_bound, upper_bound;
  bool bias_correction;
};

// Tensor i's group at input `first`: weight, grad, mean, var, then
// weight32 when kMixed.
template <bool kMixed>
int UpdateLamb(const MXKernelCall* call, const LambParams& p, float lr, float wd, int64_t step, int first,
               int output) {
  if (call->req[output] == MX_REQ_ADD) return Fail("optimizer updates do not support req=add");
  const int32_t req = call->req[output];
  const int64_t n = NumElements(call->inputs[first]);
  const bool ok = DispatchFloat(MXDType(call->inputs[first].dtype), [&](auto zero) {
    using T = decltype(zero);
    using A = std::conditional_t<kMixed, float, typename Acc<T>::type>;
    using S = std::conditional_t<kMixed, float, T>;  // the states' type
    const T* weight = Tensor<T>(call, first);
    const T* grad = Tensor<T>(call, first + 1);
    S* mean = Tensor<S>(call, first + 2);
    S* var = Tensor<S>(call, first + 3);
    float* weight32 = kMixed ? Tensor<float>(call, first + 4) : nullptr;
    T* out = Data<T>(call->outputs[output]);
    // 1 - beta^step, 1 when there is no bias correction
    const A bias1 = p.bias_correction ? A(1 - std::pow(double(p.beta1), double(step))) : A(1);
    const A bias2 = p.bias_correction ? A(1 - std::pow(double(p.beta2), double(step))) : A(1);
    auto master = [=](int64_t i) { return kMixed ? A(weight32[i]) : A(weight[i]); };
    auto direction = [=](int64_t i) {
      return (A(mean[i]) / bias1) / (std::sqrt(A(var[i]) / bias2) + A(p.epsilon)) + A(wd) * master(i);
    };
    ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const A g = Clip(A(p.rescale_grad) * A(grad[i]), p.clip_gradient);
        mean[i] = S(A(p.beta1) * A(mean[i]) + (A(1) - A(p.beta1)) * g);
        var[i] = S(A(p.beta2) * A(var[i]) + (A(1) - A(p.beta2)) * g * g);
      }
    });
    // ||weight|| of the weight as given, also in mixed precision (MXNet's)
    double weight_sq = 0, direction_sq = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double w = double(weight[i]), d = double(direction(i));
      weight_sq += w * w;
      direction_sq += d * d;
    }
    A r1 = A(std::sqrt(weight_sq));
    const A r2 = A(std::sqrt(direction_sq));
    if (p.lower_bound >= 0) r1 = std::max(r1, A(p.lower_bound));
    if (p.upper_bound >= 0) r1 = std::min(r1, A(p.upper_bound));
    const A step_size = r1 == A(0) || r2 == A(0) ? A(lr) : A(lr) * (r1 / r2);
    ParallelFor(n, kGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const A next = master(i) - step_size * direction(i);
        if (kMixed) weight32[i] = float(next);
        Store(out + i, next, req);
      }
    });
  });
  return ok ? 0 : Fail("multi_lamb_update: weight must be float16, float32 or float64");
}

template <bool kMixed>
int MultiLamb(const MXKernelCall* call) {
  const int stride = kMixed ? 5 : 4;
  auto attr = [call](const char* name) { return mx_attr_find(call->attrs, call->num_attrs, name); };
  const LambParams p{Param(call, "beta1"),         Param(call, "beta2"),       Param(call, "epsilon"),
                     Param(call, "rescale_grad"),  Param(call, "clip_gradient"), Param(call, "lower_bound"),
                     Param(call, "upper_bound"),   attr("bias_correction")->i != 0};
  for (int i = 0, n = static_cast<int>(attr("num_tensors")->i); i < n; ++i) {
    // MXNet keeps learning rates and weight decays as float
    const int status = UpdateLamb<kMixed>(call, p, static_cast<float>(attr("learning_rates")->floats[i]),
                                          static_cast<float>(attr("wds")->floats[i]), attr("step_count")->ints[i],
                                          i * stride, i);
    if (status != 0) return status;
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(multi_lamb) {
  if (RegisterKernel("_multi_lamb_update", MultiLamb<false>, nullptr, kFloats) != 0) return -1;
  return RegisterKernel("_multi_mp_lamb_update", MultiLamb<true>, nullptr, kFloats);
}

}  // namespace mx_cpu
