// Kernels of MXNet's optimizer update ops (ops/optimizer): one pass over
// the elements that updates the states in place and writes the new weight
// (multi_* ops: one pass per weight).
// Arithmetic runs in the weight's type (float for float16), mp_* ops in
// float32 on the master copy weight32.  Float parameters are rounded to
// float32 first: MXNet stores them as float, so float64 weights see the
// same lr as MXNet's.
#include <algorithm>
#include <cmath>

#include "optimizer_kernel.h"

namespace mx_cpu {

namespace {

using namespace optimizer;  // the helpers every update kernel shares

// Reads what every SGD-like op takes; multi_* ops give each weight's lr
// and wd and the index of its output.
struct SGDParams {
  explicit SGDParams(const MXKernelCall* call) : SGDParams(call, Param(call, "lr"), Param(call, "wd"), 0) {}
  SGDParams(const MXKernelCall* call, float lr, float wd, int output)
      : lr(lr), wd(wd), rescale_grad(Param(call, "rescale_grad")), clip_gradient(Param(call, "clip_gradient")),
        req(call->req[output]) {}
  template <typename A>
  A Grad(A grad) const { return Clip(A(rescale_grad) * grad, clip_gradient); }
  float lr, wd, rescale_grad, clip_gradient;
  int32_t req;
};

// One weight's sgd_update / sgd_mom_update and their mp_ forms: weight,
// grad, then mom (kMomentum, float32 when mixed) and weight32 (kMixed)
// from input `first`; the new weight goes to output `output`.
template <bool kMomentum, bool kMixed>
int UpdateSGD(const MXKernelCall* call, const SGDParams& p, float momentum, int first, int output) {
  const char* dtype_error = "sgd_update: weight must be float16, float32 or float64";
  return ForEachElement(call, dtype_error, [&](auto zero) {
    using T = decltype(zero);
    using A = std::conditional_t<kMixed, float, typename Acc<T>::type>;
    using S = std::conditional_t<kMixed, float, T>;  // the states' type
    const T* weight = Tensor<T>(call, first);
    const T* grad = Tensor<T>(call, first + 1);
    S* mom = kMomentum ? Tensor<S>(call, first + 2) : nullptr;
    float* weight32 = kMixed ? Tensor<float>(call, first + 2 + kMomentum) : nullptr;
    T* out = Data<T>(call->outputs[output]);
    return [=](int64_t i) {
      const A w = kMixed ? A(weight32[i]) : A(weight[i]);
      A next;
      if (kMomentum) {
        const A m = A(momentum) * A(mom[i]) - A(p.lr) * A(p.wd) * w - A(p.lr) * p.Grad(A(grad[i]));
        mom[i] = S(m);
        next = w + m;
      } else {
        next = (A(1) - A(p.lr) * A(p.wd)) * w - A(p.lr) * p.Grad(A(grad[i]));
      }
      if (kMixed) weight32[i] = float(next);
      Store(out + i, next, p.req);
    };
  }, first, output);
}

template <bool kMomentum, bool kMixed>
int SGD(const MXKernelCall* call) {
  return UpdateSGD<kMomentum, kMixed>(call, SGDParams(call), kMomentum ? Param(call, "momentum") : 0.f, 0, 0);
}

// multi_*sgd*_update: weight i's inputs start at i * stride; lrs and wds
// are parameters, or (kPreloaded) float32 arrays after the weights' inputs.
template <bool kMomentum, bool kMixed, bool kPreloaded>
int MultiSGD(const MXKernelCall* call) {
  const int stride = 2 + kMomentum + kMixed;
  const int num_weights = static_cast<int>(mx_attr_find(call->attrs, call->num_attrs, "num_weights")->i);
  const float momentum = kMomentum ? Param(call, "momentum") : 0.f;
  for (int i = 0; i < num_weights; ++i) {
    float lr, wd;
    if (kPreloaded) {
      lr = Tensor<float>(call, num_weights * stride)[i];
      wd = Tensor<float>(call, num_weights * stride + 1)[i];
    } else {  // MXNet keeps them as float
      lr = static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, "lrs")->floats[i]);
      wd = static_cast<float>(mx_attr_find(call->attrs, call->num_attrs, "wds")->floats[i]);
    }
    if (UpdateSGD<kMomentum, kMixed>(call, SGDParams(call, lr, wd, i), momentum, i * stride, i) != 0) return -1;
  }
  return 0;
}

