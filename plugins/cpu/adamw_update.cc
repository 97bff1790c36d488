// Kernels of MXNet's AdamW ops (ops/optimizer/adamw.cc): one pass per
// weight that updates mean and var in place and writes the new weight.
// Arithmetic runs in the weight's type (float for float16), the mp_ forms
// in float32 on the master copy weight32.  rescale_grad is read from its
// array (rounded to float, as MXNet reads it); 0, inf or NaN skips the
// update: the output gets the weight and no state changes.
#include <cmath>
#include <cstring>

#include "optimizer_kernel.h"

namespace mx_cpu {

namespace {

using namespace optimizer;  // the helpers every update kernel shares

// What one weight's update takes.
struct AdamWParams {
  float lr, wd, eta, rescale_grad;
  float beta1, beta2, epsilon, clip_gradient;
};

// The first value of input k (any float dtype), as float; false for
// another dtype.
bool ReadScale(const MXKernelCall* call, int k, float* scale) {
  return DispatchFloat(MXDType(call->inputs[k].dtype),
                       [&](auto zero) { *scale = static_cast<float>(Tensor<decltype(zero)>(call, k)[0]); });
}

// Output `output` = the weight at input `first`, unchanged.
int KeepWeight(const MXKernelCall* call, int first, int output) {
  const DLTensor& weight = call->inputs[first];
  void* out = Data<char>(call->outputs[output]);
  if (call->req[output] == MX_REQ_ADD) return Fail("optimizer updates do not support req=add");
  if (call->req[output] != MX_REQ_NULL && out != Data<char>(weight))
    std::memcpy(out, Data<char>(weight), static_cast<size_t>(NumElements(weight)) * ((weight.dtype.bits + 7) / 8));
  return 0;
}

// The weight group at input `first`: weight, grad, mean, var, then
// weight32 when kMixed; the new weight goes to output `output`.
template <bool kMixed>
int UpdateAdamW(const MXKernelCall* call, const AdamWParams& p, int first, int output) {
  const int32_t req = call->req[output];
  return ForEachElement(call, "adamw_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = std::conditional_t<kMixed, float, typename Acc<T>::type>;
    using S = std::conditional_t<kMixed, float, T>;  // the states' type
    const T* weight = Tensor<T>(call, first);
    const T* grad = Tensor<T>(call, first + 1);
    S* mean = Tensor<S>(call, first + 2);
    S* var = Tensor<S>(call, first + 3);
    float* weight32 = kMixed ? Tensor<float>(call, first + 4) : nullptr;
    T* out = Data<T>(call->outputs[output]);
    return [=](int64_t i) {
      const A w = kMixed ? A(weight32[i]) : A(weight[i]);
      const A g = Clip(A(p.rescale_grad) * A(grad[i]), p.clip_gradient);
      const A m = A(p.beta1) * A(mean[i]) + (A(1) - A(p.beta1)) * g;
      const A v = A(p.beta2) * A(var[i]) + (A(1) - A(p.beta2)) * g * g;
      mean[i] = S(m);
      var[i] = S(v);
      const A next = w - A(p.eta) * (A(p.lr) * m / (std::sqrt(v) + A(p.epsilon)) + A(p.wd) * w);
      if (kMixed) weight32[i] = float(next);
      Store(out + i, next, req);
    };
  }, first, output);
}

// _adamw_update, _mp_adamw_update and (kMulti) their _multi_ forms, whose
// weight i's group starts at input i * stride and takes lrs[i], wds[i] and
// etas[i]; rescale_grad is the last input.
template <bool kMixed, bool kMulti>
int AdamW(const MXKernelCall* call) {
  const int stride = kMixed ? 5 : 4;
  AdamWParams p{};
  if (!ReadScale(call, call->num_inputs - 1, &p.rescale_grad))
    return Fail("adamw_update: rescale_grad must be float16, float32 or float64");
  const bool skip = !std::isfinite(p.rescale_grad) || p.rescale_grad == 0.f;
  p.beta1 = Param(call, "beta1");
  p.beta2 = Param(call, "beta2");
  p.epsilon = Param(call, "epsilon");
  p.clip_gradient = Param(call, "clip_gradient");
  const int num_weights = kMulti ? static_cast<int>(mx_attr_find(call->attrs, call->num_attrs, "num_weights")->i) : 1;
  for (int i = 0; i < num_weights; ++i) {
    if (kMulti) {  // MXNet keeps them as float
      auto nth = [&](const char* name) {
        return static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, name)->floats[i]);
      };
      p.lr = nth("lrs");
      p.wd = nth("wds");
      p.eta = nth("etas");
    } else {
      p.lr = Param(call, "lr");
      p.wd = Param(call, "wd");
      p.eta = Param(call, "eta");
    }
    const int status = skip ? KeepWeight(call, i * stride, i) : UpdateAdamW<kMixed>(call, p, i * stride, i);
    if (status != 0) return status;
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(adamw_update) {
  const struct {
    const char* op;
    MXKernelFn fn;
  } kernels[] = {
      {"_adamw_update", AdamW<false, false>},
      {"_mp_adamw_update", AdamW<true, false>},
      {"_multi_adamw_update", AdamW<false, true>},
      {"_multi_mp_adamw_update", AdamW<true, true>},
  };
  for (const auto& k : kernels)
    if (RegisterKernel(k.op, k.fn, nullptr, kFloats) != 0) return -1;
  return 0;
}

}  // namespace mx_cpu