// nag_mom_update and mp_nag_mom_update.  mom's weight-decay term uses the
// new weight, as MXNet's kernels do (mp always; the plain one with
// out=weight, the way its optimizer calls it).
template <bool kMixed>
int NAGMomentum(const MXKernelCall* call) {
  const SGDParams p(call);
  const float momentum = Param(call, "momentum");
  return ForEachElement(call, "nag_mom_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = std::conditional_t<kMixed, float, typename Acc<T>::type>;
    using S = std::conditional_t<kMixed, float, T>;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    S* mom = Tensor<S>(call, 2);
    float* weight32 = kMixed ? Tensor<float>(call, 3) : nullptr;
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A w = kMixed ? A(weight32[i]) : A(weight[i]);
      const A g = p.Grad(A(grad[i]));
      const A m = A(momentum) * A(mom[i]);
      const A next = w - m + (A(momentum) + 1) * (m - A(p.lr) * (g + A(p.wd) * w));
      mom[i] = S(m - A(p.lr) * (g + A(p.wd) * next));
      if (kMixed) weight32[i] = float(next);
      Store(out + i, next, p.req);
    };
  });
}

int SignSGD(const MXKernelCall* call) {
  const SGDParams p(call);  // rescale_grad and clip_gradient keep the sign: unused
  return ForEachElement(call, "signsgd_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      Store(out + i, (A(1) - A(p.lr) * A(p.wd)) * A(weight[i]) - A(p.lr) * Sign(A(grad[i])), p.req);
    };
  });
}

int Signum(const MXKernelCall* call) {
  const SGDParams p(call);
  const float momentum = Param(call, "momentum"), wd_lh = Param(call, "wd_lh");
  return ForEachElement(call, "signum_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* mom = Tensor<T>(call, 2);
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A w = A(weight[i]);
      const A m = A(momentum) * A(mom[i]) - (A(1) - A(momentum)) * (A(p.wd) * w + p.Grad(A(grad[i])));
      mom[i] = T(m);
      Store(out + i, (A(1) - A(p.lr) * A(wd_lh)) * w + A(p.lr) * Sign(A(T(m))), p.req);
    };
  });
}

int Adam(const MXKernelCall* call) {
  const SGDParams p(call);
  const float beta1 = Param(call, "beta1"), beta2 = Param(call, "beta2"), epsilon = Param(call, "epsilon");
  return ForEachElement(call, "adam_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* mean = Tensor<T>(call, 2);
    T* var = Tensor<T>(call, 3);
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A w = A(weight[i]);
      const A g = Clip(A(p.rescale_grad) * A(grad[i]) + A(p.wd) * w, p.clip_gradient);
      const A m = A(beta1) * A(mean[i]) + (A(1) - A(beta1)) * g;
      const A v = A(beta2) * A(var[i]) + (A(1) - A(beta2)) * g * g;
      mean[i] = T(m);
      var[i] = T(v);
      Store(out + i, w - A(p.lr) * m / (std::sqrt(v) + A(epsilon)), p.req);
    };
  });
}

// rmsprop_update and rmspropalex_update clip the new weight; clip_weights < 0: no clipping.
int RMSProp(const MXKernelCall* call) {
  const SGDParams p(call);
  const float gamma1 = Param(call, "gamma1"), epsilon = Param(call, "epsilon");
  const float clip_weights = Param(call, "clip_weights");
  return ForEachElement(call, "rmsprop_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* n = Tensor<T>(call, 2);
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A w = A(weight[i]);
      const A g = Clip(A(p.rescale_grad) * A(grad[i]) + A(p.wd) * w, p.clip_gradient);
      const A n_next = (A(1) - A(gamma1)) * g * g + A(gamma1) * A(n[i]);
      n[i] = T(n_next);
      Store(out + i, Clip(w - A(p.lr) * g / std::sqrt(n_next + A(epsilon)), clip_weights), p.req);
    };
  });
}

int RMSPropAlex(const MXKernelCall* call) {
  const SGDParams p(call);
  const float gamma1 = Param(call, "gamma1"), gamma2 = Param(call, "gamma2"), epsilon = Param(call, "epsilon");
  const float clip_weights = Param(call, "clip_weights");
  return ForEachElement(call, "rmspropalex_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* n = Tensor<T>(call, 2);
    T* g_avg = Tensor<T>(call, 3);
    T* delta = Tensor<T>(call, 4);
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A w = A(weight[i]);
      const A g = Clip(A(p.rescale_grad) * A(grad[i]) + A(p.wd) * w, p.clip_gradient);
      const A n_next = (A(1) - A(gamma1)) * g * g + A(gamma1) * A(n[i]);
      const A g_next = (A(1) - A(gamma1)) * g + A(gamma1) * A(g_avg[i]);
      const A d = A(gamma2) * A(delta[i]) - A(p.lr) * g / std::sqrt(n_next - g_next * g_next + A(epsilon));
      n[i] = T(n_next);
      g_avg[i] = T(g_next);
      delta[i] = T(d);
      Store(out + i, Clip(w + d, clip_weights), p.req);
    };
  });
}

int Ftrl(const MXKernelCall* call) {
  const SGDParams p(call);
  const float lamda1 = Param(call, "lamda1"), beta = Param(call, "beta");
  return ForEachElement(call, "ftrl_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* z = Tensor<T>(call, 2);
    T* n = Tensor<T>(call, 3);
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A g = p.Grad(A(grad[i]));
      const A n_old = A(n[i]);
      const A z_next = A(z[i]) + g - (std::sqrt(n_old + g * g) - std::sqrt(n_old)) * A(weight[i]) / A(p.lr);
      const A n_next = n_old + g * g;
      z[i] = T(z_next);
      n[i] = T(n_next);
      const A w = std::abs(z_next) > A(lamda1)
                      ? (Sign(z_next) * A(lamda1) - z_next) / ((A(beta) + std::sqrt(n_next)) / A(p.lr) + A(p.wd))
                      : A(0);
      Store(out + i, w, p.req);
    };
  });
}

int Ftml(const MXKernelCall* call) {
  const float lr = Param(call, "lr"), beta1 = Param(call, "beta1"), beta2 = Param(call, "beta2");
  const float wd = Param(call, "wd"), rescale_grad = Param(call, "rescale_grad"), clip = Param(call, "clip_grad");
  const double epsilon = mx_attr_find(call->attrs, call->num_attrs, "epsilon")->f;
  const double t = static_cast<double>(mx_attr_find(call->attrs, call->num_attrs, "t")->i);
  const int32_t req = call->req[0];
  return ForEachElement(call, "ftml_update: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = typename Acc<T>::type;
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    T* d = Tensor<T>(call, 2);
    T* v = Tensor<T>(call, 3);
    T* z = Tensor<T>(call, 4);
    T* out = Data<T>(call->outputs[0]);
    const A bias1 = A(1) - std::pow(A(beta1), A(t)), bias2 = A(1) - std::pow(A(beta2), A(t));
    return [=](int64_t i) {
      const A w = A(weight[i]);
      const A g = Clip(A(rescale_grad) * A(grad[i]) + A(wd) * w, clip);
      const A v_next = A(beta2) * A(v[i]) + (A(1) - A(beta2)) * g * g;
      const A d_next = bias1 / A(lr) * (std::sqrt(v_next / bias2) + A(epsilon));
      const A z_next = A(beta1) * A(z[i]) + (A(1) - A(beta1)) * g - (d_next - A(beta1) * A(d[i])) * w;
      v[i] = T(v_next);
      d[i] = T(d_next);
      z[i] = T(z_next);
      Store(out + i, -z_next / d_next, req);
    };
  });
}

// lamb_update_phase1 and mp_lamb_update_phase1 (mean, var and the output
// float32, weight32 at input 4 when mixed): the update direction g.
template <bool kMixed>
int LambPhase1(const MXKernelCall* call) {
  const float beta1 = Param(call, "beta1"), beta2 = Param(call, "beta2"), epsilon = Param(call, "epsilon");
  const float wd = Param(call, "wd"), rescale_grad = Param(call, "rescale_grad");
  const float clip_gradient = Param(call, "clip_gradient");
  const int64_t t = mx_attr_find(call->attrs, call->num_attrs, "t")->i;
  const bool bias_correction = mx_attr_find(call->attrs, call->num_attrs, "bias_correction")->i != 0;
  const int32_t req = call->req[0];
  return ForEachElement(call, "lamb_update_phase1: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = std::conditional_t<kMixed, float, typename Acc<T>::type>;
    using S = std::conditional_t<kMixed, float, T>;  // the states' and the output's type
    const T* weight = Tensor<T>(call, 0);
    const T* grad = Tensor<T>(call, 1);
    S* mean = Tensor<S>(call, 2);
    S* var = Tensor<S>(call, 3);
    const float* weight32 = kMixed ? Tensor<float>(call, 4) : nullptr;
    S* out = Data<S>(call->outputs[0]);
    // 1 - beta^t, 1 when there is no bias correction
    const A bias1 = bias_correction ? A(1 - std::pow(double(beta1), double(t))) : A(1);
    const A bias2 = bias_correction ? A(1 - std::pow(double(beta2), double(t))) : A(1);
    return [=](int64_t i) {
      const A g = Clip(A(rescale_grad) * A(grad[i]), clip_gradient);
      const A m = A(beta1) * A(mean[i]) + (A(1) - A(beta1)) * g;
      const A v = A(beta2) * A(var[i]) + (A(1) - A(beta2)) * g * g;
      mean[i] = S(m);
      var[i] = S(v);
      const A w = kMixed ? A(weight32[i]) : A(weight[i]);
      Store(out + i, (m / bias1) / (std::sqrt(v / bias2) + A(epsilon)) + A(wd) * w, req);
    };
  });
}

// lamb_update_phase2 and mp_lamb_update_phase2 (g, r1, r2 float32 and the
// step from weight32 at input 4 when mixed).
template <bool kMixed>
int LambPhase2(const MXKernelCall* call) {
  const float lr = Param(call, "lr"), lower_bound = Param(call, "lower_bound");
  const float upper_bound = Param(call, "upper_bound");
  const int32_t req = call->req[0];
  return ForEachElement(call, "lamb_update_phase2: weight must be float16, float32 or float64", [&](auto zero) {
    using T = decltype(zero);
    using A = std::conditional_t<kMixed, float, typename Acc<T>::type>;
    using S = std::conditional_t<kMixed, float, T>;
    const T* weight = Tensor<T>(call, 0);
    const S* g = Tensor<S>(call, 1);
    const float* weight32 = kMixed ? Tensor<float>(call, 4) : nullptr;
    A r1 = A(Tensor<S>(call, 2)[0]);
    const A r2 = A(Tensor<S>(call, 3)[0]);
    if (lower_bound >= 0) r1 = std::max(r1, A(lower_bound));
    if (upper_bound >= 0) r1 = std::min(r1, A(upper_bound));
    const A step = r1 == A(0) || r2 == A(0) ? A(lr) : A(lr) * r1 / r2;
    T* out = Data<T>(call->outputs[0]);
    return [=](int64_t i) {
      const A w = kMixed ? A(weight32[i]) : A(weight[i]);
      Store(out + i, w - step * A(g[i]), req);
    };
  });
}

int MultiLars(const MXKernelCall* call) {
  if (call->req[0] == MX_REQ_ADD) return Fail("multi_lars: req=add is not supported");
  const float eta = Param(call, "eta"), eps = Param(call, "eps"), rescale_grad = Param(call, "rescale_grad");
  const float* lrs = Tensor<float>(call, 0);
  const float* weights_sum_sq = Tensor<float>(call, 1);
  const float* grads_sum_sq = Tensor<float>(call, 2);
  const float* wds = Tensor<float>(call, 3);
  float* out = Data<float>(call->outputs[0]);
  for (int64_t i = 0, n = NumElements(call->inputs[0]); i < n; ++i) {
    const float w_norm = std::sqrt(weights_sum_sq[i]);
    const bool valid = w_norm > 0 && grads_sum_sq[i] > 0;
    Store(out + i, valid ? lrs[i] * eta * w_norm / (std::sqrt(grads_sum_sq[i]) * rescale_grad + wds[i] * w_norm + eps)
                         : lrs[i], call->req[0]);
  }
  return 0;
}

}  // namespace

MX_CPU_KERNELS(optimizer_update) {
  const struct {
    const char* op;
    MXKernelFn fn;
  } kernels[] = {
      {"sgd_update", SGD<false, false>},
      {"mp_sgd_update", SGD<false, true>},
      {"sgd_mom_update", SGD<true, false>},
      {"mp_sgd_mom_update", SGD<true, true>},
      {"multi_sgd_update", MultiSGD<false, false, false>},
      {"multi_mp_sgd_update", MultiSGD<false, true, false>},
      {"multi_sgd_mom_update", MultiSGD<true, false, false>},
      {"multi_mp_sgd_mom_update", MultiSGD<true, true, false>},
      {"preloaded_multi_sgd_update", MultiSGD<false, false, true>},
      {"preloaded_multi_mp_sgd_update", MultiSGD<false, true, true>},
      {"preloaded_multi_sgd_mom_update", MultiSGD<true, false, true>},
      {"preloaded_multi_mp_sgd_mom_update", MultiSGD<true, true, true>},
      {"nag_mom_update", NAGMomentum<false>},
      {"mp_nag_mom_update", NAGMomentum<true>},
      {"signsgd_update", SignSGD},
      {"signum_update", Signum},
      {"adam_update", Adam},
      {"rmsprop_update", RMSProp},
      {"rmspropalex_update", RMSPropAlex},
      {"ftrl_update", Ftrl},
      {"ftml_update", Ftml},
      {"lamb_update_phase1", LambPhase1<false>},
      {"mp_lamb_update_phase1", LambPhase1<true>},
      {"lamb_update_phase2", LambPhase2<false>},
      {"mp_lamb_update_phase2", LambPhase2<true>},
  };
  for (const auto& k : kernels)
    if (RegisterKernel(k.op, k.fn, nullptr, kFloats) != 0) return -1;
  return RegisterKernel("multi_lars", MultiLars, nullptr, {kF32});
}

}  // namespace mx_cpu
